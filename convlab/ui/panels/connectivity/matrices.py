"""The 1-D layer as weight matrices: dense, banded unshared, Toeplitz and tiled, coloured by parameter."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

import convlab.ui.widgets  # noqa: F401  (row-major image axis order)
from convlab.engine.connectivity import MATRIX_KINDS
from convlab.lab.connectivity import parameter_formula
from convlab.ui.panels.connectivity.palette import AXIS_COLOUR, parameter_rgb
from convlab.ui.theme import TEXT_COLOUR, THEMED, theme

CELL_PIXELS = 9  # image pixels per matrix entry; the last row and column of each cell draw the grid
MAX_GRID_ENTRIES = 16
MATRIX_TITLES = {"dense": "Dense<br>(fully connected)", "local": "Banded, unshared<br>(locally connected)",
                 "conv": "Toeplitz<br>(convolution)", "tiled": "Tiled convolution<br>period t = {period}"}
_GRID_RGB = (255, 255, 255)


def cell_image(rgb: np.ndarray) -> np.ndarray:
    """An (n, m, 3) colour matrix as an image: CELL_PIXELS per entry with thin white grid lines.

    Matrices wider or taller than MAX_GRID_ENTRIES keep one pixel per entry: their grid lines would
    alias into a moire pattern once the view shrinks them.
    """
    if max(rgb.shape[:2]) > MAX_GRID_ENTRIES:
        return np.ascontiguousarray(rgb)
    image = np.repeat(np.repeat(rgb, CELL_PIXELS, axis=0), CELL_PIXELS, axis=1)
    image[CELL_PIXELS - 1::CELL_PIXELS, :] = _GRID_RGB
    image[:, CELL_PIXELS - 1::CELL_PIXELS] = _GRID_RGB
    return np.ascontiguousarray(image)


def _ticks(count: int):
    """Integer tick positions 1..count (every one up to 10, else 1 and multiples of 5)."""
    if count <= 10:
        return [(v, str(v)) for v in range(1, count + 1)]
    return [(v, str(v)) for v in [1] + list(range(5, count + 1, 5))]


def count_text(kind, params, count) -> str:
    """The count of distinct parameters and the formula it comes from."""
    formula, value = parameter_formula(kind, params)
    text = f"distinct parameters: <b>{count}</b><br>{formula}"
    if count != value:
        text += f" = {value}; {value - count} fall on zero padding"
    return text


class MatrixViews(QWidget):
    """Four heat maps, row = output j, column = input i, each with its count of distinct parameters."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.graphics.setProperty(THEMED, True)  # its plots follow the theme (style_plot, set_title)
        self.plots, self.images, self.counts = {}, {}, {}
        self.colours: dict[str, np.ndarray] = {}
        self.ids: dict[str, np.ndarray] = {}
        self.count_labels = {kind: QLabel() for kind in MATRIX_KINDS}
        for column, kind in enumerate(MATRIX_KINDS):
            self._add_plot(kind, column)
        layout = QGridLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.graphics, 0, 0, 1, len(MATRIX_KINDS))
        for column, kind in enumerate(MATRIX_KINDS):
            label = self.count_labels[kind]
            label.setAlignment(Qt.AlignCenter)
            label.setWordWrap(True)
            theme().label(label, "numbers")
            layout.addWidget(label, 1, column)
        note = QLabel("Same colours as the diagrams: a colour is a parameter. Grey entries are zero "
                      "(no connection). Tiled: the t kernels are shades of the tap colours.")
        note.setWordWrap(True)
        theme().label(note, "note")
        layout.addWidget(note, 2, 0, 1, len(MATRIX_KINDS))
        layout.setRowStretch(0, 1)

    def _add_plot(self, kind: str, column: int) -> None:
        """One heat map with its title and axes, in column `column` of the layout."""
        plot = self.graphics.addPlot(row=0, col=column)
        self.graphics.ci.layout.setColumnStretchFactor(column, 1)
        plot.invertY(True)
        plot.setAspectLocked(True)
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(False, False)
        plot.hideButtons()
        for side, text in (("left", "output s_j"), ("bottom", "input x_i")):
            axis = plot.getAxis(side)
            axis.setTextPen(TEXT_COLOUR)
            axis.setPen(AXIS_COLOUR)
            axis.setLabel(text, **{"font-size": theme().size("note"), "color": TEXT_COLOUR})
        theme().style_plot(plot, tick_role="small", label_role="note")
        theme().set_title(plot, MATRIX_TITLES[kind].format(period=1), "numbers")
        image = pg.ImageItem(axisOrder="row-major")
        plot.addItem(image)
        self.plots[kind], self.images[kind] = plot, image

    def draw(self, figure) -> None:
        """Redraw the four matrices for a LayerFigure."""
        params = figure.settings
        for kind in MATRIX_KINDS:
            ids = figure.ids[kind]
            rgb = parameter_rgb(kind, ids, params.kernel, params.period)
            self.ids[kind], self.colours[kind] = ids, rgb
            self.counts[kind] = figure.counts[kind]
            n, m = ids.shape
            if kind == "tiled":
                theme().set_title(self.plots[kind], MATRIX_TITLES[kind].format(period=params.period), "numbers")
            self.plots[kind].getAxis("bottom").setTicks([_ticks(m), []])
            self.plots[kind].getAxis("left").setTicks([_ticks(n), []])
            image = self.images[kind]
            if n == 0:
                image.clear()
            else:
                image.setImage(cell_image(rgb), levels=None, autoLevels=False)
                image.setRect(QRectF(0.5, 0.5, m, n))  # integer ticks at cell centres: x1.. and s1..
            self.plots[kind].setRange(xRange=(0.5, max(m, 1) + 0.5), yRange=(0.5, max(n, 1) + 0.5), padding=0.02)
            self.count_labels[kind].setText(count_text(kind, params, self.counts[kind]))
