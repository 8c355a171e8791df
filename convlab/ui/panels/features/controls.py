"""The controls of the feature-maps panel, bound two ways to a FeatureParams value."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from convlab.engine.activation import ACTIVATIONS
from convlab.engine.kernel_banks import BANK_CHOICES, BANK_LABELS
from convlab.engine.conv import BOUNDARIES, MODES
from convlab.engine.pooling import POOL_KINDS
from convlab.ui.widgets.form import combo, show_value, spin, widget_value

STAGES = ("conv", "activated", "pooled")
STAGE_LABELS = {"conv": "after convolution", "activated": "after nonlinearity", "pooled": "after pooling"}


@dataclass(frozen=True)
class FeatureParams:
    """Everything that decides what the feature-maps panel computes and shows."""

    input_kind: str = "gray"
    mode: str = "same"
    boundary: str = "fill"
    stride: int = 1
    dilation: int = 1
    activation: str = "relu"
    pool_kind: str = "max"
    pool_size: int = 2
    pool_stride: int = 2
    stage: str = "pooled"
    per_map_scale: bool = True


@dataclass(frozen=True)
class BankRequest:
    """Which ready-made bank to build."""

    choice: str = "default"
    size: int = 3
    count: int = 16
    seed: int = 0


class FeatureControls(QWidget):
    """Bank, convolution, nonlinearity, pooling and display controls."""

    params_changed = Signal(object)  # FeatureParams
    bank_requested = Signal(object)  # BankRequest
    kernel_toggled = Signal(int, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._params = FeatureParams()
        self._bank = BankRequest()
        self._w = {
            "input_kind": combo(("gray", "color")),
            "mode": combo(MODES), "boundary": combo(BOUNDARIES),
            "stride": spin(1, 8, 1), "dilation": spin(1, 8, 1),
            "activation": combo(ACTIVATIONS),
            "pool_kind": combo(("none",) + tuple(POOL_KINDS)),
            "pool_size": spin(1, 8, 2), "pool_stride": spin(1, 8, 2),
            "stage": combo(STAGES, STAGE_LABELS),
            "per_map_scale": QCheckBox("one colour scale per map"),
        }
        self._b = {"choice": combo(BANK_CHOICES, BANK_LABELS), "size": spin(1, 15, 3),
                   "count": spin(1, 64, 16), "seed": spin(0, 99999, 0)}
        self.kernel_list = QListWidget()
        self.kernel_list.setMaximumHeight(170)
        self.kernel_list.itemChanged.connect(self._on_item_changed)
        self.freeze_button = QPushButton("Freeze (Space)")
        self.freeze_button.setCheckable(True)
        self.step_button = QPushButton("Step (N)")
        self.export_grid_button = QPushButton("Export grid…")
        self.export_map_button = QPushButton("Export map…")
        self._layout()
        self._connect()
        self.set_params(self._params)

    def _layout(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        sections = (
            ("Kernel bank", self._b, ("choice", "Bank"), ("size", "Kernel size"), ("count", "Random kernels"),
             ("seed", "Random seed")),
            ("Convolution", self._w, ("input_kind", "Input"), ("mode", "Padding mode"), ("boundary", "Boundary"),
             ("stride", "Stride"), ("dilation", "Dilation")),
            ("Nonlinearity and pooling", self._w, ("activation", "Activation"), ("pool_kind", "Pooling"),
             ("pool_size", "Pool size"), ("pool_stride", "Pool stride")),
            ("Display", self._w, ("stage", "Show maps"), ("per_map_scale", "")),
        )
        for title, widgets, *rows in sections:
            group = QGroupBox(title)
            form = QFormLayout(group)
            for key, label in rows:
                form.addRow(label, widgets[key])
            if title == "Kernel bank":
                form.addRow(self.kernel_list)
            outer.addWidget(group)
        row = QHBoxLayout()
        row.addWidget(self.freeze_button)
        row.addWidget(self.step_button)
        outer.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.export_grid_button)
        row.addWidget(self.export_map_button)
        outer.addLayout(row)
        outer.addStretch(1)

    def _connect(self) -> None:
        for w in list(self._w.values()) + list(self._b.values()):
            sig = getattr(w, "currentIndexChanged", None) or getattr(w, "valueChanged", None) or w.toggled
            sig.connect(self._on_widget_changed)

    def _on_widget_changed(self, *_args) -> None:
        params = FeatureParams(**{k: widget_value(w) for k, w in self._w.items()})
        bank = BankRequest(**{k: widget_value(w) for k, w in self._b.items()})
        self._sync_enabled(params, bank)
        if bank != self._bank:
            self._bank = bank
            self.bank_requested.emit(bank)
        if params != self._params:
            self._params = params
            self.params_changed.emit(params)

    def _sync_enabled(self, params: FeatureParams, bank: BankRequest) -> None:
        pooling = params.pool_kind != "none"
        self._w["pool_size"].setEnabled(pooling)
        self._w["pool_stride"].setEnabled(pooling)
        self._b["count"].setEnabled(bank.choice == "random")
        self._b["seed"].setEnabled(bank.choice == "random")

    def params(self) -> FeatureParams:
        """The current parameters."""
        return self._params

    def bank_request(self) -> BankRequest:
        """The current bank choice."""
        return self._bank

    def set_params(self, params: FeatureParams) -> None:
        """Show ``params`` in the widgets without echoing a change."""
        self._params = params
        for f in fields(params):
            show_value(self._w[f.name], getattr(params, f.name))
        self._sync_enabled(params, self._bank)

    def set_bank_request(self, bank: BankRequest) -> None:
        """Show a bank choice in the widgets without echoing a change."""
        self._bank = bank
        for f in fields(bank):
            show_value(self._b[f.name], getattr(bank, f.name))
        self._sync_enabled(self._params, bank)

    def change(self, **changes) -> None:
        """Change some parameters as a user would (emits params_changed)."""
        self.set_params(replace(self._params, **changes))
        self.params_changed.emit(self._params)

    def set_kernel_list(self, entries) -> None:
        """Show the bank's kernels with a check box each."""
        self.kernel_list.blockSignals(True)
        self.kernel_list.clear()
        for e in entries:
            item = QListWidgetItem(f"{e.name}  ({'×'.join(map(str, e.kernel.shape))})")
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if e.enabled else Qt.Unchecked)
            self.kernel_list.addItem(item)
        self.kernel_list.blockSignals(False)

    def _on_item_changed(self, item) -> None:
        self.kernel_toggled.emit(self.kernel_list.row(item), item.checkState() == Qt.Checked)
