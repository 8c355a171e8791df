"""Settings declared once: a frozen dataclass whose fields carry their label, range, step and choices.

A panel's settings class is the single source of truth for three readers:

- the form builder of the UI (``convlab.ui.widgets.settings_form``) makes one control per field;
- lesson files check a panel's section with :func:`from_section` (the same ranges and choices);
- the command line sets any field with ``--set panel.field=value`` through :func:`parse_assignment`.

A field is declared with :func:`setting`; its kind follows the default value (bool, int, float, or a
str/bool/int with ``choices``). A settings class may define two optional methods, both Qt-free:
``settled()`` returns the settings with derived fields filled in (e.g. a decay that follows the
width), and ``inactive()`` returns the names of the fields that currently have no effect (the form
greys them out); the form also applies ``changed_from(previous)`` to a user's change, where a class
defines it (e.g. moving a Gabor slider picks the Gabor preset).

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Demo:
...     stride: int = setting(1, "Stride", low=1, high=8)
...     mode: str = setting("same", "Padding mode", choices=("full", "same", "valid"))
>>> from_section(Demo, {"stride": 2}, "Demo")
(Demo(stride=2, mode='same'), [])
>>> parse_assignment(Demo(), "mode=valid")
Demo(stride=1, mode='valid')
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass

from convlab.io.lesson_fields import check_fields, choice, flag, integer, number, text

__all__ = ["Setting", "as_section", "checkers", "describe", "from_section", "parse_assignment", "setting",
           "setting_fields", "settled"]

_KEY = "convlab_setting"


@dataclass(frozen=True)
class Setting:
    """What the form, lesson files and the command line know about one field.

    Attributes
    ----------
    label : str
        The row label in the form ("" puts a check box's text in the box itself).
    low, high : float or None
        The allowed range of a number.
    step : float or None
        The step of a spin box or slider (None: 1 for integers, 0.1 for numbers).
    choices : tuple or None
        The allowed values of a choice.
    labels : dict or None
        How each choice is shown (default ``str(value)``).
    tooltip : str
        A sentence shown on hover.
    decimals : int
        Digits after the decimal point for numbers.
    suffix : str
        A unit shown after a number.
    nonzero : bool
        A number must not be 0 (e.g. an epsilon from 0 up, 0 itself refused).

    A text field (a str default without choices) may be at most ``high`` characters long.
    """

    label: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple | None = None
    labels: dict | None = None
    tooltip: str = ""
    decimals: int = 2
    suffix: str = ""
    nonzero: bool = False

    def shown(self, value) -> str:
        """How ``value`` reads in the form (a choice's label, else the value).

        >>> Setting("Mode", choices=("same",), labels={"same": "same size"}).shown("same")
        'same size'
        """
        return (self.labels or {}).get(value, str(value))


def setting(default, label: str, *, low=None, high=None, step=None, choices=None, labels=None, tooltip: str = "",
            decimals: int = 2, suffix: str = "", nonzero: bool = False):
    """A dataclass field with its default and what the form and the checks need to know.

    Parameters
    ----------
    default : bool, int, float or str
        The default value; its type decides the kind of control.
    label : str
        The form's row label.
    low, high : float, optional
        The range of an int or float field (required for them).
    step, choices, labels, tooltip, decimals, suffix, nonzero
        See :class:`Setting`.

    Returns
    -------
    dataclasses.Field
        To be assigned to a class attribute of a frozen dataclass.

    Raises
    ------
    ValueError
        If a number has no range, the default is outside it, or a choice's default is not a choice.
    """
    meta = Setting(label, low, high, step, None if choices is None else tuple(choices), labels, tooltip, decimals,
                   suffix, nonzero)
    _check_declaration(default, meta)
    return dataclasses.field(default=default, metadata={_KEY: meta})


def _check_declaration(default, meta: Setting) -> None:
    if meta.choices is not None:
        if default not in meta.choices:
            raise ValueError(f"default {default!r} of '{meta.label}' is not one of its choices {meta.choices}")
        return
    if isinstance(default, bool) or isinstance(default, str):
        return
    if meta.low is None or meta.high is None or not meta.low <= default <= meta.high:
        raise ValueError(f"'{meta.label}' needs a range that holds its default {default!r}")
    if meta.nonzero and default == 0:
        raise ValueError(f"'{meta.label}' may not be 0, so its default cannot be 0")


def setting_fields(cls) -> list[tuple[str, Setting, object]]:
    """``(name, Setting, default)`` of every declared field of a settings class, in declaration order.

    Fields declared without :func:`setting` are not settings (the form and the files ignore them).
    """
    cls = cls if isinstance(cls, type) else type(cls)
    return [(f.name, f.metadata[_KEY], f.default) for f in dataclasses.fields(cls) if _KEY in f.metadata]


def _checker(meta: Setting, default):
    if meta.choices is not None:
        return choice(meta.choices)
    if isinstance(default, bool):
        return flag()
    if isinstance(default, int):
        return integer(int(meta.low), int(meta.high))
    if isinstance(default, float):
        return number(meta.low, meta.high, nonzero=meta.nonzero)
    return _text_checker if meta.high is None else text(int(meta.high))


def _text_checker(value, name):
    if not isinstance(value, str):
        raise ValueError(f"'{name}' must be text; found {value!r}")
    return value


def checkers(cls) -> dict:
    """``{field name: checker}`` for lesson files: the same ranges and choices as the form."""
    return {name: _checker(meta, default) for name, meta, default in setting_fields(cls)}


def settled(settings):
    """The settings with their derived fields filled in (``settings.settled()`` when the class has it)."""
    method = getattr(settings, "settled", None)
    return method() if callable(method) else settings


def from_section(cls, section, where: str, base=None):
    """Settings from a lesson file's section: checked field by field, missing fields from ``base``.

    Parameters
    ----------
    cls : type
        The settings dataclass.
    section : dict
        The section read from the file.
    where : str
        The panel's title, starting every message.
    base : cls instance, optional
        The values of fields the section leaves out (default: the class defaults).

    Returns
    -------
    settings : cls
        The new settings (settled).
    warnings : list of str
        One sentence per unknown field.

    Raises
    ------
    ValueError
        If a known field holds a bad value; the message names the field and what is allowed.
    """
    values, warnings = check_fields(section, checkers(cls), where)
    return settled(dataclasses.replace(base if base is not None else cls(), **values)), warnings


def as_section(settings) -> dict:
    """The declared fields of ``settings`` as JSON values (the inverse of :func:`from_section`).

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Demo:
    ...     noise: float = setting(0.5, "Noise", low=0.0, high=2.0)
    >>> as_section(Demo())
    {'noise': 0.5}
    """
    return {name: getattr(settings, name) for name, _, _ in setting_fields(settings)}


def parse_assignment(settings, text: str):
    """Apply one ``field=value`` assignment written on the command line (value as JSON, or bare text).

    Raises ValueError naming the field and what is allowed when the field is unknown or the value bad.
    """
    name, sep, raw = text.partition("=")
    name = name.strip()
    known = {n: (meta, default) for n, meta, default in setting_fields(settings)}
    if not sep or name not in known:
        listed = ", ".join(known)
        raise ValueError(f"'{text}' must be written field=value with a field among: {listed}")
    meta, default = known[name]
    value = _parse_value(raw.strip(), default, meta)
    checked = _checker(meta, default)(value, name)
    return settled(dataclasses.replace(settings, **{name: checked}))


def _parse_value(raw: str, default, meta: Setting):
    if isinstance(default, bool) and raw.lower() in ("true", "false", "on", "off", "yes", "no", "1", "0"):
        return raw.lower() in ("true", "on", "yes", "1")
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return raw
    return value


def describe(cls) -> list[str]:
    """One line per field, ``name: allowed values (default)``, for ``--help`` texts.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Demo:
    ...     stride: int = setting(1, "Stride", low=1, high=8)
    >>> describe(Demo)
    ['stride: 1 to 8 (default 1)']
    """
    lines = []
    for name, meta, default in setting_fields(cls):
        if meta.choices is not None:
            allowed = ", ".join(str(c) for c in meta.choices)
        elif isinstance(default, bool):
            allowed = "true or false"
        elif isinstance(default, (int, float)):
            allowed = f"{meta.low:g} to {meta.high:g}" + (", not 0" if meta.nonzero else "")
        else:
            allowed = "text"
        lines.append(f"{name}: {allowed} (default {default})")
    return lines
