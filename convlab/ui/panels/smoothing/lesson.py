"""Lesson-file settings of the signal-smoothing panel: the SmoothingParams fields (checked by their
declarations), the flip-and-slide time t and speed, and, when used, the hand-drawn weights and the
loaded signal."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from convlab.io.lesson_fields import check_fields, integer, number_list
from convlab.lab.settings import as_section, from_section
from convlab.lab.smoothing import MAX_WIDTH, SmoothingParams
from convlab.ui.panels.lesson_widgets import refused
from convlab.ui.panels.smoothing.controls import DEFAULT_SPEED, SPEEDS

WHERE = "Signal smoothing"
MAX_SIGNAL_VALUES = 1_000_000


def _time(value, name):
    return None if value is None else integer(-10 ** 7, 10 ** 7)(value, name)


EXTRAS = {"t": _time, "speed": integer(*SPEEDS), "drawn_weights": number_list(1, MAX_WIDTH),
          "signal": number_list(2, MAX_SIGNAL_VALUES)}


def smoothing_lesson_state(panel) -> dict:
    """SmoothingParams fields, "t" (None: the middle), "speed", and "drawn_weights"/"signal" when in use."""
    params = panel.controls.settings()
    state = as_section(params)
    state.update(t=panel.t, speed=panel.controls.speed_spin.value())
    if params.kind == "drawn" and panel.drawn is not None:
        state["drawn_weights"] = [float(w) for w in panel.drawn]
    if params.source == "file" and panel.loaded is not None:
        state["signal"] = [float(v) for v in panel.loaded]
    return state


def _checked(panel, state):
    """(SmoothingParams, extras, warnings) from `state`; ValueError on any bad value."""
    section = dict(state) if isinstance(state, dict) else state
    extras = {name: section.pop(name) for name in EXTRAS if name in section} if isinstance(section, dict) else {}
    params, warnings = from_section(SmoothingParams, section, WHERE)
    extras, _ = check_fields(extras, EXTRAS, WHERE)
    if params.source == "file" and extras.get("signal") is None and panel.loaded is None:
        warnings.append(f"{WHERE}: the lesson uses a loaded signal but does not contain it; the spaceship is shown.")
        params = replace(params, source="spaceship")
    return params, extras, warnings


def apply_smoothing_lesson_state(panel, state) -> list[str]:
    """Check everything, then apply; missing fields take their default value."""
    try:
        params, extras, warnings = _checked(panel, state)
    except ValueError as exc:
        return refused(WHERE, exc)
    controls = panel.controls
    if extras.get("signal") is not None:
        panel.loaded = np.array(extras["signal"], dtype=np.float64)
        controls.set_file_available(True, f"signal from the lesson: {panel.loaded.size} values")
    if extras.get("drawn_weights") is not None:
        panel.drawn = np.array(extras["drawn_weights"], dtype=np.float64)
    panel.t = extras.get("t")
    controls.speed_spin.setValue(extras.get("speed") or DEFAULT_SPEED)
    controls.show_error("")
    panel.show_settings(params)
    return warnings
