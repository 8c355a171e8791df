"""The lecture's 1-D max-pooling figure without Qt: detector units, pooled units, before and after a shift.

Shifting the input one step to the right changes every detector value, but only some of the
max-pooled values: pooling is approximately invariant to small translations.

>>> diagram = figure_diagram(FigureSettings())
>>> [format_value(v) for v in diagram.rows[("after", "pooled")]]
['0.3', '1', '1', '1']
>>> diagram.summary(hidden=False)
'The shift changed 4 of 4 detector values and 2 of 4 pooled values (orange).'
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from convlab.engine.pooling import pool1d, pool_output_size
from convlab.engine.shift import translate1d
from convlab.io.lesson_fields import check_fields, number, number_list
from convlab.lab.settings import as_section, checkers, setting

__all__ = ["FigureDiagram", "FigureSettings", "MAX_UNITS", "figure_diagram", "figure_section",
           "figure_settings_from_section", "format_value", "parse_values", "pool_windows_1d"]

MAX_UNITS = 12
ENTERING_LIMIT = 1e30


@dataclass(frozen=True)
class FigureSettings:
    """The detector values, the value that enters with the shift, and the pooling.

    ``values`` and ``entering`` are typed as text in the panel (comma-separated numbers); the
    other fields are declared for the form.
    """

    values: tuple = (0.1, 1.0, 0.2, 0.1)
    entering: float = 0.3
    width: int = setting(3, "Width", low=1, high=7)
    stride: int = setting(1, "Stride", low=1, high=4)
    predict: bool = setting(False, "Predict first: hide the pooled values")

    def __post_init__(self):
        object.__setattr__(self, "values", tuple(float(v) for v in self.values))
        object.__setattr__(self, "entering", float(self.entering))


def figure_settings_from_section(section, where: str) -> tuple[FigureSettings, list]:
    """A lesson's figure section: the declared fields and the two number fields, checked; missing
    fields take their defaults. Returns ``(settings, warnings)``; raises ValueError naming a bad field.

    >>> figure_settings_from_section({"values": [1, 2], "width": 2}, "Translation")[0]
    FigureSettings(values=(1.0, 2.0), entering=0.3, width=2, stride=1, predict=False)
    """
    known = {**checkers(FigureSettings), "values": number_list(1, MAX_UNITS),
             "entering": number(-ENTERING_LIMIT, ENTERING_LIMIT)}
    values, warnings = check_fields(section, known, where)
    return dataclasses.replace(FigureSettings(), **values), warnings


def figure_section(settings: FigureSettings) -> dict:
    """The settings as JSON values, for lesson files (the inverse of `figure_settings_from_section`)."""
    return {"values": list(settings.values), "entering": settings.entering, **as_section(settings)}


def parse_values(text: str, name: str = "values", count=(1, MAX_UNITS)) -> tuple:
    """Comma-separated finite numbers -> tuple of floats, or ValueError naming `name`.

    >>> parse_values(" 1, -2.5 ;3e-1")
    (1.0, -2.5, 0.3)
    """
    parts = [p.strip() for p in str(text).replace(";", ",").split(",")]
    if parts == [""]:
        raise ValueError(f"{name}: type numbers separated by commas, e.g. 0.1, 1, 0.2, 0.1")
    values = []
    for part in parts:
        try:
            v = float(part)
        except ValueError:
            raise ValueError(f"{name}: '{part}' is not a number; type numbers separated by commas") from None
        if not math.isfinite(v):
            raise ValueError(f"{name}: '{part}' is not a finite number")
        values.append(v)
    if not count[0] <= len(values) <= count[1]:
        raise ValueError(f"{name}: give {count[0]} to {count[1]} numbers, got {len(values)}")
    return tuple(values)


def format_value(value: float) -> str:
    """A unit's value as written in the figure: up to 3 significant digits.

    >>> format_value(-0.0001), format_value(2.25)
    ('-0.0001', '2.25')
    """
    text = f"{value:.3g}"
    return "0" if text == "-0" else text


def pool_windows_1d(n: int, width: int, stride: int) -> list[tuple[float, list[int]]]:
    """For each pooled unit of ``pool1d(x, width, stride, padding="same")``: its centre and real inputs.

    Output ``j``'s window starts at ``j * stride - before``, with ``before`` the floor half of the
    total "same" padding; padded positions are left out of the list of inputs.

    >>> pool_windows_1d(4, 3, 1)[0]
    (0.0, [0, 1])
    """
    n_out = pool_output_size(n, width, stride, "same")
    before = max((n_out - 1) * stride + width - n, 0) // 2
    windows = []
    for j in range(n_out):
        start = j * stride - before
        windows.append((start + (width - 1) / 2.0, [i for i in range(start, start + width) if 0 <= i < n]))
    return windows


@dataclass(frozen=True)
class FigureDiagram:
    """What the figure draws: rows[(diagram, row)] values, the pooling windows, changed[row] (after vs before)."""

    rows: dict
    windows: list
    changed: dict

    def summary(self, hidden: bool) -> str:
        """The sentence under the controls (the pooled count stays a question while hidden)."""
        det, pooled = self.changed["detector"], self.changed["pooled"]
        pooled_text = "? (predict, then reveal)" if hidden else f"{int(pooled.sum())} of {pooled.size}"
        return (f"The shift changed {int(det.sum())} of {det.size} detector values "
                f"and {pooled_text} pooled values (orange).")


def figure_diagram(settings: FigureSettings) -> FigureDiagram:
    """Detector and pooled rows before and after shifting the input one step right."""
    before = np.array(settings.values, dtype=np.float64)
    after = translate1d(before, 1)
    after[0] = settings.entering
    rows = {("before", "detector"): before, ("after", "detector"): after}
    for diagram in ("before", "after"):
        rows[(diagram, "pooled")] = pool1d(rows[(diagram, "detector")], settings.width, settings.stride, "max",
                                           padding="same")
    changed = {row: np.abs(rows[("after", row)] - rows[("before", row)]) > 1e-12 for row in ("detector", "pooled")}
    return FigureDiagram(rows, pool_windows_1d(len(settings.values), settings.width, settings.stride), changed)
