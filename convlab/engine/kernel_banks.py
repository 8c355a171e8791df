"""Ready-made kernel banks: the hand-designed and random kernels the lecture names.

Examples
--------
>>> names, kernels = make_bank("edges", size=3)
>>> kernels.shape[1:]
(3, 3)
"""
from __future__ import annotations

import numpy as np

from ._checks import check_choice, check_int
from .kernels import EDGE_PRESET_NAMES, PRESET_NAMES, default_bank, gabor_kernel, preset_kernel, random_bank

__all__ = ["BANK_CHOICES", "BANK_LABELS", "make_bank"]

BANK_CHOICES = ("default", "presets", "edges", "gabor", "random")
BANK_LABELS = {
    "default": "Hand-designed mix",
    "presets": "Every preset",
    "edges": "Edges and corners",
    "gabor": "Gabor, 8 orientations",
    "random": "Random (seeded)",
}


def make_bank(choice="default", size=3, count=16, seed=0):
    """Build a named kernel bank.

    Parameters
    ----------
    choice : {"default", "presets", "edges", "gabor", "random"}
        ``default`` is a hand-designed mix; ``presets`` every kernel of
        :data:`convlab.engine.kernels.PRESET_NAMES`; ``edges`` holds edge and corner detectors; ``gabor`` a
        Gabor kernel at 8 orientations; ``random`` zero-mean unit-norm random kernels.
    size : int
        Kernel size (odd sizes 3..15 for the hand-designed presets).
    count : int
        Number of kernels for ``random`` (1..64).
    seed : int
        Seed for ``random``.

    Returns
    -------
    names : list of str
    kernels : ndarray, float32, (K, size, size)
    """
    check_choice("choice", choice, BANK_CHOICES)
    if choice == "default":
        names, kernels = default_bank(size)
        return list(names), np.asarray(kernels, np.float32)
    if choice == "presets":
        names = [n for n in PRESET_NAMES if n != "gabor"]
        return names, np.asarray([preset_kernel(n, size) for n in names], np.float32)
    if choice == "edges":
        kernels = [preset_kernel(n, size) for n in EDGE_PRESET_NAMES]
        return list(EDGE_PRESET_NAMES), np.asarray(kernels, np.float32)
    if choice == "gabor":
        angles = [22.5 * i for i in range(8)]
        names = [f"gabor {a:g}°" for a in angles]
        kernels = [gabor_kernel(size, np.deg2rad(a)) for a in angles]
        return names, np.asarray(kernels, np.float32)
    count = check_int("count", count, 1, 64)
    kernels = random_bank(count, size, seed=seed)
    return [f"random {i}" for i in range(count)], np.asarray(kernels, np.float32)
