"""What every panel offers the main window: frames in, messages out, and the optional hooks.

The main window, the lesson code and presentation mode call these hooks on every panel; a panel
overrides those it has a use for. The defaults say "nothing here" (no lesson settings, no presets,
nothing to export), so no caller needs to ask whether a panel has a hook.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QScrollArea, QSplitter, QWidget


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

    # lesson files
    keeps_lesson_settings = False  # True where lesson_state/apply_lesson_state are implemented

    def lesson_state(self) -> dict:
        """The panel's settings as JSON values, for lesson files (empty: nothing to keep)."""
        return {}

    def apply_lesson_state(self, state: dict) -> list[str]:
        """Apply a lesson's settings for this panel; returns plain-language warnings."""
        return [f"The panel '{self.title}' does not keep lesson settings; its part of the lesson was ignored."]

    # settings (convlab.lab settings dataclasses), for the command line's --set panel.field=value
    def current_settings(self) -> tuple:
        """The panel's current settings objects (frozen dataclasses from convlab.lab), one per group."""
        return ()

    def apply_settings(self, settings) -> None:
        """Show and use ``settings`` (one of the objects ``current_settings`` returns, changed) as if
        the user had set them in the controls."""
        raise ValueError(f"the panel '{self.title}' has no settings of type {type(settings).__name__}")

    # presentation mode
    def control_columns(self) -> list[QWidget]:
        """The secondary controls that F6 and presentation mode hide: by default every scroll area
        that is the left part of a splitter."""
        return [area for area in self.findChildren(QScrollArea)
                if isinstance(area.parentWidget(), QSplitter) and area.parentWidget().indexOf(area) == 0]

    def set_ui_scale(self, scale: float) -> None:
        """Re-arrange for a UI scale (or after the control column was shown or hidden)."""

    def step_preset(self, delta: int) -> str:
        """Switch to the next (+1) or previous (-1) preset (PageDown/PageUp); returns what is now
        chosen, "" when the panel has no presets."""
        return ""

    # export
    def can_export(self) -> bool:
        """Whether File > Export has something to save on this panel."""
        return False

    def ask_export(self, which=None) -> None:
        """Ask where to save what this panel shows (only called when ``can_export()``)."""
