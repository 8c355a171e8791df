"""Variants of the convolution function: unshared (locally connected) and tiled convolution.

Both follow `correlate2d`'s conventions: cross-correlation (what CNN layers compute), zero padding
placed by the mode (scipy.signal's rule for even kernels), stride as sampling of the stride-1
result and dilation as spaced taps. What differs is which kernel each output position uses:

* unshared (Goodfellow et al., section 9.5, "locally connected"): a separate kernel at every
  output position, ``kernels[i, j]`` for output ``(i, j)``;
* tiled: a small set of kernels used in rotation, ``kernels[i % th, j % tw]`` for output ``(i, j)``.
  With one kernel (``th = tw = 1``) this is ordinary convolution; with as many kernels as outputs it
  is unshared convolution.

>>> import numpy as np
>>> x = np.arange(5.0)
>>> tiled_conv1d(x, [[1.0, -1.0], [1.0, 1.0]]).tolist()  # kernels alternate along the output
[-1.0, 3.0, -1.0, 7.0]
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._checks import as_pair, check_array, check_choice, float_result_dtype
from .conv import MODES, output_size, pad_image, padding_for

__all__ = ["unshared_conv1d", "unshared_conv2d", "tiled_conv1d", "tiled_conv2d"]


def _windows(image, kernel_shape, mode, stride, dilation, dtype):
    """Every (strided) window of the zero-padded image: shape (out_h, out_w, kh, kw), a view."""
    (kh, kw), (sh, sw), (dh, dw) = kernel_shape, as_pair("stride", stride), as_pair("dilation", dilation)
    out_h, out_w = _output_shape(image, kernel_shape, mode, stride, dilation)
    padded = pad_image(image.astype(dtype, copy=False), padding_for(mode, (kh, kw), (dh, dw)))
    span = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    views = sliding_window_view(padded, span)[::sh, ::sw, ::dh, ::dw]
    return views[:out_h, :out_w]


def _output_shape(image, kernel_shape, mode, stride, dilation):
    """(out_h, out_w) of `correlate2d` for this geometry; ValueError if there is no output position."""
    check_choice("mode", mode, MODES)
    (sh, sw), (dh, dw) = as_pair("stride", stride), as_pair("dilation", dilation)
    shape = (output_size(image.shape[0], kernel_shape[0], mode, sh, dh),
             output_size(image.shape[1], kernel_shape[1], mode, sw, dw))
    if 0 in shape:
        raise ValueError(f"kernels of shape {tuple(kernel_shape)} (dilation {dilation}) do not fit an image "
                         f"of shape {image.shape} in mode {mode!r}: there is no output position")
    return shape


def unshared_conv2d(image, kernels, mode="valid", stride=1, dilation=1):
    """Locally connected layer: cross-correlation with a different kernel at every output pixel.

    ``out[i, j] = sum_{a, b} kernels[i, j, a, b] * padded[i*s + a*d, j*s + b*d]``.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernels : array_like, shape (out_h, out_w, kh, kw)
        One kernel per output pixel; ``(out_h, out_w)`` must be the shape `correlate2d` returns
        for a (kh, kw) kernel with the same mode, stride and dilation.
    mode : {"valid", "same", "full"}, default "valid"
        Zero padding as in `correlate2d`.
    stride, dilation : int or (int, int), default 1

    Returns
    -------
    ndarray, shape (out_h, out_w)
        Floating, as `correlate2d` (float64 for integer inputs).

    Raises
    ------
    ValueError
        For a bad mode, stride or dilation, kernels of the wrong shape, or no output position.

    Examples
    --------
    >>> kernels = np.ones((1, 2, 1, 2)); kernels[0, 1] = [[1, -1]]
    >>> unshared_conv2d([[1.0, 2.0, 4.0]], kernels).tolist()
    [[3.0, -2.0]]
    """
    image = check_array("image", image, ndim=2)
    kernels = check_array("kernels", kernels, ndim=4)
    expected = _output_shape(image, kernels.shape[2:], mode, stride, dilation)
    if kernels.shape[:2] != expected:
        raise ValueError(f"kernels must have shape {expected + kernels.shape[2:]} (one kernel per output "
                         f"pixel); got {kernels.shape}")
    dtype = float_result_dtype(image, kernels)
    windows = _windows(image, kernels.shape[2:], mode, stride, dilation, dtype)
    return np.einsum("ijab,ijab->ij", windows, kernels.astype(dtype, copy=False))


def tiled_conv2d(image, kernels, mode="valid", stride=1, dilation=1):
    """Tiled convolution: a grid of ``th x tw`` kernels used in rotation over the output.

    Output pixel ``(i, j)`` uses ``kernels[i % th, j % tw]``; otherwise as `correlate2d`.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernels : array_like, shape (th, tw, kh, kw)
        The tile of kernels; ``(1, 1, kh, kw)`` is ordinary convolution.
    mode : {"valid", "same", "full"}, default "valid"
    stride, dilation : int or (int, int), default 1

    Returns
    -------
    ndarray, shape (out_h, out_w)

    Examples
    --------
    >>> kernels = np.array([[[[1.0, 1.0]], [[1.0, -1.0]]]])  # th=1, tw=2 kernels of 1x2
    >>> tiled_conv2d([[1.0, 2.0, 4.0]], kernels).tolist()
    [[3.0, -2.0]]
    """
    image = check_array("image", image, ndim=2)
    kernels = check_array("kernels", kernels, ndim=4)
    out_h, out_w = _output_shape(image, kernels.shape[2:], mode, stride, dilation)
    th, tw = kernels.shape[:2]
    per_pixel = kernels[(np.arange(out_h) % th)[:, None], (np.arange(out_w) % tw)[None, :]]
    return unshared_conv2d(image, per_pixel, mode, stride, dilation)


def unshared_conv1d(x, kernels, mode="valid", stride=1, dilation=1):
    """1-D locally connected layer: output ``j`` uses its own kernel ``kernels[j]``.

    Parameters
    ----------
    x : array_like, shape (m,)
    kernels : array_like, shape (n, k)
        ``n`` must equal ``output_size(m, k, mode, stride, dilation)``.
    mode : {"valid", "same", "full"}, default "valid"
    stride, dilation : int, default 1

    Returns
    -------
    ndarray, shape (n,)
        ``out[j] = sum_t kernels[j, t] * padded[j * stride + t * dilation]``.

    Examples
    --------
    >>> unshared_conv1d([1.0, 2.0, 4.0], [[1.0, 1.0], [1.0, -1.0]]).tolist()
    [3.0, -2.0]
    """
    x = check_array("x", x, ndim=1)
    kernels = check_array("kernels", kernels, ndim=2)
    return unshared_conv2d(x[None, :], kernels[None, :, None, :], mode, (1, stride), (1, dilation))[0]


def tiled_conv1d(x, kernels, mode="valid", stride=1, dilation=1):
    """1-D tiled convolution: ``t`` kernels used in rotation, output ``j`` uses ``kernels[j % t]``.

    Parameters
    ----------
    x : array_like, shape (m,)
    kernels : array_like, shape (t, k)
        ``t = 1`` is ordinary (cross-correlation) convolution.
    mode : {"valid", "same", "full"}, default "valid"
    stride, dilation : int, default 1

    Returns
    -------
    ndarray, shape (n,)
        ``n = output_size(m, k, mode, stride, dilation)``.

    Examples
    --------
    >>> tiled_conv1d([1.0, 2.0, 4.0, 8.0], [[1.0, 1.0], [1.0, -1.0]]).tolist()
    [3.0, -2.0, 12.0]
    """
    x = check_array("x", x, ndim=1)
    kernels = check_array("kernels", kernels, ndim=2)
    return tiled_conv2d(x[None, :], kernels[None, :, None, :], mode, (1, stride), (1, dilation))[0]
