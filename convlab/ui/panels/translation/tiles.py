"""Titled image tiles and plot styling shared by the translation panel's modes."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsRectItem, QLabel

import convlab.ui.widgets  # noqa: F401  (row-major image axis order)
from convlab.ui.widgets.colormaps import diverging_lut

TITLE_POINTS = 12
CHANGED_RGBA = (255, 120, 0, 130)
_BAND_PENS = (pg.mkPen("k", width=3), pg.mkPen("#ffd700", width=1.5, style=Qt.PenStyle.DashLine))
GRAY_LUT = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
DIVERGING_LUT = diverging_lut()


def big_font(points: int = TITLE_POINTS, bold: bool = False) -> QFont:
    """A font for labels read from the back of a lecture hall."""
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def error_label() -> QLabel:
    """A red, word-wrapped label for inline input errors (hidden while empty)."""
    label = QLabel()
    label.setStyleSheet("color: #c00000; font-weight: bold;")
    label.setFont(big_font(11))
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def show_error(label: QLabel, text: str) -> None:
    """Show `text` in an error label, or hide it when `text` is empty."""
    label.setText(text)
    label.setVisible(bool(text))


def symmetric_range(*arrays) -> tuple[float, float]:
    """(-m, m) with m the largest |value| over `arrays` (at least a tiny positive number)."""
    m = max((float(np.max(np.abs(a))) for a in arrays if np.size(a)), default=0.0)
    m = m if np.isfinite(m) and m > 0 else 1e-12
    return -m, m


def style_plot(plot: pg.PlotItem, title: str, x_label: str, y_label: str, legend: bool = True) -> None:
    """Big dark title and axis labels, a grid and (optionally) a legend."""
    plot.setTitle(title, size=f"{TITLE_POINTS}pt", color="#111111")
    for side, text in (("bottom", x_label), ("left", y_label)):
        axis = plot.getAxis(side)
        axis.setLabel(text, **{"font-size": "11pt", "color": "#111111"})
        axis.enableAutoSIPrefix(False)
        axis.setTickFont(big_font(10))
        axis.setPen(pg.mkPen("#333333"))
        axis.setTextPen(pg.mkPen("#222222"))
    plot.showGrid(x=True, y=True, alpha=0.25)
    if legend:
        item = plot.addLegend(offset=(6, 2), labelTextSize="10pt", colCount=2, labelTextColor="#111111")
        item.setBrush(pg.mkBrush(255, 255, 255, 200))
    plot.setMenuEnabled(False)


def legend_row(columns: int) -> pg.LegendItem:
    """A legend meant to sit in its own layout cell, below the plots it describes."""
    return pg.LegendItem(colCount=columns, labelTextSize="11pt", labelTextColor="#111111")


class TitleLabel(pg.LabelItem):
    """A label that never forces its column wider than the others (its height still fits the text)."""

    def updateMin(self) -> None:  # noqa: N802 (pyqtgraph's name)
        """Like LabelItem's, but with a small minimum and preferred width."""
        super().updateMin()
        height = self.itemRect().height()
        self.setMinimumWidth(20)
        self._sizeHint[Qt.SizeHint.MinimumSize] = (20, height)
        self._sizeHint[Qt.SizeHint.PreferredSize] = (20, height)
        self.updateGeometry()


class ImageTile:
    """A title above a locked-aspect view holding an image, a highlight overlay and outlines."""

    def __init__(self, title: str):
        """Build the tile's graphics items (add ``tile.layout`` to a GraphicsLayout)."""
        self.layout = pg.GraphicsLayout()
        self.layout.setContentsMargins(2, 2, 2, 2)
        self.layout.setSpacing(1)
        self.title = TitleLabel("")
        self.set_title(title)
        self.view = pg.ViewBox(invertY=True, lockAspect=True, enableMenu=False)
        self.view.setBorder(pg.mkPen("#888888", width=1))
        self.view.setBackgroundColor("#d9d9d9")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setZValue(5)
        self.view.addItem(self.image)
        self.view.addItem(self.overlay, ignoreBounds=True)
        self.outlines: list[QGraphicsRectItem] = []
        self.layout.addItem(self.title, 0, 0)
        self.layout.addItem(self.view, 1, 0)
        self.layout.layout.setRowStretchFactor(1, 1)
        self._rect = QRectF()
        self.values: np.ndarray | None = None
        self.levels: tuple[float, float] = (0.0, 1.0)

    def set_title(self, text: str) -> None:
        """Change the title text (the title never widens its column: tiles stay the same size)."""
        self.title.setText(text, size=f"{TITLE_POINTS}pt", color="#111111")

    def title_text(self) -> str:
        """The title as plain text."""
        return self.title.text

    def set_values(self, values, levels, lut=None, scale: float = 1.0) -> None:
        """Show (H, W) values with fixed levels; `scale` input pixels per value (pooled maps)."""
        values = np.asarray(values, dtype=np.float32)
        self.values, self.levels = values, (float(levels[0]), float(levels[1]))
        self.image.setLookupTable(lut)
        self.image.setImage(values, autoLevels=False, levels=self.levels)
        rect = QRectF(0, 0, values.shape[1] * scale, values.shape[0] * scale)
        self.image.setRect(rect)
        if rect != self._rect:
            self._rect = rect
            self.view.setRange(rect, padding=0.02)

    def set_overlay(self, mask, scale: float = 1.0) -> None:
        """Tint the True cells of a bool (H', W') mask orange; None hides the tint."""
        if mask is None or not np.any(mask):
            self.overlay.clear()
            self.overlay.setVisible(False)
            return
        rgba = np.zeros(mask.shape + (4,), np.uint8)
        rgba[mask] = CHANGED_RGBA
        self.overlay.setImage(rgba, autoLevels=False, levels=None)
        self.overlay.setRect(QRectF(0, 0, mask.shape[1] * scale, mask.shape[0] * scale))
        self.overlay.setVisible(True)

    def overlay_mask(self) -> np.ndarray | None:
        """The currently tinted cells (bool), or None when nothing is tinted."""
        if not self.overlay.isVisible() or self.overlay.image is None:
            return None
        return self.overlay.image[..., 3] > 0

    def set_outlines(self, rects) -> None:
        """Outline half-open rectangles (row0, row1, col0, col1) in image pixels."""
        for item in self.outlines:
            self.view.removeItem(item)
        self.outlines = []
        for row0, row1, col0, col1 in rects:
            for z, pen in enumerate(_BAND_PENS):
                pen.setCosmetic(True)
                item = QGraphicsRectItem(QRectF(col0, row0, col1 - col0, row1 - row0))
                item.setPen(pen)
                item.setZValue(10 + z)
                self.view.addItem(item, ignoreBounds=True)
                self.outlines.append(item)

    def outline_rects(self) -> list[tuple[int, int, int, int]]:
        """The outlined rectangles (row0, row1, col0, col1), read back from the drawn items."""
        rects = [item.rect() for item in self.outlines[::len(_BAND_PENS)]]
        return [(round(r.top()), round(r.bottom()), round(r.left()), round(r.right())) for r in rects]
