"""Views of the feature-learning panel: the kernel montage with cluster sizes, and sample patches."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from convlab.ui.theme import TEXT_COLOUR, diverging_lut, theme

GAP_COLOUR = np.array([200, 200, 200], np.uint8)
BAR_COLOUR = np.array([40, 40, 40], np.uint8)
MAX_LABELS = 64  # above this many kernels the sizes are shown as bars only


def _scaled_tiles(tiles, style):
    """Tiles (n, h, w[, 3]) as RGB uint8, each scaled on its own: diverging around 0, or gray min..max."""
    tiles = np.asarray(tiles, np.float32)
    n = tiles.shape[0]
    flat = tiles.reshape(n, -1)
    if style == "diverging":
        peak = np.abs(flat).max(axis=1)
        unit = np.divide(tiles, peak.reshape((n,) + (1,) * (tiles.ndim - 1)), out=np.zeros_like(tiles),
                         where=peak.reshape((n,) + (1,) * (tiles.ndim - 1)) > 0)
        if tiles.ndim == 4:
            return np.round(127.5 + 127.5 * unit).astype(np.uint8)
        return diverging_lut()[np.round(127.5 + 127.5 * unit).astype(np.intp)]
    low, high = flat.min(axis=1), flat.max(axis=1)
    span = np.where(high > low, high - low, 1.0).reshape((n,) + (1,) * (tiles.ndim - 1))
    gray = np.round(255 * (tiles - low.reshape(span.shape)) / span).astype(np.uint8)
    return gray if tiles.ndim == 4 else np.repeat(gray[..., None], 3, axis=-1)


def mosaic(tiles, columns, style="diverging", zoom=1, gap=1, bars=None, bar_height=0, label_height=0):
    """Tiles side by side in an RGB uint8 image; optional size bars (0..1) under each tile.

    Returns the image and the cell size (height, width) in image pixels.
    """
    rgb = _scaled_tiles(tiles, style)
    if zoom > 1:
        rgb = rgb.repeat(zoom, axis=1).repeat(zoom, axis=2)
    n, h, w = rgb.shape[:3]
    rows = math.ceil(n / columns)
    cell_h, cell_w = h + gap + bar_height + label_height, w + gap
    image = np.empty((rows * cell_h + gap, columns * cell_w + gap, 3), np.uint8)
    image[:] = GAP_COLOUR
    for i in range(n):
        top, left = gap + (i // columns) * cell_h, gap + (i % columns) * cell_w
        image[top:top + h, left:left + w] = rgb[i]
        if bars is not None and bar_height:
            length = int(round(float(bars[i]) * w))
            image[top + h + 1:top + h + bar_height, left:left + length] = BAR_COLOUR
    return image, (cell_h, cell_w)


def set_title(label: pg.LabelItem, text: str) -> None:
    """Show ``text`` in a view's title at the theme's body size."""
    label.setText(text, size=theme().size("body"), color=TEXT_COLOUR)


def _image_view(title: str):
    """A GraphicsLayoutWidget with a titled, aspect-locked, y-down view holding one ImageItem; the title
    follows the theme."""
    widget = pg.GraphicsLayoutWidget()
    widget.setBackground("w")
    label = widget.ci.addLabel(title, row=0, col=0)
    theme().follow(widget, lambda: set_title(label, label.text))
    view = widget.ci.addViewBox(row=1, col=0, lockAspect=True, invertY=True, enableMenu=False)
    view.setMouseEnabled(False, False)
    image = pg.ImageItem(axisOrder="row-major")
    view.addItem(image)
    return widget, view, image


class KernelMontage(QWidget):
    """All learned kernels in a grid, each with a bar (and, up to 64 kernels, a label) for its cluster size."""

    kernel_hovered = Signal(int)  # index into the shown kernels, -1 outside

    def __init__(self, parent=None):
        super().__init__(parent)
        self.widget, self.view, self.image = _image_view("")
        self.title = self.widget.ci.getItem(0, 0)
        self.labels: list[pg.TextItem] = []
        self.order = np.zeros(0, np.intp)
        self._cell = (1, 1)
        self._columns = 1
        self._last = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.widget)
        self.widget.scene().sigMouseMoved.connect(self._on_mouse)
        theme().follow(self, self._restyle_labels)

    def tile_count(self) -> int:
        """How many kernels are shown."""
        return len(self.order)

    def label_texts(self) -> list[str]:
        """The cluster-size labels as shown (empty above MAX_LABELS kernels or without sizes)."""
        return [label.toPlainText() for label in self.labels]

    def set_kernels(self, kernels, order, sizes=None, title=""):
        """Show kernels (k, s, s[, C]) in `order`; sizes (k,) give bars and percentages."""
        self._last = (kernels, order, sizes, title)
        kernels = np.asarray(kernels)[order]
        k, s = kernels.shape[0], kernels.shape[1]
        zoom, gap = max(1, 40 // s), max(2, 40 // s // 2)
        share = None if sizes is None else np.asarray(sizes, np.float64)[order] / max(float(np.sum(sizes)), 1.0)
        labelled = share is not None and k <= MAX_LABELS
        bars = None if share is None else share / max(share.max(), 1e-12)
        bar_height = max(3, s * zoom // 8) if bars is not None else 0
        label_height = int(0.45 * s * zoom) if labelled else 0
        cell = (s * zoom + gap + bar_height + label_height, s * zoom + gap)
        self._columns = columns = self._best_columns(k, cell)
        picture, self._cell = mosaic(kernels, columns, zoom=zoom, gap=gap, bars=bars,
                                     bar_height=bar_height, label_height=label_height)
        self.order = np.asarray(order)
        self.image.setImage(picture, levels=None, autoLevels=False)
        self.view.setRange(xRange=(0, picture.shape[1]), yRange=(0, picture.shape[0]), padding=0.01)
        set_title(self.title, title)
        self._set_labels(share if labelled else None, s * zoom, bar_height, gap)

    def _best_columns(self, count, cell) -> int:
        """Columns that show `count` cells (height, width) the largest in the widget."""
        width, height = max(self.widget.width(), 200), max(self.widget.height() - 40, 150)
        scores = [min(width / (c * cell[1]), height / (math.ceil(count / c) * cell[0])) for c in range(1, count + 1)]
        return 1 + int(np.argmax(scores))

    def resizeEvent(self, event) -> None:
        """Re-flow the grid to the new shape."""
        super().resizeEvent(event)
        if self._last is not None:
            self.set_kernels(*self._last)

    def _set_labels(self, share, tile, bar_height, gap):
        for label in self.labels:
            self.view.removeItem(label)
        self.labels = []
        if share is None:
            return
        for i, value in enumerate(share):
            label = pg.TextItem(f"{100 * value:.1f}%", color=TEXT_COLOUR, anchor=(0.5, 0.0))
            label.setFont(theme().font("small"))
            top = gap + (i // self._columns) * self._cell[0] + tile + bar_height - 2
            label.setPos(gap + (i % self._columns) * self._cell[1] + tile / 2, top)
            self.view.addItem(label)
            self.labels.append(label)

    def _restyle_labels(self) -> None:
        for label in self.labels:
            label.setFont(theme().font("small"))

    def _on_mouse(self, position) -> None:
        point = self.view.mapSceneToView(position)
        col, row = int(point.x() // self._cell[1]), int(point.y() // self._cell[0])
        index = row * self._columns + col
        inside = 0 <= col < self._columns and point.y() >= 0 and 0 <= index < len(self.order)
        self.kernel_hovered.emit(int(self.order[index]) if inside else -1)


class PatchSamples(QWidget):
    """Sample patches before and after preprocessing, side by side (each patch scaled to its own range)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.before, _, self.before_image = _image_view("sample patches as cut")
        self.after, _, self.after_image = _image_view("after normalisation / whitening")
        self.before_view = self.before.ci.getItem(1, 0)
        self.after_view = self.after.ci.getItem(1, 0)
        layout = pg.QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.before)
        layout.addWidget(self.after)
        self.shown = 0

    def set_samples(self, before, after, after_title="after normalisation / whitening") -> None:
        """Show up to 64 patches (n, s, s[, C]) as cut and the same ones preprocessed."""
        columns = max(1, math.ceil(math.sqrt(len(before))))
        zoom = max(1, 24 // before.shape[1])
        for item, view, patches in ((self.before_image, self.before_view, before),
                                    (self.after_image, self.after_view, after)):
            picture, _ = mosaic(patches, columns, style="gray", zoom=zoom, gap=2)
            item.setImage(picture, levels=None, autoLevels=False)
            view.setRange(xRange=(0, picture.shape[1]), yRange=(0, picture.shape[0]), padding=0.01)
        set_title(self.after.ci.getItem(0, 0), after_title)
        self.shown = len(before)
