"""The convolution-arithmetic tab: step and play through the windows; predict the output size, then check."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from convlab.engine.conv import correlate2d
from convlab.ui.panels.connectivity.arithmetic import ArithmeticGeometry, ArithmeticScene
from convlab.ui.panels.connectivity.controls import ArithmeticParams

STEP_MILLISECONDS = 600
_HIDDEN = "Output size: hidden. Predict it, then press Check."
LEGEND = ("<span style='background:#cfe2f3'>&nbsp;blue&nbsp;</span> input · "
          "<span style='background:#f2f2f2'>&nbsp;dashed grey&nbsp;</span> zero padding · "
          "<span style='background:#f08c00'>&nbsp;orange&nbsp;</span> kernel taps and the output being "
          "computed · <span style='background:#a8d5ba'>&nbsp;green&nbsp;</span> outputs done")


def _label(text="", points=13, colour="#111111") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"font-size: {points}pt; color: {colour};")
    return label


class ArithmeticView(QWidget):
    """Grids, step/play buttons, the output-size formula and a predict-then-reveal check."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scene_view = ArithmeticScene()
        self.geometry = ArithmeticGeometry(ArithmeticParams())
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
        self.step_label = _label(points=14)
        self.result_label = _label(points=14)
        self.formula_label = _label(_HIDDEN)
        self.warning_label = _label(colour="#b35900")
        self._layout()
        self.back_button.clicked.connect(self.step_back)
        self.step_button.clicked.connect(self.step_forward)
        self.play_button.toggled.connect(self.set_playing)
        self.reset_button.clicked.connect(self.reset)
        self.check_button.clicked.connect(self.check_guess)
        self.set_params(ArithmeticParams())

    def _layout(self) -> None:
        side = QVBoxLayout()
        buttons = QHBoxLayout()
        for button in (self.back_button, self.step_button, self.play_button, self.reset_button):
            button.setStyleSheet("font-size: 13pt; padding: 4px 10px;")
            buttons.addWidget(button)
        side.addLayout(buttons)
        side.addWidget(self.step_label)
        side.addWidget(_label(LEGEND, points=12))
        side.addWidget(_label("Predict: how many outputs per side (rows = columns)?", points=14))
        guess = QHBoxLayout()
        self.guess_spin.setStyleSheet("font-size: 14pt;")
        self.check_button.setStyleSheet("font-size: 14pt; padding: 4px 14px;")
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
        """New grid settings: back to the first window, the output size hidden again."""
        self.set_playing(False)
        self.geometry = ArithmeticGeometry(params)
        self.step, self.revealed = 0, False
        self.result_label.setText("")
        self.formula_label.setText(_HIDDEN)
        g = self.geometry
        self.warning_label.setText(
            f"⚠ Stride {params.stride} does not divide evenly: the last {g.uncovered} padded row(s) and "
            f"column(s) of the input are never covered by a window." if g.uncovered else "")
        self._redraw()

    def _redraw(self) -> None:
        g = self.geometry
        self.scene_view.draw(g, self.step, self.revealed)
        for button in (self.back_button, self.step_button, self.play_button):
            button.setEnabled(g.steps > 0)
        if not g.steps:
            self.step_label.setText("The kernel span is larger than the padded input: no window fits.")
            return
        (top, left), (row, col) = g.window(self.step)
        total = f" of {g.steps}" if self.revealed else ""
        self.step_label.setText(
            f"Step {self.step + 1}{total}: output (row {row + 1}, col {col + 1}) reads padded rows "
            f"{top + 1}–{top + g.span}, cols {left + 1}–{left + g.span}")

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
            self.result_label.setText(f"<b style='color:#1a7f37'>Right: the output is {g.output}×{g.output}.</b>")
        else:
            self.result_label.setText(f"<b style='color:#c00000'>Not quite: you said {guess}; the output is "
                                      f"{g.output}×{g.output}.</b>")
        self.formula_label.setText(self._formula_text())
        self.revealed = True
        self._redraw()

    def _formula_text(self) -> str:
        """The output-size formula with the current numbers, and what correlate2d returns."""
        g, p = self.geometry, self.geometry.params
        computed = correlate2d(np.zeros((p.size, p.size)), np.ones((p.kernel, p.kernel)), p.padding,
                               stride=p.stride, dilation=p.dilation).shape
        text = (f"output = ⌊(n + p<sub>before</sub> + p<sub>after</sub> − span) / stride⌋ + 1, "
                f"span = (k − 1)·dilation + 1 = {g.span}<br>")
        if g.steps:
            text += f"= ⌊({p.size} + {g.before} + {g.after} − {g.span}) / {p.stride}⌋ + 1 = <b>{g.output}</b>"
        else:
            text += f"the span {g.span} exceeds the padded input {g.padded}: <b>0</b>"
        return text + f" (output_size); correlate2d gives {computed[0]}×{computed[1]}"
