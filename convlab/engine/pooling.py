"""Pooling: replace each window of a feature map by a summary statistic (max, average, min, L2).

Windows start every `stride` samples. With ``padding="valid"`` windows that do not fit are dropped
(as ``torch.nn.functional.max_pool2d`` does). With ``padding="same"`` there are
``ceil(n / stride)`` outputs; the input is padded by ``max((out - 1) * stride + size - n, 0)``
in total, the floor half before and the rest after, and padded positions are IGNORED: they never
enter a max, min or sum, and an average divides by the number of real values in its window.
Every window holds at least one real value.

Pooling over two axes is done one axis at a time (all four statistics are separable), each axis
as a reduction over `size` strided slices, so there is no Python loop over pixels.

Examples
--------
>>> import numpy as np
>>> pool1d(np.array([0.1, 1.0, 0.2, 0.1]), 3, stride=1, padding="same").tolist()
[1.0, 1.0, 1.0, 0.2]
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, as_pair, check_choice, check_int, check_positive_int

__all__ = ["POOL_KINDS", "PADDINGS", "pool1d", "pool2d", "pool_output_size"]

POOL_KINDS = ("max", "avg", "min", "l2")
PADDINGS = ("valid", "same")

# Value given to padded positions so that they never win a reduction.
_NEUTRAL = {"max": -np.inf, "min": np.inf, "sum": 0.0, "avg": 0.0}
_REDUCE = {"max": np.maximum, "min": np.minimum, "sum": np.add, "avg": np.add}


def pool_output_size(n, size, stride=None, padding="valid"):
    """Number of pooling windows along an axis of length `n`.

    Parameters
    ----------
    n : int
        Input length (>= 0).
    size : int
        Window size (>= 1).
    stride : int, optional
        Step between windows (>= 1); defaults to `size`.
    padding : {"valid", "same"}
        ``valid``: ``(n - size) // stride + 1`` windows, 0 if ``n < size``;
        ``same``: ``ceil(n / stride)``.

    Returns
    -------
    int

    Examples
    --------
    >>> pool_output_size(7, 2), pool_output_size(7, 2, padding="same")
    (3, 4)
    """
    n = check_int("n", n)
    size = check_positive_int("size", size)
    stride = size if stride is None else check_positive_int("stride", stride)
    check_choice("padding", padding, PADDINGS)
    if padding == "same":
        return -(-n // stride)
    return (n - size) // stride + 1 if n >= size else 0


def _same_padding(n, size, stride, n_out):
    """(before, after) padding of 'same' pooling: floor half of the total before."""
    total = max((n_out - 1) * stride + size - n, 0)
    return total // 2, total - total // 2


def _axis_index(ndim, axis, index):
    """Tuple indexing `index` along `axis` (negative) and everything along the other axes."""
    key = [slice(None)] * ndim
    key[axis] = index
    return tuple(key)


def _pool_axis(x, axis, size, stride, kind, padding):
    """Pool `x` along one negative `axis`; `kind` is max, min, sum or avg."""
    n = x.shape[axis]
    n_out = pool_output_size(n, size, stride, padding)
    before, after = _same_padding(n, size, stride, n_out) if padding == "same" else (0, 0)
    if before or after:
        widths = [(0, 0)] * x.ndim
        widths[axis] = (before, after)
        x = np.pad(x, widths, constant_values=_NEUTRAL[kind])
    span = (n_out - 1) * stride + 1 if n_out else 0
    views = [x[_axis_index(x.ndim, axis, slice(j, j + span, stride))] for j in range(size)]
    if size == 1:
        pooled = views[0].copy()
    else:
        reduce = _REDUCE[kind]
        pooled = reduce(views[0], views[1])
        for view in views[2:]:
            reduce(pooled, view, out=pooled)
    if kind == "avg" and n_out:
        starts = np.arange(n_out) * stride - before
        counts = np.minimum(starts + size, n) - np.maximum(starts, 0)
        pooled /= counts.astype(pooled.dtype).reshape((-1,) + (1,) * (-axis - 1))
    return pooled


def _pool_axes(x, sizes, strides, kind, padding):
    """Pool the last len(sizes) axes of float array `x`, one axis at a time."""
    axes = range(-1, -len(sizes) - 1, -1)
    if kind == "l2":
        x = np.square(x)
        for axis, size, stride in zip(axes, sizes[::-1], strides[::-1]):
            x = _pool_axis(x, axis, size, stride, "sum", padding)
        return np.sqrt(x, out=x)
    for axis, size, stride in zip(axes, sizes[::-1], strides[::-1]):
        x = _pool_axis(x, axis, size, stride, kind, padding)
    return x


def pool2d(x, size, stride=None, kind="max", padding="valid"):
    """Pool the last two axes of `x` (any leading axes, e.g. feature maps (K, H, W)).

    Parameters
    ----------
    x : array_like, (..., H, W)
        Real values; float dtypes are kept (float32 stays float32), integers give float64.
    size : int or (int, int)
        Window height and width (>= 1).
    stride : int or (int, int), optional
        Step between windows along rows and columns (>= 1); defaults to `size`.
    kind : {"max", "avg", "min", "l2"}
        Statistic of each window; ``l2`` is the square root of the sum of squares.
    padding : {"valid", "same"}
        ``valid`` drops windows that do not fit; ``same`` gives ``ceil(n / stride)`` outputs per
        axis and ignores padded positions (see the module docstring).

    Returns
    -------
    ndarray, (..., H', W')
        ``H' = pool_output_size(H, size_h, stride_h, padding)``, likewise ``W'``.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> pool2d(x, 2).tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    >>> pool2d(x, 3, stride=2, kind="avg", padding="same").tolist()
    [[5.0, 6.5], [11.0, 12.5]]
    """
    x = as_float_array("x", x, 2, "(..., H, W)")
    sizes = as_pair("size", size)
    strides = sizes if stride is None else as_pair("stride", stride)
    check_choice("kind", kind, POOL_KINDS)
    check_choice("padding", padding, PADDINGS)
    return _pool_axes(x, sizes, strides, kind, padding)


def pool1d(x, size, stride=None, kind="max", padding="valid"):
    """Pool the last axis of `x` (any leading axes).

    Parameters
    ----------
    x : array_like, (..., N)
        Real values; float dtypes are kept, integers give float64.
    size : int
        Window size (>= 1).
    stride : int, optional
        Step between windows (>= 1); defaults to `size`.
    kind : {"max", "avg", "min", "l2"}
    padding : {"valid", "same"}
        As in :func:`pool2d`.

    Returns
    -------
    ndarray, (..., N')
        ``N' = pool_output_size(N, size, stride, padding)``.

    Examples
    --------
    >>> pool1d([0.1, 1.0, 0.2, 0.1, 0.0, 0.1], 3, stride=2, padding="same").tolist()
    [1.0, 0.2, 0.1]
    >>> pool1d([0.3, 0.1, 1.0, 0.2], 3, stride=1, padding="same").tolist()
    [0.3, 1.0, 1.0, 1.0]
    """
    x = as_float_array("x", x, 1, "(..., N)")
    size = check_positive_int("size", size)
    stride = size if stride is None else check_positive_int("stride", stride)
    check_choice("kind", kind, POOL_KINDS)
    check_choice("padding", padding, PADDINGS)
    return _pool_axes(x, (size,), (stride,), kind, padding)
