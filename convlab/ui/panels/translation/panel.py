"""Translation panel: convolution's equivariance and pooling's (approximate) invariance, measured.

Three modes in sub-tabs: the image mode (shift a real picture, compare conv(shift(x)) with
shift(conv(x)), pool, and plot the measures against the shift, with Zhang's BlurPool), the lecture's
1-D max-pooling figure, and learned rotation invariance by pooling over a rotated kernel bank.
"""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout

from convlab.ui.panels.base import Panel
from convlab.ui.panels.translation.pooling_figure import PoolingFigure
from convlab.ui.panels.translation.image_mode import ImageMode
from convlab.ui.panels.translation.lesson import (apply_translation_lesson_state, choose_wanted_kernels,
                                                  translation_lesson_state)
from convlab.ui.panels.translation.rotation import RotationMode


class TranslationPanel(Panel):
    """Shift the input and watch what convolution and pooling do with it."""

    key = "translation"
    title = "Translation"
    keeps_lesson_settings = True

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        self.bank = bank
        self.image_mode = ImageMode(bank, synchronous=synchronous)
        self.figure = PoolingFigure()
        self.rotation = RotationMode(bank)
        self.modes = QTabWidget()
        self.modes.addTab(self.image_mode, "Image: equivariance and pooling")
        self.modes.addTab(self.figure, "1-D: the pooling figure")
        self.modes.addTab(self.rotation, "Learned invariance: rotation")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.modes)
        for mode in (self.image_mode, self.figure):
            mode.message.connect(self.message)
        self.image_mode.displayed.connect(self.frame_displayed)
        self.wanted_kernels = {}  # kernel names from a lesson, chosen when the lesson's bank arrives
        bank.changed.connect(self._choose_wanted_kernels)  # after the modes' own handlers

    def set_frame(self, frame) -> None:
        """The image mode works on the newest frame of the current source."""
        self.image_mode.set_frame(frame)

    def frames_displayed(self) -> int:
        """How many image-mode results of source frames were shown (the other modes draw at once)."""
        return self.image_mode.frames_displayed()

    # lesson files
    def lesson_state(self) -> dict:
        """This panel's settings as JSON values, for lesson files."""
        return translation_lesson_state(self)

    def apply_lesson_state(self, state: dict) -> list:
        """Apply settings from a lesson file (checked first, all or nothing); returns plain-language warnings."""
        return apply_translation_lesson_state(self, state)

    def _choose_wanted_kernels(self) -> None:
        if self.wanted_kernels:
            choose_wanted_kernels(self)
