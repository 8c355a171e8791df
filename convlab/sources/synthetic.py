"""Deterministic synthetic scenes (NumPy + Pillow): edges, checkerboard, text, moving shapes.

Every scene is a ``uint8 (H, W, 3)`` RGB array. Sizes are given as ``(height, width)``, like
NumPy shapes. The still scenes draw without anti-aliasing where edges matter, so a kernel
sees a true step edge; the text is anti-aliased, as text on screen is.
"""
from __future__ import annotations

import math
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from convlab.sources.base import Frame

__all__ = ["MovingShapesSource", "checkerboard_scene", "edges_scene", "text_scene"]

DEFAULT_SIZE = (480, 640)
DEFAULT_TEXT_LINES = ("convlab", "kernels find edges")


def _check_size(size: tuple[int, int], minimum: int = 16) -> tuple[int, int]:
    try:
        height, width = (int(side) for side in size)
    except (TypeError, ValueError):
        raise ValueError(f"size must be a (height, width) pair of integers, got {size!r}") from None
    if height < minimum or width < minimum:
        raise ValueError(f"size must be at least ({minimum}, {minimum}) as (height, width), got {size!r}")
    return height, width


def _rotated_square(center: tuple[float, float], half_side: float, degrees: float) -> list[tuple[float, float]]:
    """Corners (x, y) of a square of half side ``half_side`` turned by ``degrees`` about ``center``."""
    angle = math.radians(degrees)
    corners = []
    for k in range(4):
        phi = angle + math.pi / 4 + k * math.pi / 2
        corners.append((center[0] + half_side * math.sqrt(2) * math.cos(phi),
                        center[1] + half_side * math.sqrt(2) * math.sin(phi)))
    return corners


def edges_scene(size: tuple[int, int] = DEFAULT_SIZE) -> np.ndarray:
    """Shapes with sharp edges at several orientations on a gray background.

    An upright rectangle (horizontal and vertical edges), a square turned by 30 degrees,
    a disc (every orientation) and a triangle (a 60-degree slope), in different gray levels
    and colours.

    Parameters
    ----------
    size : (int, int), default (480, 640)
        ``(height, width)``, each at least 16.

    Returns
    -------
    numpy.ndarray
        ``uint8 (height, width, 3)`` RGB.

    Examples
    --------
    >>> edges_scene((48, 64)).shape
    (48, 64, 3)
    """
    height, width = _check_size(size)
    picture = Image.new("RGB", (width, height), (128, 128, 128))
    draw = ImageDraw.Draw(picture)
    unit = min(height, width)
    draw.rectangle([0.08 * width, 0.12 * height, 0.38 * width, 0.45 * height], fill=(240, 240, 240))
    draw.polygon(_rotated_square((0.70 * width, 0.30 * height), 0.14 * unit, 30.0), fill=(20, 20, 20))
    radius = 0.15 * unit
    center = (0.27 * width, 0.72 * height)
    draw.ellipse([center[0] - radius, center[1] - radius, center[0] + radius, center[1] + radius],
                 fill=(255, 235, 80))
    side = 0.34 * unit
    left, base = 0.58 * width, 0.88 * height
    draw.polygon([(left, base), (left + side, base), (left + side / 2, base - side * math.sqrt(3) / 2)],
                 fill=(10, 40, 170))
    return np.asarray(picture, dtype=np.uint8).copy()


def checkerboard_scene(size: tuple[int, int] = DEFAULT_SIZE, square: int = 40) -> np.ndarray:
    """Black and white squares; the top-left square is white.

    Parameters
    ----------
    size : (int, int), default (480, 640)
        ``(height, width)``, each at least 16.
    square : int, default 40
        Side of one square in pixels, at least 1.

    Returns
    -------
    numpy.ndarray
        ``uint8 (height, width, 3)`` RGB with values 0 and 255 only.

    Examples
    --------
    >>> checkerboard_scene((16, 16), square=8)[0, :, 0].tolist()[::4]
    [255, 255, 0, 0]
    """
    height, width = _check_size(size)
    if isinstance(square, bool) or not isinstance(square, (int, np.integer)) or square < 1:
        raise ValueError(f"square must be a positive integer number of pixels, got {square!r}")
    rows = (np.arange(height) // square)[:, None]
    cols = (np.arange(width) // square)[None, :]
    white = (rows + cols) % 2 == 0
    gray = np.where(white, np.uint8(255), np.uint8(0))
    return np.repeat(gray[:, :, None], 3, axis=2)


def text_scene(size: tuple[int, int] = DEFAULT_SIZE, lines: tuple[str, ...] = DEFAULT_TEXT_LINES) -> np.ndarray:
    """Large black text on white, centred: the first line big, the others smaller.

    Uses Pillow's bundled scalable font (``ImageFont.load_default(size=...)``).

    Parameters
    ----------
    size : (int, int), default (480, 640)
        ``(height, width)``, each at least 16.
    lines : tuple of str, default ("convlab", "kernels find edges")
        One to four lines of text.

    Returns
    -------
    numpy.ndarray
        ``uint8 (height, width, 3)`` RGB, white background.

    Examples
    --------
    >>> bool(text_scene((120, 160)).min() < 50)
    True
    """
    height, width = _check_size(size)
    if isinstance(lines, str) or not lines or len(lines) > 4 or not all(isinstance(s, str) for s in lines):
        raise ValueError(f"lines must be a tuple of 1 to 4 strings, got {lines!r}")
    picture = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(picture)
    fonts = [_font_fitting(line, width, height, first=(k == 0)) for k, line in enumerate(lines)]
    boxes = [draw.textbbox((0, 0), line, font=font) for line, font in zip(lines, fonts)]
    gap = height // 12
    total = sum(box[3] - box[1] for box in boxes) + gap * (len(lines) - 1)
    top = (height - total) / 2
    for line, font, box in zip(lines, fonts, boxes):
        left = (width - (box[2] - box[0])) / 2 - box[0]
        draw.text((left, top - box[1]), line, font=font, fill=0)
        top += box[3] - box[1] + gap
    return np.repeat(np.asarray(picture, dtype=np.uint8)[:, :, None], 3, axis=2)


def _font_fitting(line: str, width: int, height: int, first: bool) -> ImageFont.FreeTypeFont:
    """The bundled font at the largest size (up to a share of the height) that fits the width."""
    points = max(6, int(height * (0.22 if first else 0.09)))
    while True:
        font = ImageFont.load_default(size=points)
        if points <= 6 or font.getlength(line) <= 0.9 * width:
            return font
        points = int(points * 0.9)


class MovingShapesSource:
    """An animated synthetic scene: shapes gliding smoothly over a textured background.

    A pull source: call :meth:`read` every ``interval_ms``; it renders the scene at the time
    elapsed since the first read. :meth:`frame_at` renders any moment, deterministically.

    Parameters
    ----------
    size : (int, int), default (480, 640)
        ``(height, width)``, each at least 16.
    fps : float, default 30
        Intended frame rate; ``interval_ms = round(1000 / fps)``.

    Examples
    --------
    >>> source = MovingShapesSource((48, 64))
    >>> bool((source.frame_at(0.5) == source.frame_at(0.5)).all())
    True
    """

    name = "moving shapes"
    live = True

    def __init__(self, size: tuple[int, int] = DEFAULT_SIZE, fps: float = 30) -> None:
        self.size = _check_size(size)
        if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= 1000:
            raise ValueError(f"fps must be a number in (0, 1000], got {fps!r}")
        self.fps = float(fps)
        self.interval_ms: int | None = max(1, round(1000 / self.fps))
        self._background = _textured_background(*self.size)
        self._start: float | None = None
        self._index = 0

    def frame_at(self, t_seconds: float) -> np.ndarray:
        """Render the scene ``t_seconds`` after the start: ``uint8 (H, W, 3)`` RGB, a new array."""
        height, width = self.size
        unit = min(height, width)
        t = float(t_seconds)
        picture = Image.fromarray(self._background)
        draw = ImageDraw.Draw(picture)
        # A disc on a slow Lissajous path.
        cx = width * (0.5 + 0.32 * math.sin(0.9 * t))
        cy = height * (0.5 + 0.30 * math.sin(1.3 * t + 0.7))
        r = 0.11 * unit
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 225, 60))
        # A square that turns while it crosses the picture left and right.
        sx = width * (0.5 + 0.38 * math.sin(0.6 * t + 2.0))
        draw.polygon(_rotated_square((sx, 0.28 * height), 0.09 * unit, 40.0 * t), fill=(245, 245, 245))
        # A triangle bobbing up and down near the bottom right.
        tx, ty = 0.72 * width, height * (0.70 + 0.12 * math.sin(1.7 * t))
        side = 0.22 * unit
        draw.polygon([(tx - side / 2, ty + side * 0.29), (tx + side / 2, ty + side * 0.29), (tx, ty - side * 0.58)],
                     fill=(15, 30, 140))
        return np.asarray(picture, dtype=np.uint8).copy()

    def read(self) -> Frame:
        """Render the frame for the time elapsed since the first read; the index counts reads."""
        now = time.perf_counter()
        if self._start is None:
            self._start = now
        image = self.frame_at(now - self._start)
        image.setflags(write=False)
        frame = Frame(image, self._index, now)
        self._index += 1
        return frame

    def close(self) -> None:
        """Restart the animation clock on the next read."""
        self._start = None


def _textured_background(height: int, width: int) -> np.ndarray:
    """A soft colour gradient with a fixed fine-grained texture (seeded, so deterministic)."""
    rows = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    cols = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    waves = 18.0 * np.sin(2 * np.pi * (3 * cols + 0.5 * rows)) * np.cos(2 * np.pi * 2 * rows)
    grain = np.random.default_rng(0).normal(0.0, 9.0, size=(height, width)).astype(np.float32)
    base = 95.0 + 40.0 * cols + 25.0 * rows + waves + grain
    tint = np.array([0.95, 1.05, 0.9], dtype=np.float32)
    return np.clip(base[:, :, None] * tint, 0, 255).astype(np.uint8)
