"""A long task (k-means, a comparison) on a worker thread, with progress, partial results and cancel.

Modelled on Orange3's ConcurrentMixin: the task is a plain function ``task(*args, state)`` that
reports through its `TaskState` (``set_progress``, ``set_partial_result``) and looks at
``state.is_cancelled()``, typically from an engine ``callback(step, info)`` that returns it.
Everything it reports reaches the main thread through queued signals, tagged with the run it
belongs to: once a run is cancelled or replaced by a newer one (changing an input restarts the
task), nothing more from it is shown. `LatestOnlyWorker` (``convlab.ui.live``) is the per-frame
counterpart. With ``synchronous=True`` the task runs inline in `start` (tests), its reports are
delivered at once, and a slot may call `cancel` from a partial result.
"""
from __future__ import annotations

import itertools
import threading
import traceback

from PySide6.QtCore import QObject, Signal

__all__ = ["TaskRunner", "TaskState"]


class TaskState:
    """What a running task sees: a cancel flag and ways to report (thread-safe)."""

    def __init__(self, run_id: int, report):
        self.run_id = run_id
        self._cancel = threading.Event()
        self._report = report

    def is_cancelled(self) -> bool:
        """True once the run was cancelled or replaced: the task should return soon."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the task to stop."""
        self._cancel.set()

    def set_progress(self, fraction: float, text: str = "") -> None:
        """Report progress in 0..1 with a short description."""
        if not self.is_cancelled():
            self._report(self.run_id, "progress", (float(fraction), str(text)))

    def set_partial_result(self, value) -> None:
        """Report an intermediate result (e.g. the centroids so far)."""
        if not self.is_cancelled():
            self._report(self.run_id, "partial", value)

    def engine_callback(self, on_step=None):
        """A ``callback(step, info)`` for engine loops: calls ``on_step(step, info)``, stops when cancelled."""
        def callback(step, info):
            if on_step is not None and not self.is_cancelled():
                on_step(step, info)
            return self.is_cancelled()
        return callback


class TaskRunner(QObject):
    """Runs one task at a time in the background; a new `start` cancels the running one."""

    started = Signal()
    progress_changed = Signal(float, str)
    partial_result = Signal(object)
    finished = Signal(object)  # the task's return value
    failed = Signal(str)
    cancelled = Signal()
    _reported = Signal(int, str, object)

    def __init__(self, synchronous: bool = False, parent=None):
        super().__init__(parent)
        self.synchronous = synchronous
        self._ids = itertools.count(1)
        self._state: TaskState | None = None
        self._threads: list[threading.Thread] = []
        self._reported.connect(self._deliver)

    def is_running(self) -> bool:
        """True while a run is in progress (not finished, failed or cancelled)."""
        return self._state is not None

    def start(self, task, *args) -> None:
        """Run ``task(*args, state)``; a run still in progress is cancelled first."""
        self._cancel_current(emit=False)
        state = TaskState(next(self._ids), self._report)
        self._state = state
        self.started.emit()
        if self.synchronous:
            self._execute(task, args, state)
            return
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=self._execute, args=(task, args, state), name="convlab-task", daemon=True)
        self._threads.append(thread)
        thread.start()

    def cancel(self, notify: bool = True) -> None:
        """Cancel the running task (it stops at its next check); emits `cancelled` once if `notify`."""
        self._cancel_current(emit=notify)

    def wait(self, timeout: float = 10.0) -> bool:
        """Join the worker threads (tests, shutdown); True if they all ended."""
        for thread in list(self._threads):
            thread.join(timeout)
        return not any(t.is_alive() for t in self._threads)

    def shutdown(self) -> None:
        """Cancel and wait briefly (the window is closing)."""
        self._cancel_current(emit=False)
        self.wait(5.0)

    def _cancel_current(self, emit: bool) -> None:
        state, self._state = self._state, None
        if state is not None:
            state.cancel()
            if emit:
                self.cancelled.emit()

    def _report(self, run_id: int, kind: str, payload) -> None:
        if self.synchronous:
            self._deliver(run_id, kind, payload)
        else:
            self._reported.emit(run_id, kind, payload)  # queued to the main thread

    def _execute(self, task, args, state: TaskState) -> None:
        try:
            value = task(*args, state)
        except Exception as exc:  # shown in the panel, never raised into Qt
            if not isinstance(exc, ValueError):  # a ValueError is a refusal the message explains: no traceback
                traceback.print_exc()
            self._report(state.run_id, "failed", f"{type(exc).__name__}: {exc}")
            return
        self._report(state.run_id, "done", value)

    def _deliver(self, run_id: int, kind: str, payload) -> None:
        state = self._state
        if state is None or state.run_id != run_id or state.is_cancelled():
            return  # a stale run: cancelled or replaced
        if kind == "progress":
            self.progress_changed.emit(*payload)
        elif kind == "partial":
            self.partial_result.emit(payload)
        else:
            self._state = None
            if kind == "done":
                self.finished.emit(payload)
            else:
                self.failed.emit(payload)
