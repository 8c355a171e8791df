"""Internals of `network`: the layers of a CNN over a whole batch, forward and backward.

Feature maps are stored channels-last, (N, H, W, K), so that

* a convolution is ONE matrix product per batch (im2col): the windows of every image become the
  rows of a matrix (N*H'*W', kh*kw*C + 1) whose last column is all ones, times the kernels and
  biases stacked as (kh*kw*C + 1, K): the bias is added inside the product, and its gradient
  comes out of the backward product for free (the sum of the feature-map gradients);
* a pooling window position is one strided slice of the maps (all images, all kernels), so
  pooling is the max (or sum) of size_h * size_w slices, and its backward pass sends each
  window's gradient to the FIRST maximum of the window in row-major order (as torch does) by
  multiplying with the masks ``x == max``: no Python loop over images or windows.

Each layer keeps its buffers per batch size (one allocation, then reuse: a fresh array for every
batch costs page faults) and remembers what its backward pass needs from the last forward, so
a layer serves one batch at a time (not thread-safe). Arrays returned are views of those
buffers, overwritten by the next call: copy what you keep.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._bank_plan import plan_geometry
from .gradients import activate_grad

__all__ = ["ConvLayer", "PoolLayer", "activation_forward", "activation_backward"]

_ROWS_MAJOR_WIDTH = 16  # im2col one window per row when a window row holds at least this many values


class _Buffers:
    """Arrays of one layer for one batch size, allocated on first use."""

    def __init__(self, dtype):
        self.dtype, self.arrays = dtype, {}

    def get(self, name, shape, fill=None, dtype=None):
        """The array `name` of `shape` (allocated once; `fill` sets it at allocation only)."""
        array = self.arrays.get(name)
        if array is None or array.shape != shape:
            array = self.arrays[name] = np.empty(shape, self.dtype if dtype is None else dtype)
            if fill is not None:
                array.fill(fill)
        return array


def _taps_view(padded, shape, geometry):
    """The windows of `padded` (N, Hp, Wp, C) as a view (N, H', W', kh, kw, C) (no copy)."""
    g = geometry
    n, row, col, chan = padded.strides
    s, d = g.stride, g.dilation
    return as_strided(padded, shape, (n, s * row, s * col, d * row, d * col, chan), writeable=False)


class ConvLayer:
    """K kernels (kh, kw, C) over images (N, H, W, C): cross-correlation, zero padding, stride, dilation.

    Computes what `conv_bank` computes for each image with boundary ``fill``, channels last:
    ``z[n, i, j, k] = b[k] + sum_{a, b, c} w[k, a, b, c] * P[n, s*i + d*a, s*j + d*b, c]``.
    """

    def __init__(self, in_shape, n_kernels, size, mode, stride, dilation, dtype):
        h, w, c = in_shape
        self.geometry = g = plan_geometry(h, w, c, size[0], size[1], mode, stride, dilation)
        self.in_shape, self.n_kernels, self.dtype = tuple(in_shape), n_kernels, np.dtype(dtype)
        self.out_shape = (g.out_h, g.out_w, n_kernels)
        self.n_taps = g.kh * g.kw * c
        self.padded = g.pad_top + g.pad_bottom + g.pad_left + g.pad_right > 0
        # one window per row when a window row is long enough to copy fast, else one tap per row
        self.rows_major = g.kw * c >= _ROWS_MAJOR_WIDTH
        self._buffers, self._last = {}, None

    def _space(self, n):
        space = self._buffers.get(n)
        if space is None:
            space = self._buffers[n] = _Buffers(self.dtype)
        return space

    def _pad(self, x, space):
        """`x` (N, H, W, C) inside the zero border of this layer's padding (no copy without one)."""
        if not self.padded:
            return x
        g = self.geometry
        shape = (x.shape[0], g.in_h + g.pad_top + g.pad_bottom, g.in_w + g.pad_left + g.pad_right, g.channels)
        padded = space.get("padded", shape, fill=0)  # the border stays zero: only the inside is written
        padded[:, g.pad_top:g.pad_top + g.in_h, g.pad_left:g.pad_left + g.in_w] = x
        return padded

    def _columns(self, padded, space):
        """im2col of the batch plus a column (or row) of ones for the bias."""
        g, n = self.geometry, padded.shape[0]
        rows = n * g.out_h * g.out_w
        windows = _taps_view(padded, (n, g.out_h, g.out_w, g.kh, g.kw, g.channels), g)
        if self.rows_major:  # (N*H'*W', T + 1): a window per row
            columns = space.get("columns", (rows, self.n_taps + 1), fill=1)
            row, item = columns.strides[0], columns.itemsize
            target = as_strided(columns, windows.shape, (row * g.out_h * g.out_w, row * g.out_w, row,
                                                         item * g.kw * g.channels, item * g.channels, item))
            np.copyto(target, windows)
            return columns
        columns = space.get("columns", (self.n_taps + 1, rows), fill=1)  # (T + 1, N*H'*W'): a tap per row
        taps = columns[:-1].reshape(g.kh, g.kw, g.channels, n, g.out_h, g.out_w)
        for a in range(g.kh):
            for b in range(g.kw):
                np.copyto(taps[a, b], windows[:, :, :, a, b].transpose(3, 0, 1, 2))
        return columns

    def weight_matrix(self, kernels, biases):
        """Kernels (K, kh, kw, C) and biases (K,) as the matrix (T + 1, K) of the product."""
        matrix = np.empty((self.n_taps + 1, self.n_kernels), self.dtype)
        matrix[:-1] = kernels.reshape(self.n_kernels, -1).T
        matrix[-1] = biases
        return matrix

    def forward(self, x, kernels, biases):
        """Feature maps z (N, H', W', K) of images `x` (N, H, W, C)."""
        space = self._space(x.shape[0])
        columns = self._columns(self._pad(x, space), space)
        matrix = self.weight_matrix(kernels, biases)
        z = space.get("z", (x.shape[0], *self.out_shape))
        np.matmul(columns if self.rows_major else columns.T, matrix, out=z.reshape(-1, self.n_kernels))
        self._last = (columns, matrix, space)
        return z

    def backward(self, grad_z, input_grad=True):
        """Gradients (grad_x or None, grad_kernels (K, kh, kw, C), grad_biases (K,)) of the last forward
        from the feature-map gradient `grad_z` (N, H', W', K)."""
        columns, matrix, space = self._last
        g = self.geometry
        grad_rows = grad_z.reshape(-1, self.n_kernels)
        grad_matrix = np.matmul(columns.T if self.rows_major else columns, grad_rows)
        grad_kernels = grad_matrix[:-1].T.reshape(self.n_kernels, g.kh, g.kw, g.channels)
        grad_x = self._input_grad(grad_rows, matrix, space) if input_grad else None
        return grad_x, grad_kernels, grad_matrix[-1]

    def _input_grad(self, grad_rows, matrix, space):
        """col2im: each window's gradient (through the kernels) added back onto its pixels."""
        g, n = self.geometry, grad_rows.shape[0] // (self.geometry.out_h * self.geometry.out_w)
        grad_columns = space.get("grad_columns", (grad_rows.shape[0], self.n_taps))
        np.matmul(grad_rows, matrix[:-1].T, out=grad_columns)
        grad_columns = grad_columns.reshape(n, g.out_h, g.out_w, g.kh, g.kw, g.channels)
        hp, wp = g.in_h + g.pad_top + g.pad_bottom, g.in_w + g.pad_left + g.pad_right
        grad_padded = space.get("grad_padded", (n, hp, wp, g.channels))
        grad_padded.fill(0)
        s, d = g.stride, g.dilation
        for a in range(g.kh):
            for b in range(g.kw):
                rows = slice(d * a, d * a + s * (g.out_h - 1) + 1, s)
                cols = slice(d * b, d * b + s * (g.out_w - 1) + 1, s)
                grad_padded[:, rows, cols] += grad_columns[:, :, :, a, b]
        return grad_padded[:, g.pad_top:g.pad_top + g.in_h, g.pad_left:g.pad_left + g.in_w]


class PoolLayer:
    """Max or average pooling of maps (N, H, W, K) over windows (size_h, size_w) every (stride_h, stride_w)
    ('valid': windows that do not fit are dropped), as `pool2d` does for each map."""

    def __init__(self, in_shape, kind, size, stride, dtype):
        h, w, k = in_shape
        self.kind, self.size, self.stride, self.dtype = kind, tuple(size), tuple(stride), np.dtype(dtype)
        out_h, out_w = ((n - z) // t + 1 if n >= z else 0 for n, z, t in zip((h, w), size, stride))
        self.in_shape, self.out_shape = tuple(in_shape), (out_h, out_w, k)
        # every input value in exactly one window: the gradient can be written, not added
        self.tiled = self.size == self.stride and h % size[0] == 0 and w % size[1] == 0
        self._buffers, self._last = {}, None

    def _views(self, array):
        """One strided view (N, H', W', K) of `array` per window position, in row-major order."""
        (sh, sw), (th, tw), (out_h, out_w, _) = self.size, self.stride, self.out_shape
        return [array[:, a:a + th * (out_h - 1) + 1:th, b:b + tw * (out_w - 1) + 1:tw]
                for a in range(sh) for b in range(sw)]

    def forward(self, x, out=None):
        """Pooled maps (N, H', W', K) of `x` (N, H, W, K), written into `out` if given."""
        space = self._buffers.setdefault(x.shape[0], _Buffers(self.dtype))
        y = space.get("y", (x.shape[0], *self.out_shape)) if out is None else out
        views = self._views(x)
        reduce = np.maximum if self.kind == "max" else np.add
        if len(views) == 1:
            np.copyto(y, views[0])
        else:
            reduce(views[0], views[1], out=y)
        for view in views[2:]:
            reduce(y, view, out=y)
        if self.kind == "avg":
            y *= self.dtype.type(1.0 / len(views))
        self._last = (x, y, space)
        return y

    def backward(self, grad_y):
        """Gradient (N, H, W, K) with respect to the last forward's `x`, from `grad_y` (N, H', W', K)."""
        x, y, space = self._last
        grad_x = space.get("grad_x", x.shape)
        if not self.tiled:
            grad_x.fill(0)
        targets = self._views(grad_x)
        if self.kind == "avg":
            share = np.multiply(grad_y, self.dtype.type(1.0 / len(targets)), out=space.get("share", grad_y.shape))
            for target in targets:
                self._put(target, share)
            return grad_x
        # max: the window's gradient goes to the first position (row-major) that holds the maximum
        remaining = space.get("remaining", grad_y.shape)
        np.copyto(remaining, grad_y)
        winner = space.get("winner", grad_y.shape)
        hit = space.get("hit", grad_y.shape, dtype=bool)
        for target, values in zip(targets[:-1], self._views(x)[:-1]):
            np.equal(values, y, out=hit)
            np.multiply(remaining, hit, out=winner)
            self._put(target, winner)
            remaining -= winner
        self._put(targets[-1], remaining)  # whatever is left: the last position is the maximum
        return grad_x

    def _put(self, target, values):
        if self.tiled:
            np.copyto(target, values)
        else:
            target += values


def activation_forward(z, name, out):
    """``activate(z, name)`` into `out` (may be `z`)."""
    if name == "relu":
        return np.maximum(z, 0, out=out)
    if name == "identity":
        if out is not z:
            np.copyto(out, z)
        return out
    from .activation import activate

    return activate(z, name, out=out)


def activation_backward(z, name, grad_out, out):
    """``activate_grad(z, name, grad_out)`` into `out` (may be `grad_out`); `z` may also be the
    activation's output for relu (both are > 0 at the same places)."""
    if name == "relu":
        return np.multiply(grad_out, z > 0, out=out)
    if name == "identity":
        if out is not grad_out:
            np.copyto(out, grad_out)
        return out
    np.copyto(out, activate_grad(z, name, grad_out))
    return out
