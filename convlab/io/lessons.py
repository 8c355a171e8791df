"""Lesson files (``.convlab``): the whole state of the lab as versioned JSON.

A lesson file holds::

    {"format": "convlab-lesson", "version": 1,
     "title": "An edge detector", "description": "one or two sentences for the status bar",
     "panel": "features",                       # the panel shown
     "source": "sample:edges",                  # a source spec (a relative path is read from the lesson's folder)
     "bank": {"names": ["sobel_x", ...], "kernels": [[[-1.0, 0.0, 1.0], ...], ...],
              "enabled": [true, ...], "origin": "edges 3x3"},
     "panels": {"features": {"stage": "conv", ...}, "smoothing": {...}}}

Only ``format`` and ``version`` are required; a missing part leaves that part of the lab as it is.
Kernels are nested lists ``(kh, kw)`` or ``(kh, kw, C)``. Panel sections are checked by their panel
when the lesson is applied (see ``convlab.ui.lesson_state``).

Saving is atomic: the text goes to a temporary file in the same folder, is flushed to disk, then
renamed over the target, so an interrupted save never leaves a broken file and never destroys the
previous one. Loading checks everything before returning: a file that cannot be a lesson raises
:class:`LessonFileError` naming the file and the reason; a newer version, unknown fields or
malformed optional parts give plain-language warnings in :attr:`Lesson.warnings` instead.
"""
from __future__ import annotations

from pathlib import Path

from convlab.io.atomic import write_text_atomic
from convlab.io.checked_files import read_text_file
from convlab.io.lesson_format import (
    FORMAT,
    LESSON_SUFFIX,
    MAX_FILE_BYTES,
    VERSION,
    Lesson,
    LessonBank,
    LessonFileError,
    lesson_document,
    lesson_file_error,
    lesson_text,
)
from convlab.io.lesson_parse import parse_lesson

__all__ = ["FORMAT", "LESSON_SUFFIX", "VERSION", "Lesson", "LessonBank", "LessonFileError", "lesson_document",
           "lesson_text", "load_lesson", "parse_lesson", "read_lesson_title", "save_lesson"]

_error = lesson_file_error


def save_lesson(path, lesson: Lesson) -> Path:
    """Save a lesson atomically; a path without a suffix gets ``.convlab``.

    Parameters
    ----------
    path : str or os.PathLike
        Target file; its folder must exist.
    lesson : Lesson
        Checked before anything is written (ValueError/TypeError on bad content).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OSError
        If the file cannot be written; the previous file, if any, is then intact.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> save_lesson(folder / "demo", Lesson(panel="smoothing")).name
    'demo.convlab'
    """
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(LESSON_SUFFIX)
    text = lesson_text(lesson)
    write_text_atomic(path, text)
    return path


# ---- reading ---------------------------------------------------------------------------------
def _read_text(path: Path) -> str:
    """The file's text, after refusing missing files, folders, special, empty, huge or non-UTF-8 files."""
    return read_text_file(path, _error, "a lesson file", MAX_FILE_BYTES)


def load_lesson(path) -> Lesson:
    """Read and check a lesson file.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Lesson
        With ``warnings`` listing, in plain language, what was ignored (newer version, unknown
        fields, malformed optional parts) and ``path`` set to `path`.

    Raises
    ------
    LessonFileError
        Missing file, folder, empty, not UTF-8, not JSON, truncated, not an object, another
        format, an unusable version, or a broken kernel bank (non-finite or ragged weights).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = save_lesson(pathlib.Path(tempfile.mkdtemp()) / "a.convlab", Lesson(panel="smoothing"))
    >>> load_lesson(target).panel
    'smoothing'
    """
    path = Path(path)
    lesson = parse_lesson(_read_text(path), path)
    return Lesson(lesson.panel, lesson.source, lesson.bank, lesson.panels, lesson.title, lesson.description,
                  lesson.warnings, lesson.version, str(path))


def read_lesson_title(path) -> str:
    """The "title" of a lesson file, or its file name (without suffix) when it has none or cannot be read.

    >>> read_lesson_title("/nonexistent/edge-detector.convlab")
    'edge-detector'
    """
    try:
        title = load_lesson(path).title.strip()
    except LessonFileError:
        title = ""
    return title or Path(path).stem
