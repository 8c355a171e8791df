"""The kernel editor's widgets: the left column (presets and the random seed, weight operations, the
preview's settings, files: two forms built from the settings, plus buttons) and the kernel column
(size boxes, editable grid, heat map, name and bank buttons)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from convlab.engine.kernel_ops import MAX_KERNEL_SIDE
from convlab.lab.kernel_editor import EDIT_ACTIONS, GABOR_FIELDS, PresetSettings, PreviewSettings
from convlab.lab.numbers import format_value
from convlab.lab.settings import setting_fields
from convlab.ui.theme import theme
from convlab.ui.widgets.form import spin
from convlab.ui.widgets.kernel_table import KernelTable
from convlab.ui.widgets.kernel_thumb import KernelThumb
from convlab.ui.widgets.settings_form import SettingsForm, error_label

PRESET_GROUP, EDIT_GROUP = "Preset kernels", "Edit the weights"
PREVIEW_GROUP = "Preview: how the kernel is applied"
PREVIEW_FIELDS = tuple(name for name, _, _ in setting_fields(PreviewSettings))
FILE_BUTTONS = (("load_kernel", "Load kernel…"), ("save_kernel", "Save kernel…"), ("load_bank", "Load bank…"),
                ("save_bank", "Save bank…"))


class EditorControls(QWidget):
    """Presets with Gabor sliders, weight operations, the preview's settings and file buttons.

    ``preset_form`` shows PresetSettings, ``preview_form`` PreviewSettings; ``buttons`` holds the
    "preset" (Reset to preset), edit-action and file buttons; ``errors`` the red notes of the
    "preset", "edit" and "files" groups.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        self.errors = {key: error_label() for key in ("preset", "edit", "files")}
        self.preset_form = SettingsForm(
            PresetSettings(), hints={name: "slider below" for name in GABOR_FIELDS},
            sections=((PRESET_GROUP, ("preset", "preset_size") + GABOR_FIELDS), (EDIT_GROUP, ()),
                      (None, ("random_seed",))))
        self.preview_form = SettingsForm(PreviewSettings(), sections=((PREVIEW_GROUP, PREVIEW_FIELDS),),
                                         hints={"operation": "radio", "divisor": "text", "offset": "text"})
        self.preset_form.add_row(PRESET_GROUP, self._button("preset", "Reset to preset"))
        self.preset_form.add_row(PRESET_GROUP, self.errors["preset"])
        self.preset_form.add_row(EDIT_GROUP, self._edit_grid())
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        for part in (self.preset_form, self.preview_form, self._files_group()):
            column.addWidget(part)
        column.addStretch(1)

    @property
    def preset_combo(self) -> QComboBox:
        """The preset choice (PageDown/PageUp step through it)."""
        return self.preset_form.widgets["preset"]

    def _button(self, key: str, text: str) -> QPushButton:
        self.buttons[key] = QPushButton(text)
        return self.buttons[key]

    def _edit_grid(self) -> QGridLayout:
        grid = QGridLayout()
        for n, (key, text) in enumerate(EDIT_ACTIONS.items()):
            grid.addWidget(self._button(key, text), n // 2, n % 2)
        grid.addWidget(QLabel("Random seed"), 3, 0)
        grid.addWidget(self.preset_form.widgets["random_seed"], 3, 1)
        grid.addWidget(self.errors["edit"], 4, 0, 1, 2)
        return grid

    def _files_group(self) -> QGroupBox:
        group = QGroupBox("Files (JSON banks; JSON, text or CSV kernels)")
        grid = QGridLayout(group)
        for n, (key, text) in enumerate(FILE_BUTTONS):
            grid.addWidget(self._button(key, text), n // 2, n % 2)
        grid.addWidget(self.errors["files"], 2, 0, 1, 2)
        return group

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
        self.rows_spin, self.cols_spin = spin(1, MAX_KERNEL_SIDE, 3), spin(1, MAX_KERNEL_SIDE, 3)
        self.name_edit = QLineEdit("my kernel")
        self.bank_combo = QComboBox()
        self.bank_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.bank_combo.setMinimumContentsLength(8)
        self.send_button, self.take_button = QPushButton("Send to bank"), QPushButton("Edit this one")
        self.error_label = error_label()
        self.sum_label = QLabel()
        self.sum_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        size_row = QHBoxLayout()
        for text, box in (("Rows", self.rows_spin), ("Columns", self.cols_spin)):
            size_row.addWidget(QLabel(text))
            size_row.addWidget(box)
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
        theme().follow(heat, self.heatmap.restyle)
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
        for box, n in ((self.rows_spin, kernel.shape[0]), (self.cols_spin, kernel.shape[1])):
            box.blockSignals(True)
            box.setValue(n)
            box.blockSignals(False)
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
