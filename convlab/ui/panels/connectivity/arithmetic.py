"""Convolution arithmetic: the kernel window sliding over a small padded grid, step by step."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView

from convlab.ui.panels.connectivity.palette import CURRENT, DONE_FILL, GRID, INPUT_FILL, PADDING_EDGE, PADDING_FILL
from convlab.ui.theme import theme

CELL = 40.0
TITLE_PIXELS = 70  # room above the grids for their two-line titles, in screen pixels at scale 1


class ArithmeticScene(QGraphicsView):
    """Padded input grid (left) and output grid (right), both titled, window and current cell highlighted.

    Lines follow the theme's line scale and the titles its "numbers" role (redrawn on a change).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self._content = QRectF()
        self._shown = None  # (geometry, step, revealed) last drawn
        self.titles = ("", "")
        self.output_cells_drawn = 0
        self.padding_cells_drawn = 0
        theme().follow(self, self._redraw)

    def _redraw(self) -> None:
        if self._shown is not None:
            self.draw(*self._shown)

    def draw(self, geometry, step: int, revealed: bool) -> None:
        """Draw the grids of an ArithmeticGeometry for one step; before the reveal only the output cells
        computed so far show."""
        self._shown = (geometry, step, revealed)
        scene = self.scene()
        scene.clear()
        g, p = geometry, geometry.params
        self.padding_cells_drawn = 0
        for r in range(g.padded):
            for c in range(g.padded):
                inside = g.before <= r < g.before + p.size and g.before <= c < g.before + p.size
                self._cell(c, r, INPUT_FILL if inside else PADDING_FILL,
                           theme().pen(GRID, 1.5) if inside else theme().pen(PADDING_EDGE, 1.2, Qt.DashLine))
                self.padding_cells_drawn += not inside
        out_x, out_y = g.padded + 2, 0  # placed and sized independently of the (hidden) output size
        self.output_cells_drawn = 0
        for index in range(g.steps):
            if index > step and not revealed:
                continue
            row, col = divmod(index, g.output)
            fill = CURRENT if index == step else DONE_FILL if index < step else "white"
            self._cell(out_x + col, out_y + row, fill, theme().pen(GRID, 3.5 if index == step else 1.5))
            self.output_cells_drawn += 1
        if g.steps:
            self._window(g, step, out_x, out_y)
        self.titles = g.titles(revealed)
        padded = f"padded to {g.padded}×{g.padded}" if g.padded != p.size else "no padding"
        out = f"{g.output}×{g.output}" if revealed else "?×?"
        self._title(0, 0, f"input {p.size}×{p.size}\n{padded}")
        self._title(out_x, out_y, f"output {out}" if g.steps else f"output {out}\nno window fits")
        width = out_x + max(g.padded, 3)
        self._content = QRectF(-0.2 * CELL, -0.2 * CELL, (width + 0.4) * CELL, (g.padded + 0.4) * CELL)
        self._fit()

    def _cell(self, x, y, fill, pen):
        return self.scene().addRect(x * CELL, y * CELL, CELL, CELL, pen, QBrush(QColor(fill)))

    def _window(self, g, step, out_x, out_y) -> None:
        (top, left), (row, col) = g.window(step)
        window_pen = theme().pen(CURRENT, 3.0, Qt.DashLine)
        self.scene().addRect(left * CELL, top * CELL, g.span * CELL, g.span * CELL, window_pen).setZValue(3)
        tap_fill = QColor(CURRENT)
        tap_fill.setAlpha(150)
        for r, c in g.taps(step):
            self.scene().addRect(c * CELL + 3, r * CELL + 3, CELL - 6, CELL - 6, theme().pen(CURRENT, 2.5),
                                 QBrush(tap_fill)).setZValue(2)
        centre = ((left + g.span / 2) * CELL, (top + g.span / 2) * CELL)
        target = ((out_x + col + 0.5) * CELL, (out_y + row + 0.5) * CELL)
        self.scene().addLine(*centre, *target, theme().pen(CURRENT, 2.0, Qt.DotLine)).setZValue(4)

    def _title(self, x_cells, y_cells, text) -> None:
        item = self.scene().addSimpleText(text, theme().font("numbers", bold=True, base=QFont("")))
        item.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        item.setTransform(QTransform.fromTranslate(0, -item.boundingRect().height() - 4))
        item.setPos(x_cells * CELL, y_cells * CELL)

    def _fit(self) -> None:
        """Fit the grids, keeping room above them for the titles (TITLE_PIXELS at scale 1)."""
        title_pixels = TITLE_PIXELS * theme().font_scale
        if self._content.isEmpty() or self.viewport().height() <= title_pixels:
            return
        scale = min((self.viewport().height() - title_pixels - 8) / self._content.height(),
                    (self.viewport().width() - 8) / self._content.width())
        if scale <= 0:
            return
        rect = self._content.adjusted(0, -title_pixels / scale, 0, 0)
        self.scene().setSceneRect(rect)
        self.fitInView(rect, Qt.KeepAspectRatio)

    def resizeEvent(self, event) -> None:
        """Keep both grids in view."""
        super().resizeEvent(event)
        self._fit()
