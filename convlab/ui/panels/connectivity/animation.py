"""The convolution-arithmetic tab: step and play through the windows; predict the output size, then check."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from convlab.lab.conv_arithmetic import ArithmeticGeometry, ArithmeticSettings
from convlab.ui.panels.connectivity.arithmetic import ArithmeticScene
from convlab.ui.panels.connectivity.palette import CURRENT, DONE_FILL, INPUT_FILL, PADDING_FILL, RIGHT_COLOUR
from convlab.ui.theme import ERROR_COLOUR, TEXT_COLOUR, WARNING_COLOUR, theme

STEP_MILLISECONDS = 600
_HIDDEN = "Output size: hidden. Predict it, then press Check."
LEGEND = (f"<span style='background:{INPUT_FILL}'>&nbsp;blue&nbsp;</span> input · "
          f"<span style='background:{PADDING_FILL}'>&nbsp;dashed grey&nbsp;</span> zero padding · "
          f"<span style='background:{CURRENT}'>&nbsp;orange&nbsp;</span> kernel taps and the output being "
          f"computed · <span style='background:{DONE_FILL}'>&nbsp;green&nbsp;</span> outputs done")


def _label(text="", role="note", colour=TEXT_COLOUR) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    theme().label(label, role, colour=colour)
    return label


def _style(widget, role: str, extra: str = "") -> None:
    """A button's or spin box's font from the theme, with its own padding."""
    theme().follow(widget, lambda: widget.setStyleSheet(f"{theme().css(role)} {extra}".strip()))


class ArithmeticView(QWidget):
    """Grids, step/play buttons, the output-size formula and a predict-then-reveal check."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scene_view = ArithmeticScene()
        self.geometry = ArithmeticGeometry(ArithmeticSettings())
        self.step = 0
        self.revealed = False
        self.timer = QTimer(self)
        self.timer.setInterval(STEP_MILLISECONDS)
        self.timer.timeout.connect(self._tick)
        self.back_button, self.step_button = QPushButton("◀ Back"), QPushButton("Step ▶")
        self.play_button, self.reset_button = QPushButton("Play"), QPushButton("Reset")
        self.play_button.setCheckable(True)
        self.guess_spin = QSpinBox()
        self.guess_spin.setRange(0, 60)
        self.guess_spin.setValue(0)
        self.check_button = QPushButton("Check")
        self.step_label = _label(role="numbers")
        self.result_label = _label(role="numbers")
        self.formula_label = _label(_HIDDEN)
        self.warning_label = _label(colour=WARNING_COLOUR)
        self._layout()
        self.back_button.clicked.connect(self.step_back)
        self.step_button.clicked.connect(self.step_forward)
        self.play_button.toggled.connect(self.set_playing)
        self.reset_button.clicked.connect(self.reset)
        self.check_button.clicked.connect(self.check_guess)
        self.set_params(ArithmeticSettings())

    def _layout(self) -> None:
        side = QVBoxLayout()
        buttons = QHBoxLayout()
        for button in (self.back_button, self.step_button, self.play_button, self.reset_button):
            _style(button, "note", "padding: 4px 10px;")
            buttons.addWidget(button)
        side.addLayout(buttons)
        side.addWidget(self.step_label)
        side.addWidget(_label(LEGEND, role="body"))
        side.addWidget(_label("Predict: how many outputs per side (rows = columns)?", role="numbers"))
        guess = QHBoxLayout()
        _style(self.guess_spin, "numbers")
        _style(self.check_button, "numbers", "padding: 4px 14px;")
        guess.addWidget(self.guess_spin)
        guess.addWidget(self.check_button)
        guess.addStretch(1)
        side.addLayout(guess)
        side.addWidget(self.result_label)
        side.addWidget(self.formula_label)
        side.addWidget(self.warning_label)
        side.addStretch(1)
        holder = QWidget()
        holder.setLayout(side)
        holder.setFixedWidth(400)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.scene_view, 1)
        layout.addWidget(holder)

    @property
    def output_side(self) -> int:
        """Outputs per side for the current parameters."""
        return self.geometry.output

    def set_params(self, params) -> None:
        """New grid settings (an ArithmeticSettings): back to the first window, the output size hidden again."""
        self.set_playing(False)
        self.geometry = ArithmeticGeometry(params)
        self.step, self.revealed = 0, False
        self.result_label.setText("")
        self.formula_label.setText(_HIDDEN)
        self.warning_label.setText(self.geometry.warning())
        self._redraw()

    def _redraw(self) -> None:
        g = self.geometry
        self.scene_view.draw(g, self.step, self.revealed)
        for button in (self.back_button, self.step_button, self.play_button):
            button.setEnabled(g.steps > 0)
        self.step_label.setText(g.step_text(self.step, self.revealed))

    def step_forward(self) -> None:
        """Move the window to the next output cell (stops playing at the last one)."""
        if self.step + 1 < self.geometry.steps:
            self.step += 1
            self._redraw()
        else:
            self.set_playing(False)

    def step_back(self) -> None:
        """Move the window to the previous output cell."""
        if self.step > 0:
            self.step -= 1
            self._redraw()

    def reset(self) -> None:
        """Back to the first window."""
        self.set_playing(False)
        self.step = 0
        self._redraw()

    def set_playing(self, playing: bool) -> None:
        """Start or stop the animation."""
        playing = bool(playing) and self.geometry.steps > 1
        if playing and self.step + 1 >= self.geometry.steps:
            self.step = 0
        self.play_button.blockSignals(True)
        self.play_button.setChecked(playing)
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.blockSignals(False)
        if playing:
            self.timer.start()
        else:
            self.timer.stop()

    def _tick(self) -> None:
        self.step_forward()

    def check_guess(self) -> None:
        """Compare the typed guess with the output size, then reveal the size and its formula."""
        guess, g = self.guess_spin.value(), self.geometry
        if guess == g.output:
            self.result_label.setText(f"<b style='color:{RIGHT_COLOUR}'>Right: the output is "
                                      f"{g.output}×{g.output}.</b>")
        else:
            self.result_label.setText(f"<b style='color:{ERROR_COLOUR}'>Not quite: you said {guess}; the output is "
                                      f"{g.output}×{g.output}.</b>")
        self.formula_label.setText(self._formula_text())
        self.revealed = True
        self._redraw()

    def _formula_text(self) -> str:
        """The output-size formula with the current numbers, and what correlate2d returns."""
        g, p = self.geometry, self.geometry.params
        computed = g.computed_shape()
        text = (f"output = ⌊(n + p<sub>before</sub> + p<sub>after</sub> − span) / stride⌋ + 1, "
                f"span = (k − 1)·dilation + 1 = {g.span}<br>")
        if g.steps:
            text += f"= ⌊({p.size} + {g.before} + {g.after} − {g.span}) / {p.stride}⌋ + 1 = <b>{g.output}</b>"
        else:
            text += f"the span {g.span} exceeds the padded input {g.padded}: <b>0</b>"
        return text + f" (output_size); correlate2d gives {computed[0]}×{computed[1]}"
