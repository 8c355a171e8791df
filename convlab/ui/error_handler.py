"""The global exception handler: an exception escaping a slot (or a thread) is logged and shown, never fatal.

PySide6 hands an exception raised in a slot, a virtual method or a timer callback to ``sys.excepthook``
and carries on. `ExceptionHandler` replaces that hook (and ``threading.excepthook``): it prints the
traceback to stderr (once per distinct place; repeats are counted, so an error in a paint event does not
flood the terminal), and shows a one-line message in the window through ``report(text)``. There is no
traceback dialog, the event loop keeps running, and an error inside the handler itself is contained.
"""
from __future__ import annotations

import sys
import threading
import traceback

from PySide6.QtCore import QObject, Signal

MAX_MESSAGE = 180


def short_message(exc_type, exc) -> str:
    """One line for the window: what failed, in at most MAX_MESSAGE characters."""
    detail = " ".join(str(exc).split())
    text = f"{exc_type.__name__}: {detail}" if detail else exc_type.__name__
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE - 1] + "…"
    return f"Internal error ({text}). The lab keeps running; details are in the terminal."


class _ThreadBridge(QObject):
    """Carries a report from another thread to the thread that created the handler (queued)."""

    reported = Signal(str)


class ExceptionHandler:
    """Installs itself as ``sys.excepthook`` and ``threading.excepthook``; ``uninstall()`` restores both."""

    def __init__(self, report, stream=None):
        self.report = report
        self.stream = stream
        self.count = 0
        self.last_message = ""
        self._seen: dict[tuple, int] = {}
        self._busy = False
        self._bridge = _ThreadBridge()
        self._bridge.reported.connect(self._show)
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        """Put the previous hooks back (only if ours are still installed)."""
        if sys.excepthook == self.handle:
            sys.excepthook = self._previous[0]
        if threading.excepthook == self._handle_thread:
            threading.excepthook = self._previous[1]

    def handle(self, exc_type, exc, tb) -> None:
        """sys.excepthook: log, then show a short message (never raises)."""
        if issubclass(exc_type, KeyboardInterrupt):
            self._quit()
            return
        message = self._log(exc_type, exc, tb)
        if message:
            self._show(message)

    def _handle_thread(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        message = self._log(args.exc_type, args.exc_value, args.exc_traceback,
                            f" in thread {getattr(args.thread, 'name', '?')}")
        if message:
            self._bridge.reported.emit(message)

    def _log(self, exc_type, exc, tb, where: str = "") -> str:
        """Print the traceback (or a one-line repeat note); returns the message for the window."""
        self.count += 1
        stream = self.stream or sys.stderr
        try:
            frames = traceback.extract_tb(tb)
            place = (exc_type.__name__,) + ((frames[-1].filename, frames[-1].lineno) if frames else ())
            repeats = self._seen.get(place, 0)
            self._seen[place] = repeats + 1
            if repeats == 0:
                print(f"convlab: uncaught exception{where} (the lab keeps running):", file=stream)
                traceback.print_exception(exc_type, exc, tb, file=stream)
            elif repeats in (1, 10, 100) or repeats % 1000 == 0:
                print(f"convlab: the same {exc_type.__name__} again ({repeats + 1} times){where}", file=stream)
            stream.flush()
        except Exception:  # a broken stream must not take the handler down
            pass
        return short_message(exc_type, exc)

    def _show(self, message: str) -> None:
        self.last_message = message
        if self._busy:  # the report itself failed and re-entered the hook
            return
        self._busy = True
        try:
            self.report(message)
        except Exception as exc:  # e.g. the window is being destroyed
            try:
                print(f"convlab: could not show the error message ({type(exc).__name__}: {exc})",
                      file=self.stream or sys.stderr)
            except Exception:
                pass
        finally:
            self._busy = False

    @staticmethod
    def _quit() -> None:
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        if app is not None:
            app.quit()


def install_exception_handler(report, stream=None) -> ExceptionHandler:
    """Install the global handler; ``report(text)`` shows a one-line message (e.g. in the status bar).

    >>> handler = install_exception_handler(lambda text: print(text))  # doctest: +SKIP
    """
    return ExceptionHandler(report, stream)
