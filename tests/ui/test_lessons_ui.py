"""Lesson state through a real MainWindow: whole-state round trips and every panel's settings both ways
(shipped lessons and bad files: test_lessons_ui_files.py)."""

import numpy as np
import pytest
from window_helpers import make_window, panel, settle, state

from convlab.io.lessons import load_lesson


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def customise(window, qtbot):
    """Change something in every part of the lab, as a user would through the widgets."""
    window.open_spec("sample:edges")
    features = panel(window, "features")
    bank, params = features.controls.bank_form.widgets, features.controls.params_form.widgets
    bank["choice"].setCurrentIndex(bank["choice"].findData("edges"))
    params["stage"].setCurrentIndex(params["stage"].findData("conv"))
    params["stride"].setValue(2)
    window.bank.set_enabled(1, False)
    editor = panel(window, "editor")
    editor.controls.preset_combo.setCurrentText("laplacian")
    editor.controls.preview_form.change(operation="convolution", divisor=4.0, offset=0.5, dilation=2)
    editor.column.name_edit.setText("my laplacian")
    smoothing = panel(window, "smoothing")
    smoothing.controls.form.change(kind="box", width=9, causal=False, noise=1.25, seed=7, mode="valid")
    smoothing.controls.speed_spin.setValue(40)
    connectivity = panel(window, "connectivity")
    connectivity.controls.forms["layer"].widgets["kernel"].setValue(5)
    connectivity.controls.change("stack", depth=4, pool=2)
    connectivity.controls.change("arithmetic", size=7, stride=2)
    connectivity.show_tab("matrices")
    window.show_panel("connectivity")
    settle(qtbot)
    smoothing.set_time(123)


# ---- whole-state round trip -------------------------------------------------------------------
def test_whole_state_round_trips_through_a_file_into_a_new_window(window, qtbot, tmp_path):
    customise(window, qtbot)
    before = state(window)
    assert before["bank"]["enabled"][1] is False and before["bank"]["origin"] == "edges 3x3"
    assert window.lessons.save(tmp_path / "mine.convlab")
    other = make_window(qtbot)
    assert state(other) != before
    assert other.lessons.open(tmp_path / "mine.convlab"), other.source_bar.banner.text()
    settle(qtbot)
    assert other.lessons.last_warnings == []
    after = state(other)
    assert after == before
    assert other.current_panel().key == "connectivity" and other.sources.spec == "sample:edges"
    assert panel(other, "connectivity").tabs.tabText(panel(other, "connectivity").tabs.currentIndex()) == \
        "Weight matrices"
    assert "Lesson: mine" in other.source_bar.banner.text()


def test_the_reopened_lesson_shows_the_same_feature_maps(window, qtbot, tmp_path):
    customise(window, qtbot)
    window.show_panel("features")
    features = panel(window, "features")
    qtbot.waitUntil(lambda: features.frames_displayed() >= 1 and features.last_result.job.params.stage == "conv")
    window.lessons.save(tmp_path / "maps.convlab")
    other = make_window(qtbot)
    assert other.lessons.open(tmp_path / "maps.convlab")
    theirs = panel(other, "features")
    qtbot.waitUntil(lambda: theirs.frames_displayed() >= 1 and theirs.last_result.job.params.stage == "conv")
    mine_maps, their_maps = features.last_result.value[1].conv, theirs.last_result.value[1].conv
    assert their_maps.shape[0] == len(load_lesson(tmp_path / "maps.convlab").bank.names) - 1  # one disabled
    np.testing.assert_array_equal(their_maps, mine_maps)
    assert theirs.grid.map_count() == their_maps.shape[0]


# ---- each panel: both directions ---------------------------------------------------------------
def test_features_settings_both_ways(window, qtbot):
    features = panel(window, "features")
    window.open_spec("sample:checkerboard")
    qtbot.waitUntil(lambda: features.frames_displayed() >= 1)
    w = features.controls.params_form.widgets
    w["pool_kind"].setCurrentIndex(w["pool_kind"].findData("avg"))
    assert features.lesson_state()["pool_kind"] == "avg"  # widget -> state
    assert features.apply_lesson_state({"activation": "tanh", "pool_size": 3,
                                        "bank_request": {"choice": "gabor", "size": 7}}) == []
    settle(qtbot)
    assert w["activation"].currentData() == "tanh" and w["pool_size"].value() == 3  # state -> widget
    assert w["pool_kind"].currentData() == "max"  # missing fields take their default
    assert features.controls.bank_form.widgets["choice"].currentData() == "gabor" and window.bank.origin == "gabor 7x7"
    assert features.controls.params().activation == "tanh"
    qtbot.waitUntil(lambda: features.last_result.job.params.activation == "tanh")
    assert features.last_result.job.kernels.shape[1:] == (7, 7)
    # same bank, new settings: the maps on screen are recomputed without waiting for a new frame
    assert features.apply_lesson_state({**features.lesson_state(), "activation": "sigmoid"}) == []
    qtbot.waitUntil(lambda: features.last_result.job.params.activation == "sigmoid")


def test_editor_settings_both_ways(window, qtbot):
    editor = panel(window, "editor")
    editor.set_kernel(np.arange(6.0).reshape(2, 3) - 2.5)
    saved = editor.lesson_state()
    assert saved["kernel"] == [[-2.5, -1.5, -0.5], [0.5, 1.5, 2.5]]
    other = panel(make_window(qtbot), "editor")
    assert other.apply_lesson_state(saved) == []
    np.testing.assert_array_equal(other.kernel(), editor.kernel())
    assert other.lesson_state() == saved
    assert other.apply_lesson_state({"preset": "gabor", "preset_size": 9, "gabor_orientation": 45.0,
                                     "operation": "convolution", "divisor": 2.0}) == []
    c = other.controls
    assert c.preset_combo.currentText() == "gabor" and c.preset_form.widgets["gabor_orientation"].slider.value() == 45
    assert other.kernel().shape == (9, 9) and other.column.name_edit.text() == "gabor 45°"
    assert c.preview_form.widgets["operation"].buttons["convolution"].isChecked()
    assert c.preview_form.widgets["divisor"].text() == "2"
    assert other.last_result.params.divisor == 2.0  # the preview was recomputed with it


def test_smoothing_settings_both_ways(window, qtbot):
    smoothing = panel(window, "smoothing")
    kind = smoothing.controls.form.widgets["kind"]
    kind.setCurrentIndex(kind.findData("gaussian"))
    assert smoothing.lesson_state()["kind"] == "gaussian"
    state_in = {"kind": "triangle", "width": 21, "causal": False, "noise": 0.8, "length": 300, "t": 150,
                "speed": 25, "mode": "full"}
    assert smoothing.apply_lesson_state(state_in) == []
    qtbot.waitUntil(lambda: smoothing.last_result is not None and smoothing.last_result.job.params.width == 21)
    c = smoothing.controls
    assert c.form.widgets["width"].value() == 21 and c.form.widgets["causal"].currentData() is False
    assert c.speed_spin.value() == 25 and c.time_slider.value() == 150 and smoothing.t == 150
    assert smoothing.last_result.job.x.size == 300
    out = smoothing.lesson_state()
    assert {k: out[k] for k in state_in} == state_in


def test_smoothing_keeps_a_drawn_kernel_and_a_loaded_signal(window, qtbot):
    smoothing = panel(window, "smoothing")
    signal = [float(v) for v in np.random.default_rng(0).normal(size=50)]
    warnings = smoothing.apply_lesson_state({"source": "file", "signal": signal, "kind": "drawn", "width": 4,
                                             "drawn_weights": [1.0, 2.0, 3.0, 4.0], "normalise": False})
    assert warnings == []
    qtbot.waitUntil(lambda: smoothing.last_result is not None and smoothing.last_result.job.params.kind == "drawn")
    np.testing.assert_array_equal(smoothing.last_result.job.x, signal)
    np.testing.assert_array_equal(smoothing.last_result.job.drawn, [1.0, 2.0, 3.0, 4.0])
    state_out = smoothing.lesson_state()
    assert state_out["signal"] == signal and state_out["drawn_weights"] == [1.0, 2.0, 3.0, 4.0]


def test_connectivity_settings_both_ways(window, qtbot):
    connectivity = panel(window, "connectivity")
    connectivity.controls.forms["stack"].widgets["depth"].setValue(5)
    assert connectivity.lesson_state()["stack"]["depth"] == 5
    warnings = connectivity.apply_lesson_state({"layer": {"inputs": 12, "kernel": 5, "padding": "valid",
                                                          "outputs": 3}, "tab": "arithmetic",
                                                "arithmetic": {"size": 6, "dilation": 2}})
    assert warnings == ["Connectivity, layer: n = 3 does not follow from m, k, stride, dilation and padding; "
                        "n = 8 is shown."]
    c = connectivity.controls
    assert c.forms["layer"].widgets["inputs"].value() == 12 and c.outputs_spin.value() == 8
    assert c.forms["stack"].widgets["depth"].value() == 3  # default again: the lesson did not say
    assert connectivity.tabs.currentIndex() == 3
    geometry = connectivity.arithmetic.geometry  # the animation redrawn with the new grid
    assert (geometry.params.size, geometry.params.dilation) == (6, 2) and c.value("arithmetic").size == 6


BAD_SECTIONS = [
    ("features", {"stride": float("nan"), "stage": "conv"}),
    ("features", {"bank_request": {"size": 99}}),
    ("editor", {"kernel": [[1.0, 2.0], [3.0]], "mode": "valid"}),
    ("editor", {"divisor": 0, "mode": "valid"}),
    ("smoothing", {"width": 500, "kind": "box"}),
    ("smoothing", {"signal": [1.0], "kind": "box"}),
    ("connectivity", {"layer": {"inputs": "8"}, "tab": "stack"}),
    ("connectivity", {"tab": "nowhere"}),
]


def test_a_bad_value_drops_the_whole_section_and_changes_nothing(window, qtbot):
    settle(qtbot)
    for key, bad in BAD_SECTIONS:
        target = panel(window, key)
        before = target.lesson_state()
        warnings = target.apply_lesson_state(bad)
        settle(qtbot)
        assert len(warnings) == 1 and "None of this panel's settings from the lesson were applied" in warnings[0], \
            (key, bad, warnings)
        assert target.lesson_state() == before, (key, bad)
