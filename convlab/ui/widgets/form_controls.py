"""The controls the settings form is built from, beyond Qt's own: a slider with its value written
beside (or under) it, radio buttons for a choice, a number typed as text, the red error note, and a
form layout that re-measures word-wrapped rows."""
from __future__ import annotations

import math

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from convlab.lab.numbers import format_value
from convlab.ui.theme import ERROR_COLOUR, theme

__all__ = ["FormLayout", "NumberEdit", "RadioChoice", "ScaledSlider", "error_label", "number_words"]


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

    def __init__(self, low: float, high: float, scale: int, digits: int, unit: str = "", below: bool = False,
                 signed: bool = False):
        super().__init__()
        self.scale, self.digits, self.unit, self.below = scale, digits, unit, below
        self.sign = "+" if signed else ""
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
        text = f"{self.value():{self.sign}.{self.digits}f}"
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
        """The number typed; ValueError saying what is allowed and what was typed."""
        text = self.text().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or (self.meta.nonzero and value == 0) \
                or not self.meta.low <= value <= self.meta.high:
            raise ValueError(f"{self.name} must be {number_words(self.meta)}; got {self.text().strip()!r}")
        return value

    def set_value(self, value: float) -> None:
        """Show ``value`` with the field's decimals (text that already reads as ``value`` stays as typed)."""
        try:
            if self.value() == value:
                return
        except ValueError:
            pass
        self.setText(format_value(value, self.meta.decimals))


def number_words(meta) -> str:
    """What a typed number may be, in words: "a number > 0", "a number from -100 to 100, not 0"."""
    not_zero = ", not 0" if meta.nonzero else ""
    if meta.low <= -1e30 and meta.high >= 1e30:
        return "a non-zero number" if meta.nonzero else "a number"
    if meta.high >= 1e30:
        return f"a number > {meta.low:g}" if meta.nonzero and meta.low == 0 else f"a number >= {meta.low:g}{not_zero}"
    return f"a number from {meta.low:g} to {meta.high:g}{not_zero}"


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
