"""Connectivity of a layer: counting parameters and operations, and the layer as a weight matrix.

A 1-D layer maps ``m`` inputs to ``n`` outputs. Output ``j`` of a local layer reads the inputs
``j * stride - before + tap * dilation`` for ``tap = 0 ... k - 1`` (cross-correlation, with
`correlate2d`'s zero padding ``before`` for the padding mode); reads that fall on the padding are
not connections. The four weight matrices of the lecture differ only in which parameter each
connection uses:

* ``dense`` (fully connected): every (output, input) pair has its own parameter, ``m * n`` of them;
* ``local`` (sparse interactions, unshared weights, "locally connected"): one parameter per
  (output, tap), a banded matrix;
* ``conv`` (sparse and shared): one parameter per tap, a Toeplitz matrix (stride 1) holding ``k``;
* ``tiled``: ``period`` kernels used in rotation, output ``j`` uses kernel ``j % period``.

Counting follows Goodfellow et al. (2016), section 9.2: ``m * n`` parameters and multiply-adds for
a fully connected layer, ``k * n`` for a sparse one and ``k`` parameters (still ``k * n``
multiply-adds) for a convolutional one. Floating-point operations: a dot product of ``k`` terms
costs ``2k - 1`` (``k`` multiplies, ``k - 1`` adds); a dense matrix product is counted as
``2 * m * n`` (one multiply and one add per matrix entry), the book's "over sixteen billion".

>>> image_conv_cost((280, 320), (1, 2)).conv_flops
267960
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_pair, check_array, check_choice, check_int, check_positive_int
from .conv import MODES, output_size, padding_for

__all__ = [
    "MATRIX_KINDS", "LayerCost", "ImageCost", "layer_costs", "image_conv_cost", "layer_taps",
    "connection_ids", "distinct_parameters", "weight_matrix", "uncovered_tail",
]

MATRIX_KINDS = ("dense", "local", "conv", "tiled")


@dataclass(frozen=True)
class LayerCost:
    """Parameters stored and multiply-adds done by one layer (both plain ints)."""

    parameters: int
    multiply_adds: int


@dataclass(frozen=True)
class ImageCost:
    """One feature map computed by convolution versus by a dense matrix product.

    Attributes
    ----------
    output_shape : (int, int)
        ``(out_h, out_w)`` of the feature map.
    conv_parameters, dense_parameters : int
        Kernel taps, and entries of the equivalent dense matrix (inputs * outputs).
    conv_flops, dense_flops : int
        ``outputs * (2 * taps - 1)`` and ``2 * inputs * outputs``.
    """

    output_shape: tuple
    conv_parameters: int
    conv_flops: int
    dense_parameters: int
    dense_flops: int

    @property
    def flop_ratio(self) -> float:
        """How many times fewer floating-point operations convolution needs (inf for 0 flops)."""
        return self.dense_flops / self.conv_flops if self.conv_flops else float("inf")


def layer_costs(m, n, k):
    """Parameters and multiply-adds of a fully connected, a sparse and a convolutional layer.

    Parameters
    ----------
    m, n : int
        Number of input units (>= 1) and output units (>= 0).
    k : int
        Kernel width: inputs read by each output of the local layers (>= 1).

    Returns
    -------
    dict
        ``{"dense": LayerCost(m*n, m*n), "local": LayerCost(k*n, k*n), "conv": LayerCost(k, k*n)}``.

    Examples
    --------
    >>> layer_costs(5, 5, 3)["conv"]
    LayerCost(parameters=3, multiply_adds=15)
    """
    m = check_positive_int("m", m)
    n = check_int("n", n)
    k = check_positive_int("k", k)
    return {"dense": LayerCost(m * n, m * n), "local": LayerCost(k * n, k * n),
            "conv": LayerCost(k, k * n)}


def image_conv_cost(image_shape, kernel_shape, mode="valid", stride=1, dilation=1):
    """Cost of one feature map of an image: convolution against the same map as a dense matrix.

    Parameters
    ----------
    image_shape : (H, W) or (H, W, C)
    kernel_shape : (kh, kw) or (kh, kw, C)
        A colour kernel reads all C channels: ``taps = kh * kw * C``.
    mode : {"valid", "same", "full"}, default "valid"
    stride, dilation : int or (int, int), default 1

    Returns
    -------
    ImageCost
        ``inputs = H * W * C``, ``outputs = out_h * out_w`` (from `output_size`),
        ``conv_flops = outputs * (2 * taps - 1)``, ``dense_flops = 2 * inputs * outputs``.

    Examples
    --------
    >>> cost = image_conv_cost((280, 320), (1, 2))  # Goodfellow et al., Fig. 9.6
    >>> cost.output_shape, cost.conv_flops, cost.dense_flops
    ((280, 319), 267960, 16006144000)
    """
    if len(image_shape) not in (2, 3) or len(kernel_shape) not in (2, 3):
        raise ValueError(f"image_shape and kernel_shape must be (H, W[, C]) and (kh, kw[, C]); "
                         f"got {image_shape!r} and {kernel_shape!r}")
    height, width = (check_positive_int("image_shape", v) for v in image_shape[:2])
    kh, kw = (check_positive_int("kernel_shape", v) for v in kernel_shape[:2])
    channels = check_positive_int("image_shape", image_shape[2]) if len(image_shape) == 3 else 1
    (sh, sw), (dh, dw) = as_pair("stride", stride), as_pair("dilation", dilation)
    check_choice("mode", mode, MODES)
    out_shape = (output_size(height, kh, mode, sh, dh), output_size(width, kw, mode, sw, dw))
    outputs = out_shape[0] * out_shape[1]
    taps = kh * kw * channels
    inputs = height * width * channels
    return ImageCost(out_shape, taps, outputs * (2 * taps - 1), inputs * outputs, 2 * inputs * outputs)


def _padding_before(padding, k, dilation):
    """Zero padding before the first input for a mode name or a symmetric integer padding."""
    if isinstance(padding, str):
        check_choice("padding", padding, MODES)
        return padding_for(padding, (1, k), dilation)[1][0]
    return check_int("padding", padding)


def layer_taps(m, k, padding="valid", stride=1, dilation=1):
    """Input index read by every tap of every output of a 1-D local layer.

    Parameters
    ----------
    m : int
        Number of inputs (>= 1).
    k : int
        Kernel width (>= 1).
    padding : {"valid", "same", "full"} or int >= 0, default "valid"
        A mode as in `correlate2d` (same window placement for even kernels) or a zero padding
        added on both sides.
    stride, dilation : int >= 1, default 1

    Returns
    -------
    taps : ndarray of int, shape (n, k)
        ``taps[j, t] = j * stride - before + t * dilation``, with ``n = output_size(m, k, padding,
        stride, dilation)``; values outside ``[0, m)`` are zero padding, not connections.

    Examples
    --------
    >>> layer_taps(4, 3, "same").tolist()
    [[-1, 0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 4]]
    """
    m = check_positive_int("m", m)
    k = check_positive_int("k", k)
    stride = check_positive_int("stride", stride)
    dilation = check_positive_int("dilation", dilation)
    before = _padding_before(padding, k, dilation)
    n = output_size(m, k, padding, stride, dilation)
    return np.arange(n)[:, None] * stride - before + np.arange(k)[None, :] * dilation


def connection_ids(kind, m, k, padding="valid", stride=1, dilation=1, period=1):
    """The weight matrix of a 1-D layer as parameter numbers: which parameter joins which pair.

    Parameters
    ----------
    kind : {"dense", "local", "conv", "tiled"}
        Fully connected, locally connected (unshared), convolution (shared), tiled convolution.
    m, k, padding, stride, dilation
        The layer geometry, as in `layer_taps`; the dense layer has the same ``n`` outputs.
    period : int >= 1, default 1
        Number of kernels a tiled layer rotates through (ignored by the other kinds).

    Returns
    -------
    ids : ndarray of int64, shape (n, m)
        ``ids[j, i]`` is the parameter used between input ``i`` and output ``j``, -1 if they are not
        connected: ``j * m + i`` (dense), ``j * k + t`` (local), ``t`` (conv) and
        ``(j % period) * k + t`` (tiled), where ``t`` is the tap of output ``j`` reading input ``i``.

    Examples
    --------
    >>> connection_ids("conv", 4, 2).tolist()
    [[0, 1, -1, -1], [-1, 0, 1, -1], [-1, -1, 0, 1]]
    >>> distinct_parameters(connection_ids("tiled", 6, 2, period=2))
    4
    """
    check_choice("kind", kind, MATRIX_KINDS)
    period = check_positive_int("period", period)
    taps = layer_taps(m, k, padding, stride, dilation)
    n = taps.shape[0]
    if kind == "dense":
        return np.arange(n * m, dtype=np.int64).reshape(n, m)
    ids = np.full((n, m), -1, dtype=np.int64)
    rows, tap_index = np.nonzero((taps >= 0) & (taps < m))
    parameter = {"local": rows * k + tap_index, "conv": tap_index,
                 "tiled": (rows % period) * k + tap_index}[kind]
    ids[rows, taps[rows, tap_index]] = parameter
    return ids


def distinct_parameters(ids):
    """Number of different parameters a matrix of parameter numbers uses (-1 = no connection).

    Parameters
    ----------
    ids : array_like of int, shape (n, m)

    Returns
    -------
    int

    Examples
    --------
    >>> distinct_parameters([[0, 1, -1], [-1, 0, 1]])
    2
    """
    ids = np.asarray(ids)
    return int(np.unique(ids[ids >= 0]).size)


def weight_matrix(ids, weights):
    """Fill a matrix of parameter numbers with parameter values (0 where not connected).

    Parameters
    ----------
    ids : array_like of int, shape (n, m)
        From `connection_ids`; -1 means no connection.
    weights : array_like, shape (P,)
        Parameter values, ``P > ids.max()``.

    Returns
    -------
    ndarray, shape (n, m)
        In the dtype of `weights` (float64 for integer weights), so that ``W @ x`` is the layer.

    Examples
    --------
    >>> weight_matrix(connection_ids("conv", 4, 2), [1.0, -1.0])
    array([[ 1., -1.,  0.,  0.],
           [ 0.,  1., -1.,  0.],
           [ 0.,  0.,  1., -1.]])
    """
    ids = np.asarray(ids)
    weights = check_array("weights", weights, ndim=1)
    if ids.size and ids.max() >= weights.size:
        raise ValueError(f"weights must hold at least {ids.max() + 1} parameters; got {weights.size}")
    dtype = weights.dtype if np.issubdtype(weights.dtype, np.floating) else np.float64
    matrix = np.zeros(ids.shape, dtype=dtype)
    connected = ids >= 0
    matrix[connected] = weights[ids[connected]]
    return matrix


def uncovered_tail(n, k, padding="valid", stride=1, dilation=1):
    """How many trailing samples of the padded input no window covers because of the stride.

    When the stride does not divide ``padded length - kernel span``, the last windows stop short
    of the end: those samples never enter any output (Dumoulin & Visin, 2016, relationship 5).

    Parameters
    ----------
    n : int
        Input length (>= 1).
    k, padding, stride, dilation
        As in `output_size`.

    Returns
    -------
    int
        ``(n + total_padding - span) % stride``, or 0 when no window fits at all.

    Examples
    --------
    >>> uncovered_tail(6, 3, stride=2), uncovered_tail(7, 3, stride=2)
    (1, 0)
    """
    n = check_positive_int("n", n)
    k = check_positive_int("k", k)
    stride = check_positive_int("stride", stride)
    dilation = check_positive_int("dilation", dilation)
    if isinstance(padding, str):
        check_choice("padding", padding, MODES)
        total = sum(padding_for(padding, (1, k), dilation)[1])
    else:
        total = 2 * check_int("padding", padding)
    room = n + total - ((k - 1) * dilation + 1)
    return room % stride if room >= 0 else 0
