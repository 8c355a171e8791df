"""The connectivity lab: sparse interactions, parameter sharing and the variants of convolution.

Three groups of settings, each a frozen dataclass whose fields carry their range and label:

- :class:`LayerSettings`, a 1-D layer of ``m`` inputs and ``n`` outputs (the Connections and
  Weight matrices pages); :func:`compute_layer` gives what those pages show (costs, the parameter
  number of every connection, distinct-parameter counts), :func:`count_image` the cost of one
  feature map of an image;
- :class:`StackSettings`, a stack of equal layers (the Receptive field page), in
  ``convlab.lab.layer_stack``;
- :class:`ArithmeticSettings`, the convolution-arithmetic grid, in ``convlab.lab.conv_arithmetic``.

Everything is computed by ``convlab.engine.connectivity`` and ``convlab.engine.conv``; this module
only says which numbers each page needs. The panel's section of a lesson file (all three groups and
the current page) is read by :func:`settings_from_lesson` and written by :func:`lesson_section`.

>>> layer = LayerSettings(inputs=8, kernel=3, padding="valid")
>>> layer.outputs
6
>>> figure = compute_layer(layer)
>>> figure.costs["conv"].parameters, figure.counts["local"], figure.edges["dense"]
(3, 18, 48)
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from convlab.engine.connectivity import (
    MATRIX_KINDS,
    ImageCost,
    LayerCost,
    connection_ids,
    distinct_parameters,
    image_conv_cost,
    layer_costs,
    layer_taps,
)
from convlab.engine.conv import MODES, output_size
from convlab.io.lesson_fields import check_fields, choice, integer
from convlab.lab.conv_arithmetic import PADDING_LABELS, ArithmeticSettings
from convlab.lab.layer_stack import StackSettings
from convlab.lab.settings import as_section, from_section, setting

__all__ = ["DIAGRAM_KINDS", "MAX_INPUTS", "TAB_KEYS", "TEXTBOOK_IMAGE", "TEXTBOOK_KERNEL", "ArithmeticSettings",
           "ImageCount", "LayerFigure", "LayerSettings", "StackSettings", "compute_layer", "count_image",
           "diagram_caption", "layer_note", "lesson_section", "outputs_range", "parameter_formula",
           "settings_from_lesson", "smallest_inputs_for", "textbook_cost"]

MAX_INPUTS = 32
DIAGRAM_KINDS = ("dense", "local", "conv")
TAB_KEYS = ("connections", "stack", "matrices", "arithmetic")  # the panel's pages, as lesson files name them
TEXTBOOK_IMAGE = (280, 320)  # Goodfellow et al. Fig. 9.6: 320 pixels wide, 280 high
TEXTBOOK_KERNEL = (1, 2)  # the edge detector [1, -1]


@dataclass(frozen=True)
class LayerSettings:
    """A 1-D layer: m inputs, kernel width k, stride, dilation, zero padding; tiled period t."""

    inputs: int = setting(8, "Inputs m", low=1, high=MAX_INPUTS)
    kernel: int = setting(3, "Kernel width k", low=1, high=9)
    stride: int = setting(1, "Stride", low=1, high=4)
    dilation: int = setting(1, "Dilation", low=1, high=4)
    padding: str = setting("same", "Zero padding", choices=MODES, labels=PADDING_LABELS)
    period: int = setting(2, "Tiled: period t", low=1, high=6)

    @property
    def outputs(self) -> int:
        """n, the number of outputs (`output_size`).

        >>> LayerSettings(inputs=12, kernel=5, stride=2, padding="valid").outputs
        4
        """
        return output_size(self.inputs, self.kernel, self.padding, self.stride, self.dilation)


# ---- the 1-D layer -----------------------------------------------------------------------------
def outputs_range(settings: LayerSettings) -> tuple[int, int]:
    """The least and the most outputs n these settings give for 1 to MAX_INPUTS inputs.

    >>> outputs_range(LayerSettings(kernel=3, padding="valid"))
    (0, 30)
    """
    return replace(settings, inputs=1).outputs, replace(settings, inputs=MAX_INPUTS).outputs


def smallest_inputs_for(outputs: int, settings: LayerSettings) -> int:
    """The fewest inputs m (1..MAX_INPUTS) giving at least `outputs` outputs with these settings.

    >>> smallest_inputs_for(6, LayerSettings(kernel=3, padding="valid"))
    8
    """
    for m in range(1, MAX_INPUTS + 1):
        if replace(settings, inputs=m).outputs >= outputs:
            return m
    return MAX_INPUTS


def layer_note(settings: LayerSettings) -> str:
    """The warning under the layer's controls ("" when the layer has outputs).

    >>> layer_note(LayerSettings(inputs=4, kernel=9, padding="valid"))[:10]
    'No outputs'
    """
    if settings.outputs:
        return ""
    return "No outputs: the dilated kernel is wider than the input (choose padding or more inputs)."


@dataclass(frozen=True)
class LayerFigure:
    """What the Connections and Weight matrices pages show for one :class:`LayerSettings`.

    Attributes
    ----------
    settings : LayerSettings
    costs : dict of str -> LayerCost
        ``layer_costs(m, n, k)`` for "dense", "local" and "conv".
    taps : ndarray of int, shape (n, k)
        Input index read by every tap of every output (may fall on the padding).
    ids : dict of str -> ndarray of int, shape (n, m)
        The parameter number of every connection, -1 for none, for the four MATRIX_KINDS
        (the tiled one with the settings' period).
    counts : dict of str -> int
        Distinct parameters of each matrix.
    edges : dict of str -> int
        Connections of each matrix (entries >= 0).
    """

    settings: LayerSettings
    costs: dict
    taps: np.ndarray
    ids: dict
    counts: dict
    edges: dict

    @property
    def output_positions(self) -> np.ndarray:
        """Where each output sits along the inputs: the middle of its taps, shape (n,) float."""
        if not len(self.taps):
            return np.zeros(0)
        return (self.taps[:, 0] + self.taps[:, -1]) / 2.0


def compute_layer(settings: LayerSettings) -> LayerFigure:
    """Costs, connections and parameter counts of the 1-D layer (see :class:`LayerFigure`).

    >>> figure = compute_layer(LayerSettings())  # m = 8, k = 3, 'same': 2 taps fall on the padding
    >>> figure.edges["conv"], figure.counts["conv"], figure.counts["tiled"]
    (22, 3, 6)
    """
    s = settings
    ids = {kind: connection_ids(kind, s.inputs, s.kernel, s.padding, s.stride, s.dilation, s.period)
           for kind in MATRIX_KINDS}
    return LayerFigure(
        settings=s, costs=layer_costs(s.inputs, s.outputs, s.kernel),
        taps=layer_taps(s.inputs, s.kernel, s.padding, s.stride, s.dilation), ids=ids,
        counts={kind: distinct_parameters(value) for kind, value in ids.items()},
        edges={kind: int((value >= 0).sum()) for kind, value in ids.items()})


def diagram_caption(figure: LayerFigure, kind: str) -> str:
    """The three lines under a connection diagram: costs, edges drawn, what a colour means.

    >>> print(diagram_caption(compute_layer(LayerSettings()), "conv"))
    3 parameters · 24 multiply-adds
    22 edges (2 taps on padding)
    colour = tap: 3 colours, shared
    """
    cost: LayerCost = figure.costs[kind]
    edges = figure.edges[kind]
    clipped = figure.settings.kernel * figure.settings.outputs - edges if kind != "dense" else 0
    text = f"{cost.parameters:,} parameters · {cost.multiply_adds:,} multiply-adds\n{edges:,} edges"
    text += f" ({clipped} taps on padding)" if clipped else ""
    if kind == "conv":
        return text + f"\ncolour = tap: {figure.counts['conv']} colours, shared"
    return text + "\ncolour = parameter: one per edge"


def parameter_formula(kind: str, settings: LayerSettings) -> tuple[str, int]:
    """The formula for the distinct parameters of a weight matrix, and its value before padding.

    >>> parameter_formula("tiled", LayerSettings(inputs=10, padding="valid", period=3))
    ('t·k = 3·3', 9)
    """
    m, n, k, t = settings.inputs, settings.outputs, settings.kernel, settings.period
    formula, value = {"dense": (f"m·n = {m}·{n}", m * n), "local": (f"k·n = {k}·{n}", k * n),
                      "conv": (f"k = {k}", k), "tiled": (f"t·k = {t}·{k}", min(t, n) * k)}[kind]
    if kind == "tiled" and t > n:
        formula = f"n·k = {n}·{k} (only {n} of the {t} kernels used)"
    return formula, value


@dataclass(frozen=True)
class ImageCount:
    """One feature map of an image by convolution and by a dense matrix (`cost` None: `error` says why)."""

    image_shape: tuple
    source: str
    kernel_shape: tuple
    kernel_count: int
    cost: ImageCost | None
    error: str = ""


def count_image(frame_shape, kernel_shape, kernel_count: int, settings: LayerSettings) -> ImageCount:
    """The cost of one feature map for a frame of `frame_shape` (None: the textbook's image size).

    The layer's padding, stride and dilation apply; a colour kernel ``(kh, kw, C)`` reads C channels.

    >>> count = count_image(None, (1, 2), 1, LayerSettings(padding="valid"))
    >>> count.source, count.cost.conv_flops
    ('textbook size, no frame yet', 267960)
    """
    height, width = frame_shape[:2] if frame_shape else TEXTBOOK_IMAGE
    kernel_shape = tuple(kernel_shape)
    image_shape = (height, width) + kernel_shape[2:]
    source = "current source" if frame_shape else "textbook size, no frame yet"
    try:
        cost = image_conv_cost(image_shape, kernel_shape, settings.padding, settings.stride, settings.dilation)
    except ValueError as exc:
        return ImageCount(image_shape, source, kernel_shape, kernel_count, None, str(exc))
    return ImageCount(image_shape, source, kernel_shape, kernel_count, cost)


def textbook_cost() -> ImageCost:
    """Goodfellow et al., Fig. 9.6: the edge detector [1, -1] on a 320 x 280 image.

    >>> textbook_cost().dense_flops
    16006144000
    """
    return image_conv_cost(TEXTBOOK_IMAGE, TEXTBOOK_KERNEL)


# ---- lesson files --------------------------------------------------------------------------------
WHERE = "Connectivity"
GROUPS = {"layer": LayerSettings, "stack": StackSettings, "arithmetic": ArithmeticSettings}


def lesson_section(settings: dict, tab: str) -> dict:
    """``{"layer": {..., "outputs": n}, "stack": {...}, "arithmetic": {...}, "tab": tab}`` for a lesson file.

    >>> lesson_section({"layer": LayerSettings(), "stack": StackSettings(), "arithmetic": ArithmeticSettings()},
    ...                "stack")["layer"]["outputs"]
    8
    """
    state = {key: as_section(settings[key]) for key in GROUPS}
    state["layer"]["outputs"] = settings["layer"].outputs
    state["tab"] = tab
    return state


def _group(key, section, warnings):
    """The checked settings of one group (class defaults for missing fields)."""
    where = f"{WHERE}, {key}"
    outputs = None
    if key == "layer" and isinstance(section, dict) and "outputs" in section:
        section = dict(section)
        outputs = integer(0, 10 ** 6)(section.pop("outputs"), "outputs")
    value, notes = from_section(GROUPS[key], section, where)
    warnings += notes
    if outputs is not None and outputs != value.outputs:
        warnings.append(f"{where}: n = {outputs!r} does not follow from m, k, stride, dilation and padding; "
                        f"n = {value.outputs} is shown.")
    return value


def settings_from_lesson(state) -> tuple[dict, str, list[str]]:
    """The three settings and the page from a lesson section, all checked before anything is used.

    Missing groups and fields take their defaults, "tab" the first page.

    Returns
    -------
    settings : dict
        ``{"layer": LayerSettings, "stack": StackSettings, "arithmetic": ArithmeticSettings}``.
    tab : str
        One of TAB_KEYS.
    warnings : list of str
        Unknown fields, and an ``outputs`` that does not follow from the layer's settings.

    Raises
    ------
    ValueError
        If any value is bad; the message names the field and what is allowed.

    >>> settings, tab, warnings = settings_from_lesson({"stack": {"depth": 5}, "tab": "stack"})
    >>> settings["stack"].depth, settings["layer"].inputs, tab, warnings
    (5, 8, 'stack', [])
    """
    top, warnings = check_fields(state, {"layer": _any, "stack": _any, "arithmetic": _any,
                                         "tab": choice(TAB_KEYS)}, WHERE)
    settings = {key: _group(key, top.get(key, {}), warnings) for key in GROUPS}
    return settings, top.get("tab", TAB_KEYS[0]), warnings


def _any(value, _name):
    return value
