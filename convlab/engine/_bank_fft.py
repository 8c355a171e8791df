"""The kernel bank through the FFT, for kernels so large that it beats the MEC products.

Direct products cost ``2 * K * C * kh * kw`` operations per output pixel; the FFT route costs
one transform per image channel, one per kernel channel and one inverse per kernel, each about
``P log2 P`` for a padded frame of P pixels, whatever the kernel size. Measured on 2 cores
(480x640, K=16): the FFT route takes ~22 ms for every kernel size, the MEC products 12.7 ms at
15x15, 22.5 at 21x21, 32 at 25x25 and 54 at 31x31. `fft_is_faster` compares the two estimates.

Correlation with kernel w is convolution with w flipped: the padded image P (Hp, Wp) and the
flipped, dilated kernel (eh, ew) are multiplied as spectra of size at least (Hp, Wp), which is
enough for the outputs ``[eh - 1, Hp)`` x ``[ew - 1, Wp)`` of the circular result to equal the
linear ones. Results carry float32 rounding (about 1e-6 of the largest value), where the MEC
products of integer data are exact.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.fft

__all__ = ["fft_is_faster", "fft_bank"]

_DIRECT_FLOPS_PER_S = 160e9     # MEC products on two cores (benchmarks/bench_conv.py)
_FFT_S_PER_POINT_LOG = 0.11e-9  # one float32 transform of P points: this * P * log2(P) seconds
_MARGIN = 0.8                   # the FFT must win clearly: the products are exact for integers
_KERNEL_CHUNK = 4               # spectra transformed at once (bounds the complex buffers)
_PAD_MODES = {"fill": "constant", "wrap": "wrap", "symm": "symmetric"}


def _fft_shape(geometry):
    """Real transform sizes covering the padded frame (fast lengths for scipy.fft)."""
    hp, _, wp = geometry.padded_shape
    return (scipy.fft.next_fast_len(hp, real=True), scipy.fft.next_fast_len(wp, real=True))


def fft_is_faster(geometry, n_kernels):
    """True when the FFT route is estimated clearly cheaper than the direct products.

    Examples
    --------
    >>> from convlab.engine._bank_plan import plan_geometry
    >>> fft_is_faster(plan_geometry(480, 640, 1, 7, 7, "same", 1, 1), 16)
    False
    >>> fft_is_faster(plan_geometry(480, 640, 1, 31, 31, "same", 1, 1), 16)
    True
    """
    g = geometry
    direct = 2 * n_kernels * g.channels * g.kh * g.kw * g.out_h * g.out_w / _DIRECT_FLOPS_PER_S
    fh, fw = _fft_shape(g)
    points = fh * fw
    transforms = g.channels + n_kernels * g.channels + n_kernels
    fft = transforms * _FFT_S_PER_POINT_LOG * points * math.log2(max(points, 2))
    return fft < _MARGIN * direct


def _flipped_dilated(kernels, dilation):
    """Kernels (k, kh, kw, C) with d - 1 zeros between taps, rotated 180 degrees, float32."""
    k, kh, kw, c = kernels.shape
    out = np.zeros((k, dilation * (kh - 1) + 1, dilation * (kw - 1) + 1, c), np.float32)
    out[:, ::dilation, ::dilation] = kernels
    return out[:, ::-1, ::-1]


def fft_bank(image, kernels, geometry, boundary, out):
    """`conv_bank` through the FFT: image (H, W, C), kernels (K, kh, kw, C), into `out`.

    Parameters
    ----------
    image : ndarray, shape (H, W, C)
        Any real dtype.
    kernels : ndarray, shape (K, kh, kw, C)
        Any real dtype.
    geometry : BankGeometry
        Paddings, stride, dilation and output size (`_bank_plan.plan_geometry`).
    boundary : {"fill", "wrap", "symm"}
        How the image is padded.
    out : ndarray, shape (K, out_h, out_w), float32
        Filled and returned.

    Examples
    --------
    >>> from convlab.engine._bank_plan import plan_geometry
    >>> g = plan_geometry(3, 3, 1, 1, 3, "same", 1, 1)
    >>> image = np.zeros((3, 3, 1)); image[1, 1] = 1
    >>> kernel = np.array([1.0, 2.0, 3.0]).reshape(1, 1, 3, 1)
    >>> fft_bank(image, kernel, g, "fill", np.empty((1, 3, 3), np.float32))[0, 1].round(5).tolist()
    [3.0, 2.0, 1.0]
    """
    g = geometry
    s = g.stride
    padding = ((g.pad_top, g.pad_bottom), (g.pad_left, g.pad_right), (0, 0))
    padded = np.pad(np.asarray(image, np.float32), padding, mode=_PAD_MODES[boundary])
    shape = _fft_shape(g)
    image_spectrum = scipy.fft.rfft2(padded, s=shape, axes=(0, 1), workers=2)
    flipped = _flipped_dilated(kernels, g.dilation)
    rows = slice(flipped.shape[1] - 1, flipped.shape[1] - 1 + s * (g.out_h - 1) + 1, s)
    cols = slice(flipped.shape[2] - 1, flipped.shape[2] - 1 + s * (g.out_w - 1) + 1, s)
    for k0 in range(0, len(flipped), _KERNEL_CHUNK):
        spectra = scipy.fft.rfft2(flipped[k0:k0 + _KERNEL_CHUNK], s=shape, axes=(1, 2),
                                  workers=2)
        spectra *= image_spectrum
        summed = spectra.sum(axis=3) if g.channels > 1 else spectra[..., 0]
        maps = scipy.fft.irfft2(summed, s=shape, axes=(1, 2), workers=2, overwrite_x=True)
        out[k0:k0 + _KERNEL_CHUNK] = maps[:, rows, cols]
    return out
