"""What a lesson file may hold for a panel, read from the panel's own widgets (their ranges and choices)."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QComboBox, QDoubleSpinBox, QSpinBox

from convlab.io.lesson_fields import check_fields, choice, flag, integer, number


def widget_checker(widget):
    """A lesson-field checker accepting exactly the values `widget` can show (combo data, spin range...)."""
    if isinstance(widget, QComboBox):
        values = []
        for i in range(widget.count()):
            data = widget.itemData(i)
            values.append(widget.itemText(i) if data is None else data)
        return choice(values)
    if isinstance(widget, QSpinBox):
        return integer(widget.minimum(), widget.maximum())
    if isinstance(widget, QDoubleSpinBox):
        return number(widget.minimum(), widget.maximum())
    if isinstance(widget, QAbstractButton):
        return flag()
    if hasattr(widget, "slider") and hasattr(widget, "scale"):  # a ScaledSlider
        return number(widget.slider.minimum() / widget.scale, widget.slider.maximum() / widget.scale)
    raise TypeError(f"widget must be a combo box, spin box, check box or scaled slider; got {type(widget).__name__}")


def check_section(state, widgets: dict, where: str, extra=None) -> tuple[dict, list]:
    """Check `state` against the widgets bound to each field (plus `extra` checkers); see check_fields."""
    checkers = {name: widget_checker(w) for name, w in widgets.items()}
    checkers.update(extra or {})
    return check_fields(state, checkers, where)


def refused(where: str, exc: Exception) -> list[str]:
    """The warning for a section that was not applied at all."""
    return [f"{where}: {str(exc).rstrip('.')}. None of this panel's settings from the lesson were applied."]
