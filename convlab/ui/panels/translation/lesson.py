"""Lesson-file settings of the translation panel: the image mode (shift, boundary, kernel, pooling, BlurPool,
compare), the 1-D pooling figure (detector values, entering value, pool width and stride, predict first),
the rotation mode (angle, input, kernel, orientations, spread) and the current sub-tab.

Each section is checked against the settings declarations in `convlab.lab` (all or nothing).
Kernels are chosen by name from the shared bank. A lesson's own bank is applied after the panels'
sections, so a name that is not in the bank yet is remembered ("wanted") and chosen when the bank
changes within the same lesson; if it never appears, the panel keeps its choice and says so in the
status bar.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import QTimer

from convlab.io.lesson_fields import check_fields, choice
from convlab.lab.pooling_figure import figure_section, figure_settings_from_section
from convlab.lab.rotation import RotationSettings, rotation_settings_from_section
from convlab.lab.settings import as_section
from convlab.lab.translation import PREFERRED_KERNEL, image_settings_from_section
from convlab.ui.panels.lesson_widgets import refused

WHERE = "Translation"
TAB_KEYS = ("image", "figure", "rotation")
ROTATION_DEFAULTS = as_section(RotationSettings())


def translation_lesson_state(panel) -> dict:
    """{"image": ShiftSettings fields, "figure": {...}, "rotation": {...}, "tab": sub-tab key}."""
    return {"image": as_section(panel.image_mode.settings), "figure": figure_section(panel.figure.settings),
            "rotation": as_section(panel.rotation.settings), "tab": TAB_KEYS[panel.modes.currentIndex()]}


def _checked(state):
    """The three settings objects and the tab from a lesson's section, with the warnings; ValueError if bad."""
    top, warnings = check_fields(state, {"image": _any, "figure": _any, "rotation": _any,
                                         "tab": choice(TAB_KEYS)}, WHERE)
    image, notes = image_settings_from_section(top.get("image", {}), f"{WHERE}, image mode")
    figure, more = figure_settings_from_section(top.get("figure", {}), f"{WHERE}, 1-D figure")
    rotation, most = rotation_settings_from_section(top.get("rotation", {}), f"{WHERE}, rotation")
    return image, figure, rotation, top.get("tab", TAB_KEYS[0]), warnings + notes + more + most


def _kernels(panel, image, rotation, wanted: dict):
    """Kernels the bank does not hold (yet) go to `wanted`; the modes keep their current ones meanwhile."""
    names, current = [entry.name for entry in panel.bank.entries()], panel.image_mode.settings.kernel_name
    name = image.kernel_name or (PREFERRED_KERNEL if PREFERRED_KERNEL in names else current)
    if name not in names:
        wanted["image"], name = name, current
    kernel = rotation.kernel
    if kernel not in panel.rotation.kernel_names():
        wanted["rotation"], kernel = kernel, panel.rotation.settings.kernel
    return dataclasses.replace(image, kernel_name=name), dataclasses.replace(rotation, kernel=kernel)


def apply_translation_lesson_state(panel, state) -> list[str]:
    """Check everything, then apply as the controls do; missing fields take their default value."""
    wanted = {}
    try:
        image, figure, rotation, tab, warnings = _checked(state)
    except ValueError as exc:
        return refused(WHERE, exc)
    image, rotation = _kernels(panel, image, rotation, wanted)
    panel.image_mode.apply_settings(image)
    panel.figure.apply_settings(figure)
    panel.rotation.apply_settings(rotation)
    panel.modes.setCurrentIndex(TAB_KEYS.index(tab))
    panel.wanted_kernels = wanted
    if wanted:
        QTimer.singleShot(0, lambda: _give_up_wanted(panel))
    return warnings


def _give_up_wanted(panel) -> None:
    """The lesson is applied and its bank did not name the kernels: keep the current ones."""
    wanted, panel.wanted_kernels = panel.wanted_kernels, {}
    report_missing(panel, list(wanted.values()))


def report_missing(panel, missing: list) -> None:
    """Say in the status bar which kernels a lesson named that the bank does not hold."""
    if missing:
        listed = ", ".join(repr(name) for name in dict.fromkeys(missing))
        panel.message.emit(f"{WHERE}: the lesson's kernel {listed} is not in the bank; the current kernel stays.")


def _any(value, _name):
    return value
