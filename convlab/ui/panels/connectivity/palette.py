"""Colours of the connectivity panel: one colour per parameter, shared by diagrams and matrices, and the
colours of the layer stack and the arithmetic grid (error and warning texts use the theme's colours)."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from convlab.ui.theme import magnitude_lut

# Tableau 10: a qualitative palette for the kernel taps of a shared (convolutional) layer.
TAP_COLOURS = np.array([
    (78, 121, 167), (242, 142, 43), (225, 87, 89), (118, 183, 178), (89, 161, 79),
    (237, 201, 72), (176, 122, 161), (255, 157, 167), (156, 117, 95), (186, 176, 172),
], dtype=np.uint8)
NO_CONNECTION = (246, 246, 246)
HIGHLIGHT = "#ffd000"
UNIT_FILL = "#ffffff"
UNIT_EDGE = "#222222"
AXIS_COLOUR = "#444444"
LIT = "#f0a000"  # the receptive field of the deep unit, in every row of the layer stack
FOCUS = "#c00000"  # the deep unit itself and its caption (a highlight, not an error)
SPAN = "#999999"  # a row of the stack drawn as a bar
RIGHT_COLOUR = "#1a7f37"  # a right guess of the output size
# The convolution-arithmetic grid: input, zero padding, outputs done, the window and the current output.
INPUT_FILL, PADDING_FILL, DONE_FILL, CURRENT = "#cfe2f3", "#f2f2f2", "#a8d5ba", "#f08c00"
GRID, PADDING_EDGE = "#333333", "#9a9a9a"  # cell outlines of the input (and outputs) and of the padding
# The colour ramp stops before viridis' pale yellow end, which vanishes on a white background.
_RAMP_END = 0.85


def ramp_rgb(fraction) -> np.ndarray:
    """Viridis colours (..., 3) uint8 for fractions in [0, 1]: one colour per unshared parameter."""
    lut = magnitude_lut()
    index = np.clip(np.asarray(fraction, dtype=np.float64), 0.0, 1.0) * _RAMP_END * (len(lut) - 1)
    return lut[np.round(index).astype(int)]


def tap_rgb(tap, tile=0, period=1) -> np.ndarray:
    """Qualitative colour (..., 3) uint8 of a kernel tap; tiles of a tiled layer get darker shades."""
    base = TAP_COLOURS[np.asarray(tap) % len(TAP_COLOURS)].astype(np.float64)
    shade = np.asarray(tile, dtype=np.float64)[..., None] / max(period, 1) * 0.65
    return np.round(base * (1.0 - shade)).astype(np.uint8)


def parameter_rgb(kind: str, ids, k: int, period: int = 1) -> np.ndarray:
    """Colour (..., 3) uint8 of every parameter number in `ids` (-1, no connection, is pale grey).

    ``dense`` and ``local`` (every connection its own parameter) use a colour ramp over the parameter
    number; ``conv`` uses one qualitative colour per tap; ``tiled`` shades the tap colour per kernel.
    """
    ids = np.asarray(ids)
    out = np.empty(ids.shape + (3,), dtype=np.uint8)
    out[...] = NO_CONNECTION
    used = ids >= 0
    if not used.any():
        return out
    p = ids[used]
    if kind in ("dense", "local"):
        out[used] = ramp_rgb(p / max(int(ids.max()), 1))
    elif kind == "conv":
        out[used] = tap_rgb(p)
    else:
        out[used] = tap_rgb(p % k, p // k, period)
    return out


def qcolor(rgb, alpha: int = 255) -> QColor:
    """A QColor from an (r, g, b) triple."""
    r, g, b = (int(v) for v in rgb)
    return QColor(r, g, b, alpha)
