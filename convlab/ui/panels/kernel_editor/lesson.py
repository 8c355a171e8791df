"""Lesson-file settings of the kernel editor: the kernel and its name, the preset choice with its Gabor
sliders, the random seed, and the preview options (operation, padding mode, boundary, stride, dilation,
divisor, offset)."""
from __future__ import annotations

from dataclasses import asdict, fields, replace

import numpy as np

from convlab.engine.kernel_ops import MAX_KERNEL_SIDE
from convlab.io.lesson_fields import number, number_grid, text
from convlab.ui.panels.kernel_editor.controls import GABOR_SLIDERS
from convlab.ui.panels.kernel_editor.preview import PreviewParams
from convlab.ui.panels.lesson_widgets import check_section, refused

WHERE = "Kernel editor"
DEFAULT_PRESET = "sobel_x"
PREVIEW_FIELDS = tuple(f.name for f in fields(PreviewParams))


def _gabor_key(key: str) -> str:
    return f"gabor_{key}"


def editor_lesson_state(panel) -> dict:
    """The kernel (rows of float), its name, the preset controls and the preview options as JSON values."""
    c = panel.controls
    state = {"kernel": panel.kernel().tolist(), "name": panel.column.name_edit.text(),
             "preset": c.preset_combo.currentText(), "preset_size": c.size_spin.value(),
             "random_seed": c.seed_spin.value()}
    state.update({_gabor_key(k): round(v, 6) for k, v in c.gabor_values().items()})
    state.update(asdict(panel.preview_controls.params()))
    return state


def _checkers(panel) -> tuple[dict, dict]:
    """(widgets, extra checkers) of the section."""
    c, preview = panel.controls, panel.preview_controls
    widgets = {"preset": c.preset_combo, "preset_size": c.size_spin, "random_seed": c.seed_spin,
               "mode": preview.widgets["mode"], "boundary": preview.widgets["boundary"],
               "stride": preview.widgets["stride"], "dilation": preview.widgets["dilation"]}
    extra = {"kernel": number_grid(MAX_KERNEL_SIDE), "name": text(200),
             "operation": lambda v, name: _operation(preview, v, name),
             "divisor": number(-1e30, 1e30, nonzero=True), "offset": number(-1e30, 1e30)}
    for key, (_label, low, high, _start, step, _unit) in GABOR_SLIDERS.items():
        extra[_gabor_key(key)] = number(low * step, high * step)
    return widgets, extra


def _operation(preview, value, name):
    if not isinstance(value, str) or value not in preview.operation_buttons:
        raise ValueError(f"'{name}' must be one of {', '.join(map(repr, preview.operation_buttons))}; found {value!r}")
    return value


def _set_preset_controls(controls, values: dict) -> None:
    """Preset, size and Gabor sliders, without recomputing the preset (no echo)."""
    widgets = [controls.preset_combo, controls.size_spin] + list(controls.sliders.values())
    for w in widgets:
        w.blockSignals(True)
    controls.preset_combo.setCurrentText(values.get("preset", DEFAULT_PRESET))
    controls.size_spin.setValue(values.get("preset_size", 3))
    for key, (_label, _low, _high, start, step, _unit) in GABOR_SLIDERS.items():
        controls.sliders[key].setValue(round(values.get(_gabor_key(key), start * step) / step))
    for w in widgets:
        w.blockSignals(False)
    controls._update_slider_labels()


def apply_editor_lesson_state(panel, state) -> list[str]:
    """Check everything, then apply; missing fields take their default (no kernel: the preset's kernel)."""
    widgets, extra = _checkers(panel)
    try:
        values, warnings = check_section(state, widgets, WHERE, extra)
    except ValueError as exc:
        return refused(WHERE, exc)
    c = panel.controls
    _set_preset_controls(c, values)
    c.seed_spin.setValue(values.get("random_seed", 0))
    panel.preview_controls.set_params(replace(PreviewParams(), **{k: values[k] for k in PREVIEW_FIELDS if k in values}))
    for key in ("preset", "edit", "files"):
        c.show_error(key, "")
    panel.column.show_error("")
    if "kernel" in values:
        panel.column.name_edit.setText(values.get("name", "my kernel"))
        panel.set_kernel(np.array(values["kernel"], dtype=np.float64))
    else:
        panel.apply_preset()
        if "name" in values:
            panel.column.name_edit.setText(values["name"])
    return warnings
