"""Saving pictures of the window atomically (see :mod:`convlab.io.atomic`)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice

from convlab.io.atomic import write_bytes_atomic


def save_image_atomic(image, path) -> Path:
    """Save a QImage or QPixmap to ``path`` (format from the suffix) without ever leaving a half-written file."""
    path = Path(path)
    suffix = path.suffix.lower() or ".png"
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    if not image.save(buffer, suffix.lstrip(".").upper()):
        raise OSError(f"Could not write {path.name}: the image could not be encoded as {suffix}.")
    buffer.close()
    return write_bytes_atomic(path, bytes(data))
