"""The lesson-file format: the Lesson value, its limits, and its JSON text (see convlab.io.lessons)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["FORMAT", "LESSON_SUFFIX", "VERSION", "Lesson", "LessonBank", "LessonFileError", "lesson_document",
           "lesson_file_error", "lesson_text"]

FORMAT = "convlab-lesson"
VERSION = 1
LESSON_SUFFIX = ".convlab"
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_BANK_KERNELS = 64
MAX_KERNEL_SIDE = 255
MAX_CHANNELS = 16
TOP_FIELDS = ("format", "version", "title", "description", "panel", "source", "bank", "panels")
BANK_FIELDS = ("names", "kernels", "enabled", "origin")


class LessonFileError(ValueError):
    """A lesson file cannot be opened; the message names the file and the reason."""


@dataclass(frozen=True, eq=False)
class LessonBank:
    """A kernel bank in a lesson: names, float32 kernels (kh, kw) or (kh, kw, C), enabled flags, origin."""

    names: tuple
    kernels: tuple
    enabled: tuple
    origin: str = ""


@dataclass(frozen=True, eq=False)
class Lesson:
    """The state of the lab: panel key, source spec, bank (None: keep), panel sections, and notes.

    ``warnings`` lists what :func:`load_lesson` could not use; ``path`` is the file it came from.
    """

    panel: str = ""
    source: str = ""
    bank: LessonBank | None = None
    panels: dict = field(default_factory=dict)
    title: str = ""
    description: str = ""
    warnings: tuple = ()
    version: int = VERSION
    path: str = ""


def lesson_file_error(name, reason) -> LessonFileError:
    """The error for a file that cannot be opened as a lesson: names the file and the reason."""
    return LessonFileError(f"Cannot open lesson '{name}': {reason}.")


def _short_floats(kernel) -> list:
    """Nested lists of the float32 weights, each the shortest decimal that reads back exactly."""
    array = np.asarray(kernel, dtype=np.float32)
    flat = [float(str(v)) for v in array.ravel()]
    return np.array(flat, dtype=np.float64).reshape(array.shape).tolist()


def _check_bank(bank: LessonBank) -> None:
    count = len(bank.names)
    if not 1 <= count <= MAX_BANK_KERNELS or len(bank.kernels) != count or len(bank.enabled) != count:
        raise ValueError(f"lesson.bank must hold 1 to {MAX_BANK_KERNELS} names, kernels and enabled flags of the "
                         f"same length; got {count}, {len(bank.kernels)} and {len(bank.enabled)}")
    for name, kernel in zip(bank.names, bank.kernels):
        array = np.asarray(kernel)
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"lesson.bank names must be non-empty text; got {name!r}")
        if array.ndim not in (2, 3) or 0 in array.shape or array.dtype.kind not in "biuf" \
                or not np.all(np.isfinite(array.astype(np.float32))):
            raise ValueError(f"lesson.bank kernel {name!r} must be a finite, non-empty (kh, kw) or (kh, kw, C) "
                             f"array of numbers; got shape {array.shape}, dtype {array.dtype}")


def lesson_document(lesson: Lesson) -> dict:
    """The JSON-ready dict of a lesson (``format`` and ``version`` first).

    Parameters
    ----------
    lesson : Lesson
        ``panels`` must map panel keys to dicts of JSON values (no NaN or infinity).

    Returns
    -------
    dict
        Kernels as nested lists of float; ``bank`` is left out when ``lesson.bank`` is None.

    Examples
    --------
    >>> lesson_document(Lesson(panel="smoothing"))["format"]
    'convlab-lesson'
    """
    if not isinstance(lesson, Lesson):
        raise TypeError(f"lesson must be a Lesson, got {type(lesson).__name__}")
    if not isinstance(lesson.panels, dict) or not all(isinstance(v, dict) for v in lesson.panels.values()):
        raise ValueError("lesson.panels must map each panel key to a dict of settings")
    document = {"format": FORMAT, "version": VERSION, "title": lesson.title, "description": lesson.description,
                "panel": lesson.panel, "source": lesson.source}
    if lesson.bank is not None:
        _check_bank(lesson.bank)
        bank = lesson.bank
        document["bank"] = {"names": list(bank.names), "kernels": [_short_floats(k) for k in bank.kernels],
                            "enabled": [bool(e) for e in bank.enabled], "origin": bank.origin}
    document["panels"] = {key: dict(section) for key, section in lesson.panels.items()}
    return document


def _is_scalar(value) -> bool:
    return not isinstance(value, (dict, list, tuple))


def _scalar_text(value, where: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where} is {value}; lesson files hold finite numbers only")
    if value is not None and not isinstance(value, (str, bool, int, float)):
        raise TypeError(f"{where} is a {type(value).__name__}; lesson files hold text, numbers, true/false, "
                        f"lists and groups only")
    return json.dumps(value, ensure_ascii=False)


def _json_text(value, where: str, depth: int = 0) -> str:
    """Indented JSON in which a list of plain values (a kernel row, a signal) stays on one line."""
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has the key {key!r}; keys must be text")
            shown = _json_text(item, f"{where}.{key}", depth + 1)
            items.append(f"{inner}{json.dumps(key, ensure_ascii=False)}: {shown}")
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if all(_is_scalar(v) for v in value):
            return "[" + ", ".join(_scalar_text(v, f"{where}[{i}]") for i, v in enumerate(value)) + "]"
        if all(isinstance(v, (list, tuple)) and all(_is_scalar(x) for x in v) for v in value):  # a 2-D grid
            return "[" + ", ".join(_json_text(v, f"{where}[{i}]") for i, v in enumerate(value)) + "]"
        items = [inner + _json_text(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return _scalar_text(value, where)


def lesson_text(lesson: Lesson) -> str:
    """The text of a lesson file (UTF-8 JSON, kernel rows on one line each).

    >>> lesson_text(Lesson(panel="features")).splitlines()[1]
    '  "format": "convlab-lesson",'
    """
    return _json_text(lesson_document(lesson), "lesson") + "\n"

