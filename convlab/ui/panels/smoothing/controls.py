"""Controls of the signal-smoothing panel, bound two ways to a SmoothingParams value."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSlider, QVBoxLayout, QWidget)

from convlab.engine.conv import MODES
from convlab.engine.smoothing import SMOOTHING_KERNELS
from convlab.ui.widgets.form import combo, show_value, spin, widget_value

KINDS = SMOOTHING_KERNELS + ("drawn",)
KIND_LABELS = {"exponential": "exponential decay", "box": "box (moving average)", "triangle": "triangle",
               "gaussian": "Gaussian", "drawn": "hand-drawn"}
MODE_LABELS = {"same": "same (n estimates)", "full": "full (n + k − 1)", "valid": "valid (n − k + 1)"}
SOURCE_LABELS = {"spaceship": "spaceship (generated)", "file": "loaded file"}
MAX_WIDTH = 151
DECAY_SCALE = 4  # decay slider steps per sample
NOISE_SCALE = 100
CONTROL_POINTS = 11


@dataclass(frozen=True)
class SmoothingParams:
    """Everything that decides what the smoothing panel computes."""

    source: str = "spaceship"
    length: int = 400
    step: float = 1.0
    noise: float = 0.5
    seed: int = 0
    kind: str = "exponential"
    width: int = 15
    decay: float = 3.75
    decay_follows_width: bool = True
    causal: bool = True
    normalise: bool = True
    mode: str = "same"


def default_decay(kind: str, width: int) -> float:
    """The decay the engine picks for `kind` when it follows the width (width/4 or width/6)."""
    return width / 6 if kind == "gaussian" else width / 4


class ScaledSlider(QWidget):
    """A horizontal slider for a number with a fixed resolution, with its value written beside it."""

    value_changed = Signal(float)

    def __init__(self, low: float, high: float, scale: int, digits: int, unit: str = ""):
        super().__init__()
        self.scale, self.digits, self.unit = scale, digits, unit
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(round(low * scale), round(high * scale))
        self.readout = QLabel()
        self.readout.setMinimumWidth(44)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.readout)
        self.slider.valueChanged.connect(self._on_slider)
        self._show()

    def value(self) -> float:
        """The current number."""
        return self.slider.value() / self.scale

    def set_value(self, value: float) -> None:
        """Show `value` (rounded to the resolution) without emitting."""
        self.slider.blockSignals(True)
        self.slider.setValue(round(value * self.scale))
        self.slider.blockSignals(False)
        self._show()

    def _show(self) -> None:
        self.readout.setText(f"{self.value():.{self.digits}f}{self.unit}")

    def _on_slider(self, _position) -> None:
        self._show()
        self.value_changed.emit(self.value())


class SmoothingControls(QWidget):
    """Signal, kernel, output and flip-and-slide controls."""

    params_changed = Signal(object)  # SmoothingParams
    load_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        font = QFont(self.font())
        font.setPointSize(max(CONTROL_POINTS, font.pointSize()))
        self.setFont(font)
        self._params = SmoothingParams()
        step = QDoubleSpinBox()
        step.setRange(0.05, 10.0)
        step.setSingleStep(0.05)
        step.setDecimals(2)
        self._w = {
            "source": combo(("spaceship", "file"), SOURCE_LABELS),
            "length": spin(20, 10000, 400), "step": step,
            "noise": ScaledSlider(0.0, 2.0, NOISE_SCALE, 2), "seed": spin(0, 99999, 0),
            "kind": combo(KINDS, KIND_LABELS), "width": ScaledSlider(1, MAX_WIDTH, 1, 0),
            "decay": ScaledSlider(0.25, 60.0, DECAY_SCALE, 2),
            "decay_follows_width": QCheckBox("decay follows the width"),
            "causal": combo((True, False), {True: "causal (past only)", False: "centred"}),
            "normalise": QCheckBox("normalise: weights sum to 1"),
            "mode": combo(MODES, MODE_LABELS),
        }
        self.load_button = QPushButton("Load CSV / text…")
        self.column_edit = QLineEdit()
        self.column_edit.setPlaceholderText("name or number, if several")
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.file_label = QLabel("no file loaded")
        self.file_label.setWordWrap(True)
        self.time_slider = QSlider(Qt.Horizontal)
        self.time_label = QLabel("t = 0")
        self.back_button = QPushButton("◀ step")
        self.play_button = QPushButton("▶ play")
        self.play_button.setCheckable(True)
        self.forward_button = QPushButton("step ▶")
        self.speed_spin = spin(1, 200, 10)
        self.speed_spin.setSuffix(" samples/s")
        self._layout()
        self._connect()
        self.set_params(self._params)
        self.set_file_available(False)

    def _layout(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        w = self._w
        signal = QGroupBox("Signal x(t)")
        form = QFormLayout(signal)
        for key, label in (("source", "Source"), ("length", "Length n"), ("step", "Sampling step"),
                           ("noise", "Noise level"), ("seed", "Seed")):
            form.addRow(label, w[key])
        form.addRow("Column", self.column_edit)
        form.addRow(self.load_button)
        form.addRow(self.file_label)
        form.addRow(self.error_label)
        kernel = QGroupBox("Kernel w(a)")
        form = QFormLayout(kernel)
        for key, label in (("kind", "Shape"), ("width", "Width k (taps)"), ("decay", "Decay τ / σ"),
                           ("decay_follows_width", ""), ("causal", "Placement"), ("normalise", "")):
            if label:
                form.addRow(label, w[key])
            else:
                form.addRow(w[key])
        output = QGroupBox("Boundary handling")
        form = QFormLayout(output)
        form.addRow("Mode", w["mode"])
        slide = QGroupBox("Flip and slide")
        box = QVBoxLayout(slide)
        box.addWidget(self.time_label)
        box.addWidget(self.time_slider)
        row = QHBoxLayout()
        for button in (self.back_button, self.play_button, self.forward_button):
            row.addWidget(button)
        box.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel("Speed"))
        row.addWidget(self.speed_spin, 1)
        box.addLayout(row)
        for group in (signal, kernel, output, slide):
            outer.addWidget(group)
        outer.addStretch(1)

    def _connect(self) -> None:
        for widget in self._w.values():
            signal = (getattr(widget, "value_changed", None) or getattr(widget, "currentIndexChanged", None)
                      or getattr(widget, "valueChanged", None) or widget.toggled)
            signal.connect(self._on_widget_changed)
        self.load_button.clicked.connect(self.load_requested)

    def _on_widget_changed(self, *_args) -> None:
        values = {k: widget_value(w) for k, w in self._w.items()}
        values["width"] = int(values["width"])
        params = SmoothingParams(**values)
        if params.decay_follows_width:
            params = replace(params, decay=default_decay(params.kind, params.width))
        self._apply(params)

    def _apply(self, params: SmoothingParams) -> None:
        changed = params != self._params
        self.set_params(params)
        if changed:
            self.params_changed.emit(params)

    def params(self) -> SmoothingParams:
        """The current parameters."""
        return self._params

    def set_params(self, params: SmoothingParams) -> None:
        """Show `params` in the widgets without echoing a change."""
        self._params = params
        for f in fields(params):
            show_value(self._w[f.name], getattr(params, f.name))
        generated = params.source == "spaceship"
        for key in ("length", "step", "noise", "seed"):
            self._w[key].setEnabled(generated)
        uses_decay = params.kind in ("exponential", "gaussian")
        self._w["decay_follows_width"].setEnabled(uses_decay)
        self._w["decay"].setEnabled(uses_decay and not params.decay_follows_width)

    def change(self, **changes) -> None:
        """Change some parameters as a user would (emits params_changed when something changed)."""
        params = replace(self._params, **changes)
        if params.decay_follows_width:
            params = replace(params, decay=default_decay(params.kind, params.width))
        self._apply(params)

    def set_file_available(self, available: bool, description: str = "") -> None:
        """Enable the "loaded file" source once a signal has been loaded."""
        item = self._w["source"].model().item(1)
        item.setEnabled(available)
        self.file_label.setText(description or "no file loaded")

    def column(self) -> str:
        """The column typed by the user ("" for none)."""
        return self.column_edit.text().strip()

    def show_error(self, text: str) -> None:
        """Show a red inline message under the signal controls ("" hides it)."""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def set_time_range(self, first: int, last: int, t: int) -> None:
        """Let the time slider run over the estimate times, showing `t`."""
        self.time_slider.blockSignals(True)
        self.time_slider.setRange(first, last)
        self.time_slider.setValue(t)
        self.time_slider.blockSignals(False)
        self.time_label.setText(f"time t = {t}   (estimates t = {first} … {last})")
