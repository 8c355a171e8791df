"""Saving pictures of the window atomically: a temporary file, then a rename."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def save_image_atomic(image, path) -> Path:
    """Save a QImage or QPixmap to ``path`` (format from the suffix) without ever leaving a half-written file."""
    path = Path(path)
    suffix = path.suffix.lower() or ".png"
    fd, tmp = tempfile.mkstemp(prefix=".convlab-", suffix=suffix, dir=path.parent if str(path.parent) else ".")
    os.close(fd)
    try:
        if not image.save(tmp, suffix.lstrip(".").upper()):
            raise OSError(f"Could not write {path.name}: the image could not be encoded as {suffix}.")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
