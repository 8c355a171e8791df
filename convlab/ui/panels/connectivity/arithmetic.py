"""Convolution arithmetic: the kernel window sliding over a small padded grid, step by step."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView

from convlab.engine.connectivity import uncovered_tail
from convlab.engine.conv import output_size, padding_for

CELL = 40.0
TITLE_PIXELS = 70  # room above the grids for their two-line titles, in screen pixels
_INPUT_FILL, _PADDING_FILL, _DONE_FILL, _CURRENT = "#cfe2f3", "#f2f2f2", "#a8d5ba", "#f08c00"


def _pen(colour, width, style=Qt.SolidLine) -> QPen:
    pen = QPen(QColor(colour), width, style)
    pen.setCosmetic(True)
    return pen


class ArithmeticGeometry:
    """Where the window of every output cell sits, for an ArithmeticParams."""

    def __init__(self, params):
        self.params = p = params
        (self.before, self.after), _ = padding_for(p.padding, (p.kernel, p.kernel), p.dilation)
        self.padded = p.size + self.before + self.after
        self.span = (p.kernel - 1) * p.dilation + 1
        self.output = output_size(p.size, p.kernel, p.padding, p.stride, p.dilation)
        self.uncovered = uncovered_tail(p.size, p.kernel, p.padding, p.stride, p.dilation)

    @property
    def steps(self) -> int:
        """Number of output cells, one animation step each."""
        return self.output * self.output

    def window(self, step: int):
        """(top, left) of the window in padded-input cells, and the output cell (row, col), for a step."""
        row, col = divmod(step, self.output)
        return (row * self.params.stride, col * self.params.stride), (row, col)

    def taps(self, step: int):
        """Padded-input cells read by the kernel taps at a step."""
        (top, left), _ = self.window(step)
        d, k = self.params.dilation, self.params.kernel
        return [(top + a * d, left + b * d) for a in range(k) for b in range(k)]


class ArithmeticScene(QGraphicsView):
    """Padded input grid (left) and output grid (right), both titled, window and current cell highlighted."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self._content = QRectF()
        self.titles = ("", "")
        self.output_cells_drawn = 0
        self.padding_cells_drawn = 0

    def draw(self, geometry: ArithmeticGeometry, step: int, revealed: bool) -> None:
        """Draw the grids for one step; before the reveal only the output cells computed so far show."""
        scene = self.scene()
        scene.clear()
        g, p = geometry, geometry.params
        self.padding_cells_drawn = 0
        for r in range(g.padded):
            for c in range(g.padded):
                inside = g.before <= r < g.before + p.size and g.before <= c < g.before + p.size
                self._cell(c, r, _INPUT_FILL if inside else _PADDING_FILL,
                           _pen("#333333", 1.5) if inside else _pen("#9a9a9a", 1.2, Qt.DashLine))
                self.padding_cells_drawn += not inside
        out_x, out_y = g.padded + 2, 0  # placed and sized independently of the (hidden) output size
        self.output_cells_drawn = 0
        for index in range(g.steps):
            if index > step and not revealed:
                continue
            row, col = divmod(index, g.output)
            fill = _CURRENT if index == step else _DONE_FILL if index < step else "white"
            self._cell(out_x + col, out_y + row, fill, _pen("#333333", 3.5 if index == step else 1.5))
            self.output_cells_drawn += 1
        if g.steps:
            self._window(g, step, out_x, out_y)
        padded = f"padded to {g.padded}×{g.padded}" if g.padded != p.size else "no padding"
        out = f"{g.output}×{g.output}" if revealed else "?×?"
        self.titles = (f"input ({p.size}×{p.size}, {padded})", f"output ({out})")
        self._title(0, 0, f"input {p.size}×{p.size}\n{padded}")
        self._title(out_x, out_y, f"output {out}" if g.steps else f"output {out}\nno window fits")
        width = out_x + max(g.padded, 3)
        self._content = QRectF(-0.2 * CELL, -0.2 * CELL, (width + 0.4) * CELL, (g.padded + 0.4) * CELL)
        self._fit()

    def _cell(self, x, y, fill, pen):
        return self.scene().addRect(x * CELL, y * CELL, CELL, CELL, pen, QBrush(QColor(fill)))

    def _window(self, g, step, out_x, out_y) -> None:
        (top, left), (row, col) = g.window(step)
        window_pen = _pen(_CURRENT, 3.0, Qt.DashLine)
        self.scene().addRect(left * CELL, top * CELL, g.span * CELL, g.span * CELL, window_pen).setZValue(3)
        tap_fill = QColor(_CURRENT)
        tap_fill.setAlpha(150)
        for r, c in g.taps(step):
            self.scene().addRect(c * CELL + 3, r * CELL + 3, CELL - 6, CELL - 6, _pen(_CURRENT, 2.5),
                                 QBrush(tap_fill)).setZValue(2)
        centre = ((left + g.span / 2) * CELL, (top + g.span / 2) * CELL)
        target = ((out_x + col + 0.5) * CELL, (out_y + row + 0.5) * CELL)
        self.scene().addLine(*centre, *target, _pen(_CURRENT, 2.0, Qt.DotLine)).setZValue(4)

    def _title(self, x_cells, y_cells, text) -> None:
        item = self.scene().addSimpleText(text, QFont("", 14, QFont.Bold))
        item.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        item.setTransform(QTransform.fromTranslate(0, -item.boundingRect().height() - 4))
        item.setPos(x_cells * CELL, y_cells * CELL)

    def _fit(self) -> None:
        """Fit the grids, keeping TITLE_PIXELS of screen space above them for the titles."""
        if self._content.isEmpty() or self.viewport().height() <= TITLE_PIXELS:
            return
        scale = min((self.viewport().height() - TITLE_PIXELS - 8) / self._content.height(),
                    (self.viewport().width() - 8) / self._content.width())
        if scale <= 0:
            return
        rect = self._content.adjusted(0, -TITLE_PIXELS / scale, 0, 0)
        self.scene().setSceneRect(rect)
        self.fitInView(rect, Qt.KeepAspectRatio)

    def resizeEvent(self, event) -> None:
        """Keep both grids in view."""
        super().resizeEvent(event)
        self._fit()

