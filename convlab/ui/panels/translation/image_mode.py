"""Image mode of the translation panel: move the input, compare conv(shift(x)) with shift(conv(x)), pool."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from convlab.engine.block import prepare_input, shrink_to
from convlab.engine.conv import correlate2d
from convlab.engine.invariance import band_outline, equivariance_check, pooled_change, pooled_offset, shift_curves
from convlab.sources.samples import open_sample
from convlab.ui.live import LatestOnlyWorker
from convlab.ui.panels.translation.image_controls import MAX_SHIFT, ShiftControls
from convlab.ui.panels.translation.image_views import ImageModeViews
from convlab.ui.panels.translation.tiles import show_error
from convlab.ui.widgets.form import control_column, side_by_side

PROCESS_MAX_SIDE = 256
CURVE_STRIDES = (1, 2, 4)
PLAY_INTERVAL_MS = 150
CURVE_REFRESH_S = 0.5  # a live source refreshes the shift curves at most twice a second
PREFERRED_KERNEL = "sobel_x"
ARROW_STEPS = {Qt.Key_Left: (0, -1), Qt.Key_Right: (0, 1), Qt.Key_Up: (-1, 0), Qt.Key_Down: (1, 0)}


@dataclass(frozen=True)
class ShiftJob:
    """A frame (from the source, or the bundled photo), the parameters and the chosen kernel (kh, kw)."""

    frame: object
    params: object
    kernel: np.ndarray
    from_source: bool = False


@dataclass(frozen=True)
class ImageModeResult:
    """Everything the image mode draws for one job."""

    image: np.ndarray
    conv_x: np.ndarray
    check: object
    outline: list
    offset: tuple
    change: object
    curves: dict
    curves_blur: dict | None
    curves_stale: bool = False  # the curves belong to an earlier frame (rate limit): redo them soon


def gray_kernel(kernel) -> np.ndarray:
    """A (kh, kw) float32 kernel; colour kernels are summed over channels (the input is gray)."""
    kernel = np.asarray(kernel, dtype=np.float32)
    return kernel.sum(axis=2) if kernel.ndim == 3 else kernel


def prepare_gray(rgb, stride: int) -> np.ndarray:
    """Gray input, long side <= 256, cropped to multiples of lcm(4, stride) so wrap pooling is exact."""
    gray = prepare_input(shrink_to(rgb, PROCESS_MAX_SIDE), "gray")
    step = math.lcm(4, int(stride))
    h, w = max(gray.shape[0] // step, 1) * step, max(gray.shape[1] // step, 1) * step
    return np.ascontiguousarray(gray[:h, :w])


class ImageModeCompute:
    """The worker's computation; keeps the last shift curves (they do not depend on the shift slider)."""

    def __init__(self):
        self._curve_key = None
        self._curve_frame = None
        self._curve_time = -math.inf
        self._curves = (None, None)

    def __call__(self, job: ShiftJob) -> ImageModeResult:
        p = job.params
        image = prepare_gray(job.frame.image, p.pool_stride)
        check = equivariance_check(image, job.kernel, p.dy, p.dx, p.boundary)
        conv_x = correlate2d(image, job.kernel, mode="same", boundary=p.boundary)
        offset = pooled_offset(p.dy, p.dx, p.pool_stride) if p.compare == "moved" else (0, 0)
        change = pooled_change(conv_x, check.conv_of_shifted, p.pool_size, p.pool_stride, p.pool_kind,
                               p.boundary, p.antialias, p.blur_filter, offset)
        outline = band_outline(image.shape, job.kernel.shape, p.dy, p.dx)
        curves, curves_blur = self._shift_curves(job, image)
        stale = job.frame is not self._curve_frame
        return ImageModeResult(image, conv_x, check, outline, offset, change, curves, curves_blur, stale)

    def _shift_curves(self, job: ShiftJob, image: np.ndarray):
        """Recompute when the settings change, and for a new frame at most every CURVE_REFRESH_S."""
        p = job.params
        key = (image.shape, job.kernel.tobytes(), job.kernel.shape, p.boundary, p.pool_kind, p.pool_size,
               p.antialias, p.blur_filter)
        now = time.monotonic()
        new_frame = job.frame is not self._curve_frame and now - self._curve_time > CURVE_REFRESH_S
        if key != self._curve_key or new_frame:
            common = dict(pool_strides=CURVE_STRIDES, pool_size=p.pool_size, kind=p.pool_kind, boundary=p.boundary)
            plain = shift_curves(image, job.kernel, **common)
            blur = shift_curves(image, job.kernel, antialias=True, filter=p.blur_filter, **common) \
                if p.antialias else None
            self._curve_key, self._curve_frame, self._curve_time = key, job.frame, now
            self._curves = (plain, blur)
        return self._curves


class ImageMode(QWidget):
    """Shift sliders and measures on the left, the seven maps and the shift curves on the right."""

    displayed = Signal(object)  # the Frame now on screen
    message = Signal(str)

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.StrongFocus)
        self.bank = bank
        self.controls = ShiftControls()
        self.views = ImageModeViews()
        self.worker = LatestOnlyWorker(ImageModeCompute(), synchronous=synchronous, parent=self)
        self.play_timer = QTimer(self, interval=PLAY_INTERVAL_MS)
        self.last_result = None
        self.frame = open_sample("china").read()  # until the source delivers a frame
        self.frame_from_source = False
        self._shown = 0
        self._displayed = 0
        self._dirty = False
        self._curves_retry = False
        self._layout()
        self._connect()
        self._on_bank_changed()

    def _layout(self) -> None:
        scroll = control_column(self.controls, 400)
        side_by_side(self, (scroll, self.views), (340, 1160))

    def _connect(self) -> None:
        self.controls.params_changed.connect(self._schedule)
        self.controls.play_button.toggled.connect(self.set_playing)
        self.play_timer.timeout.connect(self.play_step)
        self.bank.changed.connect(self._on_bank_changed)
        self.worker.result_ready.connect(self._show_result)

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
        p = self.controls.params()
        self.controls.change(dy=p.dy + dy, dx=p.dx + dx)

    def set_playing(self, playing: bool) -> None:
        """Start or stop sweeping the horizontal shift."""
        button = self.controls.play_button
        button.blockSignals(True)
        button.setChecked(bool(playing))
        button.blockSignals(False)
        button.setText("⏸ Pause" if playing else "▶ Play (sweep the shift)")
        if playing:
            self.play_timer.start()
        else:
            self.play_timer.stop()

    def play_step(self) -> None:
        """One step of the sweep: the horizontal shift grows by one, wrapping from +32 to -32."""
        dx = self.controls.params().dx + 1
        self.controls.change(dx=-MAX_SHIFT if dx > MAX_SHIFT else dx)

    def set_frame(self, frame) -> None:
        """Use a new source frame as the input."""
        self.frame = frame
        self.frame_from_source = True
        self._schedule()

    def _on_bank_changed(self) -> None:
        names = [e.name for e in self.bank.entries()]
        self.controls.set_kernel_names(names, PREFERRED_KERNEL)
        self._schedule()

    def _kernel(self, name: str):
        for entry in self.bank.entries():
            if entry.name == name:
                return gray_kernel(entry.kernel)
        return None

    def _retry_curves(self) -> None:
        self._curves_retry = False
        self._schedule()

    def _schedule(self, *_args) -> None:
        if not self._dirty:
            self._dirty = True
            QTimer.singleShot(0, self.recompute)

    def recompute(self) -> None:
        """Submit the current frame and parameters to the worker."""
        self._dirty = False
        params = self.controls.params()
        kernel = self._kernel(params.kernel_name)
        if kernel is None:
            self._report("The kernel bank is empty: add a kernel to see the convolution.")
            return
        self.worker.submit(ShiftJob(self.frame, params, kernel, self.frame_from_source))

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
        value, params = result.value, result.job.params
        if value.curves_stale and not self._curves_retry:  # a still frame within the rate limit gets its curves
            self._curves_retry = True
            QTimer.singleShot(int(CURVE_REFRESH_S * 1000) + 50, self._retry_curves)
        self.views.show_result(value, params)
        self.controls.set_measures(value.check.max_abs, params.boundary, value.change.fraction_unchanged,
                                   value.change.cosine)
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

    def change(self, **changes) -> None:
        """Change parameters as a user would (tests and scripts)."""
        self.controls.change(**changes)

    def stop(self) -> None:
        """Stop the sweep and the worker thread."""
        self.set_playing(False)
        self.worker.stop()

