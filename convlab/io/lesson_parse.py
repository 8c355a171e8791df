"""Checking the JSON document of a lesson file: hard errors for what cannot be a lesson, warnings for the rest."""
from __future__ import annotations

import json
import math
import re

import numpy as np

from convlab.io.lesson_format import (
    BANK_FIELDS,
    FORMAT,
    MAX_BANK_KERNELS,
    MAX_CHANNELS,
    MAX_KERNEL_SIDE,
    TOP_FIELDS,
    VERSION,
    Lesson,
    LessonBank,
    lesson_file_error,
)

__all__ = ["parse_lesson"]

_PANEL_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_error = lesson_file_error


def _decode(text: str, name):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            reason = "the file ends too early (truncated?)"
        else:
            reason = "it is not valid JSON"
        raise _error(name, f"{reason}: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise _error(name, "its lists or groups are nested too deeply") from None


def parse_lesson(text: str, name="lesson") -> Lesson:
    """Check the text of a lesson file (see :func:`load_lesson`); `name` is used in messages.

    >>> parse_lesson('{"format": "convlab-lesson", "version": 1, "panel": "features"}').panel
    'features'
    """
    document = _decode(text, name)
    if not isinstance(document, dict):
        kind = {list: "a list", str: "a piece of text"}.get(type(document), f"a single value ({document!r:.30})")
        raise _error(name, f"it is not a convlab lesson: the file holds {kind}, not a group of settings")
    found = document.get("format")
    if found != FORMAT:
        raise _error(name, f"it is not a convlab lesson (\"format\" must be \"{FORMAT}\", found {found!r:.60})")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _error(name, f"\"version\" must be a whole number from 1 up, found {version!r:.30}")
    warnings = []
    if version > VERSION:
        warnings.append(f"This lesson was saved by a newer convlab (file version {version}; this one reads "
                        f"version {VERSION}): settings it does not know are ignored.")
    warnings += [f"The lesson field '{key}' is unknown to this convlab and was ignored."
                 for key in document if key not in TOP_FIELDS]
    texts = {key: _optional_text(document, key, warnings) for key in ("title", "description", "panel", "source")}
    if texts["panel"] and not _PANEL_KEY.fullmatch(texts["panel"]):
        warnings.append(f"The panel name {texts['panel']!r:.50} is not a panel key; the current panel stays.")
        texts["panel"] = ""
    try:
        bank = _parse_bank(document["bank"], warnings) if document.get("bank") is not None else None
    except ValueError as exc:
        raise _error(name, f"the kernel bank is broken: {exc}") from None
    panels = _parse_panels(document.get("panels", {}), warnings)
    return Lesson(texts["panel"], texts["source"], bank, panels, texts["title"], texts["description"],
                  tuple(warnings), version)


def _optional_text(document: dict, key: str, warnings: list) -> str:
    value = document.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 4096:
        warnings.append(f"The lesson field '{key}' must be text; found {type(value).__name__}, so it was ignored.")
        return ""
    return value


def _parse_panels(panels, warnings: list) -> dict:
    if not isinstance(panels, dict):
        warnings.append("The lesson's \"panels\" must be a group of panel settings; they were ignored.")
        return {}
    kept = {}
    for key, section in panels.items():
        if isinstance(section, dict):
            kept[key] = section
        else:
            warnings.append(f"The settings of panel '{key:.40}' must be a group of named values; they were ignored.")
    return kept


def _parse_bank(bank, warnings: list) -> LessonBank:
    """A LessonBank from the "bank" object; ValueError on bad names or kernels, warnings for the rest."""
    if not isinstance(bank, dict):
        raise ValueError("\"bank\" must be a group with \"names\" and \"kernels\"")
    warnings += [f"The bank field '{key}' is unknown to this convlab and was ignored."
                 for key in bank if key not in BANK_FIELDS]
    names, kernels = bank.get("names"), bank.get("kernels")
    if not isinstance(names, list) or not 1 <= len(names) <= MAX_BANK_KERNELS:
        raise ValueError(f"\"names\" must be a list of 1 to {MAX_BANK_KERNELS} kernel names")
    if not all(isinstance(n, str) and n.strip() and len(n) <= 200 for n in names):
        raise ValueError("every kernel name must be non-empty text of at most 200 characters")
    if not isinstance(kernels, list) or len(kernels) != len(names):
        count = len(kernels) if isinstance(kernels, list) else "no list of"
        raise ValueError(f"\"kernels\" must be a list with one kernel per name ({len(names)} names, {count} kernels)")
    arrays = tuple(_kernel_array(k, f"kernel {i + 1} ('{n:.40}')") for i, (n, k) in enumerate(zip(names, kernels)))
    enabled = bank.get("enabled")
    if enabled is None:
        enabled = [True] * len(names)
    elif not (isinstance(enabled, list) and len(enabled) == len(names) and all(isinstance(e, bool) for e in enabled)
              and any(enabled)):
        warnings.append("The bank's \"enabled\" flags must be true/false, one per kernel, at least one true; "
                        "every kernel is used instead.")
        enabled = [True] * len(names)
    origin = bank.get("origin", "lesson")
    if not isinstance(origin, str):
        warnings.append("The bank's \"origin\" must be text; it was ignored.")
        origin = "lesson"
    return LessonBank(tuple(names), arrays, tuple(enabled), origin)


def _kernel_array(value, where: str) -> np.ndarray:
    """float32 (kh, kw) or (kh, kw, C) from nested lists; ValueError saying where a weight is wrong."""
    shape, probe = [], value
    while isinstance(probe, list) and len(shape) < 4:
        if not probe:
            raise ValueError(f"{where} has an empty list of weights")
        shape.append(len(probe))
        probe = probe[0]
    if len(shape) not in (2, 3):
        raise ValueError(f"{where} must be rows of weights (kh, kw) or rows of channel lists (kh, kw, C)")
    limits = (MAX_KERNEL_SIDE, MAX_KERNEL_SIDE, MAX_CHANNELS)
    if any(n > limit for n, limit in zip(shape, limits)):
        raise ValueError(f"{where} is {' x '.join(map(str, shape))}; at most {MAX_KERNEL_SIDE} per side and "
                         f"{MAX_CHANNELS} channels")
    _check_nested(value, shape, where, ())
    with np.errstate(over="ignore"):
        array = np.array(value, dtype=np.float32)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{where} has a weight too large for 32-bit floats (largest about 3.4e38)")
    return array


def _check_nested(value, shape, where, index) -> None:
    position = ", ".join(f"{axis} {i + 1}" for axis, i in zip(("row", "column", "channel"), index))
    if not shape:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where}: the weight at {position} must be a number; found {value!r:.30}")
        try:
            finite = math.isfinite(float(value))
        except OverflowError:
            finite = False
        if not finite:
            raise ValueError(f"{where}: the weight at {position} is {value!r:.30}; weights must be finite numbers")
        return
    if not isinstance(value, list) or len(value) != shape[0]:
        found = len(value) if isinstance(value, list) else f"a {type(value).__name__}"
        what = ("rows", f"weights in row {index[0] + 1}" if index else "", f"channels at {position}")[len(index)]
        raise ValueError(f"{where} is not rectangular: {shape[0]} {what} expected, found {found}")
    for i, item in enumerate(value):
        _check_nested(item, shape[1:], where, index + (i,))

