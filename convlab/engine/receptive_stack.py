"""Receptive field of a deep unit: how it grows through a stack of convolution and pooling layers.

Every layer slides a window of ``size`` taps, ``dilation`` apart, with a ``stride`` (no padding:
unit ``u`` of a layer reads units ``u * stride + t * dilation`` of the layer below). With
``r_0 = 1`` and ``j_0 = 1`` (an input unit sees itself; neighbours are one input apart), layer ``l``
gives the standard recurrence

    r_l = r_{l-1} + (size_l - 1) * dilation_l * j_{l-1}        (receptive-field size, in inputs)
    j_l = j_{l-1} * stride_l                                    (jump: input distance of neighbours)

``r_l`` is the span from the first to the last input a unit of layer ``l`` depends on; with
dilation or strides larger than the window some inputs inside the span may be skipped
(`receptive_field_support` lists them exactly).

>>> receptive_field_size([StackLayer("conv", 3), StackLayer("pool", 2, 2), StackLayer("conv", 3)])
8
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_choice, check_int, check_positive_int

__all__ = ["LAYER_KINDS", "StackLayer", "receptive_field_growth", "receptive_field_size",
           "receptive_field_support", "stack_input_length"]

LAYER_KINDS = ("conv", "pool")


@dataclass(frozen=True)
class StackLayer:
    """One layer of a stack: a convolution or a pooling window.

    Attributes
    ----------
    kind : {"conv", "pool"}
        Only used for labels: both slide a window and grow the receptive field alike.
    size : int
        Window (kernel) size, >= 1.
    stride : int, default 1
    dilation : int, default 1
        Spacing of the taps (pooling normally uses 1).
    """

    kind: str = "conv"
    size: int = 3
    stride: int = 1
    dilation: int = 1

    def __post_init__(self):
        check_choice("kind", self.kind, LAYER_KINDS)
        check_positive_int("size", self.size)
        check_positive_int("stride", self.stride)
        check_positive_int("dilation", self.dilation)


def _check_layers(layers):
    """`layers` as a list of StackLayer (TypeError naming the argument otherwise)."""
    layers = list(layers)
    for layer in layers:
        if not isinstance(layer, StackLayer):
            raise TypeError(f"layers must hold StackLayer values; got {layer!r}")
    return layers


def receptive_field_growth(layers):
    """Receptive-field size and jump after each layer of a stack.

    Parameters
    ----------
    layers : sequence of StackLayer
        From the input upwards.

    Returns
    -------
    list of (int, int)
        ``[(r_0, j_0), (r_1, j_1), ..., (r_L, j_L)]`` with ``(r_0, j_0) = (1, 1)``, L + 1 pairs.

    Examples
    --------
    >>> receptive_field_growth([StackLayer("conv", 3), StackLayer("conv", 3, stride=2)])
    [(1, 1), (3, 1), (5, 2)]
    """
    growth = [(1, 1)]
    for layer in _check_layers(layers):
        r, j = growth[-1]
        growth.append((r + (layer.size - 1) * layer.dilation * j, j * layer.stride))
    return growth


def receptive_field_size(layers):
    """Number of inputs spanned by the receptive field of one unit of the top layer.

    Parameters
    ----------
    layers : sequence of StackLayer
        From the input upwards; an empty stack gives 1.

    Returns
    -------
    int
        ``r_L`` of the recurrence in the module docstring.

    Examples
    --------
    >>> receptive_field_size([StackLayer("conv", 3, dilation=d) for d in (1, 2, 4)])
    15
    """
    return receptive_field_growth(layers)[-1][0]


def stack_input_length(layers, top_units=1):
    """Shortest input for which the top layer has `top_units` units (no padding anywhere).

    Parameters
    ----------
    layers : sequence of StackLayer
    top_units : int >= 1, default 1

    Returns
    -------
    int
        ``r_L + (top_units - 1) * j_L``.

    Examples
    --------
    >>> stack_input_length([StackLayer("conv", 3)], top_units=3)
    5
    """
    top_units = check_positive_int("top_units", top_units)
    r, j = receptive_field_growth(layers)[-1]
    return r + (top_units - 1) * j


def receptive_field_support(layers, index=0):
    """The units of every layer that one top-layer unit depends on.

    Parameters
    ----------
    layers : sequence of StackLayer
        From the input upwards.
    index : int >= 0, default 0
        Unit of the top layer.

    Returns
    -------
    list of ndarray of int
        ``support[l]`` are the sorted unit indices of layer ``l`` (``l = 0`` is the input) read,
        directly or through the layers between, by unit `index` of layer L; ``support[L] ==
        [index]``. ``support[0].max() - support[0].min() + 1 == r_L``.

    Examples
    --------
    >>> [s.tolist() for s in receptive_field_support([StackLayer("conv", 2, dilation=2)], 1)]
    [[1, 3], [1]]
    """
    layers = _check_layers(layers)
    units = np.array([check_int("index", index)])
    support = [units]
    for layer in reversed(layers):
        reads = units[:, None] * layer.stride + np.arange(layer.size)[None, :] * layer.dilation
        units = np.unique(reads)
        support.append(units)
    return support[::-1]
