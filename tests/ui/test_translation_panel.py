"""The translation panel driven as a user would: sliders, keys, switches, the 1-D figure and rotation."""
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from scipy import signal
from translation_helpers import choose, default_bank, settle, shown_panel

from convlab.engine.block import prepare_input
from convlab.engine.blurpool import blur_pool, pool_windows
from convlab.engine.invariance import band_outline, border_band
from convlab.engine.pooling import pool1d
from convlab.engine.shift import translate
from convlab.lab.pooling_figure import FigureSettings, parse_values
from convlab.lab.translation import ShiftSettings
from convlab.sources.base import Frame


@pytest.fixture
def bank():
    return default_bank()


@pytest.fixture
def panel(qtbot, bank):
    return shown_panel(qtbot, bank)


_settle, _choose = settle, choose


def _result(panel):
    return panel.image_mode.last_result.value


def _pixels(widget):
    image = widget.grab().toImage().convertToFormat(QImage.Format_RGB888)
    arr = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * image.height())
    return arr.reshape(image.height(), image.bytesPerLine())[:, :image.width() * 3].copy()


def test_panel_identity_and_first_render_on_the_bundled_photo(panel):
    assert (panel.key, panel.title) == ("translation", "Translation")
    shown = panel.image_mode.views.tile_values("input")
    assert shown.shape[0] % 4 == 0 and shown.shape[1] % 4 == 0 and max(shown.shape) <= 256
    assert shown.std() > 0.1, "the photo should be on screen"
    pixels = _pixels(panel)
    assert pixels.std() > 20 and (pixels < 60).mean() > 0.001, "blank panel or no text"


def test_wrap_sliders_give_an_exactly_zero_difference(qtbot, panel):
    c = panel.image_mode.controls
    _choose(c.widget("boundary"), "wrap")
    _settle(qtbot, panel)
    for dx, dy in [(7, 0), (-13, 5), (32, -32), (1, 1)]:
        c.widget("dx").slider.setValue(dx)
        c.widget("dy").slider.setValue(dy)
        _settle(qtbot, panel)
        value = _result(panel)
        assert (value.check.max_abs, dx, dy) == (0.0, dx, dy)
        assert not panel.image_mode.views.tile_values("difference").any()
        assert "0 exactly" in panel.image_mode.views.tiles["difference"].title_text()
        assert "exactly zero" in c.measures.labels["conv"].text()
        assert panel.image_mode.views.tiles["difference"].outline_rects() == []


def test_fill_difference_is_non_zero_only_inside_the_outlined_band(qtbot, panel):
    c = panel.image_mode.controls
    _choose(c.widget("kernel_name"), "laplacian")
    c.widget("dx").slider.setValue(9)
    c.widget("dy").slider.setValue(-6)
    _settle(qtbot, panel)
    value, views = _result(panel), panel.image_mode.views
    image = views.tile_values("input")
    kernel = [e.kernel for e in panel.bank.entries() if e.name == "laplacian"][0]
    conv_shift = signal.correlate2d(translate(image, -6, 9), kernel, mode="same")
    shift_conv = translate(signal.correlate2d(image, kernel, mode="same"), -6, 9)
    np.testing.assert_allclose(views.tile_values("conv_of_shifted"), conv_shift, atol=1e-5)
    np.testing.assert_allclose(views.tile_values("shifted_conv"), shift_conv, atol=1e-5)
    difference = views.tile_values("difference")
    band = border_band(image.shape, kernel.shape, -6, 9)
    assert value.check.max_abs > 0 and np.abs(difference).max() == pytest.approx(value.check.max_abs)
    assert not difference[~band].any()
    assert views.tiles["difference"].outline_rects() == band_outline(image.shape, kernel.shape, -6, 9)
    assert "border band" in c.measures.labels["conv"].text()


def test_arrow_keys_move_the_shift_sliders(qtbot, panel):
    mode, c = panel.image_mode, panel.image_mode.controls
    mode.change(dx=0, dy=0)
    mode.setFocus()
    for key in (Qt.Key_Right, Qt.Key_Right, Qt.Key_Down, Qt.Key_Left, Qt.Key_Up, Qt.Key_Up):
        qtbot.keyClick(mode, key)
    assert (c.widget("dx").value(), c.widget("dy").value()) == (1, -1)
    assert (mode.settings.dx, mode.settings.dy) == (1, -1)
    qtbot.keyClick(mode.views.tiles_widget, Qt.Key_Down)  # from the picture too
    assert mode.settings.dy == 0
    spin = c.widget("pool_size")
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key_Up)  # a spin box keeps its own arrows
    assert (mode.settings.pool_size, mode.settings.dy) == (3, 0)
    mode.change(dx=32)
    qtbot.keyClick(mode, Qt.Key_Right)
    assert c.widget("dx").value() == 32 and mode.settings.dx == 32


def test_controls_bind_both_ways(qtbot, panel):
    mode, c = panel.image_mode, panel.image_mode.controls
    emitted = []
    c.form.changed.connect(emitted.append)
    c.widget("pool_stride").setValue(4)
    _choose(c.widget("pool_kind"), "avg")
    c.widget("antialias").setChecked(True)
    assert (mode.settings.pool_stride, mode.settings.pool_kind, mode.settings.antialias) == (4, "avg", True)
    assert c.widget("blur_filter").isEnabled()
    assert len(emitted) == 3 and emitted[-1] == mode.settings
    _settle(qtbot, panel)  # the user's change reaches the view
    assert mode.last_result.job.settings == mode.settings
    pooled_shape = tuple(np.array(mode.last_result.value.image.shape) // 4)
    assert panel.image_mode.views.tile_values("pooled").shape == pooled_shape
    settings = ShiftSettings(dx=-5, dy=8, boundary="wrap", kernel_name="sobel_y", pool_kind="min", pool_size=3,
                             pool_stride=1, antialias=False, blur_filter="[1, 3, 3, 1]", compare="moved")
    mode.apply_settings(settings)
    assert len(emitted) == 3, "showing settings must not echo"
    assert mode.settings == settings
    assert (c.widget("dx").value(), c.widget("dy").value()) == (-5, 8)
    assert c.widget("dx").readout.text() == "-5 px" and c.widget("dy").readout.text() == "+8 px"
    assert [c.widget(k).currentData() for k in ("boundary", "kernel_name", "pool_kind", "blur_filter", "compare")] \
        == ["wrap", "sobel_y", "min", "[1, 3, 3, 1]", "moved"]
    assert (c.widget("pool_size").value(), c.widget("pool_stride").value()) == (3, 1)
    assert not c.widget("antialias").isChecked() and not c.widget("blur_filter").isEnabled()
    _settle(qtbot, panel)
    assert mode.last_result.job.settings == settings


def test_the_play_button_and_the_measures_write_nothing_into_the_controls(qtbot, panel):
    """The sweep gives new settings to the mode (shown without echo); the numbers are a view of the result."""
    mode, c = panel.image_mode, panel.image_mode.controls
    emitted = []
    c.form.changed.connect(emitted.append)
    mode.play_step()
    assert mode.settings.dx == 2 and c.widget("dx").value() == 2 and emitted == []
    _settle(qtbot, panel)
    assert "cosine similarity of the pooled maps" in c.measures.labels["cosine"].text()
    assert emitted == []


def test_pooled_outputs_highlight_the_changed_units(qtbot, panel):
    c = panel.image_mode.controls
    panel.image_mode.change(dx=1, dy=0, boundary="wrap", pool_size=2, pool_stride=2, compare="same")
    _settle(qtbot, panel)
    value, views = _result(panel), panel.image_mode.views
    expected_x = pool_windows(value.conv_x, 2, 2)
    expected_shifted = pool_windows(value.check.conv_of_shifted, 2, 2)
    np.testing.assert_array_equal(views.tile_values("pooled"), expected_x.astype(np.float32))
    np.testing.assert_array_equal(views.tile_values("pooled_shifted"), expected_shifted.astype(np.float32))
    changed = views.tiles["pooled_shifted"].overlay_mask()
    np.testing.assert_array_equal(changed, value.change.changed)
    assert 0 < changed.mean() < 1
    assert f"{100 * (1 - changed.mean()):.1f} %" in c.measures.labels["pooled"].text()
    cosine = expected_x.ravel() @ expected_shifted.ravel() / np.linalg.norm(expected_x) / np.linalg.norm(
        expected_shifted)
    assert value.change.cosine == pytest.approx(cosine)
    panel.image_mode.change(dx=4, compare="moved")  # a multiple of the stride, moved by 2 units: exactly equivariant
    _settle(qtbot, panel)
    assert _result(panel).change.fraction_unchanged == 1.0
    assert panel.image_mode.views.tiles["pooled_shifted"].overlay_mask() is None
    panel.image_mode.change(antialias=True)
    _settle(qtbot, panel)
    np.testing.assert_allclose(views.tile_values("pooled_shifted"),
                               blur_pool(_result(panel).check.conv_of_shifted, 2, 2), rtol=1e-5, atol=1e-6)


def test_curves_and_the_blurpool_switch_flattens_the_stride_2_curve(qtbot, panel):
    c, views = panel.image_mode.controls, panel.image_mode.views
    _choose(c.widget("boundary"), "wrap")
    _settle(qtbot, panel)
    shifts, error = views.curve("conv_error", 4).getData()
    assert shifts.tolist() == list(range(9)) and not error.any()
    for stride in (1, 2, 4):
        x, cos = views.curve("cosine", stride).getData()
        assert x.tolist() == list(range(2 * stride + 1))
        assert np.all(cos[::stride] == 1.0)
    assert views.is_shown("cosine", 2) and not views.is_shown("cosine", 2, True)
    plain = views.curve("cosine", 2).getData()[1]
    c.widget("antialias").setChecked(True)
    _settle(qtbot, panel)
    blurred_curve = views.curve("cosine", 2, True)
    assert blurred_curve.isVisible() and views.curve("cosine", 2).isVisible(), "both curves on one plot"
    blurred = blurred_curve.getData()[1]
    assert blurred.var() < 0.5 * plain.var()
    assert np.all(blurred[::2] == 1.0)
    c.widget("antialias").setChecked(False)
    _settle(qtbot, panel)
    assert not views.is_shown("cosine", 2, True) and views.is_shown("cosine", 2)


def test_play_sweeps_the_horizontal_shift(qtbot, panel):
    mode, c = panel.image_mode, panel.image_mode.controls
    mode.change(dx=31)
    qtbot.mouseClick(c.play_button, Qt.LeftButton)
    assert mode.play_timer.isActive() and "Pause" in c.play_button.text()
    qtbot.waitUntil(lambda: mode.settings.dx == 32, timeout=3000)
    qtbot.waitUntil(lambda: mode.settings.dx == -32, timeout=3000)  # wraps round
    qtbot.waitUntil(lambda: c.widget("dx").value() == -31, timeout=3000)
    qtbot.mouseClick(c.play_button, Qt.LeftButton)
    assert not mode.play_timer.isActive() and "Play" in c.play_button.text()


def test_the_source_frame_becomes_the_input(qtbot, panel):
    assert panel.frames_displayed() == 0, "the bundled photo shown before any source frame does not count"
    shown = []
    panel.frame_displayed.connect(shown.append)
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (50, 70, 3), dtype=np.uint8)
    frame = Frame(rgb, 1, time.perf_counter())
    panel.set_frame(frame)
    _settle(qtbot, panel)
    assert panel.frames_displayed() == 1 and shown == [frame]
    shown = panel.image_mode.views.tile_values("input")
    assert shown.shape == (48, 68)
    np.testing.assert_allclose(shown, prepare_input(rgb, "gray")[:48, :68], atol=1e-6)


def test_kernel_chooser_follows_the_shared_bank(qtbot, panel, bank):
    c = panel.image_mode.controls
    names = [c.widget("kernel_name").itemData(i) for i in range(c.widget("kernel_name").count())]
    assert names == [e.name for e in bank.entries()] and panel.image_mode.settings.kernel_name == "sobel_x"
    bank.set_from_arrays(["bump", "step"], [np.eye(3), np.array([[0, 0, 0], [-1, 0, 1], [0, 0, 0]])])
    _settle(qtbot, panel)
    assert panel.image_mode.settings.kernel_name == "bump"
    _choose(c.widget("kernel_name"), "step")
    _settle(qtbot, panel)
    np.testing.assert_array_equal(panel.image_mode.last_result.job.kernel, [[0, 0, 0], [-1, 0, 1], [0, 0, 0]])


# ---- 1-D figure -----------------------------------------------------------------------------------
def test_figure_shows_the_lecture_example(panel):
    scene = panel.figure.scene
    assert scene.texts("before", "detector") == ["0.1", "1", "0.2", "0.1"]
    assert scene.texts("before", "pooled") == ["1", "1", "1", "0.2"]
    assert scene.texts("after", "detector") == ["0.3", "0.1", "1", "0.2"]
    assert scene.texts("after", "pooled") == ["0.3", "1", "1", "1"]
    assert scene.highlighted("after", "detector") == [True] * 4
    assert scene.highlighted("after", "pooled") == [True, False, False, True]
    assert scene.line_count() == 2 * (2 + 3 + 3 + 2)
    assert "4 of 4 detector" in panel.figure.summary.text() and "2 of 4 pooled" in panel.figure.summary.text()


def test_figure_values_are_editable_and_bad_text_keeps_the_last_valid(qtbot, panel):
    figure, messages = panel.figure, []
    panel.modes.setCurrentWidget(figure)
    panel.message.connect(messages.append)
    figure.values_edit.clear()
    qtbot.keyClicks(figure.values_edit, "0, 0, 1, 1, 0, 0, 1, 1")
    qtbot.keyClick(figure.values_edit, Qt.Key_Return)
    figure.form.widgets["width"].setValue(2)
    figure.form.widgets["stride"].setValue(2)
    assert figure.settings.values == (0, 0, 1, 1, 0, 0, 1, 1)
    assert figure.scene.texts("before", "pooled") == ["0", "1", "0", "1"]
    expected = pool1d([0.3, 0, 0, 1, 1, 0, 0, 1], 2, 2, "max", padding="same")
    assert figure.scene.texts("after", "pooled") == [f"{v:.3g}" for v in expected]
    for bad in ("0.1, x", "", "nan, 1", ", ".join(["1"] * 13)):
        figure.values_edit.setText(bad)
        qtbot.keyClick(figure.values_edit, Qt.Key_Return)
        assert figure.error.isVisible() and figure.error.text()
        assert figure.settings.values == (0, 0, 1, 1, 0, 0, 1, 1)
        assert figure.scene.texts("before", "detector") == ["0", "0", "1", "1", "0", "0", "1", "1"]
    assert len(messages) == 4 and "not a number" in messages[0]
    figure.entering_edit.setText("2")  # the other field still holds bad text: it keeps its last valid values
    qtbot.keyClick(figure.entering_edit, Qt.Key_Return)
    assert figure.error.isVisible() and figure.scene.texts("after", "detector")[0] == "2"
    figure.values_edit.setText("1, 3")
    qtbot.keyClick(figure.values_edit, Qt.Key_Return)
    assert not figure.error.isVisible() and figure.scene.texts("after", "detector") == ["2", "1"]
    figure.apply_settings(FigureSettings(values=(5.0, 4.0)))
    assert figure.values_edit.text() == "5, 4" and figure.form.widgets["width"].value() == 3


def test_predict_then_reveal(qtbot, panel):
    figure = panel.figure
    panel.modes.setCurrentWidget(figure)
    assert not figure.reveal_button.isEnabled()
    figure.form.widgets["predict"].setChecked(True)
    assert figure.scene.texts("before", "pooled") == ["?"] * 4 and figure.scene.texts("after", "pooled") == ["?"] * 4
    assert figure.scene.texts("after", "detector") == ["0.3", "0.1", "1", "0.2"]
    assert figure.reveal_button.isEnabled()
    qtbot.mouseClick(figure.reveal_button, Qt.LeftButton)
    assert figure.scene.texts("after", "pooled") == ["0.3", "1", "1", "1"]
    figure.form.widgets["stride"].setValue(2)  # a new question hides the answers again
    assert figure.scene.texts("before", "pooled") == ["?", "?"]


def test_parse_values():
    assert parse_values(" 1, -2.5 ;3e-1") == (1.0, -2.5, 0.3)
    for bad in ("", "1,,2", "inf", "a"):
        with pytest.raises(ValueError, match="values"):
            parse_values(bad)


# ---- learned invariance -------------------------------------------------------------------------------
