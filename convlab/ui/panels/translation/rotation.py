"""Learned invariance: one kernel at 8 orientations, pooled over the orientations, while the input turns."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QSlider,
                               QSpinBox, QSplitter, QVBoxLayout, QWidget)
from scipy import ndimage

from convlab.engine.kernels import gabor_kernel
from convlab.engine.rotation_invariance import (bar_image, orientation_pooling, orientation_sweep, rotate_image,
                                                rotated_bank)
from convlab.ui.panels.translation.image_mode import gray_kernel
from convlab.ui.panels.translation.tiles import (DIVERGING_LUT, GRAY_LUT, ImageTile, big_font, legend_row,
                                                 style_plot, symmetric_range)
from convlab.ui.widgets.form import control_column, side_by_side

BUILT_IN_KERNEL = "Gabor bar detector 11×11"
INPUTS = ("bar",) + tuple(f"digit {d}" for d in range(10))
SWEEP_STEP_DEGREES = 5
SIDE = 72


@lru_cache(maxsize=16)
def input_image(name: str) -> np.ndarray:
    """A 72x72 float image in [0, 1]: a bar, or a digit of scikit-learn's load_digits upscaled x6 with a margin."""
    if name == "bar":
        return bar_image(SIDE, length=36, width=4)
    from sklearn.datasets import load_digits  # ships with scikit-learn: no download
    digits = load_digits()
    index = int(np.flatnonzero(digits.target == int(name.split()[-1]))[0])
    big = ndimage.zoom(digits.images[index] / 16.0, 6, order=1)
    pad = (SIDE - big.shape[0]) // 2
    return np.clip(np.pad(big, ((pad, SIDE - big.shape[0] - pad),) * 2), 0.0, 1.0)


def _bank_strip(bank: np.ndarray) -> np.ndarray:
    """The kernels side by side with a one-pixel NaN gap, for one tile."""
    gap = np.full((bank.shape[1], 1), np.nan)
    return np.hstack([part for k in bank for part in (k, gap)][:-1])


class RotationMode(QWidget):
    """Angle slider and choices on the left; input, pooled map, 8 orientation maps and the sweep plot on the right."""

    def __init__(self, bank, parent=None):
        super().__init__(parent)
        self.bank = bank
        self.input_box = QComboBox()
        for name in INPUTS:
            self.input_box.addItem(name, name)
        self.kernel_box = QComboBox()
        self.count_spin = QSpinBox()
        self.count_spin.setRange(2, 16)
        self.count_spin.setValue(8)
        self.span_box = QComboBox()
        for label, span in (("180° (symmetric kernel)", 180.0), ("360° (kernel with a polarity)", 360.0)):
            self.span_box.addItem(label, span)
        self.angle_slider = QSlider(Qt.Horizontal)
        self.angle_slider.setRange(0, 360)
        self.angle_slider.setValue(30)
        self.angle_label = QLabel()
        self.angles = self.per_orientation = self.pooled_curve = self.responses = None
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.tiles = {"input": ImageTile("input (rotated)"), "pooled": ImageTile("max over orientations"),
                      "bank": ImageTile("the bank")}
        self.map_tiles = []
        self.plot_widget = pg.GraphicsLayoutWidget()
        self.plot_widget.setBackground("w")
        self.plot = self.plot_widget.ci.addPlot()
        style_plot(self.plot, "Strongest response as the input turns", "input rotation (degrees)",
                   "max over positions", legend=False)
        self.legend = legend_row(9)
        self.plot_widget.ci.addItem(self.legend, 1, 0)
        self.orientation_curves, self.max_curve = [], None
        self.angle_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888888", width=2, style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.angle_line, ignoreBounds=True)
        self._layout()
        for widget in (self.input_box, self.kernel_box, self.span_box):
            widget.currentIndexChanged.connect(self.rebuild)
        self.count_spin.valueChanged.connect(self.rebuild)
        self.angle_slider.valueChanged.connect(self.show_angle)
        bank.changed.connect(self._on_bank_changed)
        self._on_bank_changed()

    def _layout(self) -> None:
        controls = QWidget()
        controls.setFont(big_font(11))
        column = QVBoxLayout(controls)
        group = QGroupBox("Rotate the input")
        form = QFormLayout(group)
        row = QHBoxLayout()
        row.addWidget(self.angle_slider, 1)
        row.addWidget(self.angle_label)
        form.addRow("Angle", row)
        form.addRow("Input", self.input_box)
        bank = QGroupBox("Bank: one kernel, turned")
        form = QFormLayout(bank)
        form.addRow("Kernel", self.kernel_box)
        form.addRow("Orientations", self.count_spin)
        form.addRow("Spread over", self.span_box)
        note = QLabel("Each orientation responds strongly only when the input lines up with it; the max over "
                      "the orientations (thick black) hardly changes: pooling over features learned a "
                      "rotation invariance.")
        note.setWordWrap(True)
        for widget in (group, bank, note):
            column.addWidget(widget)
        column.addStretch(1)
        scroll = control_column(controls, 400)
        right = QSplitter(Qt.Vertical)
        right.addWidget(self.graphics)
        right.addWidget(self.plot_widget)
        right.setSizes([520, 340])
        side_by_side(self, (scroll, right), (340, 1160))

    def _on_bank_changed(self) -> None:
        current = self.kernel_box.currentData()
        self.kernel_box.blockSignals(True)
        self.kernel_box.clear()
        self.kernel_box.addItem(BUILT_IN_KERNEL, BUILT_IN_KERNEL)
        for entry in self.bank.entries():
            self.kernel_box.addItem(f"bank: {entry.name}", entry.name)
        self.kernel_box.setCurrentIndex(max(0, self.kernel_box.findData(current)))
        self.kernel_box.blockSignals(False)
        self.rebuild()

    def kernel(self) -> np.ndarray:
        """The chosen kernel (kh, kw)."""
        name = self.kernel_box.currentData()
        for entry in self.bank.entries():
            if entry.name == name:
                return gray_kernel(entry.kernel).astype(np.float64)
        return gabor_kernel(11, 0.0, frequency=1 / 6)

    def rebuild(self, *_args) -> None:
        """Build the rotated bank and sweep the input through all angles."""
        n = self.count_spin.value()
        self.orientations, self.rotated_kernels = rotated_bank(self.kernel(), n, self.span_box.currentData())
        image = input_image(self.input_box.currentData())
        self.angles = np.arange(0, 361, SWEEP_STEP_DEGREES, dtype=np.float64)
        self.per_orientation, self.pooled_curve = orientation_sweep(image, self.rotated_kernels, self.angles)
        self._arrange_maps(n)
        strip = _bank_strip(self.rotated_kernels)
        self.tiles["bank"].set_values(strip, symmetric_range(self.rotated_kernels), DIVERGING_LUT)
        self._plot_sweep()
        self.show_angle()

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

    def _plot_sweep(self) -> None:
        for curve in self.orientation_curves + ([self.max_curve] if self.max_curve else []):
            self.plot.removeItem(curve)
        self.legend.clear()
        n = self.per_orientation.shape[1]
        colours = pg.colormap.get("viridis").getLookupTable(0.0, 0.9, nPts=n, alpha=False)
        self.orientation_curves = [
            self.plot.plot(self.angles, self.per_orientation[:, i], pen=pg.mkPen(tuple(colours[i]), width=2))
            for i in range(n)]
        self.max_curve = self.plot.plot(self.angles, self.pooled_curve, pen=pg.mkPen("k", width=5))
        for i, curve in enumerate(self.orientation_curves):
            self.legend.addItem(curve, f"{self.orientations[i]:g}°")
        self.legend.addItem(self.max_curve, "max over orientations")

    def show_angle(self, *_args) -> None:
        """Show the maps for the slider's angle."""
        angle = float(self.angle_slider.value())
        self.angle_label.setText(f"{angle:.0f}°")
        rotated = rotate_image(input_image(self.input_box.currentData()), angle)
        self.responses, pooled = orientation_pooling(rotated, self.rotated_kernels)
        levels = symmetric_range(self.responses)
        self.tiles["input"].set_values(rotated, (0.0, 1.0), GRAY_LUT)
        self.tiles["pooled"].set_values(pooled, levels, DIVERGING_LUT)
        self.tiles["pooled"].set_title(f"max over orientations: {pooled.max():.2f}")
        for i, tile in enumerate(self.map_tiles):
            tile.set_values(self.responses[i], levels, DIVERGING_LUT)
            tile.set_title(f"{self.orientations[i]:g}°: {self.responses[i].max():.2f}")
        self.angle_line.setValue(angle)
