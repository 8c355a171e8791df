"""1-D mode of the translation panel: the lecture's max-pooling figure, live, with predict-then-reveal."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from convlab.engine.pooling import pool1d
from convlab.engine.shift import translate1d
from convlab.ui.panels.translation.pooling_figure_scene import FittingView, PoolingFigureScene, format_value, pool_windows_1d
from convlab.ui.panels.translation.tiles import big_font, error_label, show_error
from convlab.ui.widgets.form import control_column, side_by_side, spin

MAX_UNITS = 12


@dataclass(frozen=True)
class FigureParams:
    """The detector values, the value that enters with the shift, and the pooling."""

    values: tuple = (0.1, 1.0, 0.2, 0.1)
    entering: float = 0.3
    width: int = 3
    stride: int = 1
    predict: bool = False


def parse_values(text: str, name: str = "values", count=(1, MAX_UNITS)) -> tuple:
    """Comma-separated finite numbers -> tuple of floats, or ValueError naming `name`."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",")]
    if parts == [""]:
        raise ValueError(f"{name}: type numbers separated by commas, e.g. 0.1, 1, 0.2, 0.1")
    values = []
    for part in parts:
        try:
            v = float(part)
        except ValueError:
            raise ValueError(f"{name}: '{part}' is not a number; type numbers separated by commas") from None
        if not math.isfinite(v):
            raise ValueError(f"{name}: '{part}' is not a finite number")
        values.append(v)
    if not count[0] <= len(values) <= count[1]:
        raise ValueError(f"{name}: give {count[0]} to {count[1]} numbers, got {len(values)}")
    return tuple(values)


def figure_rows(params: FigureParams):
    """Detector and pooled rows before and after shifting the input one step right."""
    before = np.array(params.values, dtype=np.float64)
    after = translate1d(before, 1)
    after[0] = params.entering
    rows = {("before", "detector"): before, ("after", "detector"): after}
    for diagram in ("before", "after"):
        rows[(diagram, "pooled")] = pool1d(rows[(diagram, "detector")], params.width, params.stride, "max",
                                           padding="same")
    return rows


class PoolingFigure(QWidget):
    """Controls on the left; the before/after diagrams of detector and max-pooled units on the right."""

    params_changed = Signal(object)  # FigureParams
    message = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._params = FigureParams()
        self.revealed = True
        self.values_edit, self.entering_edit = QLineEdit(), QLineEdit()
        self.width_spin, self.stride_spin = spin(1, 7, 3), spin(1, 4, 1)
        self.predict_box = QCheckBox("Predict first: hide the pooled values")
        self.reveal_button = QPushButton("Reveal")
        self.summary = QLabel()
        self.error = error_label()
        self.scene = PoolingFigureScene(self)
        self.view = FittingView(self.scene)
        self._layout()
        self._connect()
        self.set_params(self._params)

    def _layout(self) -> None:
        controls = QWidget()
        controls.setFont(big_font(11))
        column = QVBoxLayout(controls)
        units = QGroupBox("Detector units")
        form = QFormLayout(units)
        form.addRow("Values (comma-separated)", self.values_edit)
        form.addRow("Value entering on the left", self.entering_edit)
        pooling = QGroupBox("Max pooling")
        form = QFormLayout(pooling)
        form.addRow("Width", self.width_spin)
        form.addRow("Stride", self.stride_spin)
        predict = QGroupBox("Predict, then reveal")
        box = QVBoxLayout(predict)
        box.addWidget(self.predict_box)
        box.addWidget(self.reveal_button)
        self.summary.setFont(big_font(12, bold=True))
        self.summary.setWordWrap(True)
        for widget in (units, pooling, predict, self.error, self.summary):
            column.addWidget(widget)
        column.addStretch(1)
        scroll = control_column(controls, 400)
        side_by_side(self, (scroll, self.view), (340, 1160))

    def _connect(self) -> None:
        self.values_edit.editingFinished.connect(self._on_edited)
        self.entering_edit.editingFinished.connect(self._on_edited)
        for box in (self.width_spin, self.stride_spin):
            box.valueChanged.connect(self._on_edited)
        self.predict_box.toggled.connect(self._on_edited)
        self.reveal_button.clicked.connect(self.reveal)

    def _on_edited(self, *_args) -> None:
        """Read every control; a field with bad text keeps its last valid value and shows why."""
        errors = []
        values, entering = self._params.values, self._params.entering
        try:
            values = parse_values(self.values_edit.text(), "Values")
        except ValueError as exc:
            errors.append(str(exc))
        try:
            entering = parse_values(self.entering_edit.text(), "Value entering on the left", (1, 1))[0]
        except ValueError as exc:
            errors.append(str(exc))
        show_error(self.error, " ".join(f"{e}." for e in errors) + (" The last valid values stay." if errors else ""))
        for text in errors:
            self.message.emit(text)
        params = FigureParams(values, entering, self.width_spin.value(), self.stride_spin.value(),
                              self.predict_box.isChecked())
        if params != self._params:
            self._params = params
            self.revealed = not params.predict
            self.redraw()
            self.params_changed.emit(params)

    def apply(self, params: FigureParams) -> None:
        """Take new parameters (hides the pooled values again in predict mode), redraw and notify."""
        if params == self._params:
            return
        self.set_params(params)
        self.params_changed.emit(params)

    def params(self) -> FigureParams:
        """The current parameters."""
        return self._params

    def set_params(self, params: FigureParams) -> None:
        """Show `params` in the controls (no echo) and redraw; predict mode starts hidden."""
        self._params = params
        self.revealed = not params.predict
        for widget, setter, value in (
                (self.values_edit, "setText", ", ".join(format_value(v) for v in params.values)),
                (self.entering_edit, "setText", format_value(params.entering)),
                (self.width_spin, "setValue", params.width), (self.stride_spin, "setValue", params.stride),
                (self.predict_box, "setChecked", params.predict)):
            widget.blockSignals(True)
            getattr(widget, setter)(value)
            widget.blockSignals(False)
        self.redraw()

    def reveal(self) -> None:
        """Show the pooled values."""
        self.revealed = True
        self.redraw()

    def redraw(self) -> None:
        """Draw both diagrams with the changed units highlighted."""
        p = self._params
        rows = figure_rows(p)
        changed = {row: np.abs(rows[("after", row)] - rows[("before", row)]) > 1e-12 for row in ("detector", "pooled")}
        windows = pool_windows_1d(len(p.values), p.width, p.stride)
        hidden = not self.revealed
        self.scene.draw(rows, windows, {k: v.tolist() for k, v in changed.items()}, hidden)
        self.reveal_button.setEnabled(hidden)
        n_det, n_pool = changed["detector"].size, changed["pooled"].size
        pooled_text = "? (predict, then reveal)" if hidden else f"{int(changed['pooled'].sum())} of {n_pool}"
        self.summary.setText(f"The shift changed {int(changed['detector'].sum())} of {n_det} detector values "
                             f"and {pooled_text} pooled values (orange).")
        self.view.fit()

    def change(self, **changes) -> None:
        """Change parameters as a user would (tests and scripts)."""
        self.apply(replace(self._params, **changes))
