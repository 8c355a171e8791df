"""A stack of layers: how the receptive field of one deep unit grows with kernel, stride, dilation, pooling."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

import convlab.ui.widgets  # noqa: F401  (pyqtgraph configuration)
from convlab.engine.receptive_stack import receptive_field_growth, receptive_field_support, stack_input_length

TOP_UNITS = 3  # units in the top layer; the middle one is the deep unit whose receptive field is shown
FOCUS = 1
MAX_DRAWN_INPUTS = 160  # wider inputs are drawn as spans instead of one circle per unit
_LIT = "#f0a000"
_FOCUS_EDGE = "#c00000"


def _row_lengths(layers, length):
    """Units in every layer (input first) for an input of `length` units, no padding."""
    lengths = [length]
    for layer in layers:
        span = (layer.size - 1) * layer.dilation + 1
        lengths.append((lengths[-1] - span) // layer.stride + 1)
    return lengths


def _spans(layers, index):
    """(first, last) unit of every layer that top unit `index` depends on (input first)."""
    spans = [(index, index)]
    for layer in reversed(layers):
        first, last = spans[-1]
        spans.append((first * layer.stride, last * layer.stride + (layer.size - 1) * layer.dilation))
    return spans[::-1]


def _row_name(layer, number) -> str:
    if layer.kind == "pool":
        return f"max pool {layer.size}"
    return f"conv {number}: k={layer.size} s={layer.stride} d={layer.dilation}"


class StackView(QWidget):
    """Rows of units (input at the bottom), the deep unit's receptive field lit up in every row."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.showAxis("right")
        font = QFont()
        font.setPointSize(12)
        for side in ("left", "right", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setTickFont(font)
            axis.setTextPen("#111111")
            axis.setPen("#444444")
        self.plot.getAxis("bottom").setLabel("input position", **{"font-size": "13pt", "color": "#111111"})
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        self.formula.setStyleSheet("font-size: 14pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.formula)
        self.growth = [(1, 1)]
        self.lit_inputs = np.array([0])
        self.unit_text = ""

    def draw(self, params) -> None:
        """Redraw for a StackParams."""
        layers = params.layers()
        growth = receptive_field_growth(layers)
        self.growth = growth
        length = stack_input_length(layers, TOP_UNITS)
        lengths = _row_lengths(layers, length)
        self.plot.clear()
        x_of = [lambda u, r=r, j=j: np.asarray(u) * j + (r - 1) / 2.0 for r, j in growth]
        if length <= MAX_DRAWN_INPUTS:
            self._draw_units(layers, lengths, x_of)
        else:
            self._draw_spans(layers, lengths, x_of)
        top = len(layers)
        size = growth[-1][0]
        self.unit_text = f"{size:,}"
        focus_x = float(x_of[top](FOCUS))
        # The deep unit itself: a box with its receptive-field size written on it.
        number = pg.TextItem(f" {self.unit_text} ", color=_FOCUS_EDGE, anchor=(0.5, 0.5),
                             border=pg.mkPen(_FOCUS_EDGE, width=3), fill=pg.mkBrush("w"))
        caption = pg.TextItem("receptive field of this unit (inputs)", color=_FOCUS_EDGE, anchor=(0.5, 1.0))
        for item, points in ((number, 15), (caption, 14)):
            item.setFont(QFont("", points, QFont.Bold))
            item.setZValue(10)
            self.plot.addItem(item)
        number.setPos(focus_x, top)
        caption.setPos(focus_x, top + 0.45)
        self._axes(layers, growth)
        self.plot.setXRange(-1, length, padding=0.01)
        self.plot.setYRange(-0.5, top + 1.2, padding=0)
        self._formula(layers, growth, drawn=length <= MAX_DRAWN_INPUTS, length=length)

    def _draw_units(self, layers, lengths, x_of) -> None:
        support = receptive_field_support(layers, FOCUS)
        self.lit_inputs = support[0]
        width = self.plot.width() if self.plot.width() > 200 else 1000
        symbol_size = float(np.clip(0.8 * width / lengths[0], 5, 24))
        pairs_x, pairs_y = [], []
        for level, layer in enumerate(layers, start=1):
            reads = support[level][:, None] * layer.stride + np.arange(layer.size)[None, :] * layer.dilation
            tops = np.repeat(support[level], layer.size)
            pairs_x += np.column_stack([x_of[level](tops), x_of[level - 1](reads.ravel())]).ravel().tolist()
            pairs_y += [level, level - 1] * tops.size
        self.plot.addItem(pg.PlotCurveItem(np.array(pairs_x), np.array(pairs_y, dtype=float), connect="pairs",
                                           pen=pg.mkPen(_LIT, width=2.5)))
        kinds = ["input"] + [layer.kind for layer in layers]
        for level, count in enumerate(lengths):
            units = np.arange(count)
            lit = np.isin(units, support[level])
            brushes = [pg.mkBrush(_LIT if on else "w") for on in lit]
            self.plot.addItem(pg.ScatterPlotItem(x_of[level](units), np.full(count, level, dtype=float),
                                                 size=symbol_size, symbol="s" if kinds[level] == "pool" else "o",
                                                 brush=brushes, pen=pg.mkPen("#222222", width=1.5)))

    def _draw_spans(self, layers, lengths, x_of) -> None:
        spans = _spans(layers, FOCUS)
        self.lit_inputs = np.arange(spans[0][0], spans[0][1] + 1)
        for level, count in enumerate(lengths):
            first, last = spans[level]
            self.plot.plot(x_of[level]([0, count - 1]), [level, level], pen=pg.mkPen("#999999", width=3))
            self.plot.plot(x_of[level]([first, last]), [level, level], pen=pg.mkPen(_LIT, width=12))

    def _axes(self, layers, growth) -> None:
        names, numbers, conv = ["input"], ["r = 1"], 0
        for layer, (r, j) in zip(layers, growth[1:]):
            conv += layer.kind == "conv"
            names.append(_row_name(layer, conv))
            numbers.append(f"r = {r:,}, jump {j:,}")
        for side, labels in (("left", names), ("right", numbers)):
            axis = self.plot.getAxis(side)
            axis.setTicks([list(enumerate(labels)), []])
            axis.setWidth(max(QFontMetrics(axis.style["tickFont"] or QFont()).horizontalAdvance(t)
                              for t in labels) + 20)

    def _formula(self, layers, growth, drawn, length) -> None:
        chain = " → ".join(f"{r:,}" for r, _ in growth)
        shown = "" if drawn else (f"<br>{length:,} inputs are too many to draw one by one: each grey bar is a "
                                  f"layer, the orange part is the receptive field of the red unit.")
        self.formula.setText(
            "r<sub>l</sub> = r<sub>l−1</sub> + (k<sub>l</sub> − 1)·d<sub>l</sub>·j<sub>l−1</sub>,  "
            "j<sub>l</sub> = j<sub>l−1</sub>·s<sub>l</sub>  (r = receptive-field size in inputs, "
            "j = jump: input distance between neighbouring units)<br>"
            f"<b>r: {chain}</b>. Stride and pooling multiply the jump, so every later layer grows faster; "
            "dilation spreads the taps of one layer." + shown)
