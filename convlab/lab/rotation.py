"""Learned rotation invariance without Qt: one kernel at n orientations, pooled over the orientations.

The sweep turns the input through 0..360 degrees in 5-degree steps (73 angles) and records the
strongest response of each orientation and of their maximum; the view at one angle shows the
turned input, each orientation's feature map and the map pooled over orientations. The sweep and
the digits of scikit-learn take longer than a frame: the panel runs `RotationCompute` on its worker.

>>> settings = RotationSettings(orientations=4)
>>> result = RotationCompute()(RotationJob(settings, built_in_kernel()))
>>> result.sweep.per_orientation.shape, result.view.responses.shape
((73, 4), (4, 72, 72))
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import ndimage

from convlab.engine.kernels import gabor_kernel
from convlab.engine.rotation_invariance import (
    bar_image,
    orientation_pooling,
    orientation_sweep,
    rotate_image,
    rotated_bank,
)
from convlab.io.lesson_fields import text
from convlab.lab.settings import from_section, setting

__all__ = ["AngleView", "BUILT_IN_KERNEL", "INPUTS", "RotationCompute", "RotationJob", "RotationResult",
           "RotationSettings", "RotationSweep", "bank_strip", "built_in_kernel", "input_image",
           "kernel_labels", "rotation_settings_from_section"]

BUILT_IN_KERNEL = "Gabor bar detector 11×11"
INPUTS = ("bar",) + tuple(f"digit {d}" for d in range(10))
SPAN_LABELS = {180.0: "180° (symmetric kernel)", 360.0: "360° (kernel with a polarity)"}
SWEEP_STEP_DEGREES = 5
SIDE = 72
MAX_NAME = 200


@dataclass(frozen=True)
class RotationSettings:
    """The input and its angle, and the bank: one kernel (built in or a bank name), turned."""

    angle: int = setting(30, "Angle", low=0, high=360, suffix="°")
    input: str = setting("bar", "Input", choices=INPUTS)
    kernel: str = setting(BUILT_IN_KERNEL, "Kernel")
    orientations: int = setting(8, "Orientations", low=2, high=16)
    span: float = setting(180.0, "Spread over", choices=tuple(SPAN_LABELS), labels=SPAN_LABELS)


def rotation_settings_from_section(section, where: str) -> tuple[RotationSettings, list]:
    """A lesson's rotation section checked against the declarations (a whole-number spread is read as
    degrees too); missing fields take their defaults. Returns ``(settings, warnings)``.

    >>> rotation_settings_from_section({"span": 360, "angle": 90}, "Translation")[0].span
    360.0
    """
    if isinstance(section, dict) and type(section.get("span")) is int:
        section = {**section, "span": float(section["span"])}
    settings, warnings = from_section(RotationSettings, section, where)
    text(MAX_NAME, empty=False)(settings.kernel, "kernel")
    return settings, warnings


def kernel_labels(names) -> dict:
    """How the kernel chooser shows the built-in kernel and the bank's kernels."""
    return {BUILT_IN_KERNEL: BUILT_IN_KERNEL, **{name: f"bank: {name}" for name in names}}


def built_in_kernel() -> np.ndarray:
    """The built-in bar detector: an 11 x 11 Gabor kernel, six pixels a period."""
    return gabor_kernel(11, 0.0, frequency=1 / 6)


@lru_cache(maxsize=16)
def input_image(name: str) -> np.ndarray:
    """A 72x72 float image in [0, 1]: a bar, or a digit of scikit-learn's load_digits upscaled x6 with a margin."""
    if name == "bar":
        return bar_image(SIDE, length=36, width=4)
    from sklearn.datasets import load_digits  # ships with scikit-learn: no download

    digits = load_digits()
    index = int(np.flatnonzero(digits.target == int(name.split()[-1]))[0])
    big = ndimage.zoom(digits.images[index] / 16.0, 6, order=1)
    pad = (SIDE - big.shape[0]) // 2
    return np.clip(np.pad(big, ((pad, SIDE - big.shape[0] - pad),) * 2), 0.0, 1.0)


def bank_strip(bank: np.ndarray) -> np.ndarray:
    """The kernels side by side with a one-pixel NaN gap, for one tile.

    >>> bank_strip(np.ones((3, 2, 2))).shape
    (2, 8)
    """
    gap = np.full((bank.shape[1], 1), np.nan)
    return np.hstack([part for k in bank for part in (k, gap)][:-1])


@dataclass(frozen=True)
class RotationJob:
    """The settings and the chosen kernel (kh, kw) as an array."""

    settings: RotationSettings
    kernel: np.ndarray


@dataclass(frozen=True)
class RotationSweep:
    """The turned bank and the strongest responses over all angles of the input."""

    image: np.ndarray
    orientations: np.ndarray
    rotated_kernels: np.ndarray
    angles: np.ndarray
    per_orientation: np.ndarray  # (angles, orientations)
    pooled_curve: np.ndarray  # (angles,)


@dataclass(frozen=True)
class AngleView:
    """The input turned by one angle, each orientation's response and their maximum."""

    angle: float
    rotated: np.ndarray
    responses: np.ndarray  # (orientations, H, W)
    pooled: np.ndarray


@dataclass(frozen=True)
class RotationResult:
    """What the rotation mode draws for one job."""

    sweep: RotationSweep
    view: AngleView


def rotation_sweep(image: np.ndarray, kernel: np.ndarray, settings: RotationSettings) -> RotationSweep:
    """Turn the kernel to the orientations and the input through 0..360 degrees."""
    orientations, bank = rotated_bank(np.asarray(kernel, dtype=np.float64), settings.orientations, settings.span)
    angles = np.arange(0, 361, SWEEP_STEP_DEGREES, dtype=np.float64)
    per_orientation, pooled = orientation_sweep(image, bank, angles)
    return RotationSweep(image, orientations, bank, angles, per_orientation, pooled)


def angle_view(sweep: RotationSweep, angle: float) -> AngleView:
    """The maps at one angle of the input."""
    rotated = rotate_image(sweep.image, float(angle))
    responses, pooled = orientation_pooling(rotated, sweep.rotated_kernels)
    return AngleView(float(angle), rotated, responses, pooled)


class RotationCompute:
    """The worker's computation: the sweep (kept while input, kernel and bank stay) and the angle's view."""

    def __init__(self):
        self._key = None
        self._sweep = None

    def __call__(self, job: RotationJob) -> RotationResult:
        """The sweep of the job's input and kernel, and the view at its angle."""
        s, kernel = job.settings, np.asarray(job.kernel, dtype=np.float64)
        key = (s.input, kernel.tobytes(), kernel.shape, s.orientations, s.span)
        if key != self._key:
            self._sweep = rotation_sweep(input_image(s.input), kernel, s)
            self._key = key
        return RotationResult(self._sweep, angle_view(self._sweep, s.angle))
