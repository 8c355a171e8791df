"""What are the features worth? The comparison's settings, its lesson section and the task that runs it.

The engine's :class:`~convlab.engine.compare.ComparisonSettings` is the single source of the
comparison: its defaults and what ``main.py compare`` runs. :class:`CompareSettings` declares the
four values the panel lets you change (with their ranges, for the form and lesson files) plus the
feature sets; :meth:`CompareSettings.engine_settings` derives the engine's settings from them,
every other value keeping the engine's default.

>>> settings = CompareSettings(kernels=8, sets=("raw", "kmeans"))
>>> engine = settings.engine_settings()
>>> engine.kernels, engine.feature_sets, engine.patches == ComparisonSettings().patches
(8, ('raw', 'kmeans'), True)
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from convlab.engine.compare import FEATURE_SETS, ComparisonSettings, run_comparison
from convlab.io.datasets import LabelledImages, load_digits_images
from convlab.io.lesson_fields import check_fields, choice
from convlab.lab.kernel_bank import MAX_KERNELS
from convlab.lab.settings import as_section, checkers, setting

__all__ = ["CompareSettings", "bundled_digits", "check_feature_sets", "compare_from_section", "compare_section",
           "compare_task", "loaded_digits"]

_ENGINE = ComparisonSettings()
DIGITS_SIDE = 20  # the bundled 8x8 digits are upsampled to this side (load_digits_images' default)


@dataclass(frozen=True)
class CompareSettings:
    """What the comparison tab compares: kernels per bank, their size, the seed, the digits' side, the sets.

    ``sets`` is not a form field: the panel shows it as one check box per feature set, and lesson
    files check it with :func:`check_feature_sets`.
    """

    kernels: int = setting(_ENGINE.kernels, "Kernels per bank", low=1, high=MAX_KERNELS)
    size: int = setting(_ENGINE.size, "Kernel size", low=2, high=15)
    seed: int = setting(_ENGINE.seed, "Seed", low=0, high=99999)
    digits_side: int = setting(DIGITS_SIDE, "Digits upsampled to", low=8, high=32)
    sets: tuple = _ENGINE.feature_sets

    def engine_settings(self) -> ComparisonSettings:
        """The engine's settings: these values, the engine's defaults for the rest."""
        return replace(_ENGINE, kernels=self.kernels, size=self.size, seed=self.seed, feature_sets=tuple(self.sets))


def check_feature_sets(value, name):
    """A lesson checker: a non-empty list of distinct feature-set names, returned in the engine's order.

    >>> check_feature_sets(["kmeans", "raw"], "sets")
    ('raw', 'kmeans')
    """
    if not isinstance(value, list) or not value or len(set(map(repr, value))) != len(value):
        raise ValueError(f"'{name}' must be a non-empty list of distinct names from "
                         f"{', '.join(map(repr, FEATURE_SETS))}; found {value!r}")
    for item in value:
        choice(FEATURE_SETS)(item, f"{name}, item")
    return tuple(s for s in FEATURE_SETS if s in value)


def compare_section(settings: CompareSettings) -> dict:
    """The settings as a lesson file's "compare" group (JSON values).

    >>> compare_section(CompareSettings(sets=("hand",)))
    {'kernels': 32, 'size': 5, 'seed': 0, 'digits_side': 20, 'sets': ['hand']}
    """
    return {**as_section(settings), "sets": list(settings.sets)}


def compare_from_section(section, where: str) -> tuple[CompareSettings, list]:
    """Settings from a lesson's "compare" group (missing values take their defaults) and warnings.

    Raises ValueError naming the field when a value is bad.
    """
    values, warnings = check_fields(section, {**checkers(CompareSettings), "sets": check_feature_sets}, where)
    return replace(CompareSettings(), **values), warnings


_DIGITS: dict[int, LabelledImages] = {}
_DIGITS_LOCK = threading.Lock()


def bundled_digits(side: int) -> LabelledImages:
    """scikit-learn's digits upsampled to ``side`` x ``side``, loaded once per side (slow the first time:
    call it off the GUI thread)."""
    with _DIGITS_LOCK:
        if side not in _DIGITS:
            _DIGITS[side] = load_digits_images(side)
        return _DIGITS[side]


def loaded_digits(side: int) -> LabelledImages | None:
    """The digits at ``side`` if :func:`bundled_digits` loaded them already, else None (never loads)."""
    return _DIGITS.get(side)


def compare_task(data: LabelledImages | None, settings: CompareSettings, state):
    """Run the comparison (on a runner thread) with partial rows; returns the rows.

    ``data`` None means the bundled digits at ``settings.digits_side``.
    """
    if data is None:
        if loaded_digits(settings.digits_side) is None:
            state.set_progress(0.0, "loading the bundled digits…")
        data = bundled_digits(settings.digits_side)

    def on_step(_step, info):
        state.set_partial_result(list(info["rows"]))
        state.set_progress(info["progress"], info["stage"])

    return run_comparison(data.images, data.labels, settings.engine_settings(),
                          callback=state.engine_callback(on_step))
