"""The switch between cross-correlation (what CNN libraries compute) and true convolution.

`correlate2d` slides the kernel as it is drawn; `convolve2d` slides it rotated by 180 degrees
(scipy.signal's conventions, including the window placement of even kernels in ``same`` mode).
:func:`operation_products` lists the sum of products behind any output pixel of either.

>>> x = np.zeros((3, 3)); x[1, 1] = 1
>>> k = [[0, 1, 0], [0, 0, 0], [0, 0, 0]]
>>> apply_operation(x, k, "correlation")[2, 1].item(), apply_operation(x, k, "convolution")[0, 1].item()
(1.0, 1.0)
"""
from __future__ import annotations

import numpy as np  # noqa: F401 (the doctests use it)

from ._checks import as_pair, check_array, check_choice
from .conv import MODES, convolve2d, correlate2d, output_size
from .receptive import patch_products

__all__ = ["OPERATIONS", "apply_operation", "operation_products"]

OPERATIONS = ("correlation", "convolution")


def apply_operation(image, kernel, operation="correlation", **options):
    """`correlate2d` (``operation="correlation"``) or `convolve2d` (``"convolution"``) of a gray image.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
    operation : {"correlation", "convolution"}
    **options
        ``mode``, ``boundary``, ``fillvalue``, ``stride``, ``dilation`` as in `correlate2d`.

    Returns
    -------
    ndarray, floating, shape (out_h, out_w)

    Examples
    --------
    >>> x = np.zeros((3, 3)); x[1, 1] = 1
    >>> apply_operation(x, [[0, 1, 0], [0, 0, 0], [0, 0, 0]], "convolution")[0, 1].item()
    1.0
    """
    check_choice("operation", operation, OPERATIONS)
    function = correlate2d if operation == "correlation" else convolve2d
    return function(image, kernel, **options)


def operation_products(image, kernel, index, operation="correlation", mode="same", boundary="fill",
                       fillvalue=0.0, stride=1, dilation=1):
    """The patch, kernel and products whose sum is ``apply_operation(image, kernel, operation, ...)[index]``.

    For ``"convolution"`` the returned kernel is the kernel rotated by 180 degrees (what slides over
    the image), read at the window position that `convolve2d` uses, even for even kernel spans.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
    index : (int, int)
        Pixel of the (strided) output.
    operation : {"correlation", "convolution"}
    mode, boundary, fillvalue, stride, dilation
        As in `correlate2d`.

    Returns
    -------
    PatchProducts
        ``patch``, ``kernel``, ``products`` (kh, kw), ``total``, ``rows``/``cols`` of every tap.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(3, 3)
    >>> operation_products(x, [[1, 2], [3, 4]], (0, 0), "convolution", mode="valid").total  # 4*0 + 3*1 + 2*3 + 1*4
    13.0
    """
    check_choice("operation", operation, OPERATIONS)
    if operation == "correlation":
        return patch_products(image, kernel, index, mode, boundary, fillvalue, stride, dilation)
    image = check_array("image", image, ndim=2)
    kernel = check_array("kernel", kernel, ndim=2)
    check_choice("mode", mode, MODES)
    strides, dilations = as_pair("stride", stride), as_pair("dilation", dilation)
    full_index = []
    for axis, position in enumerate(as_pair("index", index, minimum=0)):
        n, k, s, d = image.shape[axis], kernel.shape[axis], strides[axis], dilations[axis]
        if position >= output_size(n, k, mode, s, d):
            shape = tuple(output_size(image.shape[a], kernel.shape[a], mode, strides[a], dilations[a])
                          for a in (0, 1))
            raise ValueError(f"index must lie in the output of shape {shape}; got {tuple(index)!r}")
        span = (k - 1) * d + 1
        shift = {"full": 0, "same": (span - 1) // 2, "valid": span - 1}[mode]
        full_index.append(position * s + shift)
    return patch_products(image, kernel[::-1, ::-1], tuple(full_index), "full", boundary, fillvalue,
                          1, dilations)
