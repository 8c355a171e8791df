"""Lesson-file settings of the connectivity panel: the 1-D layer (m, n, k, stride, dilation, padding,
tiling period), the layer stack, the convolution-arithmetic grid and the current sub-tab."""
from __future__ import annotations

from dataclasses import asdict, replace

from convlab.io.lesson_fields import check_fields, choice, integer
from convlab.ui.panels.connectivity.controls import ArithmeticParams, LayerParams, StackParams
from convlab.ui.panels.lesson_widgets import check_section, refused

WHERE = "Connectivity"
GROUPS = {"layer": LayerParams, "stack": StackParams, "arithmetic": ArithmeticParams}


def connectivity_lesson_state(panel, tab_keys) -> dict:
    """{"layer": {..., "outputs": n}, "stack": {...}, "arithmetic": {...}, "tab": sub-tab key}."""
    state = {key: asdict(panel.controls.value(key)) for key in GROUPS}
    state["layer"]["outputs"] = panel.controls.value("layer").outputs
    state["tab"] = tab_keys[panel.tabs.currentIndex()]
    return state


def _group(controls, key, section, warnings):
    """The checked parameter value of one group (defaults for missing fields)."""
    where = f"{WHERE}, {key}"
    extra = {"outputs": integer(0, 10 ** 6)} if key == "layer" else None
    values, notes = check_section(section, controls._w[key], where, extra)
    warnings += notes
    outputs = values.pop("outputs", None)
    value = replace(GROUPS[key](), **values)
    if outputs is not None and outputs != value.outputs:
        warnings.append(f"{where}: n = {outputs!r} does not follow from m, k, stride, dilation and padding; "
                        f"n = {value.outputs} is shown.")
    return value


def apply_connectivity_lesson_state(panel, state, tab_keys) -> list[str]:
    """Check everything, then apply through the controls (as the widgets do); missing fields take defaults."""
    controls = panel.controls
    try:
        top, warnings = check_fields(state, {"layer": _any, "stack": _any, "arithmetic": _any,
                                             "tab": choice(tuple(tab_keys))}, WHERE)
        values = {key: _group(controls, key, top.get(key, {}), warnings) for key in GROUPS}
    except ValueError as exc:
        return refused(WHERE, exc)
    for key, value in values.items():
        controls.change(key, **asdict(value))
    panel.show_tab(top.get("tab", tab_keys[0]))
    return warnings


def _any(value, _name):
    return value
