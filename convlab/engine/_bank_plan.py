"""Geometry and padding for the kernel bank (`convlab.engine.bank`).

Conventions (checked against ``scipy.signal.correlate2d``):

- ``full`` pads ``e - 1`` on both sides, where ``e = dilation * (k - 1) + 1`` is the effective
  (dilated) kernel size; ``valid`` pads nothing;
- ``same`` pads ``(e - 1) // 2`` before and ``e // 2`` after, i.e. it crops the full output
  starting at ``e // 2``. For EVEN kernels this is NOT ``(e - 1) // 2`` (that is where
  ``convolve2d`` crops); ``torch.nn.functional.conv2d(padding="same")`` agrees with it;
- ``wrap`` and ``symm`` extend the image periodically, exactly like ``numpy.pad`` modes
  ``wrap`` and ``symmetric``, also when the padding is wider than the image.

The padded image (Hp, C, Wp), row-planar, is never built whole: each tile pads just the band of
rows and columns it reads (`pad_region`), on the thread that computes the tile, while the band is
about to be read from cache.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

__all__ = ["BankGeometry", "PadSource", "plan_geometry", "source_index", "pad_source", "pad_region"]


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


@functools.lru_cache(maxsize=64)
def source_index(n, before, after, boundary):
    """Source index along an axis of length `n` for each of its ``before + n + after`` padded
    samples: periodic for ``wrap``, mirrored for ``symm``, -1 (a zero) outside for ``fill``.

    Examples
    --------
    >>> source_index(3, 2, 2, "symm").tolist(), source_index(3, 1, 1, "fill").tolist()
    ([1, 0, 0, 1, 2, 2, 1], [-1, 0, 1, 2, -1])
    """
    positions = np.arange(-before, n + after)
    if boundary == "fill":
        index = np.where((positions >= 0) & (positions < n), positions, -1)
    elif boundary == "wrap":
        index = positions % n
    else:
        folded = positions % (2 * n)
        index = np.where(folded < n, folded, 2 * n - 1 - folded)
    index.flags.writeable = False  # cached: shared by every call with these sizes
    return index


class PadSource(NamedTuple):
    """An image seen row-planar, (H, C, W), with the index maps of its padded rows and columns."""

    image: np.ndarray       # (H, C, W) view of the caller's (H, W, C) image, any real dtype
    row_src: np.ndarray     # (Hp,) source row of every padded row, -1 for a zero row
    col_src: np.ndarray     # (Wp,) source column of every padded column, -1 for a zero column
    top: int
    left: int


def pad_source(image, geometry, boundary):
    """The `PadSource` of `image` (H, W, C) for `geometry` and `boundary`."""
    g = geometry
    return PadSource(image.transpose(0, 2, 1),
                     source_index(g.in_h, g.pad_top, g.pad_bottom, boundary),
                     source_index(g.in_w, g.pad_left, g.pad_right, boundary),
                     g.pad_top, g.pad_left)


def _interior(start, step, count, first, n):
    """Positions ``[a, b)`` of ``start + step * i`` (i < count) that lie in ``[first, first + n)``."""
    a = min(max(-(-(first - start) // step), 0), count)
    b = min(max(-(-(first + n - start) // step), a), count)
    return a, b


def _put_columns(dst, rows, source, col_start):
    """Write padded columns ``col_start : col_start + dst.shape[2]`` of the image rows `rows`
    (m, C, W) into `dst` (m, C, n): one slice for the interior, a gather or zeros for the borders."""
    n, width = dst.shape[2], rows.shape[2]
    a, b = _interior(col_start, 1, n, source.left, width)
    if b > a:
        dst[:, :, a:b] = rows[:, :, col_start + a - source.left:col_start + b - source.left]
    for lo, hi in ((0, a), (b, n)):
        if hi > lo:
            index = source.col_src[col_start + lo:col_start + hi]
            if index[0] < 0:
                dst[:, :, lo:hi] = 0
            else:
                dst[:, :, lo:hi] = rows[:, :, index]


def pad_region(source, row_start, row_step, col_start, dst):
    """Write rows ``row_start + row_step * i`` and columns ``col_start + j`` of the padded image
    into `dst` (n_rows, C, n_cols) float32, without ever building the whole padded image.

    Examples
    --------
    >>> g = plan_geometry(1, 3, 1, 1, 3, "same", 1, 1)
    >>> src = pad_source(np.array([[[1], [2], [3]]]), g, "symm")
    >>> pad_region(src, 0, 1, 0, np.empty((1, 1, 5), np.float32))[0, 0].tolist()
    [1.0, 1.0, 2.0, 3.0, 3.0]
    """
    n_rows = dst.shape[0]
    image = source.image
    a, b = _interior(row_start, row_step, n_rows, source.top, image.shape[0])
    if b > a:
        first = row_start + row_step * a - source.top
        _put_columns(dst[a:b], image[first:first + row_step * (b - a - 1) + 1:row_step],
                     source, col_start)
    for lo, hi in ((0, a), (b, n_rows)):
        if hi > lo:
            index = source.row_src[row_start + row_step * lo:row_start + row_step * (hi - 1) + 1:
                                   row_step]
            if index[0] < 0:
                dst[lo:hi] = 0
            else:
                _put_columns(dst[lo:hi], image[index], source, col_start)
    return dst
