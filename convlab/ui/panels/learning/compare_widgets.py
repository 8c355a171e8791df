"""Widgets of the feature-learning panel's comparison: its controls, the bar charts and the table."""
from __future__ import annotations

import math
from dataclasses import fields, replace

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from convlab.engine.compare import FEATURE_SET_LABELS, FEATURE_SETS
from convlab.ui.panels.learning.tasks import CompareParams
from convlab.ui.widgets.form import spin

SET_COLOURS = {"raw": "#7f7f7f", "hand": "#1f77b4", "random": "#ff7f0e", "kmeans": "#2ca02c"}
TIME_COLOURS = (("learn_seconds", "learn kernels", "#d62728"), ("extract_seconds", "extract features", "#1f77b4"),
                ("train_seconds", "train classifier", "#2ca02c"))
_KEEP_ONE = "Keep at least one feature set."
COLUMNS = ("feature set", "kernels", "features", "test accuracy", "learn s", "extract s", "train s")
HELP = ("Each feature set goes through the same steps: convolution with its kernels ('valid'), an activation, "
        "sum pooling over the four quadrants, standardisation, then logistic regression (scikit-learn) on a fixed, "
        "seeded train/test split (75% / 25%). Hand-designed: edge and corner presets, then Gabor kernels. "
        "Random: zero-mean, unit-norm random kernels (seed). K-means: learned WITHOUT labels from patches of the "
        "training images (contrast-normalised, ZCA-whitened, triangle activation). Only the last step, the "
        "classifier, uses the labels, and it is the cheap one.\n"
        "The bundled digits are 8x8: a 5x5 kernel then fits in only 4x4 positions and leaves little room, so "
        "they are upsampled (20x20 by default; 16 to 28 pixels measured alike here).")
EMPTY_NOTES = ("No comparison yet.\nPress \u201cRun comparison\u201d (left) to train the same classifier on\n"
               "raw pixels and on hand-designed, random and k-means features:\n"
               "about a second on the bundled digits.",
               "The seconds each step takes\nappear here after a comparison.")


class CompareControls(QGroupBox):
    """Data set, banks, feature sets, run and cancel."""

    params_changed = Signal(object)  # CompareParams
    run_requested = Signal()
    cancel_requested = Signal()
    open_requested = Signal()
    digits_requested = Signal()

    def __init__(self, parent=None):
        super().__init__("Compare feature sets", parent)
        self._params = CompareParams()
        self.dataset_label = QLabel("digits")
        self.dataset_label.setWordWrap(True)
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.open_button, self.digits_button = QPushButton("Open .npz…"), QPushButton("Bundled digits")
        self._w = {"kernels": spin(1, 64, 32), "size": spin(2, 15, 5), "seed": spin(0, 99999, 0),
                   "digits_side": spin(8, 32, 20)}
        self.set_boxes = {name: QCheckBox(FEATURE_SET_LABELS[name]) for name in FEATURE_SETS}
        self.run_button, self.cancel_button = QPushButton("Run comparison"), QPushButton("Cancel")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self._layout()
        for w in self._w.values():
            w.valueChanged.connect(self._on_widget_changed)
        for box in self.set_boxes.values():
            box.toggled.connect(self._on_widget_changed)
        self.run_button.clicked.connect(self.run_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.digits_button.clicked.connect(self.digits_requested)
        self.set_params(self._params)
        self.set_running(False)

    def _layout(self) -> None:
        form = QFormLayout(self)
        form.addRow(self.dataset_label)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.digits_button)
        form.addRow(row)
        form.addRow(self.error_label)
        for key, label in (("digits_side", "Digits upsampled to"), ("kernels", "Kernels per bank"),
                           ("size", "Kernel size"), ("seed", "Seed")):
            form.addRow(label, self._w[key])
        grid = QGridLayout()
        for i, box in enumerate(self.set_boxes.values()):
            grid.addWidget(box, i // 2, i % 2)
        form.addRow(grid)
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        form.addRow(row)
        form.addRow(self.progress)
        form.addRow(self.status_label)

    def _on_widget_changed(self, *_args) -> None:
        sets = tuple(name for name, box in self.set_boxes.items() if box.isChecked())
        if not sets:  # at least one feature set: undo the last uncheck
            self.set_params(self._params)
            self.error_label.setText(_KEEP_ONE)
            return
        if self.error_label.text() == _KEEP_ONE:
            self.error_label.setText("")
        params = CompareParams(sets=sets, **{k: w.value() for k, w in self._w.items()})
        if params != self._params:
            self._params = params
            self.params_changed.emit(params)

    def params(self) -> CompareParams:
        """The current settings."""
        return self._params

    def set_params(self, params: CompareParams) -> None:
        """Show settings without echoing a change."""
        self._params = params
        for f in fields(params):
            if f.name in self._w:
                self._w[f.name].blockSignals(True)
                self._w[f.name].setValue(getattr(params, f.name))
                self._w[f.name].blockSignals(False)
        for name, box in self.set_boxes.items():
            box.blockSignals(True)
            box.setChecked(name in params.sets)
            box.blockSignals(False)

    def change(self, **changes) -> None:
        """Change settings as a user would (emits params_changed)."""
        self.set_params(replace(self._params, **changes))
        self.params_changed.emit(self._params)

    def set_running(self, running: bool) -> None:
        """Enable Run or Cancel."""
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)


def _bar_font() -> QFont:
    font = QFont()
    font.setPointSize(12)
    return font


class ComparisonView(QWidget):
    """Accuracy per feature set, the seconds each step took, and a table of the numbers."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows = []
        self.accuracy_plot = pg.PlotWidget(background="w")
        self.time_plot = pg.PlotWidget(background="w")
        for plot, title, left in ((self.accuracy_plot, "Test accuracy per feature set", "test accuracy (%)"),
                                  (self.time_plot, "Seconds: learn the kernels, extract features, train",
                                   "seconds")):
            plot.setTitle(title, size="13pt", color="#111111")
            plot.setLabel("left", left, **{"font-size": "12pt", "color": "#111111"})
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.getAxis("left").enableAutoSIPrefix(False)
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setTickFont(_bar_font())
                plot.getAxis(axis).setTextPen("#111111")
        self.legend = self.time_plot.addLegend(offset=(10, 10), labelTextSize="11pt", labelTextColor="#111111")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.help_label = QLabel(HELP)
        self.help_label.setWordWrap(True)
        self.help_label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        top = QHBoxLayout()
        top.addWidget(self.accuracy_plot, 1)
        top.addWidget(self.time_plot, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.table, 3)
        bottom.addWidget(self.help_label, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 3)
        layout.addLayout(bottom, 2)
        self.set_rows([])

    def set_rows(self, rows) -> None:
        """Show the rows so far (a finished or partial comparison)."""
        self.rows = list(rows)
        self._fill_table()
        self._draw_accuracy()
        self._draw_times()

    def bar_heights(self) -> list[float]:
        """Accuracy bars as drawn, in percent (for tests and screenshots)."""
        return [100.0 * r.accuracy for r in self.rows]

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            values = (r.label, str(r.kernels or "-"), str(r.features), f"{100 * r.accuracy:.2f}%",
                      f"{r.learn_seconds:.3f}", f"{r.extract_seconds:.3f}", f"{r.train_seconds:.3f}")
            for j, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignVCenter | (Qt.AlignLeft if j == 0 else Qt.AlignRight))
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()

    def _ticks(self, plot) -> None:
        plot.getAxis("bottom").setTicks([[(i, r.label) for i, r in enumerate(self.rows)]])
        plot.setXRange(-0.6, max(len(self.rows), 2) - 0.4, padding=0)

    def empty_note(self, plot) -> str:
        """The text a plot shows while there is no comparison ("" once there is one)."""
        notes = [item.toPlainText() for item in plot.items() if isinstance(item, pg.TextItem)]
        return notes[0] if not self.rows and notes else ""

    def _prepare(self, plot, note: str) -> bool:
        """Clear `plot`; without rows show `note` instead of empty axes and return False."""
        plot.clear()
        for axis in ("left", "bottom"):
            plot.showAxis(axis, bool(self.rows))
        if self.rows:
            return True
        text = pg.TextItem(note, color="#555555", anchor=(0.5, 0.5))
        text.setFont(_bar_font())
        text.setPos(0.5, 0.5)
        plot.addItem(text)
        plot.setXRange(0, 1, padding=0)
        plot.setYRange(0, 1, padding=0)
        return False

    def _draw_accuracy(self) -> None:
        plot = self.accuracy_plot
        if not self._prepare(plot, EMPTY_NOTES[0]):
            plot.setTitle("Test accuracy per feature set", size="13pt", color="#111111")
            return
        values = self.bar_heights()
        floor = max(0.0, 5.0 * math.floor((min(values) - 3.0) / 5.0))
        brushes = [pg.mkBrush(SET_COLOURS[r.feature_set]) for r in self.rows]
        plot.addItem(pg.BarGraphItem(x=list(range(len(values))), height=[v - floor for v in values], y0=floor,
                                     width=0.6, brushes=brushes, pen=pg.mkPen("#333333")))
        for i, v in enumerate(values):
            text = pg.TextItem(f"{v:.1f}%", color="#111111", anchor=(0.5, 1.0))
            text.setFont(_bar_font())
            text.setPos(i, v)
            plot.addItem(text)
        plot.setYRange(floor, 100.0 + (100.0 - floor) * 0.12, padding=0)
        plot.setTitle("Test accuracy per feature set" + (f" (axis from {floor:g}%)" if floor > 0 else ""),
                      size="13pt", color="#111111")
        self._ticks(plot)

    def _draw_times(self) -> None:
        plot = self.time_plot
        self.legend.clear()
        if not self._prepare(plot, EMPTY_NOTES[1]):
            return
        for offset, (attr, name, colour) in zip((-0.22, 0.0, 0.22), TIME_COLOURS):
            bars = pg.BarGraphItem(x=[i + offset for i in range(len(self.rows))],
                                   height=[getattr(r, attr) for r in self.rows], width=0.2,
                                   brush=pg.mkBrush(colour), pen=pg.mkPen("#333333"))
            plot.addItem(bars)
            self.legend.addItem(bars, name)
        top = max(max(r.learn_seconds, r.extract_seconds, r.train_seconds) for r in self.rows)
        plot.setYRange(0, max(top, 1e-3) * 1.35, padding=0)
        self._ticks(plot)
