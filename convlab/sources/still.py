"""A still picture as a frame source: the same frame every time it is read."""
from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from convlab.io.images import read_image
from convlab.sources.base import Frame, as_rgb_frame_image

__all__ = ["ImageSource"]


class ImageSource:
    """A still image as a :class:`~convlab.sources.base.FrameSource` (``live`` False).

    Parameters
    ----------
    image : numpy.ndarray
        ``uint8`` array of shape ``(H, W, 3)`` RGB, or ``(H, W)`` grayscale. It is copied and
        the copy is made read-only, so the frame cannot change behind the viewer's back.
    name : str
        Label shown to the user.
    note : str, optional
        Remark about how the picture was loaded (e.g. "downscaled from ... for display").
    path : pathlib.Path or None, optional
        The file it came from, if any.

    Examples
    --------
    >>> source = ImageSource(np.zeros((4, 6, 3), np.uint8), "black")
    >>> source.read().image.shape
    (4, 6, 3)
    """

    live = False
    interval_ms = None

    def __init__(self, image: np.ndarray, name: str, note: str = "", path: Path | None = None) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        self.name = name
        self.note = note
        self.path = path
        self._frame = Frame(as_rgb_frame_image(image), 0, time.perf_counter())

    @classmethod
    def from_file(cls, path: str | os.PathLike, max_side: int = 2048) -> "ImageSource":
        """Open an image file (see :func:`convlab.io.images.read_image`; raises ImageReadError).

        Examples
        --------
        >>> ImageSource.from_file("photo.png").name  # doctest: +SKIP
        'photo.png'
        """
        loaded = read_image(path, max_side=max_side)
        return cls(loaded.image, loaded.path.name, note=loaded.note, path=loaded.path)

    @property
    def image(self) -> np.ndarray:
        """The picture, ``uint8 (H, W, 3)`` RGB, read-only."""
        return self._frame.image

    def read(self) -> Frame:
        """Return the one frame of this still (always the same object)."""
        return self._frame

    def close(self) -> None:
        """Nothing to release; the frame stays readable."""
