"""Signal-smoothing panel: the lecture's spaceship, s(t) = sum_a x(a) w(t - a), as a 1-D convolution."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from convlab.engine.smoothing import flip_and_slide
from convlab.lab.settings import settled
from convlab.lab.smoothing import SmoothingParams, SmoothingResult, compute_smoothing, make_job
from convlab.ui.live import Coalesced, LatestOnlyWorker
from convlab.ui.panels.base import Panel
from convlab.ui.panels.smoothing.controls import SmoothingControls
from convlab.ui.panels.smoothing.files import ask_signal_path, read_signal_file
from convlab.ui.panels.smoothing.lesson import apply_smoothing_lesson_state, smoothing_lesson_state
from convlab.ui.panels.smoothing.plots import CommutePlot, ErrorPlot, SlideView, TrackPlot, summary_label, summary_text
from convlab.ui.widgets.form import control_column, side_by_side
from convlab.ui.widgets.kernel_draw import KernelDraw

TICKS_PER_SECOND = 30


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
        self._schedule = Coalesced(self.recompute, self)
        self._layout()
        self._connect()
        self._schedule()

    def _layout(self) -> None:
        scroll = control_column(self.controls)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.track_plot)
        top.addWidget(self.error_plot)
        top.setSizes([780, 420])
        bottom = QSplitter(Qt.Orientation.Horizontal)
        for widget in (self.kernel_draw, self.slide_view, self.commute_plot):
            bottom.addWidget(widget)
        bottom.setSizes([300, 520, 340])
        plots = QSplitter(Qt.Orientation.Vertical)
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
        c.form.changed.connect(self._schedule)
        c.load_requested.connect(self.ask_load)
        c.time_slider.valueChanged.connect(self.set_time)
        c.back_button.clicked.connect(lambda: self.step_time(-1))
        c.forward_button.clicked.connect(lambda: self.step_time(1))
        c.play_button.toggled.connect(self.set_playing)
        self.play_timer.timeout.connect(self._tick)
        self.kernel_draw.weights_drawn.connect(self._on_weights_drawn)
        self.worker.result_ready.connect(self._show_result)

    # settings
    def current_settings(self) -> tuple:
        """The signal, kernel and boundary settings."""
        return (self.controls.settings(),)

    def apply_settings(self, settings) -> None:
        """Use SmoothingParams as if set in the controls (ValueError for a file source with no file loaded)."""
        if not isinstance(settings, SmoothingParams):
            super().apply_settings(settings)
        if settings.source == "file" and self.loaded is None:
            raise ValueError(f"{self.title}: the source can only be 'file' once a signal file is loaded")
        self.show_settings(settings)

    def show_settings(self, settings: SmoothingParams) -> None:
        """Show `settings` in the controls (without echo) and recompute with them: a change joins the
        coalesced recomputation, the same settings recompute at once (a lesson's signal, drawn weights or
        time t may be new)."""
        changed = settled(settings) != self.controls.settings()
        self.controls.form.set_settings(settings)
        if changed:
            self._schedule()
        else:
            self.recompute()

    # recomputation
    def recompute(self) -> None:
        """Submit the current settings (coalesced bursts end here)."""
        self._schedule.clear()
        p = self.controls.settings()
        drawn = self.drawn
        if p.kind == "drawn" and drawn is None and self.last_result is not None:
            drawn = self.kernel_draw.weights.copy()  # the kernel on screen becomes the drawn one
        job = make_job(p, self.loaded, drawn)
        if p.kind == "drawn":
            self.drawn = job.drawn.copy()
        self.worker.submit(job)

    def _on_weights_drawn(self, weights) -> None:
        self.drawn = np.asarray(weights, dtype=np.float64)
        if self.controls.settings().kind != "drawn":
            self.controls.form.change(kind="drawn", width=int(self.drawn.size))
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
        path = ask_signal_path(self)
        if path:
            self.load_signal(path)

    def load_signal(self, path, column=None) -> bool:
        """Load a signal (column from the argument, else from the column field); errors keep the last state."""
        try:
            values, description = read_signal_file(path, self.controls.column() if column is None else column)
        except ValueError as exc:
            self.controls.show_error(str(exc))
            self.message.emit(str(exc))
            return False
        self.loaded = values
        self.t = None
        self.controls.show_error("")
        self.controls.set_file_available(True, description)
        self.message.emit(f"Loaded {values.size} values from {path}")
        if self.controls.settings().source == "file":
            self._schedule()
        else:
            self.controls.form.change(source="file")
        return True

    # lesson files
    def lesson_state(self) -> dict:
        """The panel's settings as JSON values, for lesson files."""
        return smoothing_lesson_state(self)

    def apply_lesson_state(self, state: dict) -> list:
        """Apply settings from a lesson file (checked first, all or nothing); returns plain-language warnings."""
        return apply_smoothing_lesson_state(self, state)
