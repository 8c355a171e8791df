"""Controls of the connectivity panel, bound two ways to three frozen parameter values."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from convlab.engine.conv import MODES, output_size
from convlab.engine.receptive_stack import StackLayer
from convlab.ui.widgets.form import combo, show_value, spin, widget_value

MAX_INPUTS = 32
PADDING_LABELS = {"valid": "valid (none)", "same": "same", "full": "full"}
POOL_LABELS = {0: "none", 2: "max pool 2", 3: "max pool 3"}


@dataclass(frozen=True)
class LayerParams:
    """A 1-D layer: m inputs, kernel width k, stride, dilation, zero padding; tiled period t."""

    inputs: int = 8
    kernel: int = 3
    stride: int = 1
    dilation: int = 1
    padding: str = "same"
    period: int = 2

    @property
    def outputs(self) -> int:
        """n, the number of outputs (`output_size`)."""
        return output_size(self.inputs, self.kernel, self.padding, self.stride, self.dilation)


@dataclass(frozen=True)
class StackParams:
    """A stack of `depth` equal convolution layers, each optionally followed by max pooling."""

    depth: int = 3
    kernel: int = 3
    stride: int = 1
    dilation: int = 1
    pool: int = 0

    def layers(self) -> list:
        """The stack as engine StackLayer values, from the input upwards."""
        layers = []
        for _ in range(self.depth):
            layers.append(StackLayer("conv", self.kernel, self.stride, self.dilation))
            if self.pool:
                layers.append(StackLayer("pool", self.pool, self.pool))
        return layers


@dataclass(frozen=True)
class ArithmeticParams:
    """The convolution-arithmetic grid: an n x n input and a k x k kernel."""

    size: int = 5
    kernel: int = 3
    padding: str = "valid"
    stride: int = 1
    dilation: int = 1


def smallest_inputs_for(outputs: int, params: LayerParams) -> int:
    """The fewest inputs m (1..MAX_INPUTS) giving at least `outputs` outputs with these settings."""
    for m in range(1, MAX_INPUTS + 1):
        if replace(params, inputs=m).outputs >= outputs:
            return m
    return MAX_INPUTS


class ConnectivityControls(QWidget):
    """Group boxes for the 1-D layer, the matrix view, the layer stack and the arithmetic grid."""

    layer_changed = Signal(object)  # LayerParams
    stack_changed = Signal(object)  # StackParams
    arithmetic_changed = Signal(object)  # ArithmeticParams

    def __init__(self, parent=None):
        super().__init__(parent)
        self._values = {"layer": LayerParams(), "stack": StackParams(), "arithmetic": ArithmeticParams()}
        self._signals = {"layer": self.layer_changed, "stack": self.stack_changed,
                         "arithmetic": self.arithmetic_changed}
        self._w = {
            "layer": {"inputs": spin(1, MAX_INPUTS), "kernel": spin(1, 9), "stride": spin(1, 4),
                      "dilation": spin(1, 4), "padding": combo(MODES, PADDING_LABELS), "period": spin(1, 6)},
            "stack": {"depth": spin(1, 5), "kernel": spin(1, 7), "stride": spin(1, 3), "dilation": spin(1, 4),
                      "pool": combo((0, 2, 3), POOL_LABELS)},
            "arithmetic": {"size": spin(1, 9), "kernel": spin(1, 5), "padding": combo(MODES, PADDING_LABELS),
                           "stride": spin(1, 4), "dilation": spin(1, 3)},
        }
        self.outputs_spin = spin(0, 64)
        self.layer_note = QLabel()
        self.layer_note.setWordWrap(True)
        self.layer_note.setStyleSheet("color: #c00000; font-weight: bold;")
        self.groups = {}
        self._layout()
        for key, widgets in self._w.items():
            for w in widgets.values():
                signal = getattr(w, "currentIndexChanged", None) or w.valueChanged
                signal.connect(lambda *_args, key=key: self._on_widget_changed(key))
        self.outputs_spin.valueChanged.connect(self._on_outputs_edited)
        for key, value in self._values.items():
            self._show(key, value)

    def _layout(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        rows = {
            "layer": [("inputs", "Inputs m"), ("outputs", "Outputs n"), ("kernel", "Kernel width k"),
                      ("stride", "Stride"), ("dilation", "Dilation"), ("padding", "Zero padding")],
            "matrix": [("period", "Tiled: period t")],
            "stack": [("depth", "Depth (conv layers)"), ("kernel", "Kernel size"), ("stride", "Stride"),
                      ("dilation", "Dilation"), ("pool", "Pooling (stride = size)")],
            "arithmetic": [("size", "Input size n×n"), ("kernel", "Kernel size k×k"), ("padding", "Zero padding"),
                           ("stride", "Stride"), ("dilation", "Dilation")],
        }
        titles = {"layer": "1-D layer", "matrix": "Weight matrices", "stack": "Layer stack",
                  "arithmetic": "Convolution arithmetic"}
        for group_key, group_rows in rows.items():
            group = QGroupBox(titles[group_key])
            form = QFormLayout(group)
            widgets = self._w["layer" if group_key == "matrix" else group_key]
            for name, label in group_rows:
                form.addRow(label, self.outputs_spin if name == "outputs" else widgets[name])
            if group_key == "layer":
                form.addRow(self.layer_note)
            self.groups[group_key] = group
            outer.addWidget(group)
        outer.addStretch(1)

    def show_groups(self, keys) -> None:
        """Show only the group boxes named in `keys`."""
        for key, group in self.groups.items():
            group.setVisible(key in keys)

    def _show(self, key, value) -> None:
        """Write a parameter value into its widgets (and n's range and value) without echo."""
        for f in fields(value):
            show_value(self._w[key][f.name], getattr(value, f.name))
        if key == "layer":
            lowest = replace(value, inputs=1).outputs
            highest = replace(value, inputs=MAX_INPUTS).outputs
            self.outputs_spin.blockSignals(True)
            self.outputs_spin.setRange(lowest, highest)
            self.outputs_spin.setValue(value.outputs)
            self.outputs_spin.blockSignals(False)

    def _commit(self, key, value) -> None:
        self._values[key] = value
        self._show(key, value)
        self._signals[key].emit(value)

    def _on_widget_changed(self, key) -> None:
        kind = type(self._values[key])
        value = kind(**{name: widget_value(w) for name, w in self._w[key].items()})
        if value != self._values[key]:
            self._commit(key, value)

    def _on_outputs_edited(self, outputs: int) -> None:
        """n was typed: choose the fewest inputs that give n outputs (n follows from m, k and padding)."""
        layer = self._values["layer"]
        value = replace(layer, inputs=smallest_inputs_for(outputs, layer))
        if value != layer:
            self._commit("layer", value)
        else:
            self._show("layer", value)

    def value(self, key):
        """The current LayerParams ("layer"), StackParams ("stack") or ArithmeticParams ("arithmetic")."""
        return self._values[key]

    def set_value(self, key, value) -> None:
        """Show a parameter value in the widgets without emitting a change."""
        self._values[key] = value
        self._show(key, value)

    def change(self, key, **changes) -> None:
        """Change some parameters as a user would (emits the group's signal)."""
        self._commit(key, replace(self._values[key], **changes))

    def set_layer_note(self, text: str) -> None:
        """Show (or clear) a warning under the 1-D layer controls."""
        self.layer_note.setText(text)
        self.layer_note.setVisible(bool(text))
