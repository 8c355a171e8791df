"""The main window with the feature-maps panel, driven as a user would, on real sources."""
import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from convlab.engine.block import cnn_block_stages, prepare_input
from convlab.lab.features import BankRequest
from convlab.ui.main_window import MainWindow
from convlab.ui.panels.features.export import export_maps


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    w = MainWindow(settings=settings, synchronous=True)
    qtbot.addWidget(w)
    w.resize(1400, 850)
    w.show()
    return w


def _shown(window):
    return window.panels[0].frames_displayed()


def _image_stats(qimage: QImage):
    qimage = qimage.convertToFormat(QImage.Format_RGB888)
    ptr = qimage.constBits()
    arr = np.frombuffer(ptr, np.uint8, qimage.bytesPerLine() * qimage.height())
    arr = arr.reshape(qimage.height(), qimage.bytesPerLine())[:, :qimage.width() * 3]
    return arr.reshape(qimage.height(), qimage.width(), 3)


def test_starts_on_a_real_photo_without_camera_and_renders(window, qtbot):
    window.start()
    qtbot.waitUntil(lambda: _shown(window) >= 1, timeout=10000)
    assert window.sources.spec == "sample:china"
    pixels = _image_stats(window.grab().toImage())
    assert pixels.std() > 20, "the window looks blank"
    assert (pixels.sum(axis=2) < 150).mean() > 0.001, "no dark pixels: text did not render"
    window._update_fps()
    assert window._status["fps"].text() == "still image"  # not "0 fps displayed", which reads like a stall


def test_status_bar_counts_displayed_frames_of_a_moving_source(window, qtbot):
    window.open_spec("sample:moving shapes")
    qtbot.waitUntil(lambda: _shown(window) >= 3, timeout=10000)
    window._update_fps()
    text = window._status["fps"].text()
    assert text.endswith(" fps displayed") and int(text.split()[0]) >= 1, text


def test_feature_maps_equal_the_engine_on_the_shown_frame(window, qtbot):
    window.open_spec("sample:checkerboard")
    qtbot.waitUntil(lambda: _shown(window) >= 1, timeout=10000)
    panel = window.panels[0]
    names, kernels = window.bank.stacked()
    rgb, stages = panel.last_result.value
    ref = cnn_block_stages(prepare_input(rgb, "gray"), kernels, activation="relu", pool_kind="max")
    np.testing.assert_allclose(stages.pooled, ref.pooled, atol=1e-5)
    assert panel.grid.map_count() == len(names)


def test_controls_bind_both_ways(window, qtbot):
    window.open_spec("sample:edges")
    qtbot.waitUntil(lambda: _shown(window) >= 1, timeout=10000)
    panel, controls = window.panels[0], window.panels[0].controls
    box = controls.params_form.widgets["stage"]
    box.setCurrentIndex(box.findData("conv"))  # widget -> settings -> recomputed maps
    assert controls.params().stage == "conv"
    qtbot.waitUntil(lambda: panel.last_result.job.params.stage == "conv", timeout=5000)
    controls.params_form.change(stride=2, mode="valid")
    w = controls.params_form.widgets
    assert w["stride"].value() == 2 and w["mode"].currentData() == "valid"
    qtbot.waitUntil(lambda: panel.last_result.job.params.stride == 2, timeout=5000)
    _, stages = panel.last_result.value
    h, w = stages.input.shape[:2]
    assert stages.conv.shape[1:] == ((h - 3) // 2 + 1, (w - 3) // 2 + 1)


def test_bank_from_elsewhere_is_used_at_once(window, qtbot):
    window.open_spec("sample:edges")
    qtbot.waitUntil(lambda: _shown(window) >= 1, timeout=10000)
    panel = window.panels[0]
    window.bank.set_from_arrays(["only"], np.ones((1, 5, 5)) / 25, origin="editor")
    qtbot.waitUntil(lambda: panel.last_result.job.names == ("only",), timeout=5000)
    assert panel.grid.map_count() == 1
    panel.build_bank(BankRequest("random", 3, 32, 7))
    qtbot.waitUntil(lambda: len(panel.last_result.job.names) == 32, timeout=5000)
    assert panel.controls.kernel_list.count() == 32


def test_hovering_explains_the_value(window, qtbot):
    window.open_spec("sample:china")
    qtbot.waitUntil(lambda: _shown(window) >= 1, timeout=10000)
    panel = window.panels[0]
    panel.controls.params_form.change(input_kind="color", stage="pooled")
    qtbot.waitUntil(lambda: panel.last_result.job.params.input_kind == "color", timeout=5000)
    panel.grid.pixel_hovered.emit(2, 10, 20)
    _, stages = panel.last_result.value
    shown = stages.pooled[2, 10, 20]
    caption = panel.product_view.caption_text()
    assert f"{shown:.4g}" in caption and "max pooling over 4 values" in caption
    products = np.array([[float(t) for t in row] for row in panel.product_view.cell_texts("products")])
    assert products.shape == (3, 3)
    # the window of pooled (10, 20) is conv rows 20..21, cols 40..41; its receptive field adds one pixel
    assert panel.input_view.outline_bounds() == (19, 39, 22, 42)


def test_bad_file_keeps_the_current_source(window, qtbot, tmp_path):
    window.open_spec("sample:edges")
    bad = tmp_path / "notes.png"
    bad.write_text("this is not an image")
    assert not window.open_spec(str(bad))
    assert window.sources.spec == "sample:edges"
    assert "notes.png" in window.source_bar.banner.text()
    assert not window.open_spec(str(tmp_path / "missing.jpg"))
    assert "missing.jpg" in window.source_bar.banner.text()


def test_freeze_ignores_new_frames_and_step_takes_one(window, qtbot):
    window.open_spec("sample:edges")
    qtbot.waitUntil(lambda: _shown(window) >= 1, timeout=10000)
    panel = window.panels[0]
    panel.set_frozen(True)
    n = _shown(window)
    window.open_spec("sample:checkerboard")
    qtbot.wait(50)
    assert _shown(window) == n
    panel.step()
    assert _shown(window) == n + 1


def test_export_grid_and_map(window, qtbot, tmp_path):
    window.open_spec("sample:edges")
    qtbot.waitUntil(lambda: _shown(window) >= 1, timeout=10000)
    panel = window.panels[0]
    assert export_maps(panel, tmp_path / "grid.png")
    assert export_maps(panel, tmp_path / "map.png", map_index=1)
    assert Image.open(tmp_path / "grid.png").size[0] > 100
    assert not export_maps(panel, tmp_path / "no-such-dir" / "x.png")


def test_remembers_the_last_source(qtbot, settings, tmp_path):
    img = tmp_path / "photo.png"
    Image.fromarray((np.random.default_rng(0).random((40, 60, 3)) * 255).astype(np.uint8)).save(img)
    first = MainWindow(settings=settings, synchronous=True)
    qtbot.addWidget(first)
    assert first.open_spec(str(img))
    first.close()
    second = MainWindow(settings=settings, synchronous=True)
    qtbot.addWidget(second)
    second.start()
    assert second.sources.spec == str(img)
    assert second._recent()[0] == str(img)


def test_the_window_fits_a_1024x768_projector(window, qtbot):
    """Every panel can be laid out in 1024 x 768 (XGA projectors are still in lecture halls): the
    connectivity panel's titles wrap and its cost tables stack instead of widening the window."""
    for key in ("features", "editor", "smoothing", "translation", "connectivity", "learning"):
        window.show_panel(key)
        QApplication.processEvents()
        hint = window.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 768, (key, hint)
    window.resize(1024, 768)
    window.show_panel("connectivity")
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=3000)
    counters = next(p for p in window.panels if p.key == "connectivity").counters
    qtbot.waitUntil(counters.is_stacked, timeout=3000)
    window.resize(1600, 950)
    qtbot.waitUntil(lambda: not counters.is_stacked(), timeout=3000)
