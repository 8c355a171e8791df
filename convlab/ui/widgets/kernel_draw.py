"""KernelDraw: a 1-D kernel w(lag) as bars that can be redrawn by dragging with the mouse."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont

TITLE_POINTS = 12
LABEL_POINTS = 12
TICK_POINTS = 11


def style_plot(plot: pg.PlotItem, title: str, x_label: str, y_label: str) -> None:
    """Dark-on-white axes, a title and axis labels big enough for a lecture hall."""
    plot.setTitle(title, size=f"{TITLE_POINTS}pt", color="#111111")
    tick_font = QFont()
    tick_font.setPointSize(TICK_POINTS)
    for side, text in (("bottom", x_label), ("left", y_label)):
        axis = plot.getAxis(side)
        axis.setPen(pg.mkPen("#222222", width=1))
        axis.setTextPen("#111111")
        axis.setTickFont(tick_font)
        axis.setLabel(text, **{"font-size": f"{LABEL_POINTS}pt", "color": "#111111"})
        axis.enableAutoSIPrefix(False)
    plot.showGrid(x=True, y=True, alpha=0.25)


def add_legend(plot: pg.PlotItem, offset=(10, 10), columns: int = 1) -> pg.LegendItem:
    """A readable legend with a translucent white background."""
    return plot.addLegend(offset=offset, labelTextSize="11pt", labelTextColor="#111111", colCount=columns,
                          brush=pg.mkBrush(255, 255, 255, 210), pen=pg.mkPen("#999999"))


def stretch(weights: np.ndarray, width: int) -> np.ndarray:
    """Resample drawn weights (k,) to `width` taps by linear interpolation along the kernel."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.size == width:
        return weights.copy()
    if weights.size == 1 or width == 1:
        return np.full(width, float(weights.mean()))
    return np.interp(np.linspace(0, 1, width), np.linspace(0, 1, weights.size), weights)


class KernelDraw(pg.PlotWidget):
    """Bars of w(lag) against the lag; dragging with the left button redraws the weights.

    The first drag on a kernel turns it into a hand-drawn one: ``weights_drawn`` carries the
    whole new weight array (one value per lag, same lags as shown).
    """

    weights_drawn = Signal(object)  # ndarray (k,) float64

    def __init__(self, parent=None):
        """Create an empty, non-zoomable kernel plot."""
        super().__init__(parent, background="w")
        self.setMinimumSize(240, 200)
        item = self.getPlotItem()
        style_plot(item, "kernel w: drag to draw", "lag t − a (samples back)", "weight w(lag)")
        item.setMenuEnabled(False)
        item.hideButtons()
        item.vb.setMouseEnabled(x=False, y=False)
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=0.8, brush="#3a6fb0", pen=pg.mkPen("#1b3a66"))
        item.addItem(self.bars)
        self.zero_line = pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen("#c0392b", width=2, style=Qt.DashLine))
        item.addItem(self.zero_line, ignoreBounds=True)
        item.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen("#444444", width=1)), ignoreBounds=True)
        self.weights = np.zeros(1)
        self.lags = np.zeros(1, dtype=np.int64)
        self._dragging = False
        self._last_tap: tuple[int, float] | None = None

    def set_kernel(self, weights, lags) -> None:
        """Show weights (k,) at consecutive integer lags (k,); ignored while the user drags."""
        if self._dragging:
            return
        self.weights = np.array(weights, dtype=np.float64)
        self.lags = np.array(lags, dtype=np.int64)
        self._redraw()
        self._fit_view()

    def _redraw(self) -> None:
        width = 0.8 if self.lags.size < 60 else 1.0
        self.bars.setOpts(x=self.lags, height=self.weights, width=width)

    def _fit_view(self) -> None:
        low = min(0.0, float(self.weights.min()))
        high = max(0.0, float(self.weights.max()))
        pad = 0.25 * (high - low) if high > low else 0.1
        vb = self.getPlotItem().vb
        vb.setYRange(low - (0.4 * pad if low < 0 else 0.05 * pad), high + pad, padding=0)
        lo, hi = min(int(self.lags[0]), 0), max(int(self.lags[-1]), 0)
        vb.setXRange(lo - 0.8, hi + 0.8, padding=0)

    def draw_at(self, lag: float, value: float) -> bool:
        """Set the weight of the bar nearest to `lag` to `value` (as a drag does); True if one changed."""
        tap = int(round(lag)) - int(self.lags[0])
        if not (0 <= tap < self.weights.size) or not np.isfinite(value):
            return False
        if self._last_tap is not None and abs(self._last_tap[0] - tap) > 1:
            start, start_value = self._last_tap
            between = np.arange(min(start, tap) + 1, max(start, tap))
            self.weights[between] = np.interp(between, [start, tap], [start_value, value])
        self.weights[tap] = value
        self._last_tap = (tap, value) if self._dragging else None
        self._redraw()
        self.weights_drawn.emit(self.weights.copy())
        return True

    def _view_point(self, event):
        point = self.getPlotItem().vb.mapSceneToView(self.mapToScene(event.position().toPoint()))
        return point.x(), point.y()

    def mousePressEvent(self, event) -> None:
        """Start drawing with the left button."""
        if event.button() != Qt.LeftButton:
            event.ignore()
            return
        self._dragging = True
        self._last_tap = None
        self.draw_at(*self._view_point(event))
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        """Keep drawing while the left button is held."""
        if self._dragging:
            self.draw_at(*self._view_point(event))
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        """Stop drawing and rescale to the new weights."""
        if self._dragging:
            self._dragging = False
            self._last_tap = None
            self._fit_view()
            event.accept()
        else:
            super().mouseReleaseEvent(event)
