"""Kernel files: one kernel or a whole bank as JSON, one kernel as a plain text or CSV grid.

JSON (``.json``, a bank or a single kernel)::

    {"format": "convlab-kernels", "version": 1,
     "kernels": [{"name": "sobel_x", "shape": [3, 3],
                  "weights": [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]}]}

``shape`` is ``[kh, kw]`` or ``[kh, kw, C]`` (colour kernels, channels last) and ``weights`` the
nested rows. Text grids: one row per line, cells separated by spaces or tabs (``.txt``) or commas
(``.csv``); a ``.txt`` file may start with ``#`` comment lines, and ``# name: <name>`` names the
kernel (otherwise the file name does).

Saving is atomic (a temporary file in the same folder, then ``os.replace``), so a failed save
never destroys the previous file. Loading checks everything before returning, and any problem
raises :class:`KernelFileError` naming the file and the reason.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from convlab.engine.kernel_ops import parse_grid_text
from convlab.io.atomic import write_text_atomic
from convlab.io.checked_files import read_text_file

__all__ = ["FORMAT", "VERSION", "KERNEL_FILE_EXTENSIONS", "KernelFileError", "kernel_file_filter",
           "load_bank", "load_kernel", "save_bank", "save_kernel"]

FORMAT = "convlab-kernels"
VERSION = 1
KERNEL_FILE_EXTENSIONS = (".json", ".txt", ".csv")
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_SIDE = 255


class KernelFileError(ValueError):
    """A kernel file could not be read; the message names the file and the problem."""


def kernel_file_filter(bank=False) -> str:
    """A Qt file-dialog filter: JSON only for banks, JSON/text/CSV for one kernel.

    >>> kernel_file_filter(bank=True)
    'Kernel banks (*.json)'
    """
    if bank:
        return "Kernel banks (*.json)"
    return "Kernels (*.json *.txt *.csv);;JSON (*.json);;Text grid (*.txt);;CSV grid (*.csv)"


def _error(path, reason) -> KernelFileError:
    return KernelFileError(f"Cannot load kernel file '{path}': {reason}.")


# ---- saving ----------------------------------------------------------------------------------
def _checked_kernel(name, kernel, where):
    """`kernel` as a finite float64 (kh, kw) or (kh, kw, C) array, with a non-empty str `name`."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: name must be a non-empty str; got {name!r}")
    array = np.asarray(kernel)
    if array.ndim not in (2, 3) or 0 in array.shape or array.dtype.kind not in "biuf":
        raise ValueError(f"{where}: kernel must be a non-empty (kh, kw) or (kh, kw, C) array of numbers; "
                         f"got shape {array.shape} and dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{where}: kernel {name!r} holds NaN or infinity; only finite weights can be saved")
    return array


def _json_text(names, kernels) -> str:
    """The JSON document, one kernel row per line so the file reads like the grid."""
    blocks = []
    for name, kernel in zip(names, kernels):
        rows = ",\n      ".join(json.dumps(row, allow_nan=False) for row in kernel.tolist())
        blocks.append(f'    {{"name": {json.dumps(name)}, "shape": {json.dumps(list(kernel.shape))},\n'
                      f'     "weights": [\n      {rows}]}}')
    kernels_text = ",\n".join(blocks)
    return f'{{"format": "{FORMAT}", "version": {VERSION},\n  "kernels": [\n{kernels_text}\n  ]}}\n'


def _grid_text(name, kernel, separator) -> str:
    rows = "\n".join(separator.join(repr(float(v)) for v in row) for row in kernel)
    header = f"# name: {name}\n" if separator != "," else ""
    return header + rows + "\n"


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in KERNEL_FILE_EXTENSIONS:
        raise ValueError(f"path must end with one of {', '.join(KERNEL_FILE_EXTENSIONS)}; got '{path.name}'")
    return suffix


def save_kernel(path, kernel, name="kernel") -> Path:
    """Save one kernel atomically: JSON (``.json``), a text grid (``.txt``) or a CSV grid (``.csv``).

    Parameters
    ----------
    path : str or os.PathLike
        Destination; the suffix picks the format. Its folder must exist.
    kernel : array_like, shape (kh, kw) (JSON also takes (kh, kw, C))
        Finite weights; written with full precision (``repr``), so they load back exactly.
    name : str, default "kernel"

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        For another suffix, a non-finite or malformed kernel, or a colour kernel in a text grid.
    OSError
        If the file cannot be written (the previous file, if any, is left as it was).

    Examples
    --------
    >>> save_kernel("edge.csv", [[-1, 0, 1]], "edge")
    PosixPath('edge.csv')
    """
    path = Path(path)
    suffix = _suffix(path)
    kernel = _checked_kernel(name, kernel, "save_kernel")
    if suffix == ".json":
        return write_text_atomic(path, _json_text([name], [kernel]))
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be 2-D (kh, kw) for a {suffix} grid; got shape {kernel.shape} "
                         "(save colour kernels as .json)")
    return write_text_atomic(path, _grid_text(name, kernel, "," if suffix == ".csv" else " "))


def save_bank(path, names, kernels) -> Path:
    """Save a bank of named kernels (any shapes, gray or colour) as one JSON file, atomically.

    Parameters
    ----------
    path : str or os.PathLike, ending in ``.json``
    names : sequence of str
    kernels : sequence of array_like, each (kh, kw) or (kh, kw, C), as many as `names`

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> save_bank("bank.json", ["a", "b"], [np.eye(3), np.ones((2, 4))])
    PosixPath('bank.json')
    """
    path = Path(path)
    if _suffix(path) != ".json":
        raise ValueError(f"path must end with .json for a bank; got '{path.name}'")
    names, kernels = list(names), list(kernels)
    if not names or len(names) != len(kernels):
        raise ValueError(f"names and kernels must be non-empty and equally long; got {len(names)} names "
                         f"and {len(kernels)} kernels")
    checked = [_checked_kernel(n, k, f"save_bank kernel {i + 1}") for i, (n, k) in enumerate(zip(names, kernels))]
    return write_text_atomic(path, _json_text(names, checked))


# ---- loading ---------------------------------------------------------------------------------
def _read_text(path: Path) -> str:
    """The file's text, after refusing missing files, folders, special, empty, huge or non-UTF-8 files."""
    return read_text_file(path, _error, "a kernel file", MAX_FILE_BYTES)


def _is_json(path: Path, text: str) -> bool:
    return path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "["))


def _refuse_constant(token):
    raise ValueError(token)


def _parse_json(path: Path, text: str):
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip())
        reason = "the JSON ends too early (truncated file?)" if truncated else "it is not valid JSON"
        raise _error(path, f"{reason}: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise _error(path, f"it holds {exc}, which is not a finite number; weights must be finite") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise _error(path, f"it is not a convlab kernel file (\"format\" must be \"{FORMAT}\", found {found!r})")
    version = document.get("version")
    if version != VERSION or isinstance(version, bool):
        raise _error(path, f"version {version!r} is not supported (this convlab reads version {VERSION})")
    entries = document.get("kernels")
    if not isinstance(entries, list) or not entries:
        raise _error(path, "\"kernels\" must be a non-empty list of kernels")
    names, kernels = [], []
    for number, entry in enumerate(entries, start=1):
        name, kernel = _parse_entry(entry, f"kernel {number}")
        names.append(name)
        kernels.append(kernel)
    return names, kernels


def _parse_entry(entry, where):
    """(name, float64 kernel) from one JSON kernel object, or ValueError saying what is wrong."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where} must be an object with name, shape and weights")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where} needs a non-empty \"name\" text")
    where = f"{where} ('{name}')"
    shape = entry.get("shape")
    if (not isinstance(shape, list) or len(shape) not in (2, 3)
            or not all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= MAX_SIDE for s in shape)):
        raise ValueError(f"{where}: \"shape\" must be [rows, cols] or [rows, cols, channels] of integers "
                         f"from 1 to {MAX_SIDE}; found {shape!r}")
    _check_nested(entry.get("weights"), shape, where, ())
    return name, np.array(entry["weights"], dtype=np.float64)


def _is_finite_number(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer beyond the float range
        return False


def _check_nested(value, shape, where, index):
    """Check that nested lists `value` have exactly `shape` and hold finite numbers."""
    position = ", ".join(f"{axis} {i + 1}" for axis, i in zip(("row", "column", "channel"), index))
    if not shape:
        if not _is_finite_number(value):
            raise ValueError(f"{where}: the weight at {position} must be a finite number; found {value!r}")
        return
    what = ("rows", f"weights in row {index[0] + 1}" if index else "", f"channels at {position}")[len(index)]
    if not isinstance(value, list) or len(value) != shape[0]:
        found = f"{len(value)}" if isinstance(value, list) else f"a {type(value).__name__}"
        raise ValueError(f"{where}: \"shape\" says {shape[0]} {what}, but the weights have {found}")
    for i, item in enumerate(value):
        _check_nested(item, shape[1:], where, index + (i,))


def _parse_grid(path: Path, text: str):
    """(name, kernel) from a text/CSV grid with optional leading '#' comment lines."""
    lines = text.splitlines()
    name = path.stem or "kernel"
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("#")):
        comment = lines.pop(0).lstrip().lstrip("#").strip()
        if comment.lower().startswith("name:") and comment[5:].strip():
            name = comment[5:].strip()
    try:
        kernel = parse_grid_text("\n".join(lines))
    except ValueError as exc:
        raise _error(path, str(exc)) from None
    if max(kernel.shape) > MAX_SIDE:
        raise _error(path, f"the grid is {kernel.shape[0]} x {kernel.shape[1]}, larger than {MAX_SIDE} per side")
    return name, kernel


def _load(path):
    path = Path(path)
    text = _read_text(path)
    if not _is_json(path, text):
        name, kernel = _parse_grid(path, text)
        return [name], [kernel]
    try:
        return _parse_json(path, text)
    except KernelFileError:
        raise
    except ValueError as exc:
        raise _error(path, str(exc)) from None


def load_bank(path):
    """Load the named kernels of a JSON bank file (a text/CSV grid gives a bank of one).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    names : list of str
    kernels : list of ndarray, float64, each (kh, kw) or (kh, kw, C)

    Raises
    ------
    KernelFileError
        For a missing file, a folder, an empty, truncated or malformed file, another format or version,
        non-finite weights, or weights that do not match their shape. Nothing is returned then.

    Examples
    --------
    >>> _ = save_bank("bank.json", ["edge", "blur"], [[[-1, 0, 1]], np.full((3, 3), 1 / 9)])
    >>> names, kernels = load_bank("bank.json")
    >>> names, kernels[0].tolist(), kernels[1].shape
    (['edge', 'blur'], [[-1.0, 0.0, 1.0]], (3, 3))
    """
    return _load(path)


def load_kernel(path):
    """Load one kernel from a JSON file holding exactly one kernel, or from a text/CSV grid.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    name : str
        From the file (JSON name, ``# name:`` comment) or else the file name without suffix.
    kernel : ndarray, float64, (kh, kw) or (kh, kw, C)

    Raises
    ------
    KernelFileError
        As :func:`load_bank`, and for a JSON file with several kernels (use :func:`load_bank`).

    Examples
    --------
    >>> _ = save_kernel("edge.csv", [[-1, 0, 1]], "edge")
    >>> load_kernel("edge.csv")
    ('edge', array([[-1.,  0.,  1.]]))
    """
    names, kernels = _load(path)
    if len(kernels) != 1:
        raise _error(Path(path), f"it holds a bank of {len(kernels)} kernels, not one kernel; load it as a bank")
    return names[0], kernels[0]
