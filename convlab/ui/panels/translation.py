"""Translation panel: convolution's equivariance and pooling's (approximate) invariance, measured.

Three modes in sub-tabs: the image mode (shift a real picture, compare conv(shift(x)) with
shift(conv(x)), pool, and plot the measures against the shift, with Zhang's BlurPool), the lecture's
1-D max-pooling figure, and learned rotation invariance by pooling over a rotated kernel bank.
"""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout

from convlab.ui.panels.base import Panel
from convlab.ui.panels.translation_1d import PoolingFigure
from convlab.ui.panels.translation_image import ImageMode
from convlab.ui.panels.translation_rotation import RotationMode


class TranslationPanel(Panel):
    """Shift the input and watch what convolution and pooling do with it."""

    key = "translation"
    title = "Translation"

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

    def set_frame(self, frame) -> None:
        """The image mode works on the newest frame of the current source."""
        self.image_mode.set_frame(frame)

    def frames_displayed(self) -> int:
        """How many image-mode results of source frames were shown (the other modes draw at once)."""
        return self.image_mode.frames_displayed()
