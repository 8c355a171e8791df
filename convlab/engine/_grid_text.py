r"""Reading a kernel typed in a grid cell or pasted from a spreadsheet (public via `kernel_ops`).

>>> parse_grid_text("1 2\n3 4").shape
(2, 2)
"""
from __future__ import annotations

import math
import re

import numpy as np

__all__ = ["parse_cell", "parse_grid_text"]

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_FRACTION = re.compile(rf"^({_NUMBER})\s*/\s*({_NUMBER})$")


def parse_cell(text, row=1, col=1, decimal_comma=False):
    """Read one weight typed in a grid cell: a decimal number or a fraction such as ``1/9``.

    Parameters
    ----------
    text : str
    row, col : int, default 1
        1-based position, used in the error message.
    decimal_comma : bool, default False
        Also accept ``0,5`` for 0.5 (spreadsheets in many languages copy numbers that way).

    Returns
    -------
    float (finite)

    Raises
    ------
    ValueError
        Naming the row and column: for text, NaN, infinity, a zero denominator or an empty cell.

    Examples
    --------
    >>> parse_cell(" -1/4 "), parse_cell("0,5", decimal_comma=True)
    (-0.25, 0.5)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}")
    where = f"row {row}, column {col}"
    cell = text.strip().replace("\u2212", "-")
    if not cell:
        raise ValueError(f"{where} is empty: type a number (0 for no weight)")
    if decimal_comma and cell.count(",") == 1 and "." not in cell:
        cell = cell.replace(",", ".")
    fraction = _FRACTION.match(cell)
    if fraction:
        numerator, denominator = float(fraction.group(1)), float(fraction.group(2))
        if denominator == 0:
            raise ValueError(f"{where}: {cell!r} divides by zero")
        value = numerator / denominator
    elif re.fullmatch(_NUMBER, cell) or cell.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        value = float(cell)
    else:
        raise ValueError(f"{where}: {text.strip()!r} is not a number (type e.g. 0.5, -2, 1e-3 or 1/9)")
    if math.isnan(value):
        raise ValueError(f"{where}: NaN (not a number) cannot be a weight; type a finite number")
    if math.isinf(value):
        raise ValueError(f"{where}: infinity cannot be a weight (it is too large); type a finite number")
    return value


def _separator(text):
    """The cell separator of a pasted grid: tab, semicolon, comma, or None for any whitespace."""
    for separator in ("\t", ";", ","):
        if separator in text:
            return separator
    return None


def parse_grid_text(text):
    r"""Read a grid of weights pasted from a spreadsheet or typed as text.

    Rows are lines; cells are separated by tabs (spreadsheet copy), else semicolons, else commas
    (CSV), else any spaces. Blank lines before and after the grid are ignored. With tabs or
    semicolons a decimal comma (``0,5``) is accepted; fractions such as ``1/16`` are too.

    Parameters
    ----------
    text : str

    Returns
    -------
    ndarray, float64, shape (rows, cols)

    Raises
    ------
    ValueError
        Naming the row (line of the grid, from 1) and column of the first bad cell: text, NaN,
        infinity, empty cells; also for an empty text, an empty line inside the grid, or rows of
        different lengths.

    Examples
    --------
    >>> parse_grid_text("1\t2\t3\n4\t5\t6\n")
    array([[1., 2., 3.],
           [4., 5., 6.]])
    >>> parse_grid_text("1, 1/2\n-1, 0")
    array([[ 1. ,  0.5],
           [-1. ,  0. ]])
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ValueError("text must hold a grid of numbers; got an empty text")
    separator = _separator("\n".join(lines))
    rows = []
    for r, line in enumerate(lines, start=1):
        if not line.strip():
            raise ValueError(f"row {r} is empty: remove the blank line inside the grid")
        cells = line.split(separator) if separator else line.split()
        values = [parse_cell(c, r, n, decimal_comma=separator in ("\t", ";")) for n, c in enumerate(cells, 1)]
        if rows and len(values) != len(rows[0]):
            raise ValueError(f"row {r} has {len(values)} values but row 1 has {len(rows[0])}: "
                             "every row of a kernel needs the same number of values")
        rows.append(values)
    return np.array(rows, dtype=np.float64)
