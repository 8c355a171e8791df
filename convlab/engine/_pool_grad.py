"""Internals of `gradients.pool2d_grad`: where each pooling window sends its output's gradient.

The input is padded as `pooling.pool2d` pads it (``same``: the floor half of the total before).
Position ``(a, b)`` of every window is one strided view of the padded input (H', W' values), so
the backward pass is a loop over the size_h * size_w window positions, each step vectorised over
all windows (and feature maps): find or weigh that position's share, add it to the gradient of
the padded input (overlapping windows add up). The padding is then cut off: it gets nothing.
"""
from __future__ import annotations

import numpy as np

from .pooling import _same_padding, pool_output_size

__all__ = ["pool_backward"]

_NEUTRAL = {"max": -np.inf, "min": np.inf}  # padded values never win; sums see zeros


def _axis_plan(n, size, stride, padding):
    """(before, after, n_out) of pooling one axis of length `n`."""
    n_out = pool_output_size(n, size, stride, padding)
    before, after = _same_padding(n, size, stride, n_out) if padding == "same" else (0, 0)
    return before, after, n_out


def _real_counts(n, size, stride, before, n_out):
    """Number of real (not padded) values in each window along one axis."""
    starts = np.arange(n_out) * stride - before
    return np.minimum(starts + size, n) - np.maximum(starts, 0)


def _route_to_winner(grad, padded, grad_out, positions, kind, real):
    """Max and min pooling: each window's gradient goes to the first position (row-major) holding the
    window's best value; `real` (or None without padding) marks the positions of real values."""
    views = [view(padded) for view in positions]
    best = views[0].copy()
    for values in views[1:]:
        (np.maximum if kind == "max" else np.minimum)(best, values, out=best)
    waiting = np.ones(best.shape, bool)  # windows whose gradient is not given away yet
    for view, values in zip(positions, views):
        winner = (values == best) & waiting
        if real is not None:
            winner &= view(real)
        target = view(grad)
        target += np.where(winner, grad_out, 0)  # (ufunc where= is ~3x slower on these views)
        waiting ^= winner  # winner is a subset of waiting: this clears it


def pool_backward(x, grad_out, sizes, strides, kind, padding):
    """Gradient of `pool2d` for validated float arrays `x` (..., H, W) and `grad_out` (..., H', W')
    of one dtype; `sizes` and `strides` are (rows, columns) pairs."""
    (h, w), (sh, sw), (th, tw) = x.shape[-2:], sizes, strides
    (top, bottom, out_h), (left, right, out_w) = _axis_plan(h, sh, th, padding), _axis_plan(w, sw, tw, padding)
    if out_h == 0 or out_w == 0:
        return np.zeros_like(x)
    widths = ((0, 0),) * (x.ndim - 2) + ((top, bottom), (left, right))
    padded = np.pad(x, widths, constant_values=_NEUTRAL.get(kind, 0)) if top + bottom + left + right else x
    grad = np.zeros(padded.shape, x.dtype)
    positions = [lambda array, a=a, b=b: array[..., a:a + (out_h - 1) * th + 1:th, b:b + (out_w - 1) * tw + 1:tw]
                 for a in range(sh) for b in range(sw)]
    if kind in ("max", "min"):
        real = None
        if padded is not x:
            real = np.zeros(padded.shape[-2:], bool)
            real[top:top + h, left:left + w] = True
        _route_to_winner(grad, padded, grad_out, positions, kind, real)
    else:
        if kind == "avg":  # the same share for every real value of the window; padding is cut off
            shares = grad_out / np.multiply.outer(_real_counts(h, sh, th, top, out_h),
                                                  _real_counts(w, sw, tw, left, out_w))
        else:  # l2: d sqrt(sum v^2) / dv = v / y, nothing from a window of zeros
            norm = np.sqrt(sum(np.square(view(padded)) for view in positions))
            shares = np.divide(grad_out, norm, out=np.zeros_like(grad_out), where=norm > 0)
        for view in positions:
            view(grad)[...] += shares if kind == "avg" else view(padded) * shares
    return np.ascontiguousarray(grad[..., top:top + h, left:left + w])
