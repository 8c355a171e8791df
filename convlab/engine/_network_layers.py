"""Internals of `network`: the convolution layer of a CNN over a whole batch, forward and backward.

Feature maps are stored channels-last, (N, H, W, K), so that a convolution is matrix products
over the whole batch (im2col): the windows of every image become the rows of a matrix
(N*H'*W', kh*kw*C + 1) whose last column is all ones, times kernels and biases stacked as
(kh*kw*C + 1, K). The bias is added inside the product and its gradient comes out of the
backward product (the sum of the feature-map gradients). Products go in tiles of `_TILE_ROWS`
rows (one batched ``np.matmul``), which keeps each tile in cache and is ~1.5-2x faster here than
one tall product with 16 or 32 columns.

Pooling windows that tile the maps (size == stride, e.g. 2x2 max every 2) are made cheap by the
ORDER of those rows: the convolution writes its maps "position-major", (ph, pw, N, H'', W'', K)
with map pixel (ph*i + a, pw*j + b) at [a, b, n, i, j], so each window position is one contiguous
block and pooling is the max (or sum) of ph*pw contiguous arrays; rows and columns no window
covers are not computed at all (they cannot change the loss); see `_network_pool`.

Each layer keeps its buffers per batch size, for the last few sizes (allocated once: a fresh
array for every batch costs page faults), and what its backward pass needs from the last
forward, so a layer serves one batch at a time (not thread-safe). Returned arrays are views of
those buffers, overwritten by the next call: copy what you keep.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._bank_plan import plan_geometry

__all__ = ["BatchSpaces", "Buffers", "ConvLayer", "tiled_matmul", "view_as"]

_ROWS_MAJOR_WIDTH = 16  # im2col a window per row when a window row holds at least this many values
_TILE_ROWS = 1024       # rows of one matrix-product tile


class Buffers:
    """Named arrays, allocated on first use and reused while the shape stays the same."""

    def __init__(self, dtype):
        self.dtype, self.arrays = np.dtype(dtype), {}

    def get(self, name, shape, fill=None, dtype=None):
        """The array `name` of `shape` (`fill` sets it when it is allocated, not after)."""
        array = self.arrays.get(name)
        if array is None or array.shape != shape:
            array = self.arrays[name] = np.empty(shape, self.dtype if dtype is None else dtype)
            if fill is not None:
                array.fill(fill)
        return array


class BatchSpaces:
    """`Buffers` per batch size, for the few latest sizes only (evaluation chunks vary in size)."""

    KEEP = 4

    def __init__(self, dtype):
        self.dtype, self.spaces = np.dtype(dtype), {}

    def __call__(self, n):
        """The `Buffers` of batch size `n`."""
        space = self.spaces.pop(n, None)
        if space is None:
            space = Buffers(self.dtype)
            if len(self.spaces) >= self.KEEP:
                del self.spaces[next(iter(self.spaces))]  # the least recently used size
        self.spaces[n] = space
        return space


def view_as(array, shape):
    """`array` reshaped WITHOUT a copy (results are written through it), else RuntimeError."""
    view = array.reshape(shape)
    if not np.may_share_memory(view, array):
        raise RuntimeError(f"cannot view an array of shape {array.shape} as {shape} without a copy")
    return view


def _tiles(rows, tile=_TILE_ROWS):
    """(number of full tiles, tile size) for `rows` rows."""
    tile = min(tile, rows)
    return rows // tile, tile


def tiled_matmul(a_tiles, a_rest, b, out):
    """``a @ b`` into `out` (M, n) tile by tile: `a_tiles` (B, tile, m) views the first B*tile rows
    of `a` (M, m), `a_rest` the other rows."""
    count, tile = a_tiles.shape[:2]
    np.matmul(a_tiles, b, out=view_as(out[:count * tile], (count, tile, -1)))
    if len(a_rest):
        np.matmul(a_rest, b, out=out[count * tile:])
    return out


class ConvLayer:
    """K kernels (kh, kw, C) over images (N, H, W, C): cross-correlation, zero padding, stride, dilation.

    Computes what `conv_bank` computes for each image with boundary ``fill``, channels last:
    ``z[n, i, j, k] = b[k] + sum_{a, b, c} w[k, a, b, c] * P[n, s*i + d*a, s*j + d*b, c]``, written
    position-major for `blocking` (ph, pw) (see the module docstring; (1, 1): plain (N, H', W', K)).
    """

    def __init__(self, in_shape, n_kernels, size, mode, stride, dilation, dtype, blocking=(1, 1)):
        h, w, c = in_shape
        self.geometry = g = plan_geometry(h, w, c, size[0], size[1], mode, stride, dilation)
        self.in_shape, self.n_kernels, self.dtype = tuple(in_shape), n_kernels, np.dtype(dtype)
        self.out_shape = (g.out_h, g.out_w, n_kernels)
        self.blocking = tuple(blocking)
        self.block_shape = (g.out_h // blocking[0], g.out_w // blocking[1])  # rows, columns per position
        self.n_taps = g.kh * g.kw * c
        self.padded = g.pad_top + g.pad_bottom + g.pad_left + g.pad_right > 0
        self.rows_major = g.kw * c >= _ROWS_MAJOR_WIDTH  # else one tap per row: long copies for few channels
        self.space, self._last, self._kernels = BatchSpaces(dtype), None, None

    def z_shape(self, n):
        """Shape (ph, pw, N, H'', W'', K) of the maps of a batch of `n`, position-major."""
        return (*self.blocking, n, *self.block_shape, self.n_kernels)

    def _pad(self, x, space):
        """`x` (N, H, W, C) inside the zero border of this layer's padding (no copy without one)."""
        if not self.padded:
            return x
        g = self.geometry
        shape = (x.shape[0], g.in_h + g.pad_top + g.pad_bottom, g.in_w + g.pad_left + g.pad_right, g.channels)
        padded = space.get("padded", shape, fill=0)  # the border stays zero: only the inside is written
        padded[:, g.pad_top:g.pad_top + g.in_h, g.pad_left:g.pad_left + g.in_w] = x
        return padded

    def _windows(self, padded, a, b):
        """Windows of position (a, b) as a view (N, H'', W'', kh, kw, C) of `padded` (N, Hp, Wp, C)."""
        g, (ph, pw), (bh, bw) = self.geometry, self.blocking, self.block_shape
        n, row, col, chan = padded.strides
        s, d = g.stride, g.dilation
        start = padded[:, a * s:, b * s:]
        return as_strided(start, (padded.shape[0], bh, bw, g.kh, g.kw, g.channels),
                          (n, ph * s * row, pw * s * col, d * row, d * col, chan), writeable=False)

    def _columns(self, padded, space):
        """im2col of the batch (rows position-major) plus the column (or row) of ones of the bias."""
        g, n = self.geometry, padded.shape[0]
        ph, pw, _, bh, bw, _ = self.z_shape(n)
        rows = ph * pw * n * bh * bw
        if self.rows_major:  # (rows, T + 1): a window per row
            columns = space.get("columns", (rows, self.n_taps + 1), fill=1)
            blocks = view_as(columns[:, :-1], (ph, pw, n, bh, bw, g.kh, g.kw, g.channels))
            for a in range(ph):
                for b in range(pw):
                    target = blocks[a, b]
                    np.copyto(target, self._windows(padded, a, b))
            return columns
        columns = space.get("columns", (self.n_taps + 1, rows), fill=1)  # (T + 1, rows): a tap per row
        taps = columns[:-1].reshape(g.kh, g.kw, g.channels, ph, pw, n, bh, bw)
        planes = self._tap_planes(padded, space)
        row_step = ph * g.stride
        for p in range(g.kh):
            for q in range(g.kw):
                for a in range(ph):
                    for b in range(pw):
                        v, u = a * g.stride + g.dilation * p, b * g.stride + g.dilation * q
                        source = planes[v % row_step, u][:, v // row_step:v // row_step + bh]
                        np.copyto(taps[p, q, :, a, b], source.transpose(3, 0, 1, 2))
        return columns

    def _tap_planes(self, padded, space):
        """The padded pixels every tap reads, regrouped so that each (tap, position) reads whole images:
        plane (r, u) holds rows r, r + ph*s, ... and columns u, u + pw*s, ... (W'' of them), so the
        pixels of one tap and one pooling position are a contiguous (H'', W'', C) block of each image."""
        g, (ph, pw), (_, bw) = self.geometry, self.blocking, self.block_shape
        row_step, col_step = ph * g.stride, pw * g.stride
        planes = {}
        for v in {a * g.stride + g.dilation * p for a in range(ph) for p in range(g.kh)}:
            for u in {b * g.stride + g.dilation * q for b in range(pw) for q in range(g.kw)}:
                if (v % row_step, u) not in planes:
                    source = padded[:, v % row_step::row_step, u:u + col_step * (bw - 1) + 1:col_step]
                    plane = planes[v % row_step, u] = space.get(f"plane {v % row_step} {u}", source.shape)
                    np.copyto(plane, source)
        return planes

    def _row_tiles(self, columns):
        """(tiles (B, tile, T + 1), rest) of the im2col matrix seen as rows, whatever its layout."""
        rows = columns.shape[0] if self.rows_major else columns.shape[1]
        count, tile = _tiles(rows)
        if self.rows_major:
            return columns[:count * tile].reshape(count, tile, -1), columns[count * tile:]
        tiles = view_as(columns[:, :count * tile], (-1, count, tile))
        return tiles.transpose(1, 2, 0), columns[:, count * tile:].T

    def weight_matrix(self, kernels, biases, out):
        """Kernels (K, kh, kw, C) and biases (K,) as the matrix (T + 1, K) of the product."""
        out[:-1] = kernels.reshape(self.n_kernels, -1).T
        out[-1] = biases
        return out

    def forward(self, x, kernels, biases):
        """Feature maps of images `x` (N, H, W, C), position-major (ph, pw, N, H'', W'', K)."""
        space = self.space(x.shape[0])
        columns = self._columns(self._pad(x, space), space)
        matrix = self.weight_matrix(kernels, biases, space.get("matrix", (self.n_taps + 1, self.n_kernels)))
        z = space.get("z", self.z_shape(x.shape[0]))
        tiles, rest = self._row_tiles(columns)
        tiled_matmul(tiles, rest, matrix, view_as(z, (-1, self.n_kernels)))
        self._last, self._kernels = (columns, matrix, space), kernels
        return z

    def backward(self, grad_z, input_grad=True):
        """(grad_x (N, H, W, C) or None, grad_kernels (K, kh, kw, C), grad_biases (K,)) of the last
        forward, from `grad_z`, the gradient of its maps (position-major, as `forward` returns them)."""
        columns, matrix, space = self._last
        g = self.geometry
        grad_rows = grad_z.reshape(-1, self.n_kernels)
        tiles, rest = self._row_tiles(columns)
        count, tile = tiles.shape[:2]
        partial = space.get("grad_partial", (count, self.n_taps + 1, self.n_kernels))
        np.matmul(tiles.transpose(0, 2, 1), grad_rows[:count * tile].reshape(count, tile, -1), out=partial)
        grad_matrix = partial.sum(axis=0)
        if len(rest):
            grad_matrix += rest.T @ grad_rows[count * tile:]
        grad_kernels = grad_matrix[:-1].T.reshape(self.n_kernels, g.kh, g.kw, g.channels)
        grad_x = self._input_grad(grad_z, self._kernels, space) if input_grad else None
        return grad_x, grad_kernels, grad_matrix[-1]

    def _plain_grad(self, grad_z, space):
        """`grad_z` as plain (N, ph*H'', pw*W'', K) (the rows and columns the forward computed)."""
        (ph, pw), (bh, bw) = self.blocking, self.block_shape
        if (ph, pw) == (1, 1):
            return grad_z.reshape(grad_z.shape[2:])
        plain = space.get("grad_plain", (grad_z.shape[2], ph * bh, pw * bw, self.n_kernels))
        for a in range(ph):
            for b in range(pw):
                plain[:, a::ph, b::pw] = grad_z[a, b]
        return plain

    def _input_grad(self, grad_z, kernels, space):
        """The image gradient: every map pixel's gradient times each kernel tap, added back onto the
        pixel that tap read (col2im), one tap at a time: for each tap (p, q) one product
        (N*H'*W', K) @ (K, C) and one addition of (N, H', W'*C) rows, long runs of memory."""
        g = self.geometry
        plain = self._plain_grad(grad_z, space)
        n, used_h, used_w, _ = plain.shape
        taps = space.get("taps", (g.kh * g.kw, self.n_kernels, g.channels))
        np.copyto(view_as(taps, (g.kh, g.kw, self.n_kernels, g.channels)), kernels.transpose(1, 2, 0, 3))
        rows = plain.reshape(-1, self.n_kernels)
        per_tap = space.get("per_tap", (g.kh * g.kw, len(rows), g.channels))
        count, tile = _tiles(len(rows))  # products in row tiles: ~1.5x faster than whole columns here
        np.matmul(rows[:count * tile].reshape(1, count, tile, -1), taps[:, None],
                  out=view_as(per_tap[:, :count * tile], (len(taps), count, tile, g.channels)))
        if count * tile < len(rows):
            np.matmul(rows[count * tile:], taps, out=per_tap[:, count * tile:])
        hp, wp = g.in_h + g.pad_top + g.pad_bottom, g.in_w + g.pad_left + g.pad_right
        grad_padded = space.get("grad_padded", (n, hp, wp, g.channels))
        grad_padded.fill(0)
        s, d = g.stride, g.dilation
        for p in range(g.kh):
            for q in range(g.kw):
                grad_padded[:, d * p:d * p + s * (used_h - 1) + 1:s, d * q:d * q + s * (used_w - 1) + 1:s] += \
                    per_tap[p * g.kw + q].reshape(n, used_h, used_w, g.channels)
        return grad_padded[:, g.pad_top:g.pad_top + g.in_h, g.pad_left:g.pad_left + g.in_w]
