"""The connectivity lab without Qt: settings -> what the panel shows, checked against the engine.

(Named test_lab_connectivity: the test folders are not packages, and tests/engine/test_connectivity.py
tests the engine itself.)
"""
from __future__ import annotations

import numpy as np
import pytest

from convlab.engine.connectivity import (
    connection_ids,
    distinct_parameters,
    image_conv_cost,
    layer_costs,
    layer_taps,
    uncovered_tail,
)
from convlab.engine.conv import MODES, correlate2d, output_size
from convlab.engine.receptive_stack import receptive_field_growth, receptive_field_size, receptive_field_support
from convlab.lab.connectivity import (
    MAX_INPUTS,
    TAB_KEYS,
    LayerSettings,
    compute_layer,
    count_image,
    diagram_caption,
    layer_note,
    lesson_section,
    outputs_range,
    parameter_formula,
    settings_from_lesson,
    smallest_inputs_for,
)
from convlab.lab.conv_arithmetic import ArithmeticGeometry, ArithmeticSettings
from convlab.lab.layer_stack import MAX_DRAWN_INPUTS, StackSettings, compute_stack
from convlab.lab.settings import checkers, parse_assignment, setting_fields

LAYERS = [LayerSettings(inputs=m, kernel=k, stride=s, dilation=d, padding=p, period=t)
          for m, k, s, d, p, t in [(8, 3, 1, 1, "same", 2), (12, 5, 2, 1, "valid", 3), (10, 4, 1, 2, "same", 1),
                                   (9, 3, 3, 1, "full", 6), (32, 9, 1, 1, "same", 4), (4, 9, 1, 1, "valid", 2)]]


# ---- declarations: the same names, ranges and choices as the controls had -----------------------------
def test_the_declarations_keep_the_lesson_vocabulary():
    ranges = {cls.__name__: {name: (meta.low, meta.high, meta.choices) for name, meta, _ in setting_fields(cls)}
              for cls in (LayerSettings, StackSettings, ArithmeticSettings)}
    assert ranges["LayerSettings"] == {"inputs": (1, 32, None), "kernel": (1, 9, None), "stride": (1, 4, None),
                                       "dilation": (1, 4, None), "padding": (None, None, MODES),
                                       "period": (1, 6, None)}
    assert ranges["StackSettings"] == {"depth": (1, 5, None), "kernel": (1, 7, None), "stride": (1, 3, None),
                                       "dilation": (1, 4, None), "pool": (None, None, (0, 2, 3))}
    assert ranges["ArithmeticSettings"] == {"size": (1, 9, None), "kernel": (1, 5, None),
                                            "padding": (None, None, MODES), "stride": (1, 4, None),
                                            "dilation": (1, 3, None)}
    assert (LayerSettings(), StackSettings(), ArithmeticSettings()) == (
        LayerSettings(8, 3, 1, 1, "same", 2), StackSettings(3, 3, 1, 1, 0), ArithmeticSettings(5, 3, "valid", 1, 1))
    assert parse_assignment(StackSettings(), "pool=2").pool == 2
    with pytest.raises(ValueError, match="'inputs' must be a whole number from 1 to 32"):
        checkers(LayerSettings)["inputs"](33, "inputs")


# ---- the 1-D layer ----------------------------------------------------------------------------------
@pytest.mark.parametrize("layer", LAYERS)
def test_compute_layer_is_the_engine_s_counting(layer):
    figure = compute_layer(layer)
    n = output_size(layer.inputs, layer.kernel, layer.padding, layer.stride, layer.dilation)
    assert layer.outputs == n
    assert figure.costs == layer_costs(layer.inputs, n, layer.kernel)
    np.testing.assert_array_equal(figure.taps, layer_taps(layer.inputs, layer.kernel, layer.padding, layer.stride,
                                                          layer.dilation))
    for kind in ("dense", "local", "conv", "tiled"):
        ids = connection_ids(kind, layer.inputs, layer.kernel, layer.padding, layer.stride, layer.dilation,
                             layer.period)
        np.testing.assert_array_equal(figure.ids[kind], ids)
        assert figure.counts[kind] == distinct_parameters(ids)
        assert figure.edges[kind] == int((ids >= 0).sum())
    assert figure.edges["dense"] == layer.inputs * n
    assert figure.output_positions.shape == (n,)
    assert (layer_note(layer) != "") == (n == 0)


def test_captions_and_formulas_say_the_book_s_counts():
    figure = compute_layer(LayerSettings())  # m = 8, k = 3, 'same': the two end outputs each lose a tap
    assert diagram_caption(figure, "dense") == ("64 parameters · 64 multiply-adds\n64 edges\n"
                                                "colour = parameter: one per edge")
    assert diagram_caption(figure, "local").splitlines()[1] == "22 edges (2 taps on padding)"
    assert diagram_caption(figure, "conv").endswith("colour = tap: 3 colours, shared")
    layer = LayerSettings(inputs=10, padding="valid", period=3)
    assert [parameter_formula(kind, layer) for kind in ("dense", "local", "conv", "tiled")] == [
        ("m·n = 10·8", 80), ("k·n = 3·8", 24), ("k = 3", 3), ("t·k = 3·3", 9)]
    assert parameter_formula("tiled", LayerSettings(inputs=3, padding="valid", period=5))[0] == \
        "n·k = 1·3 (only 1 of the 5 kernels used)"


def test_typing_n_picks_the_fewest_inputs_within_the_range():
    layer = LayerSettings(kernel=3, padding="valid")
    assert outputs_range(layer) == (0, 30)
    assert smallest_inputs_for(6, layer) == 8
    assert smallest_inputs_for(99, layer) == MAX_INPUTS
    strided = LayerSettings(kernel=3, stride=2, padding="valid")
    m = smallest_inputs_for(4, strided)
    assert LayerSettings(inputs=m, kernel=3, stride=2, padding="valid").outputs >= 4
    assert LayerSettings(inputs=m - 1, kernel=3, stride=2, padding="valid").outputs < 4


def test_image_counts_follow_the_frame_the_kernel_and_the_layer():
    layer = LayerSettings(padding="same", stride=2)
    count = count_image((48, 64), (3, 3, 3), 4, layer)
    assert count.cost == image_conv_cost((48, 64, 3), (3, 3, 3), "same", 2, 1)
    assert (count.image_shape, count.source, count.kernel_count) == ((48, 64, 3), "current source", 4)
    book = count_image(None, (1, 2), 1, LayerSettings(padding="valid"))
    assert book.image_shape == (280, 320) and book.cost.dense_flops == 16006144000
    wide = count_image((2, 2), (5, 5), 1, LayerSettings(padding="valid"))
    assert wide.cost.output_shape == (0, 0) and wide.cost.conv_flops == 0 and not wide.error
    bad = count_image((8, 8), (3,), 1, LayerSettings())
    assert bad.cost is None and "kernel_shape must be" in bad.error


# ---- the layer stack --------------------------------------------------------------------------------
@pytest.mark.parametrize("stack", [StackSettings(3, 3, 1, 1, 0), StackSettings(2, 3, 2, 1, 0),
                                   StackSettings(3, 3, 1, 2, 0), StackSettings(2, 3, 1, 1, 2),
                                   StackSettings(5, 7, 3, 4, 3)])
def test_the_stack_is_the_engine_s_receptive_field(stack):
    figure = compute_stack(stack)
    layers = stack.layers()
    assert len(layers) == stack.depth * (2 if stack.pool else 1)
    assert figure.growth == receptive_field_growth(layers) and figure.size == receptive_field_size(layers)
    lit = figure.lit_inputs
    assert lit.max() - lit.min() + 1 == figure.size
    assert figure.numbers == ["r = 1"] + [f"r = {r:,}, jump {j:,}" for r, j in figure.growth[1:]]
    assert figure.drawn == (figure.lengths[0] <= MAX_DRAWN_INPUTS)
    if figure.drawn:
        support = receptive_field_support(layers, 1)
        assert all(np.array_equal(a, b) for a, b in zip(figure.support, support))
        x, y = figure.support_edges()
        assert x.shape == y.shape and len(x) == 2 * sum(len(s) * layer.size
                                                        for s, layer in zip(figure.support[1:], layers))
    assert figure.lengths[-1] == 3  # three units on top, the middle one is the focus


def test_stride_dilation_and_pooling_each_grow_the_receptive_field():
    sizes = [compute_stack(StackSettings(**change)).size for change in
             ({}, {"dilation": 2}, {"stride": 2}, {"pool": 2})]
    assert sizes == [7, 13, 15, 22]
    assert compute_stack(StackSettings()).formula_chain() == "1 → 3 → 5 → 7"
    assert compute_stack(StackSettings(depth=2, pool=2)).names == ["input", "conv 1: k=3 s=1 d=1", "max pool 2",
                                                                   "conv 2: k=3 s=1 d=1", "max pool 2"]


# ---- convolution arithmetic -------------------------------------------------------------------------
@pytest.mark.parametrize("size, kernel, padding, stride, dilation", [
    (5, 3, "valid", 1, 1), (5, 3, "same", 2, 1), (7, 3, "full", 2, 2), (6, 4, "same", 1, 1), (9, 5, "valid", 3, 1),
    (4, 3, "valid", 1, 3), (2, 5, "valid", 1, 1),
])
def test_the_arithmetic_grid_matches_output_size_and_correlate2d(size, kernel, padding, stride, dilation):
    g = ArithmeticGeometry(ArithmeticSettings(size, kernel, padding, stride, dilation))
    expected = output_size(size, kernel, padding, stride, dilation)
    shape = correlate2d(np.zeros((size, size)), np.ones((kernel, kernel)), padding, stride=stride,
                        dilation=dilation).shape
    assert g.output == expected == shape[0] == shape[1] and g.computed_shape() == shape
    assert g.steps == expected ** 2 and g.span == (kernel - 1) * dilation + 1
    assert g.uncovered == uncovered_tail(size, kernel, padding, stride, dilation)
    assert bool(g.warning()) == bool(g.uncovered)
    for step in range(g.steps):
        (top, left), (row, col) = g.window(step)
        assert (top, left) == (row * stride, col * stride)
        assert all(0 <= r < g.padded and 0 <= c < g.padded for r, c in g.taps(step))
    assert g.titles(False)[1] == "output (?×?)" and g.titles(True)[1] == f"output ({expected}×{expected})"
    if not g.steps:
        assert "no window fits" in g.step_text(0, False)


def test_the_step_text_counts_only_once_revealed():
    g = ArithmeticGeometry(ArithmeticSettings(size=6, stride=2))
    assert g.step_text(2, False) == "Step 3: output (row 2, col 1) reads padded rows 3–5, cols 1–3"
    assert g.step_text(2, True).startswith("Step 3 of 4:")
    assert "the last 1 padded row(s)" in g.warning()


# ---- lesson files -----------------------------------------------------------------------------------
def test_a_lesson_section_round_trips_and_missing_fields_take_defaults():
    settings = {"layer": LayerSettings(inputs=12, kernel=5, padding="valid"), "stack": StackSettings(depth=4, pool=2),
                "arithmetic": ArithmeticSettings(size=7, stride=2)}
    section = lesson_section(settings, "matrices")
    assert section["layer"]["outputs"] == 8 and section["tab"] == "matrices"
    assert settings_from_lesson(section) == (settings, "matrices", [])
    read, tab, warnings = settings_from_lesson({"stack": {"depth": 5}})
    assert read == {"layer": LayerSettings(), "stack": StackSettings(depth=5), "arithmetic": ArithmeticSettings()}
    assert (tab, warnings) == (TAB_KEYS[0], [])


def test_a_lesson_section_is_checked_by_the_declarations():
    _, _, warnings = settings_from_lesson({"layer": {"inputs": 12, "kernel": 5, "padding": "valid", "outputs": 3,
                                                     "glow": 1}, "colour": "red"})
    assert warnings == [
        "Connectivity: the setting 'colour' is unknown to this convlab and was ignored.",
        "Connectivity, layer: the setting 'glow' is unknown to this convlab and was ignored.",
        "Connectivity, layer: n = 3 does not follow from m, k, stride, dilation and padding; n = 8 is shown."]
    bad = [({"layer": {"inputs": "8"}}, "'inputs' must be a whole number from 1 to 32; found '8'"),
           ({"layer": {"inputs": 33}}, "'inputs' must be a whole number from 1 to 32; found 33"),
           ({"stack": {"pool": 4}}, "'pool' must be one of 0, 2, 3; found 4"),
           ({"arithmetic": {"padding": "wrap"}}, "'padding' must be one of 'full', 'same', 'valid'"),
           ({"tab": "nowhere"}, "'tab' must be one of 'connections', 'stack', 'matrices', 'arithmetic'"),
           ({"layer": {"outputs": -1}}, "'outputs' must be a whole number from 0 to 1000000"),
           ({"stack": [3]}, "must be a group of named values"),
           ([1], "must be a group of named values")]
    for state, message in bad:
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            settings_from_lesson(state)
