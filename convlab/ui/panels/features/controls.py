"""The controls of the feature-maps panel: two forms built from the settings (the bank to build, and the
block's FeatureParams), the bank's kernel list with a check box each, and the action buttons."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from convlab.lab.features import BankRequest, FeatureParams
from convlab.ui.widgets.settings_form import SettingsForm

BANK_GROUP = "Kernel bank"
PARAM_GROUPS = (("Convolution", ("input_kind", "mode", "boundary", "stride", "dilation")),
                ("Nonlinearity and pooling", ("activation", "pool_kind", "pool_size", "pool_stride")),
                ("Display", ("stage", "per_map_scale")))


class FeatureControls(QWidget):
    """Bank, convolution, nonlinearity, pooling and display controls.

    ``bank_form.changed`` carries a new BankRequest, ``params_form.changed`` new FeatureParams.
    """

    kernel_toggled = Signal(int, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bank_form = SettingsForm(BankRequest(), sections=((BANK_GROUP, ("choice", "size", "count", "seed")),))
        self.params_form = SettingsForm(FeatureParams(), sections=PARAM_GROUPS, hints={"per_map_scale": "indented"})
        self.kernel_list = QListWidget()
        self.kernel_list.setMaximumHeight(170)
        self.kernel_list.itemChanged.connect(self._on_item_changed)
        self.bank_form.add_row(BANK_GROUP, self.kernel_list)
        self.freeze_button = QPushButton("Freeze (Space)")
        self.freeze_button.setCheckable(True)
        self.step_button = QPushButton("Step (N)")
        self.export_grid_button = QPushButton("Export grid…")
        self.export_map_button = QPushButton("Export map…")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.bank_form)
        outer.addWidget(self.params_form)
        for pair in ((self.freeze_button, self.step_button), (self.export_grid_button, self.export_map_button)):
            row = QHBoxLayout()
            for button in pair:
                row.addWidget(button)
            outer.addLayout(row)
        outer.addStretch(1)

    def params(self) -> FeatureParams:
        """The block's settings the controls show."""
        return self.params_form.settings()

    def bank_request(self) -> BankRequest:
        """The bank choice the controls show."""
        return self.bank_form.settings()

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
