"""An overlay over the window listing every keyboard shortcut it has (F1 or ?), in large type.

The list is collected from the window itself, so it never goes stale: every QAction with a shortcut
(menus included) and every QShortcut (panels included). A QShortcut's description is its
``whatsThis()`` text, else a known description of its keys, else the panel it belongs to.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from convlab.ui.panels.base import Panel
from convlab.ui.theme import theme

KNOWN_KEYS = {
    "Space": "freeze / resume the live frames",
    "N": "step one frame while frozen",
    "P": "play / pause the video",
    "?": "this list of keys",
    "F1": "this list of keys",
}


@dataclass(frozen=True)
class ShortcutInfo:
    """One shortcut: its keys as shown to the user, what it does, and where it works."""

    keys: str
    description: str
    where: str


def _key_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def _where(obj, window) -> str:
    node = obj.parent()
    while node is not None and node is not window:
        if isinstance(node, Panel):
            return node.title
        node = node.parent()
    return "everywhere"


def _action_text(action: QAction) -> str:
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def collect_shortcuts(window) -> list[ShortcutInfo]:
    """Every QAction and QShortcut shortcut of ``window`` (menus and panels included), without repeats."""
    found: list[ShortcutInfo] = []
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            text, keys = _action_text(action), _key_text(sequence)
            if not sequence.isEmpty() and text:
                text = f"show the {text} panel" if keys.isdigit() else text
                found.append(ShortcutInfo(keys, text, _where(action, window)))
    for shortcut in window.findChildren(QShortcut):
        for sequence in shortcut.keys():
            if sequence.isEmpty():
                continue
            keys = _key_text(sequence)
            where = _where(shortcut, window)
            description = shortcut.whatsThis() or KNOWN_KEYS.get(keys) or f"a key of the {where} panel"
            found.append(ShortcutInfo(keys, description, where))
    found = [ShortcutInfo(s.keys, s.description[:1].upper() + s.description[1:], s.where) for s in found]
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda s: (s.where != "everywhere", s.where))


def _rows_html(shortcuts: list[ShortcutInfo]) -> list[str]:
    rows, group = [], None
    for s in shortcuts:
        if s.where != group:
            group = s.where
            title = "Everywhere" if group == "everywhere" else f"In the {group} panel"
            rows.append(f"<tr><td colspan='2' style='padding-top:8px; color:#ffd54f;'><b>{html.escape(title)}"
                        "</b></td></tr>")
        rows.append(f"<tr><td style='padding-right:20px;'><b>{html.escape(s.keys)}</b></td>"
                    f"<td>{html.escape(s.description)}</td></tr>")
    return rows


def shortcut_table_html(shortcuts: list[ShortcutInfo], points: float) -> str:
    """The shortcuts as HTML: two columns of tables, grouped by where the keys work."""
    rows = _rows_html(shortcuts)
    half = (len(rows) + 1) // 2
    if half < len(rows) and "colspan" in rows[half - 1]:
        half -= 1  # never leave a group title at the bottom of the left column
    columns = [f"<table cellspacing='3'>{''.join(part)}</table>" for part in (rows[:half], rows[half:])]
    return (f"<div style='font-size:{points:g}pt; color:white;'>"
            f"<p align='center' style='font-size:{points * 1.3:g}pt;'><b>Keyboard shortcuts</b> "
            "<span style='color:#bbbbbb;'>(any key or a click closes this)</span></p>"
            f"<table align='center'><tr><td valign='top'>{columns[0]}</td><td width='60'></td>"
            f"<td valign='top'>{columns[1]}</td></tr></table></div>")


class ShortcutOverlay(QWidget):
    """A dark, see-through layer over the whole window with the list of keys; any key or click closes it."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("ShortcutOverlay { background-color: rgba(16, 18, 28, 242); }")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.label.setStyleSheet("background: transparent;")
        scroll = QScrollArea()
        scroll.setWidget(self.label)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 40)
        layout.addWidget(scroll)
        window.installEventFilter(self)
        self.hide()

    def shortcuts(self) -> list[ShortcutInfo]:
        """What the overlay lists now."""
        return collect_shortcuts(self.window_)

    def show_over_window(self) -> None:
        """Fill the window with the list, in a font that follows the UI scale."""
        self.label.setText(shortcut_table_html(self.shortcuts(), theme().points("title")))
        self.setGeometry(self.window_.rect())
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.PopupFocusReason)

    def text(self) -> str:
        """The listed text (for tests and screen readers)."""
        return self.label.text()

    def event(self, event) -> bool:
        """A key that is a window shortcut closes the overlay instead of acting."""
        if event.type() == QEvent.Type.ShortcutOverride:
            self.hide()
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        """Any key closes the overlay."""
        self.hide()
        event.accept()

    def mousePressEvent(self, event) -> None:
        """A click closes the overlay."""
        self.hide()
        event.accept()

    def eventFilter(self, watched, event) -> bool:
        """Follow the window's size."""
        if watched is self.window_ and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.window_.rect())
        return False


def show_shortcut_overlay(window) -> ShortcutOverlay:
    """Show (creating once) the shortcut overlay of ``window``; a second call while shown hides it."""
    overlay = window.findChild(ShortcutOverlay)
    if overlay is None:
        overlay = ShortcutOverlay(window)
    if overlay.isVisible():
        overlay.hide()
    else:
        overlay.show_over_window()
    return overlay


def install_shortcut_overlay(window) -> None:
    """Add the "?" key for the overlay (F1 is the Help menu's key, which calls ``window.show_shortcuts``)."""
    shortcut = QShortcut(QKeySequence("?"), window, lambda: show_shortcut_overlay(window))
    shortcut.setWhatsThis("this list of keys")
