"""Lesson-file settings of the feature-maps panel: the FeatureParams fields and the BankRequest."""
from __future__ import annotations

from dataclasses import asdict, replace

from convlab.ui.panels.features.controls import BankRequest, FeatureParams
from convlab.ui.panels.lesson_widgets import check_section, refused

WHERE = "Feature maps"


def features_lesson_state(panel) -> dict:
    """The panel's parameters as JSON values: FeatureParams fields and "bank_request"."""
    state = asdict(panel.controls.params())
    state["bank_request"] = asdict(panel.controls.bank_request())
    return state


def _bank_request(controls, section):
    values, warnings = check_section(section, controls._b, f"{WHERE}, bank choice")
    return replace(BankRequest(), **values), warnings


def apply_features_lesson_state(panel, state) -> list[str]:
    """Check everything, then apply: fields missing from `state` take their default value.

    A bank choice different from the current one builds that bank (as the widgets do); a lesson's
    own "bank" is applied afterwards and wins.
    """
    controls = panel.controls
    try:
        values, warnings = check_section(state, controls._w, WHERE, {"bank_request": lambda v, _name: v})
        request, more = _bank_request(controls, values.pop("bank_request", {}))
    except ValueError as exc:
        return refused(WHERE, exc)
    params = replace(FeatureParams(), **values)
    if request != controls.bank_request():
        controls.set_bank_request(request)
        panel.build_bank(request)
    controls.change(**asdict(params))
    return warnings + more
