"""Lesson-file settings of the feature-learning panel, applied as a user would change the controls.

What the section may hold is declared once in ``convlab.lab.learning`` (LearnSettings, MontageSettings,
"relearn", "compare" with ``convlab.lab.compare.CompareSettings``, "tab"). New learning settings
re-learn only when the lesson's own "re-learn when a setting changes" switch says so, and the
comparison never starts.
"""
from __future__ import annotations

from convlab.lab.learning import TAB_KEYS, LearningLesson, lesson_from_section, lesson_section
from convlab.ui.panels.lesson_widgets import refused

WHERE = "Feature learning"


def learning_lesson_state(panel) -> dict:
    """The panel's settings and sub-tab as a lesson-file section."""
    return lesson_section(LearningLesson(panel.controls.settings(), panel.controls.montage(),
                                         panel.compare_controls.settings(), TAB_KEYS[panel.tabs.currentIndex()]))


def apply_learning_lesson_state(panel, state) -> list[str]:
    """Check everything, then apply as the controls do (only what changed); missing fields take defaults."""
    try:
        lesson, warnings = lesson_from_section(state, WHERE)
    except ValueError as exc:
        return refused(WHERE, exc)
    c = panel.controls
    c.montage_form.change(**vars(lesson.montage))
    panel.compare_controls.change(**vars(lesson.compare))
    c.change(**vars(lesson.learn))  # re-learns only if the lesson's re-learn switch says so
    panel.tabs.setCurrentIndex(TAB_KEYS.index(lesson.tab))
    return warnings
