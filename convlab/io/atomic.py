"""Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed over the target.

An interrupted or failed save never leaves a half-written file and never destroys the previous one.
Every file convlab writes (kernels, banks, lessons, pictures) goes through here.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

__all__ = ["write_bytes_atomic", "write_text_atomic"]


def write_bytes_atomic(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, keeping the permissions of a file it replaces.

    Examples
    --------
    >>> write_bytes_atomic("notes.txt", b"kernel")
    PosixPath('notes.txt')
    >>> Path("notes.txt").read_bytes()
    b'kernel'
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    descriptor, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, stat.S_IMODE(os.stat(path).st_mode) if path.is_file() else _default_mode())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _sync_folder(folder)
    return path


def write_text_atomic(path, text: str) -> Path:
    """Write UTF-8 ``text`` (newlines as written) to ``path`` atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def _default_mode() -> int:
    """0o666 less the process umask, as a plain open() would create the file."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (some file systems refuse to open a folder: then skip)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
