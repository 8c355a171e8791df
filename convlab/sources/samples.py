"""The built-in samples offered on first start: two real photos and the synthetic scenes."""
from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import numpy as np

from convlab.sources.base import FrameSource
from convlab.sources.still import ImageSource
from convlab.sources.synthetic import MovingShapesSource, checkerboard_scene, edges_scene, text_scene

__all__ = ["DEFAULT_SAMPLE", "SAMPLE_NAMES", "open_sample"]


def _bundled_photo(file_name: str) -> np.ndarray | None:
    """The JPEG from scikit-learn's package folder, found without importing scikit-learn
    (``sklearn.datasets`` takes ~0.9 s to import, most of convlab's start-up); None if absent."""
    spec = importlib.util.find_spec("sklearn")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(folder) / "datasets" / "images" / file_name
        if path.is_file():
            from PIL import Image

            with Image.open(path) as image:
                return np.asarray(image.convert("RGB"))
    return None


def _photo(file_name: str) -> Callable[[], np.ndarray]:
    """Loader of one of the 427x640 RGB JPEGs scikit-learn ships inside its package (no download)."""
    def load() -> np.ndarray:
        image = _bundled_photo(file_name)
        if image is None:  # another package layout: scikit-learn's own loader knows where it is
            from sklearn.datasets import load_sample_image

            image = load_sample_image(file_name)
        return image

    return load


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
