"""One control per field of a settings dataclass, built from the fields' declarations.

``SettingsForm(settings, sections)`` builds a check box, spin box, slider or combo box for each
declared field (see ``convlab.lab.settings``), laid out in titled groups. It emits ``changed`` with
the new frozen settings on a real change only, shows settings without echo (``set_settings``), and
greys out the fields the settings call inactive. Panels add their other widgets (buttons, lists)
to a group with ``add_row`` or beside a field's control with ``beside``.

Hints change how one field is shown: ``"slider"`` (a slider instead of a spin box), ``"signed slider"``
(its read-out shows the sign, ``+1 px``), ``"indented"`` (a check box in the field column, not across
the row), ``"choices"`` (a text field chosen in a combo box whose items the panel offers at run time
with ``set_choices``, e.g. the names of the kernels in the bank) and ``"text"`` (a number typed in a
line edit). A text field (str without choices) gets a line edit. Typed values are committed on Enter
or on leaving the field; a bad one puts the last good value back and emits ``invalid`` with a
sentence saying what is allowed.
"""
from __future__ import annotations

import dataclasses
import math

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from convlab.lab.settings import checkers, setting_fields, settled

__all__ = ["FormLayout", "ScaledSlider", "SettingsForm", "control_for"]


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
    slider with ``hint="slider"`` or ``"signed slider"``, a line edit with ``hint="text"``) for a number,
    a line edit for text; ``hint="choices"`` gives an empty combo box for choices offered at run time."""
    if hint == "choices":
        widget = QComboBox()
    elif meta.choices is not None:
        box = QComboBox()
        for value in meta.choices:
            box.addItem(meta.shown(value), value)
        widget = box
    elif isinstance(default, bool):
        widget = QCheckBox(meta.label)
    elif isinstance(default, str) or hint == "text":
        widget = QLineEdit()
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


def _number_words(meta) -> str:
    """What a typed number may be, in words: "a number > 0", "a number from 1 to 8"."""
    if meta.high >= 1e30:
        return f"a number > {meta.low:g}" if meta.nonzero and meta.low == 0 else f"a number >= {meta.low:g}"
    return f"a number from {meta.low:g} to {meta.high:g}" + (", not 0" if meta.nonzero else "")


def _read_text(widget: QLineEdit, meta, default, check):
    """The value typed into a line edit; ValueError with a sentence for the user when it is no good."""
    text = widget.text().strip()
    if isinstance(default, str):
        return check(text, meta.label)
    try:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError
        return check(int(value) if isinstance(default, int) and value.is_integer() else value, meta.label)
    except ValueError:
        raise ValueError(f"{meta.label} must be {_number_words(meta)}; got {widget.text()!r}") from None


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
        elif isinstance(widget, QLineEdit):
            widget.setText(value if isinstance(value, str) else f"{value:g}")
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
    if isinstance(widget, QLineEdit):
        return widget.editingFinished
    return widget.valueChanged


class FormLayout(QFormLayout):
    """A QFormLayout that measures its word-wrapped rows again at each new size.

    Qt's QFormLayout keeps one table of row heights for word-wrapped labels; when a parent asks for
    the height at another width (as nested widgets do), a later layout at the form's own width can
    reuse that table, squeezing the other rows. Dropping the cached sizes on a new geometry avoids it
    (one more layout pass per resize).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._laid_out = QRect()

    def setGeometry(self, rect) -> None:
        """Lay out in ``rect``, from fresh row heights when the rectangle changed."""
        if rect != self._laid_out:
            self._laid_out = QRect(rect)
            self.invalidate()
        super().setGeometry(rect)


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
        ``"text"`` for a number typed in a line edit, ``"indented"`` for a check box in the field column
        (under the other controls, not the labels), ``"choices"`` for choices offered later with
        :meth:`set_choices`.
    """

    changed = Signal(object)  # the new settings, on a real change only
    invalid = Signal(str)  # a typed value was refused (the control shows the last good value again)

    def __init__(self, settings, sections=(), hints=None, parent=None):
        super().__init__(parent)
        self._settings = settled(settings)
        self._defaults = {name: default for name, _, default in setting_fields(settings)}
        self._metas = metas = {name: meta for name, meta, _ in setting_fields(settings)}
        self._checks = checkers(settings)
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
            form = FormLayout(group)
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
        try:
            values = {name: self._value(name) for name in self.widgets}
            values = {name: value for name, value in values.items() if value is not None}  # an empty "choices" box
        except ValueError as exc:
            self.set_settings(self._settings)  # the last good values come back
            self.invalid.emit(str(exc))
            return
        self._apply(dataclasses.replace(self._settings, **values))

    def _value(self, name: str):
        widget, default = self.widgets[name], self._defaults[name]
        if isinstance(widget, QLineEdit):
            return _read_text(widget, self._metas[name], default, self._checks[name])
        return _read(widget, default)

    def _apply(self, settings) -> None:
        settings = settled(settings)
        changed = settings != self._settings
        self.set_settings(settings)
        if changed:
            self.changed.emit(settings)
