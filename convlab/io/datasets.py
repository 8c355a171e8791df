"""Labelled image sets for the feature comparison: a user's ``.npz`` file, or the bundled digits.

An ``.npz`` file (``numpy.savez`` / ``savez_compressed``) must hold ``images``, a real array
``(N, H, W)`` (gray, any range, no NaN), and ``labels``, ``(N,)`` integers or strings (floats are
accepted when they are whole numbers), with at least two classes and two images per class.
Anything else is refused with a `DatasetError` naming the file and what is wrong; nothing is
unpickled. The headers are read before the arrays, so a huge array is refused without loading.

Examples
--------
>>> digits = load_digits_images(side=20)
>>> digits.images.shape, digits.class_names[:3]
((1797, 20, 20), ('0', '1', '2'))
"""
from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

__all__ = ["DIGITS", "MAX_VALUES", "DatasetError", "LabelledImages", "load_dataset", "load_digits_images",
           "load_npz_images"]

DIGITS = "digits"
MAX_VALUES = 200_000_000  # image values (N * H * W) we agree to load: 800 MB as float32
_MIN_SIDE = 3
_HEADER_READERS = {(1, 0): npy_format.read_array_header_1_0, (2, 0): npy_format.read_array_header_2_0}


class DatasetError(ValueError):
    """A labelled image set could not be used; the message names the file and the reason."""


@dataclass(frozen=True, eq=False)
class LabelledImages:
    """Images with one class each.

    Attributes
    ----------
    images : ndarray, float32, (N, H, W)
    labels : ndarray, int64, (N,)
        Class indices 0..n_classes-1.
    class_names : tuple of str
        The original label of each class index (sorted as ``numpy.unique`` sorts them).
    name : str
        "digits" or the file name.
    note : str
        Where the set came from, in plain words.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple
    name: str
    note: str = ""

    def describe(self) -> str:
        """One line: name, count, size and classes."""
        n, h, w = self.images.shape
        return f"{self.name}: {n} images of {h}x{w}, {len(self.class_names)} classes"


def load_digits_images(side=20):
    """scikit-learn's bundled 8x8 digits (1797 images, 10 classes), upsampled to ``side x side``.

    Parameters
    ----------
    side : int, >= 8, default 20
        Bilinear upsampling (``scipy.ndimage.zoom``, order 1). At 8x8 a 5x5 kernel has only
        4x4 positions per image; 20x20 leaves room for it (and measured best here).

    Returns
    -------
    LabelledImages
        Values 0..255 (the digits' 0..16 scaled).
    """
    from scipy import ndimage
    from sklearn.datasets import load_digits

    if isinstance(side, bool) or not isinstance(side, (int, np.integer)) or side < 8:
        raise ValueError(f"side must be an integer >= 8; got {side!r}")
    digits = load_digits()
    images = digits.images.astype(np.float32) * np.float32(255.0 / 16.0)
    if side != 8:
        images = ndimage.zoom(images, (1, side / 8, side / 8), order=1, grid_mode=True, mode="nearest")
    images = np.clip(images, 0, 255).astype(np.float32)
    note = "scikit-learn's 8x8 digits" + (f", upsampled to {side}x{side}" if side != 8 else "")
    return LabelledImages(images, digits.target.astype(np.int64), tuple(str(i) for i in range(10)), DIGITS, note)


def _fail(path, reason):
    return DatasetError(f"Cannot use '{path}' as a labelled image set: {reason}.")


def _open_archive(path):
    """The file as an open ZipFile, or DatasetError."""
    if not path.exists():
        raise _fail(path, "the file does not exist")
    if path.is_dir():
        raise _fail(path, "it is a folder, not an .npz file")
    if not os.access(path, os.R_OK):
        raise _fail(path, "permission denied")
    if path.stat().st_size == 0:
        raise _fail(path, "the file is empty")
    try:
        if not zipfile.is_zipfile(path):
            with open(path, "rb") as stream:
                magic = stream.read(6)
            what = "a single .npy array" if magic == b"\x93NUMPY" else "not an .npz archive (not a zip file)"
            raise _fail(path, f"it is {what}; save one with numpy.savez(path, images=..., labels=...)")
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _fail(path, f"the file could not be read ({exc})") from None


def _read_member(archive, path, key):
    """Read array `key` from the archive: header first (shape, dtype), then the data."""
    member = f"{key}.npy"
    if member not in archive.namelist():
        found = sorted(n[:-4] for n in archive.namelist() if n.endswith(".npy"))
        raise _fail(path, f"it has no '{key}' array (found: {', '.join(found) or 'none'}); it needs "
                          "'images' (N, H, W) and 'labels' (N,)")
    try:
        with archive.open(member) as stream:
            reader = _HEADER_READERS.get(npy_format.read_magic(stream))
            if reader is not None:  # version 3 headers are checked by read_array alone
                shape, _, dtype = reader(stream)
                if dtype.hasobject:
                    raise _fail(path, f"'{key}' holds Python objects (pickled data is never loaded)")
                if np.prod(shape, dtype=np.float64) > MAX_VALUES:
                    raise _fail(path, f"'{key}' is too large ({' x '.join(map(str, shape))} values; at "
                                      f"most {MAX_VALUES:,} are loaded)")
        with archive.open(member) as stream:
            return npy_format.read_array(stream, allow_pickle=False)
    except DatasetError:
        raise
    except MemoryError:
        raise _fail(path, f"'{key}' does not fit in memory") from None
    except Exception as exc:  # a damaged header or stream fails in many ways (zlib, tokenize, EOF, ...)
        raise _fail(path, f"'{key}' is corrupt or truncated ({type(exc).__name__}: {exc})") from None


def _checked_images(path, images):
    """float32 (N, H, W) images, or DatasetError."""
    if images.dtype.kind not in "biuf":
        raise _fail(path, f"'images' must hold real numbers; it holds {images.dtype}")
    if images.ndim != 3:
        raise _fail(path, f"'images' must be (N, H, W) gray images; its shape is {images.shape}")
    if images.shape[0] == 0:
        raise _fail(path, "'images' holds no image")
    if min(images.shape[1:]) < _MIN_SIDE:
        raise _fail(path, f"the images are {images.shape[1]}x{images.shape[2]}; they need at least "
                          f"{_MIN_SIDE}x{_MIN_SIDE} pixels")
    images = images.astype(np.float32)
    if not np.isfinite(images).all():
        raise _fail(path, "'images' contains NaN or infinite values")
    if images.max() == images.min():
        raise _fail(path, "every pixel of every image has the same value")
    return images


def _checked_labels(path, labels, count):
    """(class indices int64 (N,), class names), or DatasetError."""
    if labels.ndim != 1:
        raise _fail(path, f"'labels' must be one label per image, shape (N,); its shape is {labels.shape}")
    if labels.shape[0] != count:
        raise _fail(path, f"there are {count} images but {labels.shape[0]} labels")
    if labels.dtype.kind == "f":
        if not np.isfinite(labels).all() or not np.all(labels == np.round(labels)):
            raise _fail(path, "'labels' must be whole numbers or strings (found fractions, NaN or infinity)")
        labels = labels.astype(np.int64)
    elif labels.dtype.kind not in "biuU":
        raise _fail(path, f"'labels' must be integers or strings; they are {labels.dtype}")
    names, indices, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if len(names) < 2:
        raise _fail(path, f"'labels' has only {len(names)} class; a classifier needs at least 2")
    if counts.min() < 2:
        lonely = names[counts.argmin()]
        raise _fail(path, f"class {lonely!s} has a single image; each class needs at least 2 (one to "
                          "train on, one to test)")
    return indices.astype(np.int64).reshape(-1), tuple(str(n) for n in names)


def load_npz_images(path):
    """Load a labelled image set from an ``.npz`` file (see the module docstring for the rules).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    LabelledImages

    Raises
    ------
    DatasetError
        (a ValueError) naming the file: missing, a folder, empty, not a zip archive, corrupt,
        missing keys, pickled objects, wrong shapes or dtypes, N mismatch, NaN, too few classes.
    """
    path = Path(path)
    with _open_archive(path) as archive:
        raw_images = _read_member(archive, path, "images")
        raw_labels = _read_member(archive, path, "labels")
    images = _checked_images(path, raw_images)
    labels, names = _checked_labels(path, raw_labels, images.shape[0])
    return LabelledImages(images, labels, names, path.name, f"loaded from {path}")


def load_dataset(spec, digits_side=20):
    """``"digits"`` (the bundled digits, upsampled to `digits_side`) or the path of an ``.npz`` file.

    Examples
    --------
    >>> load_dataset("digits", digits_side=8).images.shape
    (1797, 8, 8)
    """
    if str(spec) == DIGITS:
        return load_digits_images(digits_side)
    return load_npz_images(spec)
