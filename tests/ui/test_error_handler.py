"""The global exception handler: a slot that raises is logged and shown; the window keeps working."""
import io
import sys
import threading

import pytest
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from convlab.ui.app import _install_excepthook
from convlab.ui.error_handler import MAX_MESSAGE, install_exception_handler, short_message
from convlab.ui.main_window import MainWindow


class Emitter(QObject):
    poked = Signal(int)


@pytest.fixture
def window(qtbot):
    w = MainWindow(settings=None, synchronous=True)
    qtbot.addWidget(w)
    w.show()
    w.open_spec("sample:checkerboard")
    qtbot.waitUntil(lambda: w.current_panel().frames_displayed() >= 1, timeout=10000)
    return w


@pytest.fixture
def handler(window):
    log = io.StringIO()
    h = install_exception_handler(lambda text: window.show_message(text, error=True), stream=log)
    h.log = log
    yield h
    h.uninstall()


def _bad_slot(value):
    raise ZeroDivisionError(f"poke {value} divided by zero")


@pytest.mark.qt_no_exception_capture
def test_a_slot_that_raises_is_logged_shown_and_the_window_keeps_working(window, handler, qtbot):
    emitter = Emitter()
    emitter.poked.connect(_bad_slot)
    emitter.poked.emit(7)  # PySide6 hands the exception to sys.excepthook and returns
    assert handler.count == 1
    assert "Traceback" in handler.log.getvalue() and "poke 7 divided by zero" in handler.log.getvalue()
    banner = window.source_bar.banner.text()
    assert banner.startswith("Internal error (ZeroDivisionError: poke 7 divided by zero)")
    assert "keeps running" in banner and window.statusBar().currentMessage() == banner
    assert not window.findChildren(QMessageBox)
    shown = window.current_panel().frames_displayed()  # the window still responds
    window.open_spec("sample:edges")
    qtbot.waitUntil(lambda: window.current_panel().frames_displayed() > shown, timeout=10000)
    window.show_panel("smoothing")
    assert window.current_panel().key == "smoothing"
    assert window.source_bar.banner.text() == "Source: sample: edges"


@pytest.mark.qt_no_exception_capture
def test_timer_callbacks_and_threads_are_caught_too(window, handler, qtbot):
    QTimer.singleShot(0, lambda: _bad_slot("timer"))
    qtbot.waitUntil(lambda: handler.count == 1, timeout=3000)
    assert "poke timer" in window.source_bar.banner.text()
    thread = threading.Thread(target=_bad_slot, args=("thread",), name="worker-x")
    thread.start()
    thread.join(5)
    qtbot.waitUntil(lambda: "poke thread" in window.source_bar.banner.text(), timeout=3000)
    assert "in thread worker-x" in handler.log.getvalue()


@pytest.mark.qt_no_exception_capture
def test_repeats_are_counted_not_flooded(window, handler):
    emitter = Emitter()
    emitter.poked.connect(_bad_slot)
    for i in range(50):
        emitter.poked.emit(i)
    log = handler.log.getvalue()
    assert handler.count == 50
    assert log.count("Traceback") == 1
    assert "again (2 times)" in log and "again (11 times)" in log
    assert "poke 49" in window.source_bar.banner.text()


@pytest.mark.qt_no_exception_capture
def test_a_failing_report_does_not_escape(handler):
    handler.report = lambda text: (_ for _ in ()).throw(RuntimeError("window gone"))
    emitter = Emitter()
    emitter.poked.connect(_bad_slot)
    emitter.poked.emit(1)
    assert "could not show the error message (RuntimeError: window gone)" in handler.log.getvalue()


def test_messages_are_short_and_hooks_restored(window):
    text = short_message(ValueError, ValueError("x" * 1000 + "\nsecond line"))
    assert len(text) < MAX_MESSAGE + 80 and "…" in text and "\n" not in text
    before = sys.excepthook, threading.excepthook
    h = _install_excepthook([window])
    assert sys.excepthook == h.handle
    h.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
