"""KernelDraw: a 1-D kernel w(lag) as bars that can be redrawn by dragging with the mouse.

KernelDraw follows the theme itself (title, axes and lines). ``style_plot`` and ``add_legend`` give any
other plot the same look in the theme's sizes at scale 1, and leave its scaling to the presentation
pass: a plot that follows the theme uses ``theme().style_plot`` and ``theme().set_title`` instead.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from convlab.ui.theme import ROLE_POINTS, TEXT_COLOUR, theme

AXIS_COLOUR = "#222222"
BAR_BRUSH, BAR_PEN = "#3a6fb0", "#1b3a66"
ZERO_LAG_PEN = ("#c0392b", 2)  # the dashed line at lag 0
BASELINE_PEN = ("#444444", 1)  # weight 0


def _dark_axes(plot: pg.PlotItem, x_label: str, y_label: str, **label_style) -> None:
    for side, text in (("bottom", x_label), ("left", y_label)):
        axis = plot.getAxis(side)
        axis.setPen(AXIS_COLOUR)
        axis.setTextPen(TEXT_COLOUR)
        axis.setLabel(text, color=TEXT_COLOUR, **label_style)
        axis.enableAutoSIPrefix(False)
    plot.showGrid(x=True, y=True, alpha=0.25)


def style_plot(plot: pg.PlotItem, title: str, x_label: str, y_label: str) -> None:
    """Dark-on-white axes, a title and axis labels big enough for a lecture hall: the body role for the
    title and labels, the small role for ticks, at scale 1."""
    _dark_axes(plot, x_label, y_label, **{"font-size": f"{ROLE_POINTS['body']:g}pt"})
    plot.setTitle(title, size=f"{ROLE_POINTS['body']:g}pt", color=TEXT_COLOUR)
    tick_font = theme().font("small")
    tick_font.setPointSizeF(ROLE_POINTS["small"])
    for side in ("bottom", "left"):
        plot.getAxis(side).setTickFont(tick_font)


def add_legend(plot: pg.PlotItem, offset=(10, 10), columns: int = 1) -> pg.LegendItem:
    """A readable legend with a translucent white background (text in the small role, at scale 1)."""
    return plot.addLegend(offset=offset, labelTextSize=f"{ROLE_POINTS['small']:g}pt", labelTextColor=TEXT_COLOUR,
                          colCount=columns, brush=pg.mkBrush(255, 255, 255, 210), pen=pg.mkPen("#999999"))


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
        _dark_axes(item, "lag t − a (samples back)", "weight w(lag)")
        theme().style_plot(item, tick_role="small", label_role="body")
        theme().set_title(item, "kernel w: drag to draw", role="body")
        item.setMenuEnabled(False)
        item.hideButtons()
        item.vb.setMouseEnabled(x=False, y=False)
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=0.8, brush=BAR_BRUSH)
        item.addItem(self.bars)
        self.zero_line = pg.InfiniteLine(pos=0, angle=90)
        item.addItem(self.zero_line, ignoreBounds=True)
        self.baseline = pg.InfiniteLine(pos=0, angle=0)
        item.addItem(self.baseline, ignoreBounds=True)
        self.weights = np.zeros(1)
        self.lags = np.zeros(1, dtype=np.int64)
        self._dragging = False
        self._last_tap: tuple[int, float] | None = None
        theme().follow(self, self._restyle)

    def _restyle(self) -> None:
        """Bar outlines and the two lines in the theme's widths."""
        self.bars.setOpts(pen=theme().pen(BAR_PEN, 1))
        self.zero_line.setPen(theme().pen(*ZERO_LAG_PEN, Qt.PenStyle.DashLine))
        self.baseline.setPen(theme().pen(*BASELINE_PEN))

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
