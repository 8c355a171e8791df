"""Controls of the translation panel's image mode, bound two ways to a ShiftParams value."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QSlider, QVBoxLayout, QWidget)

from convlab.engine.blurpool import BLUR_FILTERS
from convlab.engine.pooling import POOL_KINDS
from convlab.ui.panels.translation.tiles import big_font, error_label
from convlab.ui.widgets.form import combo, show_value, spin, widget_value

MAX_SHIFT = 32
BOUNDARY_LABELS = {"fill": "fill (zeros)", "wrap": "wrap (circular)"}
COMPARE_LABELS = {"same": "same place (invariance)", "moved": "moved shift/stride units"}
KEY_TEXT = ("Colours: blue negative, white zero, red positive. Orange tint: pooled unit changed. "
            "Yellow outline: the border band where zero fill breaks equivariance. "
            "Curves: horizontal shifts 0 … 2 × stride, compared with pool(conv(x)) moved by "
            "round(shift / stride) units, so 1 means equivariant.")


@dataclass(frozen=True)
class ShiftParams:
    """Everything the image mode computes from: the shift, the kernel and the pooling."""

    dx: int = 1
    dy: int = 1
    boundary: str = "fill"
    kernel_name: str = ""
    pool_kind: str = "max"
    pool_size: int = 2
    pool_stride: int = 2
    antialias: bool = False
    blur_filter: str = "[1, 2, 1]"
    compare: str = "same"


def _slider() -> QSlider:
    slider = QSlider(Qt.Horizontal)
    slider.setRange(-MAX_SHIFT, MAX_SHIFT)
    slider.setPageStep(4)
    slider.setTickPosition(QSlider.TicksBelow)
    slider.setTickInterval(8)
    slider.setMinimumWidth(200)
    slider.setFocusPolicy(Qt.NoFocus)  # the arrow keys go to the panel: left/right and up/down
    return slider


class ShiftControls(QWidget):
    """Shift sliders, play, boundary, kernel chooser, pooling and the measures read-out."""

    params_changed = Signal(object)  # ShiftParams

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFont(big_font(11))
        self._params = ShiftParams()
        self._w = {
            "dx": _slider(), "dy": _slider(),
            "boundary": combo(("fill", "wrap"), BOUNDARY_LABELS),
            "kernel_name": QComboBox(),
            "pool_kind": combo(POOL_KINDS), "pool_size": spin(1, 8, 2), "pool_stride": spin(1, 8, 2),
            "antialias": QCheckBox("anti-aliased (BlurPool)"),
            "blur_filter": combo(tuple(BLUR_FILTERS)),
            "compare": combo(("same", "moved"), COMPARE_LABELS),
        }
        self.shift_labels = {"dx": QLabel(), "dy": QLabel()}
        self.play_button = QPushButton("▶ Play (sweep the shift)")
        self.play_button.setCheckable(True)
        self.reset_button = QPushButton("Shift 0")
        self.measure_labels = {k: QLabel() for k in ("conv", "pooled", "cosine")}
        self.error = error_label()
        self._layout()
        self._connect()
        self.set_params(self._params)

    def _layout(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        shift = QGroupBox("Shift the input (arrow keys too)")
        form = QFormLayout(shift)
        for key, text in (("dx", "Horizontal"), ("dy", "Vertical")):
            row = QHBoxLayout()
            row.addWidget(self._w[key], 1)
            self.shift_labels[key].setMinimumWidth(48)
            row.addWidget(self.shift_labels[key])
            form.addRow(text, row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button, 1)
        buttons.addWidget(self.reset_button)
        form.addRow(buttons)
        form.addRow("Boundary", self._w["boundary"])
        conv = QGroupBox("Convolution")
        QFormLayout(conv).addRow("Kernel", self._w["kernel_name"])
        pool = QGroupBox("Pooling of the feature map")
        form = QFormLayout(pool)
        for key, text in (("pool_kind", "Kind"), ("pool_size", "Size"), ("pool_stride", "Stride"),
                          ("antialias", ""), ("blur_filter", "Blur filter"), ("compare", "Compare at")):
            form.addRow(text, self._w[key])
        measures = QGroupBox("Measured")
        column = QVBoxLayout(measures)
        for label in self.measure_labels.values():
            label.setFont(big_font(12, bold=True))
            label.setWordWrap(True)
            column.addWidget(label)
        key = QGroupBox("How to read it")
        text = QLabel(KEY_TEXT)
        text.setWordWrap(True)
        QVBoxLayout(key).addWidget(text)
        for group in (shift, conv, pool, measures, key):
            outer.addWidget(group)
        outer.addWidget(self.error)
        outer.addStretch(1)

    def _connect(self) -> None:
        for w in self._w.values():
            sig = getattr(w, "currentIndexChanged", None) or getattr(w, "valueChanged", None) or w.toggled
            sig.connect(self._on_widget_changed)
        self.reset_button.clicked.connect(lambda: self.change(dx=0, dy=0))

    @staticmethod
    def _read(w):
        value = widget_value(w)
        return "" if value is None else value

    def _on_widget_changed(self, *_args) -> None:
        params = ShiftParams(**{k: self._read(w) for k, w in self._w.items()})
        self._sync(params)
        if params != self._params:
            self._params = params
            self.params_changed.emit(params)

    def _sync(self, params: ShiftParams) -> None:
        for key in ("dx", "dy"):
            self.shift_labels[key].setText(f"{getattr(params, key):+d} px")
        self._w["blur_filter"].setEnabled(params.antialias)

    def params(self) -> ShiftParams:
        """The current parameters."""
        return self._params

    def set_params(self, params: ShiftParams) -> None:
        """Show `params` in the widgets without echoing a change."""
        self._params = params
        for f in fields(params):
            show_value(self._w[f.name], getattr(params, f.name))
        self._sync(params)

    def change(self, **changes) -> None:
        """Change some parameters as a user would (emits params_changed when something changed)."""
        params = replace(self._params, **changes)
        params = replace(params, dx=max(-MAX_SHIFT, min(MAX_SHIFT, params.dx)),
                         dy=max(-MAX_SHIFT, min(MAX_SHIFT, params.dy)))
        if params != self._params:
            self.set_params(params)
            self.params_changed.emit(params)

    def widget(self, key: str):
        """The widget bound to one ShiftParams field."""
        return self._w[key]

    def set_kernel_names(self, names, preferred: str) -> str:
        """Offer the bank's kernel names; keeps the current choice if it still exists. Returns the choice."""
        box = self._w["kernel_name"]
        current = self._params.kernel_name if self._params.kernel_name in names else preferred
        current = current if current in names else (names[0] if names else "")
        box.blockSignals(True)
        box.clear()
        for name in names:
            box.addItem(name, name)
        box.blockSignals(False)
        self.set_params(replace(self._params, kernel_name=current))
        return current

    def set_measures(self, max_abs: float, boundary: str, fraction: float, cosine: float) -> None:
        """Write the measured numbers."""
        exact = " (exactly zero)" if max_abs == 0.0 else ""
        where = "" if max_abs == 0.0 or boundary == "wrap" else ", only in the outlined border band"
        self.measure_labels["conv"].setText(f"max |conv(shift x) − shift(conv x)| = {max_abs:.4g}{exact}{where}")
        self.measure_labels["pooled"].setText(f"pooled units unchanged: {100 * fraction:.1f} %")
        self.measure_labels["cosine"].setText(f"cosine similarity of the pooled maps: {cosine:.4f}")
