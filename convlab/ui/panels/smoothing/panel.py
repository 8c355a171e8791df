"""Signal-smoothing panel: the lecture's spaceship, s(t) = sum_a x(a) w(t - a), as a 1-D convolution."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QSplitter, QVBoxLayout, QWidget

from convlab.engine.spaceship import spaceship_track
from convlab.engine.smoothing import (commute, error_vs_width, estimate_times, flip_and_slide, kernel_from_weights,
                                      lag_of, mse, smooth, smoothing_kernel)
from convlab.io.signal_files import read_signal
from convlab.ui.live import LatestOnlyWorker
from convlab.ui.panels.base import Panel
from convlab.ui.panels.smoothing.controls import MAX_WIDTH, SmoothingControls
from convlab.ui.panels.smoothing.lesson import apply_smoothing_lesson_state, smoothing_lesson_state
from convlab.ui.panels.smoothing.plots import (CommutePlot, ErrorPlot, SlideView, TrackPlot, summary_label,
                                               summary_text)
from convlab.ui.widgets.kernel_draw import KernelDraw, stretch
from convlab.ui.widgets.form import control_column, side_by_side

SWEEP_WIDTHS = np.unique(np.concatenate([np.arange(1, 21), np.arange(21, MAX_WIDTH + 1, 4)]))
TICKS_PER_SECOND = 30


@dataclass(frozen=True, eq=False)
class SmoothingJob:
    """Parameters, the measurements x (n,), the true path (n,) or None, and hand-drawn weights or None."""

    params: object
    x: np.ndarray
    truth: np.ndarray | None = None
    drawn: np.ndarray | None = None


@dataclass(frozen=True)
class WidthSweep:
    """MSE for each width, for the causal (True) and centred (False) placement."""

    widths: np.ndarray
    errors: dict


@dataclass(frozen=True, eq=False)
class SmoothingResult:
    """Everything the panel draws for one job."""

    job: SmoothingJob
    causal: bool
    kernel: object
    other_kernel: object
    times: np.ndarray
    estimate: np.ndarray
    other_times: np.ndarray
    other_estimate: np.ndarray
    sweep: WidthSweep | None
    sweep_note: str
    raw_mse: float | None
    errors: dict
    lags: dict
    commutation: object


def kernels_for(job: SmoothingJob):
    """The chosen kernel and the same kernel in the other placement."""
    p = job.params
    placements = (p.causal, not p.causal)
    if p.kind == "drawn":
        return tuple(kernel_from_weights(job.drawn, causal, p.normalise) for causal in placements)
    return tuple(smoothing_kernel(p.kind, p.width, p.decay, causal, p.normalise) for causal in placements)


def _error(x, truth, kernel, mode):
    times = estimate_times(x.size, kernel.lags, mode)
    keep = (times >= 0) & (times < x.size)
    return mse(smooth(x, *kernel, mode)[keep], truth[times[keep]]) if keep.any() else float("nan")


def _sweep(job, x, truth):
    p = job.params
    if truth is None:
        return None, "A loaded signal has no true path:\nthe error cannot be measured."
    widths = SWEEP_WIDTHS[SWEEP_WIDTHS <= x.size]
    if p.kind == "drawn":  # the drawn shape, stretched to each width
        return WidthSweep(widths, {c: np.array([_error(x, truth, kernel_from_weights(stretch(job.drawn, w), c,
                                                                                      p.normalise), p.mode)
                                                for w in widths]) for c in (True, False)}), ""
    decay = None if p.decay_follows_width else p.decay
    errors = {c: error_vs_width(x, truth, widths, p.kind, decay, c, p.normalise, p.mode) for c in (True, False)}
    return WidthSweep(widths, errors), ""


def compute_smoothing(job: SmoothingJob) -> SmoothingResult:
    """Both estimates, errors, width sweep and commutativity of a job (worker thread)."""
    p, x, truth, c = job.params, job.x, job.truth, job.params.causal
    chosen, other = kernels_for(job)
    kernels = {c: chosen, not c: other}
    times = {k: estimate_times(x.size, kernel.lags, p.mode) for k, kernel in kernels.items()}
    estimates = {k: smooth(x, *kernel, p.mode) for k, kernel in kernels.items()}
    errors = {} if truth is None else {k: _error(x, truth, kernel, p.mode) for k, kernel in kernels.items()}
    lags = {k: lag_of(*kernel) if kernel.weights.sum() != 0 else None for k, kernel in kernels.items()}
    return SmoothingResult(job, c, chosen, other, times[c], estimates[c], times[not c], estimates[not c],
                           *_sweep(job, x, truth), None if truth is None else mse(x, truth), errors, lags,
                           commute(x, chosen.weights))


class SmoothingPanel(Panel):
    """Smooth a noisy spaceship track (or a loaded signal) with a 1-D kernel and explain every number."""

    key = "smoothing"
    title = "Signal smoothing"
    keeps_lesson_settings = True

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        self.bank = bank
        self.controls = SmoothingControls()
        self.kernel_draw = KernelDraw()
        self.track_plot, self.error_plot = TrackPlot(), ErrorPlot()
        self.slide_view, self.commute_plot = SlideView(), CommutePlot()
        self.summary = summary_label()
        self.worker = LatestOnlyWorker(compute_smoothing, synchronous=synchronous, parent=self)
        self.play_timer = QTimer(self)
        self.play_timer.setInterval(1000 // TICKS_PER_SECOND)
        self.loaded: np.ndarray | None = None
        self.drawn: np.ndarray | None = None
        self.t: int | None = None
        self.last_result: SmoothingResult | None = None
        self._displayed = 0
        self._ticks = 0.0
        self._dirty = False
        self._layout()
        self._connect()
        self._schedule()

    def _layout(self) -> None:
        scroll = control_column(self.controls)
        top = QSplitter(Qt.Horizontal)
        top.addWidget(self.track_plot)
        top.addWidget(self.error_plot)
        top.setSizes([780, 420])
        bottom = QSplitter(Qt.Horizontal)
        for widget in (self.kernel_draw, self.slide_view, self.commute_plot):
            bottom.addWidget(widget)
        bottom.setSizes([300, 520, 340])
        plots = QSplitter(Qt.Vertical)
        plots.addWidget(top)
        plots.addWidget(bottom)
        plots.setSizes([380, 420])
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(4, 2, 2, 2)
        column.addWidget(self.summary)
        column.addWidget(plots, 1)
        side_by_side(self, (scroll, right), (330, 1170))

    def _connect(self) -> None:
        c = self.controls
        c.params_changed.connect(self._schedule)
        c.load_requested.connect(self.ask_load)
        c.time_slider.valueChanged.connect(self.set_time)
        c.back_button.clicked.connect(lambda: self.step_time(-1))
        c.forward_button.clicked.connect(lambda: self.step_time(1))
        c.play_button.toggled.connect(self.set_playing)
        self.play_timer.timeout.connect(self._tick)
        self.kernel_draw.weights_drawn.connect(self._on_weights_drawn)
        self.worker.result_ready.connect(self._show_result)

    # recomputation
    def _schedule(self, *_args) -> None:
        if not self._dirty:
            self._dirty = True
            QTimer.singleShot(0, self.recompute)

    def recompute(self) -> None:
        """Submit the current parameters (coalesced bursts end here)."""
        self._dirty = False
        p = self.controls.params()
        if p.kind == "drawn":
            if self.drawn is None:
                self.drawn = self.kernel_draw.weights.copy() if self.last_result else np.ones(p.width)
            self.drawn = stretch(self.drawn, p.width)
        if p.source == "file" and self.loaded is not None:
            x, truth = self.loaded, None
        else:
            _, truth, x = spaceship_track(p.length, p.step, p.noise, p.seed)
        self.worker.submit(SmoothingJob(p, x, truth, None if self.drawn is None else self.drawn.copy()))

    def _on_weights_drawn(self, weights) -> None:
        self.drawn = np.asarray(weights, dtype=np.float64)
        if self.controls.params().kind != "drawn":
            self.controls.change(kind="drawn", width=int(self.drawn.size))
        self._schedule()

    def _show_result(self, result) -> None:
        if result.error:
            self.message.emit(f"Could not smooth the signal: {result.error.partition(': ')[2] or result.error}")
            return
        r = result.value
        self.last_result = r
        p = r.job.params
        shown = r.job.drawn if p.kind == "drawn" else r.kernel.weights
        self.kernel_draw.set_kernel(shown, r.kernel.lags)
        self.track_plot.show_track(r)
        self.error_plot.show_errors(r)
        self.commute_plot.show_commutation(r.commutation, r.kernel.first_lag)
        self.summary.setText(summary_text(r))
        self._displayed += 1
        self.set_time(self.t if self.t is not None else int(r.times[r.times.size // 2]) if r.times.size else 0)

    def frames_displayed(self) -> int:
        """How many times the plots were redrawn."""
        return self._displayed

    # flip and slide
    def set_time(self, t: int) -> None:
        """Show the flip-and-slide terms of the estimate at time t (clamped to the estimate times)."""
        r = self.last_result
        if r is None or r.times.size == 0:
            return
        t = int(min(max(int(t), int(r.times[0])), int(r.times[-1])))
        self.t = t
        terms = flip_and_slide(r.job.x, r.kernel.weights, r.kernel.lags, t)
        self.slide_view.show_terms(r.job.x, terms, t, float(r.estimate[t - r.times[0]]))
        self.track_plot.time_line.setValue(t)
        self.controls.set_time_range(int(r.times[0]), int(r.times[-1]), t)

    def step_time(self, steps: int) -> None:
        """Move t forwards (or backwards), wrapping around at the ends."""
        r = self.last_result
        if r is None or r.times.size == 0:
            return
        first, count = int(r.times[0]), r.times.size
        self.set_time(first + ((self.t if self.t is not None else first) - first + steps) % count)

    def set_playing(self, playing: bool) -> None:
        """Start or stop sliding the kernel along the signal."""
        button = self.controls.play_button
        button.blockSignals(True)
        button.setChecked(bool(playing))
        button.setText("❚❚ pause" if playing else "▶ play")
        button.blockSignals(False)
        if playing:
            self.play_timer.start()
        else:
            self.play_timer.stop()

    def hideEvent(self, event) -> None:
        """Stop playing when another panel is shown."""
        self.set_playing(False)
        super().hideEvent(event)

    def _tick(self) -> None:
        self._ticks += self.controls.speed_spin.value() / TICKS_PER_SECOND
        steps, self._ticks = int(self._ticks), self._ticks - int(self._ticks)
        if steps:
            self.step_time(steps)

    # files
    def ask_load(self) -> None:
        """Ask for a CSV or text file holding a 1-D signal."""
        path, _ = QFileDialog.getOpenFileName(self, "Load a 1-D signal", "",
                                              "Signals (*.csv *.txt *.tsv *.dat);;All files (*)")
        if path:
            self.load_signal(path)

    def load_signal(self, path, column=None) -> bool:
        """Load a signal (column from the argument, else from the column field); errors keep the last state."""
        column = self.controls.column() if column is None else column
        try:
            values = read_signal(path, None if column == "" else column)
        except ValueError as exc:
            self.controls.show_error(str(exc))
            self.message.emit(str(exc))
            return False
        self.loaded = values
        self.t = None
        self.controls.show_error("")
        self.controls.set_file_available(True, f"{Path(path).name}: {values.size} values")
        self.message.emit(f"Loaded {values.size} values from {path}")
        if self.controls.params().source == "file":
            self._schedule()
        else:
            self.controls.change(source="file")
        return True

    # lesson files
    def lesson_state(self) -> dict:
        """This panel's settings as JSON values, for lesson files."""
        return smoothing_lesson_state(self)

    def apply_lesson_state(self, state: dict) -> list:
        """Apply settings from a lesson file (checked first, all or nothing); returns plain-language warnings."""
        return apply_smoothing_lesson_state(self, state)
