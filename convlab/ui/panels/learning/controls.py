"""Controls of the feature-learning panel, bound two ways to LearnParams and ViewParams."""
from __future__ import annotations

import math
from dataclasses import fields, replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from convlab.engine.kmeans import METHODS
from convlab.ui.panels.learning.tasks import METHOD_LABELS, PATCH_SOURCES, LearnParams, ViewParams
from convlab.ui.widgets.form import combo, show_value, spin

SOURCE_LABELS = dict(zip(PATCH_SOURCES, ("Current frame", "Frames collected over time", "Folder of images")))
SORT_LABELS = {"size": "cluster size", "orientation": "orientation", "none": "as learned"}
SHOW_LABELS = {"centroids": "centroids (whitened space)", "kernels": "kernels for raw pictures"}
ERROR_STYLE = "color: #b00020;"


def _error_label() -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    return label


def parse_positive(text: str):
    """A finite number > 0 from text, or None."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


class LearnControls(QWidget):
    """Patches, preprocessing, k-means, display and bank controls."""

    params_changed = Signal(object)  # LearnParams
    view_changed = Signal(object)  # ViewParams
    learn_requested = Signal()
    cancel_requested = Signal()
    online_toggled = Signal(bool)
    use_bank_requested = Signal()
    save_requested = Signal()
    load_requested = Signal()
    clear_collected_requested = Signal()
    invalid_input = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._params, self._view = LearnParams(), ViewParams()
        self._w = {"source": combo(SOURCE_LABELS, SOURCE_LABELS), "folder": QLineEdit(), "size": spin(3, 16, 8),
                   "count": spin(100, 200_000, 50_000, step=5000), "color": QCheckBox("colour patches (RGB)"),
                   "seed": spin(0, 99999, 0), "normalize": QCheckBox("remove mean, normalise contrast"),
                   "norm_eps": QLineEdit(), "whiten": QCheckBox("ZCA whitening"), "zca_eps": QLineEdit(),
                   "k": spin(2, 256, 64), "method": combo(METHODS, METHOD_LABELS),
                   "max_iter": spin(1, 1000, 100)}
        self._v = {"sort_by": combo(SORT_LABELS, SORT_LABELS), "show": combo(SHOW_LABELS, SHOW_LABELS)}
        self.auto_box = QCheckBox("re-learn when a setting changes")
        self.auto_box.setChecked(True)
        self.online_box = QCheckBox("online: update with every new frame")
        self.buttons = {name: QPushButton(text) for name, text in (
            ("learn", "Learn kernels"), ("cancel", "Cancel"), ("use_bank", "Use as bank"), ("save", "Save kernels…"),
            ("load", "Load kernels…"), ("browse", "Browse…"), ("clear", "Clear"))}
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status_label, self.collected_label, self.bank_note = QLabel(""), QLabel(""), QLabel("")
        for label in (self.status_label, self.bank_note):
            label.setWordWrap(True)
        self.input_error, self.file_error = _error_label(), _error_label()
        self._tooltips()
        self._layout()
        self._connect()
        self.set_params(self._params)
        self.set_view(self._view)
        self.set_running(False)

    def _tooltips(self) -> None:
        tips = {"norm_eps": "Added to each patch's variance: (x - mean) / sqrt(var + eps). 10 suits pixels 0..255.",
                "zca_eps": "Added to the eigenvalues before whitening. Coates & Ng use 0.1; 1.0 keeps the 8x8 "
                           "block noise of a JPEG photo from turning into checkerboard kernels.",
                "count": "Random patches cut from the source (up to 200,000).",
                "method": "KMeans: exact Lloyd iterations. MiniBatchKMeans: much faster, slightly worse fit."}
        for key, tip in tips.items():
            self._w[key].setToolTip(tip)
        self.buttons["use_bank"].setToolTip(
            "Send the kernels to the shared bank, with the whitening folded in (W c, mean removed, unit norm), "
            "so that they work on raw pictures in every panel. At most 64, in the montage's order.")
        self._v["show"].setToolTip("Centroids live in the whitened space; the kernels are what the bank receives.")

    def _group(self, title, rows, extra=()):
        group = QGroupBox(title)
        form = QFormLayout(group)
        for key, label in rows:
            form.addRow(label, self._w[key] if key in self._w else self._v[key])
        for widget in extra:
            form.addRow(widget) if isinstance(widget, QWidget) else form.addRow(*widget)
        return group

    @staticmethod
    def _row(*widgets) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        for w in widgets:
            row.addWidget(w)
        return holder

    def _layout(self) -> None:
        b = self.buttons
        self.folder_row = self._row(self._w["folder"], b["browse"])
        self.collected_row = self._row(self.collected_label, b["clear"])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self._group("Patches", [("source", "Source")], [self.folder_row, self.collected_row]))
        patches = outer.itemAt(0).widget().layout()
        for key, label in (("size", "Patch size"), ("count", "Patches"), ("color", ""), ("seed", "Seed")):
            patches.addRow(label, self._w[key])
        outer.addWidget(self._group("Preprocessing", [("normalize", ""), ("norm_eps", "Contrast epsilon"),
                                                      ("whiten", ""), ("zca_eps", "Whitening epsilon")],
                                    [self.input_error]))
        outer.addWidget(self._group("K-means", [("k", "k (kernels)"), ("method", "Algorithm"),
                                                ("max_iter", "Max. iterations")],
                                    [self.auto_box, self._row(b["learn"], b["cancel"]), self.progress,
                                     self.status_label, self.online_box]))
        outer.addWidget(self._group("Montage", [("sort_by", "Sort by"), ("show", "Show")]))
        outer.addWidget(self._group("Bank", [], [b["use_bank"], self.bank_note, self._row(b["save"], b["load"]),
                                                 self.file_error]))
        self.outer = outer

    def _connect(self) -> None:
        for key, w in list(self._w.items()) + list(self._v.items()):
            if isinstance(w, QLineEdit):
                w.editingFinished.connect(self._on_widget_changed)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self._on_widget_changed)
            elif isinstance(w, QSpinBox):
                w.valueChanged.connect(self._on_widget_changed)
            else:
                w.toggled.connect(self._on_widget_changed)
        signals = {"learn": self.learn_requested, "cancel": self.cancel_requested, "use_bank": self.use_bank_requested,
                   "save": self.save_requested, "load": self.load_requested, "browse": self._ask_folder,
                   "clear": self.clear_collected_requested}
        for name, signal in signals.items():
            self.buttons[name].clicked.connect(signal)
        self.online_box.toggled.connect(self.online_toggled)

    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of images", self._params.folder)
        if folder:
            self.change(folder=folder)

    def _read(self, key, w):
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QSpinBox):
            return w.value()
        if isinstance(w, QLineEdit):
            if key == "folder":
                return w.text().strip()
            value = parse_positive(w.text())
            if value is None:
                raise ValueError(f"{'Contrast' if key == 'norm_eps' else 'Whitening'} epsilon must be a "
                                 f"number > 0; got {w.text()!r}")
            return value
        return w.isChecked()

    def _on_widget_changed(self, *_args) -> None:
        try:
            params = LearnParams(**{k: self._read(k, w) for k, w in self._w.items()})
        except ValueError as exc:
            self.input_error.setText(f"{exc}. Kept {self._params.norm_eps:g} and {self._params.zca_eps:g}.")
            self.set_params(self._params)  # the last valid values come back
            self.invalid_input.emit(str(exc))
            return
        self.input_error.setText("")
        view = ViewParams(**{k: self._read(k, w) for k, w in self._v.items()})
        self._sync_enabled(params)
        if view != self._view:
            self._view = view
            self.view_changed.emit(view)
        if params != self._params:
            self._params = params
            self.params_changed.emit(params)

    def _sync_enabled(self, params: LearnParams) -> None:
        self.folder_row.setVisible(params.source == "folder")
        self.collected_row.setVisible(params.source == "collected")
        self._w["norm_eps"].setEnabled(params.normalize)
        self._w["zca_eps"].setEnabled(params.whiten)

    def params(self) -> LearnParams:
        """The current learning parameters."""
        return self._params

    def view(self) -> ViewParams:
        """The current display choices."""
        return self._view

    def set_params(self, params: LearnParams) -> None:
        """Show ``params`` in the widgets without echoing a change."""
        self._params = params
        for f in fields(params):
            show_value(self._w[f.name], getattr(params, f.name))
        self._sync_enabled(params)

    def set_view(self, view: ViewParams) -> None:
        """Show display choices without echoing a change."""
        self._view = view
        for f in fields(view):
            show_value(self._v[f.name], getattr(view, f.name))

    def change(self, **changes) -> None:
        """Change learning parameters as a user would (emits params_changed)."""
        self.set_params(replace(self._params, **changes))
        self.params_changed.emit(self._params)

    def widget(self, key):
        """The widget bound to a LearnParams or ViewParams field (tests drive them)."""
        return self._w[key] if key in self._w else self._v[key]

    def set_running(self, running: bool) -> None:
        """Enable Learn or Cancel."""
        self.buttons["learn"].setEnabled(not running)
        self.buttons["cancel"].setEnabled(running)

    def set_progress(self, fraction: float, text: str) -> None:
        """Show progress 0..1 and what is being done."""
        self.progress.setValue(int(round(1000 * min(max(fraction, 0.0), 1.0))))
        self.status_label.setStyleSheet("")
        self.status_label.setText(text)

    def set_collected(self, count: int) -> None:
        """Show how many frames are collected."""
        self.collected_label.setText(f"{count} frame(s) collected")
