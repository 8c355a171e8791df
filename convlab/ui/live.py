"""Latest-frame-only hand-over to one worker thread, with results delivered on the main thread.

A camera or a video produces frames faster than heavy settings can process them. The worker keeps
at most one pending job: a newer job replaces an older pending one (which counts as dropped), so the
latency stays bounded and the display never falls behind. Results come back through a queued signal,
and a result older than the one already shown is never shown.
"""
from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal


@dataclass(frozen=True)
class JobResult:
    """What the worker computed for one job."""

    seq: int
    job: Any
    value: Any = None
    error: str = ""


class LatestOnlyWorker(QObject):
    """Runs ``compute(job)`` on one background thread, always on the newest submitted job."""

    result_ready = Signal(object)  # a JobResult, on the main thread, in order
    _computed = Signal(object)

    def __init__(self, compute: Callable[[Any], Any], synchronous: bool = False, parent=None):
        super().__init__(parent)
        self._compute = compute
        self.synchronous = synchronous
        self._cond = threading.Condition()
        self._pending: tuple[int, Any] | None = None
        self._busy = False
        self._stopped = False
        self._seq = 0
        self._last_delivered = 0
        self.dropped = 0
        self._thread: threading.Thread | None = None
        self._computed.connect(self._deliver_in_order)

    def submit(self, job) -> None:
        """Hand a job over; an older pending job is dropped."""
        self._seq += 1
        if self.synchronous:
            self._computed.emit(self._run(self._seq, job))
            return
        with self._cond:
            if self._pending is not None:
                self.dropped += 1
            self._pending = (self._seq, job)
            self._cond.notify()
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="convlab-worker", daemon=True)
            self._thread.start()

    def is_idle(self) -> bool:
        """True when nothing is pending or running."""
        with self._cond:
            return self._pending is None and not self._busy

    def stop(self) -> None:
        """Stop the thread (waits for the running job)."""
        with self._cond:
            self._stopped = True
            self._pending = None
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self, seq, job) -> JobResult:
        try:
            return JobResult(seq, job, self._compute(job))
        except Exception as exc:  # reported in the window, never raised into Qt
            traceback.print_exc()
            return JobResult(seq, job, error=f"{type(exc).__name__}: {exc}")

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                seq, job = self._pending
                self._pending = None
                self._busy = True
            result = self._run(seq, job)
            with self._cond:
                self._busy = False
            if not self._stopped:
                try:
                    self._computed.emit(result)
                except RuntimeError:  # this object was deleted while the job ran (the window closed)
                    return

    def _deliver_in_order(self, result: JobResult) -> None:
        if result.seq <= self._last_delivered:
            return
        self._last_delivered = result.seq
        self.result_ready.emit(result)


class Coalesced(QObject):
    """Call ``slot`` once on the next turn of the event loop, however often it was asked for before: a
    burst of control changes (a slider dragged, a lesson applied) recomputes once.

    Calling the object asks for the call (any arguments are ignored, so it connects to any signal);
    ``clear()`` forgets the request when the slot ran directly; ``immediate=True`` calls the slot at once
    (the synchronous mode the tests use).
    """

    def __init__(self, slot: Callable[[], None], parent: QObject, immediate: bool = False):
        super().__init__(parent)
        self._slot, self._immediate, self.pending = slot, immediate, False

    def __call__(self, *_args) -> None:
        if self._immediate:
            self._slot()
        elif not self.pending:
            self.pending = True
            QTimer.singleShot(0, self, self._run)

    def clear(self) -> None:
        """The slot ran directly: the next request schedules a call again."""
        self.pending = False

    def _run(self) -> None:
        self.pending = False
        self._slot()

