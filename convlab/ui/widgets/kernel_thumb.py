"""Feature-map cell headers: a small kernel picture (negative blue, positive red) and its name.

Both take their sizes from the theme when made; whoever holds them calls ``restyle()`` after a
change of the theme (the feature grid does it for all its cells at once).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QGraphicsWidget, QSizePolicy

from convlab.ui.theme import TEXT_COLOUR, theme
from convlab.ui.widgets.colormaps import diverging_lut, symmetric_levels

THUMB_PIXELS = 30
FRAME_COLOUR = "#444444"


class KernelThumb(pg.ViewBox):
    """ViewBox showing a (kh, kw) kernel, or the channel mean of a (kh, kw, C) kernel."""

    def __init__(self, size: int = THUMB_PIXELS):
        """Create an empty thumbnail of ``size`` x ``size`` screen pixels."""
        super().__init__(lockAspect=True, enableMouse=False, enableMenu=False, invertY=True)
        self.setFixedWidth(size)
        self.setFixedHeight(size)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setLookupTable(diverging_lut())
        self.addItem(self.image_item)
        self.restyle()

    def restyle(self) -> None:
        """The frame in the theme's line width."""
        self.setBorder(theme().pen(FRAME_COLOUR, 1))

    def set_kernel(self, kernel: np.ndarray) -> None:
        """Show ``kernel`` (kh, kw) or (kh, kw, C) with symmetric levels around zero."""
        with np.errstate(over="ignore"):  # a value beyond float32 shows as the extreme colour
            kernel = np.asarray(kernel, dtype=np.float32)
        if kernel.ndim == 3:
            kernel = kernel.mean(axis=2)
        if kernel.ndim != 2:
            raise ValueError(f"kernel must have shape (kh, kw) or (kh, kw, C), got {kernel.shape}")
        levels = symmetric_levels(kernel, per_map=False)
        shape_changed = self.image_item.image is None or self.image_item.image.shape != kernel.shape
        self.image_item.setImage(kernel, autoLevels=False, levels=levels)
        if shape_changed:
            self.setRange(xRange=(0, kernel.shape[1]), yRange=(0, kernel.shape[0]), padding=0.04)


class NameLabel(QGraphicsWidget):
    """A one-line dark label that takes the width it is given and elides what does not fit."""

    def __init__(self, fraction: float = 1.0):
        """Create an empty label in the theme's body font times ``fraction`` (smaller in dense grids)."""
        super().__init__()
        self._full_text = ""
        self._fraction = fraction
        self._item = QGraphicsSimpleTextItem(self)
        self._item.setBrush(QBrush(QColor(TEXT_COLOUR)))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.restyle()

    def restyle(self) -> None:
        """Take the font size of the theme now."""
        font = theme().font("body")
        font.setPointSizeF(round(theme().points("body") * self._fraction, 1))
        self._item.setFont(font)
        self._metrics = QFontMetricsF(font)
        height = self._metrics.height() + 2
        self.setMinimumSize(0, height)
        self.setPreferredSize(10, height)
        self._elide()

    def font_points(self) -> float:
        """The point size of the text."""
        return self._item.font().pointSizeF()

    def set_text(self, text: str) -> None:
        """Show ``text`` (elided to the width; the full text is the tooltip)."""
        self._full_text = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        """The full (un-elided) text."""
        return self._full_text

    def shown_text(self) -> str:
        """The text as drawn, possibly elided."""
        return self._item.text()

    def resizeEvent(self, event) -> None:
        """Re-elide for the new width."""
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        """Fit the text to the current width, vertically centred."""
        width = max(self.size().width() - 4, 0)
        self._item.setText(self._metrics.elidedText(self._full_text, Qt.TextElideMode.ElideRight, width))
        self._item.setPos(2, (self.size().height() - self._metrics.height()) / 2)
