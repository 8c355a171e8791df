"""What every panel offers the main window."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget


class Panel(QWidget):
    """A panel of the lab: it receives frames while it is the visible one."""

    key = ""
    title = ""
    frame_displayed = Signal(object)  # the Frame whose result is now on screen
    message = Signal(str)  # a short note for the status bar

    def set_frame(self, frame) -> None:
        """Take a new frame from the current source (only called while visible)."""

    def shutdown(self) -> None:
        """Stop this panel's worker threads (the window is closing)."""
        from convlab.ui.live import LatestOnlyWorker

        for worker in self.findChildren(LatestOnlyWorker):
            worker.stop()

    def frames_displayed(self) -> int:
        """How many results this panel has put on screen."""
        return 0
