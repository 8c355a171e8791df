"""Opening a user's file safely: refuse what cannot be the file asked for, with a reason.

Every reader of convlab (images, kernel files, lessons) checks the same things before it reads a
byte: the path exists, is a regular file (not a folder, a pipe or a device), is not empty and not
absurdly large; text files must also be UTF-8. `error(path, reason)` builds the reader's own
exception, so each keeps its message style ("Cannot open image '...': <reason>.").
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable

__all__ = ["check_regular_file", "read_text_file"]

ErrorFactory = Callable[[Path, str], Exception]


def check_regular_file(path: Path, error: ErrorFactory, kind: str,
                       max_bytes: int | None = None) -> os.stat_result:
    """The file's ``os.stat`` result, after refusing missing paths, folders, special, empty or
    (beyond `max_bytes`) too large files; `kind` names what was expected ("an image file").

    Examples
    --------
    >>> try:
    ...     check_regular_file(Path("/"), lambda p, r: ValueError(r), "a kernel file")
    ... except ValueError as exc:
    ...     print(exc)
    it is a folder (directory), not a kernel file
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise error(path, "the file does not exist") from None
    except PermissionError:
        raise error(path, "permission denied (you may not open its folder)") from None
    except OSError as exc:
        raise error(path, f"the file could not be checked ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(path, f"it is a folder (directory), not {kind}")
    if not stat.S_ISREG(info.st_mode):
        raise error(path, "it is not a regular file")
    if info.st_size == 0:
        raise error(path, "the file is empty (0 bytes)")
    if max_bytes is not None and info.st_size > max_bytes:
        raise error(path, f"the file is too large for {kind} ({info.st_size} bytes, at most {max_bytes})")
    return info


def read_text_file(path: Path, error: ErrorFactory, kind: str, max_bytes: int) -> str:
    """The text of a checked file (`check_regular_file`), decoded as UTF-8 with or without BOM."""
    check_regular_file(path, error, kind, max_bytes)
    try:
        with open(path, "rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise error(path, f"the file could not be read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(path, f"it is not a text file (byte {exc.start} is not UTF-8)") from None
