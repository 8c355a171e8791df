"""Controls of the connectivity panel: one settings form per group (the 1-D layer, the layer stack, the
convolution-arithmetic grid), built from the declarations in ``convlab.lab``, plus the number of outputs n."""
from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from convlab.lab.connectivity import LayerSettings, outputs_range, smallest_inputs_for
from convlab.lab.conv_arithmetic import ArithmeticSettings
from convlab.lab.layer_stack import StackSettings
from convlab.ui.theme import ERROR_COLOUR, THEMED, theme
from convlab.ui.widgets.settings_form import SettingsForm

# (group key, form key, title, fields): the "matrix" group holds the layer's tiling period.
GROUPS = (("layer", "layer", "1-D layer", ("inputs", "kernel", "stride", "dilation", "padding")),
          ("matrix", "layer", "Weight matrices", ("period",)),
          ("stack", "stack", "Layer stack", ("depth", "kernel", "stride", "dilation", "pool")),
          ("arithmetic", "arithmetic", "Convolution arithmetic", ("size", "kernel", "padding", "stride", "dilation")))
SETTINGS = {"layer": LayerSettings, "stack": StackSettings, "arithmetic": ArithmeticSettings}


class ConnectivityControls(QWidget):
    """Group boxes for the 1-D layer, the matrix view, the layer stack and the arithmetic grid.

    ``forms[key]`` is the SettingsForm of "layer", "stack" or "arithmetic"; ``groups[key]`` the group
    box of "layer", "matrix", "stack" or "arithmetic". Typing a number of outputs n picks the fewest
    inputs m that give it (n follows from m, k, stride, dilation and padding).
    """

    changed = Signal(str, object)  # the form's key and its new settings, on a real change only

    def __init__(self, parent=None):
        super().__init__(parent)
        self.forms = {key: SettingsForm(cls(), sections=[(title, fields) for _, form, title, fields in GROUPS
                                                          if form == key])
                      for key, cls in SETTINGS.items()}
        self.groups = {key: self.forms[form].groups[title] for key, form, title, _ in GROUPS}
        self.outputs_spin = QSpinBox()
        self.groups["layer"].layout().insertRow(1, "Outputs n", self.outputs_spin)
        self.layer_note = QLabel()
        self.layer_note.setWordWrap(True)
        theme().label(self.layer_note, "body", bold=True, colour=ERROR_COLOUR)
        self.forms["layer"].add_row("1-D layer", self.layer_note)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        for key, form in self.forms.items():
            outer.addWidget(form)
            form.changed.connect(partial(self._on_form_changed, key))
        outer.addStretch(1)
        for combo in self.findChildren(QComboBox):  # a popup takes its combo's font, which follows the panel's
            combo.view().parentWidget().setProperty(THEMED, True)
        self.outputs_spin.valueChanged.connect(self._on_outputs_edited)
        self._show_outputs(self.value("layer"))

    def value(self, key: str):
        """The settings of the form ``key`` ("layer", "stack" or "arithmetic")."""
        return self.forms[key].settings()

    def show(self, key: str, settings) -> None:
        """Show settings in the form ``key`` (and n for the layer) without emitting ``changed``."""
        self.forms[key].set_settings(settings)
        if key == "layer":
            self._show_outputs(self.value("layer"))

    def change(self, key: str, **changes) -> None:
        """Change some fields of the form ``key`` as a user would (emits ``changed`` on a real change)."""
        self.forms[key].change(**changes)

    def show_groups(self, keys) -> None:
        """Show only the group boxes named in `keys` (a form without a visible group takes no room)."""
        for key, group in self.groups.items():
            group.setVisible(key in keys)
        for key, form in self.forms.items():
            form.setVisible(any(g in keys for g, f, _, _ in GROUPS if f == key))

    def least_width(self, natural: bool = False) -> int:
        """The least width that shows every group unclipped (whichever are visible now); ``natural``:
        the width at which every group has its preferred size."""
        margins = self.layout().contentsMargins()
        widest = max((group.sizeHint() if natural else group.minimumSizeHint()).width()
                     for group in self.groups.values())
        return widest + margins.left() + margins.right()

    def set_layer_note(self, text: str) -> None:
        """Show (or clear) a warning under the 1-D layer controls."""
        self.layer_note.setText(text)
        self.layer_note.setVisible(bool(text))

    def _show_outputs(self, layer: LayerSettings) -> None:
        """N's range and value for these layer settings, without echo."""
        self.outputs_spin.blockSignals(True)
        self.outputs_spin.setRange(*outputs_range(layer))
        self.outputs_spin.setValue(layer.outputs)
        self.outputs_spin.blockSignals(False)

    def _on_form_changed(self, key: str, settings) -> None:
        if key == "layer":
            self._show_outputs(settings)
        self.changed.emit(key, settings)

    def _on_outputs_edited(self, outputs: int) -> None:
        """N was typed: choose the fewest inputs that give n outputs."""
        layer = self.value("layer")
        inputs = smallest_inputs_for(outputs, layer)
        if inputs != layer.inputs:
            self.change("layer", inputs=inputs)
        else:
            self._show_outputs(layer)
