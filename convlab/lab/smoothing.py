"""Signal smoothing: the lecture's spaceship, ``s(t) = sum_a x(a) w(t - a)``, as a 1-D convolution.

:class:`SmoothingParams` holds everything the signal-smoothing panel's controls decide (the signal,
the kernel, the boundary mode); :func:`make_job` pairs them with the measurements, and
:func:`compute_smoothing` computes everything the panel draws: both placements of the kernel, their
errors against the true path, the error for every width, the mean lags and the commutativity check.

>>> job = make_job(SmoothingParams(kind="box", width=5, causal=False))
>>> result = compute_smoothing(job)
>>> result.times.size, round(result.lags[False], 6) + 0.0, round(result.lags[True], 6)
(400, 0.0, 2.0)
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from convlab.engine.conv import MODES
from convlab.engine.smoothing import (
    DECAY_KINDS,
    SMOOTHING_KERNELS,
    Commutation,
    SmoothingKernel,
    commute,
    error_vs_width,
    estimate_times,
    kernel_from_weights,
    lag_of,
    mse,
    smooth,
    smoothing_kernel,
)
from convlab.engine.smoothing import default_decay as engine_default_decay
from convlab.engine.spaceship import spaceship_track
from convlab.lab.settings import setting

__all__ = ["DECAY_KINDS", "KINDS", "MAX_WIDTH", "SWEEP_WIDTHS", "SmoothingJob", "SmoothingParams", "SmoothingResult",
           "WidthSweep", "compute_smoothing", "default_decay", "kernels_for", "make_job", "stretch"]

KINDS = SMOOTHING_KERNELS + ("drawn",)
KIND_LABELS = {"exponential": "exponential decay", "box": "box (moving average)", "triangle": "triangle",
               "gaussian": "Gaussian", "drawn": "hand-drawn"}
MODE_LABELS = {"same": "same (n estimates)", "full": "full (n + k − 1)", "valid": "valid (n − k + 1)"}
SOURCE_LABELS = {"spaceship": "spaceship (generated)", "file": "loaded file"}
PLACEMENT_LABELS = {True: "causal (past only)", False: "centred"}
MAX_WIDTH = 151
SWEEP_WIDTHS = np.unique(np.concatenate([np.arange(1, 21), np.arange(21, MAX_WIDTH + 1, 4)]))
GENERATOR_FIELDS = ("length", "step", "noise", "seed")  # what a loaded signal makes irrelevant


def default_decay(kind: str, width: int) -> float:
    """The decay that follows the width: the engine's default for `kind`; shapes without a decay keep
    the exponential's (the slider shows it greyed out, and it is ready when the shape changes back).

    >>> default_decay("exponential", 15), default_decay("gaussian", 15), default_decay("box", 15)
    (3.75, 2.5, 3.75)
    """
    return engine_default_decay(kind if kind in DECAY_KINDS else "exponential", width)


def stretch(weights, width: int) -> np.ndarray:
    """Resample drawn weights (k,) to `width` taps by linear interpolation along the kernel.

    >>> stretch([0.0, 1.0], 3)
    array([0. , 0.5, 1. ])
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.size == width:
        return weights.copy()
    if weights.size == 1 or width == 1:
        return np.full(width, float(weights.mean()))
    return np.interp(np.linspace(0, 1, width), np.linspace(0, 1, weights.size), weights)


@dataclass(frozen=True)
class SmoothingParams:
    """Everything that decides what the smoothing panel computes.

    ``settled()`` puts numbers on the resolution of their controls (step 0.01, noise 0.01, decay
    0.25 samples) and makes the decay follow the width when ``decay_follows_width``.

    >>> SmoothingParams(kind="gaussian", width=21).settled().decay
    3.5
    >>> sorted(SmoothingParams(source="file", kind="box").inactive())
    ['decay', 'decay_follows_width', 'length', 'noise', 'seed', 'step']
    """

    source: str = setting("spaceship", "Source", choices=("spaceship", "file"), labels=SOURCE_LABELS)
    length: int = setting(400, "Length n", low=20, high=10000)
    step: float = setting(1.0, "Sampling step", low=0.05, high=10.0, step=0.05)
    noise: float = setting(0.5, "Noise level", low=0.0, high=2.0, step=0.01)
    seed: int = setting(0, "Seed", low=0, high=99999)
    kind: str = setting("exponential", "Shape", choices=KINDS, labels=KIND_LABELS)
    width: int = setting(15, "Width k (taps)", low=1, high=MAX_WIDTH)
    decay: float = setting(3.75, "Decay τ / σ", low=0.25, high=60.0, step=0.25)
    decay_follows_width: bool = setting(True, "decay follows the width")
    causal: bool = setting(True, "Placement", choices=(True, False), labels=PLACEMENT_LABELS)
    normalise: bool = setting(True, "normalise: weights sum to 1")
    mode: str = setting("same", "Mode", choices=MODES, labels=MODE_LABELS)

    def settled(self) -> SmoothingParams:
        """These settings on the controls' resolution, with the decay following the width if asked."""
        params = replace(self, step=round(self.step, 2), noise=round(self.noise * 100) / 100,
                         decay=round(self.decay * 4) / 4)
        if params.decay_follows_width:
            params = replace(params, decay=default_decay(params.kind, params.width))
        return params

    def inactive(self) -> set[str]:
        """The fields that have no effect now: the generator's with a loaded file, the decay's when it
        follows the width or the shape has none."""
        off = set(GENERATOR_FIELDS) if self.source == "file" else set()
        if self.kind not in DECAY_KINDS:
            off |= {"decay", "decay_follows_width"}
        elif self.decay_follows_width:
            off.add("decay")
        return off


@dataclass(frozen=True, eq=False)
class SmoothingJob:
    """Parameters, the measurements x (n,), the true path (n,) or None, and hand-drawn weights or None."""

    params: SmoothingParams
    x: np.ndarray
    truth: np.ndarray | None = None
    drawn: np.ndarray | None = None


@dataclass(frozen=True)
class WidthSweep:
    """MSE for each width, for the causal (True) and centred (False) placement."""

    widths: np.ndarray
    errors: dict


@dataclass(frozen=True, eq=False)
class SmoothingResult:
    """Everything the panel draws for one job (``c`` below is ``causal``, the chosen placement).

    ``kernel``/``times``/``estimate`` belong to the chosen placement, ``other_*`` to the other one;
    ``errors`` and ``lags`` are ``{placement: value}`` (errors empty without a true path, a lag None
    when the weights sum to 0); ``sweep`` is None (with ``sweep_note`` saying why) for a loaded signal.
    """

    job: SmoothingJob
    causal: bool
    kernel: SmoothingKernel
    other_kernel: SmoothingKernel
    times: np.ndarray
    estimate: np.ndarray
    other_times: np.ndarray
    other_estimate: np.ndarray
    sweep: WidthSweep | None
    sweep_note: str
    raw_mse: float | None
    errors: dict
    lags: dict
    commutation: Commutation


def make_job(params: SmoothingParams, loaded=None, drawn=None) -> SmoothingJob:
    """The job for `params`: the loaded signal (no true path) when the source is a file and one is
    loaded, else the generated spaceship; hand-drawn weights stretched to the width when in use.

    >>> make_job(SmoothingParams(kind="drawn", width=3), drawn=[1.0, 2.0]).drawn
    array([1. , 1.5, 2. ])
    """
    if params.source == "file" and loaded is not None:
        x, truth = np.asarray(loaded, dtype=np.float64), None
    else:
        _, truth, x = spaceship_track(params.length, params.step, params.noise, params.seed)
    if params.kind == "drawn":
        drawn = stretch(np.ones(params.width) if drawn is None else drawn, params.width)
    return SmoothingJob(params, x, truth, None if drawn is None else np.array(drawn, dtype=np.float64))


def kernels_for(job: SmoothingJob) -> tuple[SmoothingKernel, SmoothingKernel]:
    """The chosen kernel and the same kernel in the other placement."""
    p = job.params
    placements = (p.causal, not p.causal)
    if p.kind == "drawn":
        return tuple(kernel_from_weights(job.drawn, causal, p.normalise) for causal in placements)
    return tuple(smoothing_kernel(p.kind, p.width, p.decay, causal, p.normalise) for causal in placements)


def _error(x, truth, kernel, mode) -> float:
    """MSE against the truth at the estimate times inside the record (NaN when there are none)."""
    times = estimate_times(x.size, kernel.lags, mode)
    keep = (times >= 0) & (times < x.size)
    return mse(smooth(x, *kernel, mode)[keep], truth[times[keep]]) if keep.any() else float("nan")


def _sweep(job: SmoothingJob) -> tuple[WidthSweep | None, str]:
    p, x, truth = job.params, job.x, job.truth
    if truth is None:
        return None, "A loaded signal has no true path:\nthe error cannot be measured."
    widths = SWEEP_WIDTHS[SWEEP_WIDTHS <= x.size]
    if p.kind == "drawn":  # the drawn shape, stretched to each width
        errors = {c: np.array([_error(x, truth, kernel_from_weights(stretch(job.drawn, w), c, p.normalise), p.mode)
                               for w in widths]) for c in (True, False)}
        return WidthSweep(widths, errors), ""
    decay = None if p.decay_follows_width else p.decay
    errors = {c: error_vs_width(x, truth, widths, p.kind, decay, c, p.normalise, p.mode) for c in (True, False)}
    return WidthSweep(widths, errors), ""


def compute_smoothing(job: SmoothingJob) -> SmoothingResult:
    """Both estimates, errors, width sweep and commutativity of a job (runs on the panel's worker).

    Raises ValueError from the engine, e.g. for drawn weights that sum to 0 and are normalised.
    """
    p, x, truth, c = job.params, job.x, job.truth, job.params.causal
    chosen, other = kernels_for(job)
    kernels = {c: chosen, not c: other}
    times = {k: estimate_times(x.size, kernel.lags, p.mode) for k, kernel in kernels.items()}
    estimates = {k: smooth(x, *kernel, p.mode) for k, kernel in kernels.items()}
    errors = {} if truth is None else {k: _error(x, truth, kernel, p.mode) for k, kernel in kernels.items()}
    lags = {k: lag_of(*kernel) if kernel.weights.sum() != 0 else None for k, kernel in kernels.items()}
    return SmoothingResult(job, c, chosen, other, times[c], estimates[c], times[not c], estimates[not c],
                           *_sweep(job), None if truth is None else mse(x, truth), errors, lags,
                           commute(x, chosen.weights))
