"""Titled image tiles, plot styling and the control column shared by the translation panel's modes.

Sizes come from the theme: tile and plot titles in the ``body`` role, axis labels and legends in
``small``, ticks in ``tick``; the control column's font is ``small``. Whatever is drawn here
follows the theme when presentation mode changes the scale.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QComboBox, QGraphicsRectItem, QLabel

import convlab.ui.widgets  # noqa: F401  (row-major image axis order)
from convlab.ui.theme import ERROR_COLOUR, TEXT_COLOUR, THEMED, diverging_lut, theme
from convlab.ui.widgets.form import control_column

CHANGED_RGBA = (255, 120, 0, 130)
BAND_PENS = (("#000000", 3.0, Qt.PenStyle.SolidLine), ("#ffd700", 1.5, Qt.PenStyle.DashLine))
TILE_BORDER = ("#888888", 1.0)
GRAY_LUT = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
DIVERGING_LUT = diverging_lut()
COLUMN_MAX_WIDTH = 400


def themed_column(controls):
    """The scrollable left column of a mode, its font the theme's ``small`` role."""
    controls.setProperty(THEMED, True)

    def apply():
        controls.setFont(theme().font("small"))
        for box in controls.findChildren(QComboBox):  # its pop-up list takes the box's font from Qt itself
            box.view().parentWidget().setProperty(THEMED, True)

    theme().follow(controls, apply)
    return control_column(controls, COLUMN_MAX_WIDTH)


def error_label() -> QLabel:
    """A red, bold, word-wrapped label for inline input errors (hidden while empty)."""
    label = QLabel()
    theme().label(label, "small", bold=True, colour=ERROR_COLOUR)
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


def style_plot(plot: pg.PlotItem, title: str, x_label: str, y_label: str) -> None:
    """Dark title and axis labels in the theme's sizes, a grid, no menu."""
    for side, text in (("bottom", x_label), ("left", y_label)):
        axis = plot.getAxis(side)
        axis.setLabel(text, **{"font-size": theme().size("small"), "color": TEXT_COLOUR})
        axis.enableAutoSIPrefix(False)
        axis.setPen(pg.mkPen("#333333"))
        axis.setTextPen(pg.mkPen("#222222"))
    theme().set_title(plot, title, "body")
    theme().style_plot(plot, tick_role="tick", label_role="small")
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.setMenuEnabled(False)


def legend_row(columns: int) -> pg.LegendItem:
    """A legend meant to sit in its own layout cell, below the plots it describes."""
    return pg.LegendItem(colCount=columns, labelTextSize=theme().size("small"), labelTextColor=TEXT_COLOUR)


def restyle_legend(legend: pg.LegendItem) -> None:
    """Entries of a legend in the theme's current ``small`` size."""
    legend.opts["labelTextSize"] = theme().size("small")
    for _sample, label in legend.items:
        label.setText(label.text, size=legend.opts["labelTextSize"])


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
    """A title above a locked-aspect view holding an image, a highlight overlay and outlines.

    The owner of the tiles calls `restyle` when the theme changes (title size, outline pens).
    """

    def __init__(self, title: str):
        """Build the tile's graphics items (add ``tile.layout`` to a GraphicsLayout)."""
        self.layout = pg.GraphicsLayout()
        self.layout.setContentsMargins(2, 2, 2, 2)
        self.layout.setSpacing(1)
        self.title = TitleLabel("")
        self.set_title(title)
        self.view = pg.ViewBox(invertY=True, lockAspect=True, enableMenu=False)
        self.view.setBorder(pg.mkPen(TILE_BORDER[0]))  # a hairline; its rectangle item follows the theme
        self.view.borderRect.setPen(theme().pen(*TILE_BORDER))
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
        self.title.setText(text, size=theme().size("body"), color=TEXT_COLOUR)

    def title_text(self) -> str:
        """The title as plain text."""
        return self.title.text

    def restyle(self) -> None:
        """Title and outlines in the theme's current sizes."""
        self.set_title(self.title.text)
        self.view.borderRect.setPen(theme().pen(*TILE_BORDER))
        for index, item in enumerate(self.outlines):
            item.setPen(theme().pen(*BAND_PENS[index % len(BAND_PENS)]))

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
            for z, spec in enumerate(BAND_PENS):
                item = QGraphicsRectItem(QRectF(col0, row0, col1 - col0, row1 - row0))
                item.setPen(theme().pen(*spec))
                item.setZValue(10 + z)
                self.view.addItem(item, ignoreBounds=True)
                self.outlines.append(item)

    def outline_rects(self) -> list[tuple[int, int, int, int]]:
        """The outlined rectangles (row0, row1, col0, col1), read back from the drawn items."""
        rects = [item.rect() for item in self.outlines[::len(BAND_PENS)]]
        return [(round(r.top()), round(r.bottom()), round(r.left()), round(r.right())) for r in rects]
