"""What the image mode shows: x, shift(x), both orders of conv and shift, their difference, pooled maps, curves,
and the measured numbers beside the controls."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QSplitter, QVBoxLayout, QWidget

from convlab.lab.translation import measure_texts
from convlab.ui.panels.translation.tiles import (
    DIVERGING_LUT,
    GRAY_LUT,
    ImageTile,
    legend_row,
    restyle_legend,
    style_plot,
    symmetric_range,
)
from convlab.ui.theme import theme

TILE_TITLES = {
    "input": "x (input)", "shifted": "shift(x)", "conv_of_shifted": "conv(shift(x))",
    "shifted_conv": "shift(conv(x))", "difference": "difference", "pooled": "pool(conv(x))",
    "pooled_shifted": "pool(conv(shift(x)))",
}
TILE_ORDER = (("input", "shifted", "conv_of_shifted", "shifted_conv"), ("difference", "pooled", "pooled_shifted"))
STRIDE_COLOURS = {1: "#1f77b4", 2: "#d62728", 4: "#2ca02c"}
MEASURES = {
    "conv_error": ("conv layer: equivariance error", "max |difference|"),
    "cosine": ("pooled: cosine similarity", "cosine similarity"),
    "fraction_unchanged": ("pooled: fraction unchanged", "fraction unchanged"),
}
SHIFT_AXIS = "horizontal shift (pixels)"
CURVE_WIDTH, MARKER_SIZE = 3, 8  # at scale 1


def _colour(key: str, stride: int) -> str:
    return "#222222" if key == "conv_error" else STRIDE_COLOURS[stride]


class ImageModeViews(QWidget):
    """Seven titled image tiles above three plots of the measures against the shift."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tiles_widget = pg.GraphicsLayoutWidget()
        self.tiles_widget.setBackground("w")
        self.tiles = {key: ImageTile(TILE_TITLES[key]) for row in TILE_ORDER for key in row}
        for r, row in enumerate(TILE_ORDER):
            for c, key in enumerate(row):
                self.tiles_widget.ci.addItem(self.tiles[key].layout, r, c)
        for c in range(len(TILE_ORDER[0])):
            self.tiles_widget.ci.layout.setColumnStretchFactor(c, 1)
        self.plots_widget = pg.GraphicsLayoutWidget()
        self.plots_widget.setBackground("w")
        self.plots = {}
        for c, (key, (title, y_label)) in enumerate(MEASURES.items()):
            plot = self.plots_widget.ci.addPlot(0, c)
            style_plot(plot, title, SHIFT_AXIS, y_label)
            self.plots[key] = plot
        self.legend = legend_row(3)
        self.plots_widget.ci.addItem(self.legend, 1, 0, 1, len(MEASURES))
        self._curves: dict[tuple[str, int, bool], pg.PlotDataItem] = {}
        self._listed: set[tuple[str, int, bool]] = set()
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.tiles_widget)
        split.addWidget(self.plots_widget)
        split.setSizes([540, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        theme().follow(self.tiles_widget, self._restyle_tiles)
        theme().follow(self.plots_widget, self._restyle_curves)

    def _restyle_tiles(self) -> None:
        for tile in self.tiles.values():
            tile.restyle()

    def _restyle_curves(self) -> None:
        """Curve pens, markers and the legend in the theme's current sizes."""
        for ident, curve in self._curves.items():
            pen, symbol_size = self._curve_style(*ident)
            curve.setPen(pen)
            curve.setSymbolSize(symbol_size)
        restyle_legend(self.legend)

    def show_result(self, value, settings) -> None:
        """Draw one computed ImageModeResult."""
        check, change = value.check, value.change
        self.tiles["input"].set_values(value.image, (0.0, 1.0), GRAY_LUT)
        self.tiles["shifted"].set_values(check.shifted_input, (0.0, 1.0), GRAY_LUT)
        conv_levels = symmetric_range(value.conv_x, check.conv_of_shifted)
        self.tiles["conv_of_shifted"].set_values(check.conv_of_shifted, conv_levels, DIVERGING_LUT)
        self.tiles["shifted_conv"].set_values(check.shifted_conv, conv_levels, DIVERGING_LUT)
        diff = self.tiles["difference"]
        diff.set_values(check.difference, symmetric_range(check.difference), DIVERGING_LUT)
        diff.set_outlines(value.outline if settings.boundary == "fill" else [])
        exact = " = 0 exactly" if check.max_abs == 0.0 else f" = {check.max_abs:.3g}"
        diff.set_title(f"difference: max |·|{exact}")
        scale = float(settings.pool_stride)
        pooled_levels = symmetric_range(change.pooled, change.pooled_shifted)
        self.tiles["pooled"].set_values(change.reference, pooled_levels, DIVERGING_LUT, scale)
        moved = settings.compare == "moved" and any(value.offset)
        self.tiles["pooled"].set_title("pool(conv(x)), moved" if moved else "pool(conv(x))")
        shifted = self.tiles["pooled_shifted"]
        shifted.set_values(change.pooled_shifted, pooled_levels, DIVERGING_LUT, scale)
        shifted.set_overlay(change.changed, scale)
        shifted.set_title(f"pool(conv(shift(x))): {100 * change.fraction_unchanged:.0f}% same")
        self.show_curves(value.curves, False)
        self.show_curves(value.curves_blur, True)
        self._fit_ranges(value.curves, value.curves_blur)

    def _fit_ranges(self, *curve_sets) -> None:
        """Fix the axes, leaving room above the data for the legend."""
        sets = [c for c in curve_sets if c]
        widest = max(max(c) for c in sets)
        for key, plot in self.plots.items():
            values = np.concatenate([getattr(c[s], key) for c in sets for s in c])
            plot.setXRange(0, 2 * widest, padding=0.04)
            if key == "conv_error":
                top = float(values.max())
                plot.setYRange(0.0, top * 1.1 if top > 0 else 1.0, padding=0.02)
            else:
                low = min(float(values.min()), 0.95)
                plot.setYRange(low, 1.0, padding=0.04)

    def show_curves(self, curves, antialias: bool) -> None:
        """Plot (or hide, when `curves` is None) one set of shift curves; the conv error once."""
        widest = max(curves) if curves else None
        for key, plot in self.plots.items():
            for stride in STRIDE_COLOURS:
                shown = curves is not None and stride in curves
                if key == "conv_error":
                    shown = shown and stride == widest and not antialias
                ident = (key, stride, antialias)
                if shown:
                    curve = self._curve(plot, key, stride, antialias)
                    curve.setData(curves[stride].shifts, getattr(curves[stride], key))
                    self._set_listed(ident, True)
                elif ident in self._curves:
                    self._curves[ident].setData([], [])
                    self._set_listed(ident, False)

    def _set_listed(self, ident, listed: bool) -> None:
        """Show a curve (and its entry in the shared legend, for the cosine curves), or hide both."""
        curve = self._curves[ident]
        curve.setVisible(listed)
        in_legend = ident[0] == "cosine"
        if listed and in_legend and ident not in self._listed:
            self.legend.addItem(curve, curve.name())
            self._listed.add(ident)
        elif not listed and ident in self._listed:
            self.legend.removeItem(curve)
            self._listed.discard(ident)

    def _curve(self, plot, key: str, stride: int, antialias: bool) -> pg.PlotDataItem:
        """The curve item for (measure, stride, antialias), created on first use."""
        ident = (key, stride, antialias)
        if ident not in self._curves:
            pen, symbol_size = self._curve_style(*ident)
            name = f"pooling stride {stride}" + (", BlurPool" if antialias else ", plain")
            self._curves[ident] = pg.PlotDataItem(pen=pen, name=name, symbol="t" if antialias else "o",
                                                  symbolSize=symbol_size, symbolBrush=_colour(key, stride),
                                                  symbolPen=None)
            plot.addItem(self._curves[ident])
        return self._curves[ident]

    @staticmethod
    def _curve_style(key: str, stride: int, antialias: bool):
        """The pen and the marker size of one curve at the theme's current scale."""
        style = Qt.PenStyle.DashLine if antialias else Qt.PenStyle.SolidLine
        return theme().pen(_colour(key, stride), CURVE_WIDTH, style), theme().marker(MARKER_SIZE)

    def curve(self, key: str, stride: int, antialias: bool = False) -> pg.PlotDataItem:
        """The plotted curve of one measure ("conv_error", "cosine", "fraction_unchanged")."""
        return self._curves[(key, stride, antialias)]

    def is_shown(self, key: str, stride: int, antialias: bool = False) -> bool:
        """True when that curve exists and is visible."""
        curve = self._curves.get((key, stride, antialias))
        return curve is not None and curve.isVisible()

    def tile_values(self, key: str) -> np.ndarray | None:
        """The array shown in one tile."""
        return self.tiles[key].values


class MeasuresView(QGroupBox):
    """The "Measured" box: the equivariance error, the unchanged pooled units and the cosine, in words."""

    def __init__(self, parent=None):
        super().__init__("Measured", parent)
        column = QVBoxLayout(self)
        self.labels = {key: QLabel() for key in ("conv", "pooled", "cosine")}
        for label in self.labels.values():
            theme().label(label, "body", bold=True)
            label.setWordWrap(True)
            column.addWidget(label)

    def show_result(self, value, settings) -> None:
        """Write the numbers of one ImageModeResult."""
        texts = measure_texts(value.check.max_abs, settings.boundary, value.change.fraction_unchanged,
                              value.change.cosine)
        for key, label in self.labels.items():
            label.setText(texts[key])
