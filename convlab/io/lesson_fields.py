"""Checking the values of one panel's section of a lesson file, field by field, in plain language.

A panel describes its section as ``{field name: checker}``; each checker takes ``(value, name)``
and returns the value in the panel's own type, or raises ValueError saying what was expected and
what was found. :func:`check_fields` applies them: unknown fields become warnings (a newer convlab
may have written them), a bad value refuses the whole section.

>>> values, notes = check_fields({"stride": 2, "glow": 1}, {"stride": integer(1, 8)}, "Feature maps")
>>> values, notes
({'stride': 2}, ["Feature maps: the setting 'glow' is unknown to this convlab and was ignored."])
"""
from __future__ import annotations

import math

__all__ = ["check_fields", "choice", "flag", "integer", "number", "number_grid", "number_list", "text"]


def _found(value) -> str:
    """A short description of a JSON value for error messages."""
    if isinstance(value, (dict, list)):
        return f"a {'list' if isinstance(value, list) else 'group of settings'}"
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def integer(low: int, high: int):
    """A checker for a whole number from `low` to `high` (a float such as 3.0 is refused).

    >>> integer(1, 8)(3, "stride")
    3
    """
    def check(value, name):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(f"'{name}' must be a whole number from {low} to {high}; found {_found(value)}")
        return int(value)
    return check


def number(low: float, high: float, nonzero: bool = False):
    """A checker for a finite number in [low, high] (NaN and infinity are refused), returned as float.

    >>> number(0.0, 2.0)(1, "noise")
    1.0
    """
    def check(value, name):
        ok = _is_number(value) and math.isfinite(float(value)) and low <= float(value) <= high
        if not ok or (nonzero and float(value) == 0.0):
            extra = ", not 0" if nonzero else ""
            raise ValueError(f"'{name}' must be a finite number from {low:g} to {high:g}{extra}; "
                             f"found {_found(value)}")
        return float(value)
    return check


def flag():
    """A checker for true or false.

    >>> flag()(True, "normalise")
    True
    """
    def check(value, name):
        if not isinstance(value, bool):
            raise ValueError(f"'{name}' must be true or false; found {_found(value)}")
        return value
    return check


def choice(values):
    """A checker for one of `values` (compared with their type: true is not 1).

    >>> choice(("same", "valid"))("same", "mode")
    'same'
    """
    values = tuple(values)

    def check(value, name):
        for allowed in values:
            if type(value) is type(allowed) and value == allowed:
                return allowed
        listed = ", ".join(repr(v) for v in values)
        raise ValueError(f"'{name}' must be one of {listed}; found {_found(value)}")
    return check


def text(max_length: int = 200, empty: bool = True):
    """A checker for a piece of text of at most `max_length` characters.

    >>> text()("my kernel", "name")
    'my kernel'
    """
    def check(value, name):
        if not isinstance(value, str) or len(value) > max_length or (not empty and not value.strip()):
            what = "non-empty text" if not empty else "text"
            raise ValueError(f"'{name}' must be {what} of at most {max_length} characters; found {_found(value)}")
        return value
    return check


def number_list(min_length: int, max_length: int, low: float = -1e30, high: float = 1e30):
    """A checker for a list of finite numbers, returned as a list of floats.

    >>> number_list(1, 3)([1, 2.5], "weights")
    [1.0, 2.5]
    """
    def check(value, name):
        if not isinstance(value, list) or not min_length <= len(value) <= max_length:
            raise ValueError(f"'{name}' must be a list of {min_length} to {max_length} numbers; "
                             f"found {_found(value) if not isinstance(value, list) else f'{len(value)} values'}")
        for index, item in enumerate(value):
            if not (_is_number(item) and math.isfinite(float(item)) and low <= float(item) <= high):
                raise ValueError(f"'{name}': value {index + 1} must be a finite number from {low:g} to {high:g}; "
                                 f"found {_found(item)}")
        return [float(item) for item in value]
    return check


def number_grid(max_side: int):
    """A checker for a rectangular grid (list of rows) of finite numbers, 1 to `max_side` per side.

    >>> number_grid(15)([[1, 0], [0, 1]], "kernel")
    [[1.0, 0.0], [0.0, 1.0]]
    """
    def check(value, name):
        if not isinstance(value, list) or not 1 <= len(value) <= max_side:
            raise ValueError(f"'{name}' must be a list of 1 to {max_side} rows of numbers; found {_found(value)}")
        width = len(value[0]) if isinstance(value[0], list) else 0
        rows = []
        for index, row in enumerate(value):
            if not isinstance(row, list) or len(row) != width or not 1 <= width <= max_side:
                raise ValueError(f"'{name}': row {index + 1} must be a list of {width or '1 to ' + str(max_side)} "
                                 f"numbers like row 1; found {_found(row) if not isinstance(row, list) else len(row)}")
            rows.append(number_list(width, width)(row, f"{name}, row {index + 1}"))
        return rows
    return check


def check_fields(section, checkers: dict, where: str) -> tuple[dict, list]:
    """Check a panel's section: known fields through their checker, unknown fields as warnings.

    Parameters
    ----------
    section : object
        The section read from the file; must be a dict (a JSON object).
    checkers : dict of str -> callable
        ``checker(value, name)`` returning the checked value or raising ValueError.
    where : str
        The panel's title, used to start every message.

    Returns
    -------
    values : dict
        The checked values of the fields present in `section`.
    warnings : list of str
        One plain sentence per unknown field.

    Raises
    ------
    ValueError
        If `section` is not a dict or any known field holds a bad value (wrong type, out of
        range, NaN): the message names the field, the allowed values and what was found.

    Examples
    --------
    >>> check_fields({"mode": "same"}, {"mode": choice(("same", "valid"))}, "Editor")
    ({'mode': 'same'}, [])
    """
    if not isinstance(section, dict):
        raise ValueError(f"the settings must be a group of named values (a JSON object); found {_found(section)}")
    values, warnings = {}, []
    for name, value in section.items():
        if name in checkers:
            values[name] = checkers[name](value, name)
        else:
            warnings.append(f"{where}: the setting '{name}' is unknown to this convlab and was ignored.")
    return values, warnings
