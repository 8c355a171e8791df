"""Editing a kernel: normalise, divisor and offset, rotate, transpose, flip, resize, random fill, and
reading a grid of numbers pasted from a spreadsheet.

Every function takes a kernel of shape (kh, kw) (some also (kh, kw, C)) and returns a NEW array;
the input is never modified. Integer kernels give float64 results, floating kernels keep their dtype.

Cross-correlation versus convolution: `correlate2d` (what CNN libraries compute) slides the kernel
as it is drawn; `convolve2d` slides it rotated by 180 degrees. :func:`to_convolution` gives the
rotated kernel: ``correlate2d(x, to_convolution(k), mode) == convolve2d(x, k, mode)`` for
``full`` and ``valid``, and for ``same`` when the kernel span ``(k - 1) * dilation + 1`` is odd
along both axes. For an EVEN span, scipy's ``same`` convention (see `convlab.engine.conv`) places
the convolution window one pixel further up/left, so ``convolve2d(x, k, "same")[i]`` equals
``correlate2d(x, to_convolution(k), "same")[i - 1]`` along that axis (the first row/column then
comes from the boundary). `convlab.engine.correlation_switch` handles both placements exactly.

Pasted grids are read by :func:`parse_grid_text` (and one cell by :func:`parse_cell`).

>>> k = np.array([[1, 2], [3, 4]])
>>> rotate90(k)
array([[2., 4.],
       [1., 3.]])
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_array, check_finite, check_finite_array, check_int, float_result_dtype
from ._grid_text import parse_cell, parse_grid_text

__all__ = [
    "MAX_KERNEL_SIDE", "Normalised", "normalise", "apply_divisor_offset", "rotate90", "transpose",
    "flip_horizontal", "flip_vertical", "to_convolution", "is_rotation_symmetric", "resize_kernel",
    "random_kernel", "parse_cell", "parse_grid_text",
]

MAX_KERNEL_SIDE = 15


def _kernel(kernel, ndims=(2, 3)):
    """`kernel` as a finite floating array with one of `ndims` dimensions, or ValueError."""
    array = check_array("kernel", kernel, ndims, " or ".join(("(kh, kw)", "(kh, kw, C)")[:len(ndims)]))
    return check_finite_array("kernel", array.astype(float_result_dtype(array), copy=True))


@dataclass(frozen=True, eq=False)
class Normalised:
    """Result of :func:`normalise`.

    Attributes
    ----------
    kernel : ndarray, same shape as the input
        The kernel divided by its sum, or an unchanged copy when the sum is ~0.
    divided : bool
        True when the kernel was divided.
    total : float
        Sum of the weights BEFORE normalising.
    message : str
        One plain sentence saying what happened.
    """

    kernel: np.ndarray
    divided: bool
    total: float
    message: str


def normalise(kernel, rtol=1e-6):
    """Divide a kernel by the sum of its weights, so that it sums to 1 (a weighted average).

    A kernel whose sum is ~0 (edge detectors, Laplacian) cannot be normalised this way: it is
    returned unchanged with ``divided=False`` and a message saying why.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw) or (kh, kw, C)
    rtol : float, default 1e-6
        The sum counts as zero when ``|sum| <= rtol * sum(|weights|)``.

    Returns
    -------
    Normalised

    Examples
    --------
    >>> normalise(np.ones((3, 3))).kernel.sum().round(12).item()
    1.0
    >>> normalise([[-1, 0, 1]]).divided
    False
    """
    k = _kernel(kernel)
    rtol = check_finite("rtol", rtol)
    total = float(k.sum())
    if abs(total) <= rtol * float(np.abs(k).sum()):
        return Normalised(k, False, total, "The weights sum to 0, so the kernel cannot be divided by its "
                          "sum; it is left unchanged (a zero-sum kernel gives 0 on flat areas).")
    return Normalised(k / k.dtype.type(total), True, total,
                      f"Divided every weight by their sum {total:.6g}: the weights now sum to 1.")


def apply_divisor_offset(values, divisor=1.0, offset=0.0):
    """``values / divisor + offset``: the divisor and offset of an image editor's convolution matrix.

    Applied to a feature map, ``offset`` is what a CNN calls the bias: it is added after the sum of
    products (and before the nonlinearity). Dividing the output by `divisor` is the same as dividing
    every kernel weight by it.

    Parameters
    ----------
    values : array_like, any shape
        A feature map (or a kernel, for the divisor alone).
    divisor : float, default 1.0
        Finite and non-zero.
    offset : float, default 0.0
        Finite.

    Returns
    -------
    ndarray, same shape, floating (float64 for integer input)

    Examples
    --------
    >>> apply_divisor_offset(np.array([9.0, -18.0]), divisor=9, offset=0.5)
    array([ 1.5, -1.5])
    """
    divisor, offset = check_finite("divisor", divisor), check_finite("offset", offset)
    if divisor == 0:
        raise ValueError("divisor must be a finite non-zero number; got 0")
    values = np.asarray(values)
    values = values.astype(float_result_dtype(values), copy=False)
    return values / values.dtype.type(divisor) + values.dtype.type(offset)


def rotate90(kernel, turns=1):
    """Rotate a kernel by ``90 * turns`` degrees counter-clockwise (as ``numpy.rot90``).

    Parameters
    ----------
    kernel : array_like, shape (kh, kw) or (kh, kw, C)
    turns : int, default 1
        Negative turns rotate clockwise.

    Returns
    -------
    ndarray, shape (kw, kh[, C]) for an odd number of turns, else (kh, kw[, C])

    Examples
    --------
    >>> rotate90([[1, 2, 3]]).ravel()
    array([3., 2., 1.])
    """
    turns = check_int("turns", turns, minimum=None)
    return np.ascontiguousarray(np.rot90(_kernel(kernel), turns, axes=(0, 1)))


def transpose(kernel):
    """Swap rows and columns (a mirror about the main diagonal); channels stay last.

    >>> transpose([[1, 2, 3]]).shape
    (3, 1)
    """
    return np.ascontiguousarray(np.swapaxes(_kernel(kernel), 0, 1))


def flip_horizontal(kernel):
    """Mirror left-right (reverse the columns).

    >>> flip_horizontal([[1, 2, 3]])
    array([[3., 2., 1.]])
    """
    return np.ascontiguousarray(_kernel(kernel)[:, ::-1])


def flip_vertical(kernel):
    """Mirror top-bottom (reverse the rows).

    >>> flip_vertical([[1], [2]]).ravel()
    array([2., 1.])
    """
    return np.ascontiguousarray(_kernel(kernel)[::-1])


def to_convolution(kernel):
    """The cross-correlation kernel that computes a true convolution: the kernel flipped on both axes.

    Exact for ``full`` and ``valid`` modes and for odd spans in ``same`` mode; see the module
    docstring for the one-pixel shift of even spans in ``same`` mode.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw) or (kh, kw, C)

    Returns
    -------
    ndarray, same shape: ``kernel[::-1, ::-1]`` (a 180-degree rotation)

    Examples
    --------
    >>> to_convolution([[1, 2], [3, 4]])
    array([[4., 3.],
           [2., 1.]])
    """
    return np.ascontiguousarray(_kernel(kernel)[::-1, ::-1])


def is_rotation_symmetric(kernel, atol=1e-12):
    """True when the kernel equals its 180-degree rotation (then correlation = convolution for odd spans).

    >>> is_rotation_symmetric([[1, 2, 1]]), is_rotation_symmetric([[-1, 0, 1]])
    (True, False)
    """
    k = _kernel(kernel)
    return bool(np.allclose(k, k[::-1, ::-1], rtol=0.0, atol=check_finite("atol", atol)))


def _anchor_offset(old, new):
    """Shift that keeps the tap (size - 1) // 2 (the one under the output pixel in 'same' mode)."""
    return (new - 1) // 2 - (old - 1) // 2


def resize_kernel(kernel, rows, cols):
    """Grow (with zeros) or crop a kernel to ``(rows, cols)``, keeping its anchor tap in place.

    The anchor is tap ``(k - 1) // 2`` along each axis: the one that lines up with the output pixel
    in ``same`` mode. So growing never changes ``correlate2d(x, kernel, "same")``.

    Parameters
    ----------
    kernel : array_like, shape (kh, kw) or (kh, kw, C)
    rows, cols : int
        New size, 1 .. MAX_KERNEL_SIDE (15).

    Returns
    -------
    ndarray, shape (rows, cols[, C])

    Examples
    --------
    >>> resize_kernel([[5]], 2, 3)
    array([[0., 5., 0.],
           [0., 0., 0.]])
    """
    k = _kernel(kernel)
    shape = [_side("rows", rows), _side("cols", cols)]
    out = np.zeros(tuple(shape) + k.shape[2:], dtype=k.dtype)
    source, target = [], []
    for old, new in zip(k.shape[:2], shape):
        shift = _anchor_offset(old, new)
        start = max(shift, 0)
        stop = min(old + shift, new)
        source.append(slice(start - shift, stop - shift))
        target.append(slice(start, stop))
    out[tuple(target)] = k[tuple(source)]
    return out


def _side(name, value):
    return check_int(name, value, 1, MAX_KERNEL_SIDE)


def random_kernel(rows, cols, seed=0):
    """Random normal weights with zero mean and unit L2 norm, shape (rows, cols).

    For a square kernel this equals ``random_bank(1, size, seed=seed)[0]`` (same random stream).

    Parameters
    ----------
    rows, cols : int
        1 .. 15 each, with at least 2 weights in all (one weight cannot have zero mean and unit norm).
    seed : int >= 0, default 0

    Returns
    -------
    ndarray, float64, (rows, cols)

    Examples
    --------
    >>> k = random_kernel(2, 3, seed=1)
    >>> bool(abs(k.sum()) < 1e-12), bool(np.isclose((k ** 2).sum(), 1))
    (True, True)
    """
    shape = (_side("rows", rows), _side("cols", cols))
    if shape == (1, 1):
        raise ValueError("rows and cols must give at least 2 weights for a random kernel "
                         "(one weight cannot have zero mean and unit norm); got 1 x 1")
    weights = np.random.default_rng(check_int("seed", seed)).standard_normal(shape)
    weights -= weights.mean()
    return weights / np.sqrt((weights**2).sum())
