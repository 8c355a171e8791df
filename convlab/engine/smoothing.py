"""Smoothing a noisy 1-D signal with a kernel: the lecture's ``s(t) = sum_a x(a) w(t - a)``.

A kernel here is a list of weights together with the LAG of each weight: ``w(lag)`` is the
weight given to the measurement taken ``lag`` samples before t (``a = t - lag``). Lags are
consecutive integers, so a kernel is ``(weights, lags)`` with ``lags = first_lag + arange(k)``.

* causal: lags ``0 .. k-1``; the estimate at t uses only measurements at times ``a <= t``
  (w(lag) = 0 for lag < 0, as the lecture requires for the spaceship).
* centred: lags ``-((k-1)//2) .. k//2``; the tap ``(k-1)//2`` has lag 0, as in
  ``convlab.engine.conv``'s ``same`` mode (an even kernel leans half a sample to the past).

Outside the recorded signal the measurements count as 0 (zero padding). ``mode`` picks the
times t at which s(t) is returned, for n measurements and k taps:

* ``full``: every t that at least one measurement reaches, ``n + k - 1`` values;
* ``same``: one estimate per measurement time ``t = 0 .. n-1``, ``n`` values;
* ``valid``: only t whose whole kernel lies on measurements, ``n - k + 1`` values (none if k > n).

`estimate_times` gives those times. `flip_and_slide` and `commute` spell one estimate out term
by term and show that ``x * w == w * x``.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import check_array, check_choice, check_finite, check_finite_array, check_int, check_positive_int
from .conv import MODES, convolve1d

__all__ = [
    "DECAY_KINDS", "SMOOTHING_KERNELS", "Commutation", "SlideTerms", "SmoothingKernel", "check_lagged_kernel",
    "commute", "default_decay", "error_vs_width", "estimate_times", "flip_and_slide", "kernel_from_weights",
    "lag_of", "mse", "placement_lags", "smooth", "smoothing_kernel",
]

SMOOTHING_KERNELS = ("exponential", "box", "triangle", "gaussian")
_DEFAULT_DECAY_FRACTION = {"exponential": 1 / 4, "gaussian": 1 / 6}
DECAY_KINDS = tuple(_DEFAULT_DECAY_FRACTION)  # the shapes whose decay (time constant, sigma) matters


def default_decay(kind, width):
    """The decay a kernel of `kind` and `width` taps gets when none is given: width/4 for the
    exponential's time constant, width/6 for the Gaussian's sigma (and width for shapes without one).

    >>> default_decay("exponential", 15), default_decay("gaussian", 15)
    (3.75, 2.5)
    """
    return width * _DEFAULT_DECAY_FRACTION.get(kind, 1.0)


class SmoothingKernel(NamedTuple):
    """``weights`` (k,) float64 with ``weights[j] = w(lags[j])``; ``lags`` (k,) int64, consecutive."""

    weights: np.ndarray
    lags: np.ndarray

    @property
    def first_lag(self) -> int:
        """The lag of ``weights[0]``."""
        return int(self.lags[0])


def placement_lags(k, causal):
    """Lags of a k-tap kernel: ``0 .. k-1`` if `causal`, else ``-((k-1)//2) .. k//2``.

    Examples
    --------
    >>> placement_lags(4, causal=False)
    array([-1,  0,  1,  2])
    """
    k = check_positive_int("k", k)
    return np.arange(k, dtype=np.int64) - (0 if causal else (k - 1) // 2)


def check_lagged_kernel(weights, lags=None):
    """Validate a kernel and return ``(weights float64 (k,), lags int64 (k,))``.

    `lags` defaults to ``0 .. k-1`` (causal). Raises ValueError for empty, non-1-D or
    non-finite weights and for lags that are not consecutive integers of the same length.

    Examples
    --------
    >>> check_lagged_kernel([0.5, 0.5])[1]
    array([0, 1])
    """
    weights = check_finite_array("weights", check_array("weights", weights, ndim=1).astype(np.float64))
    if lags is None:
        return weights, np.arange(weights.size, dtype=np.int64)
    lags = np.asarray(lags)
    if lags.shape != weights.shape or not np.issubdtype(lags.dtype, np.integer) \
            or np.any(np.diff(lags) != 1):
        raise ValueError(f"lags must be {weights.size} consecutive integers, one per weight; got {lags!r}")
    return weights, lags.astype(np.int64)


def _normalised(weights, normalise):
    if not normalise:
        return weights
    total = weights.sum()
    if total == 0:
        raise ValueError("weights sum to 0, so they cannot be normalised; use normalise=False")
    return weights / total


def smoothing_kernel(kind, width, decay=None, causal=None, normalise=True):
    """Build a smoothing kernel w(lag).

    Shapes over the k = `width` taps ``j = 0 .. k-1`` (peak 1 before normalising):

    * ``exponential``: ``exp(-lag / decay)``, more weight on recent measurements. Causal by
      default (lags 0 .. k-1); centred it becomes ``exp(-|lag| / decay)``.
    * ``box``: all ones (the plain moving average).
    * ``triangle``: ``min(j + 1, k - j)`` over its peak, e.g. 1 2 3 2 1 over 3.
    * ``gaussian``: ``exp(-(j - (k-1)/2)**2 / (2 decay**2))``.

    Box, triangle and gaussian are centred by default; causal, the same shape is shifted so
    that it only looks back (lags 0 .. k-1).

    Parameters
    ----------
    kind : {"exponential", "box", "triangle", "gaussian"}
    width : int
        Number of taps k (>= 1).
    decay : float, optional
        Time constant (exponential) or standard deviation (gaussian) in samples, > 0.
        Default ``width / 4`` (exponential) or ``width / 6`` (gaussian). Ignored otherwise.
    causal : bool, optional
        Place the kernel causally (True) or centred (False); default True only for exponential.
    normalise : bool, default True
        Divide by the sum so the weights add up to 1 (an average).

    Returns
    -------
    SmoothingKernel
        ``(weights (k,) float64, lags (k,) int64)``.

    Examples
    --------
    >>> smoothing_kernel("box", 4)
    SmoothingKernel(weights=array([0.25, 0.25, 0.25, 0.25]), lags=array([-1,  0,  1,  2]))
    >>> smoothing_kernel("exponential", 3, decay=1.0, normalise=False).lags
    array([0, 1, 2])
    """
    check_choice("kind", kind, SMOOTHING_KERNELS)
    width = check_positive_int("width", width)
    causal = (kind == "exponential") if causal is None else bool(causal)
    if decay is None:
        decay = default_decay(kind, width)
    decay = check_finite("decay", decay, 0, strict=True)
    taps = np.arange(width, dtype=np.float64)
    lags = placement_lags(width, causal)
    if kind == "exponential":
        profile = np.exp(-np.abs(lags) / decay)
    elif kind == "box":
        profile = np.ones(width)
    elif kind == "triangle":
        profile = np.minimum(taps + 1, width - taps)
        profile /= profile.max()
    else:
        profile = np.exp(-0.5 * ((taps - (width - 1) / 2) / decay) ** 2)
    return SmoothingKernel(_normalised(profile, normalise), lags)


def kernel_from_weights(weights, causal=True, normalise=False):
    """Place hand-made weights causally or centred (see `placement_lags`), optionally normalised.

    Examples
    --------
    >>> kernel_from_weights([1.0, 3.0], normalise=True)
    SmoothingKernel(weights=array([0.25, 0.75]), lags=array([0, 1]))
    """
    weights, _ = check_lagged_kernel(weights)
    return SmoothingKernel(_normalised(weights, normalise), placement_lags(weights.size, causal))


def estimate_times(n, lags, mode="same"):
    """The times t at which `smooth` returns s(t), for n measurements (see the module docstring).

    Returns
    -------
    ndarray, shape (n + k - 1,), (n,) or (max(n - k + 1, 0),), int64

    Examples
    --------
    >>> estimate_times(5, [0, 1, 2], "full")
    array([0, 1, 2, 3, 4, 5, 6])
    >>> estimate_times(5, [-1, 0, 1], "valid")
    array([1, 2, 3])
    """
    n = check_positive_int("n", n)
    _, lags = check_lagged_kernel(np.zeros(len(lags)), lags)
    check_choice("mode", mode, MODES)
    if mode == "same":
        return np.arange(n, dtype=np.int64)
    if mode == "full":
        return np.arange(lags[0], n + lags[-1], dtype=np.int64)
    return np.arange(lags[-1], n + lags[0], dtype=np.int64)


def smooth(x, weights, lags=None, mode="same"):
    """Smoothed estimate ``s(t) = sum_a x(a) w(t - a)``, computed with `convolve1d`.

    Parameters
    ----------
    x : array_like, shape (n,)
        The measurements x(0) .. x(n-1); 0 outside.
    weights : array_like, shape (k,)
        Kernel weights, ``weights[j] = w(lags[j])``.
    lags : array_like of int, shape (k,), optional
        Consecutive lags of the weights; default ``0 .. k-1`` (causal).
    mode : {"same", "full", "valid"}, default "same"
        Which times t to return; `estimate_times` lists them.

    Returns
    -------
    ndarray, shape (len(estimate_times(n, lags, mode)),)
        float64.

    Examples
    --------
    >>> smooth([3.0, 6.0, 9.0], [0.5, 0.5])  # mean of the newest two measurements
    array([1.5, 4.5, 7.5])
    >>> smooth([3.0, 6.0, 9.0], [0.5, 0.5], mode="valid")
    array([4.5, 7.5])
    """
    x = check_array("x", x, ndim=1)
    weights, lags = check_lagged_kernel(weights, lags)
    times = estimate_times(x.size, lags, mode)
    full = convolve1d(x, weights, "full")  # full[i] = s(lags[0] + i)
    index = times - lags[0]
    inside = (index >= 0) & (index < full.size)
    estimate = np.zeros(times.size, dtype=full.dtype)
    estimate[inside] = full[index[inside]]
    return estimate


def mse(estimate, truth):
    """Mean squared error ``mean((estimate - truth)**2)`` of two equally long signals.

    Examples
    --------
    >>> mse([1.0, 2.0], [1.0, 4.0])
    2.0
    """
    estimate = check_array("estimate", estimate, ndim=1)
    truth = check_array("truth", truth, ndim=1)
    if estimate.shape != truth.shape:
        raise ValueError(f"estimate and truth must have the same shape; got {estimate.shape} and {truth.shape}")
    return float(np.mean((estimate.astype(np.float64) - truth) ** 2))


def error_vs_width(x, truth, widths, kind, decay=None, causal=None, normalise=True, mode="same"):
    """MSE of the estimate against the truth for each kernel width.

    The error is measured at the estimate times of `mode` that lie inside the record
    (``0 <= t < n``); a width with no such time (``valid`` with k > n) gives NaN.

    Parameters
    ----------
    x, truth : array_like, shape (n,)
        Measurements and true values at the same times.
    widths : sequence of int
        Widths (taps) to try.
    kind, decay, causal, normalise
        As in `smoothing_kernel`; ``decay=None`` lets the decay grow with the width.
    mode : {"same", "full", "valid"}, default "same"

    Returns
    -------
    ndarray, shape (len(widths),), float64

    Examples
    --------
    >>> error_vs_width([1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1], "box")
    array([0.])
    """
    x = check_array("x", x, ndim=1)
    truth = check_array("truth", truth, ndim=1)
    if truth.shape != x.shape:
        raise ValueError(f"truth must have the shape of x {x.shape}; got {truth.shape}")
    errors = []
    for width in widths:
        kernel = smoothing_kernel(kind, width, decay, causal, normalise)
        times = estimate_times(x.size, kernel.lags, mode)
        keep = (times >= 0) & (times < x.size)
        if not keep.any():
            errors.append(np.nan)
            continue
        estimate = smooth(x, kernel.weights, kernel.lags, mode)
        errors.append(mse(estimate[keep], truth[times[keep]]))
    return np.asarray(errors, dtype=np.float64)


def lag_of(weights, lags=None):
    """Mean lag ``sum(lag * w(lag)) / sum(w)``: how far, on average, the estimate looks back.

    A causal kernel delays the estimate by about this many samples; a symmetric centred one
    has lag 0. Raises ValueError when the weights sum to 0.

    Examples
    --------
    >>> lag_of([1.0, 1.0, 1.0])  # causal box of 3: the middle measurement is 1 sample old
    1.0
    """
    weights, lags = check_lagged_kernel(weights, lags)
    total = weights.sum()
    if total == 0:
        raise ValueError("weights sum to 0, so the kernel has no mean lag")
    return float((lags * weights).sum() / total)


class SlideTerms(NamedTuple):
    """The k terms of ``s(t) = sum_a x(a) w(t - a)``, ordered by measurement time a.

    ``times`` (k,) int64: ``a = t - lag``, ascending; ``measurements`` (k,): x(a), 0 outside the
    record; ``flipped_weights`` (k,): w(t - a), the kernel flipped and slid to t; ``products``
    (k,): ``x(a) * w(t - a)``; ``total``: their sum, s(t).
    """

    times: np.ndarray
    measurements: np.ndarray
    flipped_weights: np.ndarray
    products: np.ndarray
    total: float


def flip_and_slide(x, weights, lags=None, t=0):
    """Spell out the estimate at time `t` term by term (the flip-and-slide picture).

    Examples
    --------
    >>> terms = flip_and_slide([3.0, 6.0, 9.0], [0.75, 0.25], t=2)
    >>> terms.times, terms.flipped_weights, terms.total
    (array([1, 2]), array([0.25, 0.75]), 8.25)
    """
    x = check_array("x", x, ndim=1).astype(np.float64)
    weights, lags = check_lagged_kernel(weights, lags)
    t = check_int("t", t, minimum=None)
    times = t - lags[::-1]
    inside = (times >= 0) & (times < x.size)
    measurements = np.zeros(times.size)
    measurements[inside] = x[times[inside]]
    products = measurements * weights[::-1]
    return SlideTerms(times, measurements, weights[::-1].copy(), products, float(products.sum()))


class Commutation(NamedTuple):
    """``x * w`` and ``w * x`` (both full, length n + k - 1) and their largest difference."""

    x_conv_w: np.ndarray
    w_conv_x: np.ndarray
    max_difference: float


def commute(x, weights):
    """Compute ``x * w`` and ``w * x`` in two different ways and compare them.

    ``x * w`` is `convolve1d(x, w, "full")`, ``(x * w)[n] = sum_m x[m] w[n - m]`` (the
    kernel slides over the signal); ``w * x`` follows ``(w * x)[n] = sum_j w[j] x[n - j]``
    literally (the signal slides over the kernel: one shifted copy of x per weight).
    The two agree up to rounding (about 1e-16 relative).

    Returns
    -------
    Commutation
        ``(x_conv_w (n + k - 1,), w_conv_x (n + k - 1,), max_difference)``, float64.

    Examples
    --------
    >>> commute([1.0, 2.0], [1.0, 1.0, 1.0]).w_conv_x
    array([1., 3., 3., 2.])
    """
    x = check_array("x", x, ndim=1).astype(np.float64)
    weights, _ = check_lagged_kernel(weights)
    x_conv_w = convolve1d(x, weights, "full")
    w_conv_x = np.zeros(x.size + weights.size - 1)
    for j, weight in enumerate(weights):
        w_conv_x[j:j + x.size] += weight * x
    return Commutation(x_conv_w, w_conv_x, float(np.max(np.abs(x_conv_w - w_conv_x))))
