"""Image mode of the translation panel: move the input, compare conv(shift(x)) with shift(conv(x)), pool.

Data flows one way: the form (or the play sweep, the arrow keys, "Shift 0", a lesson) gives new
`ShiftSettings`; the mode keeps them, shows them in the form without echo, and hands settings, frame
and kernel to its worker (`convlab.lab.translation.ImageModeCompute`); the result goes to the views.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from convlab.lab.settings import settled
from convlab.lab.translation import (
    CURVE_REFRESH_S,
    MAX_SHIFT,
    ImageModeCompute,
    ShiftJob,
    ShiftSettings,
    choose_kernel,
    gray_kernel,
)
from convlab.sources.samples import open_sample
from convlab.ui.live import Coalesced, LatestOnlyWorker
from convlab.ui.panels.translation.image_controls import ShiftControls
from convlab.ui.panels.translation.image_views import ImageModeViews
from convlab.ui.panels.translation.tiles import show_error, themed_column
from convlab.ui.widgets.form import side_by_side

PLAY_INTERVAL_MS = 150
ARROW_STEPS = {Qt.Key_Left: (0, -1), Qt.Key_Right: (0, 1), Qt.Key_Up: (-1, 0), Qt.Key_Down: (1, 0)}


class ImageMode(QWidget):
    """Shift sliders and measures on the left, the seven maps and the shift curves on the right."""

    displayed = Signal(object)  # the Frame now on screen
    message = Signal(str)

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.StrongFocus)
        self.bank = bank
        self.settings = ShiftSettings()
        self.controls = ShiftControls(self.settings)
        self.views = ImageModeViews()
        self.worker = LatestOnlyWorker(ImageModeCompute(), synchronous=synchronous, parent=self)
        self.play_timer = QTimer(self, interval=PLAY_INTERVAL_MS)
        self.playing = False
        self.last_result = None
        self.frame = open_sample("china").read()  # until the source delivers a frame
        self.frame_from_source = False
        self._shown = self._displayed = 0
        self._curves_retry = False
        self._schedule = Coalesced(self.recompute, self)
        self.column = themed_column(self.controls)
        side_by_side(self, (self.column, self.views), (340, 1160))
        self.controls.form.changed.connect(self._use)
        self.controls.play_button.toggled.connect(self.set_playing)
        self.controls.reset_button.clicked.connect(lambda: self.change(dx=0, dy=0))
        self.play_timer.timeout.connect(self.play_step)
        self.worker.result_ready.connect(self._show_result)
        self.set_kernel_names([e.name for e in bank.entries()])

    # settings in
    def apply_settings(self, settings: ShiftSettings) -> None:
        """Use `settings` (a lesson, --set, the sweep, the keys): shown in the form without echo."""
        settings = settled(settings)
        self.controls.form.set_settings(settings)
        self._use(settings)

    def change(self, **changes) -> None:
        """Change some settings as a user would (the shift is kept within -32..32)."""
        self.apply_settings(dataclasses.replace(self.settings, **changes))

    def _use(self, settings: ShiftSettings) -> None:
        if settings != self.settings:
            self.settings = settings
            self._schedule()

    def set_kernel_names(self, names, wanted: str = "") -> None:
        """Offer the bank's kernels; keeps the current choice if it is still there (or takes `wanted`);
        the bank's kernels changed, so the maps are computed again."""
        self.controls.form.set_choices("kernel_name", names)
        self.apply_settings(dataclasses.replace(self.settings,
                                                kernel_name=choose_kernel(names, self.settings.kernel_name, wanted)))
        self._schedule()

    # keys and the sweep
    def keyPressEvent(self, event) -> None:
        """Arrow keys that no child used (spin boxes and lists keep theirs) move the shift."""
        step = ARROW_STEPS.get(event.key())
        if step is None:
            super().keyPressEvent(event)
            return
        self.nudge(*step)
        event.accept()

    def showEvent(self, event) -> None:
        """Take the keyboard focus so the arrow keys move the shift at once."""
        super().showEvent(event)
        if not self.isAncestorOf(self.focusWidget()):
            self.setFocus()

    def nudge(self, dy: int, dx: int) -> None:
        """Move the shift by (dy, dx) pixels (arrow keys), within -32..32."""
        self.change(dy=self.settings.dy + dy, dx=self.settings.dx + dx)

    def set_playing(self, playing: bool) -> None:
        """Start or stop sweeping the horizontal shift."""
        self.playing = bool(playing)
        self.controls.show_playing(self.playing)
        if self.playing:
            self.play_timer.start()
        else:
            self.play_timer.stop()

    def play_step(self) -> None:
        """One step of the sweep: the horizontal shift grows by one, wrapping from +32 to -32."""
        dx = self.settings.dx + 1
        self.change(dx=-MAX_SHIFT if dx > MAX_SHIFT else dx)

    # frames and results
    def set_frame(self, frame) -> None:
        """Use a new source frame as the input."""
        self.frame = frame
        self.frame_from_source = True
        self._schedule()

    def _kernel(self, name: str):
        for entry in self.bank.entries():
            if entry.name == name:
                return gray_kernel(entry.kernel)
        return None

    def _retry_curves(self) -> None:
        self._curves_retry = False
        self._schedule()

    def recompute(self) -> None:
        """Submit the current frame and settings to the worker."""
        self._schedule.clear()
        kernel = self._kernel(self.settings.kernel_name)
        if kernel is None:
            self._report("The kernel bank is empty: add a kernel to see the convolution.")
            return
        self.worker.submit(ShiftJob(self.frame, self.settings, kernel, self.frame_from_source))

    def _report(self, text: str) -> None:
        show_error(self.controls.error, text)
        if text:
            self.message.emit(text)

    def _show_result(self, result) -> None:
        if result.error:
            self._report(f"Could not compute the translation measures: {result.error}")
            return
        self._report("")
        self.last_result = result
        value, settings = result.value, result.job.settings
        if value.curves_stale and not self._curves_retry:  # a still frame within the rate limit gets its curves
            self._curves_retry = True
            QTimer.singleShot(int(CURVE_REFRESH_S * 1000) + 50, self._retry_curves)
        self.views.show_result(value, settings)
        self.controls.measures.show_result(value, settings)
        self._shown += 1
        if result.job.from_source:
            self._displayed += 1
            self.displayed.emit(result.job.frame)

    def frames_displayed(self) -> int:
        """How many results of source frames were shown (the bundled photo before them does not count)."""
        return self._displayed

    def results_shown(self) -> int:
        """How many results were shown, the bundled photo's included."""
        return self._shown

    def stop(self) -> None:
        """Stop the sweep and the worker thread."""
        self.set_playing(False)
        self.worker.stop()
