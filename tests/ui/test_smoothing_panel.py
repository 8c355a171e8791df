"""The signal-smoothing panel driven as a user would, checked against the engine."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from theme_helpers import not_themed

from convlab.engine.smoothing import (
    error_vs_width,
    estimate_times,
    kernel_from_weights,
    lag_of,
    mse,
    smooth,
    smoothing_kernel,
)
from convlab.engine.spaceship import spaceship_track
from convlab.lab.smoothing import SWEEP_WIDTHS, SmoothingParams
from convlab.ui.bank_signals import KernelBank
from convlab.ui.panels.smoothing.panel import SmoothingPanel
from convlab.ui.theme import THEMED, theme


@pytest.fixture
def panel(qtbot):
    p = SmoothingPanel(KernelBank(), synchronous=True)
    qtbot.addWidget(p)
    p.resize(1500, 850)
    p.show()
    qtbot.waitUntil(lambda: p.frames_displayed() >= 1, timeout=5000)
    return p


def settle(qtbot, panel):
    """Let the coalescing single-shot timer run and the (synchronous) result arrive."""
    before = panel.frames_displayed()
    qtbot.waitUntil(lambda: panel.frames_displayed() > before, timeout=5000)


def track(params=SmoothingParams()):
    return spaceship_track(params.length, params.step, params.noise, params.seed)


def test_key_title_and_first_drawing(panel):
    assert (panel.key, panel.title) == ("smoothing", "Signal smoothing")
    t = track()
    xs, ys = panel.track_plot.measured.getData()
    np.testing.assert_array_equal(ys, t.measured)
    np.testing.assert_array_equal(panel.track_plot.truth.getData()[1], t.truth)
    kernel = smoothing_kernel("exponential", 15)  # the default: causal exponential decay
    np.testing.assert_allclose(panel.track_plot.chosen.getData()[1], smooth(t.measured, *kernel), rtol=1e-12)
    panel.set_frame(object())  # camera frames are ignored
    assert panel.frames_displayed() == 1


def test_width_slider_changes_the_plotted_estimate(panel, qtbot):
    before = panel.track_plot.chosen.getData()[1].copy()
    panel.controls.form.widgets["width"].slider.setValue(31)
    settle(qtbot, panel)
    assert panel.controls.settings().width == 31 and panel.controls.settings().decay == pytest.approx(31 / 4)
    got = panel.track_plot.chosen.getData()[1]
    assert not np.allclose(got, before)
    np.testing.assert_allclose(got, smooth(track().measured, *smoothing_kernel("exponential", 31)), rtol=1e-12)
    assert panel.error_plot.width_line.value() == 31
    assert panel.kernel_draw.weights.size == 31


def test_state_to_widgets_without_echo(panel, qtbot):
    emitted = []
    panel.controls.form.changed.connect(emitted.append)
    params = SmoothingParams(kind="gaussian", width=21, decay=2.5, decay_follows_width=False, causal=False,
                             normalise=False, mode="valid", noise=1.25, seed=3)
    panel.controls.form.set_settings(params)
    w = panel.controls.form.widgets
    assert w["kind"].currentData() == "gaussian" and w["width"].value() == 21 and w["decay"].value() == 2.5
    assert w["causal"].currentData() is False and not w["normalise"].isChecked()
    assert w["mode"].currentData() == "valid" and w["noise"].value() == 1.25 and w["seed"].value() == 3
    assert w["decay"].isEnabled()
    assert emitted == [] and panel.controls.settings() == params
    qtbot.wait(20)
    assert panel.frames_displayed() == 1  # showing settings is not a change: nothing recomputed


def test_flip_and_slide_sum_equals_the_estimate_and_steps(panel, qtbot):
    x = track().measured
    kernel = smoothing_kernel("exponential", 15)
    estimate = smooth(x, *kernel)
    panel.controls.time_slider.setValue(123)
    assert panel.t == 123
    terms_total = panel.slide_view.product_bars.opts["height"].sum()
    assert terms_total == pytest.approx(estimate[123], abs=1e-12)
    assert f"<b>{estimate[123]:.6g}</b>" in panel.slide_view.sum_label.text()
    np.testing.assert_allclose(panel.slide_view.weight_bars.opts["height"], kernel.weights[::-1])
    qtbot.mouseClick(panel.controls.forward_button, Qt.LeftButton)
    assert panel.t == 124 and panel.controls.time_slider.value() == 124
    qtbot.mouseClick(panel.controls.back_button, Qt.LeftButton)
    qtbot.mouseClick(panel.controls.back_button, Qt.LeftButton)
    assert panel.t == 122
    assert panel.track_plot.time_line.value() == 122


def test_play_slides_the_kernel_along(panel, qtbot):
    panel.controls.speed_spin.setValue(200)
    start = panel.t
    qtbot.mouseClick(panel.controls.play_button, Qt.LeftButton)
    assert panel.play_timer.isActive() and "pause" in panel.controls.play_button.text()
    qtbot.waitUntil(lambda: panel.t != start, timeout=3000)
    qtbot.mouseClick(panel.controls.play_button, Qt.LeftButton)
    assert not panel.play_timer.isActive()


def test_normalisation_off_scales_the_estimate(panel, qtbot):
    on = panel.track_plot.chosen.getData()[1].copy()
    panel.controls.form.widgets["normalise"].setChecked(False)
    settle(qtbot, panel)
    off = panel.track_plot.chosen.getData()[1]
    total = smoothing_kernel("exponential", 15, normalise=False).weights.sum()
    np.testing.assert_allclose(off, total * on, rtol=1e-10)
    assert "not 1" in panel.summary.text()


def test_causal_and_centred_curves_differ_and_the_causal_one_lags(panel, qtbot):
    panel.controls.form.change(kind="box", width=21, causal=True, noise=0.0)
    settle(qtbot, panel)
    truth = panel.last_result.job.truth
    causal = panel.track_plot.chosen.getData()[1]
    centred = panel.track_plot.other.getData()[1]
    assert np.max(np.abs(causal - centred)) > 0.1

    def best_shift(estimate):
        shifts = np.arange(-20, 21)
        return shifts[int(np.argmin([mse(estimate[50:350], truth[50 - s:350 - s]) for s in shifts]))]

    assert best_shift(causal) == 10 == round(lag_of(*smoothing_kernel("box", 21, causal=True)))
    assert best_shift(centred) == 0
    assert "causal 10.00, centred 0.00" in panel.summary.text()


@pytest.mark.parametrize("mode, length", [("full", 400 + 9 - 1), ("same", 400), ("valid", 400 - 9 + 1)])
def test_boundary_mode_sets_length_and_alignment(panel, qtbot, mode, length):
    panel.controls.form.change(kind="triangle", width=9, causal=False, mode=mode)
    settle(qtbot, panel)
    times, values = panel.track_plot.chosen.getData()
    kernel = smoothing_kernel("triangle", 9, causal=False)
    assert values.size == length
    np.testing.assert_array_equal(times, estimate_times(400, kernel.lags, mode))
    np.testing.assert_allclose(values, smooth(track().measured, *kernel, mode), rtol=1e-12)
    assert f"<b>{length}</b> estimates" in panel.summary.text()
    assert panel.controls.time_slider.minimum() == times[0] and panel.controls.time_slider.maximum() == times[-1]


def test_error_plot_is_the_engine_sweep(panel, qtbot):
    panel.controls.form.change(kind="gaussian", width=11, causal=False)
    settle(qtbot, panel)
    widths, errors = panel.error_plot.curves[False].getData()
    np.testing.assert_array_equal(widths, SWEEP_WIDTHS)
    x, truth = track().measured, track().truth
    np.testing.assert_allclose(errors, error_vs_width(x, truth, SWEEP_WIDTHS, "gaussian", causal=False), rtol=1e-12)
    best_x, best_y = panel.error_plot.best[False].getData()
    assert best_y[0] == pytest.approx(np.min(errors)) and 1 < best_x[0] < SWEEP_WIDTHS[-1]
    assert panel.error_plot.raw_line.value() == pytest.approx(mse(x, truth))


def test_commutativity_plot(panel):
    x = track().measured
    kernel = smoothing_kernel("exponential", 15)
    np.testing.assert_allclose(panel.commute_plot.x_conv_w.getData()[1], np.convolve(x, kernel.weights), rtol=1e-12)
    np.testing.assert_allclose(panel.commute_plot.w_conv_x.getData()[1], np.convolve(kernel.weights, x), rtol=1e-12)
    assert panel.last_result.commutation.max_difference < 1e-12
    assert "max |x ∗ w − w ∗ x|" in panel.commute_plot.getPlotItem().titleLabel.text


def test_noise_slider_changes_the_measurements(panel, qtbot):
    panel.controls.form.widgets["noise"].slider.setValue(150)
    settle(qtbot, panel)
    t = track(SmoothingParams(noise=1.5))
    np.testing.assert_allclose(panel.track_plot.measured.getData()[1], t.measured)


def _drag(widget, points):
    """Press at the first (lag, weight) point, move through the others with the button held, release."""
    vb = widget.getPlotItem().vb
    positions = [QPointF(widget.mapFromScene(vb.mapViewToScene(QPointF(*p)))) for p in points]
    kinds = [QEvent.MouseButtonPress] + [QEvent.MouseMove] * (len(points) - 1) + [QEvent.MouseButtonRelease]
    for kind, pos in zip(kinds, positions + positions[-1:]):
        held = Qt.NoButton if kind == QEvent.MouseButtonRelease else Qt.LeftButton
        button = Qt.NoButton if kind == QEvent.MouseMove else Qt.LeftButton
        event = QMouseEvent(kind, pos, widget.viewport().mapToGlobal(pos), button, held, Qt.NoModifier)
        QApplication.sendEvent(widget.viewport(), event)


def test_dragging_the_kernel_draws_a_new_one(panel, qtbot):
    panel.controls.form.change(kind="box", width=9, causal=False)
    settle(qtbot, panel)
    old = panel.kernel_draw.weights.copy()
    np.testing.assert_array_equal(panel.kernel_draw.lags, np.arange(-4, 5))
    _drag(panel.kernel_draw, [(-4, 0.12), (-2, 0.02), (0, 0.09)])
    settle(qtbot, panel)
    params = panel.controls.settings()
    assert params.kind == "drawn" and panel.controls.form.widgets["kind"].currentData() == "drawn"
    drawn = panel.drawn
    assert drawn[0] == pytest.approx(0.12, abs=0.002) and drawn[2] == pytest.approx(0.02, abs=0.002)
    assert drawn[1] == pytest.approx((drawn[0] + drawn[2]) / 2)  # the skipped bar is filled in
    assert drawn[4] == pytest.approx(0.09, abs=0.002) and drawn[8] == pytest.approx(old[8])
    kernel = kernel_from_weights(drawn, causal=False, normalise=True)
    np.testing.assert_allclose(panel.track_plot.chosen.getData()[1], smooth(track().measured, *kernel), rtol=1e-12)


def test_loading_a_file_and_bad_files(panel, qtbot, tmp_path):
    good = tmp_path / "temps.csv"
    good.write_text("day,temperature\n" + "\n".join(f"{i},{10 + np.sin(i / 9):.4f}" for i in range(120)))
    messages = []
    panel.message.connect(messages.append)
    assert not panel.load_signal(good)  # two columns, none chosen
    assert panel.controls.error_label.isVisible() and "choose one" in panel.controls.error_label.text()
    assert "choose one" in messages[-1]
    before = panel.track_plot.chosen.getData()[1].copy()
    assert not panel.load_signal(tmp_path / "missing.csv")
    np.testing.assert_array_equal(panel.track_plot.chosen.getData()[1], before)  # the last state stays
    panel.controls.column_edit.setText("temperature")
    assert panel.load_signal(good)
    settle(qtbot, panel)
    assert panel.controls.settings().source == "file" and not panel.controls.error_label.isVisible()
    values = np.loadtxt(good, delimiter=",", skiprows=1)[:, 1]
    np.testing.assert_allclose(panel.track_plot.measured.getData()[1], values)
    assert not panel.track_plot.truth.isVisible()
    assert "no true path" in panel.summary.text() and "no true path" in panel.error_plot.note.toPlainText()
    panel.controls.form.change(source="spaceship")
    settle(qtbot, panel)
    assert panel.track_plot.truth.isVisible()


def test_widgets_to_state_for_every_control(panel, qtbot):
    w = panel.controls.form.widgets
    w["mode"].setCurrentIndex(w["mode"].findData("valid"))
    w["causal"].setCurrentIndex(w["causal"].findData(False))
    w["kind"].setCurrentIndex(w["kind"].findData("gaussian"))
    w["seed"].setValue(4)
    w["length"].setValue(250)
    w["step"].setValue(0.5)
    w["decay_follows_width"].setChecked(False)
    assert w["decay"].isEnabled()
    w["decay"].slider.setValue(10)  # 10 steps of 0.25 samples
    settle(qtbot, panel)
    p = panel.controls.settings()
    assert (p.mode, p.causal, p.kind, p.seed, p.length, p.step, p.decay) == ("valid", False, "gaussian", 4, 250, 0.5,
                                                                             2.5)
    kernel = smoothing_kernel("gaussian", 15, decay=2.5, causal=False)
    x = spaceship_track(250, 0.5, 0.5, 4).measured
    np.testing.assert_allclose(panel.track_plot.chosen.getData()[1], smooth(x, *kernel, "valid"), rtol=1e-12)
    w["decay_follows_width"].setChecked(True)
    assert panel.controls.settings().decay == pytest.approx(15 / 6) and not w["decay"].isEnabled()


def test_a_drawn_kernel_summing_to_zero_cannot_be_normalised(panel, qtbot):
    panel.controls.form.change(kind="box", width=2, causal=True)
    settle(qtbot, panel)
    before = panel.track_plot.chosen.getData()[1].copy()
    messages = []
    panel.message.connect(messages.append)
    panel.kernel_draw.draw_at(0, 1.0)
    panel.kernel_draw.draw_at(1, -1.0)
    qtbot.waitUntil(lambda: any("sum to 0" in m for m in messages), timeout=5000)
    np.testing.assert_array_equal(panel.track_plot.chosen.getData()[1], before)  # the last valid state stays
    panel.controls.form.widgets["normalise"].setChecked(False)
    settle(qtbot, panel)
    x = track().measured
    np.testing.assert_allclose(panel.track_plot.chosen.getData()[1], x - np.concatenate([[0], x[:-1]]), rtol=1e-12)
    assert "undefined" in panel.summary.text()


# ---- the settings form, apply_settings and the lesson section -------------------------------------------
def test_the_loaded_file_source_is_offered_once_a_file_is_loaded(panel, qtbot, tmp_path):
    source = panel.controls.form.widgets["source"]
    file_item = source.model().item(source.findData("file"))
    assert not file_item.isEnabled()
    path = tmp_path / "signal.txt"
    path.write_text("\n".join(str(v) for v in range(30)))
    assert panel.load_signal(path)
    settle(qtbot, panel)
    assert file_item.isEnabled() and source.currentData() == "file"
    w = panel.controls.form.widgets
    assert not any(w[name].isEnabled() for name in ("length", "step", "noise", "seed"))  # inactive with a file
    panel.controls.form.change(source="spaceship")
    assert all(w[name].isEnabled() for name in ("length", "step", "noise", "seed")) and file_item.isEnabled()


def test_apply_settings_shows_and_uses_them_and_refuses_what_cannot_be(panel, qtbot):
    (current,) = panel.current_settings()
    assert current == SmoothingParams()
    emitted = []
    panel.controls.form.changed.connect(emitted.append)
    panel.apply_settings(SmoothingParams(kind="box", width=7, causal=False, mode="valid"))
    settle(qtbot, panel)
    assert emitted == [] and panel.controls.form.widgets["width"].value() == 7
    assert panel.current_settings() == (SmoothingParams(kind="box", width=7, decay=7 / 4, causal=False, mode="valid"),)
    np.testing.assert_allclose(panel.track_plot.chosen.getData()[1],
                               smooth(track().measured, *smoothing_kernel("box", 7, causal=False), "valid"))
    with pytest.raises(ValueError, match="file"):
        panel.apply_settings(SmoothingParams(source="file"))
    with pytest.raises(ValueError, match="no settings of type"):
        panel.apply_settings(object())
    assert panel.controls.settings().kind == "box"


def test_the_lesson_section_is_checked_by_the_declarations(panel, qtbot):
    warnings = panel.apply_lesson_state({"width": 500, "kind": "box"})
    assert warnings == ["Signal smoothing: 'width' must be a whole number from 1 to 151; found 500. None of this "
                        "panel's settings from the lesson were applied."]
    warnings = panel.apply_lesson_state({"speed": 0})
    assert "'speed' must be a whole number from 1 to 200; found 0" in warnings[0]
    assert panel.controls.settings() == SmoothingParams()
    warnings = panel.apply_lesson_state({"kind": "gaussian", "decay": 3.8, "decay_follows_width": False,
                                         "noise": 0.503, "source": "file", "glow": 1})
    settle(qtbot, panel)
    assert warnings == ["Signal smoothing: the setting 'glow' is unknown to this convlab and was ignored.",
                        "Signal smoothing: the lesson uses a loaded signal but does not contain it; the spaceship "
                        "is shown."]
    p = panel.controls.settings()
    assert (p.kind, p.decay, p.noise, p.source) == ("gaussian", 3.75, 0.5, "spaceship")  # as the controls show them
    assert panel.last_result.job.params == p


# ---- the theme -----------------------------------------------------------------------------------------
@pytest.fixture
def scale():
    yield theme().set_scale
    theme().set_scale(1.0)


def looks(panel) -> dict:
    """Every size the panel draws with (fonts in points, pens and markers in pixels)."""
    plots = [panel.track_plot, panel.error_plot, panel.kernel_draw, panel.commute_plot,
             panel.slide_view.signal_plot, panel.slide_view.terms_plot]
    sizes = {}
    for i, plot in enumerate(plots):
        item = plot.getPlotItem()
        sizes[f"plot {i} ticks"] = item.getAxis("left").style["tickFont"].pointSizeF()
        sizes[f"plot {i} label"] = float(item.getAxis("bottom").labelStyle["font-size"].removesuffix("pt"))
        sizes[f"plot {i} title"] = float(item.titleLabel.opts["size"].removesuffix("pt"))
        for j, curve in enumerate(x for x in item.listDataItems() if isinstance(x, pg.PlotDataItem)):
            if curve.opts["pen"] is not None:
                sizes[f"plot {i} curve {j}"] = pg.mkPen(curve.opts["pen"]).widthF()
            if curve.opts["symbol"] is not None:
                sizes[f"plot {i} markers {j}"] = curve.opts["symbolSize"]
        for j, line in enumerate(x for x in item.items if isinstance(x, pg.InfiniteLine)):
            sizes[f"plot {i} line {j}"] = line.pen.widthF()
    for causal, star in panel.error_plot.best.items():
        sizes[f"best {causal}"] = star.opts["size"]
    for name, legend in (("track", panel.track_plot.legend), ("error", panel.error_plot.legend)):
        for j, (_, label) in enumerate(legend.items):
            sizes[f"{name} legend {j}"] = float(label.opts["size"].removesuffix("pt"))
    sizes["note"] = panel.error_plot.note.textItem.font().pointSizeF()
    sizes["controls"] = panel.controls.font().pointSizeF()
    sizes["sum"] = panel.slide_view.sum_label.font().pointSizeF()
    sizes["summary"] = panel.summary.font().pointSizeF()
    return sizes


def test_every_font_pen_and_marker_follows_the_theme_and_needs_no_walker(panel, qtbot, scale):
    before = looks(panel)
    assert before["plot 0 title"] == 12 and before["plot 0 ticks"] == 11 and before["controls"] == 11
    assert before["plot 0 curve 1"] == 3 and before["plot 0 markers 0"] == 5 and before["best True"] == 16
    scale(2.0)
    assert looks(panel) == pytest.approx({name: 2 * value for name, value in before.items()})
    assert not_themed(panel) == []  # every widget and plot of the panel follows the theme
    assert looks(panel) == pytest.approx({name: 2 * value for name, value in before.items()})
    panel.controls.form.change(causal=False)  # drawn anew while scaled
    settle(qtbot, panel)
    assert pg.mkPen(panel.track_plot.chosen.opts["pen"]).widthF() == 7
    assert panel.track_plot.legend.items[-1][1].opts["size"] == "22pt"
    panel.controls.form.change(causal=True)
    settle(qtbot, panel)
    scale(1.0)
    assert looks(panel) == before


def test_the_red_error_line_and_the_control_column_follow_the_theme(panel, scale):
    panel.controls.show_error("bad file")
    sheet = panel.controls.error_label.styleSheet()
    assert "font-weight: bold" in sheet and "color: #c0392b" in sheet
    assert panel.controls.error_label.property(THEMED)
    column = panel.controls.parentWidget().parentWidget()  # the scroll area around the controls
    width = column.minimumWidth()
    scale(2.0)
    assert column.minimumWidth() > width
    scale(1.0)
    assert column.minimumWidth() == width
