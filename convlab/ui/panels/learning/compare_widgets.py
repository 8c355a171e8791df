"""Widgets of the feature-learning panel's comparison: its controls, the bar charts and the table."""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from convlab.engine.compare import FEATURE_SET_LABELS, FEATURE_SETS
from convlab.lab.compare import CompareSettings
from convlab.ui.panels.learning.controls import error_label, row_of
from convlab.ui.theme import TEXT_COLOUR, theme
from convlab.ui.widgets.settings_form import SettingsForm

SET_COLOURS = {"raw": "#7f7f7f", "hand": "#1f77b4", "random": "#ff7f0e", "kmeans": "#2ca02c"}
TIME_COLOURS = (("learn_seconds", "learn kernels", "#d62728"), ("extract_seconds", "extract features", "#1f77b4"),
                ("train_seconds", "train classifier", "#2ca02c"))
OUTLINE_COLOUR, NOTE_COLOUR = "#333333", "#555555"
TITLE = "Compare feature sets"
FORM_FIELDS = ("digits_side", "kernels", "size", "seed")
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


class CompareControls(QWidget):
    """Data set, banks, feature sets, run and cancel: a form built from CompareSettings, one check box per
    feature set (at least one stays checked), and the buttons around them."""

    changed = Signal(object)  # CompareSettings
    run_requested = Signal()
    cancel_requested = Signal()
    open_requested = Signal()
    digits_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = SettingsForm(CompareSettings(), ((TITLE, FORM_FIELDS),))
        self.dataset_label = QLabel("digits")
        self.dataset_label.setWordWrap(True)
        self.error_label = error_label()
        self.open_button, self.digits_button = QPushButton("Open .npz…"), QPushButton("Bundled digits")
        self.set_boxes = {name: QCheckBox(FEATURE_SET_LABELS[name]) for name in FEATURE_SETS}
        self.run_button, self.cancel_button = QPushButton("Run comparison"), QPushButton("Cancel")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self._layout()
        for box in self.set_boxes.values():
            box.toggled.connect(self._on_box_toggled)
        self.form.changed.connect(self._on_form_changed)
        self.run_button.clicked.connect(self.run_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.digits_button.clicked.connect(self.digits_requested)
        self._show_sets(self.settings().sets)
        self.set_running(False)

    def _layout(self) -> None:
        f, first = self.form, FORM_FIELDS[0]
        f.add_row(TITLE, self.dataset_label, before=first)
        f.add_row(TITLE, row_of(self.open_button, self.digits_button), before=first)
        f.add_row(TITLE, self.error_label, before=first)
        grid = QGridLayout()
        for i, box in enumerate(self.set_boxes.values()):
            grid.addWidget(box, i // 2, i % 2)
        f.add_row(TITLE, grid)
        for widget in (row_of(self.run_button, self.cancel_button), self.progress, self.status_label):
            f.add_row(TITLE, widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(f)

    def _on_box_toggled(self, *_args) -> None:
        sets = tuple(name for name, box in self.set_boxes.items() if box.isChecked())
        if not sets:  # at least one feature set: undo the last uncheck
            self._show_sets(self.settings().sets)
            self.error_label.setText(_KEEP_ONE)
            return
        self.form.change(sets=sets)

    def _on_form_changed(self, settings: CompareSettings) -> None:
        if self.error_label.text() == _KEEP_ONE:
            self.error_label.setText("")
        self.changed.emit(settings)

    def _show_sets(self, sets) -> None:
        for name, box in self.set_boxes.items():
            box.blockSignals(True)
            box.setChecked(name in sets)
            box.blockSignals(False)

    def settings(self) -> CompareSettings:
        """The current settings."""
        return self.form.settings()

    def set_settings(self, settings: CompareSettings) -> None:
        """Show settings without echoing a change."""
        self.form.set_settings(settings)
        self._show_sets(settings.sets)

    def change(self, **changes) -> None:
        """Change settings as a user would (emits ``changed`` when something changed)."""
        self._show_sets(changes.get("sets", self.settings().sets))
        self.form.change(**changes)

    def set_running(self, running: bool) -> None:
        """Enable Run or Cancel."""
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)


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
            plot.setLabel("left", left, color=TEXT_COLOUR)
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.getAxis("left").enableAutoSIPrefix(False)
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setTextPen(TEXT_COLOUR)
            theme().style_plot(plot, tick_role="body", label_role="body")
            theme().set_title(plot, title, role="note")
        self.legend = self.time_plot.addLegend(offset=(10, 10), labelTextSize=theme().size("small"),
                                               labelTextColor=TEXT_COLOUR)
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
        self._fill_table()
        theme().follow(self, self._draw)  # bar labels, notes, legend and outlines at the theme's sizes

    def _draw(self) -> None:
        self._draw_accuracy()
        self._draw_times()

    def set_rows(self, rows) -> None:
        """Show the rows so far (a finished or partial comparison)."""
        self.rows = list(rows)
        self._fill_table()
        self._draw()

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
        text = pg.TextItem(note, color=NOTE_COLOUR, anchor=(0.5, 0.5))
        text.setFont(theme().font("body"))
        text.setPos(0.5, 0.5)
        plot.addItem(text)
        plot.setXRange(0, 1, padding=0)
        plot.setYRange(0, 1, padding=0)
        return False

    def _draw_accuracy(self) -> None:
        plot = self.accuracy_plot
        if not self._prepare(plot, EMPTY_NOTES[0]):
            theme().set_title(plot, "Test accuracy per feature set", role="note")
            return
        values = self.bar_heights()
        floor = max(0.0, 5.0 * math.floor((min(values) - 3.0) / 5.0))
        brushes = [pg.mkBrush(SET_COLOURS[r.feature_set]) for r in self.rows]
        plot.addItem(pg.BarGraphItem(x=list(range(len(values))), height=[v - floor for v in values], y0=floor,
                                     width=0.6, brushes=brushes, pen=theme().pen(OUTLINE_COLOUR)))
        for i, v in enumerate(values):
            text = pg.TextItem(f"{v:.1f}%", color=TEXT_COLOUR, anchor=(0.5, 1.0))
            text.setFont(theme().font("body"))
            text.setPos(i, v)
            plot.addItem(text)
        plot.setYRange(floor, 100.0 + (100.0 - floor) * 0.12, padding=0)
        theme().set_title(plot, "Test accuracy per feature set" + (f" (axis from {floor:g}%)" if floor > 0 else ""),
                          role="note")
        self._ticks(plot)

    def _draw_times(self) -> None:
        plot = self.time_plot
        self.legend.clear()
        self.legend.setLabelTextSize(theme().size("small"))
        if not self._prepare(plot, EMPTY_NOTES[1]):
            return
        for offset, (attr, name, colour) in zip((-0.22, 0.0, 0.22), TIME_COLOURS):
            bars = pg.BarGraphItem(x=[i + offset for i in range(len(self.rows))],
                                   height=[getattr(r, attr) for r in self.rows], width=0.2,
                                   brush=pg.mkBrush(colour), pen=theme().pen(OUTLINE_COLOUR))
            plot.addItem(bars)
            self.legend.addItem(bars, name)
        top = max(max(r.learn_seconds, r.extract_seconds, r.train_seconds) for r in self.rows)
        plot.setYRange(0, max(top, 1e-3) * 1.35, padding=0)
        self._ticks(plot)
