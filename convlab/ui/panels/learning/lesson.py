"""Lesson-file settings of the feature-learning panel: the patches (source, folder, size, count, colour,
seed), the preprocessing (normalise, contrast epsilon, whitening, whitening epsilon), k-means (k, algorithm,
max. iterations), the re-learn switch, the montage (sort, show), the comparison (digits side, kernels per
bank, kernel size, seed, feature sets) and the current sub-tab.

Applying behaves as a user changing the widgets: new learning settings re-learn only when the panel's own
"re-learn when a setting changes" switch (as set by the lesson) would, and the comparison never starts.
"""
from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

from convlab.engine.compare import FEATURE_SETS
from convlab.io.lesson_fields import choice, flag, number, text
from convlab.ui.panels.learning.tasks import CompareParams, LearnParams, ViewParams
from convlab.ui.panels.lesson_widgets import check_section, refused

WHERE = "Feature learning"
TAB_KEYS = ("kernels", "compare")
MAX_FOLDER = 4096


def learning_lesson_state(panel) -> dict:
    """LearnParams and ViewParams fields, "relearn", "compare" {..., "sets": [...]} and "tab"."""
    state = asdict(panel.controls.params())
    state.update(asdict(panel.controls.view()), relearn=panel.controls.auto_box.isChecked())
    compare = asdict(panel.compare_controls.params())
    compare["sets"] = list(compare["sets"])
    state.update(compare=compare, tab=TAB_KEYS[panel.tabs.currentIndex()])
    return state


def _sets(value, name):
    """A non-empty list of distinct feature-set names, returned in the panel's order."""
    if not isinstance(value, list) or not value or len(set(map(repr, value))) != len(value):
        raise ValueError(f"'{name}' must be a non-empty list of distinct names from "
                         f"{', '.join(map(repr, FEATURE_SETS))}; found {value!r}")
    for item in value:
        choice(FEATURE_SETS)(item, f"{name}, item")
    return tuple(s for s in FEATURE_SETS if s in value)


def _compare(panel, section, warnings) -> CompareParams:
    controls = panel.compare_controls
    values, notes = check_section(section, controls._w, f"{WHERE}, comparison", {"sets": _sets})
    warnings += notes
    return replace(CompareParams(), **values)


def _checked(panel, state):
    """(LearnParams, ViewParams, extras, warnings) from `state`; ValueError on any bad value."""
    c = panel.controls
    widgets = {key: c.widget(key) for key in ("source", "size", "count", "color", "seed", "normalize", "whiten",
                                              "k", "method", "max_iter", "sort_by", "show")}
    extra = {"folder": text(MAX_FOLDER), "norm_eps": number(0.0, 1e30, nonzero=True),
             "zca_eps": number(0.0, 1e30, nonzero=True), "relearn": flag(), "compare": _any,
             "tab": choice(TAB_KEYS)}
    values, warnings = check_section(state, widgets, WHERE, extra)
    extras = {"relearn": values.pop("relearn", True), "tab": values.pop("tab", TAB_KEYS[0]),
              "compare": _compare(panel, values.pop("compare", {}), warnings)}
    view = replace(ViewParams(), **{key: values.pop(key) for key in ("sort_by", "show") if key in values})
    params = replace(LearnParams(), **values)
    if params.source == "folder" and not Path(params.folder).is_dir():
        warnings.append(f"{WHERE}: the lesson learns from the folder '{params.folder}', which is not on this "
                        f"computer; the current frame is used.")
        params = replace(params, source="frame")
    return params, view, extras, warnings


def apply_learning_lesson_state(panel, state) -> list[str]:
    """Check everything, then apply as the widgets do (only what changed); missing fields take defaults."""
    try:
        params, view, extras, warnings = _checked(panel, state)
    except ValueError as exc:
        return refused(WHERE, exc)
    c = panel.controls
    c.auto_box.setChecked(extras["relearn"])
    if view != c.view():
        c.set_view(view)
        c.view_changed.emit(view)
    if extras["compare"] != panel.compare_controls.params():
        panel.compare_controls.change(**asdict(extras["compare"]))
    c.input_error.setText("")
    if params != c.params():
        c.change(**asdict(params))  # re-learns only if the re-learn switch says so
    panel.tabs.setCurrentIndex(TAB_KEYS.index(extras["tab"]))
    return warnings


def _any(value, _name):
    return value
