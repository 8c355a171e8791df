"""What the rotation mode shows: the turned input, the map pooled over orientations, each orientation's map,
the bank, and the strongest responses as the input turns (with a dashed line at the current angle)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from convlab.lab.rotation import bank_strip
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

ORIENTATION_WIDTH, MAX_WIDTH, ANGLE_LINE_WIDTH = 2, 5, 2  # pen widths at scale 1
ANGLE_LINE_COLOUR, MAX_COLOUR = "#888888", "#000000"


class RotationViews(QSplitter):
    """The tiles above the sweep plot."""

    def __init__(self, parent=None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.tiles = {"input": ImageTile("input (rotated)"), "pooled": ImageTile("max over orientations"),
                      "bank": ImageTile("the bank")}
        self.map_tiles = []
        self.plot_widget = pg.GraphicsLayoutWidget()
        self.plot_widget.setBackground("w")
        self.plot = self.plot_widget.ci.addPlot()
        style_plot(self.plot, "Strongest response as the input turns", "input rotation (degrees)",
                   "max over positions")
        self.legend = legend_row(9)
        self.plot_widget.ci.addItem(self.legend, 1, 0)
        self.orientation_curves, self.max_curve, self._colours = [], None, []
        self.angle_line = pg.InfiniteLine(angle=90)
        self.plot.addItem(self.angle_line, ignoreBounds=True)
        self.sweep = None
        self.addWidget(self.graphics)
        self.addWidget(self.plot_widget)
        self.setSizes([520, 340])
        theme().follow(self.graphics, self._restyle_tiles)
        theme().follow(self.plot_widget, self._restyle_plot)

    def _restyle_tiles(self) -> None:
        for tile in list(self.tiles.values()) + self.map_tiles:
            tile.restyle()

    def _restyle_plot(self) -> None:
        """Pens and the legend in the theme's current sizes."""
        self.angle_line.setPen(theme().pen(ANGLE_LINE_COLOUR, ANGLE_LINE_WIDTH, Qt.PenStyle.DashLine))
        for curve, colour in zip(self.orientation_curves, self._colours):
            curve.setPen(theme().pen(colour, ORIENTATION_WIDTH))
        if self.max_curve is not None:
            self.max_curve.setPen(theme().pen(MAX_COLOUR, MAX_WIDTH))
        restyle_legend(self.legend)

    def show_result(self, value) -> None:
        """Draw one RotationResult: the sweep when it is new, and the view at the angle."""
        if value.sweep is not self.sweep:
            self.sweep = value.sweep
            self._arrange_maps(len(value.sweep.orientations))
            kernels = value.sweep.rotated_kernels
            self.tiles["bank"].set_values(bank_strip(kernels), symmetric_range(kernels), DIVERGING_LUT)
            self._plot_sweep(value.sweep)
        self._show_angle(value.view)

    def _arrange_maps(self, n: int) -> None:
        if len(self.map_tiles) == n:
            return
        self.graphics.ci.clear()
        self.map_tiles = [ImageTile("") for _ in range(n)]
        columns = (n + 1) // 2
        self.graphics.ci.addItem(self.tiles["input"].layout, 0, 0)
        self.graphics.ci.addItem(self.tiles["pooled"].layout, 1, 0)
        self.graphics.ci.addItem(self.tiles["bank"].layout, 2, 0, 1, columns + 1)
        for i, tile in enumerate(self.map_tiles):
            self.graphics.ci.addItem(tile.layout, i // columns, 1 + i % columns)
        self.graphics.ci.layout.setRowStretchFactor(2, 0)

    def _plot_sweep(self, sweep) -> None:
        for curve in self.orientation_curves + ([self.max_curve] if self.max_curve else []):
            self.plot.removeItem(curve)
        self.legend.clear()
        n = sweep.per_orientation.shape[1]
        lut = pg.colormap.get("viridis").getLookupTable(0.0, 0.9, nPts=n, alpha=False)
        self._colours = ["#{:02x}{:02x}{:02x}".format(*(int(c) for c in lut[i])) for i in range(n)]
        self.orientation_curves = [self.plot.plot(sweep.angles, sweep.per_orientation[:, i]) for i in range(n)]
        self.max_curve = self.plot.plot(sweep.angles, sweep.pooled_curve)
        self._restyle_plot()
        for i, curve in enumerate(self.orientation_curves):
            self.legend.addItem(curve, f"{sweep.orientations[i]:g}°")
        self.legend.addItem(self.max_curve, "max over orientations")

    def _show_angle(self, view) -> None:
        orientations = self.sweep.orientations
        levels = symmetric_range(view.responses)
        self.tiles["input"].set_values(view.rotated, (0.0, 1.0), GRAY_LUT)
        self.tiles["pooled"].set_values(view.pooled, levels, DIVERGING_LUT)
        self.tiles["pooled"].set_title(f"max over orientations: {view.pooled.max():.2f}")
        for i, tile in enumerate(self.map_tiles):
            tile.set_values(view.responses[i], levels, DIVERGING_LUT)
            tile.set_title(f"{orientations[i]:g}°: {view.responses[i].max():.2f}")
        self.angle_line.setValue(view.angle)
