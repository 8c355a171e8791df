"""FeatureGrid: K feature maps in an automatic grid, each labelled with its kernel's name and picture."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget

from convlab.ui.theme import theme
from convlab.ui.widgets.colormaps import LevelTracker, diverging_lut, magnitude_lut
from convlab.ui.widgets.kernel_thumb import KernelThumb, NameLabel

MAX_MAPS = 64
_LABEL_ROW_PIXELS = 34
# a gold square on a black one: the squares grow with the theme's line scale, their outlines do not
MARKER_PENS = (pg.mkPen("#000000", width=4), pg.mkPen("#ffd700", width=2))
MARKER_SIZE = 14
CELL_FRAME_COLOUR = "#888888"


def grid_columns(count: int, panel_width: float, panel_height: float, map_aspect: float) -> int:
    """Column count that shows ``count`` maps of aspect W/H ``map_aspect`` the largest in the panel."""
    best_columns, best_scale = 1, -1.0
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        cell_width = panel_width / columns
        cell_height = max(panel_height / rows - _LABEL_ROW_PIXELS, 1.0)
        scale = min(cell_width / map_aspect, cell_height)
        if scale > best_scale + 1e-9:
            best_columns, best_scale = columns, scale
    return best_columns


def _style_for(count: int) -> tuple[int, float]:
    """Thumbnail pixels and label size (a fraction of the body font: 12, 10, 9 pt at scale 1) for a grid
    of ``count`` maps (denser grids, smaller)."""
    if count <= 16:
        return 30, 1.0
    if count <= 36:
        return 24, 10 / 12
    return 20, 9 / 12


class _MapCell:
    """One grid cell: kernel thumbnail and name above a ViewBox holding the feature map."""

    def __init__(self, thumb_pixels: int, label_fraction: float):
        """Build the cell's items (not yet placed in the grid), sized by the theme."""
        self.layout = pg.GraphicsLayout()
        self.layout.setContentsMargins(2, 2, 2, 2)
        self.layout.setSpacing(2)
        self.thumb = KernelThumb(thumb_pixels)
        self.label = NameLabel(label_fraction)
        self.view = pg.ViewBox(invertY=True, enableMenu=False)
        self.view.setBackgroundColor("#d9d9d9")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.view.addItem(self.image)
        self.markers = [pg.ScatterPlotItem(symbol="s", pen=pen, brush=None, pxMode=True) for pen in MARKER_PENS]
        for marker in self.markers:
            marker.setZValue(10)
            marker.setVisible(False)
            self.view.addItem(marker, ignoreBounds=True)
        self.layout.addItem(self.thumb, 0, 0)
        self.layout.addItem(self.label, 0, 1)
        self.layout.addItem(self.view, 1, 0, 1, 2)
        self.layout.layout.setRowStretchFactor(0, 0)
        self.layout.layout.setRowStretchFactor(1, 1)
        self.layout.layout.setColumnStretchFactor(1, 1)
        self.restyle(header=False)

    def restyle(self, header: bool = True) -> None:
        """Frame, marker and (with ``header``) thumbnail and name in the theme's sizes."""
        self.view.setBorder(theme().pen(CELL_FRAME_COLOUR, 1))
        for marker in self.markers:
            marker.setSize(theme().marker(MARKER_SIZE))
        if header:
            self.thumb.restyle()
            self.label.restyle()

    def show_marker(self, row: int | None, col: int | None) -> None:
        """Put the square marker on pixel (row, col), or hide it when row is None."""
        spots = [] if row is None else [{"pos": (col + 0.5, row + 0.5)}]
        for marker in self.markers:
            marker.setData(spots)
            marker.setVisible(row is not None)  # hidden items cost nothing to paint


class FeatureGrid(QWidget):
    """K feature maps (K = 1..64), linked zoom, locked aspect, hover/click reporting (k, row, col)."""

    pixel_hovered = Signal(int, int, int)
    pixel_clicked = Signal(int, int, int)

    def __init__(self, parent: QWidget | None = None):
        """Create an empty grid; call set_kernels, then set_maps every frame."""
        super().__init__(parent)
        self._graphics = pg.GraphicsLayoutWidget()
        self._graphics.setBackground("w")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._graphics)
        self._cells: list[_MapCell] = []
        self._columns = 0
        self._signed, self._per_map = True, True
        self._tracker = LevelTracker(signed=True, per_map=True)
        self._maps: np.ndarray | None = None
        self._levels: np.ndarray | None = None
        self._last_hover: tuple[int, int, int] | None = None
        self._marker: tuple[int, int, int] | None = None
        self._arrange_timer = QTimer(self, singleShot=True, interval=0)
        self._arrange_timer.timeout.connect(self._arrange_if_needed)
        scene = self._graphics.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        # Sizes come from the theme and change only with it: nothing is restyled frame by frame (its
        # scene changes with every frame and holds ~250 items), and nothing else scales this view.
        theme().follow(self._graphics, self._restyle)

    def _restyle(self) -> None:
        for cell in self._cells:
            cell.restyle()

    # ---- public API -------------------------------------------------------------------------
    def set_kernels(self, names: list[str], kernels: np.ndarray) -> None:
        """Label the maps: ``names`` (K strings), ``kernels`` (K, kh, kw) or (K, kh, kw, C)."""
        kernels = np.asarray(kernels)
        if kernels.ndim not in (3, 4):
            raise ValueError(f"kernels must have shape (K, kh, kw) or (K, kh, kw, C), got {kernels.shape}")
        count = kernels.shape[0]
        if not 1 <= count <= MAX_MAPS:
            raise ValueError(f"kernels must hold 1..{MAX_MAPS} kernels, got K={count}")
        if len(names) != count:
            raise ValueError(f"names must have one entry per kernel (K={count}), got {len(names)}")
        if count != len(self._cells):
            self._rebuild(count)
        for cell, name, kernel in zip(self._cells, names, kernels):
            cell.label.set_text(str(name))
            cell.thumb.set_kernel(kernel)
        self._tracker.reset()

    def set_maps(self, maps: np.ndarray) -> None:
        """Show ``maps`` (K, H, W) float32: fast path, copied into a reused buffer, LevelTracker levels."""
        maps = np.asarray(maps)
        if not self._cells:
            raise ValueError("maps cannot be shown before set_kernels (the grid holds K=0 maps)")
        if maps.ndim != 3 or maps.shape[0] != len(self._cells) or 0 in maps.shape:
            raise ValueError(f"maps must have shape (K={len(self._cells)}, H, W), got {maps.shape}")
        shape_changed = self._maps is None or self._maps.shape != maps.shape
        if shape_changed:
            self._maps = np.empty(maps.shape, dtype=np.float32)
        np.copyto(self._maps, maps, casting="same_kind")
        self._levels = self._tracker.update(self._maps)
        for cell, feature_map, levels in zip(self._cells, self._maps, self._levels):
            cell.image.setImage(feature_map, autoLevels=False, levels=levels)
        if shape_changed:
            self.reset_zoom()
            self._arrange_timer.start()

    def set_color_mode(self, signed: bool, per_map: bool) -> None:
        """Signed: blue-white-red with symmetric levels; else viridis from 0 (or min) to max."""
        self._signed, self._per_map = bool(signed), bool(per_map)
        self._tracker = LevelTracker(signed=self._signed, per_map=self._per_map)
        lut = diverging_lut() if self._signed else magnitude_lut()
        for cell in self._cells:
            cell.image.setLookupTable(lut, update=False)
        if self._maps is not None:
            self.set_maps(self._maps.copy())

    def color_mode(self) -> tuple[bool, bool]:
        """Current (signed, per_map)."""
        return self._signed, self._per_map

    def current_levels(self) -> np.ndarray | None:
        """Levels in use, (K, 2) float64 (low, high) per map, or None before the first set_maps."""
        return None if self._levels is None else self._levels.copy()

    def map_count(self) -> int:
        """Number of maps the grid holds (K)."""
        return len(self._cells)

    def column_count(self) -> int:
        """Number of grid columns in use."""
        return self._columns

    def image_items(self) -> list[pg.ImageItem]:
        """The K ImageItems, in map order."""
        return [cell.image for cell in self._cells]

    def view_boxes(self) -> list[pg.ViewBox]:
        """The K ViewBoxes (linked zoom), in map order."""
        return [cell.view for cell in self._cells]

    def set_marker(self, k: int, i: int, j: int) -> None:
        """Draw a square marker on pixel (row i, col j) of map k; clear it on every other map."""
        if not 0 <= k < len(self._cells):
            raise ValueError(f"k must be in 0..{len(self._cells) - 1}, got {k}")
        for index, cell in enumerate(self._cells):
            cell.show_marker(*((i, j) if index == k else (None, None)))
        self._marker = (int(k), int(i), int(j))

    def clear_marker(self) -> None:
        """Remove the marker from all maps."""
        for cell in self._cells:
            cell.show_marker(None, None)
        self._marker = None

    def marker(self) -> tuple[int, int, int] | None:
        """The marked (k, row, col), or None."""
        return self._marker

    def reset_zoom(self) -> None:
        """Show whole maps in every (linked) view."""
        if self._cells and self._maps is not None:
            height, width = self._maps.shape[1:]
            self._cells[0].view.setRange(xRange=(0, width), yRange=(0, height), padding=0.0)

    def grab_map_image(self, k: int) -> QImage:
        """Map k at native resolution with its colour table and levels, as an RGB888 QImage."""
        if self._maps is None or not 0 <= k < len(self._cells):
            raise ValueError(f"k must be in 0..{len(self._cells) - 1} after set_maps, got {k}")
        low, high = self._levels[k]
        lut = diverging_lut() if self._signed else magnitude_lut()
        scaled = (self._maps[k] - low) * (255.0 / (high - low))
        index = np.clip(np.nan_to_num(scaled), 0, 255).astype(np.uint8)
        rgb = np.ascontiguousarray(lut[index])
        height, width = index.shape
        return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()

    # ---- layout -------------------------------------------------------------------------------
    def _rebuild(self, count: int) -> None:
        """Create ``count`` fresh cells (the kernel count changed)."""
        self._graphics.ci.clear()
        thumb_pixels, label_fraction = _style_for(count)
        self._cells = [_MapCell(thumb_pixels, label_fraction) for _ in range(count)]
        lut = diverging_lut() if self._signed else magnitude_lut()
        master = self._cells[0].view
        master.setAspectLocked(True)  # equal-sized cells follow the master, so all keep the aspect
        for cell in self._cells:
            cell.image.setLookupTable(lut, update=False)
            if cell.view is not master:
                cell.view.setXLink(master)
                cell.view.setYLink(master)
        self._maps = self._levels = None
        self._marker = self._last_hover = None
        self._columns = 0
        self._arrange_if_needed()

    def _arrange_if_needed(self) -> None:
        """Place cells on the grid if the best column count changed (size, K or map aspect)."""
        if not self._cells:
            return
        aspect = 4 / 3 if self._maps is None else self._maps.shape[2] / self._maps.shape[1]
        width, height = max(self.width(), 100), max(self.height(), 100)
        columns = grid_columns(len(self._cells), width, height, aspect)
        if columns == self._columns:
            return
        old_grid = self._graphics.ci
        for cell in self._cells:
            if cell.layout in old_grid.items:
                old_grid.removeItem(cell.layout)
        # A fresh layout: QGraphicsGridLayout never forgets rows, and empty rows still take spacing.
        grid = pg.GraphicsLayout()
        grid.setContentsMargins(2, 2, 2, 2)
        self._graphics.setCentralItem(grid)
        self._graphics.ci = grid
        old_grid.deleteLater()  # out of the scene now: left to Python, it would be destroyed at exit (a crash)
        for index, cell in enumerate(self._cells):
            grid.addItem(cell.layout, index // columns, index % columns)
        for column in range(columns):
            grid.layout.setColumnStretchFactor(column, 1)
        for row in range(math.ceil(len(self._cells) / columns)):
            grid.layout.setRowStretchFactor(row, 1)
        self._columns = columns

    def resizeEvent(self, event) -> None:
        """Re-arrange the grid (coalesced) when the panel changes size."""
        super().resizeEvent(event)
        self._arrange_timer.start()

    # ---- mouse --------------------------------------------------------------------------------
    def _pick(self, scene_pos: QPointF) -> tuple[int, int, int] | None:
        """The (k, row, col) under a scene position, or None outside every map."""
        if self._maps is None:
            return None
        height, width = self._maps.shape[1:]
        for k, cell in enumerate(self._cells):
            if not cell.view.sceneBoundingRect().contains(scene_pos):
                continue
            point = cell.view.mapSceneToView(scene_pos)
            row, col = math.floor(point.y()), math.floor(point.x())
            if 0 <= row < height and 0 <= col < width:
                return k, row, col
            return None
        return None

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        """Emit pixel_hovered when the pixel under the mouse changes."""
        hit = self._pick(scene_pos)
        if hit != self._last_hover:
            self._last_hover = hit
            if hit is not None:
                self.pixel_hovered.emit(*hit)

    def _on_mouse_clicked(self, event) -> None:
        """Emit pixel_clicked on a left click over a map pixel."""
        if event.button() != Qt.MouseButton.LeftButton:
            return
        hit = self._pick(event.scenePos())
        if hit is not None:
            self.pixel_clicked.emit(*hit)
