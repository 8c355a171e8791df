"""What every frame source shares: the :class:`Frame` it hands out and the :class:`FrameSource` protocol."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Frame", "FrameSource", "as_rgb_frame_image"]


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture from a source (compared and hashed by identity, never by pixel content).

    Attributes
    ----------
    image : numpy.ndarray
        ``uint8`` array of shape ``(H, W, 3)``, RGB order. Treat it as read-only: sources may
        hand the same array out more than once.
    index : int
        Running number of the frame within its source, starting at 0.
    timestamp : float
        ``time.perf_counter()`` when the frame arrived.
    """

    image: np.ndarray
    index: int
    timestamp: float


@runtime_checkable
class FrameSource(Protocol):
    """Anything that hands out frames: a still image, a synthetic scene, a video file, a camera.

    Attributes
    ----------
    name : str
        Short label for the user ("china", "moving shapes", "clip.mp4", "camera").
    live : bool
        True when the source produces new frames over time.
    interval_ms : int or None
        For pull-driven animated sources, how often to call :meth:`read`; None for push
        sources (they signal new frames) and for stills.
    """

    name: str
    live: bool
    interval_ms: int | None

    def read(self) -> Frame | None:
        """Return the newest frame (a still returns the same frame every time), or None if none yet."""

    def close(self) -> None:
        """Release whatever the source holds (files, devices, timers)."""


def as_rgb_frame_image(image: np.ndarray, name: str = "image") -> np.ndarray:
    """Validate a picture and return it as a read-only C-contiguous ``uint8 (H, W, 3)`` copy.

    Parameters
    ----------
    image : numpy.ndarray
        ``uint8`` array of shape ``(H, W, 3)`` (RGB) or ``(H, W)`` (grayscale, repeated on 3 channels).
    name : str
        Argument name used in error messages.

    Returns
    -------
    numpy.ndarray
        A new ``uint8 (H, W, 3)`` array with ``writeable=False``.

    Examples
    --------
    >>> as_rgb_frame_image(np.zeros((2, 3), np.uint8)).shape
    (2, 3, 3)
    """
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise TypeError(f"{name} must be a numpy uint8 array, got {getattr(image, 'dtype', type(image))}")
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] != 3 or 0 in image.shape:
        raise ValueError(f"{name} must have shape (H, W, 3) or (H, W) with H, W >= 1, got {image.shape}")
    copy = np.array(image, dtype=np.uint8, order="C", copy=True)
    copy.setflags(write=False)
    return copy
