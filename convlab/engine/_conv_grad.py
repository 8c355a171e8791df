"""Internals of `gradients.conv_bank_grad`: the backward pass of a kernel bank, im2col style.

Forward (see `bank`): with P the padded image, stride s and dilation d,
``maps[k, i, j] = sum_{a, b, c} kernels[k, a, b, c] * P[c, s*i + d*a, s*j + d*b]``. So

* the kernel gradient is a matrix product with the windows of P (im2col):
  ``grad_kernels[k, a, b, c] = sum_{i, j} g[k, i, j] * P[c, s*i + d*a, s*j + d*b]``;
* the gradient of P is the transposed product scattered back onto the windows (col2im):
  ``grad_P[c, s*i + d*a, s*j + d*b] += sum_k kernels[k, a, b, c] * g[k, i, j]``, one strided
  addition per kernel tap, vectorised over a band of the feature maps;
* the image gradient folds grad_P back: a padded pixel that copied image pixel p (wrap, symm)
  adds its gradient to p; a zero of ``fill`` passes nothing on.

The work is cut into bands of output rows small enough for the window copy and the columns of a
band to stay in cache; the bands run on the two threads of `_mec.run_tasks`, each adding into
its own gradient buffers. Matrix products go one feature-map row at a time (batched
``np.matmul``) with BLAS held to one thread: on two shared cores OpenBLAS's own threads only
fight ours (measured 10x slower under load).
"""
from __future__ import annotations

import contextlib
import functools
import threading

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._bank_plan import source_index
from ._mec import run_tasks

__all__ = ["bank_backward"]

_BAND_BYTES = 1 << 20        # columns of one band (float32): about one L2 cache
_BLAS_SMALL = 262_144        # OpenBLAS runs gemm calls with m*n*k up to this on one thread

_blas_lock = threading.Lock()
_blas_state = {"users": 0, "limiter": None}


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """The threadpoolctl controller of the loaded BLAS libraries (found once, ~2 ms)."""
    from threadpoolctl import ThreadpoolController  # installed with scikit-learn; imported late

    return ThreadpoolController()


@contextlib.contextmanager
def _one_blas_thread(needed):
    """Hold BLAS to one thread while any caller is inside (counted, so concurrent calls restore
    the original limit only when the last one leaves). Does nothing when not `needed`."""
    if not needed:
        yield
        return
    with _blas_lock:
        if _blas_state["users"] == 0:
            _blas_state["limiter"] = _blas_controller().limit(limits=1, user_api="blas")
        _blas_state["users"] += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_state["users"] -= 1
            if _blas_state["users"] == 0:
                _blas_state["limiter"].restore_original_limits()


def _padded_image(image, geometry, boundary):
    """The padded image P (C, Hp, Wp) float32 of `image` (H, W, C), as `bank` reads it."""
    g = geometry
    rows = source_index(g.in_h, g.pad_top, g.pad_bottom, boundary)
    cols = source_index(g.in_w, g.pad_left, g.pad_right, boundary)
    planes = np.asarray(image, np.float32).transpose(2, 0, 1)
    padded = np.empty((g.channels, rows.size, cols.size), np.float32)  # C order: rows of pixels
    padded[...] = planes[:, np.maximum(rows, 0)][:, :, np.maximum(cols, 0)]
    padded[:, rows < 0] = 0
    padded[:, :, cols < 0] = 0
    return padded


def _band_columns(padded, geometry, first, n_rows, buffer):
    """im2col of output rows ``first : first + n_rows`` into `buffer` (flat float32): returned as
    (kh*kw*C, n_rows, W'), row ``(a, b, c)`` holding ``P[c, s*i + d*a, s*j + d*b]``."""
    g = geometry
    plane, row, col = padded.strides
    windows = as_strided(padded[:, first * g.stride:], (g.kh, g.kw, g.channels, n_rows, g.out_w),
                         (g.dilation * row, g.dilation * col, plane, g.stride * row, g.stride * col),
                         writeable=False)
    columns = buffer[:windows.size].reshape(-1, n_rows, g.out_w)
    np.copyto(columns.reshape(windows.shape), windows)
    return columns


def _add_taps(grad_padded, columns, geometry, first, rows_buffer):
    """col2im: add `columns` (kh, kw, C, n, W') onto the windows of `grad_padded` (C, Hp, Wp) of
    output rows ``first ...``. First the kw column taps are added into `rows_buffer`
    (kh, C, n, >= Wp) for all kernel rows at once, then its kh rows into `grad_padded`: kw + kh
    strided additions instead of kh * kw."""
    g = geometry
    n_rows, s, d = columns.shape[3], g.stride, g.dilation
    width = (g.out_w - 1) * s + 1
    tap_rows = rows_buffer[:, :, :n_rows, :d * (g.kw - 1) + width]
    if s == 1:  # the first column tap covers [0, width): copy it instead of zeros plus an addition
        tap_rows[..., :width] = columns[:, 0]
        tap_rows[..., width:] = 0
    else:
        tap_rows.fill(0)
    for b in range(1 if s == 1 else 0, g.kw):
        tap_rows[..., d * b:d * b + width:s] += columns[:, b]
    for a in range(g.kh):
        top = first * s + d * a
        grad_padded[:, top:top + (n_rows - 1) * s + 1:s, :tap_rows.shape[3]] += tap_rows[a]


def _fold(grad, n, before, after, boundary, axis):
    """Adjoint of padding an axis of length `n` by (`before`, `after`) samples: every padded
    slice along `axis` is added back onto the image slice it was copied from (none for fill)."""
    grad = np.swapaxes(grad, 0, axis)
    folded = grad[before:before + n].copy()
    if boundary != "fill" and before + after:
        index = source_index(n, before, after, boundary)
        border = np.concatenate((np.arange(before), np.arange(before + n, index.size)))
        np.add.at(folded, index[border], grad[border])
    return np.swapaxes(folded, 0, axis)


class _Workspace:
    """One thread's share of the gradients and its scratch buffers for one band, reused."""

    def __init__(self, padded_shape, n_taps, n_kernels, geometry, band):
        g = geometry
        self.grad_padded = np.zeros(padded_shape, np.float32)
        self.grad_taps = np.zeros((n_taps, n_kernels), np.float32)
        self.columns = np.empty(n_taps * band * g.out_w, np.float32)
        self.tap_rows = np.empty((g.kh, g.channels, band, padded_shape[2]), np.float32)


def bank_backward(image, kernels, grad_maps, geometry, boundary):
    """Gradients of `bank.conv_bank` for validated arrays.

    `image` (H, W, C), `kernels` (K, kh, kw, C), `grad_maps` (K, H', W') float32, `geometry` the
    forward's `BankGeometry`. Returns grad_image (H, W, C) and grad_kernels (K, kh, kw, C), float32.
    """
    g = geometry
    if g.out_h == 0 or g.out_w == 0:  # no feature map pixel: nothing flows back
        return np.zeros(image.shape, np.float32), np.zeros(kernels.shape, np.float32)
    taps = np.ascontiguousarray(kernels, np.float32).reshape(kernels.shape[0], -1)
    taps_t = np.ascontiguousarray(taps.T)
    padded = _padded_image(image, g, boundary)
    band = max(1, _BAND_BYTES // (4 * taps.shape[1] * g.out_w))
    firsts = range(0, g.out_h, band)
    spaces = {}  # thread id -> _Workspace

    def run_one(index):
        space = spaces.get(threading.get_ident())
        if space is None:
            space = spaces[threading.get_ident()] = _Workspace(padded.shape, *taps_t.shape, g, band)
        first = firsts[index]
        band_maps = grad_maps[:, first:first + band].transpose(1, 0, 2)       # (n, K, W')
        columns = _band_columns(padded, g, first, band_maps.shape[0], space.columns)  # (T, n, W')
        space.grad_taps += np.matmul(columns.transpose(1, 0, 2), band_maps.transpose(0, 2, 1)).sum(axis=0)
        np.matmul(taps_t, band_maps, out=columns.transpose(1, 0, 2))        # the columns of grad P
        _add_taps(space.grad_padded, columns.reshape(g.kh, g.kw, g.channels, -1, g.out_w), g, first,
                  space.tap_rows)

    with _one_blas_thread(taps.size * g.out_w > _BLAS_SMALL):
        run_tasks(run_one, len(firsts), 4 * taps.size * g.out_h * g.out_w)
    grad_padded = sum(space.grad_padded for space in spaces.values())
    grad_taps = sum(space.grad_taps for space in spaces.values())
    grad_image = _fold(grad_padded, g.in_h, g.pad_top, g.pad_bottom, boundary, 1)
    grad_image = _fold(grad_image, g.in_w, g.pad_left, g.pad_right, boundary, 2)
    return np.ascontiguousarray(grad_image.transpose(1, 2, 0)), grad_taps.T.reshape(kernels.shape)
