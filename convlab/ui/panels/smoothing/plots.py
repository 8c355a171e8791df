"""The plots of the signal-smoothing panel: track, error vs width, flip and slide, commutativity.

Every pen, marker and font comes from the theme at draw time; each view re-styles itself when the
theme's scale changes (``_restyle``), keeping its data and its zoom."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

import convlab.ui.widgets  # noqa: F401  (pyqtgraph configuration)
from convlab.ui.theme import ERROR_COLOUR, TEXT_COLOUR, theme
from convlab.ui.widgets.kernel_draw import add_legend, style_plot
from convlab.ui.widgets.product_view import format_value

PLACEMENT_COLOURS = {True: "#d62728", False: "#1f77b4"}  # causal red, centred blue, in every plot
WEIGHT_COLOUR, PRODUCT_COLOUR = "#1f77b4", "#ff7f0e"
MEASURED_BRUSH = pg.mkBrush(120, 120, 120, 150)
TIME_COLOUR = "#2ca02c"
MAX_TERMS_WRITTEN = 4
LENGTH_RULE = {"same": "n", "full": "n + k − 1", "valid": "n − k + 1"}


def placement_name(causal: bool) -> str:
    """'causal' or 'centred'."""
    return "causal" if causal else "centred"


def estimate_pen(causal: bool, chosen: bool):
    """Solid and thick for the chosen placement, dashed for the other one."""
    return theme().pen(PLACEMENT_COLOURS[causal], 3.5 if chosen else 2.5,
                       Qt.PenStyle.SolidLine if chosen else Qt.PenStyle.DashLine)


def time_pen():
    """The green line at the time t (and at the chosen width)."""
    return theme().pen(TIME_COLOUR, 2.5)


def application_font(font: QFont) -> QFont:
    """`font` at the size of the (scaled) application font, for text that follows no role."""
    font = QFont(font)
    font.setPointSizeF(QApplication.font().pointSizeF())
    return font


def coloured(text: str, colour: str) -> str:
    """HTML for a coloured square followed by text, for titles that explain colours."""
    return f"<span style='color:{colour}'>■ {text}</span>"


def _plot_widget(title, x_label, y_label) -> pg.PlotWidget:
    widget = pg.PlotWidget(background="w")
    style_plot(widget, title, x_label, y_label)
    widget.setMinimumHeight(180)
    return widget


class TrackPlot(pg.PlotWidget):
    """True path, noisy measurements and the causal and centred estimates over time."""

    def __init__(self):
        super().__init__(background="w")
        item = self.getPlotItem()
        style_plot(self, "Spaceship position: measurements x(t) and smoothed estimates s(t)",
                   "time t (sample number)", "position")
        self.legend = add_legend(item, offset=(10, 5), columns=4)
        self.measured = item.plot([], [], pen=None, symbol="o", symbolPen=None, symbolBrush=MEASURED_BRUSH,
                                  name="measurements x(t)")
        self.truth = item.plot([], [], name="true path")
        self.chosen = item.plot([], [], name="s(t)")
        self.other = item.plot([], [], name="s(t)")
        self.time_line = pg.InfiniteLine(angle=90)
        item.addItem(self.time_line, ignoreBounds=True)
        self._causal = True
        theme().follow(self, self._restyle)

    def _restyle(self) -> None:
        self.measured.setSymbolSize(theme().marker(5))
        self.truth.setPen(theme().pen(TEXT_COLOUR, 3))
        self.chosen.setPen(estimate_pen(self._causal, True))
        self.other.setPen(estimate_pen(not self._causal, False))
        self.time_line.setPen(time_pen())

    def show_track(self, result) -> None:
        """Draw a SmoothingResult."""
        x, truth = result.job.x, result.job.truth
        what = "Spaceship position" if truth is not None else "Loaded signal"
        theme().set_title(self, f"{what}: measurements x(t) and smoothed estimates s(t)", "body")
        self._causal = result.causal
        self.getPlotItem().setLabel("left", "position" if truth is not None else "value")
        self.measured.setData(np.arange(x.size), x)
        self.truth.setData(*((np.arange(x.size), truth) if truth is not None else ([], [])))
        self.truth.setVisible(truth is not None)
        self.chosen.setData(result.times, result.estimate, pen=estimate_pen(result.causal, True))
        self.other.setData(result.other_times, result.other_estimate, pen=estimate_pen(not result.causal, False))
        self.legend.clear()
        if truth is not None:
            self.legend.addItem(self.truth, "true path")
        self.legend.addItem(self.measured, "measurements x(t)")
        self.legend.addItem(self.chosen, f"s(t), {placement_name(result.causal)} kernel")
        self.legend.addItem(self.other, f"s(t), {placement_name(not result.causal)} kernel")
        values = [v for v in (x, truth, result.estimate, result.other_estimate) if v is not None and v.size]
        low = min(float(v.min()) for v in values)
        high = max(float(v.max()) for v in values)
        span = max(high - low, 1e-9)
        times = np.concatenate([[0, x.size - 1], result.times[[0, -1]] if result.times.size else []])
        item = self.getPlotItem()
        item.vb.setRange(xRange=(times.min(), times.max()), yRange=(low - 0.05 * span, high + 0.3 * span))


class ErrorPlot(pg.PlotWidget):
    """Mean squared error against the truth for every kernel width, causal and centred."""

    def __init__(self):
        super().__init__(background="w")
        item = self.getPlotItem()
        style_plot(self, "Error of s(t) against the true path", "kernel width k (taps)", "mean squared error")
        self.legend = add_legend(item, offset=(-10, -10))
        self.curves = {c: item.plot([], [], name=f"{placement_name(c)} kernel") for c in (True, False)}
        self.best = {c: pg.ScatterPlotItem(symbol="star", pen=pg.mkPen("k"), brush=PLACEMENT_COLOURS[c])
                     for c in (True, False)}
        for scatter in self.best.values():
            item.addItem(scatter)
        self.raw_line = pg.InfiniteLine(angle=0, label="raw measurements",
                                        labelOpts={"position": 0.8, "color": "#555555"})
        self.width_line = pg.InfiniteLine(angle=90)
        item.addItem(self.raw_line, ignoreBounds=True)
        item.addItem(self.width_line, ignoreBounds=True)
        self.note = pg.TextItem("", color=ERROR_COLOUR, anchor=(0.5, 0.5))
        item.addItem(self.note, ignoreBounds=True)
        theme().follow(self, self._restyle)

    def _restyle(self) -> None:
        t = theme()
        for causal, curve in self.curves.items():
            curve.setPen(t.pen(PLACEMENT_COLOURS[causal], 3))
            self.best[causal].setSize(t.marker(16))
        self.raw_line.setPen(t.pen("#777777", 2, Qt.PenStyle.DotLine))
        self.raw_line.label.setFont(application_font(self.raw_line.label.textItem.font()))
        self.width_line.setPen(time_pen())
        self.note.setFont(t.font("body"))

    def show_errors(self, result) -> None:
        """Draw the sweep of a SmoothingResult (or say why there is none)."""
        self.width_line.setValue(result.job.params.width)
        sweep = result.sweep
        self.note.setText("" if sweep else result.sweep_note)
        self.legend.setVisible(sweep is not None)
        for causal, curve in self.curves.items():
            if sweep and np.isfinite(sweep.errors[causal]).any():
                widths, errors = sweep.widths, sweep.errors[causal]
                curve.setData(widths, errors)
                best = int(np.nanargmin(errors))
                self.best[causal].setData([widths[best]], [errors[best]])
            else:
                curve.setData([], [])
                self.best[causal].setData([], [])
        self.raw_line.setVisible(result.raw_mse is not None)
        if result.raw_mse is not None:
            self.raw_line.setValue(result.raw_mse)
        vb = self.getPlotItem().vb
        if not sweep:
            vb.setRange(xRange=(0, 1), yRange=(0, 1))
            self.note.setPos(0.5, 0.5)
            return
        finite = np.concatenate([e[np.isfinite(e)] for e in sweep.errors.values()])
        top = max(1.6 * (result.raw_mse or 0.0), 3.0 * float(finite.min())) if finite.size else 1.0
        top = min(top, float(finite.max())) * 1.05 if finite.size else top
        vb.setRange(xRange=(0, sweep.widths[-1] + 1), yRange=(0, max(top, 1e-12)))


class SlideView(QWidget):
    """The flip-and-slide picture at one time t: x(a), w(t − a), the products and their sum."""

    def __init__(self):
        super().__init__()
        self.signal_plot = _plot_widget("", "", "x(a)")
        self.signal_plot.getPlotItem().getAxis("bottom").showLabel(False)  # shared with the plot below
        self.terms_plot = _plot_widget(f"{coloured('flipped kernel w(t − a)', WEIGHT_COLOUR)} &nbsp; "
                                       f"{coloured('products x(a)·w(t − a)', PRODUCT_COLOUR)}",
                                       "measurement time a", "value")
        self.terms_plot.setXLink(self.signal_plot)
        for plot in (self.signal_plot, self.terms_plot):
            plot.setMinimumHeight(120)  # both fit above the written sum in a 900-pixel window
        self.signal_curve = self.signal_plot.plot([], [], symbol="o", symbolBrush="#666666", symbolPen=None)
        self.window_points = self.signal_plot.plot([], [], pen=None, symbol="o", symbolBrush=PRODUCT_COLOUR,
                                                   symbolPen=pg.mkPen("k"))
        self.time_lines = [pg.InfiniteLine(angle=90) for _ in range(2)]
        self.weight_bars = pg.BarGraphItem(x=[0], height=[0], width=0.4, brush=WEIGHT_COLOUR)
        self.product_bars = pg.BarGraphItem(x=[0], height=[0], width=0.4, brush=PRODUCT_COLOUR)
        for bars in (self.weight_bars, self.product_bars):
            self.terms_plot.addItem(bars)
        for plot, line in zip((self.signal_plot, self.terms_plot), self.time_lines):
            plot.addItem(line, ignoreBounds=True)
        self.sum_label = QLabel()
        self.sum_label.setWordWrap(True)
        self.sum_label.setTextFormat(Qt.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.signal_plot, 1)
        layout.addWidget(self.terms_plot, 1)
        layout.addWidget(self.sum_label)
        theme().follow(self, self._restyle)
        theme().follow(self.sum_label, lambda: self.sum_label.setFont(theme().font("body", base=self.sum_label.font())))

    def _restyle(self) -> None:
        t = theme()
        self.signal_curve.setPen(t.pen("#888888", 2))
        self.signal_curve.setSymbolSize(t.marker(6))
        self.window_points.setSymbolSize(t.marker(10))
        for line in self.time_lines:
            line.setPen(time_pen())

    def show_terms(self, x, terms, t, estimate_at_t) -> None:
        """Draw SlideTerms at time t; `estimate_at_t` is smooth(...)[t] to compare with the sum."""
        k = terms.times.size
        half = max(k, 12)
        low, high = int(terms.times[0]) - half // 2, int(terms.times[-1]) + half // 2
        a = np.arange(max(low, 0), min(high, x.size - 1) + 1)
        self.signal_curve.setData(a, x[a] if a.size else a)
        inside = (terms.times >= 0) & (terms.times < x.size)
        self.window_points.setData(terms.times[inside], terms.measurements[inside])
        bar_width = 0.4 if k < 60 else 0.5
        self.weight_bars.setOpts(x=terms.times - bar_width / 2, height=terms.flipped_weights, width=bar_width)
        self.product_bars.setOpts(x=terms.times + bar_width / 2, height=terms.products, width=bar_width)
        for line in self.time_lines:
            line.setValue(t)
        theme().set_title(self.signal_plot, f"x(a) near t = {t} (orange: under the kernel)", "body")
        for plot in (self.signal_plot, self.terms_plot):
            plot.getPlotItem().vb.enableAutoRange(x=False)
        self.signal_plot.setXRange(low - 0.5, high + 0.5, padding=0)
        self.signal_plot.enableAutoRange(axis="y")
        self.terms_plot.enableAutoRange(axis="y")
        self.sum_label.setText(self.sum_text(terms, t, estimate_at_t))

    @staticmethod
    def sum_text(terms, t, estimate_at_t) -> str:
        """The sum written out, e.g. 's(5) = Σ x(a)·w(5 − a) = 0.3·0.25 + … = 0.41'."""
        order = np.argsort(terms.times)[::-1]
        written = [f"{format_value(terms.measurements[i])}·{format_value(terms.flipped_weights[i])}"
                   for i in order[:MAX_TERMS_WRITTEN]]
        more = f" + … ({terms.times.size} terms)" if terms.times.size > MAX_TERMS_WRITTEN else ""
        return (f"<b>s({t})</b> = Σ<sub>a</sub> x(a)·w({t} − a) = {' + '.join(written)}{more} = "
                f"<b>{terms.total:.6g}</b> &nbsp;&nbsp;(smooth(x, w)[t] = {estimate_at_t:.6g})")


class CommutePlot(pg.PlotWidget):
    """x ∗ w and w ∗ x (full convolutions) on the same axes, with their largest difference."""

    def __init__(self):
        super().__init__(background="w")
        item = self.getPlotItem()
        style_plot(self, "Commutativity", "time t (full output)", "value")
        self.x_conv_w = item.plot([], [])
        self.w_conv_x = item.plot([], [])
        theme().follow(self, self._restyle)

    def _restyle(self) -> None:
        self.x_conv_w.setPen(theme().pen(PRODUCT_COLOUR, 7))
        self.w_conv_x.setPen(theme().pen(TEXT_COLOUR, 2, Qt.PenStyle.DashLine))

    def show_commutation(self, commutation, first_time) -> None:
        """Draw a Commutation whose first value is at time `first_time`."""
        t = first_time + np.arange(commutation.x_conv_w.size)
        self.x_conv_w.setData(t, commutation.x_conv_w)
        self.w_conv_x.setData(t, commutation.w_conv_x)
        theme().set_title(self, f"{coloured('x ∗ w', PRODUCT_COLOUR)} and <b>- - w ∗ x</b><br>"
                                f"max |x ∗ w − w ∗ x| = {commutation.max_difference:.2g}", "body")


def summary_label() -> QLabel:
    """A rich-text label in the body role, at least three lines high, for `summary_text`."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.RichText)
    label.setAlignment(Qt.AlignTop | Qt.AlignLeft)

    def follow():
        font = theme().font("body", base=label.font())
        label.setFont(font)
        label.setMinimumHeight(3 * QFontMetrics(font).lineSpacing() + 4)

    theme().follow(label, follow)
    return label


def summary_text(r) -> str:
    """Output length, mean lags and errors of a SmoothingResult, as rich text."""
    p, n, k = r.job.params, r.job.x.size, r.kernel.weights.size
    span = f"t = {r.times[0]} … {r.times[-1]}" if r.times.size else "none: the kernel is longer than the signal"
    parts = [f"n = {n} measurements, k = {k} taps, mode <b>{p.mode}</b> → <b>{r.times.size}</b> estimates "
             f"= {LENGTH_RULE[p.mode]} ({span})"]
    lags = ", ".join(f"{placement_name(c)} {round(r.lags[c], 2) + 0.0:.2f}"
                     for c in (True, False) if r.lags[c] is not None)
    parts.append(f"mean lag: {lags or 'undefined (weights sum to 0)'} samples")
    total = float(r.kernel.weights.sum())
    if not np.isclose(total, 1.0):
        effect = (f"s(t) is {total:.3g} × the weighted average" if abs(total) > 1e-12
                  else "s(t) is a difference, not an average")
        parts.append(f"<span style='color:{ERROR_COLOUR}'>weights sum to {total:.3g}, not 1: {effect}</span>")
    if r.raw_mse is None:
        parts.append("no true path for a loaded signal: the error cannot be measured")
    else:
        parts.append(f"MSE against the true path: measurements {r.raw_mse:.3g}, causal "
                     f"{r.errors[True]:.3g}, centred {r.errors[False]:.3g}")
    return "<br>".join([parts[0], " · ".join(parts[1:])])
