"""One control per field of a settings dataclass, built from the fields' declarations.

``SettingsForm(settings, sections)`` builds a check box, spin box, slider or combo box for each
declared field (see ``convlab.lab.settings``), laid out in titled groups. It emits ``changed`` with
the new frozen settings on a real change only, shows settings without echo (``set_settings``), and
greys out the fields the settings call inactive. Panels add their other widgets (buttons, lists)
to a group with ``add_row``.

Hints choose another control for a field: ``"slider"`` (value beside it), ``"slider below"`` (value
on its own row under it, written short: 0.2, not 0.20), ``"radio"`` (one radio button per choice, one
under the other), ``"text"`` (a number typed in a line edit, checked when editing ends; a bad text is
refused with a red note under its group, and the last valid value stays in use) and ``"indent"`` (a
check box in the field column, under the other fields, rather than across the row).

A settings class may define ``changed_from(previous)``: the settings a user's change leads to (e.g.
moving a Gabor slider picks the Gabor preset); the form applies it to every change it emits.
"""
from __future__ import annotations

import dataclasses
import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from convlab.lab.numbers import format_value
from convlab.lab.settings import setting_fields, settled
from convlab.ui.theme import ERROR_COLOUR, theme

__all__ = ["NumberEdit", "RadioChoice", "ScaledSlider", "SettingsForm", "control_for", "error_label"]


def error_label() -> QLabel:
    """A hidden, word-wrapped, bold label in the one error colour, in the font around it."""
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    # a style sheet fixes the font a label had when it was set: set again after every scale change
    theme().follow(label, lambda: label.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;"))
    return label


class ScaledSlider(QWidget):
    """A horizontal slider for a number with a fixed resolution, with its value written beside it."""

    value_changed = Signal(float)

    def __init__(self, low: float, high: float, scale: int, digits: int, unit: str = "", below: bool = False):
        super().__init__()
        self.scale, self.digits, self.unit, self.below = scale, digits, unit, below
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(round(low * scale), round(high * scale))
        self.readout = QLabel()  # with `below`, the form puts it on the row under the slider
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        if below:  # alone in its row: sized as the bare slider would be
            self.setSizePolicy(self.slider.sizePolicy())
        else:
            self.readout.setMinimumWidth(44)
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
        text = f"{self.value():.{self.digits}f}"
        if self.below and "." in text:
            text = text.rstrip("0").rstrip(".")
        self.readout.setText(text + self.unit)

    def _on_slider(self, _position) -> None:
        self._show()
        self.value_changed.emit(self.value())


class RadioChoice(QWidget):
    """One radio button per choice, one under the other."""

    value_changed = Signal(object)

    def __init__(self, meta):
        super().__init__()
        self.group = QButtonGroup(self)
        self.buttons = {value: QRadioButton(meta.shown(value)) for value in meta.choices}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in self.buttons.values():
            self.group.addButton(button)
            layout.addWidget(button)
        self.group.buttonToggled.connect(lambda _button, on: on and self.value_changed.emit(self.value()))

    def value(self):
        """The chosen value."""
        return next((v for v, b in self.buttons.items() if b.isChecked()), None)

    def set_value(self, value) -> None:
        """Check the button of ``value`` without emitting."""
        self.group.blockSignals(True)
        self.buttons[value].setChecked(True)
        self.group.blockSignals(False)


class NumberEdit(QLineEdit):
    """A number typed as text (a comma counts as a decimal point), read when editing ends."""

    def __init__(self, name: str, meta):
        super().__init__()
        self.name, self.meta = name, meta

    def value(self) -> float:
        """The number typed; ValueError saying what is wrong with the text."""
        text = self.text().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{self.name} must be a number, e.g. 1, 9 or 0.5; got {text!r}") from None
        if not math.isfinite(value) or (self.meta.nonzero and value == 0):
            raise ValueError(f"{self.name} must be a finite{' non-zero' if self.meta.nonzero else ''} number; "
                             f"got {text!r}")
        if not self.meta.low <= value <= self.meta.high:
            raise ValueError(f"{self.name} must be a number from {self.meta.low:g} to {self.meta.high:g}; "
                             f"got {text!r}")
        return value

    def set_value(self, value: float) -> None:
        """Show ``value`` with the field's decimals (text that already reads as ``value`` stays as typed)."""
        try:
            if self.value() == value:
                return
        except ValueError:
            pass
        self.setText(format_value(value, self.meta.decimals))


def control_for(meta, default, hint: str | None = None, name: str = "") -> QWidget:
    """The control for one field: a combo for choices, a check box for a flag, a spin box (or a
    slider with ``hint="slider"``) for a number; other hints as in the module's description."""
    if hint == "radio":
        widget = RadioChoice(meta)
    elif hint == "text":
        widget = NumberEdit(name, meta)
    elif meta.choices is not None:
        box = QComboBox()
        for value in meta.choices:
            box.addItem(meta.shown(value), value)
        widget = box
    elif isinstance(default, bool):
        widget = QCheckBox(meta.label)
    elif hint in ("slider", "slider below"):
        step = meta.step or (1 if isinstance(default, int) else 0.01)
        digits = 0 if isinstance(default, int) else meta.decimals
        widget = ScaledSlider(meta.low, meta.high, max(1, round(1 / step)), digits, meta.suffix, hint != "slider")
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
    if isinstance(widget, NumberEdit):
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
        metas = {name: meta for name, meta, _ in setting_fields(settings)}
        hints = hints or {}
        self.widgets = {name: control_for(meta, self._defaults[name], hints.get(name), name)
                        for name, meta in metas.items()}
        self.groups: dict[str, QGroupBox] = {}
        self._forms: dict[str, QFormLayout] = {}
        self._errors: dict[str, QLabel] = {}  # under each group with a typed number: {field: its note}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        named = [n for _, names in sections for n in names]
        rest = [n for n in metas if n not in named]
        for title, names in list(sections) + ([("", rest)] if rest else []):
            if title is None:
                continue
            group = QGroupBox(title)
            form = QFormLayout(group)
            for name in names:
                self._add_field(form, metas[name], self.widgets[name], hints.get(name))
            if any(isinstance(self.widgets[n], NumberEdit) for n in names):
                note = error_label()
                form.addRow(note)
                self._errors.update({n: note for n in names})
            self.groups[title], self._forms[title] = group, form
            layout.addWidget(group)
        for widget in self.widgets.values():
            _change_signal(widget).connect(self._on_widget_changed)
        self.set_settings(self._settings)

    @staticmethod
    def _add_field(form: QFormLayout, meta, widget, hint) -> None:
        if hint == "indent":
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

    def add_row(self, title: str, widget, label: str | None = None) -> None:
        """Add a panel's own widget (or layout) to the group ``title``, with an optional row label."""
        form = self._forms[title]
        if label is None:
            form.addRow(widget)
        else:
            form.addRow(label, widget)

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

    def refusal(self) -> str:
        """The note on the last refused value ("" when none is shown)."""
        return next((n.text() for n in self._errors.values() if not n.isHidden()), "")

    def _on_widget_changed(self, *_args) -> None:
        values = {}
        for name, widget in self.widgets.items():
            try:
                values[name] = _read(widget, self._defaults[name])
            except ValueError as exc:  # a typed number that is not one
                note = f"{exc}; the last valid value stays in use."
                self._show_refusal(note, name)
                self.refused.emit(note)
                return
        self._apply(dataclasses.replace(self._settings, **values))

    def _show_refusal(self, note: str, name: str | None = None) -> None:
        for label in self._errors.values():
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
