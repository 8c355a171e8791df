"""Small builders and two-way value access for the controls of every panel."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit, QSpinBox


def combo(values, labels=None) -> QComboBox:
    """A combo box whose items carry ``values`` as data, shown with ``labels[value]`` (default str(value))."""
    box = QComboBox()
    for value in values:
        box.addItem((labels or {}).get(value, str(value)), value)
    return box


def spin(lo: int, hi: int, value: int | None = None, step: int = 1) -> QSpinBox:
    """An integer spin box with a range, a value and a step."""
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    if value is not None:
        box.setValue(value)
    return box


def widget_value(widget):
    """The value a control shows: combo data, spin/slider value, line-edit text or check state."""
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, (QAbstractSpinBox, QAbstractSlider)) or hasattr(widget, "set_value"):
        return widget.value()
    return widget.isChecked()


def show_value(widget, value) -> None:
    """Put ``value`` into a control without emitting its change signals (no echo)."""
    widget.blockSignals(True)
    try:
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QLineEdit):
            widget.setText(value if isinstance(value, str) else f"{value:g}")
        elif hasattr(widget, "set_value"):
            widget.set_value(value)
        elif isinstance(widget, (QSpinBox, QAbstractSlider)):
            widget.setValue(int(value))
        elif isinstance(widget, QAbstractSpinBox):
            widget.setValue(value)
        else:
            widget.setChecked(bool(value))
    finally:
        widget.blockSignals(False)


def control_column(controls, max_width: int | None = None):
    """The scrollable left column that holds a panel's controls, wide enough to show them unclipped
    (at most ``max_width`` at scale 1), and wider at a larger UI scale (see `follow_column_width`)."""
    from PySide6.QtWidgets import QScrollArea

    scroll = QScrollArea()
    scroll.setWidget(controls)
    scroll.setWidgetResizable(True)
    width = controls.sizeHint().width() + 24
    follow_column_width(scroll, width if max_width is None else min(width, max_width))
    return scroll


def side_by_side(owner, widgets, sizes):
    """Fill ``owner`` with one horizontal splitter of ``widgets`` (left to right, usually the
    control column first) at initial widths ``sizes``; the last widget takes any extra width."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHBoxLayout, QSplitter

    split = QSplitter(Qt.Orientation.Horizontal)
    for widget in widgets:
        split.addWidget(widget)
    split.setStretchFactor(len(widgets) - 1, 1)
    split.setSizes(list(sizes))
    layout = QHBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(split)
    return split


def follow_column_width(scroll, least: int) -> None:
    """Keep a control column (a scroll area) ``least`` pixels wide at scale 1, and wide enough for its
    controls at a larger font scale; marks it themed (nothing else needs to widen it)."""
    from PySide6.QtCore import QTimer

    from convlab.ui.theme import theme

    def fit():
        try:
            wanted = scroll.widget().sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 6
            scroll.setMinimumWidth(least if theme().font_scale == 1.0 else max(least, wanted))
        except RuntimeError:  # the column was deleted before the layouts settled
            pass

    def follow():
        fit()
        QTimer.singleShot(0, scroll, fit)  # again once the new fonts have reached the layouts

    theme().follow(scroll, follow)
