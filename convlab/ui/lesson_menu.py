"""The lesson entries of the File menu: Open lesson… (Ctrl+L), Save lesson… (Ctrl+S), and the shipped lessons."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from convlab.io.lessons import LESSON_SUFFIX, LessonFileError, read_lesson_title
from convlab.resources_path import resource_path
from convlab.ui.lesson_state import LessonApplyError, open_lesson, save_window_lesson

LESSON_FILTER = f"convlab lessons (*{LESSON_SUFFIX});;All files (*)"
MAX_NOTES_SHOWN = 2


def shipped_lessons() -> list[tuple[str, Path]]:
    """(title, path) of the lessons in resources/lessons, in file-name order."""
    folder = resource_path("lessons")
    paths = sorted(folder.glob(f"*{LESSON_SUFFIX}")) if folder.is_dir() else []
    return [(read_lesson_title(path), path) for path in paths]


def _slug(title: str) -> str:
    return re.sub(r"[^\w]+", "-", title.strip().lower()).strip("-") or "lesson"


def opened_note(lesson) -> tuple[str, bool]:
    """The status-bar note after a lesson was opened, and whether it reports problems."""
    name = lesson.title or Path(lesson.path).stem
    if not lesson.warnings:
        return f"Lesson: {name}. {lesson.description}".strip(), False
    shown = " ".join(lesson.warnings[:MAX_NOTES_SHOWN])
    more = f" (and {len(lesson.warnings) - MAX_NOTES_SHOWN} more)" if len(lesson.warnings) > MAX_NOTES_SHOWN else ""
    return f"Lesson '{name}' opened with {len(lesson.warnings)} note(s): {shown}{more}", True


class LessonMenu(QObject):
    """Adds the lesson actions to a File menu and opens/saves lessons for a MainWindow."""

    def __init__(self, window, file_menu: QMenu):
        super().__init__(window)
        self.window = window
        self.title, self.description = "", ""
        self.last_warnings: list[str] = []
        self.open_action = QAction("Open &lesson…", window, shortcut=QKeySequence("Ctrl+L"))
        self.save_action = QAction("&Save lesson…", window, shortcut=QKeySequence("Ctrl+S"))
        self.open_action.triggered.connect(self.ask_open)
        self.save_action.triggered.connect(self.ask_save)
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.save_action)
        self.lessons_menu = file_menu.addMenu("Lesso&ns")
        self.lessons_menu.aboutToShow.connect(self.fill_lessons)
        self.fill_lessons()

    def fill_lessons(self) -> None:
        """List the shipped lessons by title."""
        self.lessons_menu.clear()
        for title, path in shipped_lessons():
            self.lessons_menu.addAction(title, lambda p=path: self.open(p))
        if self.lessons_menu.isEmpty():
            self.lessons_menu.addAction("(no lessons found)").setEnabled(False)

    def open(self, path) -> bool:
        """Open a lesson; a bad file or a failed apply changes nothing and says why."""
        try:
            lesson = open_lesson(self.window, path)
        except (LessonFileError, LessonApplyError) as exc:
            self.last_warnings = [str(exc)]
            self.window.show_message(str(exc), error=True)
            return False
        self.title, self.description = lesson.title, lesson.description
        self.last_warnings = list(lesson.warnings)
        self.window.show_message(*opened_note(lesson))
        return True

    def save(self, path) -> bool:
        """Save the whole state as a lesson file (atomically); failures are reported, the old file stays."""
        title = self.title or Path(path).stem.replace("-", " ").replace("_", " ")
        try:
            written = save_window_lesson(self.window, path, title, self.description)
        except (OSError, ValueError, TypeError) as exc:
            self.window.show_message(f"Could not save the lesson {Path(path).name}: {exc}", error=True)
            return False
        self.title = title
        self.window.show_message(f"Saved the lesson '{title}' to {written}")
        return True

    def ask_open(self) -> None:
        """Ask for a lesson file and open it."""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a lesson", str(resource_path("lessons")),
                                              LESSON_FILTER)
        if path:
            self.open(path)

    def ask_save(self) -> None:
        """Ask where to save the lesson."""
        suggested = f"{_slug(self.title)}{LESSON_SUFFIX}"
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the lesson", suggested, LESSON_FILTER)
        if path:
            self.save(path)


def open_lesson_from_command_line(window, path) -> bool:
    """Open a lesson for ``--lesson``: errors and notes go to stderr; False if the lesson cannot be opened."""
    try:
        lesson = open_lesson(window, path)
    except (LessonFileError, LessonApplyError) as exc:
        print(f"convlab: {exc}", file=sys.stderr)
        return False
    for note in lesson.warnings:
        print(f"convlab: {note}", file=sys.stderr)
    menu = getattr(window, "lessons", None)
    if menu is not None:
        menu.title, menu.description, menu.last_warnings = lesson.title, lesson.description, list(lesson.warnings)
    window.show_message(*opened_note(lesson))
    return True
