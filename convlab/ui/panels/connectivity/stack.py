"""A stack of layers: how the receptive field of one deep unit grows with kernel, stride, dilation, pooling."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

import convlab.ui.widgets  # noqa: F401  (pyqtgraph configuration)
from convlab.lab.layer_stack import FOCUS
from convlab.ui.panels.connectivity.palette import AXIS_COLOUR, LIT, SPAN, UNIT_EDGE
from convlab.ui.panels.connectivity.palette import FOCUS as FOCUS_COLOUR
from convlab.ui.theme import TEXT_COLOUR, theme

TICK_ROLE = "body"  # the row names and receptive-field sizes beside the rows


class StackView(QWidget):
    """Rows of units (input at the bottom), the deep unit's receptive field lit up in every row."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.showAxis("right")
        for side in ("left", "right", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setTextPen(TEXT_COLOUR)
            axis.setPen(AXIS_COLOUR)
        self.plot.getAxis("bottom").setLabel("input position", **{"font-size": theme().size("note"),
                                                                   "color": TEXT_COLOUR})
        theme().style_plot(self.plot, tick_role=TICK_ROLE, label_role="note")
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        theme().label(self.formula, "numbers")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.formula)
        self.figure = None
        self.growth = [(1, 1)]
        self.lit_inputs = np.array([0])
        self.unit_text = ""
        theme().follow(self, self._redraw)

    def _redraw(self) -> None:
        if self.figure is not None:
            self.draw(self.figure)

    def draw(self, figure) -> None:
        """Redraw for a StackFigure (``convlab.lab.layer_stack.compute_stack``)."""
        self.figure, self.growth, self.lit_inputs = figure, figure.growth, figure.lit_inputs
        self.plot.clear()
        if figure.drawn:
            self._draw_units(figure)
        else:
            self._draw_spans(figure)
        top = len(figure.layers)
        self.unit_text = f"{figure.size:,}"
        focus_x = float(figure.x(top, FOCUS))
        # The deep unit itself: a box with its receptive-field size written on it.
        number = pg.TextItem(f" {self.unit_text} ", color=FOCUS_COLOUR, anchor=(0.5, 0.5),
                             border=theme().pen(FOCUS_COLOUR, 3), fill=pg.mkBrush("w"))
        caption = pg.TextItem("receptive field of this unit (inputs)", color=FOCUS_COLOUR, anchor=(0.5, 1.0))
        for item, role in ((number, "title"), (caption, "numbers")):
            item.setFont(theme().font(role, bold=True, base=QFont("")))
            item.setZValue(10)
            self.plot.addItem(item)
        number.setPos(focus_x, top)
        caption.setPos(focus_x, top + 0.45)
        self._axes(figure)
        self.plot.setXRange(-1, figure.lengths[0], padding=0.01)
        self.plot.setYRange(-0.5, top + 1.2, padding=0)
        self._formula(figure)

    def _draw_units(self, figure) -> None:
        width = self.plot.width() if self.plot.width() > 200 else 1000
        symbol_size = theme().marker(float(np.clip(0.8 * width / figure.lengths[0], 5, 24)))
        pairs_x, pairs_y = figure.support_edges()
        self.plot.addItem(pg.PlotCurveItem(pairs_x, pairs_y, connect="pairs", pen=theme().pen(LIT, 2.5)))
        kinds = ["input"] + [layer.kind for layer in figure.layers]
        for level, count in enumerate(figure.lengths):
            units = np.arange(count)
            lit = np.isin(units, figure.support[level])
            brushes = [pg.mkBrush(LIT if on else "w") for on in lit]
            self.plot.addItem(pg.ScatterPlotItem(figure.x(level, units), np.full(count, level, dtype=float),
                                                 size=symbol_size, symbol="s" if kinds[level] == "pool" else "o",
                                                 brush=brushes, pen=theme().pen(UNIT_EDGE, 1.5)))

    def _draw_spans(self, figure) -> None:
        for level, count in enumerate(figure.lengths):
            first, last = figure.spans[level]
            self.plot.plot(figure.x(level, [0, count - 1]), [level, level], pen=theme().pen(SPAN, 3))
            self.plot.plot(figure.x(level, [first, last]), [level, level], pen=theme().pen(LIT, 12))

    def _axes(self, figure) -> None:
        metrics = QFontMetrics(theme().font(TICK_ROLE))  # the axes' tick font (style_plot)
        for side, labels in (("left", figure.names), ("right", figure.numbers)):
            axis = self.plot.getAxis(side)
            axis.setTicks([list(enumerate(labels)), []])
            axis.setWidth(max(metrics.horizontalAdvance(t) for t in labels) + 20)

    def _formula(self, figure) -> None:
        length = figure.lengths[0]
        shown = "" if figure.drawn else (f"<br>{length:,} inputs are too many to draw one by one: each grey bar is a "
                                         f"layer, the orange part is the receptive field of the red unit.")
        self.formula.setText(
            "r<sub>l</sub> = r<sub>l−1</sub> + (k<sub>l</sub> − 1)·d<sub>l</sub>·j<sub>l−1</sub>,  "
            "j<sub>l</sub> = j<sub>l−1</sub>·s<sub>l</sub>  (r = receptive-field size in inputs, "
            "j = jump: input distance between neighbouring units)<br>"
            f"<b>r: {figure.formula_chain()}</b>. Stride and pooling multiply the jump, so every later layer grows "
            "faster; dilation spreads the taps of one layer." + shown)
