"""Translation equivariance of convolution and (approximate) invariance of pooling, measured.

A convolution layer is equivariant to translation: ``conv(shift(x)) == shift(conv(x))``. With
``boundary="wrap"`` this holds exactly for every integer shift; with ``boundary="fill"`` (zeros
outside the image) it fails only in a border band that :func:`border_band` predicts. Pooling makes
the representation approximately invariant to small translations; with a stride it is equivariant
only for shifts that are multiples of the stride (:func:`shift_curves` measures it, with and without
Zhang's anti-aliasing, see :mod:`convlab.engine.blurpool`).

Convolution here is ``correlate2d(x, kernel, mode="same", boundary=boundary)``, translation is
``translate(x, dy, dx, boundary)`` (content moves down by `dy`, right by `dx`).

Examples
--------
>>> import numpy as np
>>> x = np.random.default_rng(0).random((16, 16))
>>> k = np.arange(9.0).reshape(3, 3)
>>> equivariance_error(x, k, 3, -5, boundary="wrap")[1]
0.0
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_choice, check_positive_int
from .blurpool import POOL_BOUNDARIES, blur_pool, pool_windows
from .conv import correlate2d
from .shift import translate

__all__ = [
    "EquivarianceCheck", "PooledChange", "ShiftCurve", "band_outline", "border_band", "cosine_similarity",
    "equivariance_check", "equivariance_error", "pooled_change", "pooled_offset", "shift_curves",
]


@dataclass(frozen=True)
class EquivarianceCheck:
    """The four maps of the equivariance test and their difference.

    Attributes
    ----------
    shifted_input : ndarray, (H, W)
        ``shift(x)``.
    conv_of_shifted : ndarray, (H, W)
        ``conv(shift(x))``.
    shifted_conv : ndarray, (H, W)
        ``shift(conv(x))``.
    difference : ndarray, (H, W)
        ``conv(shift(x)) - shift(conv(x))``.
    max_abs : float
        ``max |difference|`` (0.0 exactly when the layer is equivariant for this shift).
    """

    shifted_input: np.ndarray
    conv_of_shifted: np.ndarray
    shifted_conv: np.ndarray
    difference: np.ndarray
    max_abs: float


def equivariance_check(image, kernel, dy, dx, boundary="fill"):
    """Compare ``conv(shift(x))`` with ``shift(conv(x))`` for one kernel and one shift.

    Parameters
    ----------
    image : array_like, (H, W)
        Real values (float32 stays float32).
    kernel : array_like, (kh, kw)
        Any size, odd or even (even sizes follow ``correlate2d``'s "same" placement).
    dy, dx : int
        Shift of the content down and right (negative: up, left).
    boundary : {"fill", "wrap"}
        Used for both the convolution and the translation.

    Returns
    -------
    EquivarianceCheck

    Examples
    --------
    >>> x = np.eye(5)
    >>> equivariance_check(x, np.ones((3, 3)), 1, 0, "fill").max_abs
    1.0
    """
    check_choice("boundary", boundary, POOL_BOUNDARIES)
    shifted = translate(np.asarray(image), dy, dx, boundary)
    conv_of_shifted = correlate2d(shifted, kernel, mode="same", boundary=boundary)
    shifted_conv = translate(correlate2d(image, kernel, mode="same", boundary=boundary), dy, dx, boundary)
    difference = conv_of_shifted - shifted_conv
    max_abs = float(np.max(np.abs(difference))) if difference.size else 0.0
    return EquivarianceCheck(shifted, conv_of_shifted, shifted_conv, difference, max_abs)


def equivariance_error(image, kernel, dy, dx, boundary="fill"):
    """The difference map ``conv(shift(x)) - shift(conv(x))`` and its maximum absolute value.

    Parameters and conventions as in :func:`equivariance_check`.

    Returns
    -------
    difference : ndarray, (H, W)
    max_abs : float

    Examples
    --------
    >>> x = np.random.default_rng(1).random((8, 8))
    >>> equivariance_error(x, np.ones((2, 4)), 5, 7, "wrap")[1]
    0.0
    """
    check = equivariance_check(image, kernel, dy, dx, boundary)
    return check.difference, check.max_abs


def _band_axis(n, k, d):
    """Along one axis (zero fill): where some tap reads shifted content inside the image (`reach`),
    and where the centre and every such tap are inside the image (`interior`); bool arrays (n,)."""
    p = np.arange(n)[:, None]
    taps = np.arange(-((k - 1) // 2), k // 2 + 1)[None, :]
    source_inside = (p - d + taps >= 0) & (p - d + taps < n)
    tap_inside = (p + taps >= 0) & (p + taps < n)
    centre_inside = ((p - d >= 0) & (p - d < n))[:, 0]
    reach = np.any(source_inside & tap_inside, axis=1)
    interior = centre_inside & ~np.any(source_inside & ~tap_inside, axis=1)
    return reach, interior


def _span_of(mask):
    """(start, stop) of the True positions of a 1-D mask (an interval here), or None."""
    hits = np.flatnonzero(mask)
    return (int(hits[0]), int(hits[-1]) + 1) if hits.size else None


def _band_axes(shape, kernel_shape, dy, dx):
    """Per axis (rows, columns): the `reach` and `interior` masks of :func:`_band_axis`."""
    try:
        h, w = (check_positive_int("shape", int(v)) for v in shape)
        kh, kw = (check_positive_int("kernel_shape", int(v)) for v in kernel_shape)
    except (TypeError, ValueError):
        raise ValueError(f"shape and kernel_shape must be pairs of integers >= 1; got {shape!r}, "
                         f"{kernel_shape!r}") from None
    translate(np.zeros((1, 1)), dy, dx)  # validates dy and dx
    return _band_axis(h, kh, int(dy)), _band_axis(w, kw, int(dx))


def border_band(shape, kernel_shape, dy, dx):
    """Exactly where ``conv(shift(x))`` and ``shift(conv(x))`` can differ with zero fill.

    The difference at a pixel is a sum of kernel taps times pixels of ``x`` over the taps that are
    inside the image for one side of the comparison and outside for the other: the convolution's
    zero padding at the image border, and the strip that the shift vacated. The band is a frame:
    the pixels within the kernel's reach of the shifted content, minus the interior where every
    tap that reads content is inside the image. For a positive image and a positive kernel the
    difference is non-zero on exactly this band (nothing can cancel).

    Parameters
    ----------
    shape : (int, int)
        Image (H, W).
    kernel_shape : (int, int)
        Kernel (kh, kw); "same" placement as ``correlate2d``.
    dy, dx : int
        The shift.

    Returns
    -------
    ndarray, bool, (H, W)
        All False for ``dy == dx == 0``.

    Examples
    --------
    >>> border_band((5, 4), (3, 3), 1, 0).astype(int).tolist()
    [[1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]]
    """
    (reach_r, inner_r), (reach_c, inner_c) = _band_axes(shape, kernel_shape, dy, dx)
    return (reach_r[:, None] & reach_c[None, :]) & ~(inner_r[:, None] & inner_c[None, :])


def band_outline(shape, kernel_shape, dy, dx):
    """The border band as its outer and inner rectangles ``(row0, row1, col0, col1)``, half-open.

    The band of :func:`border_band` is the outer rectangle minus the inner one; the list is empty
    when the band is empty and holds only the outer rectangle when there is no hole.

    Returns
    -------
    list of tuple of int

    Examples
    --------
    >>> band_outline((6, 8), (3, 3), 2, -1)
    [(1, 6, 0, 8), (2, 5, 1, 7)]
    """
    (reach_r, inner_r), (reach_c, inner_c) = _band_axes(shape, kernel_shape, dy, dx)
    outer = (_span_of(reach_r), _span_of(reach_c))
    inner = (_span_of(inner_r), _span_of(inner_c))
    if None in outer or outer == inner:
        return []
    rects = [outer[0] + outer[1]]
    if None not in inner:
        rects.append(inner[0] + inner[1])
    return rects


def cosine_similarity(a, b):
    """Cosine of the angle between two arrays seen as vectors.

    Equal arrays give exactly 1.0 (two all-zero arrays included); an all-zero array against a
    non-zero one gives 0.0.

    Parameters
    ----------
    a, b : array_like, same shape

    Returns
    -------
    float in [-1, 1]

    Examples
    --------
    >>> cosine_similarity([1.0, 0.0], [1.0, 1.0])
    0.7071067811865475
    """
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    if np.array_equal(a, b):
        return 1.0  # exactly, without rounding
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0.0 or nb == 0.0:
        return 1.0 if na == nb else 0.0
    return float(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0))


def pooled_offset(dy, dx, stride):
    """The shift in pooled units nearest to a shift of ``(dy, dx)`` input samples.

    ``round(d / stride)`` with halves rounded away from zero, per axis.

    Examples
    --------
    >>> pooled_offset(3, -1, 2)
    (2, -1)
    """
    stride = check_positive_int("stride", stride)
    return tuple(int(np.sign(d) * np.floor(abs(d) / stride + 0.5)) for d in (dy, dx))


@dataclass(frozen=True)
class PooledChange:
    """Pooled maps of x and of shift(x) compared unit by unit.

    Attributes
    ----------
    pooled : ndarray, (H', W')
        ``pool(x)``.
    pooled_shifted : ndarray, (H', W')
        ``pool(shift(x))``.
    reference : ndarray, (H', W')
        What ``pooled_shifted`` is compared with: ``pooled`` translated by `offset` pooled units.
    changed : ndarray, bool, (H', W')
        Units whose value differs by more than the tolerance.
    fraction_unchanged : float
    cosine : float
        :func:`cosine_similarity` of ``pooled_shifted`` and ``reference``.
    """

    pooled: np.ndarray
    pooled_shifted: np.ndarray
    reference: np.ndarray
    changed: np.ndarray
    fraction_unchanged: float
    cosine: float


def pooled_change(feature_map, shifted_map, size=2, stride=None, kind="max", boundary="wrap",
                  antialias=False, filter=(1, 2, 1), offset=(0, 0), tolerance=1e-5):
    """How much pooling changes when its input is shifted.

    Parameters
    ----------
    feature_map, shifted_map : array_like, (H, W)
        A feature map and the feature map of the shifted input.
    size, stride, kind, boundary :
        Pooling as in :func:`~convlab.engine.blurpool.pool_windows` (stride defaults to size).
    antialias : bool
        Use :func:`~convlab.engine.blurpool.blur_pool` (with `filter`) instead.
    offset : (int, int)
        Pooled units by which ``pool(feature_map)`` is moved before the comparison: (0, 0) asks
        "is the pooled output invariant?", ``pooled_offset(dy, dx, stride)`` "is it equivariant?".
    tolerance : float
        A unit is unchanged when ``|a - b| <= tolerance * max(|pooled|, |pooled_shifted|)``.

    Returns
    -------
    PooledChange

    Examples
    --------
    >>> y = np.array([[0.1, 1.0, 0.2, 0.1]])
    >>> pooled_change(y, np.roll(y, 1), size=3, stride=1).fraction_unchanged
    0.5
    >>> pooled_change(y, np.roll(y, 1), size=3, stride=1, offset=(0, 1)).fraction_unchanged
    1.0
    """
    stride = size if stride is None else stride
    if antialias:
        pool = lambda m: blur_pool(m, size, stride, kind, filter, boundary)  # noqa: E731
    else:
        pool = lambda m: pool_windows(m, size, stride, kind, boundary)  # noqa: E731
    pooled, pooled_shifted = pool(feature_map), pool(shifted_map)
    if pooled.shape != pooled_shifted.shape:
        raise ValueError(f"feature_map and shifted_map must have the same shape; got "
                         f"{np.shape(feature_map)} and {np.shape(shifted_map)}")
    reference = translate(pooled, int(offset[0]), int(offset[1]), boundary)
    scale = max(float(np.max(np.abs(pooled))), float(np.max(np.abs(pooled_shifted))), 1e-30)
    changed = np.abs(pooled_shifted - reference) > tolerance * scale
    return PooledChange(pooled, pooled_shifted, reference, changed, float(1.0 - changed.mean()),
                        cosine_similarity(pooled_shifted, reference))


@dataclass(frozen=True)
class ShiftCurve:
    """Measures against the shift for one pooling stride (arrays of shape (S,))."""

    stride: int
    size: int
    shifts: np.ndarray
    conv_error: np.ndarray
    cosine: np.ndarray
    fraction_unchanged: np.ndarray


def shift_curves(image, kernel, pool_strides=(1, 2, 4), pool_size=2, kind="max", boundary="wrap",
                 antialias=False, filter=(1, 2, 1), direction=(0, 1)):
    """Equivariance of the conv layer and of its pooled output against shifts 0 .. 2 x stride.

    For each stride ``s`` and shift ``t = 0 .. 2 s`` the input moves by ``t * direction``; the conv
    error is ``max |conv(shift(x)) - shift(conv(x))|`` and the pooled output of ``conv(shift(x))`` is
    compared with that of ``conv(x)`` moved by :func:`pooled_offset` units (so the curves reach 1
    exactly where pooling is equivariant: multiples of ``s`` with wrap). Pool windows are
    ``max(pool_size, s)`` wide, so no input is skipped.

    Parameters
    ----------
    image : array_like, (H, W)
        Use H and W multiples of every stride for exact equivariance with wrap.
    kernel : array_like, (kh, kw)
    pool_strides : sequence of int
    pool_size : int
    kind, boundary, antialias, filter :
        As in :func:`pooled_change`.
    direction : (int, int)
        One step of the shift, (rows, cols); (0, 1) moves right.

    Returns
    -------
    dict
        ``{stride: ShiftCurve}`` in the order of `pool_strides`.

    Examples
    --------
    >>> x = np.random.default_rng(0).random((16, 16))
    >>> c = shift_curves(x, np.ones((3, 3)), pool_strides=(2,))[2]
    >>> c.shifts.tolist(), c.conv_error.tolist(), c.cosine[[0, 2, 4]].tolist()
    ([0, 1, 2, 3, 4], [0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    """
    strides = [check_positive_int("pool_strides", s) for s in pool_strides]
    pool_size = check_positive_int("pool_size", pool_size)
    step_y, step_x = (int(v) for v in direction)
    conv_x = correlate2d(image, kernel, mode="same", boundary=boundary)
    checks = {}
    curves = {}
    for s in strides:
        size = max(pool_size, s)
        shifts = np.arange(2 * s + 1)
        errors, cosines, fractions = [], [], []
        for t in shifts.tolist():
            if t not in checks:
                checks[t] = equivariance_check(image, kernel, t * step_y, t * step_x, boundary)
            change = pooled_change(conv_x, checks[t].conv_of_shifted, size, s, kind, boundary, antialias,
                                   filter, pooled_offset(t * step_y, t * step_x, s))
            errors.append(checks[t].max_abs)
            cosines.append(change.cosine)
            fractions.append(change.fraction_unchanged)
        curves[s] = ShiftCurve(s, size, shifts, np.array(errors), np.array(cosines), np.array(fractions))
    return curves
