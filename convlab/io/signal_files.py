"""Read a 1-D signal (one number per time step) from a CSV or plain text file.

Accepted layouts: one number per line; or several columns separated by commas, semicolons,
tabs or spaces, with an optional header line of column names. Blank lines and lines starting
with ``#`` are skipped. Every problem raises `SignalReadError`, whose message names the file
and says what is wrong (missing file, a folder, not text, empty, a cell that is not a number,
an unknown column, a short row).
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

__all__ = ["MAX_SIGNAL_BYTES", "SignalReadError", "read_signal", "signal_columns"]

MAX_SIGNAL_BYTES = 64 * 1024 * 1024
_DELIMITERS = (",", ";", "\t")


class SignalReadError(ValueError):
    """A signal file could not be read; the message names the file and the reason."""


def _read_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of the non-blank, non-comment lines."""
    if not path.exists():
        raise SignalReadError(f"{path}: no such file")
    if path.is_dir():
        raise SignalReadError(f"{path} is a folder, not a signal file")
    try:
        if path.stat().st_size > MAX_SIGNAL_BYTES:
            raise SignalReadError(f"{path} is larger than {MAX_SIGNAL_BYTES // 2**20} MB; "
                                  "is it really a 1-D signal?")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SignalReadError(f"{path} is not a text file (CSV or plain numbers expected)") from None
    except OSError as exc:
        raise SignalReadError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if "\x00" in text:
        raise SignalReadError(f"{path} is not a text file (CSV or plain numbers expected)")
    lines = [(i, line.strip()) for i, line in enumerate(text.splitlines(), start=1)]
    return [(i, line) for i, line in lines if line and not line.startswith("#")]


def _splitter(first_line: str):
    """A function splitting a line into cells, chosen from the first line."""
    for delimiter in _DELIMITERS:
        if delimiter in first_line:
            return lambda line: [cell.strip().strip('"').strip() for cell in line.split(delimiter)]
    return lambda line: [cell.strip('"') for cell in re.split(r"\s+", line.strip())]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _table(path: Path):
    """(column names, data rows as (line number, cells)); names are "1", "2", ... without a header."""
    lines = _read_lines(path)
    if not lines:
        raise SignalReadError(f"{path} is empty: it holds no numbers")
    split = _splitter(lines[0][1])
    first = split(lines[0][1])
    has_header = not all(_is_number(cell) for cell in first if cell)
    names = [cell or str(i + 1) for i, cell in enumerate(first)] if has_header \
        else [str(i + 1) for i in range(len(first))]
    rows = [(number, split(line)) for number, line in lines[1 if has_header else 0:]]
    if not rows:
        raise SignalReadError(f"{path} has a header line ({', '.join(names)}) but no numbers below it")
    return names, rows


def signal_columns(path) -> list[str]:
    r"""The column names of a signal file: its header, else "1", "2", ... .

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "track.csv")
    ...     _ = open(path, "w").write("time,position\n0,1.5\n1,2.0\n")
    ...     signal_columns(path)
    ['time', 'position']
    """
    return _table(Path(path))[0]


def _column_index(path: Path, names: list[str], column) -> int:
    listed = ", ".join(names)
    if column is None or column == "":
        if len(names) == 1:
            return 0
        raise SignalReadError(f"{path} has {len(names)} columns ({listed}); choose one of them")
    if isinstance(column, str) and column in names:
        return names.index(column)
    if isinstance(column, (int, np.integer)) and not isinstance(column, bool) and 0 <= column < len(names):
        return int(column)
    raise SignalReadError(f"{path} has no column {column!r}; its columns are: {listed}")


def read_signal(path, column=None) -> np.ndarray:
    r"""Read one column of numbers from a CSV or text file as a 1-D signal.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    column : str or int, optional
        A column name from the header line (or "1", "2", ... without a header), or a 0-based
        column number. Needed only when the file has more than one column.

    Returns
    -------
    ndarray, shape (n,), float64
        The numbers in file order; n >= 2.

    Raises
    ------
    SignalReadError
        (a ValueError) naming the file: missing, a folder, not text, empty, fewer than two
        numbers, an unknown or missing column, a cell that is not a finite number.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "track.csv")
    ...     _ = open(path, "w").write("time,position\n0,1.5\n1,2.0\n")
    ...     read_signal(path, "position")
    array([1.5, 2. ])
    """
    path = Path(path)
    names, rows = _table(path)
    index = _column_index(path, names, column)
    values = np.empty(len(rows), dtype=np.float64)
    for i, (number, cells) in enumerate(rows):
        if index >= len(cells) or cells[index] == "":
            raise SignalReadError(f"{path}, line {number}: column {names[index]!r} is empty")
        cell = cells[index]
        try:
            value = float(cell)
        except ValueError:
            raise SignalReadError(f"{path}, line {number}: {cell!r} is not a number") from None
        if not math.isfinite(value):
            raise SignalReadError(f"{path}, line {number}: {cell!r} is not a finite number")
        values[i] = value
    if values.size < 2:
        raise SignalReadError(f"{path} holds only one number; a signal needs at least two")
    return values
