"""The layer stack of the connectivity lab: how the receptive field of one deep unit grows.

A stack of equal convolution layers (kernel, stride, dilation), each optionally followed by max
pooling; :func:`compute_stack` gives the rows of units, the receptive field of the focus unit in
every row and the labels, from ``convlab.engine.receptive_stack``.

>>> figure = compute_stack(StackSettings(depth=3, dilation=2))
>>> figure.size, figure.formula_chain()
(13, '1 → 5 → 9 → 13')
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convlab.engine.receptive_stack import (
    StackLayer,
    receptive_field_growth,
    receptive_field_support,
    stack_input_length,
)
from convlab.lab.settings import setting

__all__ = ["FOCUS", "MAX_DRAWN_INPUTS", "POOL_LABELS", "TOP_UNITS", "StackFigure", "StackSettings", "compute_stack"]

POOL_LABELS = {0: "none", 2: "max pool 2", 3: "max pool 3"}


@dataclass(frozen=True)
class StackSettings:
    """A stack of `depth` equal convolution layers, each optionally followed by max pooling."""

    depth: int = setting(3, "Depth (conv layers)", low=1, high=5)
    kernel: int = setting(3, "Kernel size", low=1, high=7)
    stride: int = setting(1, "Stride", low=1, high=3)
    dilation: int = setting(1, "Dilation", low=1, high=4)
    pool: int = setting(0, "Pooling (stride = size)", choices=(0, 2, 3), labels=POOL_LABELS)

    def layers(self) -> list:
        """The stack as engine StackLayer values, from the input upwards.

        >>> [layer.kind for layer in StackSettings(depth=2, pool=2).layers()]
        ['conv', 'pool', 'conv', 'pool']
        """
        layers = []
        for _ in range(self.depth):
            layers.append(StackLayer("conv", self.kernel, self.stride, self.dilation))
            if self.pool:
                layers.append(StackLayer("pool", self.pool, self.pool))
        return layers


TOP_UNITS = 3  # units in the top layer; the middle one is the deep unit whose receptive field is shown
FOCUS = 1
MAX_DRAWN_INPUTS = 160  # wider inputs are drawn as spans instead of one unit each


def _row_lengths(layers, length):
    """Units in every layer (input first) for an input of `length` units, no padding."""
    lengths = [length]
    for layer in layers:
        span = (layer.size - 1) * layer.dilation + 1
        lengths.append((lengths[-1] - span) // layer.stride + 1)
    return lengths


def _spans(layers, index):
    """(first, last) unit of every layer that top unit `index` depends on (input first)."""
    spans = [(index, index)]
    for layer in reversed(layers):
        first, last = spans[-1]
        spans.append((first * layer.stride, last * layer.stride + (layer.size - 1) * layer.dilation))
    return spans[::-1]


def _row_name(layer, number) -> str:
    if layer.kind == "pool":
        return f"max pool {layer.size}"
    return f"conv {number}: k={layer.size} s={layer.stride} d={layer.dilation}"


@dataclass(frozen=True)
class StackFigure:
    """What the Receptive field page shows for one :class:`StackSettings`.

    Attributes
    ----------
    layers : list of StackLayer
        From the input upwards.
    growth : list of (int, int)
        ``(r, j)`` of every row, input first: receptive-field size and jump (`receptive_field_growth`).
    lengths : list of int
        Units in every row for an input of ``lengths[0]`` units (TOP_UNITS units on top).
    spans : list of (int, int)
        First and last unit of every row that the focus unit (FOCUS of the top row) depends on.
    support : list of ndarray or None
        The units of every row it depends on (`receptive_field_support`), None when too many to draw.
    names, numbers : list of str
        The row names (left axis) and ``r = .., jump ..`` (right axis).
    """

    layers: list
    growth: list
    lengths: list
    spans: list
    support: list | None
    names: list
    numbers: list

    @property
    def size(self) -> int:
        """The receptive-field size of the focus unit, in inputs."""
        return self.growth[-1][0]

    @property
    def drawn(self) -> bool:
        """Whether every unit is drawn (else each row is a bar with the lit span on it)."""
        return self.support is not None

    @property
    def lit_inputs(self) -> np.ndarray:
        """The inputs the focus unit depends on."""
        return self.support[0] if self.drawn else np.arange(self.spans[0][0], self.spans[0][1] + 1)

    def x(self, level: int, units) -> np.ndarray:
        """Horizontal position of `units` of row `level`: the middle of their receptive fields."""
        r, j = self.growth[level]
        return np.asarray(units) * j + (r - 1) / 2.0

    def support_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the connections between lit units, one pair of points per connection."""
        pairs_x, pairs_y = [], []
        for level, layer in enumerate(self.layers, start=1):
            reads = self.support[level][:, None] * layer.stride + np.arange(layer.size)[None, :] * layer.dilation
            tops = np.repeat(self.support[level], layer.size)
            pairs_x += np.column_stack([self.x(level, tops), self.x(level - 1, reads.ravel())]).ravel().tolist()
            pairs_y += [level, level - 1] * tops.size
        return np.array(pairs_x), np.array(pairs_y, dtype=float)

    def formula_chain(self) -> str:
        """The receptive-field sizes from the input up: ``1 → 3 → 5 → 7``."""
        return " → ".join(f"{r:,}" for r, _ in self.growth)


def compute_stack(settings: StackSettings) -> StackFigure:
    """Rows, receptive fields and labels of the layer stack (see :class:`StackFigure`).

    >>> figure = compute_stack(StackSettings())  # three 3-tap layers
    >>> figure.size, figure.lengths, figure.lit_inputs.tolist()
    (7, [9, 7, 5, 3], [1, 2, 3, 4, 5, 6, 7])
    """
    layers = settings.layers()
    growth = receptive_field_growth(layers)
    length = stack_input_length(layers, TOP_UNITS)
    names, numbers, conv = ["input"], ["r = 1"], 0
    for layer, (r, j) in zip(layers, growth[1:]):
        conv += layer.kind == "conv"
        names.append(_row_name(layer, conv))
        numbers.append(f"r = {r:,}, jump {j:,}")
    support = receptive_field_support(layers, FOCUS) if length <= MAX_DRAWN_INPUTS else None
    return StackFigure(layers, growth, _row_lengths(layers, length), _spans(layers, FOCUS), support, names, numbers)
