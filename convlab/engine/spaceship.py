"""The lecture's spaceship: a smooth true path x_true(t) and noisy measurements x(t) of it.

The path is a sum of a few slow sinusoids whose amplitudes, frequencies and phases come from a
seed, so the same seed always gives the same flight. The measurement noise is one fixed pattern
of standard normal values (also from the seed) multiplied by the noise level: moving a noise
slider scales the same noise instead of drawing new noise.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import check_finite, check_int, check_positive_int

__all__ = ["SpaceshipTrack", "spaceship_track"]

_SINUSOIDS = 3
_FREQUENCY_RANGE = (0.004, 0.02)  # cycles per time unit
_AMPLITUDE_RANGE = (0.5, 1.5)


class SpaceshipTrack(NamedTuple):
    """A generated flight: sampling times, true positions and noisy measurements.

    Attributes
    ----------
    time : ndarray, shape (n,), float64
        Time of each measurement, ``arange(n) * step``.
    truth : ndarray, shape (n,), float64
        The true position x_true at those times.
    measured : ndarray, shape (n,), float64
        What the noisy monitor reports: ``truth + noise * z`` with z standard normal.
    """

    time: np.ndarray
    truth: np.ndarray
    measured: np.ndarray


def spaceship_track(length=400, step=1.0, noise=0.5, seed=0):
    """Generate the spaceship's true path and its noisy measurements.

    ``x_true(t) = sum_i A_i sin(2 pi f_i t + phi_i)`` for three sinusoids with amplitudes
    ``A_i`` in [0.5, 1.5] and slow frequencies ``f_i`` in [0.004, 0.02] cycles per time unit,
    drawn from `seed`; ``x(t) = x_true(t) + noise * z(t)`` with ``z`` standard normal noise
    drawn from the same seed. A smaller `step` samples the same flight more densely.

    Parameters
    ----------
    length : int, default 400
        Number of measurements n (>= 1).
    step : float, default 1.0
        Sampling step: time between two measurements (finite, > 0).
    noise : float, default 0.5
        Standard deviation of the measurement noise (finite, >= 0).
    seed : int, default 0
        Chooses the flight and the noise pattern (>= 0).

    Returns
    -------
    SpaceshipTrack
        ``(time, truth, measured)``, three float64 arrays of shape (length,).

    Raises
    ------
    ValueError
        If `length` is not an integer >= 1, `step` is not > 0, `noise` is negative or not
        finite, or `seed` is not an integer >= 0.

    Examples
    --------
    >>> track = spaceship_track(length=5, noise=0.0)
    >>> track.truth.shape, bool(np.all(track.measured == track.truth))
    ((5,), True)
    """
    length = check_positive_int("length", length)
    step = check_finite("step", step, 0, strict=True)
    noise = check_finite("noise", noise, 0)
    seed = check_int("seed", seed)
    path_rng, noise_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    amplitudes = path_rng.uniform(*_AMPLITUDE_RANGE, _SINUSOIDS)
    frequencies = path_rng.uniform(*_FREQUENCY_RANGE, _SINUSOIDS)
    phases = path_rng.uniform(0.0, 2.0 * np.pi, _SINUSOIDS)
    time = np.arange(length, dtype=np.float64) * step
    truth = (amplitudes * np.sin(2.0 * np.pi * frequencies * time[:, None] + phases)).sum(axis=1)
    measured = truth + noise * noise_rng.standard_normal(length)
    return SpaceshipTrack(time, truth, measured)
