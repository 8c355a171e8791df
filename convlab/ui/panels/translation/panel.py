"""Translation panel: convolution's equivariance and pooling's (approximate) invariance, measured.

Three modes in sub-tabs: the image mode (shift a real picture, compare conv(shift(x)) with
shift(conv(x)), pool, and plot the measures against the shift, with Zhang's BlurPool), the lecture's
1-D max-pooling figure, and learned rotation invariance by pooling over a rotated kernel bank.
Their settings and computations live in `convlab.lab.translation`, `convlab.lab.pooling_figure` and
`convlab.lab.rotation`.
"""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout

from convlab.lab.pooling_figure import FigureSettings
from convlab.lab.rotation import RotationSettings
from convlab.lab.translation import ShiftSettings
from convlab.ui.panels.base import Panel
from convlab.ui.panels.translation.image_mode import ImageMode
from convlab.ui.panels.translation.lesson import (
    apply_translation_lesson_state,
    report_missing,
    translation_lesson_state,
)
from convlab.ui.panels.translation.pooling_figure import PoolingFigure
from convlab.ui.panels.translation.rotation import RotationMode


class TranslationPanel(Panel):
    """Shift the input and watch what convolution and pooling do with it."""

    key = "translation"
    title = "Translation"
    keeps_lesson_settings = True

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        self.bank = bank
        self.wanted_kernels = {}  # kernel names from a lesson, chosen when the lesson's bank arrives
        self.image_mode = ImageMode(bank, synchronous=synchronous)
        self.figure = PoolingFigure()
        self.rotation = RotationMode(bank, synchronous=synchronous)
        self.modes = QTabWidget()
        self.modes.addTab(self.image_mode, "Image: equivariance and pooling")
        self.modes.addTab(self.figure, "1-D: the pooling figure")
        self.modes.addTab(self.rotation, "Learned invariance: rotation")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.modes)
        for mode in (self.image_mode, self.figure, self.rotation):
            mode.message.connect(self.message)
        self.image_mode.displayed.connect(self.frame_displayed)
        bank.changed.connect(self._on_bank_changed)

    def _on_bank_changed(self) -> None:
        """Both modes offer the bank's kernels, taking the ones a lesson asked for (in this order)."""
        names = [entry.name for entry in self.bank.entries()]
        wanted, self.wanted_kernels = self.wanted_kernels, {}
        self.image_mode.set_kernel_names(names, wanted.get("image", ""))
        self.rotation.set_kernel_names(names, wanted.get("rotation", ""))
        report_missing(self, [name for name in wanted.values() if name not in self.rotation.kernel_names()])

    def set_frame(self, frame) -> None:
        """The image mode works on the newest frame of the current source."""
        self.image_mode.set_frame(frame)

    def frames_displayed(self) -> int:
        """How many image-mode results of source frames were shown; 0 while the rotation mode is on
        screen and its sweep for the current settings is still being computed."""
        if self.modes.currentWidget() is self.rotation and not self.rotation.is_up_to_date():
            return 0
        return self.image_mode.frames_displayed()

    # lesson files
    def lesson_state(self) -> dict:
        """The panel's settings as JSON values, for lesson files."""
        return translation_lesson_state(self)

    def apply_lesson_state(self, state: dict) -> list:
        """Apply settings from a lesson file (checked first, all or nothing); returns plain-language warnings."""
        return apply_translation_lesson_state(self, state)

    # settings
    def current_settings(self) -> tuple:
        """The image mode's, the 1-D figure's and the rotation mode's settings."""
        return self.image_mode.settings, self.figure.settings, self.rotation.settings

    def apply_settings(self, settings) -> None:
        """Use one changed settings object as if the user had set it; a kernel must be one on offer."""
        if isinstance(settings, ShiftSettings):
            _check_kernel(settings.kernel_name, [entry.name for entry in self.bank.entries()])
            self.image_mode.apply_settings(settings)
        elif isinstance(settings, FigureSettings):
            self.figure.apply_settings(settings)
        elif isinstance(settings, RotationSettings):
            _check_kernel(settings.kernel, self.rotation.kernel_names())
            self.rotation.apply_settings(settings)
        else:
            super().apply_settings(settings)


def _check_kernel(name: str, names) -> None:
    if name not in names:
        raise ValueError(f"the kernel {name!r} is not in the bank; choose one of: {', '.join(names)}")
