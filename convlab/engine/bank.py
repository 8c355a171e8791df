"""The live hot path: a bank of K kernels over one image, and the fused CNN block.

`conv_bank` returns K feature maps, each equal to ``scipy.signal.correlate2d(image, kernel,
mode, boundary)`` (cross-correlation, as CNN layers compute it; colour images sum over channels),
sampled every `stride` pixels, with a kernel dilated by `dilation` (d - 1 zeros between taps).
Even kernel sizes follow scipy: ``same`` crops the full output starting at ``e // 2`` (e the
dilated size), i.e. the image is padded by ``(e - 1) // 2`` before and ``e // 2`` after, which is
also what ``torch.nn.functional.conv2d(padding="same")`` does. ``valid`` with a kernel larger
than the image gives an empty map (scipy would swap the arguments).

`conv_block` is conv -> activation -> pooling computed tile by tile, so feature maps never leave
the cache before they are pooled. The engine behind both lives in `_mec` (shifted copies and
matrix products, the path for the kernels of a CNN), `_bank_fft` (the FFT, chosen by a cost
estimate for very large kernels, about 21x21 and up), `_bank_plan` (padding, sizes) and
`_bank_pool` (activation, pooling). A bank of 1x1 gray kernels just scales the image.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from ._bank_fft import fft_bank, fft_is_faster
from ._bank_plan import pad_source, plan_geometry
from ._bank_pool import activate_inplace, activation_and_pool, activation_and_pool_tile, n_windows
from ._checks import check_array, check_choice, check_positive_int
from ._mec import bank_matrix, gemm_pool_task, gemm_task, make_phases, plan_tasks, run_tasks
from .activation import ACTIVATIONS
from .conv import BOUNDARIES, MODES
from .pooling import POOL_KINDS

__all__ = ["conv_bank", "conv_block"]


def _prepare(image, kernels, mode, boundary, stride, dilation):
    """Validate the arguments; return image (H, W, C), kernels (K, kh, kw, C) and the shape key
    ``(H, W, C, K, kh, kw, mode, stride, dilation)`` of the plans."""
    check_choice("mode", mode, MODES)
    check_choice("boundary", boundary, BOUNDARIES)
    stride, dilation = check_positive_int("stride", stride), check_positive_int("dilation", dilation)
    image = check_array("image", image, (2, 3), "(H, W) or (H, W, C)")
    kernels = check_array("kernels", kernels, (2, 3, 4), "(kh, kw), (K, kh, kw) or (K, kh, kw, C)")
    image = image[:, :, None] if image.ndim == 2 else image
    if kernels.ndim < 4:
        kernels = kernels[None, :, :, None] if kernels.ndim == 2 else kernels[..., None]
    if kernels.shape[3] != image.shape[2]:
        raise ValueError(f"kernels have {kernels.shape[3]} channel(s) but image has "
                         f"{image.shape[2]}: kernels must be (K, kh, kw, C) with C matching")
    key = (*image.shape, *kernels.shape[:3], mode, stride, dilation)
    return image, kernels, key


class _Plan(NamedTuple):
    """Everything about one call that depends only on shapes and arguments, computed once."""

    geometry: object
    phases: tuple
    tasks: tuple
    flops: int
    use_fft: bool   # large kernels: the FFT route is estimated clearly faster
    pointwise: bool  # a 1x1 gray bank: each map is the image times one number


@functools.lru_cache(maxsize=32)
def _plan(key, usable=None, align=1, to_scratch=False):
    """The cached `_Plan` for a shape `key` of `_prepare` (`usable`: rows, columns of output
    to compute, all by default; `align`, `to_scratch`: see `_mec.plan_tasks`)."""
    h, w, c, n_kernels, kh, kw, mode, stride, dilation = key
    geometry = plan_geometry(h, w, c, kh, kw, mode, stride, dilation)
    usable_h, usable_w = usable or (geometry.out_h, geometry.out_w)
    phases = make_phases(geometry)
    tasks = ()
    if usable_h > 0 and usable_w > 0:
        tasks = tuple(plan_tasks(phases, geometry, n_kernels, usable_h, usable_w, align,
                                 to_scratch))
    flops = 2 * n_kernels * kh * kw * c * usable_h * usable_w
    return _Plan(geometry, phases, tasks, flops, fft_is_faster(geometry, n_kernels),
                 kh * kw * c == 1)


def _check_out(out, shape):
    """`out` if it is a writeable C-contiguous float32 array of `shape`, else ValueError."""
    if not isinstance(out, np.ndarray) or out.dtype != np.float32 or out.shape != shape \
            or not out.flags.c_contiguous or not out.flags.writeable:
        got = (type(out).__name__ if not isinstance(out, np.ndarray)
               else f"{out.dtype} {out.shape}")
        raise ValueError(f"out must be a writeable C-contiguous float32 array of shape {shape}; "
                         f"got {got}")
    return out


def conv_bank(image, kernels, mode="same", boundary="fill", stride=1, dilation=1, out=None):
    """Cross-correlate one image with a bank of kernels: K feature maps.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
        Any real dtype (uint8 frames are fine); converted to float32.
    kernels : array_like, shape (K, kh, kw) or (K, kh, kw, C)
        Gray banks are 3-D, colour banks 4-D with the image's C. A single (kh, kw) kernel is K=1.
    mode : {"full", "same", "valid"}
        Output extent, as in ``scipy.signal.correlate2d``.
    boundary : {"fill", "wrap", "symm"}
        Zeros, periodic, or mirror with the edge repeated (numpy pad ``symmetric``).
    stride : int, >= 1
        Keep every `stride`-th row and column of the `mode` output, starting at 0.
    dilation : int, >= 1
        Spacing between kernel taps (``dilation - 1`` zeros inserted).
    out : ndarray, optional
        C-contiguous float32 buffer of the output shape, filled and returned (no allocation).

    Returns
    -------
    ndarray, shape (K, H', W'), float32
        Map k equals ``correlate2d(image, kernels[k], mode, boundary)[::stride, ::stride]``
        (summed over channels). A new array on every call unless `out` is given.

    Raises
    ------
    ValueError
        Unknown mode or boundary, stride or dilation < 1, empty or misshaped arrays, channel
        mismatch, or an unsuitable `out`.
    TypeError
        Complex or non-numeric input.

    Notes
    -----
    Runs on the calling thread plus one module worker thread (numpy releases the GIL), with
    per-thread scratch buffers, so concurrent calls from several threads are safe. Kernels of
    about 21x21 and larger go through the FFT when that is estimated clearly faster (results
    then carry float32 rounding, ~1e-6 of the largest value, even for integer data). In a live
    loop pass `out`: a fresh 20-130 MB output every frame can cost page faults.

    Examples
    --------
    >>> image = np.zeros((3, 3), np.uint8); image[1, 1] = 1
    >>> conv_bank(image, [[[1, 2, 3]]]).tolist()  # an impulse returns the flipped kernel
    [[[0.0, 0.0, 0.0], [3.0, 2.0, 1.0], [0.0, 0.0, 0.0]]]
    """
    image, kernels, key = _prepare(image, kernels, mode, boundary, stride, dilation)
    geometry, phases, tasks, flops, use_fft, pointwise = _plan(key)
    shape = (kernels.shape[0], geometry.out_h, geometry.out_w)
    out = np.empty(shape, np.float32) if out is None else _check_out(out, shape)
    if out.size == 0:
        return out
    if use_fft:
        return fft_bank(image, kernels, geometry, boundary, out)
    if pointwise:  # matrix products with an inner dimension of 1 are ~8x slower than this
        weights = np.asarray(kernels, np.float32).reshape(-1, 1, 1)
        return np.multiply(weights, image[::stride, ::stride, 0], out=out, dtype=np.float32)
    source = pad_source(image, geometry, boundary)
    groups = bank_matrix(kernels)

    def run_one(index):
        task = tasks[index]
        phase = phases[task.phase]
        first = phase.first_row + task.t0 * phase.row_step
        rows = slice(first, first + (task.rows - 1) * phase.row_step + 1, phase.row_step)
        gemm_task(source, geometry, phase, task, groups,
                  out[:, rows, task.j0:task.j0 + task.width])

    run_tasks(run_one, len(tasks), flops)
    return out


def _check_block_args(activation, pool_size, pool_stride, pool_kind):
    """Validate the block's stage arguments; return (size, stride), (1, 1) meaning no pooling."""
    check_choice("activation", activation, ACTIVATIONS)
    check_choice("pool_kind", pool_kind, POOL_KINDS)
    if pool_size is None:
        if pool_stride is not None:
            raise ValueError(f"pool_stride must be None when pool_size is None; got {pool_stride!r}")
        return 1, 1
    size = check_positive_int("pool_size", pool_size)
    return size, size if pool_stride is None else check_positive_int("pool_stride", pool_stride)


def conv_block(image, kernels, mode="same", boundary="fill", stride=1, dilation=1,
               activation="relu", pool_size=2, pool_stride=None, pool_kind="max"):
    """One CNN block: `conv_bank`, then an activation, then 'valid' pooling of each feature map.

    Parameters
    ----------
    image, kernels, mode, boundary, stride, dilation
        As in `conv_bank`.
    activation : {"identity", "relu", "leaky_relu", "abs", "tanh", "sigmoid"}
        Elementwise non-linearity (leaky slope 0.01).
    pool_size : int >= 1 or None
        Side of the square pooling window; None, or 1 with stride 1, means no pooling.
    pool_stride : int >= 1, optional
        Step between windows; defaults to `pool_size`.
    pool_kind : {"max", "avg", "min", "l2"}
        Window statistic; ``l2`` is the square root of the sum of squares.

    Returns
    -------
    ndarray, shape (K, H'', W''), float32
        ``H'' = (H' - pool_size) // pool_stride + 1`` (0 if H' < pool_size): windows that do not
        fit are dropped, as in ``torch.nn.functional.max_pool2d``.

    Examples
    --------
    >>> image = np.arange(16).reshape(4, 4)
    >>> conv_block(image, [[[-1]]], pool_size=2).tolist()  # relu(-x) is 0 everywhere
    [[[0.0, 0.0], [0.0, 0.0]]]
    """
    size, step = _check_block_args(activation, pool_size, pool_stride, pool_kind)
    image, kernels, key = _prepare(image, kernels, mode, boundary, stride, dilation)
    geometry = _plan(key).geometry
    n_h, n_w = n_windows(geometry.out_h, size, step), n_windows(geometry.out_w, size, step)
    out = np.empty((kernels.shape[0], n_h, n_w), np.float32)
    if out.size == 0:
        return out
    if step != size or dilation != 1 or _plan(key).use_fft:
        maps = conv_bank(image, kernels, mode, boundary, stride, dilation)
        return activation_and_pool(maps, activation, size, step, pool_kind, out)
    _fused_block(image, kernels, key, boundary, (activation, size, pool_kind), out)
    return out


def _fused_block(image, kernels, key, boundary, stages, out):
    """Conv -> activation -> pooling (window == stride) tile by tile, into `out` (K, H'', W'')."""
    activation, size, kind = stages
    n_kernels, n_h, n_w = out.shape
    geometry, phases, tasks, flops, _, _ = _plan(key, (n_h * size, n_w * size), size, size > 1)
    source = pad_source(image, geometry, boundary)
    groups = bank_matrix(kernels)

    def run_one(index):
        task = tasks[index]
        rows = slice(task.t0 // size, (task.t0 + task.rows) // size)
        cols = slice(task.j0 // size, (task.j0 + task.width) // size)
        if size == 1:
            target = out[:, rows, cols]
            activate_inplace(gemm_task(source, geometry, phases[0], task, groups, target),
                             activation)
        else:
            tile = gemm_pool_task(source, geometry, phases[0], task, groups, size)
            activation_and_pool_tile(tile, activation, kind, out[:, rows, cols])

    run_tasks(run_one, len(tasks), flops)
