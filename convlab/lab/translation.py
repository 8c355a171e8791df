"""Equivariance and invariance, measured on a picture: the translation panel's image mode without Qt.

Shift the input by ``(dy, dx)`` pixels, convolve, and compare ``conv(shift(x))`` with
``shift(conv(x))`` (equal for a circular boundary, equal outside a border band with zero fill);
then pool both feature maps and count the pooled units the shift changed (pooling's approximate
invariance), optionally with Zhang's BlurPool; and plot the measures against the horizontal shift
for pooling strides 1, 2 and 4.

>>> import numpy as np
>>> from convlab.sources.base import Frame
>>> settings = ShiftSettings(dx=4, dy=0, boundary="wrap", kernel_name="edge", compare="moved")
>>> frame = Frame(np.random.default_rng(0).integers(0, 256, (40, 40, 3), dtype=np.uint8), 1, 0.0)
>>> result = ImageModeCompute()(ShiftJob(frame, settings, np.array([[-1.0, 0.0, 1.0]])))
>>> float(result.check.max_abs), float(result.change.fraction_unchanged)
(0.0, 1.0)
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np

from convlab.engine.block import prepare_input, shrink_to
from convlab.engine.blurpool import BLUR_FILTERS, POOL_BOUNDARIES
from convlab.engine.conv import correlate2d
from convlab.engine.invariance import band_outline, equivariance_check, pooled_change, pooled_offset, shift_curves
from convlab.engine.pooling import POOL_KINDS
from convlab.io.lesson_fields import text
from convlab.lab.settings import from_section, setting

__all__ = ["CURVE_STRIDES", "ImageModeCompute", "ImageModeResult", "MAX_SHIFT", "PREFERRED_KERNEL", "ShiftJob",
           "ShiftSettings", "choose_kernel", "gray_kernel", "image_settings_from_section", "measure_texts",
           "prepare_gray"]

MAX_SHIFT = 32  # pixels, either way
MAX_NAME = 200  # characters of a kernel name in a lesson file
PROCESS_MAX_SIDE = 256
CURVE_STRIDES = (1, 2, 4)
CURVE_REFRESH_S = 0.5  # a live source refreshes the shift curves at most twice a second
PREFERRED_KERNEL = "sobel_x"
BOUNDARIES = tuple(sorted(POOL_BOUNDARIES))  # fill (the default) first
BOUNDARY_LABELS = {"fill": "fill (zeros)", "wrap": "wrap (circular)"}
COMPARE_LABELS = {"same": "same place (invariance)", "moved": "moved shift/stride units"}


@dataclass(frozen=True)
class ShiftSettings:
    """Everything the image mode computes from: the shift, the kernel (a bank name) and the pooling."""

    dx: int = setting(1, "Horizontal", low=-MAX_SHIFT, high=MAX_SHIFT, suffix=" px")
    dy: int = setting(1, "Vertical", low=-MAX_SHIFT, high=MAX_SHIFT, suffix=" px")
    boundary: str = setting("fill", "Boundary", choices=BOUNDARIES, labels=BOUNDARY_LABELS)
    kernel_name: str = setting("", "Kernel")
    pool_kind: str = setting("max", "Kind", choices=POOL_KINDS)
    pool_size: int = setting(2, "Size", low=1, high=8)
    pool_stride: int = setting(2, "Stride", low=1, high=8)
    antialias: bool = setting(False, "anti-aliased (BlurPool)")
    blur_filter: str = setting("[1, 2, 1]", "Blur filter", choices=tuple(BLUR_FILTERS))
    compare: str = setting("same", "Compare at", choices=("same", "moved"), labels=COMPARE_LABELS)

    def settled(self) -> ShiftSettings:
        """The shift kept within -MAX_SHIFT..MAX_SHIFT (arrow keys and the sweep may step past it)."""
        dx, dy = (max(-MAX_SHIFT, min(MAX_SHIFT, v)) for v in (self.dx, self.dy))
        return self if (dx, dy) == (self.dx, self.dy) else replace(self, dx=dx, dy=dy)

    def inactive(self) -> set:
        """The blur filter matters only with BlurPool."""
        return set() if self.antialias else {"blur_filter"}


def image_settings_from_section(section, where: str) -> tuple[ShiftSettings, list]:
    """A lesson's image-mode section checked against the declarations (missing fields: defaults).

    Returns ``(settings, warnings)``; raises ValueError for a bad value, naming the field.

    >>> image_settings_from_section({"dx": 3, "kernel_name": "laplacian"}, "Translation")[0].dx
    3
    """
    settings, warnings = from_section(ShiftSettings, section, where)
    text(MAX_NAME)(settings.kernel_name, "kernel_name")
    return settings, warnings


def choose_kernel(names, current: str, wanted: str = "") -> str:
    """The kernel to use from the bank's ``names``: ``wanted`` if there, else ``current``, else
    sobel_x, else the first ("" for an empty bank).

    >>> choose_kernel(["gaussian", "sobel_x"], "laplacian")
    'sobel_x'
    """
    for name in (wanted, current, PREFERRED_KERNEL):
        if name and name in names:
            return name
    return names[0] if len(names) else ""


@dataclass(frozen=True)
class ShiftJob:
    """A frame (from the source, or the bundled photo), the settings and the chosen kernel (kh, kw)."""

    frame: object
    settings: ShiftSettings
    kernel: np.ndarray
    from_source: bool = False


@dataclass(frozen=True)
class ImageModeResult:
    """Everything the image mode draws for one job."""

    image: np.ndarray
    conv_x: np.ndarray
    check: object
    outline: list
    offset: tuple
    change: object
    curves: dict
    curves_blur: dict | None
    curves_stale: bool = False  # the curves belong to an earlier frame (rate limit): redo them soon


def gray_kernel(kernel) -> np.ndarray:
    """A (kh, kw) float32 kernel; colour kernels are summed over channels (the input is gray)."""
    kernel = np.asarray(kernel, dtype=np.float32)
    return kernel.sum(axis=2) if kernel.ndim == 3 else kernel


def prepare_gray(rgb, stride: int) -> np.ndarray:
    """Gray input, long side <= 256, cropped to multiples of lcm(4, stride) so wrap pooling is exact.

    >>> prepare_gray(np.zeros((50, 70, 3), np.uint8), 2).shape
    (48, 68)
    """
    gray = prepare_input(shrink_to(rgb, PROCESS_MAX_SIDE), "gray")
    step = math.lcm(4, int(stride))
    h, w = max(gray.shape[0] // step, 1) * step, max(gray.shape[1] // step, 1) * step
    return np.ascontiguousarray(gray[:h, :w])


class ImageModeCompute:
    """The worker's computation; keeps the last shift curves (they do not depend on the shift)."""

    def __init__(self):
        self._curve_key = None
        self._curve_frame = None
        self._curve_time = -math.inf
        self._curves = (None, None)

    def __call__(self, job: ShiftJob) -> ImageModeResult:
        """The maps, the measures and the shift curves of one job."""
        p = job.settings
        image = prepare_gray(job.frame.image, p.pool_stride)
        check = equivariance_check(image, job.kernel, p.dy, p.dx, p.boundary)
        conv_x = correlate2d(image, job.kernel, mode="same", boundary=p.boundary)
        offset = pooled_offset(p.dy, p.dx, p.pool_stride) if p.compare == "moved" else (0, 0)
        change = pooled_change(conv_x, check.conv_of_shifted, p.pool_size, p.pool_stride, p.pool_kind,
                               p.boundary, p.antialias, p.blur_filter, offset)
        outline = band_outline(image.shape, job.kernel.shape, p.dy, p.dx)
        curves, curves_blur = self._shift_curves(job, image)
        stale = job.frame is not self._curve_frame
        return ImageModeResult(image, conv_x, check, outline, offset, change, curves, curves_blur, stale)

    def _shift_curves(self, job: ShiftJob, image: np.ndarray):
        """Recompute when the settings change, and for a new frame at most every CURVE_REFRESH_S."""
        p = job.settings
        key = (image.shape, job.kernel.tobytes(), job.kernel.shape, p.boundary, p.pool_kind, p.pool_size,
               p.antialias, p.blur_filter)
        now = time.monotonic()
        new_frame = job.frame is not self._curve_frame and now - self._curve_time > CURVE_REFRESH_S
        if key != self._curve_key or new_frame:
            common = dict(pool_strides=CURVE_STRIDES, pool_size=p.pool_size, kind=p.pool_kind, boundary=p.boundary)
            plain = shift_curves(image, job.kernel, **common)
            blur = shift_curves(image, job.kernel, antialias=True, filter=p.blur_filter, **common) \
                if p.antialias else None
            self._curve_key, self._curve_frame, self._curve_time = key, job.frame, now
            self._curves = (plain, blur)
        return self._curves


def measure_texts(max_abs: float, boundary: str, fraction: float, cosine: float) -> dict:
    """The three sentences of the "Measured" box.

    >>> measure_texts(0.0, "wrap", 0.5, 0.9)["pooled"]
    'pooled units unchanged: 50.0 %'
    """
    exact = " (exactly zero)" if max_abs == 0.0 else ""
    where = "" if max_abs == 0.0 or boundary == "wrap" else ", only in the outlined border band"
    return {"conv": f"max |conv(shift x) − shift(conv x)| = {max_abs:.4g}{exact}{where}",
            "pooled": f"pooled units unchanged: {100 * fraction:.1f} %",
            "cosine": f"cosine similarity of the pooled maps: {cosine:.4f}"}
