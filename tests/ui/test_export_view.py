"""Export: a panel or a plot to PNG at a scale, a plot to SVG, the kernel bank montage, the dialog, --scale."""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from convlab.ui.export_dialog import ExportDialog, export_bank_to
from convlab.ui.export_view import (
    bank_montage,
    export_bank_montage,
    export_plot_png,
    export_plot_svg,
    export_widget_png,
    find_plots,
    kernel_rgb,
    render_widget,
)
from convlab.ui.main_window import MainWindow
from convlab.ui.widgets.colormaps import diverging_lut

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot):
    w = MainWindow(settings=None, synchronous=True)
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    w.open_spec("sample:checkerboard")
    qtbot.waitUntil(lambda: w.current_panel().frames_displayed() >= 1, timeout=10000)
    return w


def _pixels(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float32)


def test_panel_png_at_scale_2_is_twice_the_size_and_the_same_picture(window, tmp_path):
    panel = window.current_panel()
    one = export_widget_png(panel, tmp_path / "one.png", 1)
    two = export_widget_png(panel, tmp_path / "two.png", 2)
    small, big = _pixels(one), _pixels(two)
    assert small.shape[:2] == (panel.height(), panel.width())
    assert big.shape[:2] == (2 * panel.height(), 2 * panel.width())
    shrunk = big.reshape(small.shape[0], 2, small.shape[1], 2, 3).mean(axis=(1, 3))
    assert np.abs(shrunk - small).mean() < 12, "the 2x picture does not show the same panel"
    assert big.std() > 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.png", "two.png"]  # no temporary files left


def test_render_widget_sets_the_device_pixel_ratio(window):
    image = render_widget(window, 1.5)
    assert (image.width(), image.height()) == (round(1.5 * window.width()), round(1.5 * window.height()))
    assert image.devicePixelRatio() == 1.5
    for bad in (0, 9, "x"):
        with pytest.raises(ValueError, match="scale"):
            render_widget(window, bad)


def test_plots_export_to_svg_and_png(window, tmp_path):
    window.show_panel("smoothing")
    plots = find_plots(window.current_panel())
    names = [p.name for p in plots]
    assert len(plots) >= 4 and any("Spaceship position" in n for n in names)
    target = next(p for p in plots if "Spaceship position" in p.name)
    svg = export_plot_svg(target.plot_item, tmp_path / "track.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = svg.read_text()
    assert "<svg" in text and ("<path" in text or "<polyline" in text)
    png = export_plot_png(target.plot_item, tmp_path / "track", 2)
    assert png.suffix == ".png"
    rect = target.plot_item.sceneBoundingRect()
    assert Image.open(png).size == (round(2 * rect.width()), round(2 * rect.height()))


def test_bank_montage_has_one_tile_per_kernel():
    rng = np.random.default_rng(0)
    kernels = [np.ones((3, 3)), -np.ones((5, 5)), np.zeros((3, 3)), rng.normal(size=(7, 7)),
               rng.normal(size=(11, 11, 3)), np.eye(2), rng.normal(size=(1, 9))]
    rgb, rects = bank_montage(kernels, tile=40, gap=10)
    assert rgb.dtype == np.uint8 and len(rects) == len(kernels)
    _, count = ndimage.label(np.any(rgb != 255, axis=2))
    assert count == len(kernels)
    lut = diverging_lut()
    for kernel, expected in ((0, lut[255]), (1, lut[0]), (2, lut[128])):
        x, y, w, h = rects[kernel]
        np.testing.assert_array_equal(rgb[y + h // 2, x + w // 2], expected)
    x, y, w, h = rects[3]
    assert (w, h) == (35, 35)  # 7x7 enlarged 5 times (the largest whole factor within 40)
    np.testing.assert_array_equal(rgb[y:y + h:5, x:x + w:5], kernel_rgb(kernels[3]))


def test_bank_montage_file_from_the_shared_bank(window, tmp_path):
    count = len(window.bank.entries())
    path = export_bank_montage(window.bank, tmp_path / "bank.png")
    mask = np.any(_pixels(path)[:, :, :3] < 200, axis=2)  # tile frames and dark text
    assert Image.open(path).size[0] > 200
    assert export_bank_to(window, tmp_path / "bank2.png")
    assert f"{count} kernels" in window.source_bar.banner.text()
    assert mask.any()
    assert not export_bank_to(window, tmp_path / "missing-folder" / "bank.png")
    assert "Could not export" in window.source_bar.banner.text()
    with pytest.raises(ValueError, match="kernels"):
        bank_montage([])


def test_dialog_offers_svg_for_plots_only_and_reports_failures(window, qtbot, tmp_path):
    window.show_panel("smoothing")
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.target_box.count() >= 6
    svg_item = dialog.format_box.model().item(1)
    dialog.target_box.setCurrentIndex(1)
    assert not svg_item.isEnabled()
    dialog.target_box.setCurrentIndex(2)
    assert svg_item.isEnabled()
    dialog.format_box.setCurrentIndex(1)
    assert not dialog.scale_spin.isEnabled()
    assert dialog.export_to(tmp_path / "plot.svg")
    assert (tmp_path / "plot.svg").read_text().lstrip().startswith("<?xml")
    dialog.target_box.setCurrentIndex(0)
    assert dialog.format_box.currentData() == "png" and dialog.scale_spin.isEnabled()
    dialog.scale_spin.setValue(0.5)
    assert dialog.export_to(tmp_path / "window.png")
    assert Image.open(tmp_path / "window.png").size == (round(window.width() / 2), round(window.height() / 2))
    assert not dialog.export_to(tmp_path / "nowhere" / "x.png")
    assert "Could not export" in dialog.error_label.text()
    assert "Could not export" in window.source_bar.banner.text()


def test_screenshot_command_line_scale(tmp_path):
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--source", "sample:checkerboard", "--screenshot",
                          str(shot), "--size", "1200x700", "--scale", "2"], capture_output=True, text=True,
                         timeout=120, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    assert Image.open(shot).size == (2400, 1400)
    bad = subprocess.run([sys.executable, str(ROOT / "main.py"), "--scale", "20", "--screenshot", str(shot)],
                         capture_output=True, text=True, timeout=60, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert bad.returncode == 2 and "--scale" in bad.stderr and "0.25 to 8" in bad.stderr
