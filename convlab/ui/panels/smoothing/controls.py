"""Controls of the signal-smoothing panel: a SettingsForm for SmoothingParams, the signal file row,
and the flip-and-slide controls (time, play, speed), which are view state rather than settings."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from convlab.lab.smoothing import GENERATOR_FIELDS, SmoothingParams
from convlab.ui.theme import ERROR_COLOUR, THEMED, theme
from convlab.ui.widgets.form import spin
from convlab.ui.widgets.settings_form import SettingsForm

SIGNAL, KERNEL, BOUNDARY = "Signal x(t)", "Kernel w(a)", "Boundary handling"
SECTIONS = ((SIGNAL, ("source",) + GENERATOR_FIELDS),
            (KERNEL, ("kind", "width", "decay", "decay_follows_width", "causal", "normalise")),
            (BOUNDARY, ("mode",)))
SLIDERS = {"noise": "slider", "width": "slider", "decay": "slider"}
SPEEDS = (1, 200)  # samples per second
DEFAULT_SPEED = 10


def text_points() -> float:
    """The size of the controls' text: the small role, or the (scaled) application font where that is larger."""
    return max(theme().points("small"), QApplication.font().pointSizeF())


class SmoothingControls(QWidget):
    """Signal, kernel, output and flip-and-slide controls; ``form.changed`` carries new settings."""

    load_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = SettingsForm(SmoothingParams(), SECTIONS, SLIDERS)
        self.load_button = QPushButton("Load CSV / text…")
        self.column_edit = QLineEdit()
        self.column_edit.setPlaceholderText("name or number, if several")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.file_label = QLabel("no file loaded")
        self.file_label.setWordWrap(True)
        self.time_slider = QSlider(Qt.Orientation.Horizontal)
        self.time_label = QLabel("t = 0")
        self.back_button = QPushButton("◀ step")
        self.play_button = QPushButton("▶ play")
        self.play_button.setCheckable(True)
        self.forward_button = QPushButton("step ▶")
        self.speed_spin = spin(*SPEEDS, DEFAULT_SPEED)
        self.speed_spin.setSuffix(" samples/s")
        self._layout()
        self.load_button.clicked.connect(self.load_requested)
        self.set_file_available(False)
        theme().follow(self, self._follow_font)
        for box in self.findChildren(QComboBox):  # a list pops up in its combo box's font, already scaled
            box.view().parentWidget().setProperty(THEMED, True)
        theme().follow(self.error_label, lambda: self.error_label.setStyleSheet(  # at the application font's size
            f"font-size: {QApplication.font().pointSizeF():g}pt; font-weight: bold; color: {ERROR_COLOUR};"))

    def _follow_font(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(text_points())
        self.setFont(font)

    def _layout(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        self.form.add_row(SIGNAL, self.column_edit, "Column")
        for widget in (self.load_button, self.file_label, self.error_label):
            self.form.add_row(SIGNAL, widget)
        outer.addWidget(self.form)
        outer.addWidget(self._slide_group())
        outer.addStretch(1)

    def _slide_group(self) -> QGroupBox:
        slide = QGroupBox("Flip and slide")
        box = QVBoxLayout(slide)
        box.addWidget(self.time_label)
        box.addWidget(self.time_slider)
        row = QHBoxLayout()
        for button in (self.back_button, self.play_button, self.forward_button):
            row.addWidget(button)
        box.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel("Speed"))
        row.addWidget(self.speed_spin, 1)
        box.addLayout(row)
        return slide

    def settings(self) -> SmoothingParams:
        """The settings the controls show."""
        return self.form.settings()

    def set_file_available(self, available: bool, description: str = "") -> None:
        """Enable the "loaded file" source once a signal has been loaded."""
        source = self.form.widgets["source"]
        source.model().item(source.findData("file")).setEnabled(available)
        self.file_label.setText(description or "no file loaded")

    def column(self) -> str:
        """The column typed by the user ("" for none)."""
        return self.column_edit.text().strip()

    def show_error(self, text: str) -> None:
        """Show a red inline message under the signal controls ("" hides it)."""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def set_time_range(self, first: int, last: int, t: int) -> None:
        """Let the time slider run over the estimate times, showing `t`."""
        self.time_slider.blockSignals(True)
        self.time_slider.setRange(first, last)
        self.time_slider.setValue(t)
        self.time_slider.blockSignals(False)
        self.time_label.setText(f"time t = {t}   (estimates t = {first} … {last})")
