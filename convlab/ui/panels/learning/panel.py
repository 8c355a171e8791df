"""Feature-learning panel: k-means kernels from image patches, and what learned, random and hand-designed
kernels are worth.

Data flow: the forms (LearnSettings, MontageSettings, CompareSettings) -> ``convlab.lab.learning`` /
``convlab.lab.compare`` tasks on a TaskRunner (batch k-means, the comparison) or a LatestOnlyWorker
(online k-means, one frame at a time) -> the montage, the patch samples and the comparison's charts.
File dialogs and file work are in ``files.py``; lesson files in ``lesson.py``.
"""
from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from convlab.engine.block import shrink_to
from convlab.lab.compare import CompareSettings
from convlab.lab.learning import (
    LearnedKernels,
    LearnSettings,
    MontageSettings,
    OnlineSession,
    bank_note,
    learn_task,
    online_update,
)
from convlab.ui.live import LatestOnlyWorker
from convlab.ui.panels.base import Panel
from convlab.ui.panels.learning import files
from convlab.ui.panels.learning.compare import CompareSection
from convlab.ui.panels.learning.controls import LearnControls
from convlab.ui.panels.learning.lesson import apply_learning_lesson_state, learning_lesson_state
from convlab.ui.panels.learning.views import KernelMontage, PatchSamples
from convlab.ui.runner import TaskRunner
from convlab.ui.widgets.form import control_column, side_by_side

COLLECT_EVERY_S = 0.5
MAX_COLLECTED = 30
COLLECT_MAX_SIDE = 640


def _default_picture():
    """The bundled photo used until a frame arrives."""
    from convlab.sources.samples import open_sample

    return open_sample("china").read().image


class LearningPanel(Panel):
    """Learn kernels with k-means (batch or online), send them to the bank, and compare feature sets."""

    key = "learning"
    title = "Feature learning"
    keeps_lesson_settings = True

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        self.bank = bank
        self.controls, self.montage, self.samples = LearnControls(), KernelMontage(), PatchSamples()
        self.compare = CompareSection(synchronous, self)
        self.compare_controls, self.comparison = self.compare.controls, self.compare.view
        self.learn_runner = TaskRunner(synchronous, self)
        self.online_worker = LatestOnlyWorker(online_update, synchronous=synchronous, parent=self)
        self.learned: LearnedKernels | None = None
        self._shown: LearnedKernels | None = None  # what the montage shows (maybe a partial result)
        self.online: OnlineSession | None = None
        self._frame = None
        self._picture = _default_picture()
        self._from_default = True
        self._collected: deque = deque(maxlen=MAX_COLLECTED)
        self._last_collected = (None, -1e9)
        self._displayed = 0
        self._learn_dirty = False
        self._layout()
        self._connect()

    def _layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.controls)
        column.addWidget(self.compare_controls)
        column.addStretch(1)
        self.scroll = control_column(left)
        kernels_tab = QSplitter(Qt.Vertical)
        kernels_tab.addWidget(self.montage)
        kernels_tab.addWidget(self.samples)
        kernels_tab.setSizes([560, 240])
        self.tabs = QTabWidget()
        self.tabs.addTab(kernels_tab, "Learned kernels")
        self.tabs.addTab(self.comparison, "What are the features worth?")
        side_by_side(self, (self.scroll, self.tabs), (360, 1140))

    def _connect(self) -> None:
        c, r = self.controls, self.learn_runner
        c.learn_changed.connect(self._on_learn_changed)
        c.form.refused.connect(self.message)
        c.montage_form.changed.connect(lambda _montage: self._show(self.learned) if self.learned is not None else None)
        c.learn_requested.connect(self.learn)
        c.cancel_requested.connect(r.cancel)
        c.online_toggled.connect(self.set_online)
        c.use_bank_requested.connect(self.use_as_bank)
        c.save_requested.connect(lambda: files.ask_kernels(self, save=True))
        c.load_requested.connect(lambda: files.ask_kernels(self, save=False))
        c.browse_requested.connect(lambda: files.ask_folder(c))
        c.clear_collected_requested.connect(self.clear_collected)
        self.montage.kernel_hovered.connect(self._describe_kernel)
        r.started.connect(lambda: c.set_running(True))
        r.progress_changed.connect(c.set_progress)
        r.partial_result.connect(self._show)
        r.finished.connect(self._on_learned)
        r.failed.connect(lambda text: self._learning_stopped(f"Learning failed: {text}", error=True))
        r.cancelled.connect(lambda: self._learning_stopped("Learning cancelled."))
        self.online_worker.result_ready.connect(self._on_online_result)
        self.compare.message.connect(self.message)
        self.tabs.currentChanged.connect(
            lambda index: self.scroll.ensureWidgetVisible(self.compare_controls) if index == 1 else None)

    def shutdown(self) -> None:
        """Stop the background work (the window is closing)."""
        self.learn_runner.shutdown()
        self.compare.shutdown()
        self.online_worker.stop()

    # frames and the patch source
    def set_frame(self, frame) -> None:
        """Keep the newest frame, collect one now and then, feed online k-means."""
        self._frame = frame
        self._picture = frame.image
        now = time.monotonic()
        if frame is not self._last_collected[0] and now - self._last_collected[1] >= COLLECT_EVERY_S:
            self._collected.append(shrink_to(frame.image, COLLECT_MAX_SIDE).copy())
            self._last_collected = (frame, now)
            self.controls.set_collected(len(self._collected))
        if self.online is not None:
            self.online_worker.submit((self.online, frame))
        elif self._from_default and self.controls.settings().relearn:
            self._from_default = False
            self._schedule_learn()

    def clear_collected(self) -> None:
        """Forget the collected frames."""
        self._collected.clear()
        self.controls.set_collected(0)

    def showEvent(self, event) -> None:
        """Learn on first show (the bundled photo until a frame arrives)."""
        super().showEvent(event)
        if self.learned is None and not self.learn_runner.is_running() and self.online is None:
            self._schedule_learn()

    # batch learning
    def _on_learn_changed(self, settings: LearnSettings) -> None:
        if self.online is not None:
            self.set_online(True)
        elif settings.relearn and (self.learn_runner.is_running() or self.learned is not None):
            self.learn_runner.cancel(notify=False)  # the stale run; a new one follows
            self._schedule_learn()
        elif self.learn_runner.is_running():
            self.learn_runner.cancel()
        elif self.learned is not None:
            self.controls.status_label.setText("Settings changed: press Learn kernels.")

    def _schedule_learn(self) -> None:
        if not self._learn_dirty:
            self._learn_dirty = True
            QTimer.singleShot(0, self.learn)

    def learn(self) -> None:
        """Start learning with the current settings (cancels a run in progress)."""
        self._learn_dirty = False
        if self.online is not None:
            return
        settings = self.controls.settings()
        self.learn_runner.start(learn_task, self.pictures(settings), settings)

    def pictures(self, settings: LearnSettings) -> list:
        """The pictures batch learning cuts its patches from (a folder is read by the task itself)."""
        return list(self._collected) if settings.source == "collected" and self._collected else [self._picture]

    def _on_learned(self, learned) -> None:
        self.show_learned(learned)
        self.controls.set_running(False)
        self.controls.set_progress(1.0, f"Done: {len(learned.kernels)} kernels after {learned.steps} steps.")

    def _learning_stopped(self, text, error=False) -> None:
        self.controls.set_running(False)
        self.controls.show_status(text, error)
        self.message.emit(text)

    def set_online(self, on: bool) -> None:
        """Online mode: a fresh model updated with the patches of every new frame."""
        if self.learn_runner.is_running():
            self.learn_runner.cancel()
        self.online = OnlineSession(self.controls.settings()) if on else None
        self.controls.buttons["learn"].setEnabled(not on)
        if on and self._frame is not None:
            self.online_worker.submit((self.online, self._frame))

    def _on_online_result(self, result) -> None:
        if result.error:
            self.message.emit(f"Online learning: {result.error}")
            return
        session, learned = result.value
        if session is self.online:
            self.show_learned(learned)
            self.controls.status_label.setText(learned.origin)
            self.frame_displayed.emit(result.job[1])

    # display
    def show_learned(self, learned: LearnedKernels) -> None:
        """Make ``learned`` the current kernels (a finished run, an online update or a loaded bank)."""
        self.learned = learned
        self._show(learned)
        self._displayed += 1

    def _show(self, learned: LearnedKernels) -> None:
        montage = self.controls.montage()
        tiles, title = learned.shown(montage)
        self.montage.set_kernels(tiles, learned.order(montage.sort_by), learned.sizes, title)
        if learned.samples_before is not None:
            self.samples.set_samples(learned.samples_before, learned.samples_after)
        self._shown = learned
        self.controls.bank_note.setText(bank_note(len(learned.kernels)))

    def _describe_kernel(self, index) -> None:
        text = "" if self._shown is None else self._shown.describe(index)
        if text:
            self.controls.status_label.setText(text)

    def frames_displayed(self) -> int:
        """Finished learning results and online updates shown."""
        return self._displayed

    # bank
    def use_as_bank(self) -> bool:
        """Replace the shared bank with the learned kernels (whitening folded in), at most MAX_KERNELS."""
        if self.learned is None:
            self.message.emit("Learn (or load) kernels first.")
            return False
        names, kernels = self.learned.bank(self.controls.montage().sort_by)
        self.bank.set_from_arrays(names, kernels, origin=self.learned.origin)
        self.message.emit(f"The bank now holds {len(names)} {self.learned.origin} kernels.")
        return True

    # lesson files and settings
    def lesson_state(self) -> dict:
        """The panel's settings as JSON values, for lesson files."""
        return learning_lesson_state(self)

    def apply_lesson_state(self, state: dict) -> list:
        """Apply settings from a lesson file (checked first, all or nothing); returns plain-language warnings."""
        return apply_learning_lesson_state(self, state)

    def current_settings(self) -> tuple:
        """(LearnSettings, MontageSettings, CompareSettings)."""
        return self.controls.settings(), self.controls.montage(), self.compare_controls.settings()

    def apply_settings(self, settings) -> None:
        """Show and use one of the panel's settings objects as if the user had set the controls."""
        forms = {LearnSettings: self.controls.form, MontageSettings: self.controls.montage_form,
                 CompareSettings: self.compare_controls}
        if type(settings) not in forms:
            super().apply_settings(settings)
        forms[type(settings)].change(**vars(settings))
