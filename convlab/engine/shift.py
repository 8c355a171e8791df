"""Integer translation of images and signals: the operation convolution is equivariant to.

``translate(x, dy, dx)`` moves the content down by `dy` rows and right by `dx` columns (negative
values move it up / left). With ``boundary="wrap"`` the content that leaves one side comes back on
the other (``numpy.roll``), so a correlation with wrap boundaries commutes with it exactly; with
``boundary="fill"`` the vacated rows and columns become zeros.

Examples
--------
>>> import numpy as np
>>> translate1d(np.array([1, 2, 3, 4]), 1).tolist()
[0, 1, 2, 3]
>>> translate1d(np.array([1, 2, 3, 4]), 1, boundary="wrap").tolist()
[4, 1, 2, 3]
"""
from __future__ import annotations

import numpy as np

from ._checks import check_choice, check_int, check_min_ndim
from .conv import BOUNDARIES as CONV_BOUNDARIES

__all__ = ["BOUNDARIES", "translate", "translate1d"]

# Zeros or circular: a translation has no edge pixel to mirror about, so not conv's "symm".
BOUNDARIES = tuple(b for b in CONV_BOUNDARIES if b != "symm")


def _shift_axes(x, shifts, axes, boundary):
    """Shift ndarray `x` by `shifts` along the negative `axes`; always a new array."""
    if boundary == "wrap":
        return np.roll(x, shifts, axis=axes)
    shifted = np.zeros(x.shape, dtype=x.dtype)
    target = [slice(None)] * x.ndim
    source = [slice(None)] * x.ndim
    for shift, axis in zip(shifts, axes):
        n = x.shape[axis]
        if abs(shift) >= n:
            return shifted
        target[axis] = slice(max(shift, 0), n + min(shift, 0))
        source[axis] = slice(max(-shift, 0), n - max(shift, 0))
    shifted[tuple(target)] = x[tuple(source)]
    return shifted


def translate(image, dy, dx, boundary="fill"):
    """Shift the last two axes of `image` by whole pixels.

    Parameters
    ----------
    image : array_like, (..., H, W)
        Any dtype; any leading axes (e.g. feature maps (K, H, W)). A colour image (H, W, 3)
        must be given channels-first, or translated per channel.
    dy : int
        Rows to move the content down (negative: up).
    dx : int
        Columns to move the content right (negative: left).
    boundary : {"fill", "wrap"}
        ``fill`` puts zeros where content left (a shift of the full size or more gives all
        zeros); ``wrap`` is circular: ``numpy.roll(image, (dy, dx), axis=(-2, -1))``.

    Returns
    -------
    ndarray, (..., H, W)
        A new array of the dtype of `image`.

    Examples
    --------
    >>> x = np.zeros((3, 3), dtype=int); x[0, 0] = 1
    >>> translate(x, 1, 2).tolist()
    [[0, 0, 0], [0, 0, 1], [0, 0, 0]]
    """
    image = check_min_ndim("image", image, 2, "(..., H, W)")
    dy, dx = check_int("dy", dy, minimum=None), check_int("dx", dx, minimum=None)
    check_choice("boundary", boundary, BOUNDARIES)
    return _shift_axes(image, (dy, dx), (-2, -1), boundary)


def translate1d(x, shift, boundary="fill"):
    """Shift the last axis of `x` by whole samples.

    Parameters
    ----------
    x : array_like, (..., N)
        Any dtype; any leading axes.
    shift : int
        Samples to move the content towards higher indices (negative: lower).
    boundary : {"fill", "wrap"}
        As in :func:`translate`.

    Returns
    -------
    ndarray, (..., N)
        A new array of the dtype of `x`.

    Examples
    --------
    >>> translate1d([1.0, 2.0, 3.0], -1).tolist()
    [2.0, 3.0, 0.0]
    """
    x = check_min_ndim("x", x, 1, "(..., N)")
    shift = check_int("shift", shift, minimum=None)
    check_choice("boundary", boundary, BOUNDARIES)
    return _shift_axes(x, (shift,), (-1,), boundary)
