"""Feature-learning panel: k-means kernels from image patches, and what learned, random and hand-designed
kernels are worth."""
from __future__ import annotations

import time
from collections import deque
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QSplitter, QTabWidget, QVBoxLayout, QWidget

from convlab.engine.block import shrink_to
from convlab.io.kernel_files import KernelFileError, kernel_file_filter, load_bank, save_bank
from convlab.ui.live import LatestOnlyWorker
from convlab.ui.panels.base import Panel
from convlab.ui.panels.learning.compare import CompareSection
from convlab.ui.panels.learning.controls import LearnControls
from convlab.ui.panels.learning.lesson import apply_learning_lesson_state, learning_lesson_state
from convlab.lab.kernel_bank import MAX_KERNELS
from convlab.ui.panels.learning.tasks import LearnedKernels, OnlineSession, learn_task, online_update
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
        c = self.controls
        c.params_changed.connect(self._on_params_changed)
        c.view_changed.connect(lambda _view: self._redraw())
        c.learn_requested.connect(self.learn)
        c.cancel_requested.connect(self.learn_runner.cancel)
        c.online_toggled.connect(self.set_online)
        c.use_bank_requested.connect(self.use_as_bank)
        c.save_requested.connect(lambda: self._ask_path(True))
        c.load_requested.connect(lambda: self._ask_path(False))
        c.clear_collected_requested.connect(self.clear_collected)
        c.invalid_input.connect(self.message)
        self.montage.kernel_hovered.connect(self._describe_kernel)
        r = self.learn_runner
        r.started.connect(lambda: c.set_running(True))
        r.progress_changed.connect(c.set_progress)
        r.partial_result.connect(self._show)
        r.finished.connect(self._on_learned)
        r.failed.connect(lambda text: self._learning_stopped(f"Learning failed: {text}", error=True))
        r.cancelled.connect(lambda: self._learning_stopped("Learning cancelled."))
        self.online_worker.result_ready.connect(self._on_online_result)
        self.compare.message.connect(self.message)
        self.tabs.currentChanged.connect(self._on_tab_changed)

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
        elif self._from_default and self.controls.auto_box.isChecked():
            self._from_default = False
            self._schedule_learn()

    def clear_collected(self) -> None:
        """Forget the collected frames."""
        self._collected.clear()
        self.controls.set_collected(0)

    def _pictures(self, params):
        return list(self._collected) if params.source == "collected" and self._collected else [self._picture]

    def showEvent(self, event) -> None:
        """Learn on first show (the bundled photo until a frame arrives)."""
        super().showEvent(event)
        if self.learned is None and not self.learn_runner.is_running() and self.online is None:
            self._schedule_learn()

    # batch learning
    def _on_params_changed(self, params) -> None:
        if self.online is not None:
            self.set_online(True)
        elif self.controls.auto_box.isChecked() and (self.learn_runner.is_running() or self.learned is not None):
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
        params = self.controls.params()
        self.learn_runner.start(learn_task, self._pictures(params), params)

    def _on_learned(self, learned) -> None:
        self.learned = learned
        self._show(learned)
        self._displayed += 1
        self.controls.set_running(False)
        self.controls.set_progress(1.0, f"Done: {len(learned.kernels)} kernels after {learned.steps} steps.")

    def _learning_stopped(self, text, error=False) -> None:
        self.controls.set_running(False)
        self.controls.status_label.setText(text)
        self.controls.status_label.setStyleSheet("color: #b00020;" if error else "")
        self.message.emit(text)

    def set_online(self, on: bool) -> None:
        """Online mode: a fresh model updated with the patches of every new frame."""
        if self.learn_runner.is_running():
            self.learn_runner.cancel()
        self.online = OnlineSession(self.controls.params()) if on else None
        self.controls.buttons["learn"].setEnabled(not on)
        if on and self._frame is not None:
            self.online_worker.submit((self.online, self._frame))

    def _on_online_result(self, result) -> None:
        if result.error:
            self.message.emit(f"Online learning: {result.error}")
            return
        session, learned = result.value
        if session is self.online:
            self.learned = learned
            self._show(learned)
            self._displayed += 1
            self.controls.status_label.setText(learned.origin)
            self.frame_displayed.emit(result.job[1])

    # display
    def _show(self, learned) -> None:
        view = self.controls.view()
        shown = learned.centroids if view.show == "centroids" and learned.centroids is not None else learned.kernels
        what = "centroids (whitened space)" if shown is learned.centroids else "kernels for raw pictures"
        sizes = "" if learned.sizes is None else ", bar and % = share of the patches"
        self.montage.set_kernels(shown, learned.order(view.sort_by), learned.sizes,
                                 f"{len(shown)} {what}, sorted by {view.sort_by}{sizes}"
                                 + ("" if learned.finished else " (forming…)"))
        if learned.samples_before is not None:
            self.samples.set_samples(learned.samples_before, learned.samples_after)
        self._shown = learned
        k = len(learned.kernels)
        self.controls.bank_note.setText(f"k = {k}: the bank holds at most {MAX_KERNELS} kernels, so it takes the "
                                        f"first {MAX_KERNELS} in the montage's order." if k > MAX_KERNELS else "")

    def _redraw(self) -> None:
        if self.learned is not None:
            self._show(self.learned)

    def _describe_kernel(self, index) -> None:
        learned = self._shown
        if learned is None or index < 0 or index >= len(learned.kernels):
            return
        share = "" if learned.sizes is None else \
            f": {int(learned.sizes[index]):,} patches ({100 * learned.sizes[index] / max(learned.sizes.sum(), 1):.1f}%)"
        self.controls.status_label.setText(f"kernel {index + 1}{share}")

    def frames_displayed(self) -> int:
        """Finished learning results and online updates shown."""
        return self._displayed

    # bank and files
    def use_as_bank(self) -> bool:
        """Replace the shared bank with the learned kernels (whitening folded in), at most 64."""
        if self.learned is None:
            self.message.emit("Learn (or load) kernels first.")
            return False
        names, kernels = self.learned.bank(self.controls.view().sort_by)
        self.bank.set_from_arrays(names, kernels, origin=self.learned.origin)
        self.message.emit(f"The bank now holds {len(names)} {self.learned.origin} kernels.")
        return True

    def _ask_path(self, save: bool) -> None:
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = dialog(self, "Save kernels" if save else "Load kernels", "kmeans-kernels.json",
                         kernel_file_filter(bank=True))
        if path and save:
            self.save_kernels(path)
        elif path:
            self.load_kernels(path)

    def save_kernels(self, path) -> bool:
        """Save all learned kernels (as sent to the bank) in the kernel editor's JSON format."""
        if self.learned is None:
            return self._file_error("Nothing to save yet: learn kernels first.")
        order = self.learned.order(self.controls.view().sort_by)
        try:
            save_bank(path, [f"k-means {rank + 1}" for rank in range(len(order))], list(self.learned.kernels[order]))
        except (OSError, ValueError) as exc:
            return self._file_error(f"Could not save: {exc}")
        self.controls.file_error.setText("")
        self.message.emit(f"Saved {len(order)} kernels to {path}")
        return True

    def load_kernels(self, path) -> bool:
        """Show a saved bank in the montage (then "Use as bank" sends it)."""
        try:
            names, kernels = load_bank(path)
        except (KernelFileError, OSError) as exc:
            return self._file_error(str(exc))
        if len({k.shape for k in kernels}) != 1:
            return self._file_error(f"'{Path(path).name}' mixes kernel sizes; the montage needs one size.")
        if self.learn_runner.is_running():
            self.learn_runner.cancel()
        self.learned = LearnedKernels(np.stack(kernels).astype(np.float32), origin=f"loaded {Path(path).name}")
        self.controls.file_error.setText("")
        self._show(self.learned)
        self._displayed += 1
        return True

    def _file_error(self, text) -> bool:
        self.controls.file_error.setText(text)
        self.message.emit(text)
        return False

    # lesson files
    def lesson_state(self) -> dict:
        """This panel's settings as JSON values, for lesson files."""
        return learning_lesson_state(self)

    def apply_lesson_state(self, state: dict) -> list:
        """Apply settings from a lesson file (checked first, all or nothing); returns plain-language warnings."""
        return apply_learning_lesson_state(self, state)

    def _on_tab_changed(self, index) -> None:
        if index == 1:
            self.scroll.ensureWidgetVisible(self.compare_controls)
