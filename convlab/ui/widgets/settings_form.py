"""One control per field of a settings dataclass, built from the fields' declarations.

``SettingsForm(settings, sections)`` builds a check box, spin box, slider or combo box for each
declared field (see ``convlab.lab.settings``), laid out in titled groups. It emits ``changed`` with
the new frozen settings on a real change only, shows settings without echo (``set_settings``), and
greys out the fields the settings call inactive. Panels add their other widgets (buttons, lists)
to a group with ``add_row``.

Hints change how one field is shown: ``"slider"`` (a slider instead of a spin box), ``"signed slider"``
(its read-out shows the sign, ``+1 px``), ``"indented"`` (a check box in the field column, not across
the row) and ``"choices"`` (a text field chosen in a combo box whose items the panel offers at run
time with ``set_choices``, e.g. the names of the kernels in the bank).
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QSlider, QSpinBox, QVBoxLayout, QWidget)

from convlab.lab.settings import setting_fields, settled

__all__ = ["ScaledSlider", "SettingsForm", "control_for"]


class ScaledSlider(QWidget):
    """A horizontal slider for a number with a fixed resolution, with its value written beside it."""

    value_changed = Signal(float)

    def __init__(self, low: float, high: float, scale: int, digits: int, unit: str = "", signed: bool = False):
        super().__init__()
        self.scale, self.digits, self.unit = scale, digits, unit
        self.sign = "+" if signed else ""
        self.slider = QSlider(Qt.Orientation.Horizontal)
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
        self.readout.setText(f"{self.value():{self.sign}.{self.digits}f}{self.unit}")

    def _on_slider(self, _position) -> None:
        self._show()
        self.value_changed.emit(self.value())


def control_for(meta, default, hint: str | None = None) -> QWidget:
    """The control for one field: a combo for choices, a check box for a flag, a spin box (or a
    slider with ``hint="slider"`` or ``"signed slider"``) for a number; ``hint="choices"`` gives an
    empty combo box for choices offered at run time."""
    if hint == "choices":
        widget = QComboBox()
    elif meta.choices is not None:
        box = QComboBox()
        for value in meta.choices:
            box.addItem(meta.shown(value), value)
        widget = box
    elif isinstance(default, bool):
        widget = QCheckBox(meta.label)
    elif hint in ("slider", "signed slider"):
        step = meta.step or (1 if isinstance(default, int) else 0.01)
        digits = 0 if isinstance(default, int) else meta.decimals
        widget = ScaledSlider(meta.low, meta.high, max(1, round(1 / step)), digits, meta.suffix,
                              signed=hint == "signed slider")
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
    value = widget.value()
    return int(round(value)) if isinstance(default, int) and not isinstance(default, bool) else float(value)


def _show(widget, value) -> None:
    widget.blockSignals(True)
    try:
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, ScaledSlider):
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
    if isinstance(widget, ScaledSlider):
        return widget.value_changed
    return widget.valueChanged


class SettingsForm(QWidget):
    """Controls for a settings dataclass, in titled groups.

    Parameters
    ----------
    settings : dataclass instance
        The initial settings (their class declares the fields).
    sections : sequence of (title, field names), optional
        The groups, top to bottom; fields not named go to a last untitled group. A title of ""
        makes a group without a frame title.
    hints : dict, optional
        ``{field name: hint}``: ``"slider"`` or ``"signed slider"`` for a slider instead of a spin box,
        ``"indented"`` for a check box in the field column, ``"choices"`` for choices offered later
        with :meth:`set_choices`.
    """

    changed = Signal(object)  # the new settings, on a real change only

    def __init__(self, settings, sections=(), hints=None, parent=None):
        super().__init__(parent)
        self._settings = settled(settings)
        self._defaults = {name: default for name, _, default in setting_fields(settings)}
        metas = {name: meta for name, meta, _ in setting_fields(settings)}
        hints = hints or {}
        self.widgets = {name: control_for(meta, self._defaults[name], hints.get(name)) for name, meta in metas.items()}
        self.groups: dict[str, QGroupBox] = {}
        self._forms: dict[str, QFormLayout] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        named = [n for _, names in sections for n in names]
        rest = [n for n in metas if n not in named]
        for title, names in list(sections) + ([("", rest)] if rest else []):
            group = QGroupBox(title)
            form = QFormLayout(group)
            for name in names:
                meta, widget = metas[name], self.widgets[name]
                if hints.get(name) == "indented":
                    form.addRow("", widget)
                elif isinstance(widget, QCheckBox) or not meta.label:
                    form.addRow(widget)
                else:
                    form.addRow(meta.label, widget)
            self.groups[title], self._forms[title] = group, form
            layout.addWidget(group)
        for widget in self.widgets.values():
            _change_signal(widget).connect(self._on_widget_changed)
        self.set_settings(self._settings)

    def settings(self):
        """The settings the controls show."""
        return self._settings

    def widget(self, name: str) -> QWidget:
        """The control of field ``name``."""
        return self.widgets[name]

    def add_row(self, title: str, widget, label: str | None = None, after: str | None = None) -> None:
        """Add a panel's own widget (or layout) to the group ``title``, with an optional row label;
        at the end of the group, or right below the row of field ``after``."""
        form = self._forms[title]
        row = form.rowCount() if after is None else form.getWidgetPosition(self.widgets[after])[0] + 1
        if label is None:
            form.insertRow(row, widget)
        else:
            form.insertRow(row, label, widget)

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
        """Show ``settings`` without emitting ``changed`` (no echo)."""
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

    def _on_widget_changed(self, *_args) -> None:
        values = {name: _read(widget, self._defaults[name]) for name, widget in self.widgets.items()}
        values = {name: value for name, value in values.items() if value is not None}  # an empty "choices" combo
        self._apply(dataclasses.replace(self._settings, **values))

    def _apply(self, settings) -> None:
        settings = settled(settings)
        changed = settings != self._settings
        self.set_settings(settings)
        if changed:
            self.changed.emit(settings)
