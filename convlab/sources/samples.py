"""The built-in samples offered on first start: two real photos and the synthetic scenes."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.datasets import load_sample_image

from convlab.sources.base import FrameSource
from convlab.sources.still import ImageSource
from convlab.sources.synthetic import MovingShapesSource, checkerboard_scene, edges_scene, text_scene

__all__ = ["DEFAULT_SAMPLE", "SAMPLE_NAMES", "open_sample"]


def _photo(file_name: str) -> Callable[[], np.ndarray]:
    # scikit-learn ships these 427x640 RGB JPEGs inside the package: no download.
    return lambda: load_sample_image(file_name)


_STILLS: dict[str, Callable[[], np.ndarray]] = {
    "china": _photo("china.jpg"),
    "flower": _photo("flower.jpg"),
    "edges": edges_scene,
    "checkerboard": checkerboard_scene,
    "text": text_scene,
}
_NOTES = {
    "china": "photo bundled with scikit-learn (Summer Palace, Beijing)",
    "flower": "photo bundled with scikit-learn",
}

SAMPLE_NAMES: tuple[str, ...] = (*_STILLS, "moving shapes")
DEFAULT_SAMPLE = "china"


def open_sample(name: str) -> FrameSource:
    """Open a built-in sample as a frame source.

    Parameters
    ----------
    name : str
        One of :data:`SAMPLE_NAMES`: "china", "flower" (photos), "edges", "checkerboard",
        "text" (still synthetic scenes) or "moving shapes" (animated, ``live`` True).

    Returns
    -------
    FrameSource
        An :class:`~convlab.sources.still.ImageSource`, or a
        :class:`~convlab.sources.synthetic.MovingShapesSource` for "moving shapes".
        Frames are ``uint8 (H, W, 3)`` RGB.

    Raises
    ------
    ValueError
        If ``name`` is not a sample name; the message lists the names.

    Examples
    --------
    >>> open_sample("checkerboard").read().image.shape
    (480, 640, 3)
    """
    if name == "moving shapes":
        return MovingShapesSource()
    if not isinstance(name, str) or name not in _STILLS:
        raise ValueError(f"name must be one of {', '.join(repr(n) for n in SAMPLE_NAMES)}; got {name!r}")
    return ImageSource(_STILLS[name](), name, note=_NOTES.get(name, ""))
