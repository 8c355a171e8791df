"""Read image files into RGB uint8 arrays, with plain-language errors; write PNG atomically.

Every readable picture becomes a C-contiguous ``uint8`` array of shape ``(H, W, 3)`` in RGB
order, whatever its mode on disk. Transparent pixels are composited onto WHITE (documents,
logos and line drawings are usually dark on a transparent background). 16-bit and 32-bit
integer or float pictures are stretched from their real value range (minimum..maximum) to
0..255. The EXIF orientation is applied, so photos show upright.
"""
from __future__ import annotations

import io
import os
import struct
import threading
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError, features

from convlab.io.atomic import write_bytes_atomic
from convlab.io.checked_files import check_regular_file

__all__ = [
    "ImageReadError",
    "LoadedImage",
    "SUPPORTED_EXTENSIONS",
    "image_file_filter",
    "read_image",
    "write_png",
]

# Pillow formats we agree to decode (never EPS/PDF, which run external programs or mislead).
# Multi-picture JPEGs from phones (MPO) are opened by the JPEG plugin.
_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "PPM", "TGA") + (
    ("WEBP",) if features.check_module("webp") else ()
)
SUPPORTED_EXTENSIONS: tuple[str, ...] = (
    ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".gif", ".tif", ".tiff",
    ".ppm", ".pgm", ".pbm", ".pnm", ".tga",
) + ((".webp",) if "WEBP" in _FORMATS else ())

_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)
_PILLOW_LIMIT_LOCK = threading.Lock()


class ImageReadError(ValueError):
    """An image file could not be read; the message names the file and the reason."""


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """A picture read from disk.

    Attributes
    ----------
    image : numpy.ndarray
        ``uint8`` array of shape ``(H, W, 3)``, RGB, C-contiguous.
    path : pathlib.Path
        The file it came from.
    original_size : tuple of int
        ``(width, height)`` at full resolution, after the EXIF orientation.
    downscaled : bool
        True when ``image`` is smaller than ``original_size``.
    note : str
        Plain-language remarks for the user (downscaling, transparency, value stretch); may be "".
    """

    image: np.ndarray
    path: Path
    original_size: tuple[int, int]
    downscaled: bool
    note: str


def image_file_filter() -> str:
    """Return a Qt file-dialog filter string for the supported images.

    Examples
    --------
    >>> image_file_filter().startswith("Images (*.png *.jpg")
    True
    """
    return "Images (" + " ".join("*" + ext for ext in SUPPORTED_EXTENSIONS) + ")"


def read_image(path: str | os.PathLike, max_side: int = 2048, max_pixels: int = 250_000_000) -> LoadedImage:
    """Read an image file as an RGB ``uint8`` array of shape ``(H, W, 3)``.

    Parameters
    ----------
    path : str or os.PathLike
        The image file (PNG, JPEG, BMP, GIF, TIFF, PPM/PGM/PBM, TGA, WebP).
    max_side : int, default 2048
        Pictures whose long side exceeds this are downscaled to it (aspect kept). JPEGs are
        decoded directly at 1/2, 1/4 or 1/8 scale (Pillow ``draft``), so memory stays small.
    max_pixels : int, default 250_000_000
        Pictures whose header claims more pixels are refused before any decoding.

    Returns
    -------
    LoadedImage
        ``image`` is ``uint8 (H, W, 3)`` RGB, C-contiguous and writable.

    Raises
    ------
    ImageReadError
        (a ValueError) naming the file and the reason: does not exist, is a folder,
        permission denied, empty file, not an image / unsupported format, truncated or
        corrupt, too large.
    ValueError
        If ``max_side`` or ``max_pixels`` is not a positive integer.

    Examples
    --------
    >>> _ = write_png("photo.png", np.zeros((427, 640, 3), np.uint8))
    >>> loaded = read_image("photo.png")
    >>> loaded.image.shape, loaded.image.dtype
    ((427, 640, 3), dtype('uint8'))
    """
    for name, value in (("max_side", max_side), ("max_pixels", max_pixels)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    path = Path(path)
    _check_file(path)
    try:
        with open(path, "rb") as stream:
            return _decode(stream, path, int(max_side), int(max_pixels))
    except ImageReadError:
        raise
    except PermissionError:
        raise _error(path, "permission denied (you may not read this file)") from None
    except MemoryError:
        raise _error(path, "the image is too large to fit in memory") from None
    except OSError as exc:
        raise _error(path, f"the file could not be read ({exc.strerror or exc})") from None


def write_png(path: str | os.PathLike, rgb_uint8: np.ndarray) -> Path:
    """Write an RGB (or grayscale) ``uint8`` array as a PNG file, atomically.

    The picture is written to a temporary file in the same folder, flushed to disk, then
    renamed over ``path`` (``os.replace``), so readers never see a half-written file.

    Parameters
    ----------
    path : str or os.PathLike
        Destination file; its folder must exist.
    rgb_uint8 : numpy.ndarray
        ``uint8`` array of shape ``(H, W, 3)`` (RGB) or ``(H, W)`` (grayscale).

    Returns
    -------
    pathlib.Path
        The written path.

    Examples
    --------
    >>> write_png("out.png", np.zeros((4, 5, 3), np.uint8))
    PosixPath('out.png')
    """
    if not isinstance(rgb_uint8, np.ndarray) or rgb_uint8.dtype != np.uint8:
        raise TypeError(f"rgb_uint8 must be a numpy uint8 array, got {getattr(rgb_uint8, 'dtype', type(rgb_uint8))}")
    if not (rgb_uint8.ndim == 2 or (rgb_uint8.ndim == 3 and rgb_uint8.shape[2] == 3)) or 0 in rgb_uint8.shape:
        raise ValueError(f"rgb_uint8 must have shape (H, W, 3) or (H, W), got {rgb_uint8.shape}")
    stream = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb_uint8)).save(stream, format="PNG")
    return write_bytes_atomic(path, stream.getvalue())


def _error(path: Path, reason: str) -> ImageReadError:
    return ImageReadError(f"Cannot open image '{path}': {reason}.")


def _check_file(path: Path) -> None:
    """Refuse paths that are missing, folders, special files or empty, before opening them."""
    check_regular_file(path, _error, "an image file")


def _open_header(stream, path: Path, max_pixels: int) -> Image.Image:
    """Identify the format and read the header only; no pixel memory is allocated."""
    with _PILLOW_LIMIT_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        saved_limit = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow refuses above 2 * max_pixels, we refuse above max_pixels
        try:
            return Image.open(stream, formats=_FORMATS)
        except Image.DecompressionBombError:
            raise _error(path, f"the image is too large (more than the limit of {max_pixels:,} pixels)") from None
        except UnidentifiedImageError:
            raise _error(path, "it is not an image, or its format is not supported "
                               f"(supported: {', '.join(SUPPORTED_EXTENSIONS)})") from None
        except _DECODE_ERRORS:
            raise _error(path, "the file is truncated or corrupt (its header cannot be read)") from None
        finally:
            Image.MAX_IMAGE_PIXELS = saved_limit


def _decode(stream, path: Path, max_side: int, max_pixels: int) -> LoadedImage:
    picture = _open_header(stream, path, max_pixels)
    width, height = picture.size
    if width * height > max_pixels:
        raise _error(path, f"the image is too large: {width}x{height} is {width * height:,} pixels, "
                           f"more than the limit of {max_pixels:,}")
    target = _fit_size((width, height), max_side)
    notes: list[str] = []
    try:
        if target != (width, height):
            picture.draft(None, target)  # JPEG: decode at 1/2, 1/4 or 1/8 scale; others: no effect
        picture.load()
        picture, swapped = _upright(picture)
    except Image.DecompressionBombError:
        raise _error(path, f"the image is too large (more than the limit of {max_pixels:,} pixels)") from None
    except _DECODE_ERRORS as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # a real I/O error while reading, not a decoding problem
        raise _error(path, "the file is truncated or corrupt (its pixel data cannot be decoded)") from None
    try:
        picture = _normalise_mode(picture, notes)
    except ValueError:
        raise _error(path, f"its colour mode {picture.mode} is not supported") from None
    original_size = (height, width) if swapped else (width, height)
    target = _fit_size(original_size, max_side)
    if picture.size != target:
        picture = picture.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
    downscaled = target != original_size
    if downscaled:
        notes.insert(0, f"downscaled from {original_size[0]}x{original_size[1]} "
                        f"to {target[0]}x{target[1]} for display")
    rgb = _to_rgb_array(picture, notes)
    return LoadedImage(rgb, path, original_size, downscaled, "; ".join(notes))


def _fit_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    width, height = size
    if max(width, height) <= max_side:
        return (width, height)
    scale = max_side / max(width, height)
    return (max(1, min(max_side, round(width * scale))), max(1, min(max_side, round(height * scale))))


def _upright(picture: Image.Image) -> tuple[Image.Image, bool]:
    """Apply the EXIF orientation in place; return the picture and whether its sides swapped.

    A damaged EXIF block leaves the picture as stored.
    """
    try:
        orientation = picture.getexif().get(0x0112, 1)
        ImageOps.exif_transpose(picture, in_place=True)
    except _DECODE_ERRORS + (KeyError, TypeError):
        return picture, False
    return picture, orientation in (5, 6, 7, 8)


def _normalise_mode(picture: Image.Image, notes: list[str]) -> Image.Image:
    """Bring any Pillow mode to one of L, LA, RGB, RGBA (all resizable, all 8-bit)."""
    mode = picture.mode
    if mode in ("L", "LA", "RGB", "RGBA"):
        return picture
    if mode == "1":
        return picture.convert("L")
    if mode == "P":
        return picture.convert("RGBA" if "transparency" in picture.info else "RGB")
    if mode in ("PA", "RGBa", "La"):
        return picture.convert("RGBA" if mode != "La" else "LA")
    if mode.startswith("I") or mode == "F":
        return _stretch_to_gray(picture, notes)
    return picture.convert("RGB")  # CMYK, YCbCr, LAB, HSV, RGBX, ...


def _stretch_to_gray(picture: Image.Image, notes: list[str]) -> Image.Image:
    """Map a 16/32-bit integer or float picture linearly from its real range to 0..255."""
    values = np.asarray(picture)
    finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values
    if finite.size == 0:
        return Image.new("L", picture.size, 0)
    low, high = finite.min().item(), finite.max().item()
    scaled = values.astype(np.float32)
    if high > low:
        scaled -= np.float32(low)
        scaled *= np.float32(255.0 / (high - low))
        notes.append(f"{_bit_depth(picture)} values {low:g}..{high:g} stretched to 0..255")
    else:
        nominal = 65535.0 if values.dtype == np.uint16 else 255.0
        scaled *= np.float32(255.0 / nominal)
    np.nan_to_num(scaled, copy=False, nan=0.0)
    np.clip(scaled, 0.0, 255.0, out=scaled)
    return Image.fromarray(np.rint(scaled).astype(np.uint8))


def _bit_depth(picture: Image.Image) -> str:
    return {"F": "32-bit float", "I": "32-bit"}.get(picture.mode, "16-bit")


def _to_rgb_array(picture: Image.Image, notes: list[str]) -> np.ndarray:
    """Convert an L/LA/RGB/RGBA picture to a C-contiguous RGB uint8 array (alpha over white)."""
    if picture.mode in ("LA", "RGBA"):
        rgba = picture.convert("RGBA")
        if rgba.getextrema()[3][0] < 255:
            notes.append("transparent areas shown on white")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(white, rgba)
    rgb = np.asarray(picture.convert("RGB"), dtype=np.uint8)
    return np.array(rgb, dtype=np.uint8, order="C", copy=True)
