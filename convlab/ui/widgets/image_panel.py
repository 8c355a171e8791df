"""ImagePanel: the input image with the receptive-field outline of one output pixel."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsRectItem, QVBoxLayout, QWidget

from convlab.ui.theme import theme

OUTLINE_PENS = (("#000000", 5), ("#ffd700", 2.5))  # (colour, width): a gold outline on a black one
IMAGE_BORDER = "#777777"  # the dashed edge of the image (padding lies outside it)
TAP_SIZE, TAP_PEN = 9, pg.mkPen("#000000", width=1.5)  # the dots grow with the line scale, their outline not


def _rect_item() -> QGraphicsRectItem:
    """A hidden, unfilled rectangle (its cosmetic pen comes from the theme)."""
    item = QGraphicsRectItem()
    item.setVisible(False)
    return item


class ImagePanel(QWidget):
    """Input image (gray or RGB), receptive-field outline and tap dots; reports hovered/clicked pixels."""

    pixel_hovered = Signal(int, int)
    pixel_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None, margin: int = 8):
        """Create an empty panel; ``margin`` image pixels around the image show padding outlines."""
        super().__init__(parent)
        self._margin = int(margin)
        self._graphics = pg.GraphicsLayoutWidget()
        self._graphics.setBackground("#e8e8e8")
        self._graphics.ci.setContentsMargins(2, 2, 2, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._graphics)
        self.view = self._graphics.addViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.view.addItem(self.image_item)
        self._image_border = _rect_item()
        self._outline = [_rect_item() for _ in OUTLINE_PENS]
        for z_value, item in enumerate([self._image_border, *self._outline], start=5):
            item.setZValue(z_value)
            self.view.addItem(item, ignoreBounds=True)
        self._taps = pg.ScatterPlotItem(pen=TAP_PEN, brush="#ffd700")
        self._taps.setZValue(10)
        self._taps.setVisible(False)
        self.view.addItem(self._taps, ignoreBounds=True)
        self._shape: tuple[int, int] | None = None
        self._outline_bounds: tuple[int, int, int, int] | None = None
        self._last_hover: tuple[int, int] | None = None
        scene = self._graphics.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        theme().follow(self._graphics, self._restyle)

    def _restyle(self) -> None:
        """Outline, image edge and tap dots in the theme's line widths."""
        self._image_border.setPen(theme().pen(IMAGE_BORDER, 1, Qt.PenStyle.DashLine))
        for item, (colour, width) in zip(self._outline, OUTLINE_PENS):
            item.setPen(theme().pen(colour, width))
        self._taps.setSize(theme().marker(TAP_SIZE))

    def set_image(self, image: np.ndarray, levels: tuple[float, float] | None = None) -> None:
        """Show (H, W) gray or (H, W, 3) RGB; uint8 needs no levels, float uses ``levels`` (low, high)."""
        image = np.asarray(image)
        if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] != 3) or 0 in image.shape:
            raise ValueError(f"image must have shape (H, W) or (H, W, 3), got {image.shape}")
        if image.dtype == np.uint8 and levels is None:
            self.image_item.setImage(image, autoLevels=False, levels=None)
        else:
            if levels is None:
                levels = (float(np.nanmin(image)), float(np.nanmax(image)) + 1e-12)
            self.image_item.setImage(image, autoLevels=False, levels=tuple(map(float, levels)))
        shape = image.shape[:2]
        if shape != self._shape:
            self._shape = shape
            self._image_border.setRect(QRectF(0, 0, shape[1], shape[0]))
            self._image_border.setVisible(True)
            self.reset_zoom()

    def reset_zoom(self) -> None:
        """Show the whole image plus the padding margin."""
        if self._shape is not None:
            height, width = self._shape
            m = self._margin
            self.view.setRange(xRange=(-m, width + m), yRange=(-m, height + m), padding=0.0)

    def set_outline(self, rows_cols, show_taps: bool = False) -> None:
        """Outline pixels (row0, col0, row1, col1) inclusive, or the bounding box of (N, 2) taps.

        Parts outside the image mean padding; with (N, 2) (row, col) taps and ``show_taps``,
        a dot marks each tap (useful with dilation).
        """
        spec = np.asarray(rows_cols)
        if spec.shape == (4,):
            row0, col0, row1, col1 = (int(v) for v in spec)
            taps = None
        elif spec.ndim == 2 and spec.shape[1] == 2 and spec.shape[0] > 0:
            taps = spec.astype(np.int64)
            (row0, col0), (row1, col1) = taps.min(axis=0), taps.max(axis=0)
        else:
            raise ValueError(f"rows_cols must be (row0, col0, row1, col1) or an (N, 2) array, got shape {spec.shape}")
        if row1 < row0 or col1 < col0:
            raise ValueError(f"rows_cols needs row0 <= row1 and col0 <= col1, got {tuple(spec.ravel())}")
        rect = QRectF(col0, row0, col1 - col0 + 1, row1 - row0 + 1)
        for item in self._outline:
            item.setRect(rect)
            item.setVisible(True)
        if taps is not None and show_taps:
            self._taps.setData(x=taps[:, 1] + 0.5, y=taps[:, 0] + 0.5)
        else:
            self._taps.setData([])
        self._taps.setVisible(taps is not None and show_taps)
        self._outline_bounds = (int(row0), int(col0), int(row1), int(col1))

    def clear_outline(self) -> None:
        """Hide the outline and tap dots."""
        for item in self._outline:
            item.setVisible(False)
        self._taps.setData([])
        self._taps.setVisible(False)
        self._outline_bounds = None

    def outline_bounds(self) -> tuple[int, int, int, int] | None:
        """Outlined pixels (row0, col0, row1, col1) inclusive, read back from the drawn rectangle."""
        if self._outline_bounds is None:
            return None
        rect = self._outline[0].rect()
        return (round(rect.top()), round(rect.left()),
                round(rect.bottom()) - 1, round(rect.right()) - 1)

    def tap_positions(self) -> np.ndarray:
        """Drawn tap dots as an (N, 2) int array of (row, col)."""
        x, y = self._taps.getData()
        return np.stack([np.floor(y), np.floor(x)], axis=1).astype(np.int64).reshape(-1, 2)

    def _pick(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """The image (row, col) under a scene position, or None outside the image."""
        if self._shape is None or not self.view.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.view.mapSceneToView(scene_pos)
        row, col = math.floor(point.y()), math.floor(point.x())
        if 0 <= row < self._shape[0] and 0 <= col < self._shape[1]:
            return row, col
        return None

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        """Emit pixel_hovered when the pixel under the mouse changes."""
        hit = self._pick(scene_pos)
        if hit != self._last_hover:
            self._last_hover = hit
            if hit is not None:
                self.pixel_hovered.emit(*hit)

    def _on_mouse_clicked(self, event) -> None:
        """Emit pixel_clicked on a left click over an image pixel."""
        if event.button() == Qt.MouseButton.LeftButton:
            hit = self._pick(event.scenePos())
            if hit is not None:
                self.pixel_clicked.emit(*hit)
