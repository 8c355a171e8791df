"""Activation and pooling stages of the fused CNN block (`convlab.engine.bank.conv_block`).

Both work in place on float32 feature maps (K, H, W) and on tiles of them, so that the block
can run conv -> activation -> pooling on one L2-sized tile at a time. Pooling is the reduction of
``size**2`` strided slices (much faster than ``reshape(...).max(axis=(2, 4))``) and is 'valid':
windows that do not fit are dropped, as in ``torch.nn.functional.max_pool2d``.
"""
from __future__ import annotations

import itertools

import numpy as np

from ._mec import zeros

__all__ = ["LEAKY_SLOPE", "n_windows", "activate_inplace", "pool_into", "activation_and_pool",
           "activation_and_pool_tile"]

LEAKY_SLOPE = 0.01

# Non-decreasing activations computed exactly in float32: they commute with max and min pooling,
# so the block pools first and activates size**2 times fewer values.
_POOL_FIRST = frozenset({"identity", "relu", "leaky_relu"})
_COMBINE = {"max": np.maximum, "min": np.minimum, "avg": np.add, "l2": np.add}


def n_windows(n, size, stride):
    """Number of 'valid' pooling windows along an axis of length `n`.

    Examples
    --------
    >>> n_windows(7, 2, 2), n_windows(1, 2, 2)
    (3, 0)
    """
    return (n - size) // stride + 1 if n >= size else 0


def activate_inplace(x, name):
    """Apply activation `name` (one of `convlab.engine.activation.ACTIVATIONS`) to float32 array `x` in place.

    ``leaky_relu`` uses slope LEAKY_SLOPE (0.01, torch's default); ``sigmoid`` is computed as
    ``(1 + tanh(x / 2)) / 2``, which cannot overflow. ReLU takes the maximum with an array of
    zeros: numpy 2.4's maximum with a scalar operand is about 4x slower.

    Examples
    --------
    >>> activate_inplace(np.array([-2.0, 3.0], np.float32), "relu").tolist()
    [0.0, 3.0]
    """
    if name == "relu":
        np.maximum(x, zeros(x.size).reshape(x.shape), out=x)
    elif name == "leaky_relu":
        np.maximum(x, x * np.float32(LEAKY_SLOPE), out=x)
    elif name == "abs":
        np.abs(x, out=x)
    elif name == "tanh":
        np.tanh(x, out=x)
    elif name == "sigmoid":
        x *= np.float32(0.5)
        np.tanh(x, out=x)
        x += np.float32(1)
        x *= np.float32(0.5)
    return x


def _combine(windows, kind, out):
    """Reduce equally shaped `windows` into `out` with the statistic `kind` (l2: pre-squared)."""
    combine = _COMBINE[kind]
    if len(windows) == 1:
        np.copyto(out, windows[0])
    else:
        combine(windows[0], windows[1], out=out)
    for window in windows[2:]:
        combine(out, window, out=out)
    if kind == "avg":
        out *= np.float32(1.0 / len(windows))
    elif kind == "l2":
        np.sqrt(out, out=out)
    return out


def pool_into(x, size, stride, kind, out):
    """Pool the last two axes of `x` into `out`; ``kind="l2"`` squares `x` in place first.

    Parameters
    ----------
    x : ndarray, shape (..., H, W), float32
        Feature maps (overwritten when `kind` is ``l2``).
    size, stride : int
        Square window side and step, both >= 1.
    kind : {"max", "avg", "min", "l2"}
        Statistic; ``l2`` is the square root of the sum of squares (torch ``lp_pool2d``, p=2).
    out : ndarray, shape (..., n_windows(H), n_windows(W)), float32
        Destination.

    Returns
    -------
    ndarray
        `out`.

    Examples
    --------
    >>> x = np.arange(16, dtype=np.float32).reshape(1, 4, 4)
    >>> pool_into(x, 2, 2, "max", np.empty((1, 2, 2), np.float32)).tolist()
    [[[5.0, 7.0], [13.0, 15.0]]]
    """
    n_h, n_w = out.shape[-2:]
    if kind == "l2":
        np.square(x, out=x)
    windows = [x[..., dy:dy + stride * (n_h - 1) + 1:stride, dx:dx + stride * (n_w - 1) + 1:stride]
               for dy, dx in itertools.product(range(size), repeat=2)]
    return _combine(windows, kind, out)


def _pool_first(activation, kind):
    """Whether pooling may run before the activation (they commute) to save work."""
    return kind in ("max", "min") and activation in _POOL_FIRST


def activation_and_pool(x, activation, size, stride, kind, out):
    """Activation then pooling of feature maps `x` (K, H, W), used as scratch, into `out`.

    Examples
    --------
    >>> x = np.array([[[-1, -2], [-3, -4]]], np.float32)
    >>> activation_and_pool(x, "relu", 2, 2, "max", np.empty((1, 1, 1), np.float32)).tolist()
    [[[0.0]]]
    """
    if _pool_first(activation, kind):
        return activate_inplace(pool_into(x, size, stride, kind, out), activation)
    return pool_into(activate_inplace(x, activation), size, stride, kind, out)


def activation_and_pool_tile(tile, activation, kind, out):
    """Same as `activation_and_pool` for a window-ordered tile (size, size, K, H'', W'').

    `tile[dx, dy]` holds the window member at offset (dy, dx) of every pooling window (see
    `_mec.gemm_pool_task`); `out` is a (K, H'', W'') view. The members are reduced in place
    (contiguous, fast) and copied to `out` once: writing a strided view costs 2-3x more.
    """
    members = list(tile.reshape((-1,) + tile.shape[2:]))
    pool_first = _pool_first(activation, kind)
    if not pool_first:
        activate_inplace(tile, activation)
    if kind == "l2":
        np.square(tile, out=tile)
    combine = _COMBINE[kind]
    while len(members) > 1:
        pairs = len(members) // 2
        for i in range(pairs):
            combine(members[i], members[-1 - i], out=members[i])
        members = members[:len(members) - pairs]
    pooled = members[0]
    if kind == "avg":
        pooled *= np.float32(1.0 / tile.shape[0] ** 2)
    elif kind == "l2":
        np.sqrt(pooled, out=pooled)
    if pool_first:
        activate_inplace(pooled, activation)
    np.copyto(out, pooled)
    return out
