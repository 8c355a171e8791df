"""Transposed convolution ("deconvolution"): the adjoint of a strided cross-correlation.

A strided 'valid' cross-correlation maps an input of size n to ``(n - e) // s + 1`` outputs
(``e = (k - 1) * dilation + 1`` the dilated kernel size). Its transpose goes the other way: each
input value spreads a copy of the kernel, scaled by that value, onto the output, every `stride`
pixels, and overlapping copies add up. This is how the gradient of a convolution with respect to
its input is computed (the function ``h(K, G, s)`` of Goodfellow et al., *Deep Learning*,
section 9.5), and how decoders upsample. The conventions (`padding` crops, `output_padding`
adds rows and columns at the end) are those of ``torch.nn.functional.conv_transpose2d``.

Examples
--------
>>> import numpy as np
>>> conv_transpose2d(np.array([[1.0, 2.0]]), np.array([[1.0, 1.0, 1.0]]), stride=2).tolist()
[[1.0, 1.0, 3.0, 2.0, 2.0]]
"""
from __future__ import annotations

import numpy as np

from ._checks import as_pair, check_array, float_result_dtype

__all__ = ["conv_transpose2d", "conv_transpose_output_size"]


def conv_transpose_output_size(n, k, stride=1, padding=0, output_padding=0, dilation=1):
    """Length of a transposed convolution's output along one axis.

    ``(n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.

    Parameters
    ----------
    n, k : int
        Input length and number of kernel taps.
    stride, padding, output_padding, dilation : int

    Returns
    -------
    int
        May be <= 0 for arguments `conv_transpose2d` rejects.

    Examples
    --------
    >>> conv_transpose_output_size(3, 3, stride=2, padding=1, output_padding=1)
    6
    """
    return (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1


def _check_arguments(x, kernel, stride, padding, output_padding, dilation):
    """Validated x, kernel and the four (rows, cols) pairs, or ValueError."""
    x, kernel = check_array("x", x, ndim=2), check_array("kernel", kernel, ndim=2)
    stride, dilation = as_pair("stride", stride), as_pair("dilation", dilation)
    padding = as_pair("padding", padding, minimum=0)
    output_padding = as_pair("output_padding", output_padding, minimum=0)
    for axis in (0, 1):
        if output_padding[axis] >= max(stride[axis], dilation[axis]):
            raise ValueError("output_padding must be smaller than stride or dilation; got "
                             f"output_padding={output_padding}, stride={stride}, dilation={dilation}")
    shape = tuple(conv_transpose_output_size(x.shape[axis], kernel.shape[axis], stride[axis],
                                             padding[axis], output_padding[axis], dilation[axis])
                  for axis in (0, 1))
    if min(shape) < 1:
        raise ValueError(f"padding {padding} crops the whole output: the output shape would be {shape}")
    return x, kernel, stride, padding, dilation, shape


def conv_transpose2d(x, kernel, stride=1, padding=0, output_padding=0, dilation=1):
    """Transposed 2-D convolution of one channel: every input pixel stamps the scaled kernel.

    ``full[s*i + d*a, s*j + d*b] += x[i, j] * kernel[a, b]``, then the output is
    ``full[padding : padding + H_out]`` (likewise for columns), where positions past the end of
    ``full`` (reached through `output_padding`) are zeros.

    Parameters
    ----------
    x : array_like, shape (H, W)
        Input, e.g. the gradient of a feature map. Any real dtype.
    kernel : array_like, shape (kh, kw)
        Kernel (odd, even or rectangular), not flipped: the same array the forward correlation
        uses.
    stride : int or (int, int), default 1
        Distance between the stamps of neighbouring input pixels (>= 1).
    padding : int or (int, int), default 0
        Rows (columns) cut from both ends of the full output (>= 0).
    output_padding : int or (int, int), default 0
        Extra rows (columns) at the end, to pick one of the `stride` input sizes that a strided
        correlation maps to the same size; must be smaller than `stride` or `dilation`.
    dilation : int or (int, int), default 1
        Spacing between kernel taps (>= 1).

    Returns
    -------
    ndarray, shape (H_out, W_out)
        ``H_out = (H - 1) * stride - 2 * padding + dilation * (kh - 1) + output_padding + 1``.
        Floating: the inputs' float type (at least float32), float64 if either is bool/integer.
        Equal to ``torch.nn.functional.conv_transpose2d(x[None, None], kernel[None, None], ...)[0, 0]``.

    Raises
    ------
    ValueError
        `x` or `kernel` not 2-D, empty or not real; stride or dilation < 1; padding or
        output_padding < 0; ``output_padding`` not smaller than stride or dilation; or a padding
        that leaves no output.

    Examples
    --------
    >>> conv_transpose2d([[1, 2], [3, 4]], [[1, 10]]).tolist()
    [[1.0, 12.0, 20.0], [3.0, 34.0, 40.0]]
    >>> conv_transpose2d(np.ones((2, 2)), np.ones((3, 3)), stride=2, padding=1).shape
    (3, 3)
    """
    x, kernel, stride, padding, dilation, shape = _check_arguments(
        x, kernel, stride, padding, output_padding, dilation)
    dtype = float_result_dtype(x, kernel)
    x, kernel = x.astype(dtype, copy=False), kernel.astype(dtype, copy=False)
    (h, w), (kh, kw), (sh, sw), (dh, dw) = x.shape, kernel.shape, stride, dilation
    full = np.zeros((max((h - 1) * sh + (kh - 1) * dh + 1, padding[0] + shape[0]),
                     max((w - 1) * sw + (kw - 1) * dw + 1, padding[1] + shape[1])), dtype)
    for (a, b), tap in np.ndenumerate(kernel):  # one strided addition per kernel tap
        full[a * dh:a * dh + (h - 1) * sh + 1:sh, b * dw:b * dw + (w - 1) * sw + 1:sw] += tap * x
    return full[padding[0]:padding[0] + shape[0], padding[1]:padding[1] + shape[1]].copy()
