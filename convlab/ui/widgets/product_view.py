"""ProductView: the numbers behind one output pixel (input patch, kernel, products and their sum)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from convlab.lab.numbers import format_value
from convlab.ui.theme import TEXT_COLOUR, THEMED, theme
from convlab.ui.widgets.colormaps import diverging_lut

__all__ = ["ProductView", "format_value"]

MAX_SIDE = 15
GRID_NAMES = ("patch", "kernel", "products")
MIN_SHRINK = 0.6  # grids shrink to this fraction of their font before they are stacked
# Where (row, column) the patch, "x", kernel, "=" and products go in each arrangement.
ARRANGEMENTS = {
    "row": ((0, 0), (0, 1), (0, 2), (0, 3), (0, 4)),    # patch x kernel = products
    "two rows": ((0, 0), (0, 1), (0, 2), (1, 1), (1, 2)),  # products under the kernel
    "stacked": ((0, 0), (1, 0), (2, 0), (3, 0), (4, 0)),
}


SIGN_POINTS = 22  # the "x" and "=" between the grids, at scale 1
# the labels: (role, bold) of the theme
LABEL_ROLES = {"title": ("note", True), "caption": ("numbers", True), "note": ("body", False)}


def _font_points(side: int) -> int:
    """Cell font size at scale 1: 13 pt (the note role) up to 7x7, smaller for bigger grids."""
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
        self.setProperty(THEMED, True)  # show_values sets its font from the theme

    def show_values(self, values: np.ndarray, colours: np.ndarray, digits: int,
                    shrink: float = 1.0) -> None:
        """Fill cells with ``values`` (h, w) as text on ``colours`` (h, w, 3) uint8 backgrounds.

        The numbers follow the theme's font scale (presentation mode) times ``shrink`` (<= 1 to fit a row).
        """
        rows, cols = values.shape
        points = round(max(_font_points(max(rows, cols)) * theme().font_scale * shrink, 6.0), 1)
        font = QFont(self.font())
        font.setPointSizeF(points)
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
    label = _dark_label(title)
    label.setWordWrap(True)  # "element-wise products" may take two lines above a narrow grid
    layout.addWidget(label)
    layout.addWidget(grid, alignment=Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    layout.addStretch(1)
    return box, label


def _dark_label(text: str) -> QLabel:
    """A dark, readable label (its font is set by ProductView._restyle)."""
    label = QLabel(text)
    label.setStyleSheet(f"color: {TEXT_COLOUR};")
    label.setProperty(THEMED, True)
    return label


class ProductView(QWidget):
    """Input patch x kernel = element-wise products, and their sum, for one output pixel."""

    def __init__(self, parent: QWidget | None = None):
        """Create an empty view; call show_products to fill it."""
        super().__init__(parent)
        self._grids = {name: _NumberGrid() for name in GRID_NAMES}
        titles = ("input patch", "kernel", "element-wise products")
        self._titles = {}
        self._items = []
        self._signs = []
        for name, title, sign in zip(GRID_NAMES, titles, ("\u00d7", "=", "")):
            box, self._titles[name] = _titled(title, self._grids[name])
            self._items.append(box)
            if sign:
                self._signs.append(_dark_label(sign))
                self._items.append(self._signs[-1])
        self._table = QGridLayout()
        self._table.setContentsMargins(4, 4, 4, 4)
        self._table.setHorizontalSpacing(10)
        self._table.setVerticalSpacing(8)
        self._table.setColumnStretch(5, 1)
        self._table.setRowStretch(5, 1)
        self._arrangement = None
        self._arrange("row")
        content = QWidget()
        content.setLayout(self._table)
        self._scroll = scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._caption = _dark_label("")
        self._caption.setWordWrap(True)
        self._note = _dark_label("")
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self._caption)
        layout.addWidget(self._note)
        self._shown = None   # the last show_products arguments, re-rendered on scale or width change
        self._shrink = 1.0
        self.clear()
        theme().follow(self, self._restyle)

    def _restyle(self) -> None:
        """Label fonts from the theme's roles, then the numbers re-fitted at the new size."""
        roles = [(label, LABEL_ROLES["title"]) for label in self._titles.values()]
        roles += [(self._caption, LABEL_ROLES["caption"]), (self._note, LABEL_ROLES["note"])]
        for label, (role, bold) in roles:
            label.setFont(theme().font(role, bold, base=label.font()))
        sign = theme().font("title", True, base=self._signs[0].font())
        sign.setPointSizeF(round(SIGN_POINTS * theme().font_scale, 1))
        for label in self._signs:
            label.setFont(sign)
        self._fit()

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
        shown_patch = patch.mean(axis=2) if channels else patch
        shown_kernel = kernel.mean(axis=2) if channels else kernel
        self._shown = (shown_patch, _patch_colours(patch), shown_kernel, summed,
                       3 if side <= 5 else 2)
        self._set_titles(channels)
        self._caption.setText(head)
        self._note.setText(f"RGB: products summed over the {channels} channels; patch and kernel "
                           f"show their channel means" if channels else "")
        for grid in self._grids.values():
            grid.setVisible(True)
        self._fit()

    def _render(self, shrink: float) -> None:
        """Fill the three grids from the last shown values with fonts times ``shrink``."""
        patch, patch_colours, kernel, products, digits = self._shown
        self._grids["patch"].show_values(patch, patch_colours, digits, shrink)
        self._grids["kernel"].show_values(kernel, _diverging_colours(kernel), digits, shrink)
        self._grids["products"].show_values(products, _diverging_colours(products), digits, shrink)
        self._shrink = shrink

    def _arrange(self, arrangement: str) -> None:
        """Place the grids and signs as in ARRANGEMENTS[arrangement]."""
        if arrangement == self._arrangement:
            return
        for widget in self._items:
            self._table.removeWidget(widget)
        for n, (widget, (r, c)) in enumerate(zip(self._items, ARRANGEMENTS[arrangement])):
            sign = n % 2 == 1
            align = (Qt.AlignmentFlag.AlignCenter if sign
                     else Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            self._table.addWidget(widget, r, c, align)
        self._arrangement = arrangement

    def _width(self, arrangement: str, wrapped: bool = True) -> int:
        """Least width of `arrangement`, titles wrapped or on one line: its columns' widest items
        plus spacing."""
        columns = {}
        for widget, (_, c) in zip(self._items, ARRANGEMENTS[arrangement]):
            grid = widget.findChild(_NumberGrid)
            if grid is None:
                least = widget.minimumSizeHint().width()
            else:  # the box's layout caches its size: ask its parts
                title = widget.findChild(QLabel)
                title_width = (title.minimumSizeHint().width() if wrapped
                               else title.fontMetrics().horizontalAdvance(title.text()) + 4)
                least = max(grid.minimumWidth(), title_width)
            columns[c] = max(columns.get(c, 0), least)
        margins = self._table.contentsMargins()
        return (sum(columns.values()) + self._table.horizontalSpacing() * (len(columns) - 1)
                + margins.left() + margins.right())

    def _height(self, arrangement: str, wrapped: bool = True) -> int:
        """Least height of `arrangement`: its rows' tallest items plus spacing (a wrapped title
        counts two lines when it is wider than its grid)."""
        rows = {}
        for widget, (r, _) in zip(self._items, ARRANGEMENTS[arrangement]):
            grid = widget.findChild(_NumberGrid)
            if grid is None:
                least = widget.minimumSizeHint().height()
            else:
                title = widget.findChild(QLabel)
                metrics = title.fontMetrics()
                lines = 2 if wrapped and metrics.horizontalAdvance(title.text()) > grid.width() else 1
                least = lines * metrics.lineSpacing() + widget.layout().spacing() + grid.height()
            rows[r] = max(rows.get(r, 0), least)
        margins = self._table.contentsMargins()
        return (sum(rows.values()) + self._table.verticalSpacing() * (len(rows) - 1)
                + margins.top() + margins.bottom())

    def _fit(self) -> None:
        """The biggest numbers that fit the view: all in a row, else the products under the kernel,
        else whichever of the two keeps the larger font once shrunk (down to MIN_SHRINK); when no
        shrink fits the height too, the same by width alone (the view then scrolls down), else
        stacked at full size."""
        if self._shown is None:
            return
        viewport, bar = self._scroll.viewport(), self._scroll.verticalScrollBar()
        if self._fit_within(viewport.width(), viewport.height()):
            return
        # by width alone the view scrolls down: leave room for the scroll bar that will appear
        if self._fit_within(viewport.width() - (0 if bar.isVisible() else bar.sizeHint().width()), None):
            return
        self._wrap_titles(True)
        self._render(1.0)
        self._arrange("stacked")

    def _fit_within(self, width: int, height: int | None) -> bool:
        """Arrange and render the biggest "row" or "two rows" that fits `width` x `height`
        (`height` None: any); False if none fits even at MIN_SHRINK."""
        def excess(arrangement, wrapped):  # how many times too big; <= 1 fits
            over = self._width(arrangement, wrapped) / max(width, 1)
            if height is not None:
                over = max(over, self._height(arrangement, wrapped) / max(height, 1))
            return over

        self._render(1.0)
        for arrangement in ("row", "two rows"):
            for wrapped in (False, True):  # a title wraps only when that makes the row fit
                if excess(arrangement, wrapped) <= 1.0:
                    self._wrap_titles(wrapped)
                    self._arrange(arrangement)
                    return True
        self._wrap_titles(True)
        best = None
        for arrangement in ("row", "two rows"):
            shrink = 1.0
            for _ in range(4):  # cell padding and titles do not shrink: converge in a few steps
                self._render(shrink)
                over = excess(arrangement, True)
                if over <= 1.0:
                    if best is None or shrink > best[0]:
                        best = (shrink, arrangement)
                    break
                shrink *= 0.98 / over
                if shrink < MIN_SHRINK:
                    break
        if best is None:
            return False
        self._render(best[0])
        self._arrange(best[1])
        return True

    def _wrap_titles(self, wrapped: bool) -> None:
        """Let the grid titles take two lines, or keep each on one."""
        for label in self._titles.values():
            if label.wordWrap() != wrapped:
                label.setWordWrap(wrapped)

    def shrink(self) -> float:
        """Font factor the grids use to stay side by side (1.0 = their full size)."""
        return self._shrink

    def arrangement(self) -> str:
        """How the grids are placed now: "row", "two rows" or "stacked" (see ARRANGEMENTS)."""
        return self._arrangement

    def resizeEvent(self, event) -> None:
        """Re-choose full-size, shrunk or stacked grids for the new width."""
        super().resizeEvent(event)
        self._fit()

    def _set_titles(self, channels: int) -> None:
        """Grid titles, mentioning channel means/sums for multi-channel kernels."""
        suffix = {"patch": " (mean of C)", "kernel": " (mean of C)", "products": " (sum over C)"}
        titles = {"patch": "input patch", "kernel": "kernel", "products": "element-wise products"}
        for name, label in self._titles.items():
            label.setText(titles[name] + (suffix[name] if channels else ""))

    def clear(self) -> None:
        """Show nothing but a hint."""
        self._shown = None
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
