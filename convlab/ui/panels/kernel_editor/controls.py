"""The kernel editor's widgets: the left column (presets, weight operations, files) and the kernel
column (size boxes, editable grid, heat map, name and bank buttons)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSlider, QSpinBox, QVBoxLayout, QWidget)

from convlab.engine.kernel_ops import MAX_KERNEL_SIDE
from convlab.engine.kernels import PRESET_NAMES, gabor_kernel, preset_kernel
from convlab.ui.widgets.kernel_table import KernelTable
from convlab.ui.widgets.kernel_thumb import KernelThumb
from convlab.ui.widgets.product_view import format_value

# key: (label, slider min, slider max, start, value per slider step, unit)
GABOR_SLIDERS = {"orientation": ("orientation", 0, 180, 0, 1.0, "°"),
                 "frequency": ("frequency", 5, 50, 25, 0.01, " cycles/pixel"),
                 "sigma": ("sigma", 5, 80, 15, 0.1, " pixels")}
EDIT_BUTTONS = (("normalise", "Normalise (÷ sum)"), ("rotate", "Rotate 90° left"), ("transpose", "Transpose"),
                ("flip_h", "Flip left-right"), ("flip_v", "Flip up-down"), ("random", "Random fill"))
FILE_BUTTONS = (("load_kernel", "Load kernel…"), ("save_kernel", "Save kernel…"), ("load_bank", "Load bank…"),
                ("save_bank", "Save bank…"))


def red_label() -> QLabel:
    """A hidden, word-wrapped label for inline error messages."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #c00000; font-weight: bold;")
    label.setVisible(False)
    return label


def spin_box(lo: int, hi: int, value: int) -> QSpinBox:
    """An integer spin box."""
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    return box


class EditorControls(QWidget):
    """Presets with Gabor sliders, weight operations, the preview group and file buttons."""

    preset_requested = Signal()  # the preset, its size or a Gabor slider changed, or Reset was pressed

    def __init__(self, preview_group: QWidget, parent=None):
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        self.errors = {key: red_label() for key in ("preset", "edit", "files")}
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        for group in (self._preset_group(), self._edit_group(), preview_group, self._files_group()):
            column.addWidget(group)
        column.addStretch(1)
        self.preset_combo.currentIndexChanged.connect(self.preset_requested)
        self.size_spin.valueChanged.connect(self.preset_requested)
        self.buttons["preset"].clicked.connect(self.preset_requested)
        for slider in self.sliders.values():
            slider.valueChanged.connect(self._on_slider)
        self._update_slider_labels()

    def _button(self, key: str, text: str) -> QPushButton:
        self.buttons[key] = QPushButton(text)
        return self.buttons[key]

    def _preset_group(self) -> QGroupBox:
        group = QGroupBox("Preset kernels")
        form = QFormLayout(group)
        self.preset_combo = QComboBox()
        self.preset_combo.addItems(PRESET_NAMES)
        self.preset_combo.setCurrentText("sobel_x")
        self.size_spin = spin_box(1, MAX_KERNEL_SIDE, 3)
        form.addRow("Preset", self.preset_combo)
        form.addRow("Size", self.size_spin)
        self.sliders, self.slider_labels = {}, {}
        for key, (label, lo, hi, start, _step, _unit) in GABOR_SLIDERS.items():
            self.sliders[key] = slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(lo, hi)
            slider.setValue(start)
            self.slider_labels[key] = QLabel()
            form.addRow(f"Gabor {label}", slider)
            form.addRow("", self.slider_labels[key])
        form.addRow(self._button("preset", "Reset to preset"))
        form.addRow(self.errors["preset"])
        return group

    def _edit_group(self) -> QGroupBox:
        group = QGroupBox("Edit the weights")
        grid = QGridLayout(group)
        for n, (key, text) in enumerate(EDIT_BUTTONS):
            grid.addWidget(self._button(key, text), n // 2, n % 2)
        self.seed_spin = spin_box(0, 99999, 0)
        grid.addWidget(QLabel("Random seed"), 3, 0)
        grid.addWidget(self.seed_spin, 3, 1)
        grid.addWidget(self.errors["edit"], 4, 0, 1, 2)
        return group

    def _files_group(self) -> QGroupBox:
        group = QGroupBox("Files (JSON banks; JSON, text or CSV kernels)")
        grid = QGridLayout(group)
        for n, (key, text) in enumerate(FILE_BUTTONS):
            grid.addWidget(self._button(key, text), n // 2, n % 2)
        grid.addWidget(self.errors["files"], 2, 0, 1, 2)
        return group

    def gabor_values(self) -> dict[str, float]:
        """Orientation (degrees), frequency (cycles per pixel) and sigma (pixels) from the sliders."""
        return {key: self.sliders[key].value() * spec[4] for key, spec in GABOR_SLIDERS.items()}

    def _update_slider_labels(self) -> None:
        for key, value in self.gabor_values().items():
            self.slider_labels[key].setText(f"{format_value(value)}{GABOR_SLIDERS[key][5]}")

    def _on_slider(self, *_args) -> None:
        self._update_slider_labels()
        if self.preset_combo.currentText() != "gabor":
            self.preset_combo.setCurrentText("gabor")  # emits preset_requested
        else:
            self.preset_requested.emit()

    def chosen_preset(self) -> tuple[str, np.ndarray]:
        """(suggested name, kernel) of the chosen preset; ValueError if it cannot have this size."""
        name, size = self.preset_combo.currentText(), self.size_spin.value()
        if name != "gabor":
            return name, preset_kernel(name, size)
        g = self.gabor_values()
        kernel = gabor_kernel(size, np.deg2rad(g["orientation"]), g["frequency"], g["sigma"])
        return f"gabor {g['orientation']:.0f}°", kernel

    def show_error(self, key: str, text: str) -> None:
        """Show (or hide, for "") the red message of group "preset", "edit" or "files"."""
        self.errors[key].setText(text)
        self.errors[key].setVisible(bool(text))


class KernelColumn(QGroupBox):
    """Rows/columns boxes, the editable grid, the heat map with the weights' sum, name and bank buttons."""

    def __init__(self, parent=None):
        super().__init__("Kernel (type in the cells; Ctrl+V pastes)", parent)
        self.table = KernelTable()
        self.heatmap = KernelThumb(size=180)
        self.rows_spin, self.cols_spin = spin_box(1, MAX_KERNEL_SIDE, 3), spin_box(1, MAX_KERNEL_SIDE, 3)
        self.name_edit = QLineEdit("my kernel")
        self.bank_combo = QComboBox()
        self.bank_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.bank_combo.setMinimumContentsLength(8)
        self.send_button, self.take_button = QPushButton("Send to bank"), QPushButton("Edit this one")
        self.error_label = red_label()
        self.sum_label = QLabel()
        self.sum_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        size_row = QHBoxLayout()
        for text, spin in (("Rows", self.rows_spin), ("Columns", self.cols_spin)):
            size_row.addWidget(QLabel(text))
            size_row.addWidget(spin)
        size_row.addStretch(1)
        layout.addLayout(size_row)
        layout.addWidget(self.table, 3)
        layout.addLayout(self._heat_row())
        bank_row = QGridLayout()
        for r, (text, widget, button) in enumerate((("Name", self.name_edit, self.send_button),
                                                    ("Bank", self.bank_combo, self.take_button))):
            bank_row.addWidget(QLabel(text), r, 0)
            bank_row.addWidget(widget, r, 1)
            bank_row.addWidget(button, r, 2)
        bank_row.setColumnStretch(1, 1)
        layout.addLayout(bank_row)
        layout.addWidget(self.error_label)

    def _heat_row(self) -> QHBoxLayout:
        heat = pg.GraphicsLayoutWidget()
        heat.setBackground("w")
        heat.addItem(self.heatmap)
        heat.setFixedSize(194, 194)
        legend = QLabel("Heat map:\nblue < 0 < red,\nwhite = 0, scale\n± largest |weight|")
        side = QVBoxLayout()
        side.addWidget(self.sum_label)
        side.addWidget(legend)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(heat)
        row.addLayout(side, 1)
        return row

    def show_kernel(self, kernel: np.ndarray) -> None:
        """Show the kernel's size in the boxes (no echo), its heat map and its sum."""
        for spin, n in ((self.rows_spin, kernel.shape[0]), (self.cols_spin, kernel.shape[1])):
            spin.blockSignals(True)
            spin.setValue(n)
            spin.blockSignals(False)
        self.heatmap.set_kernel(kernel)
        self.sum_label.setText(f"{kernel.shape[0]} x {kernel.shape[1]} kernel\n"
                               f"sum of weights = {format_value(float(kernel.sum()), 4)}\n"
                               f"largest |weight| = {format_value(float(np.abs(kernel).max()), 4)}")

    def set_bank_entries(self, entries) -> None:
        """List the shared bank's kernels."""
        self.bank_combo.clear()
        for e in entries:
            self.bank_combo.addItem(f"{e.name}  ({' x '.join(map(str, e.kernel.shape))})")

    def show_error(self, text: str) -> None:
        """Show (or hide, for "") the red message under the bank buttons."""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
