"""Internals of `gradients.pool2d_grad`: the windows of a pooling and where each sends its gradient.

The input is padded as `pooling.pool2d` pads it (``same``: the floor half of the total before),
every window is seen as one row of a (..., H', W', size_h * size_w) copy (im2col), the local
derivative of the window statistic is computed for the whole row at once, and the products with
the output gradient are added back onto the padded input, one strided addition per window
position (overlapping windows add up). The padding is then cut off: it gets nothing.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .pooling import _same_padding, pool_output_size

__all__ = ["pool_backward"]

_NEUTRAL = {"max": -np.inf, "min": np.inf}  # padded values never win; sums see zeros


def _axis_plan(n, size, stride, padding):
    """(before, after, n_out) of pooling one axis of length `n`."""
    n_out = pool_output_size(n, size, stride, padding)
    before, after = _same_padding(n, size, stride, n_out) if padding == "same" else (0, 0)
    return before, after, n_out


def _window_rows(padded, sizes, strides, n_out):
    """Copy (..., H', W', size_h * size_w) of the windows of `padded` (..., Hp, Wp), row-major."""
    *lead, _, _ = padded.shape
    *lead_strides, row, col = padded.strides
    view = as_strided(padded, (*lead, *n_out, *sizes),
                      (*lead_strides, strides[0] * row, strides[1] * col, row, col), writeable=False)
    return view.reshape(*lead, *n_out, sizes[0] * sizes[1])


def _first_winner(values, real, kind):
    """One-hot (same shape as `values`) of the first real max (min) along the last axis."""
    best = values.max(axis=-1, keepdims=True) if kind == "max" else values.min(axis=-1, keepdims=True)
    first = np.argmax((values == best) & real, axis=-1)[..., None]
    return np.arange(values.shape[-1]) == first


def _local_derivative(windows, real, kind):
    """d (window statistic) / d (each window value), shape of `windows`."""
    if kind in ("max", "min"):
        return _first_winner(windows, real, kind).astype(windows.dtype)
    if kind == "avg":
        return (real / real.sum(axis=-1, keepdims=True)).astype(windows.dtype)
    norm = np.sqrt(np.square(windows).sum(axis=-1, keepdims=True))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(norm > 0, windows / norm, 0).astype(windows.dtype)


def pool_backward(x, grad_out, sizes, strides, kind, padding):
    """Gradient of `pool2d` for validated float arrays `x` (..., H, W) and `grad_out` (..., H', W')
    of one dtype; `sizes` and `strides` are (rows, columns) pairs."""
    (top, bottom, out_h), (left, right, out_w) = (
        _axis_plan(n, k, t, padding) for n, k, t in zip(x.shape[-2:], sizes, strides))
    grad = np.zeros(x.shape[:-2] + (top + x.shape[-2] + bottom, left + x.shape[-1] + right), x.dtype)
    if out_h == 0 or out_w == 0:
        return grad
    lead = ((0, 0),) * (x.ndim - 2)
    padded = np.pad(x, lead + ((top, bottom), (left, right)), constant_values=_NEUTRAL.get(kind, 0))
    real = np.zeros(grad.shape[-2:], bool)
    real[top:top + x.shape[-2], left:left + x.shape[-1]] = True
    real = _window_rows(real, sizes, strides, (out_h, out_w))
    windows = _window_rows(padded, sizes, strides, (out_h, out_w))
    products = _local_derivative(windows, real, kind) * grad_out[..., None]
    for tap in range(sizes[0] * sizes[1]):
        a, b = divmod(tap, sizes[1])
        grad[..., a:a + (out_h - 1) * strides[0] + 1:strides[0],
             b:b + (out_w - 1) * strides[1] + 1:strides[1]] += products[..., tap]
    return np.ascontiguousarray(grad[..., top:top + x.shape[-2], left:left + x.shape[-1]])
