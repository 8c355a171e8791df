"""Lesson-file settings of the signal-smoothing panel: the signal generator, the kernel (kind, width,
decay, placement, normalise), the boundary mode, the flip-and-slide time t and speed, and, when used,
the hand-drawn weights and the loaded signal."""
from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np

from convlab.io.lesson_fields import integer, number_list
from convlab.ui.panels.lesson_widgets import check_section, refused
from convlab.ui.panels.smoothing.controls import DECAY_SCALE, MAX_WIDTH, NOISE_SCALE, SmoothingParams

WHERE = "Signal smoothing"
MAX_SIGNAL_VALUES = 1_000_000
DEFAULT_SPEED = 10


def smoothing_lesson_state(panel) -> dict:
    """SmoothingParams fields, "t" (None: the middle), "speed", and "drawn_weights"/"signal" when in use."""
    params = panel.controls.params()
    state = asdict(params)
    state.update(t=panel.t, speed=panel.controls.speed_spin.value())
    if params.kind == "drawn" and panel.drawn is not None:
        state["drawn_weights"] = [float(w) for w in panel.drawn]
    if params.source == "file" and panel.loaded is not None:
        state["signal"] = [float(v) for v in panel.loaded]
    return state


def _time(value, name):
    return None if value is None else integer(-10 ** 7, 10 ** 7)(value, name)


def _checked(panel, state):
    """(SmoothingParams, extras, warnings) from `state`; ValueError on any bad value."""
    controls = panel.controls
    extra = {"width": integer(1, MAX_WIDTH), "t": _time,
             "speed": integer(controls.speed_spin.minimum(), controls.speed_spin.maximum()),
             "drawn_weights": number_list(1, MAX_WIDTH), "signal": number_list(2, MAX_SIGNAL_VALUES)}
    values, warnings = check_section(state, controls._w, WHERE, extra)
    extras = {key: values.pop(key, None) for key in ("t", "speed", "drawn_weights", "signal")}
    params = replace(SmoothingParams(), **values)
    # the resolution of the widgets, as if the values had been set with them
    params = replace(params, step=round(params.step, 2), noise=round(params.noise * NOISE_SCALE) / NOISE_SCALE,
                     decay=round(params.decay * DECAY_SCALE) / DECAY_SCALE)
    if params.source == "file" and extras["signal"] is None and panel.loaded is None:
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
    if extras["signal"] is not None:
        panel.loaded = np.array(extras["signal"], dtype=np.float64)
        controls.set_file_available(True, f"signal from the lesson: {panel.loaded.size} values")
    if extras["drawn_weights"] is not None:
        panel.drawn = np.array(extras["drawn_weights"], dtype=np.float64)
    panel.t = extras["t"]
    controls.speed_spin.setValue(extras["speed"] or DEFAULT_SPEED)
    controls.show_error("")
    before = controls.params()
    controls.change(**asdict(params))  # emits (and recomputes) only when something changed
    if controls.params() == before:
        panel.recompute()
    return warnings
