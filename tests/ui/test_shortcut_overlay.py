"""The shortcut overlay lists every QAction and QShortcut key of the window, opens with F1 or ?, closes on a key."""
import html

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMessageBox

from convlab.ui.main_window import MainWindow
from convlab.ui.shortcut_overlay import ShortcutOverlay, collect_shortcuts


@pytest.fixture
def window(qtbot):
    w = MainWindow(settings=None, synchronous=True)
    qtbot.addWidget(w)
    w.resize(1400, 850)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=3000)
    return w


def _every_key(window):
    keys = set()
    for action in window.findChildren(QAction):
        keys |= {s.toString(QKeySequence.NativeText) for s in action.shortcuts() if not s.isEmpty()}
    for shortcut in window.findChildren(QShortcut):
        keys |= {s.toString(QKeySequence.NativeText) for s in shortcut.keys() if not s.isEmpty()}
    return keys


def test_overlay_lists_every_shortcut_of_the_window(window, qtbot):
    window.show_shortcuts()  # what F1 (Help > Keyboard shortcuts) calls
    overlay = window.findChild(ShortcutOverlay)
    assert overlay is not None and overlay.isVisible()
    assert overlay.geometry() == window.rect()
    keys = _every_key(window)
    for expected in ("F5", "F1", "?", "P", "Space", "N", "PgDown", "PgUp", "1", "F11", "F6"):
        assert expected in keys
    text = overlay.text()
    for key in keys:
        assert f"<b>{html.escape(key)}</b>" in text, key
    listed = {s.keys for s in collect_shortcuts(window)}
    assert listed == keys
    assert "Freeze / resume the live frames" in text and "In the Feature maps panel" in text
    assert not window.findChildren(QMessageBox)


def test_f1_and_question_mark_open_it_any_key_closes_it(window, qtbot):
    qtbot.keyClick(window.current_panel(), Qt.Key.Key_F1)
    overlay = window.findChild(ShortcutOverlay)
    qtbot.waitUntil(overlay.isVisible, timeout=2000)
    qtbot.keyClick(overlay, Qt.Key.Key_A)
    assert not overlay.isVisible()
    qtbot.keyClick(window.current_panel(), Qt.Key.Key_Question)
    assert overlay.isVisible()
    panel_before = window.tabs.currentIndex()
    qtbot.keyClick(overlay, Qt.Key.Key_2)  # a window shortcut: closes the overlay instead of acting
    assert not overlay.isVisible() and window.tabs.currentIndex() == panel_before
    window.show_shortcuts()
    qtbot.mouseClick(overlay, Qt.MouseButton.LeftButton)
    assert not overlay.isVisible()


def test_overlay_text_follows_the_ui_scale(window):
    window.presentation.set_ui_scale(2.0)
    try:
        window.show_shortcuts()
        assert "font-size:30pt" in window.findChild(ShortcutOverlay).text()
    finally:
        window.presentation.set_ui_scale(1.0)
