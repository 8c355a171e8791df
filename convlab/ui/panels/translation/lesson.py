"""Lesson-file settings of the translation panel: the image mode (shift, boundary, kernel, pooling, BlurPool,
compare), the 1-D pooling figure (detector values, entering value, pool width and stride, predict first),
the rotation mode (angle, input, kernel, orientations, spread) and the current sub-tab.

Kernels are chosen by name from the shared bank. A lesson's own bank is applied after the panels' sections,
so a name that is not in the bank yet is remembered ("wanted") and chosen when the bank changes within the
same lesson; if it never appears, the panel keeps its choice and says so in the status bar.
"""
from __future__ import annotations

from dataclasses import asdict, replace

from PySide6.QtCore import QTimer

from convlab.io.lesson_fields import check_fields, choice, integer, number, number_list, text
from convlab.ui.panels.lesson_widgets import check_section, refused
from convlab.ui.panels.translation.pooling_figure import MAX_UNITS, FigureParams
from convlab.ui.panels.translation.image_mode import PREFERRED_KERNEL
from convlab.ui.panels.translation.image_controls import MAX_SHIFT, ShiftParams
from convlab.ui.panels.translation.rotation import BUILT_IN_KERNEL

WHERE = "Translation"
TAB_KEYS = ("image", "figure", "rotation")
ROTATION_DEFAULTS = {"angle": 30, "input": "bar", "kernel": BUILT_IN_KERNEL, "orientations": 8, "span": 180.0}
MAX_NAME = 200


def translation_lesson_state(panel) -> dict:
    """{"image": ShiftParams fields, "figure": {...}, "rotation": {...}, "tab": sub-tab key}."""
    figure = panel.figure.params()
    return {"image": asdict(panel.image_mode.controls.params()),
            "figure": {"values": list(figure.values), "entering": figure.entering, "width": figure.width,
                       "stride": figure.stride, "predict": figure.predict},
            "rotation": _rotation_state(panel.rotation), "tab": TAB_KEYS[panel.modes.currentIndex()]}


def _rotation_state(rotation) -> dict:
    return {"angle": rotation.angle_slider.value(), "input": rotation.input_box.currentData(),
            "kernel": rotation.kernel_box.currentData(), "orientations": rotation.count_spin.value(),
            "span": rotation.span_box.currentData()}


def _span(box):
    """A checker for one of the spreads the combo box offers (180 and 180.0 alike)."""
    spans = [box.itemData(i) for i in range(box.count())]

    def check(value, name):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value) in spans:
            return float(value)
        raise ValueError(f"'{name}' must be one of {', '.join(f'{s:g}' for s in spans)}; found {value!r}")
    return check


def _bank_names(panel) -> list:
    return [entry.name for entry in panel.bank.entries()]


def _image(panel, section, warnings, wanted) -> ShiftParams:
    """The image mode's checked parameters; a kernel not (yet) in the bank goes to `wanted`."""
    controls = panel.image_mode.controls
    widgets = {key: controls.widget(key) for key in ("boundary", "pool_kind", "pool_size", "pool_stride",
                                                     "antialias", "blur_filter", "compare")}
    extra = {"dx": integer(-MAX_SHIFT, MAX_SHIFT), "dy": integer(-MAX_SHIFT, MAX_SHIFT), "kernel_name": text(MAX_NAME)}
    values, notes = check_section(section, widgets, f"{WHERE}, image mode", extra)
    warnings += notes
    names, current = _bank_names(panel), controls.params().kernel_name
    name = values.pop("kernel_name", "") or (PREFERRED_KERNEL if PREFERRED_KERNEL in names else current)
    if name not in names:
        wanted["image"], name = name, current
    return replace(ShiftParams(), **values, kernel_name=name)


def _figure(panel, section, warnings) -> FigureParams:
    figure = panel.figure
    widgets = {"width": figure.width_spin, "stride": figure.stride_spin, "predict": figure.predict_box}
    extra = {"values": number_list(1, MAX_UNITS), "entering": number(-1e30, 1e30)}
    values, notes = check_section(section, widgets, f"{WHERE}, 1-D figure", extra)
    warnings += notes
    if "values" in values:
        values["values"] = tuple(values["values"])
    return replace(FigureParams(), **values)


def _rotation(panel, section, warnings, wanted) -> dict:
    rotation = panel.rotation
    widgets = {"input": rotation.input_box, "orientations": rotation.count_spin}
    extra = {"angle": integer(rotation.angle_slider.minimum(), rotation.angle_slider.maximum()),
             "kernel": text(MAX_NAME, empty=False), "span": _span(rotation.span_box)}
    values, notes = check_section(section, widgets, f"{WHERE}, rotation", extra)
    warnings += notes
    values = {**ROTATION_DEFAULTS, **values}
    if rotation.kernel_box.findData(values["kernel"]) < 0:
        wanted["rotation"], values["kernel"] = values["kernel"], rotation.kernel_box.currentData()
    return values


def _apply_rotation(rotation, values: dict) -> None:
    """Set the widgets without echo, then rebuild once (or only redraw for a new angle)."""
    before = _rotation_state(rotation)
    boxes = (rotation.input_box, rotation.kernel_box, rotation.span_box)
    widgets = boxes + (rotation.count_spin, rotation.angle_slider)
    for w in widgets:
        w.blockSignals(True)
    for box, key in zip(boxes, ("input", "kernel", "span")):
        box.setCurrentIndex(box.findData(values[key]))
    rotation.count_spin.setValue(values["orientations"])
    rotation.angle_slider.setValue(values["angle"])
    for w in widgets:
        w.blockSignals(False)
    after = _rotation_state(rotation)
    if any(before[key] != after[key] for key in ("input", "kernel", "orientations", "span")):
        rotation.rebuild()
    elif before["angle"] != after["angle"]:
        rotation.show_angle()


def apply_translation_lesson_state(panel, state) -> list[str]:
    """Check everything, then apply as the widgets do; missing fields take their default value."""
    wanted, warnings = {}, []
    try:
        top, warnings = check_fields(state, {"image": _any, "figure": _any, "rotation": _any,
                                             "tab": choice(TAB_KEYS)}, WHERE)
        image = _image(panel, top.get("image", {}), warnings, wanted)
        figure = _figure(panel, top.get("figure", {}), warnings)
        rotation = _rotation(panel, top.get("rotation", {}), warnings, wanted)
    except ValueError as exc:
        return refused(WHERE, exc)
    panel.image_mode.controls.change(**asdict(image))
    panel.figure.apply(figure)
    _apply_rotation(panel.rotation, rotation)
    panel.modes.setCurrentIndex(TAB_KEYS.index(top.get("tab", TAB_KEYS[0])))
    panel.wanted_kernels = wanted
    if wanted:
        QTimer.singleShot(0, lambda: _give_up_wanted(panel))
    return warnings


def choose_wanted_kernels(panel) -> None:
    """After a bank change: choose the kernels a lesson named, if the bank now has them."""
    wanted, panel.wanted_kernels = panel.wanted_kernels, {}
    names = _bank_names(panel)
    if wanted.get("image") in names:
        panel.image_mode.controls.change(kernel_name=wanted["image"])
    box = panel.rotation.kernel_box
    if "rotation" in wanted and box.findData(wanted["rotation"]) >= 0:
        box.setCurrentIndex(box.findData(wanted["rotation"]))  # rebuilds, as a user's choice does
    _report_missing(panel, [name for name in wanted.values() if name not in names])


def _give_up_wanted(panel) -> None:
    """The lesson is applied and its bank did not name the kernels: keep the current ones."""
    wanted, panel.wanted_kernels = panel.wanted_kernels, {}
    _report_missing(panel, list(wanted.values()))


def _report_missing(panel, missing: list) -> None:
    if missing:
        listed = ", ".join(repr(name) for name in dict.fromkeys(missing))
        panel.message.emit(f"{WHERE}: the lesson's kernel {listed} is not in the bank; the current kernel stays.")


def _any(value, _name):
    return value
