"""Display levels for feature maps and kernels (pure NumPy); the colour tables are the theme's."""
from __future__ import annotations

import numpy as np

from convlab.ui.theme import diverging_lut, magnitude_lut  # noqa: F401 (re-exported)

# Hysteresis of LevelTracker: the scale is kept while the peak stays inside [scale / 1.25**2, scale].
_HEADROOM = 1.25
_TINY = 1e-12


def _as_stack(maps) -> np.ndarray:
    """View ``maps`` as a (K, H*W) stack; (H, W) counts as K=1."""
    maps = np.asarray(maps)
    if maps.ndim == 2:
        maps = maps[np.newaxis]
    if maps.ndim != 3 or maps.size == 0:
        raise ValueError(f"maps must be a non-empty (K, H, W) or (H, W) array, got shape {maps.shape}")
    return maps.reshape(maps.shape[0], -1)


def _peaks(maps, per_map: bool) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative peaks (max of x and of -x, floored at 0), shape (K,) or (1,)."""
    flat = _as_stack(maps)
    high = np.nanmax(flat, axis=1).astype(np.float64)
    low = np.nanmin(flat, axis=1).astype(np.float64)
    positive = np.nan_to_num(np.maximum(high, 0.0))
    negative = np.nan_to_num(np.maximum(-low, 0.0))
    if not per_map:
        positive, negative = positive.max(keepdims=True), negative.max(keepdims=True)
    return positive, negative


def _finish(low: np.ndarray, high: np.ndarray, per_map: bool):
    """Pack level arrays: (K, 2) float64 when per_map, else a (low, high) tuple of floats."""
    high = np.maximum(high, low + _TINY)
    if per_map:
        return np.stack([low, high], axis=1)
    return float(low[0]), float(high[0])


def symmetric_levels(maps, per_map: bool):
    """Levels (-m, m) with m = max |value|: a (low, high) tuple, or a (K, 2) array if per_map.

    >>> symmetric_levels(np.array([[[1.0, -3.0]]]), per_map=False)
    (-3.0, 3.0)
    """
    positive, negative = _peaks(maps, per_map)
    scale = np.maximum(positive, negative)
    return _finish(-scale, scale, per_map)


def magnitude_levels(maps, per_map: bool):
    """Levels (min(0, data min), max): from 0 for non-negative maps; tuple, or (K, 2) if per_map.

    >>> magnitude_levels(np.array([[[1.0, 4.0]]]), per_map=False)
    (0.0, 4.0)
    """
    positive, negative = _peaks(maps, per_map)
    return _finish(-negative, positive, per_map)


class LevelTracker:
    """Flicker-free levels: each peak keeps its scale until it grows past it or shrinks by > 25%.

    Signed: the peak |value| is tracked; unsigned: the positive and negative peaks are tracked
    separately (magnitude levels), per map or shared. A tracked scale is
    recomputed only when the new peak leaves the band [scale / 1.25**2, scale]; it is then set to
    1.25 * peak, so the peak sits at 80% of the colour range and small changes keep the levels fixed.
    """

    def __init__(self, signed: bool = True, per_map: bool = True):
        """Start with no history; ``signed`` picks symmetric levels, else magnitude levels."""
        self.signed = bool(signed)
        self.per_map = bool(per_map)
        self._positive: np.ndarray | None = None
        self._negative: np.ndarray | None = None

    def reset(self) -> None:
        """Forget the tracked scales; the next update starts fresh."""
        self._positive = None
        self._negative = None

    def update(self, maps) -> np.ndarray:
        """Feed (K, H, W) maps; return the (K, 2) float64 levels to display them with."""
        k = _as_stack(maps).shape[0]
        positive, negative = _peaks(maps, self.per_map)
        if self.signed:
            positive = negative = np.maximum(positive, negative)
        if self._positive is None or self._positive.shape != positive.shape:
            self._positive, self._negative = _HEADROOM * positive, _HEADROOM * negative
        else:
            self._positive = _follow(self._positive, positive)
            self._negative = _follow(self._negative, negative)
        if self.signed:
            scale = np.maximum(self._positive, self._negative)
            low, high = -scale, scale
        else:
            low, high = -self._negative, self._positive
        levels = _finish(low, high, per_map=True)
        return np.broadcast_to(levels, (k, 2)).copy()


def _follow(scale: np.ndarray, peak: np.ndarray) -> np.ndarray:
    """Hysteresis step: keep ``scale`` where ``peak`` is in [scale / 1.25**2, scale], else re-fit."""
    refit = (peak > scale) | (peak < scale / _HEADROOM**2)
    return np.where(refit, _HEADROOM * peak, scale)
