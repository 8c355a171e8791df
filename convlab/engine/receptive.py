"""Receptive field of one feature-map pixel: the input pixels its kernel taps read, and products.

Everything follows `correlate2d`'s conventions (cross-correlation, scipy.signal's window placement
for even kernels, stride as sampling, dilation as spaced taps), so that
``patch_products(...).total == correlate2d(...)[i, j]`` for every mode and boundary.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_pair, check_array, check_choice, check_real, float_result_dtype
from .conv import BOUNDARIES, MODES, output_size, padding_for

__all__ = ["PatchProducts", "receptive_field", "patch_products"]


@dataclass(frozen=True, eq=False)
class PatchProducts:
    """The sum of products behind one feature-map pixel (arrays are read-only).

    Attributes
    ----------
    patch : ndarray, shape (kh, kw)
        Input values under the kernel taps, with the boundary rule applied outside the image.
    kernel : ndarray, shape (kh, kw)
        The kernel taps (same floating dtype as `patch`).
    products : ndarray, shape (kh, kw)
        ``patch * kernel``.
    total : float
        ``products.sum()``: the feature-map value.
    rows, cols : ndarray of int, shape (kh, kw)
        Input coordinates of every tap; values outside ``[0, H)`` / ``[0, W)`` are padding.
    """

    patch: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    total: float
    rows: np.ndarray
    cols: np.ndarray


def _check_index(index, feature_map_shape):
    """Return `index` as (int, int) if it lies inside a feature map of the given shape."""
    i, j = as_pair("index", index, minimum=0)
    out_h, out_w = feature_map_shape
    if i >= out_h or j >= out_w:
        raise ValueError(
            f"index must lie in the feature map of shape {feature_map_shape}, i.e. 0 <= i < {out_h}"
            f" and 0 <= j < {out_w}; got {tuple(index)!r}"
        )
    return i, j


def receptive_field(index, image_shape, kernel_shape, mode="same", stride=1, dilation=1):
    """Input coordinates that each kernel tap reads for one output pixel of `correlate2d`.

    Parameters
    ----------
    index : (int, int)
        ``(i, j)``, row and column in the (strided) feature map.
    image_shape : (int, int)
        ``(H, W)`` of the input image.
    kernel_shape : (int, int)
        ``(kh, kw)``, taps before dilation.
    mode : {"same", "full", "valid"}, default "same"
    stride, dilation : int or (int, int), default 1

    Returns
    -------
    rows, cols : ndarray of int, shape (kh, kw)
        Tap ``(a, b)`` reads input pixel ``(rows[a, b], cols[a, b])``; coordinates outside the
        image mean the padding that the boundary rule supplies.

    Raises
    ------
    ValueError
        For an unknown mode, bad shapes, strides or dilations, or an index outside the feature map.

    Examples
    --------
    >>> rows, cols = receptive_field((0, 0), (5, 5), (3, 3))
    >>> rows[:, 0], cols[0]
    (array([-1,  0,  1]), array([-1,  0,  1]))
    """
    check_choice("mode", mode, MODES)
    height, width = as_pair("image_shape", image_shape)
    kh, kw = as_pair("kernel_shape", kernel_shape)
    sh, sw = as_pair("stride", stride)
    dh, dw = as_pair("dilation", dilation)
    feature_map_shape = (output_size(height, kh, mode, sh, dh),
                         output_size(width, kw, mode, sw, dw))
    i, j = _check_index(index, feature_map_shape)
    (top, _), (left, _) = padding_for(mode, (kh, kw), (dh, dw))
    row_of_tap = i * sh - top + dh * np.arange(kh)
    col_of_tap = j * sw - left + dw * np.arange(kw)
    rows, cols = np.meshgrid(row_of_tap, col_of_tap, indexing="ij")
    return rows, cols


def _boundary_values(image, rows, cols, boundary, fillvalue):
    """Values of `image` at integer coordinates, extended beyond the edges by `boundary`."""
    height, width = image.shape
    if boundary == "wrap":
        return image[rows % height, cols % width]
    if boundary == "symm":
        # Mirror including the edge pixel: the extension repeats with period 2 * size.
        rows, cols = rows % (2 * height), cols % (2 * width)
        rows = np.where(rows >= height, 2 * height - 1 - rows, rows)
        cols = np.where(cols >= width, 2 * width - 1 - cols, cols)
        return image[rows, cols]
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    values = np.full(rows.shape, fillvalue, dtype=image.dtype)
    values[inside] = image[rows[inside], cols[inside]]
    return values


def _read_only(array):
    array.setflags(write=False)
    return array


def patch_products(image, kernel, index, mode="same", boundary="fill", fillvalue=0.0,
                   stride=1, dilation=1):
    """The patch, kernel and products whose sum is ``correlate2d(image, kernel, ...)[index]``.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
    index : (int, int)
        Pixel of the (strided) feature map.
    mode, boundary, fillvalue, stride, dilation
        As in `correlate2d`.

    Returns
    -------
    PatchProducts
        Arrays of shape (kh, kw) in the floating dtype `correlate2d` would return.

    Examples
    --------
    >>> image = np.arange(16).reshape(4, 4)
    >>> p = patch_products(image, np.ones((2, 2)), (0, 0), mode="valid")
    >>> p.patch, p.total
    (array([[0., 1.],
           [4., 5.]]), 10.0)
    """
    image = check_array("image", image, ndim=2)
    kernel = check_array("kernel", kernel, ndim=2)
    check_choice("boundary", boundary, BOUNDARIES)
    fillvalue = check_real("fillvalue", fillvalue)
    rows, cols = receptive_field(index, image.shape, kernel.shape, mode, stride, dilation)
    dtype = float_result_dtype(image, kernel)
    patch = _boundary_values(image.astype(dtype, copy=False), rows, cols, boundary, fillvalue)
    kernel = kernel.astype(dtype)
    products = patch * kernel
    return PatchProducts(_read_only(patch), _read_only(kernel), _read_only(products),
                         float(products.sum()), _read_only(rows), _read_only(cols))
