"""Geometry and padding for the kernel bank (`convlab.engine.bank`).

Conventions (checked against ``scipy.signal.correlate2d``):

- ``full`` pads ``e - 1`` on both sides, where ``e = dilation * (k - 1) + 1`` is the effective
  (dilated) kernel size; ``valid`` pads nothing;
- ``same`` pads ``(e - 1) // 2`` before and ``e // 2`` after, i.e. it crops the full output
  starting at ``e // 2``. For EVEN kernels this is NOT ``(e - 1) // 2`` (that is where
  ``convolve2d`` crops); ``torch.nn.functional.conv2d(padding="same")`` agrees with it;
- ``wrap`` and ``symm`` extend the image periodically, exactly like ``numpy.pad`` modes
  ``wrap`` and ``symmetric``, also when the padding is wider than the image.

The padded image is stored row-planar, shape (Hp, C, Wp): the kernel-bank loop copies whole
row segments of one channel at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BANK_MODES", "BANK_BOUNDARIES", "BankGeometry", "plan_geometry", "pad_image"]

BANK_MODES = ("full", "same", "valid")
BANK_BOUNDARIES = ("fill", "wrap", "symm")


@dataclass(frozen=True)
class BankGeometry:
    """Sizes of one bank convolution: input, kernel, padding and output (all ints)."""

    in_h: int
    in_w: int
    channels: int
    kh: int
    kw: int
    stride: int
    dilation: int
    pad_top: int
    pad_bottom: int
    pad_left: int
    pad_right: int
    out_h: int
    out_w: int

    @property
    def padded_shape(self):
        """Shape (Hp, C, Wp) of the row-planar padded image."""
        return (self.in_h + self.pad_top + self.pad_bottom, self.channels,
                self.in_w + self.pad_left + self.pad_right)


def _axis_plan(n, k, mode, stride, dilation):
    """(pad_before, pad_after, n_out) along one axis of length `n` for a kernel of size `k`."""
    extent = dilation * (k - 1) + 1
    if mode == "full":
        before, after, n_mode = extent - 1, extent - 1, n + extent - 1
    elif mode == "same":
        before, after, n_mode = (extent - 1) // 2, extent // 2, n
    else:
        before, after, n_mode = 0, 0, max(n - extent + 1, 0)
    return before, after, -(-n_mode // stride)


def plan_geometry(in_h, in_w, channels, kh, kw, mode, stride, dilation):
    """Padding and output size of a bank convolution (arguments already validated).

    Examples
    --------
    >>> g = plan_geometry(5, 6, 1, 4, 3, "same", 1, 1)
    >>> (g.pad_top, g.pad_bottom, g.pad_left, g.pad_right, g.out_h, g.out_w)
    (1, 2, 1, 1, 5, 6)
    """
    top, bottom, out_h = _axis_plan(in_h, kh, mode, stride, dilation)
    left, right, out_w = _axis_plan(in_w, kw, mode, stride, dilation)
    return BankGeometry(in_h, in_w, channels, kh, kw, stride, dilation,
                        top, bottom, left, right, out_h, out_w)


def _source_index(n, before, after, boundary):
    """Index into an axis of length `n` for each of its ``before + n + after`` padded samples."""
    positions = np.arange(-before, n + after)
    if boundary == "wrap":
        return positions % n
    folded = positions % (2 * n)
    return np.where(folded < n, folded, 2 * n - 1 - folded)


def pad_image(image, geometry, boundary, padded):
    """Write `image` (H, W, C), any real dtype, into `padded` (Hp, C, Wp) float32, with borders.

    Parameters
    ----------
    image : ndarray, shape (H, W, C)
        Source pixels; converted to float32 on the way.
    geometry : BankGeometry
        Supplies the four paddings.
    boundary : {"fill", "wrap", "symm"}
        Zeros, periodic extension, or mirror with the edge sample repeated.
    padded : ndarray, shape ``geometry.padded_shape``, float32
        Destination, overwritten entirely.

    Returns
    -------
    ndarray
        `padded`.

    Examples
    --------
    >>> g = plan_geometry(1, 3, 1, 1, 3, "same", 1, 1)
    >>> out = np.empty(g.padded_shape, np.float32)
    >>> pad_image(np.array([[[1], [2], [3]]]), g, "symm", out)[0, 0].tolist()
    [1.0, 1.0, 2.0, 3.0, 3.0]
    """
    g = geometry
    top, left = g.pad_top, g.pad_left
    rows, cols = slice(top, top + g.in_h), slice(left, left + g.in_w)
    padded[rows, :, cols] = image.transpose(0, 2, 1)
    if boundary == "fill":
        padded[:top] = 0
        padded[top + g.in_h:] = 0
        padded[rows, :, :left] = 0
        padded[rows, :, left + g.in_w:] = 0
        return padded
    if g.pad_left or g.pad_right:
        col_src = _source_index(g.in_w, g.pad_left, g.pad_right, boundary) + left
        padded[rows, :, :left] = padded[rows, :, col_src[:left]]
        padded[rows, :, left + g.in_w:] = padded[rows, :, col_src[left + g.in_w:]]
    if g.pad_top or g.pad_bottom:
        row_src = _source_index(g.in_h, g.pad_top, g.pad_bottom, boundary) + top
        padded[:top] = padded[row_src[:top]]
        padded[top + g.in_h:] = padded[row_src[top + g.in_h:]]
    return padded
