"""Export what is on screen: the window, a panel or one plot to PNG at any scale, a plot to SVG, and the
kernel bank as a PNG montage. Every file is written atomically (a temporary file, then a rename).

PNG at scale s renders the widget with ``QWidget.render`` into an image of s x its size whose
devicePixelRatio is s, so text and lines are drawn sharp at the higher resolution (not an enlarged
screenshot). SVG uses pyqtgraph's SVG exporter on one PlotItem (widgets such as tables have no SVG form).
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QGraphicsView

from convlab.io.atomic import write_bytes_atomic
from convlab.ui.export import save_image_atomic
from convlab.ui.theme import checked_scale
from convlab.ui.widgets.colormaps import diverging_lut

MIN_SCALE, MAX_SCALE = 0.25, 8.0
MAX_EXPORT_PIXELS = 20000 * 20000
_BACKGROUND = 255
_BORDER = 110


def check_export_scale(scale) -> float:
    """``scale`` as a float in 0.25..8, else ValueError naming it."""
    return checked_scale(scale, MIN_SCALE, MAX_SCALE)


def _canvas(width: float, height: float, scale: float, background) -> QImage:
    pixels = (max(1, round(width * scale)), max(1, round(height * scale)))
    if pixels[0] * pixels[1] > MAX_EXPORT_PIXELS:
        raise ValueError(f"scale {scale:g} would make a {pixels[0]}x{pixels[1]} image; choose a smaller scale")
    image = QImage(pixels[0], pixels[1], QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(QColor(background))
    return image


def render_widget(widget, scale: float = 1.0) -> QImage:
    """The widget drawn at ``scale`` x its size: a QImage of (round(s*w), round(s*h)) pixels, DPR s.

    >>> render_widget(window, 2).width() == 2 * window.width()  # doctest: +SKIP
    True
    """
    scale = check_export_scale(scale)
    image = _canvas(widget.width(), widget.height(), scale, widget.palette().window().color())
    widget.render(image)
    return image


def export_widget_png(widget, path, scale: float = 1.0) -> Path:
    """Save ``widget`` as a PNG at ``scale`` (atomic); OSError if the file cannot be written."""
    return save_image_atomic(render_widget(widget, scale), _with_suffix(path, ".png"))


@dataclass(frozen=True, eq=False)
class PlotTarget:
    """A plot that can be exported on its own: a readable name and its PlotItem."""

    name: str
    plot_item: pg.PlotItem


def _plot_name(plot: pg.PlotItem, number: int) -> str:
    title = plot.titleLabel.text if plot.titleLabel.isVisible() else ""
    if not title:
        labels = [plot.getAxis(side).labelText for side in ("left", "bottom") if plot.getAxis(side).labelText]
        title = " against ".join(labels)
    text = " ".join(str(title).replace("<br>", " ").split())
    return text or f"plot {number}"


def find_plots(root) -> list[PlotTarget]:
    """The visible pyqtgraph plots under a widget, in on-screen order (top to bottom, left to right)."""
    found = []
    for view in root.findChildren(QGraphicsView):
        if view.scene() is None or not view.isVisible():
            continue
        for item in view.scene().items():
            if isinstance(item, pg.PlotItem) and item.isVisible():
                corner = view.mapTo(root, view.mapFromScene(item.sceneBoundingRect().topLeft()))
                found.append((corner.y(), corner.x(), item))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [PlotTarget(_plot_name(item, n + 1), item) for n, (_, _, item) in enumerate(found)]


def render_plot(plot_item: pg.PlotItem, scale: float = 1.0) -> QImage:
    """One plot (axes, title and legend included) at ``scale``."""
    scale = check_export_scale(scale)
    scene = plot_item.scene()
    source = plot_item.sceneBoundingRect()
    views = scene.views()
    background = views[0].backgroundBrush().color() if views else QColor("white")
    image = _canvas(source.width(), source.height(), scale, background)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
    finally:
        painter.end()
    return image


def export_plot_png(plot_item: pg.PlotItem, path, scale: float = 1.0) -> Path:
    """Save one plot as PNG at ``scale`` (atomic)."""
    return save_image_atomic(render_plot(plot_item, scale), _with_suffix(path, ".png"))


def plot_svg_bytes(plot_item: pg.PlotItem) -> bytes:
    """One plot as an SVG document (pyqtgraph's SVG exporter, which clips curves to the axes).

    Qt 6.11 closes paths with a bare "Z" and breaks lines inside path data, which pyqtgraph 0.14's
    coordinate fix-up cannot parse (pyqtgraph issue 3485); the paths are normalised just before it runs.
    """
    from pyqtgraph.exporters import SVGExporter as exporter_module

    module = sys.modules[exporter_module.__module__]
    original = module.correctCoordinates

    def correct_coordinates(node, defs, item, options):
        for element in node.getElementsByTagName("path"):
            tokens = [t for t in element.getAttribute("d").split() if t not in ("Z", "z")]
            element.setAttribute("d", " ".join(tokens))
        return original(node, defs, item, options)

    exporter = exporter_module(plot_item)
    views = plot_item.scene().views()
    if views:
        exporter.parameters()["background"] = views[0].backgroundBrush().color()
    module.correctCoordinates = correct_coordinates
    try:
        return exporter.export(toBytes=True)
    finally:
        module.correctCoordinates = original


def export_plot_svg(plot_item: pg.PlotItem, path) -> Path:
    """Save one plot as SVG (images inside the plot are embedded as PNG), atomically."""
    return write_bytes_atomic(_with_suffix(path, ".svg"), plot_svg_bytes(plot_item))


def _with_suffix(path, suffix: str) -> Path:
    path = Path(path)
    return path if path.suffix else path.with_suffix(suffix)


# ---- kernel bank montage ------------------------------------------------------------------------
def kernel_rgb(kernel) -> np.ndarray:
    """A kernel as colours, (kh, kw, 3) uint8: blue-white-red around 0 for gray kernels (levels +-max|w|),
    0.5 + w / (2 max|w|) per channel for RGB kernels; other channel counts are summed to gray."""
    k = np.asarray(kernel, np.float64)
    if k.ndim == 3 and k.shape[2] != 3:
        k = k.sum(axis=2)
    peak = float(np.abs(k).max()) if k.size else 0.0
    peak = peak if peak > 0 else 1.0
    if k.ndim == 3:
        return np.clip(np.rint((0.5 + 0.5 * k / peak) * 255.0), 0, 255).astype(np.uint8)
    index = np.clip(np.rint((k / peak + 1.0) * 127.5), 0, 255).astype(np.intp)
    return diverging_lut()[index]


def bank_montage(kernels, tile: int = 64, gap: int = 12, columns: int | None = None):
    """Lay K kernels out as tiles: returns (rgb (H, W, 3) uint8, rects [(x, y, w, h)] * K).

    Each kernel is enlarged by a whole factor (nearest neighbour) to fit ``tile`` x ``tile`` pixels,
    centred in its cell and framed by a 1-pixel gray border; the background is white.

    >>> rgb, rects = bank_montage([np.eye(3), -np.ones((5, 5))], tile=30)
    >>> len(rects), rgb.dtype
    (2, dtype('uint8'))
    """
    kernels = [np.asarray(k) for k in kernels]
    if not kernels:
        raise ValueError("kernels must hold at least one kernel")
    if not 4 <= int(tile) <= 1024:
        raise ValueError(f"tile must be from 4 to 1024 pixels, got {tile!r}")
    columns = columns or max(1, math.ceil(math.sqrt(len(kernels) * 4 / 3)))
    rows = math.ceil(len(kernels) / columns)
    cell = tile + 2 + gap
    rgb = np.full((rows * cell + gap, columns * cell + gap, 3), _BACKGROUND, np.uint8)
    rects = []
    for n, kernel in enumerate(kernels):
        colours = kernel_rgb(kernel)
        factor = max(1, tile // max(colours.shape[:2]))
        big = np.repeat(np.repeat(colours, factor, axis=0), factor, axis=1)[:tile, :tile]
        h, w = big.shape[:2]
        y = gap + (n // columns) * cell + 1 + (tile - h) // 2
        x = gap + (n % columns) * cell + 1 + (tile - w) // 2
        rgb[y - 1:y + h + 1, x - 1:x + w + 1] = _BORDER
        rgb[y:y + h, x:x + w] = big
        rects.append((x, y, w, h))
    return rgb, rects


def montage_image(names, kernels, tile: int = 96, label_points: int = 11) -> tuple[QImage, list]:
    """The bank montage as a QImage with each kernel's name under its tile; also returns the tile rects."""
    gap = label_points * 2 + 14
    rgb, rects = bank_montage(kernels, tile=tile, gap=gap)
    rgb = np.ascontiguousarray(rgb)
    height, width = rgb.shape[:2]
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    painter = QPainter(image)
    try:
        font = QFont()
        font.setPixelSize(int(label_points * 4 / 3))
        painter.setFont(font)
        painter.setPen(QColor("#111111"))
        for name, (x, y, w, h) in zip(names, rects):
            cell_x, cell_y = x - 1 - (tile - w) // 2, y - 1 - (tile - h) // 2
            box = QRectF(cell_x - gap / 2, cell_y + tile + 5, tile + 2 + gap, gap - 5)
            text = painter.fontMetrics().elidedText(str(name), Qt.TextElideMode.ElideRight, int(box.width()))
            painter.drawText(box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), text)
    finally:
        painter.end()
    return image, rects


def export_bank_montage(bank, path, tile: int = 96) -> Path:
    """Save every kernel of a KernelBank (enabled or not) as a labelled PNG montage, atomically."""
    entries = bank.entries()
    image, _ = montage_image([e.name for e in entries], [e.kernel for e in entries], tile=tile)
    return save_image_atomic(image, _with_suffix(path, ".png"))
