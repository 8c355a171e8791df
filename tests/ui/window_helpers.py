"""A real MainWindow for tests, and small helpers the window-level test files share."""
import json

from convlab.io.lessons import lesson_document
from convlab.ui.lesson_state import gather_lesson
from convlab.ui.main_window import MainWindow


def make_window(qtbot, source=None):
    """A shown 1400x850 MainWindow without remembered settings, working synchronously; with a
    `source` spec, opened on it and waited for until the first frame is displayed."""
    window = MainWindow(settings=None, synchronous=True)
    qtbot.addWidget(window)
    window.resize(1400, 850)
    window.show()
    if source is not None:
        window.open_spec(source)
        qtbot.waitUntil(lambda: window.current_panel().frames_displayed() >= 1, timeout=10000)
    return window


def settle(qtbot):
    """Let the zero-delay timers (coalesced recomputations, source polls, scheduled learning) run."""
    qtbot.wait(30)


def panel(window, key):
    """The window's panel with this key."""
    return next(p for p in window.panels if p.key == key)


def state(window) -> dict:
    """The whole state as the JSON document a lesson file would hold."""
    return json.loads(json.dumps(lesson_document(gather_lesson(window))))
