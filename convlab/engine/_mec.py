"""MEC convolution of a kernel bank: shifted row copies + batched sgemm, in tiles, on two threads.

For output row i the products of every kernel with every window of that row form one matrix
product ``A @ B_i``: A is the bank, shape (K, kh*kw*C) in (row, column, channel) order, and
``B_i[(a, b, c), j] = padded[s*i + d*a, c, s*j + d*b]``. We write the kw column-shifted copies of
the padded rows once, interleaved by row, as ``S[q, b, c, j] = padded[q, c, s*j + d*b]``. Then
``B_i`` is the contiguous block ``S[s*i : s*i + kh]`` seen as a (kh*kw*C, W') row-major matrix,
so one strided view of S feeds ``np.matmul``'s batched sgemm with no further copy (a row-major
variant of "memory-efficient convolution", Cho & Brand 2017). Copy volume: kw images.

Row dilation d > 1 splits the rows into d phases (padded rows rho, rho + d, ...) that are each a
dilation-1 problem. The padded image is never built whole: a tile writes just the band of padded
rows and columns it reads (`_bank_plan.pad_region`) into a scratch buffer of its thread, so the
padding runs on both threads and the band is still in cache when S is copied from it. The
output is cut into tiles (rows x columns) whose copy S is at most _COPY_BYTES and whose sgemm
calls stay small: kernels go 16 at a time and tiles are narrow
enough that OpenBLAS (AVX-512 builds) runs its unpacked "direct" sgemm kernel, about 3x faster
here than the packed path for these skinny products (M = 16). Two threads (the caller and one
worker; numpy releases the GIL in copies and matmul) take tiles from a shared counter; BLAS's
own threads stay out of it because the direct kernel is single-threaded.

Measured on 2 cores (AMD EPYC Zen 4, OpenBLAS 0.3.31): 16 kernels 7x7 over 480x640 run at about
155 GFLOP/s, 64 kernels at about 170; the single-thread direct kernel peaks near 105 (16 x 49
times 49 x 640 in cache), so about 210 is the ceiling of this formulation on two cores.
"""
from __future__ import annotations

import itertools
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from ._bank_plan import pad_region

__all__ = ["Phase", "Task", "bank_matrix", "make_phases", "plan_tasks", "gemm_task",
           "gemm_pool_task", "run_tasks", "scratch", "zeros"]

_KERNEL_CHUNK = 16          # kernels per sgemm call (rows of A)
_GEMM_BUDGET = 640_000      # kc * kd * tile width of one sgemm call
_COPY_BYTES = 2 * 2**20     # size of one tile's shifted copy S
_TILE_BYTES = 2 * 2**20     # size of one tile's feature maps when they go to a scratch buffer
_MAX_TILE_W = 1024
_PARALLEL_FLOPS = 4_000_000
_MIN_TASKS = 8
_TASK_FLOPS = 10_000_000    # fewer tiles below this much work each: a tile costs ~30 us of Python
_SHRINK_BYTES = 64 * 2**20

_local = threading.local()
_executor_lock = threading.Lock()
_executor = None


class Phase(NamedTuple):
    """Output rows ``first_row + t * row_step`` read the padded rows ``rho + dilation * q`` for
    window rows ``q = q_first + t * q_step`` (and the kh - 1 rows after each)."""

    first_row: int
    row_step: int
    q_first: int
    q_step: int
    count: int
    rho: int


class Task(NamedTuple):
    """A tile: `rows` output rows from index `t0` of phase `phase`, columns ``j0:j0 + width``."""

    phase: int
    t0: int
    rows: int
    j0: int
    width: int


def scratch(name, size):
    """A float32 buffer of `size` elements private to the calling thread, reused across calls.

    Buffers grow as needed and shrink only when more than 64 MB and 4x too large, so the
    smaller last tile of a frame does not trigger a reallocation (and page faults) every frame.
    """
    buffers = _local.__dict__.setdefault("buffers", {})
    buf = buffers.get(name)
    if buf is None or buf.size < size or (buf.size > 4 * size and buf.nbytes > _SHRINK_BYTES):
        buf = np.empty(size, np.float32)
        buffers[name] = buf
    return buf[:size]


def zeros(size):
    """A read-only float32 array of `size` zeros private to the calling thread (for ReLU)."""
    buffers = _local.__dict__.setdefault("buffers", {})
    buf = buffers.get("zeros")
    if buf is None or buf.size < size:
        buf = np.zeros(size, np.float32)
        buf.flags.writeable = False
        buffers["zeros"] = buf
    return buf[:size]


def bank_matrix(kernels):
    """Kernel groups for sgemm: list of (first kernel, A of shape (n, 1, kc, kh*kw*C)) ."""
    n_kernels = kernels.shape[0]
    flat = np.ascontiguousarray(kernels.reshape(n_kernels, -1), dtype=np.float32)
    chunk = min(n_kernels, _KERNEL_CHUNK)
    n_full = n_kernels // chunk
    groups = [(0, flat[:n_full * chunk].reshape(n_full, 1, chunk, -1))]
    if n_full * chunk < n_kernels:
        groups.append((n_full * chunk, flat[n_full * chunk:].reshape(1, 1, n_kernels % chunk, -1)))
    return groups


def make_phases(geometry):
    """Row phases of `geometry` (one phase when dilation is 1), as a tuple."""
    s, d, out_h = geometry.stride, geometry.dilation, geometry.out_h
    step = d // math.gcd(s, d)
    phases = []
    for i0 in range(min(step, out_h)):
        rho = (s * i0) % d
        count = -(-(out_h - i0) // step)
        phases.append(Phase(i0, step, (s * i0 - rho) // d, s * step // d, count, rho))
    return tuple(phases)


def _ceil_div(a, b):
    """Smallest integer >= a / b (positive ints)."""
    return -(-a // b)


def _tile_width(usable_w, kd, chunk, align):
    """Width of a column tile: small enough for the direct sgemm, a multiple of `align`."""
    cap = max(align, min(_GEMM_BUDGET // (chunk * kd), _MAX_TILE_W) // align * align)
    even = _ceil_div(usable_w, _ceil_div(usable_w, cap))
    return min(cap, _ceil_div(even, align) * align)


def plan_tasks(phases, geometry, n_kernels, usable_h, usable_w, align=1, to_scratch=False):
    """Cut the first `usable_h` x `usable_w` outputs into tiles (sides multiples of `align`).

    A tile's copy S stays under _COPY_BYTES (and its maps under _TILE_BYTES when they go to a
    scratch buffer); there are at least about _MIN_TASKS tiles so two threads share them well,
    fewer when a tile would do less than _TASK_FLOPS of work.
    Fewer, larger tiles measured faster than L2-sized ones: every numpy call hands the GIL over.
    """
    g = geometry
    kd = g.kh * g.kw * g.channels
    width = _tile_width(usable_w, kd, min(n_kernels, _KERNEL_CHUNK), align)
    row_bytes = g.kw * g.channels * width * 4
    rows = max(1, (_COPY_BYTES // row_bytes - g.kh) // phases[0].q_step + 1)
    if to_scratch:
        rows = min(rows, _TILE_BYTES // (n_kernels * width * 4))
    flops = 2 * n_kernels * kd * usable_h * usable_w
    n_min = max(1, min(_MIN_TASKS, flops // _TASK_FLOPS))
    rows = min(rows, _ceil_div(usable_h, max(1, n_min // _ceil_div(usable_w, width))))
    rows = max(align, rows // align * align)
    tasks = []
    for index, phase in enumerate(phases):
        count = min(phase.count, usable_h)
        for t0 in range(0, count, rows):
            for j0 in range(0, usable_w, width):
                tasks.append(Task(index, t0, min(rows, count - t0), j0, min(width, usable_w - j0)))
    return tasks


def _shifted_copy(source, geometry, phase, task, col_phases):
    """S for one tile: its kw column-shifted row copies, columns phase-major if `col_phases` > 1.

    The tile's band of padded rows and columns is written first (`pad_region`) into a scratch
    buffer of this thread, then seen as windows and copied once into S. With ``col_phases = p``
    the columns j0, j0 + p, j0 + 2p, ... come first, then j0 + 1, ... Returns the flat buffer
    and the size of one padded row of S (kw * C * width).
    """
    g = geometry
    s, d, kw, channels = g.stride, g.dilation, g.kw, g.channels
    q0 = phase.q_first + task.t0 * phase.q_step
    n_q = (task.rows - 1) * phase.q_step + g.kh
    n_cols = s * (task.width - 1) + d * (kw - 1) + 1
    band = scratch("band", n_q * channels * n_cols).reshape(n_q, channels, n_cols)
    pad_region(source, phase.rho + d * q0, d, s * task.j0, band)
    windows = np.ndarray((n_q, kw, channels, task.width), np.float32, band,
                         strides=(channels * n_cols * 4, d * 4, n_cols * 4, s * 4))
    plane = kw * channels * task.width
    copy = scratch("mec", n_q * plane)
    copy_4d = copy.reshape(n_q, kw, channels, task.width)
    block = task.width // col_phases
    for c in range(col_phases):
        np.copyto(copy_4d[..., c * block:(c + 1) * block], windows[..., c::col_phases])
    return copy, plane


def gemm_task(source, geometry, phase, task, groups, target):
    """Feature maps of one tile into `target`, a (K, rows, width) view with unit column stride."""
    kd = groups[0][1].shape[-1]
    copy, plane = _shifted_copy(source, geometry, phase, task, 1)
    col_matrices = np.ndarray((task.rows, kd, task.width), np.float32, copy,
                              strides=(phase.q_step * plane * 4, task.width * 4, 4))
    for k0, bank in groups:
        n_groups, _, chunk, _ = bank.shape
        part = target[k0:k0 + n_groups * chunk].reshape(n_groups, chunk, task.rows, task.width)
        np.matmul(bank, col_matrices, out=part.transpose(0, 2, 1, 3))
    return target


def gemm_pool_task(source, geometry, phase, task, groups, size):
    """Feature maps of one tile ordered by pooling window offset: (size, size, K, rows', width').

    Entry ``[dx, dy, k, u, v]`` is map k at tile row ``size * u + dy``, column ``size * v + dx``,
    so each of the size**2 members of every pooling window is one contiguous (K, rows', width')
    block and pooling is a few contiguous elementwise operations. Needs rows and width
    multiples of `size`.
    """
    kd = groups[0][1].shape[-1]
    copy, plane = _shifted_copy(source, geometry, phase, task, size)
    n_u, n_v = task.rows // size, task.width // size
    row = phase.q_step * plane * 4
    col_matrices = np.ndarray((size, size, n_u, kd, n_v), np.float32, copy,
                              strides=(n_v * 4, row, size * row, task.width * 4, 4))
    last_k0, last_bank = groups[-1]
    n_kernels = last_k0 + last_bank.shape[0] * last_bank.shape[2]
    tile = scratch("tile", size * size * n_kernels * n_u * n_v)
    tile = tile.reshape(size, size, n_kernels, n_u, n_v)
    for k0, bank in groups:
        n_groups, _, chunk, _ = bank.shape
        part = tile[:, :, k0:k0 + n_groups * chunk].reshape(size, size, n_groups, chunk, n_u, n_v)
        np.matmul(bank.reshape(n_groups, 1, 1, 1, chunk, kd), col_matrices,
                  out=part.transpose(2, 0, 1, 4, 3, 5))
    return tile


def _get_executor():
    """The module's single worker thread (created on first use)."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="convlab-bank")
        return _executor


def run_tasks(run_one, n_tasks, flops):
    """Call ``run_one(i)`` for every task index, on two threads when the work is large enough."""
    if n_tasks < 2 or flops < _PARALLEL_FLOPS:
        for index in range(n_tasks):
            run_one(index)
        return
    counter = itertools.count()

    def drain():
        for index in counter:
            if index >= n_tasks:
                return
            run_one(index)

    future = _get_executor().submit(drain)
    try:
        drain()
    finally:
        if not future.cancel():
            future.result()
