"""One control per field of a settings dataclass, built from the fields' declarations.

``SettingsForm(settings, sections)`` builds a check box, spin box, slider or combo box for each
declared field (see ``convlab.lab.settings``), laid out in titled groups. It emits ``changed`` with
the new frozen settings on a real change only, shows settings without echo (``set_settings``), and
greys out the fields the settings call inactive. Panels add their other widgets (buttons, lists)
to a group with ``add_row``.

Hints choose another control for a field: ``"slider"`` (value beside it), ``"signed slider"`` (its
read-out shows the sign, ``+1 px``), ``"slider below"`` (value on its own row under it, written short:
0.2, not 0.20), ``"radio"`` (one radio button per choice, one under the other), ``"text"`` (a number
typed in a line edit), ``"indented"`` (a check box in the field column, under the other fields,
rather than across the row) and ``"choices"`` (a text field chosen in a combo box whose items the
panel offers at run time with ``set_choices``, e.g. the names of the kernels in the bank). A text
field (a str without choices) gets a line edit. Typed values are read when editing ends; a bad one
is refused with a red note under its group, the control shows the last valid value again, and
``refused`` says why. Panels add their own widgets with ``add_row`` (at the end of a group, above or
below a field) or ``beside`` (in a field's row).

A settings class may define ``changed_from(previous)``: the settings a user's change leads to (e.g.
moving a Gabor slider picks the Gabor preset); the form applies it to every change it emits.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from convlab.lab.settings import checkers, setting_fields, settled
from convlab.ui.widgets.form_controls import (
    FormLayout,
    NumberEdit,
    RadioChoice,
    ScaledSlider,
    error_label,
)

__all__ = ["FormLayout", "NumberEdit", "RadioChoice", "ScaledSlider", "SettingsForm", "control_for", "error_label"]


def control_for(meta, default, hint: str | None = None, name: str = "") -> QWidget:
    """The control for one field: a combo for choices, a check box for a flag, a spin box (or a
    slider with ``hint="slider"``) for a number; other hints as in the module's description."""
    if hint == "radio":
        widget = RadioChoice(meta)
    elif hint == "text":
        widget = NumberEdit(meta.label or name, meta)
    elif hint == "choices":
        widget = QComboBox()
    elif meta.choices is not None:
        box = QComboBox()
        for value in meta.choices:
            box.addItem(meta.shown(value), value)
        widget = box
    elif isinstance(default, bool):
        widget = QCheckBox(meta.label)
    elif isinstance(default, str):
        widget = QLineEdit()
    elif hint in ("slider", "slider below", "signed slider"):
        step = meta.step or (1 if isinstance(default, int) else 0.01)
        digits = 0 if isinstance(default, int) else meta.decimals
        widget = ScaledSlider(meta.low, meta.high, max(1, round(1 / step)), digits, meta.suffix,
                              below=hint == "slider below", signed=hint == "signed slider")
    elif isinstance(default, int):
        widget = QSpinBox()
        widget.setRange(int(meta.low), int(meta.high))
        widget.setSingleStep(int(meta.step or 1))
    else:
        widget = QDoubleSpinBox()
        widget.setDecimals(meta.decimals)
        widget.setRange(meta.low, meta.high)
        widget.setSingleStep(meta.step or 0.1)
    if meta.suffix and isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        widget.setSuffix(meta.suffix)
    if meta.tooltip:
        widget.setToolTip(meta.tooltip)
    return widget


def _read(widget, default):
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, (RadioChoice, NumberEdit)):
        return widget.value()
    if isinstance(widget, QLineEdit):
        return widget.text().strip()
    value = widget.value()
    return int(round(value)) if isinstance(default, int) and not isinstance(default, bool) else float(value)


def _show(widget, value) -> None:
    widget.blockSignals(True)
    try:
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, (ScaledSlider, RadioChoice, NumberEdit)):
            widget.set_value(value)
        elif isinstance(widget, QLineEdit):
            widget.setText(value)
        else:
            widget.setValue(value)
    finally:
        widget.blockSignals(False)


def _change_signal(widget):
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    if isinstance(widget, (ScaledSlider, RadioChoice)):
        return widget.value_changed
    if isinstance(widget, QLineEdit):  # typed numbers and text
        return widget.editingFinished
    return widget.valueChanged


class SettingsForm(QWidget):
    """Controls for a settings dataclass, in titled groups.

    Parameters
    ----------
    settings : dataclass instance
        The initial settings (their class declares the fields).
    sections : sequence of (title, field names), optional
        The groups, top to bottom; fields not named go to a last untitled group. A title of ""
        makes a group without a frame title; a title of None makes no group: its fields' controls
        are made, and the panel places them itself (e.g. in a grid of buttons added with add_row).
    hints : dict, optional
        ``{field name: hint}`` for another control than the default (see the module's description).
    """

    changed = Signal(object)  # the new settings, on a real change only
    refused = Signal(str)  # why a typed value was not taken (the last valid one stays in use)

    def __init__(self, settings, sections=(), hints=None, parent=None):
        super().__init__(parent)
        self._settings = settled(settings)
        self._defaults = {name: default for name, _, default in setting_fields(settings)}
        self._metas = metas = {name: meta for name, meta, _ in setting_fields(settings)}
        self._checks = checkers(settings)
        hints = hints or {}
        self.widgets = {name: control_for(meta, self._defaults[name], hints.get(name), name)
                        for name, meta in metas.items()}
        self.groups: dict[str, QGroupBox] = {}
        self._forms: dict[str, FormLayout] = {}
        self._errors: dict[str, QLabel] = {}  # under each group with a typed number: {field: its note}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        named = [n for _, names in sections for n in names]
        rest = [n for n in metas if n not in named]
        for title, names in list(sections) + ([("", rest)] if rest else []):
            if title is None:
                continue
            group = QGroupBox(title)
            form = FormLayout(group)
            for name in names:
                self._add_field(form, metas[name], self.widgets[name], hints.get(name))
            if any(isinstance(self.widgets[n], QLineEdit) for n in names):
                note = error_label()
                form.addRow(note)
                self._errors.update({n: note for n in names})
            self.groups[title], self._forms[title] = group, form
            layout.addWidget(group)
        for widget in self.widgets.values():
            _change_signal(widget).connect(self._on_widget_changed)
        self.set_settings(self._settings)

    @staticmethod
    def _add_field(form: FormLayout, meta, widget, hint) -> None:
        if hint == "indented":
            form.addRow("", widget)
        elif isinstance(widget, (QCheckBox, RadioChoice)) or not meta.label:
            form.addRow(widget)
        else:
            form.addRow(meta.label, widget)
        if isinstance(widget, ScaledSlider) and widget.below:
            form.addRow("", widget.readout)

    def settings(self):
        """The settings the controls show."""
        return self._settings

    def widget(self, name: str) -> QWidget:
        """The control of field ``name``."""
        return self.widgets[name]

    def add_row(self, title: str, widget, label: str | None = None, before: str | None = None,
                after: str | None = None) -> None:
        """Add a panel's own widget (or layout) to the group ``title``, with an optional row label: at
        the end, above the row of field ``before`` or right below the row of field ``after``."""
        form = self._forms[title]
        row = -1
        if before is not None:
            row = form.getWidgetPosition(self._row_widget(before))[0]
        elif after is not None:
            row = form.getWidgetPosition(self._row_widget(after))[0] + 1
        if label is None:
            form.insertRow(row, widget)
        else:
            form.insertRow(row, label, widget)

    def beside(self, name: str, *widgets) -> QWidget:
        """Put ``widgets`` (e.g. a Browse… button) to the right of field ``name``'s control, in its row.

        Returns the row's new holder widget (hide it to hide the row's controls)."""
        control = self.widgets[name]
        form = control.parentWidget().layout()
        row, role = form.getWidgetPosition(control)
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        form.removeWidget(control)
        for widget in (control,) + widgets:
            line.addWidget(widget)
        form.setWidget(row, role, holder)
        return holder

    def _row_widget(self, name: str) -> QWidget:
        """The widget that holds field ``name``'s control in its form (the control, or its holder)."""
        widget = self.widgets[name]
        while not isinstance(widget.parentWidget(), QGroupBox):
            widget = widget.parentWidget()
        return widget

    def set_choices(self, name: str, values, labels=None) -> None:
        """Offer ``values`` (shown as ``labels[value]``, default ``str(value)``) in the combo box of a
        field declared with the ``"choices"`` hint; shows the current value again, without echo.
        The settings are not changed: choosing a value from the new ones is the panel's decision."""
        box = self.widgets[name]
        box.blockSignals(True)
        try:
            box.clear()
            for value in values:
                box.addItem((labels or {}).get(value, str(value)), value)
        finally:
            box.blockSignals(False)
        _show(box, getattr(self._settings, name))

    def set_settings(self, settings) -> None:
        """Show ``settings`` without emitting ``changed`` (no echo); clears a refusal's note."""
        self._show_refusal("")
        self._settings = settled(settings)
        for name, widget in self.widgets.items():
            _show(widget, getattr(self._settings, name))
        inactive = getattr(self._settings, "inactive", None)
        off = set(inactive()) if callable(inactive) else set()
        for name, widget in self.widgets.items():
            widget.setEnabled(name not in off)

    def change(self, **changes) -> None:
        """Change some fields as a user would: shows them and emits ``changed`` if anything changed."""
        self._apply(dataclasses.replace(self._settings, **changes))

    def error_note(self, name: str) -> QLabel:
        """The red note under the group of typed field ``name`` (hidden while nothing is refused)."""
        return self._errors[name]

    def refusal(self) -> str:
        """The note on the last refused value ("" when none is shown)."""
        return next((n.text() for n in self._errors.values() if not n.isHidden()), "")

    def _on_widget_changed(self, *_args) -> None:
        values = {}
        for name, widget in self.widgets.items():
            try:
                values[name] = self._value(name, widget)
            except ValueError as exc:  # a typed value that is not allowed
                note = f"{str(exc).rstrip('.')}; the last valid value stays in use."
                self.set_settings(self._settings)  # the controls show the last valid values again
                self._show_refusal(note, name)
                self.refused.emit(note)
                return
        values = {name: value for name, value in values.items() if value is not None}  # an empty "choices" box
        self._apply(dataclasses.replace(self._settings, **values))

    def _value(self, name: str, widget):
        value = _read(widget, self._defaults[name])
        if isinstance(widget, QLineEdit) and not isinstance(widget, NumberEdit):  # text: length, etc.
            return self._checks[name](value, self._metas[name].label or name)
        return value

    def _show_refusal(self, note: str, name: str | None = None) -> None:
        for label in self._errors.values():
            label.setText("")
            label.setVisible(False)
        if name is not None:
            self._errors[name].setText(note)
            self._errors[name].setVisible(True)

    def _apply(self, settings) -> None:
        settings = settled(settings)
        follow = getattr(settings, "changed_from", None)
        settings = settled(follow(self._settings)) if callable(follow) else settings
        changed = settings != self._settings
        self.set_settings(settings)
        if changed:
            self.changed.emit(settings)
