"""Kernel-bank convolution and CNN block against peers, side by side in one process.

    python benchmarks/bench_conv.py [--quick] [--repeat N] [--no-mallopt]

For each workload (K float32 kernels over a 480x640 or 1080x1920 frame, 'same' output, zero
padding; the last one, 31x31 kernels, is where conv_bank switches to its FFT route) it times
``convlab.engine.bank.conv_bank`` (with a preallocated ``out=`` buffer, as the live panel calls it,
and returning a new array) and ``conv_block`` (conv -> ReLU -> 2x2 max pool)
against the peers that are installed: a loop of ``scipy.ndimage.correlate`` (mode constant),
``scipy.signal.fftconvolve`` batched over the kernels (2 scipy.fft workers), a loop of OpenCV
``cv2.filter2D`` (BORDER_CONSTANT, 2 threads) and ``torch.nn.functional.conv2d`` (padding="same",
no_grad, 2 threads). Peer blocks add ReLU and pooling: torch with its own ``relu``/``max_pool2d``,
the others with numpy (the max of four strided slices, then ``np.maximum``: max pooling and ReLU
commute, so pooling first does 4x less ReLU work; conv_block does the same).

Implementations are timed one after the other (a pause, a warm-up call, then at most N timed
calls within a time budget; without --quick the whole round runs four times and each
implementation's best median counts: this machine's speed drifts by tens of percent over seconds,
and four windows give every implementation its share of the fast ones). Interleaving single calls was tried and is
unfair: torch's OpenMP and OpenCV's worker threads keep spinning after a call and steal the cores
from whoever runs next. The tables show median ms per frame, GFLOP/s (2*K*C*kh*kw*H*W / time)
and the ratio to the fastest peer (< 1: convlab is faster). Every peer's output is checked
against conv_bank first.

By default glibc is told (mallopt) never to return freed memory to the system and not to use mmap,
so that peers which allocate a new output every call do not pay page faults on every frame
(without it torch takes 2-7x longer here); ``--no-mallopt`` measures the default allocator.
"""
from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from convlab.engine.bank import conv_bank, conv_block  # noqa: E402

WORKLOADS = [  # (label, height, width, channels, kernels, kernel size)
    ("480x640 gray, K=16 3x3", 480, 640, 1, 16, 3),
    ("480x640 gray, K=16 5x5", 480, 640, 1, 16, 5),
    ("480x640 gray, K=16 7x7", 480, 640, 1, 16, 7),
    ("480x640 gray, K=16 11x11", 480, 640, 1, 16, 11),
    ("480x640 gray, K=64 7x7", 480, 640, 1, 64, 7),
    ("480x640 RGB, K=16 5x5x3", 480, 640, 3, 16, 5),
    ("1080x1920 gray, K=16 7x7", 1080, 1920, 1, 16, 7),
    ("480x640 gray, K=16 31x31", 480, 640, 1, 16, 31),  # conv_bank takes its FFT route here
]
WARM_UP_S = 0.03
_NDIMAGE_MAX_SIDE = 11  # a loop of ndimage.correlate with 31x31 kernels takes ~3 s per frame


def tune_malloc():
    """Keep freed memory in the heap (no trimming, no mmap): no page faults on reallocation."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    m_trim_threshold, m_top_pad, m_mmap_max = -1, -2, -4
    ok = libc.mallopt(m_mmap_max, 0) and libc.mallopt(m_trim_threshold, 2**30) \
        and libc.mallopt(m_top_pad, 64 * 2**20)
    return bool(ok)


def max_pool_2x2(maps):
    """Non-overlapping 2x2 max pooling of (K, H, W) maps: the max of four strided slices."""
    h, w = maps.shape[1] // 2 * 2, maps.shape[2] // 2 * 2
    top = np.maximum(maps[:, 0:h:2, 0:w:2], maps[:, 0:h:2, 1:w:2])
    return np.maximum(top, np.maximum(maps[:, 1:h:2, 0:w:2], maps[:, 1:h:2, 1:w:2]), out=top)


def numpy_block(conv):
    """A peer's block: its convolution, 2x2 max pooling, then ReLU (they commute; 4x less work)."""
    def block():
        pooled = max_pool_2x2(conv())
        return np.maximum(pooled, 0, out=pooled)
    return block


def ndimage_peer(image, kernels):
    """Loop of scipy.ndimage.correlate over kernels (and channels), zero padding."""
    from scipy import ndimage

    def conv():
        out = np.empty((len(kernels),) + image.shape[:2], np.float32)
        for k, kernel in enumerate(kernels):
            out[k] = ndimage.correlate(image[..., 0], kernel[..., 0], mode="constant")
            for c in range(1, image.shape[2]):
                out[k] += ndimage.correlate(image[..., c], kernel[..., c], mode="constant")
        return out
    return conv


def fft_peer(image, kernels):
    """scipy.signal.fftconvolve of the image with all flipped kernels at once (2 workers)."""
    import scipy.fft
    from scipy import signal

    flipped = np.ascontiguousarray(kernels[:, ::-1, ::-1, :])

    top, left = (kernels.shape[1] - 1) // 2, (kernels.shape[2] - 1) // 2
    h, w = image.shape[:2]

    def conv():
        with scipy.fft.set_workers(2):  # 'same' would also crop K to 1: take 'full' and crop
            maps = signal.fftconvolve(image[None], flipped, mode="full", axes=(1, 2))
        maps = maps[:, top:top + h, left:left + w]
        return maps.sum(axis=3, dtype=np.float32) if maps.shape[3] > 1 else maps[..., 0]
    return conv


def cv2_peer(image, kernels):
    """Loop of cv2.filter2D (a correlation anchored at the kernel centre), zero border."""
    import cv2

    cv2.setNumThreads(2)
    planes = [np.ascontiguousarray(image[..., c]) for c in range(image.shape[2])]

    def conv():
        out = np.empty((len(kernels),) + image.shape[:2], np.float32)
        for k, kernel in enumerate(kernels):
            cv2.filter2D(planes[0], cv2.CV_32F, kernel[..., 0], dst=out[k],
                         borderType=cv2.BORDER_CONSTANT)
            for c in range(1, len(planes)):
                out[k] += cv2.filter2D(planes[c], cv2.CV_32F, kernel[..., c],
                                       borderType=cv2.BORDER_CONSTANT)
        return out
    return conv


def torch_peers(image, kernels):
    """Torch conv2d (padding="same") and its conv -> relu -> max_pool2d block, 2 threads."""
    import torch

    torch.set_num_threads(2)
    x = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)[None]))
    w = torch.from_numpy(np.ascontiguousarray(kernels.transpose(0, 3, 1, 2)))
    f = torch.nn.functional

    def conv():
        with torch.no_grad():
            return f.conv2d(x, w, padding="same")[0].numpy()

    def block():
        with torch.no_grad():
            return f.max_pool2d(f.relu(f.conv2d(x, w, padding="same")), 2)[0].numpy()
    return conv, block


def make_peers(image, kernels):
    """{name: (conv, block)} for every importable peer; missing ones map to None."""
    peers = {}
    makers = [("ndimage loop", ndimage_peer), ("fftconvolve", fft_peer), ("cv2.filter2D", cv2_peer)]
    if max(kernels.shape[1:3]) > _NDIMAGE_MAX_SIDE:
        makers, peers["ndimage loop"] = makers[1:], None
    for name, maker in makers:
        try:
            conv = maker(image, kernels)
            peers[name] = (conv, numpy_block(conv))
        except ImportError:
            peers[name] = None
    try:
        peers["torch"] = torch_peers(image, kernels)
    except ImportError:
        peers["torch"] = None
    return peers


def check_agreement(name, result, reference):
    """Raise if a peer's maps differ from conv_bank's by more than float32 rounding."""
    scale = max(float(np.abs(reference).max()), 1e-6)
    error = float(np.abs(np.asarray(result, np.float32) - reference).max()) / scale
    if result.shape != reference.shape or error > 2e-4:
        raise AssertionError(f"{name} disagrees with conv_bank: shape {result.shape}, "
                             f"relative error {error:.2e}")
    return error


def time_calls(functions, repeat, budget_s, passes):
    """Median seconds per call of each function (best of `passes`), timed one function at a time.

    Each function gets a pause (so that other libraries' spinning worker threads go idle),
    warm-up calls for at least WARM_UP_S (one call is too short for the cores to leave their
    idle clock after the pause), then up to `repeat` timed calls, fewer once it has spent
    `budget_s` seconds.
    """
    best = {}
    for _ in range(passes):
        for name, f in functions.items():
            time.sleep(0.05)
            warm_until = time.perf_counter() + WARM_UP_S
            f()
            while time.perf_counter() < warm_until:
                f()
            samples = []
            while len(samples) < repeat and (len(samples) < 3 or sum(samples) < budget_s):
                start = time.perf_counter()
                f()
                samples.append(time.perf_counter() - start)
            best[name] = min(best.get(name, np.inf), float(np.median(samples)))
    return best


def run_workload(spec, repeat, budget_s, passes):
    """Time one workload; returns (conv timings, block timings, max peer error)."""
    _, h, w, c, n_kernels, size = spec
    rng = np.random.default_rng(0)
    image = rng.random((h, w, c), dtype=np.float32)
    kernels = rng.standard_normal((n_kernels, size, size, c), dtype=np.float32)
    bank_image = image if c > 1 else image[..., 0]
    bank_kernels = kernels if c > 1 else kernels[..., 0]
    out = np.empty((n_kernels, h, w), np.float32)
    reference = conv_bank(bank_image, bank_kernels).copy()
    reference_block = conv_block(bank_image, bank_kernels)
    peers = {name: p for name, p in make_peers(image, kernels).items() if p is not None}
    errors = [check_agreement(name, conv(), reference) for name, (conv, _) in peers.items()]
    errors += [check_agreement(name + " block", block(), reference_block)
               for name, (_, block) in peers.items()]
    conv_fns = {"conv_bank(out=)": lambda: conv_bank(bank_image, bank_kernels, out=out),
                "conv_bank": lambda: conv_bank(bank_image, bank_kernels)}
    conv_fns.update({name: conv for name, (conv, _) in peers.items()})
    block_fns = {"conv_block": lambda: conv_block(bank_image, bank_kernels)}
    block_fns.update({name: block for name, (_, block) in peers.items()})
    return (time_calls(conv_fns, repeat, budget_s, passes),
            time_calls(block_fns, repeat, budget_s, passes), max(errors, default=0.0))


PEER_NAMES = ("ndimage loop", "fftconvolve", "cv2.filter2D", "torch")


def table(title, ours, rows):
    """Markdown table: one row per workload, our time, GFLOP/s, each peer, ratio to the best."""
    head = ["workload", f"{ours} ms", "GFLOP/s", *(f"{p} ms" for p in PEER_NAMES),
            "ratio to best peer"]
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for spec, timings in rows:
        _, h, w, c, n_kernels, size = spec
        flops = 2 * n_kernels * c * size * size * h * w
        peers = {p: timings[p] for p in PEER_NAMES if p in timings}
        best = min(peers, key=peers.get) if peers else None
        cells = [spec[0], f"{timings[ours] * 1e3:.2f}", f"{flops / timings[ours] / 1e9:.0f}"]
        cells += [f"{timings[p] * 1e3:.2f}" if p in timings else "skipped" for p in PEER_NAMES]
        cells.append(f"{timings[ours] / peers[best]:.2f} ({best})" if best else "n/a")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    """Parse the command line, run every workload and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats (under a minute)")
    parser.add_argument("--repeat", type=int, default=None, help="timed calls per implementation")
    parser.add_argument("--no-mallopt", action="store_true", help="keep glibc's default malloc")
    args = parser.parse_args(argv)
    repeat = args.repeat or (5 if args.quick else 30)
    budget_s, passes = (0.25, 1) if args.quick else (1.0, 4)
    tuned = False if args.no_mallopt else tune_malloc()
    print(f"numpy {np.__version__}, cores {os.cpu_count()}, load {os.getloadavg()[0]:.2f}, "
          f"repeat {repeat}, mallopt {'on' if tuned else 'off'}", flush=True)
    conv_rows, block_rows = [], []
    for spec in WORKLOADS:
        conv_t, block_t, error = run_workload(spec, repeat, budget_s, passes)
        conv_rows.append((spec, conv_t))
        block_rows.append((spec, block_t))
        print(f"{spec[0]}: conv_bank {conv_t['conv_bank(out=)'] * 1e3:.2f} ms, conv_block "
              f"{block_t['conv_block'] * 1e3:.2f} ms, peers agree (max rel. error {error:.1e})",
              flush=True)
    print()
    print(table("conv_bank (preallocated out=)", "conv_bank(out=)", conv_rows))
    print()
    new_array = [(spec, {**t, "conv_bank(out=)": t["conv_bank"]}) for spec, t in conv_rows]
    print(table("conv_bank (new array per call)", "conv_bank(out=)", new_array)
          .replace("conv_bank(out=) ms", "conv_bank ms"))
    print()
    print(table("block: conv -> ReLU -> 2x2 max pool", "conv_block", block_rows))
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
