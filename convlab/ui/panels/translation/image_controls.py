"""The image mode's control column: the settings form (shift, boundary, kernel, pooling), the play and
reset buttons, the measured numbers, the key to the colours and the error line.

The form is built from `convlab.lab.translation.ShiftSettings`; the buttons only say what the user
asked for (the mode decides the new settings), and the numbers are a view of the last result.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from convlab.lab.translation import ShiftSettings
from convlab.ui.panels.translation.image_views import MeasuresView
from convlab.ui.panels.translation.tiles import error_label
from convlab.ui.widgets.settings_form import SettingsForm

SHIFT_GROUP = "Shift the input (arrow keys too)"
SECTIONS = ((SHIFT_GROUP, ("dx", "dy", "boundary")), ("Convolution", ("kernel_name",)),
            ("Pooling of the feature map", ("pool_kind", "pool_size", "pool_stride", "antialias", "blur_filter",
                                            "compare")))
HINTS = {"dx": "signed slider", "dy": "signed slider", "kernel_name": "choices", "antialias": "indented"}
PLAY_TEXT, PAUSE_TEXT = "▶ Play (sweep the shift)", "⏸ Pause"
KEY_TEXT = ("Colours: blue negative, white zero, red positive. Orange tint: pooled unit changed. "
            "Yellow outline: the border band where zero fill breaks equivariance. "
            "Curves: horizontal shifts 0 … 2 × stride, compared with pool(conv(x)) moved by "
            "round(shift / stride) units, so 1 means equivariant.")


def _style_shift_slider(slider) -> None:
    """Ticks every 8 pixels, page steps of 4, and no keyboard focus: the arrow keys go to the mode."""
    slider.slider.setPageStep(4)
    slider.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
    slider.slider.setTickInterval(8)
    slider.slider.setMinimumWidth(200)
    slider.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    slider.readout.setMinimumWidth(48)


class ShiftControls(QWidget):
    """Shift sliders, play, boundary, kernel chooser, pooling and the measures read-out."""

    def __init__(self, settings: ShiftSettings, parent=None):
        super().__init__(parent)
        self.form = SettingsForm(settings, SECTIONS, HINTS)
        for key in ("dx", "dy"):
            _style_shift_slider(self.form.widgets[key])
        self.play_button = QPushButton(PLAY_TEXT)
        self.play_button.setCheckable(True)
        self.reset_button = QPushButton("Shift 0")
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button, 1)
        buttons.addWidget(self.reset_button)
        self.form.add_row(SHIFT_GROUP, buttons, after="dy")
        self.measures = MeasuresView()
        self.error = error_label()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        key = QGroupBox("How to read it")
        text = QLabel(KEY_TEXT)
        text.setWordWrap(True)
        QVBoxLayout(key).addWidget(text)
        for widget in (self.form, self.measures, key, self.error):
            outer.addWidget(widget)
        outer.addStretch(1)

    def widget(self, key: str):
        """The control of one ShiftSettings field."""
        return self.form.widgets[key]

    def show_playing(self, playing: bool) -> None:
        """The play button shows whether the sweep runs (a view of the mode's state, no echo)."""
        self.play_button.blockSignals(True)
        self.play_button.setChecked(bool(playing))
        self.play_button.blockSignals(False)
        self.play_button.setText(PAUSE_TEXT if playing else PLAY_TEXT)
