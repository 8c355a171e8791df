"""ProductView: the numbers behind one output pixel (input patch, kernel, products and their sum)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QBoxLayout, QFrame, QLabel, QScrollArea,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from convlab.ui.widgets.colormaps import diverging_lut

MAX_SIDE = 15
GRID_NAMES = ("patch", "kernel", "products")


def format_value(value: float, digits: int = 3) -> str:
    """Short text for a number with ``digits`` significant digits, e.g. 0.734, -12.3, 203, 1.2e-4."""
    value = float(value)
    if value == 0 or not np.isfinite(value):
        return "0" if value == 0 else str(value)
    if 1e-3 <= abs(value) < 1e5:
        return f"{value:.0f}" if abs(value) >= 10**digits else f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{max(digits - 1, 1)}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _font_points(side: int) -> int:
    """Cell font size: 13 pt up to 7x7, smaller for bigger grids."""
    return 13 if side <= 7 else 11 if side <= 9 else 10 if side <= 11 else 9


def _diverging_colours(values: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 blue-white-red colours with a symmetric scale around zero."""
    scale = max(float(np.max(np.abs(values))), 1e-12)
    index = np.clip(np.round((values / scale + 1.0) * 127.5), 0, 255).astype(np.intp)
    return diverging_lut()[index]


def _patch_colours(patch: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 colours of the input patch: true gray/RGB for 0..1 or 0..255 data, else stretched."""
    low, high = float(patch.min()), float(patch.max())
    if low >= 0 and high <= 1:
        low, high = 0.0, 1.0
    elif low >= 0 and high <= 255:
        low, high = 0.0, 255.0
    elif high <= low:
        high = low + 1.0
    scaled = np.round((patch - low) * (255.0 / (high - low))).astype(np.uint8)
    return np.repeat(scaled[..., None], 3, axis=2) if scaled.ndim == 2 else scaled


class _NumberGrid(QTableWidget):
    """A read-only grid of numbers with coloured cells, sized exactly to its contents."""

    def __init__(self):
        """Create an empty grid without headers or scroll bars."""
        super().__init__()
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setShowGrid(True)
        self.setStyleSheet("QTableWidget { gridline-color: #999999; }")

    def show_values(self, values: np.ndarray, colours: np.ndarray, digits: int) -> None:
        """Fill cells with ``values`` (h, w) as text on ``colours`` (h, w, 3) uint8 backgrounds."""
        rows, cols = values.shape
        font = QFont(self.font())
        font.setPointSize(_font_points(max(rows, cols)))
        self.setFont(font)
        self.setRowCount(rows)
        self.setColumnCount(cols)
        texts = [[format_value(v, digits) for v in row] for row in values]
        for r in range(rows):
            for c in range(cols):
                item = self.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.setItem(r, c, item)
                red, green, blue = (int(x) for x in colours[r, c])
                item.setText(texts[r][c])
                item.setFont(font)
                item.setBackground(QColor(red, green, blue))
                dark = 0.299 * red + 0.587 * green + 0.114 * blue < 140
                item.setForeground(QColor("white" if dark else "black"))
        self._fit(font, texts)

    def _fit(self, font: QFont, texts: list[list[str]]) -> None:
        """Make every cell as wide as the widest text and the grid exactly as big as its cells."""
        metrics = QFontMetrics(font)
        width = max(metrics.horizontalAdvance(t) for row in texts for t in row) + 10
        height = metrics.height() + 8
        for c in range(self.columnCount()):
            self.setColumnWidth(c, width)
        for r in range(self.rowCount()):
            self.setRowHeight(r, height)
        frame = 2 * self.frameWidth()
        self.setFixedSize(width * self.columnCount() + frame, height * self.rowCount() + frame)

    def texts(self) -> list[list[str]]:
        """Cell texts, row by row."""
        return [[self.item(r, c).text() for c in range(self.columnCount())]
                for r in range(self.rowCount())]


def _titled(title: str, grid: _NumberGrid) -> tuple[QWidget, QLabel]:
    """A grid with a title above it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    label = _big_label(title, 13, bold=True)
    layout.addWidget(label)
    layout.addWidget(grid, alignment=Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    layout.addStretch(1)
    return box, label


def _big_label(text: str, points: int, bold: bool = False) -> QLabel:
    """A dark, readable label."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSize(points)
    font.setBold(bold)
    label.setFont(font)
    label.setStyleSheet("color: #111111;")
    return label


class ProductView(QWidget):
    """Input patch x kernel = element-wise products, and their sum, for one output pixel."""

    def __init__(self, parent: QWidget | None = None):
        """Create an empty view; call show_products to fill it."""
        super().__init__(parent)
        self._grids = {name: _NumberGrid() for name in GRID_NAMES}
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._row = row
        titles = ("input patch", "kernel", "element-wise products")
        self._titles = {}
        for name, title, sign in zip(GRID_NAMES, titles, ("\u00d7", "=", "")):
            box, self._titles[name] = _titled(title, self._grids[name])
            row.addWidget(box, alignment=Qt.AlignmentFlag.AlignTop)
            if sign:
                row.addWidget(_big_label(sign, 22, bold=True), alignment=Qt.AlignmentFlag.AlignCenter)
        row.addStretch(1)
        content = QWidget()
        content.setLayout(row)
        self._scroll = scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._caption = _big_label("", 15, bold=True)
        self._caption.setWordWrap(True)
        self._note = _big_label("", 12)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self._caption)
        layout.addWidget(self._note)
        self.clear()

    def show_products(self, patch, kernel, products, total: float, caption: str) -> None:
        """Show patch and kernel (kh, kw) or (kh, kw, C), products (same shape or (kh, kw)) and
        the caption "sum of products = <total> = <caption>"; RGB products are summed over C."""
        patch, kernel, products = (np.asarray(a, dtype=np.float64) for a in (patch, kernel, products))
        if kernel.ndim not in (2, 3) or patch.shape != kernel.shape:
            raise ValueError(f"patch and kernel must share a (kh, kw) or (kh, kw, C) shape, "
                             f"got patch {patch.shape} and kernel {kernel.shape}")
        if products.shape not in (kernel.shape, kernel.shape[:2]):
            raise ValueError(f"products must have shape {kernel.shape} or {kernel.shape[:2]}, got {products.shape}")
        head = f"sum of products = {format_value(total, 4)}" + (f" = {caption}" if caption else "")
        side = max(kernel.shape[:2])
        if side > MAX_SIDE:
            self.clear()
            self._caption.setText(head)
            self._note.setText(f"kernel {kernel.shape[0]}x{kernel.shape[1]} is too large to list "
                               f"(at most {MAX_SIDE}x{MAX_SIDE})")
            return
        channels = kernel.shape[2] if kernel.ndim == 3 else 0
        summed = products.sum(axis=2) if products.ndim == 3 else products
        digits = 3 if side <= 5 else 2
        shown_patch = patch.mean(axis=2) if channels else patch
        shown_kernel = kernel.mean(axis=2) if channels else kernel
        self._grids["patch"].show_values(shown_patch, _patch_colours(patch), digits)
        self._grids["kernel"].show_values(shown_kernel, _diverging_colours(shown_kernel), digits)
        self._grids["products"].show_values(summed, _diverging_colours(summed), digits)
        self._set_titles(channels)
        self._caption.setText(head)
        self._note.setText(f"RGB: products summed over the {channels} channels; patch and kernel "
                           f"show their channel means" if channels else "")
        for grid in self._grids.values():
            grid.setVisible(True)
        self._fit_direction()

    def _fit_direction(self) -> None:
        """Grids side by side when they fit the width, else stacked top to bottom."""
        row = self._row
        widgets = [row.itemAt(n).widget() for n in range(row.count())]
        needed = sum(w.sizeHint().width() + row.spacing() for w in widgets if w is not None)
        margins = row.contentsMargins()
        fits = needed + margins.left() + margins.right() <= self._scroll.viewport().width()
        direction = QBoxLayout.Direction.LeftToRight if fits else QBoxLayout.Direction.TopToBottom
        if row.direction() != direction:
            row.setDirection(direction)

    def resizeEvent(self, event) -> None:
        """Re-choose side-by-side or stacked grids for the new width."""
        super().resizeEvent(event)
        self._fit_direction()

    def _set_titles(self, channels: int) -> None:
        """Grid titles, mentioning channel means/sums for multi-channel kernels."""
        suffix = {"patch": " (mean of C)", "kernel": " (mean of C)", "products": " (sum over C)"}
        titles = {"patch": "input patch", "kernel": "kernel", "products": "element-wise products"}
        for name, label in self._titles.items():
            label.setText(titles[name] + (suffix[name] if channels else ""))

    def clear(self) -> None:
        """Show nothing but a hint."""
        for grid in self._grids.values():
            grid.setRowCount(0)
            grid.setColumnCount(0)
            grid.setVisible(False)
        self._set_titles(0)
        self._caption.setText("hover or click a feature-map pixel to see its products")
        self._note.setText("")

    def cell_texts(self, grid: str) -> list[list[str]]:
        """Texts of grid "patch", "kernel" or "products", row by row."""
        if grid not in self._grids:
            raise ValueError(f"grid must be one of {GRID_NAMES}, got {grid!r}")
        return self._grids[grid].texts()

    def caption_text(self) -> str:
        """The caption line (sum of products ...)."""
        return self._caption.text()
