"""The whole state of the main window as a Lesson (gather), and a Lesson applied to the window (apply).

Applying checks first (panel keys, sections, source), then changes the source, each panel's settings,
the kernel bank and the visible panel. A panel checks its own section completely before touching
anything (``apply_lesson_state``), so a bad section is dropped with a warning. If anything still fails
while applying, the state from before is put back, so the running lab never stays half-changed.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from convlab.io.lessons import Lesson, LessonBank, load_lesson, save_lesson
from convlab.lab.kernel_bank import KernelEntry
from convlab.sources.samples import SAMPLE_NAMES
from convlab.ui.source_controller import describe_spec

SPEC_PREFIXES = ("sample", "camera", "video", "image")


class LessonApplyError(ValueError):
    """A lesson could not be applied; the previous state was restored."""


def _split_path_spec(spec: str):
    """("video:" / "image:" / "", path) for a file spec, None for samples and cameras."""
    kind, sep, rest = spec.partition(":")
    if sep and kind in ("sample", "camera") or spec == "camera":
        return None
    if sep and kind in ("video", "image"):
        return f"{kind}:", rest
    return "", spec


def resolve_source(spec: str, folder) -> str:
    """A source spec whose relative file path is read from `folder` (the lesson's folder)."""
    parts = _split_path_spec(spec)
    if not spec or parts is None or folder is None or Path(parts[1]).is_absolute():
        return spec
    return parts[0] + str(Path(folder) / parts[1])


def relative_source(spec: str, folder) -> str:
    """A source spec whose file path is written relative to `folder` when the file lies inside it."""
    parts = _split_path_spec(spec)
    if not spec or parts is None or folder is None:
        return spec
    try:
        inside = Path(parts[1]).resolve().relative_to(Path(folder).resolve())
    except (ValueError, OSError):
        return spec
    return parts[0] + inside.as_posix()


def panel_states(window) -> dict:
    """{panel key: lesson_state()} of every panel that keeps lesson settings."""
    return {p.key: p.lesson_state() for p in window.panels if p.keeps_lesson_settings}


def gather_lesson(window, title: str = "", description: str = "", folder=None) -> Lesson:
    """The window's state: visible panel, source spec (relative to `folder` if inside), bank, panels."""
    entries = window.bank.entries()
    bank = LessonBank(tuple(e.name for e in entries), tuple(e.kernel for e in entries),
                      tuple(e.enabled for e in entries), window.bank.origin)
    return Lesson(window.current_panel().key, relative_source(window.sources.spec, folder), bank,
                  panel_states(window), title, description)


class _Snapshot:
    """What apply_lesson may change, to put it back if applying fails."""

    def __init__(self, window):
        self.panel = window.current_panel().key
        self.spec = window.sources.spec
        self.entries, self.origin = window.bank.entries(), window.bank.origin
        self.states = panel_states(window)

    def restore(self, window) -> None:
        """Put back the source, the panels' settings, then the bank (a bank choice may rebuild it), the panel."""
        steps = []
        if window.sources.spec != self.spec:
            steps.append(lambda: window.open_spec(self.spec, quiet=True) if self.spec else window.sources.close())
        panels = {p.key: p for p in window.panels}
        steps += [lambda key=key, state=state: panels[key].apply_lesson_state(state)
                  for key, state in self.states.items()]
        steps += [lambda: window.bank.set_entries(self.entries, self.origin), lambda: window.show_panel(self.panel)]
        for step in steps:
            try:
                step()
            except Exception:  # restore as much as possible; the error itself is reported by apply_lesson
                pass


def _plan(window, lesson: Lesson):
    """Check the lesson against this window: (panel sections to apply, warnings). Changes nothing."""
    panels = {p.key: p for p in window.panels}
    warnings, sections = [], []
    if lesson.panel and lesson.panel not in panels:
        warnings.append(f"The lesson shows the panel '{lesson.panel}', which this convlab does not have; "
                        f"the current panel stays.")
    for key, state in lesson.panels.items():
        panel = panels.get(key)
        if panel is None:
            warnings.append(f"The lesson has settings for a panel '{key}' that this convlab does not have; "
                            f"they were ignored.")
        elif not panel.keeps_lesson_settings:
            warnings.append(f"The panel '{panel.title}' does not keep lesson settings; its part of the lesson "
                            f"was ignored.")
        else:
            sections.append((panel, state))
    return sections, warnings


def _source_problem(spec: str):
    """Why a spec surely cannot be opened, or None (a quick check before changing anything)."""
    kind, sep, rest = spec.partition(":")
    if sep and kind == "sample":
        return None if rest in SAMPLE_NAMES else f"there is no sample '{rest}'"
    parts = _split_path_spec(spec)
    if parts is not None and not Path(parts[1]).is_file():
        return f"the file {parts[1]} does not exist"
    return None


def _bank_entries(bank: LessonBank):
    return [KernelEntry(n, np.asarray(k, np.float32), bool(e)) for n, k, e in zip(bank.names, bank.kernels,
                                                                               bank.enabled)]


def apply_lesson(window, lesson: Lesson) -> list[str]:
    """Apply a lesson to the window; returns plain-language warnings about what was not applied.

    Raises LessonApplyError (after restoring the previous state) if applying fails unexpectedly.
    """
    sections, warnings = _plan(window, lesson)
    spec = resolve_source(lesson.source, Path(lesson.path).parent if lesson.path else None)
    problem = _source_problem(spec) if spec and spec != window.sources.spec else None
    if problem:
        warnings.append(f"The lesson's source cannot be opened ({problem}); the current source stays.")
    snapshot = _Snapshot(window)
    try:
        if spec and spec != window.sources.spec and not problem and not window.open_spec(spec, quiet=True):
            warnings.append(f"The lesson's source '{describe_spec(spec)}' could not be opened; the current source "
                            f"stays.")
        for panel, state in sections:
            warnings += panel.apply_lesson_state(state)
        if lesson.bank is not None:
            window.bank.set_entries(_bank_entries(lesson.bank), lesson.bank.origin or "lesson")
        if lesson.panel:
            window.show_panel(lesson.panel)
    except Exception as exc:
        snapshot.restore(window)
        raise LessonApplyError(f"The lesson could not be applied ({type(exc).__name__}: {exc}); the previous "
                               f"state was restored.") from exc
    return warnings


def open_lesson(window, path) -> Lesson:
    """Load (LessonFileError if the file is bad) and apply a lesson; its warnings include the applying ones."""
    lesson = load_lesson(path)
    warnings = list(lesson.warnings) + apply_lesson(window, lesson)
    return replace(lesson, warnings=tuple(warnings))


def save_window_lesson(window, path, title: str = "", description: str = "") -> Path:
    """Save the window's state as a lesson file (atomically); returns the path written."""
    folder = Path(path).parent
    return save_lesson(path, gather_lesson(window, title, description, folder))
