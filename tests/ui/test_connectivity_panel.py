"""Connectivity panel: controls drive diagrams, counters, matrices, the layer stack and the arithmetic grid."""
import time

import numpy as np
import pytest
from connectivity_helpers import random_bank, shown_panel
from PySide6.QtWidgets import QApplication

from convlab.engine.connectivity import connection_ids, distinct_parameters, image_conv_cost, layer_taps
from convlab.engine.conv import correlate2d, output_size
from convlab.engine.receptive_stack import receptive_field_growth, receptive_field_size
from convlab.lab.connectivity import LayerSettings
from convlab.sources.base import Frame
from convlab.ui.panels.connectivity.palette import parameter_rgb
from convlab.ui.panels.connectivity.panel import ConnectivityPanel

_bank = random_bank


@pytest.fixture
def panel(qtbot):
    return shown_panel(qtbot)


def _set(widget, value):
    """Change a spin box or a combo box (by its data) as a user would."""
    if hasattr(widget, "findData"):
        widget.setCurrentIndex(widget.findData(value))
    else:
        widget.setValue(value)


def _layer_widgets(panel):
    return panel.controls.forms["layer"].widgets


def _clipped(params):
    taps = layer_taps(params.inputs, params.kernel, params.padding, params.stride, params.dilation)
    return int(((taps < 0) | (taps >= params.inputs)).sum())


# ---- diagrams and counters ----------------------------------------------------------------------
def test_default_layer_draws_every_edge_with_textbook_clipping(panel):
    p = panel.controls.value("layer")
    assert (p.inputs, p.outputs, p.kernel, p.padding) == (8, 8, 3, "same")
    d = panel.diagrams.diagrams
    assert len(d["dense"].edges) == 8 * 8
    # 'same' padding: the first and the last output each lose one tap to the zero padding (not drawn).
    assert len(d["local"].edges) == len(d["conv"].edges) == 3 * 8 - 2 == 3 * 8 - _clipped(p)
    assert len(d["conv"].edge_colours()) == 3  # one colour per shared kernel tap
    assert len(d["local"].edge_colours()) == 22  # every unshared edge its own colour
    assert (len(d["dense"].inputs), len(d["dense"].outputs)) == (8, 8)
    assert panel.frames_displayed() >= 1


@pytest.mark.parametrize("inputs, kernel, stride, dilation, padding", [
    (12, 3, 1, 1, "valid"), (12, 5, 2, 1, "valid"), (10, 4, 1, 2, "same"), (9, 3, 3, 1, "full"), (32, 9, 1, 1, "same"),
])
def test_widgets_drive_the_edge_counts_and_the_counters(panel, inputs, kernel, stride, dilation, padding):
    w = _layer_widgets(panel)
    for name, value in (("inputs", inputs), ("kernel", kernel), ("stride", stride), ("dilation", dilation),
                        ("padding", padding)):
        _set(w[name], value)
    p = panel.controls.value("layer")
    assert p == LayerSettings(inputs, kernel, stride, dilation, padding, p.period) == panel.settings["layer"]
    n = output_size(inputs, kernel, padding, stride, dilation)
    assert panel.controls.outputs_spin.value() == n == p.outputs
    d = panel.diagrams.diagrams
    assert len(d["dense"].edges) == inputs * n
    assert len(d["local"].edges) == len(d["conv"].edges) == kernel * n - _clipped(p)
    if padding == "valid":
        assert len(d["conv"].edges) == kernel * n
    assert len(d["conv"].edge_colours()) == kernel
    text = panel.counters.layer_label.text()
    for expected in (f"m·n = {inputs * n:,}", f"k·n = {kernel * n:,}", f"k = {kernel}"):
        assert expected in text
    assert f"{kernel} parameters" in panel.diagrams.captions["conv"].text()


def test_outputs_spin_picks_the_fewest_inputs_and_state_shows_without_echo(panel, qtbot):
    w = _layer_widgets(panel)
    _set(w["padding"], "valid")
    panel.controls.outputs_spin.setValue(6)  # valid, k = 3: six outputs need eight inputs
    assert panel.controls.value("layer").inputs == 8 and w["inputs"].value() == 8
    assert len(panel.diagrams.diagrams["dense"].outputs) == 6
    with qtbot.assertNotEmitted(panel.controls.changed):
        panel.controls.show("layer", LayerSettings(inputs=20, kernel=5, stride=2, padding="valid"))
    assert (w["inputs"].value(), w["kernel"].value(), w["stride"].value()) == (20, 5, 2)
    assert w["padding"].currentData() == "valid"
    assert panel.controls.outputs_spin.value() == output_size(20, 5, "valid", 2)


def test_too_wide_kernel_gives_an_inline_note_and_keeps_working(panel):
    w = _layer_widgets(panel)
    _set(w["padding"], "valid")
    _set(w["kernel"], 9)
    messages = []
    panel.message.connect(messages.append)
    _set(w["inputs"], 4)
    assert panel.controls.value("layer").outputs == 0
    assert panel.controls.layer_note.isVisibleTo(panel) and "No outputs" in panel.controls.layer_note.text()
    assert messages and "No outputs" in messages[-1]
    assert len(panel.diagrams.diagrams["dense"].edges) == 0
    _set(w["inputs"], 12)
    assert not panel.controls.layer_note.isVisibleTo(panel)


def test_hovering_units_lights_up_connections_in_all_three_diagrams(panel, qtbot):
    _set(_layer_widgets(panel)["padding"], "valid")  # m = 8, k = 3: n = 6
    conv = panel.diagrams.diagrams["conv"]
    QApplication.processEvents()
    unit = conv.inputs[3]
    qtbot.mouseMove(conv.viewport(), conv.mapFromScene(unit.sceneBoundingRect().center()))
    qtbot.waitUntil(lambda: conv.highlighted[0] == {3})
    d = panel.diagrams.diagrams
    assert d["dense"].highlighted == ({3}, set(range(6)))  # a fully connected input affects every output
    assert d["local"].highlighted == d["conv"].highlighted == ({3}, {1, 2, 3})  # outputs 1..3 read input 3
    assert unit.brush().color().name() == "#ffd000"
    lit_edges = [line for j, i, line, _ in conv.edges if line.pen().widthF() > 4]
    assert len(lit_edges) == 3
    assert "x4 affects" in panel.diagrams.hover_note.text()
    target = conv.outputs[0]
    qtbot.mouseMove(conv.viewport(), conv.mapFromScene(target.sceneBoundingRect().center()))
    qtbot.waitUntil(lambda: conv.highlighted[1] == {0})
    assert d["conv"].highlighted[0] == {0, 1, 2}  # receptive field of output 0: k inputs
    assert d["dense"].highlighted[0] == set(range(8))
    panel.diagrams.highlight("", -1)
    assert all(diagram.highlighted == (set(), set()) for diagram in d.values())


def test_image_counters_use_the_bank_kernel_and_the_frame_size(panel):
    p = panel.controls.value("layer")
    expected = image_conv_cost((280, 320), (3, 3), p.padding, p.stride, p.dilation)
    assert panel.counters.image_cost == expected  # textbook size before any frame
    panel.set_frame(Frame(np.zeros((48, 64, 3), np.uint8), 0, time.perf_counter()))
    assert panel.counters.image_cost == image_conv_cost((48, 64), (3, 3), p.padding)
    assert "64×48" in panel.counters.image_label.text()
    panel.bank.set_from_arrays(["wide"], np.ones((1, 1, 5), np.float32))
    assert panel.counters.image_cost == image_conv_cost((48, 64), (1, 5), p.padding)
    text = panel.counters.image_label.text()
    assert "267,960" in text and "16,006,144,000" in text  # the textbook's example stays visible


# ---- matrices ---------------------------------------------------------------------------------------
def test_matrices_count_distinct_parameters_and_share_the_diagram_colours(panel):
    w = _layer_widgets(panel)
    _set(w["padding"], "valid")
    _set(w["inputs"], 10)
    _set(w["period"], 3)
    p = panel.controls.value("layer")
    m = panel.matrices
    for kind in ("dense", "local", "conv", "tiled"):
        ids = connection_ids(kind, 10, 3, "valid", period=3)
        assert m.counts[kind] == distinct_parameters(ids)
        assert f"<b>{m.counts[kind]}</b>" in m.count_labels[kind].text()
        assert m.colours[kind].shape == (p.outputs, 10, 3)
    assert (m.counts["dense"], m.counts["local"], m.counts["conv"], m.counts["tiled"]) == (80, 24, 3, 9)
    conv = panel.diagrams.diagrams["conv"]
    for j, i, _line, colour in conv.edges:
        assert colour.name() == "#%02x%02x%02x" % tuple(m.colours["conv"][j, i])
    assert len({tuple(c) for c in m.colours["conv"][m.ids["conv"] >= 0]}) == 3
    image = m.images["tiled"].image
    assert image.shape[:2] == (p.outputs * 9, 10 * 9)
    _set(w["period"], 1)
    assert m.counts["tiled"] == m.counts["conv"] == 3
    np.testing.assert_array_equal(m.colours["tiled"], parameter_rgb("conv", m.ids["conv"], 3))


# ---- layer stack ---------------------------------------------------------------------------------
@pytest.mark.parametrize("depth, kernel, stride, dilation, pool", [
    (3, 3, 1, 1, 0), (2, 3, 2, 1, 0), (3, 3, 1, 2, 0), (2, 3, 1, 1, 2), (5, 7, 3, 4, 3),
])
def test_stack_shows_the_engine_receptive_field(panel, depth, kernel, stride, dilation, pool):
    panel.show_tab("stack")
    w = panel.controls.forms["stack"].widgets
    for name, value in (("depth", depth), ("kernel", kernel), ("stride", stride), ("dilation", dilation),
                        ("pool", pool)):
        _set(w[name], value)
    layers = panel.controls.value("stack").layers()
    assert len(layers) == depth * (2 if pool else 1)
    view = panel.stack_view
    size = receptive_field_size(layers)
    assert view.unit_text == f"{size:,}"
    assert view.lit_inputs.max() - view.lit_inputs.min() + 1 == size
    right = dict(view.plot.getAxis("right")._tickLevels[0])
    for level, (r, j) in enumerate(receptive_field_growth(layers)):
        assert right[level].startswith(f"r = {r:,}")


def test_stride_dilation_and_pooling_each_grow_the_receptive_field(panel):
    panel.show_tab("stack")
    w = panel.controls.forms["stack"].widgets
    base = int(panel.stack_view.unit_text)
    assert base == 7  # three 3-tap layers
    _set(w["dilation"], 2)
    dilated = int(panel.stack_view.unit_text)
    _set(w["dilation"], 1)
    _set(w["stride"], 2)
    strided = int(panel.stack_view.unit_text)
    _set(w["stride"], 1)
    _set(w["pool"], 2)
    pooled = int(panel.stack_view.unit_text)
    assert (dilated, strided, pooled) == (13, 15, 22) and min(dilated, strided, pooled) > base


# ---- convolution arithmetic ----------------------------------------------------------------------------
@pytest.mark.parametrize("size, kernel, padding, stride, dilation", [
    (5, 3, "valid", 1, 1), (5, 3, "same", 2, 1), (7, 3, "full", 2, 2), (6, 4, "same", 1, 1), (9, 5, "valid", 3, 1),
    (4, 3, "valid", 1, 3),
])
def test_arithmetic_output_size_matches_formula_and_correlate2d(panel, size, kernel, padding, stride, dilation):
    panel.show_tab("arithmetic")
    w = panel.controls.forms["arithmetic"].widgets
    for name, value in (("size", size), ("kernel", kernel), ("padding", padding), ("stride", stride),
                        ("dilation", dilation)):
        _set(w[name], value)
    view = panel.arithmetic
    expected = output_size(size, kernel, padding, stride, dilation)
    shape = correlate2d(np.zeros((size, size)), np.ones((kernel, kernel)), padding, stride=stride,
                        dilation=dilation).shape
    assert view.output_side == expected == shape[0] == shape[1]
    scene = view.scene_view
    padded = view.geometry.padded
    assert scene.padding_cells_drawn == padded ** 2 - size ** 2
    assert scene.titles[0] == (f"input ({size}×{size}, padded to {padded}×{padded})" if padded != size
                               else f"input ({size}×{size}, no padding)")
    assert scene.titles[1] == "output (?×?)"  # hidden until a guess
    for _ in range(expected * expected + 2):
        view.step_button.click()
    assert view.step == max(expected * expected - 1, 0)
    assert scene.output_cells_drawn == expected * expected
    view.guess_spin.setValue(expected)
    view.check_button.click()
    assert "Right" in view.result_label.text()
    assert scene.titles[1] == f"output ({expected}×{expected})"
    assert f"correlate2d gives {shape[0]}×{shape[1]}" in view.formula_label.text()


def test_guess_reveal_flow_and_stride_warning(panel):
    view = panel.arithmetic
    w = panel.controls.forms["arithmetic"].widgets
    _set(w["size"], 6)
    _set(w["stride"], 2)  # valid, k = 3: (6 - 3) / 2 does not divide
    assert "does not divide evenly" in view.warning_label.text() and "last 1" in view.warning_label.text()
    assert "hidden" in view.formula_label.text() and not view.revealed
    assert view.scene_view.output_cells_drawn == 1  # only the cell being computed
    view.guess_spin.setValue(3)
    view.check_button.click()
    assert view.revealed and "Not quite" in view.result_label.text() and "2×2" in view.result_label.text()
    assert view.scene_view.output_cells_drawn == 4  # the whole output once revealed
    _set(w["size"], 7)
    assert not view.revealed and view.result_label.text() == "" and "hidden" in view.formula_label.text()
    assert view.warning_label.text() == ""


def test_play_animates_to_the_last_cell_and_stops(panel, qtbot):
    view = panel.arithmetic
    view.timer.setInterval(5)
    view.play_button.click()
    assert view.play_button.isChecked() and view.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: not view.play_button.isChecked(), timeout=3000)
    assert view.step == view.output_side ** 2 - 1
    view.back_button.click()
    assert view.step == view.output_side ** 2 - 2
    view.reset_button.click()
    assert view.step == 0


# ---- panel plumbing -----------------------------------------------------------------------------------
def test_sub_tabs_show_their_own_control_groups(panel):
    groups = panel.controls.groups
    expected = {"connections": {"layer"}, "stack": {"stack"}, "matrices": {"layer", "matrix"},
                "arithmetic": {"arithmetic"}}
    for tab, visible in expected.items():
        panel.show_tab(tab)
        assert {k for k, g in groups.items() if g.isVisibleTo(panel)} == visible


def test_bursts_of_changes_are_coalesced_into_one_redraw(qtbot):
    panel = ConnectivityPanel(_bank(), synchronous=False)
    qtbot.addWidget(panel)
    drawn = panel.frames_displayed()
    assert drawn >= 1
    w = _layer_widgets(panel)
    for value in (9, 10, 11, 12):
        _set(w["inputs"], value)
    _set(w["kernel"], 5)
    assert len(panel.diagrams.diagrams["dense"].inputs) == 8  # not redrawn yet
    qtbot.waitUntil(lambda: panel.frames_displayed() > drawn)
    assert panel.frames_displayed() == drawn + 1
    assert len(panel.diagrams.diagrams["dense"].inputs) == 12
    assert len(panel.diagrams.diagrams["conv"].edge_colours()) == 5


def test_rendered_panel_has_text_and_edges(panel):
    for tab in ("connections", "arithmetic"):
        panel.show_tab(tab)
        QApplication.processEvents()
        image = panel.grab().toImage()
        pixels = np.array([[image.pixelColor(x, y).lightness() for x in range(0, image.width(), 7)]
                           for y in range(0, image.height(), 7)])
        assert (pixels < 60).mean() > 0.003 and (pixels > 200).mean() > 0.3


# ---- settings: both directions, apply_settings -----------------------------------------------------------
