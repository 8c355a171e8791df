"""Lesson-file settings of the connectivity panel: the 1-D layer (m, n, k, stride, dilation, padding,
tiling period), the layer stack, the convolution-arithmetic grid and the current sub-tab.

The section is checked by ``convlab.lab.connectivity.settings_from_lesson`` (the settings'
declarations), all or nothing; then shown in the forms without echo and drawn.
"""
from __future__ import annotations

from convlab.lab.connectivity import WHERE, lesson_section, settings_from_lesson
from convlab.ui.panels.lesson_widgets import refused


def connectivity_lesson_state(panel) -> dict:
    """{"layer": {..., "outputs": n}, "stack": {...}, "arithmetic": {...}, "tab": sub-tab key}."""
    return lesson_section(panel.settings, panel.current_tab())


def apply_connectivity_lesson_state(panel, state) -> list[str]:
    """Check everything, then show and draw it; missing fields take their defaults."""
    try:
        settings, tab, warnings = settings_from_lesson(state)
    except ValueError as exc:
        return refused(WHERE, exc)
    for key, value in settings.items():
        panel.apply_settings(value)
    panel.show_tab(tab)
    return warnings
