"""Saving the feature maps: the whole grid as on screen, or one map at its own resolution."""
from __future__ import annotations

from PySide6.QtWidgets import QFileDialog

from convlab.ui.export import save_image_atomic


def ask_export(panel, map_index=None) -> None:
    """Ask where to save the grid (or map ``map_index``) as PNG, then save it."""
    what = "feature map" if map_index is not None else "feature-map grid"
    path, _ = QFileDialog.getSaveFileName(panel, f"Export {what}", f"{what.replace(' ', '-')}.png", "PNG (*.png)")
    if path:
        export_maps(panel, path, map_index)


def export_maps(panel, path, map_index=None) -> bool:
    """Save the panel's grid (or one map) as PNG; says in the status bar what happened."""
    try:
        image = panel.grid.grab() if map_index is None else panel.grid.grab_map_image(map_index)
        save_image_atomic(image, path)
    except OSError as exc:
        panel.message.emit(f"Export failed: {exc}")
        return False
    panel.message.emit(f"Saved {path}")
    return True
