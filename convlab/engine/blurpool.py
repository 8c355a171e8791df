"""Pooling with an explicit boundary rule, and Zhang's anti-aliased pooling (BlurPool).

Pooling with a stride throws samples away, so it is equivariant to translation only for shifts that
are multiples of the stride; between them it aliases (Zhang, "Making Convolutional Networks
Shift-Invariant Again", ICML 2019). BlurPool keeps the max (or another statistic) but takes it with
stride 1, then low-pass filters with a normalised binomial kernel and only then subsamples.

Conventions (the same for both functions, along each pooled axis of length ``n``):

* There are ``ceil(n / stride)`` outputs; output ``i`` belongs to input position ``i * stride``.
* A pooling window STARTS at its position: output ``i`` summarises inputs
  ``i * stride ... i * stride + size - 1``.
* A blur filter of length ``k`` is centred like ``correlate2d(..., mode="same")``: output ``i``
  reads inputs ``i * stride - (k - 1) // 2 ... i * stride + k // 2`` (``[1, 2, 1]``: one before,
  one after; ``[1, 3, 3, 1]``: one before, two after), with the filter divided by its sum.
* Positions past either end follow `boundary`: ``"wrap"`` is circular (index modulo ``n``, as
  ``numpy.roll`` and ``translate(..., boundary="wrap")``), ``"fill"`` reads zeros.

With ``boundary="wrap"`` and ``n`` a multiple of the stride, both poolings commute exactly with
circular shifts by multiples of the stride. These conventions reproduce Zhang's Figure 1 numbers:

>>> import numpy as np
>>> x = np.array([0, 0, 1, 1, 0, 0, 1, 1.0])
>>> pool_windows(x, 2, 2, ndim=1).tolist(), pool_windows(np.roll(x, 1), 2, 2, ndim=1).tolist()
([0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0])
>>> blur_pool(x, 2, 2, ndim=1).tolist(), blur_pool(np.roll(x, 1), 2, 2, ndim=1).tolist()
([0.5, 1.0, 0.5, 1.0], [0.75, 0.75, 0.75, 0.75])
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_choice, check_positive_int
from .pooling import POOL_KINDS, pool1d, pool2d
from .shift import BOUNDARIES as POOL_BOUNDARIES  # the rules of translate: pooling commutes with it

__all__ = ["BLUR_FILTERS", "POOL_BOUNDARIES", "blur_downsample", "blur_pool", "blur_pool1d", "pool_windows"]

# Zhang's binomial filters by their usual names: the rows of Pascal's triangle.
BLUR_FILTERS = {"[1, 2, 1]": (1.0, 2.0, 1.0), "[1, 3, 3, 1]": (1.0, 3.0, 3.0, 1.0)}


def _check_float_array(x, ndim):
    """`x` as a float ndarray with at least `ndim` axes (integers and bools give float64)."""
    check_choice("ndim", ndim, (1, 2))
    x = as_float_array("x", x, ndim, "(..., N)" if ndim == 1 else "(..., H, W)")
    if 0 in x.shape[-ndim:]:
        raise ValueError(f"x must not be empty along its last {ndim} dimension(s); got shape {x.shape}")
    return x


def _check_filter(taps):
    """The blur filter as a float64 array divided by its sum, or ValueError naming `filter`."""
    if isinstance(taps, str):
        if taps not in BLUR_FILTERS:
            raise ValueError(f"filter must be one of {', '.join(map(repr, BLUR_FILTERS))} or a sequence of weights; "
                             f"got {taps!r}")
        taps = BLUR_FILTERS[taps]
    try:
        weights = np.asarray(taps, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"filter must be a sequence of non-negative weights such as (1, 2, 1); got {taps!r}") from None
    if weights.ndim != 1 or weights.size == 0 or not np.all(np.isfinite(weights)) \
            or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError(f"filter must be a sequence of non-negative weights such as (1, 2, 1); got {taps!r}")
    return weights / weights.sum()


def _pad_axes(x, ndim, widths, boundary):
    """Pad the last `ndim` axes of `x` by (before, after) `widths` with the boundary rule."""
    pad = [(0, 0)] * (x.ndim - ndim) + list(widths)
    if boundary == "wrap":
        return np.pad(x, pad, mode="wrap")
    return np.pad(x, pad, mode="constant")


def pool_windows(x, size, stride=None, kind="max", boundary="wrap", ndim=2):
    """Pool the last `ndim` axes with windows that start at multiples of the stride.

    Parameters
    ----------
    x : array_like, (..., H, W) for ``ndim=2`` or (..., N) for ``ndim=1``
        Real values; float32 stays float32, integers give float64.
    size : int
        Window size along each pooled axis (>= 1).
    stride : int, optional
        Step between windows (>= 1); defaults to `size`.
    kind : {"max", "avg", "min", "l2"}
        Statistic of each window (``avg`` divides by ``size ** ndim``, zeros included).
    boundary : {"wrap", "fill"}
        What a window reads past the end: the start again (circular) or zeros.
    ndim : {1, 2}
        How many trailing axes are pooled.

    Returns
    -------
    ndarray, (..., ceil(H / stride), ceil(W / stride)) or (..., ceil(N / stride))

    Examples
    --------
    >>> pool_windows([3.0, 1.0, 2.0], 2, 1, ndim=1).tolist()
    [3.0, 2.0, 3.0]
    >>> pool_windows([3.0, 1.0, 2.0], 2, 1, boundary="fill", ndim=1).tolist()
    [3.0, 2.0, 2.0]
    """
    x = _check_float_array(x, ndim)
    size = check_positive_int("size", size)
    stride = size if stride is None else check_positive_int("stride", stride)
    check_choice("kind", kind, POOL_KINDS)
    check_choice("boundary", boundary, POOL_BOUNDARIES)
    widths = []
    for n in x.shape[-ndim:]:
        n_out = -(-n // stride)
        widths.append((0, max((n_out - 1) * stride + size - n, 0)))
    padded = _pad_axes(x, ndim, widths, boundary)
    if ndim == 1:
        return pool1d(padded, size, stride, kind, padding="valid")
    return pool2d(padded, size, stride, kind, padding="valid")


def blur_downsample(x, stride=2, filter=(1, 2, 1), boundary="wrap", ndim=2):
    """Low-pass filter with a normalised (separable) binomial kernel, keeping every `stride`-th sample.

    Parameters
    ----------
    x : array_like, (..., H, W) or (..., N)
        Real values; float32 stays float32, integers give float64.
    stride : int
        Subsampling step (>= 1).
    filter : sequence of float or {"[1, 2, 1]", "[1, 3, 3, 1]"}
        Non-negative 1-D weights, divided by their sum; in 2-D the kernel is their outer product.
    boundary : {"wrap", "fill"}
    ndim : {1, 2}

    Returns
    -------
    ndarray, (..., ceil(H / stride), ceil(W / stride)) or (..., ceil(N / stride))
        In 2-D this equals ``correlate2d(x, outer(f, f), "same", boundary, stride=stride)``.

    Examples
    --------
    >>> blur_downsample([0.0, 4.0, 0.0, 0.0], 2, ndim=1).tolist()
    [1.0, 1.0]
    """
    x = _check_float_array(x, ndim)
    stride = check_positive_int("stride", stride)
    weights = _check_filter(filter).astype(x.dtype)
    check_choice("boundary", boundary, POOL_BOUNDARIES)
    k = weights.size
    padded = _pad_axes(x, ndim, [((k - 1) // 2, k // 2)] * ndim, boundary)
    for axis in range(-ndim, 0):
        n_out = -(-x.shape[axis] // stride)
        span = (n_out - 1) * stride + 1
        key = [slice(None)] * padded.ndim
        total = None
        for j, w in enumerate(weights):
            key[axis] = slice(j, j + span, stride)
            term = w * padded[tuple(key)]
            total = term if total is None else total + term
        padded = total
    return padded


def blur_pool(x, size=2, stride=2, kind="max", filter=(1, 2, 1), boundary="wrap", ndim=2):
    """Zhang's BlurPool: pool with stride 1, then blur and subsample with `stride`.

    Parameters
    ----------
    x : array_like, (..., H, W) or (..., N)
    size : int
        Pooling window (>= 1), taken at every position (stride 1) first.
    stride : int
        Subsampling step of the blur (>= 1).
    kind : {"max", "avg", "min", "l2"}
    filter : sequence of float or {"[1, 2, 1]", "[1, 3, 3, 1]"}
    boundary : {"wrap", "fill"}
    ndim : {1, 2}

    Returns
    -------
    ndarray, the shape of ``pool_windows(x, size, stride, ndim=ndim)``

    Examples
    --------
    >>> blur_pool([0, 0, 1, 1, 0, 0, 1, 1], 2, 2, filter=(1, 3, 3, 1), ndim=1).tolist()
    [0.625, 0.875, 0.625, 0.875]
    """
    dense = pool_windows(x, size, 1, kind, boundary, ndim)
    return blur_downsample(dense, stride, filter, boundary, ndim)


def blur_pool1d(x, size=2, stride=2, kind="max", filter=(1, 2, 1), boundary="wrap"):
    """:func:`blur_pool` along the last axis only (the lecture's 1-D pictures).

    Examples
    --------
    >>> blur_pool1d([1, 0, 0, 1, 1, 0, 0, 1]).tolist()
    [0.75, 0.75, 0.75, 0.75]
    """
    return blur_pool(x, size, stride, kind, filter, boundary, ndim=1)

