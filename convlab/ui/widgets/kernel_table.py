"""KernelTable: an editable grid of kernel weights (1x1 .. 15x15) with spreadsheet copy and paste.

A cell that does not hold a finite number is refused: it turns red, a red message under the grid
says why, and the kernel keeps its last valid weight there. Enter moves down, Tab moves right,
Delete sets the selected weights to 0, Ctrl+C / Ctrl+V copy and paste tab-separated blocks.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from convlab.engine.kernel_ops import MAX_KERNEL_SIDE, parse_cell, parse_grid_text
from convlab.ui.theme import theme
from convlab.ui.widgets.form_controls import error_label

BAD_BACKGROUND = QColor("#ff9c9c")  # a refused cell: light red behind dark red text
BAD_FOREGROUND = QColor("#7a0000")


def cell_points(side: int) -> float:
    """The cells' font size at scale 1 for a kernel of ``side`` rows or columns (the numbers role up to 5)."""
    return 14 if side <= 5 else 11 if side <= 9 else 10


def format_weight(value: float, digits: int = 6) -> str:
    """Cell text of a weight: up to `digits` significant digits, "0" for zero.

    >>> format_weight(1 / 16), format_weight(-0.0), format_weight(-0.00533966, 3)
    ('0.0625', '0', '-0.00534')
    """
    return "0" if value == 0 else f"{float(value):.{digits}g}"


class _Grid(QTableWidget):
    """The table itself: spreadsheet keys (Enter moves down, Delete clears, Ctrl+C / Ctrl+V)."""

    def __init__(self, owner: "KernelTable"):
        super().__init__()
        self._owner = owner
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setTabKeyNavigation(True)
        # a style sheet fixes the font a widget had when it was set: set again after every scale change
        theme().follow(self, lambda: self.setStyleSheet("QTableWidget { gridline-color: #888888; }"))
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
            header.setSectionsClickable(True)

    def keyPressEvent(self, event) -> None:
        """Spreadsheet keys outside the cell editor."""
        if event.matches(QKeySequence.StandardKey.Paste):
            self._owner.paste_text(QGuiApplication.clipboard().text())
        elif event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(self._owner.selection_text())
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != self.State.EditingState:
            self._owner.clear_selection()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != self.State.EditingState:
            self._move_down()
        else:
            super().keyPressEvent(event)

    def closeEditor(self, editor, hint) -> None:
        """After Enter in a cell editor, go to the cell below (as spreadsheets do)."""
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self._move_down()

    def _move_down(self) -> None:
        row, col = self.currentRow(), self.currentColumn()
        if 0 <= row < self.rowCount() - 1 and col >= 0:
            self.setCurrentCell(row + 1, col)


class KernelTable(QWidget):
    """Editable kernel grid plus a red inline message for refused cells or pastes."""

    kernel_edited = Signal(object)  # float64 (rows, cols): the kernel after a user edit or paste
    message = Signal(str)  # what happened, for the status bar

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = _Grid(self)
        self.error_label = error_label()
        self._kernel = np.zeros((1, 1))
        self._errors: dict[tuple[int, int], str] = {}
        self._error_text = ""
        self._text_width, self._text_height = 50, 28
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        self.table.itemChanged.connect(self._on_item_changed)
        self.set_kernel(np.zeros((3, 3)))
        theme().follow(self, self._restyle)

    def _restyle(self) -> None:
        """The cells' font at the theme's scale (the weights and refused cells stay)."""
        self._set_cell_font(self._kernel.shape)
        self._fit_cells()

    # state
    def kernel(self) -> np.ndarray:
        """The last valid kernel, float64 (rows, cols) (a copy)."""
        return self._kernel.copy()

    def set_kernel(self, kernel) -> None:
        """Show a kernel (rows, cols), 1..15 per side, finite; clears refused cells. Emits nothing."""
        kernel = np.array(kernel, dtype=np.float64)
        if kernel.ndim != 2 or not (1 <= min(kernel.shape) and max(kernel.shape) <= MAX_KERNEL_SIDE):
            raise ValueError(f"kernel must be 2-D with 1 to {MAX_KERNEL_SIDE} rows and columns; "
                             f"got shape {kernel.shape}")
        if not np.all(np.isfinite(kernel)):
            raise ValueError("kernel must hold finite numbers only (no NaN or infinity)")
        self._kernel = kernel
        self._errors.clear()
        table = self.table
        table.blockSignals(True)
        table.setRowCount(kernel.shape[0])
        table.setColumnCount(kernel.shape[1])
        side = max(kernel.shape)
        digits = 4 if side <= 5 else 3 if side <= 9 else 2
        for (r, c), value in np.ndenumerate(kernel):
            item = QTableWidgetItem(format_weight(value, digits))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setToolTip(format_weight(value, 17))
            table.setItem(r, c, item)
        self._set_cell_font(kernel.shape)
        table.blockSignals(False)
        self._fit_cells(kernel.shape)
        self._show_error()

    def _set_cell_font(self, shape) -> None:
        """Every cell in the font for this kernel size at the theme's scale; cell width from the widest text."""
        font = QFont(self.table.font())
        font.setPointSizeF(round(cell_points(max(shape)) * theme().font_scale, 1))
        blocked = self.table.blockSignals(True)
        for r, c in np.ndindex(*shape):
            self.table.item(r, c).setFont(font)
        self.table.blockSignals(blocked)
        metrics = QFontMetrics(font)
        self._text_width = max(metrics.horizontalAdvance(self.table.item(r, c).text())
                               for r, c in np.ndindex(*shape)) + 14
        self._text_height = max(28, metrics.height() + 6)

    def _fit_cells(self, shape=None) -> None:
        """Share the visible area between the cells: big enough for their text (else scroll), at most 120 x 64."""
        rows, cols = shape or self._kernel.shape
        viewport = self.table.viewport().size()
        width = max(self._text_width, min(120, (viewport.width() - 2) // cols))
        height = max(self._text_height, min(64, (viewport.height() - 2) // rows))
        for c in range(cols):
            self.table.setColumnWidth(c, width)
        for r in range(rows):
            self.table.setRowHeight(r, height)

    def resizeEvent(self, event) -> None:
        """Refit the cells to the new size."""
        super().resizeEvent(event)
        self._fit_cells()

    def invalid_cells(self) -> list[tuple[int, int]]:
        """(row, col) of the cells currently refused (0-based), sorted."""
        return sorted(self._errors)

    def error_text(self) -> str:
        """The red inline message ("" when none is shown)."""
        return self._error_text

    # editing
    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        r, c = item.row(), item.column()
        try:
            value = parse_cell(item.text(), r + 1, c + 1)
        except ValueError as exc:
            note = f"{exc}. The kernel keeps {format_weight(self._kernel[r, c])} there."
            self._errors[(r, c)] = note
            self._paint(item, bad=True, tip=note)
            self._show_error(note)
            self.message.emit(note)
            return
        was_bad = self._errors.pop((r, c), None) is not None
        if was_bad:
            self._paint(item, bad=False)
        self._show_error()
        if value != self._kernel[r, c] or was_bad:
            self._kernel[r, c] = value
            self.kernel_edited.emit(self.kernel())

    def _paint(self, item: QTableWidgetItem, bad: bool, tip: str = "") -> None:
        self.table.blockSignals(True)
        item.setBackground(BAD_BACKGROUND if bad else QColor(Qt.GlobalColor.white))
        item.setForeground(BAD_FOREGROUND if bad else QColor(Qt.GlobalColor.black))
        item.setToolTip(tip or format_weight(self._kernel[item.row(), item.column()], 17))
        self.table.blockSignals(False)

    def _show_error(self, text: str = "") -> None:
        """Show `text`, else the note of a cell still refused, else nothing."""
        if not text and self._errors:
            text = self._errors[min(self._errors)]
        self._error_text = text
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def clear_selection(self) -> None:
        """Set the selected weights to 0 (the Delete key)."""
        cells = [(i.row(), i.column()) for i in self.table.selectedIndexes()]
        if cells:
            kernel = self.kernel()
            for r, c in cells:
                kernel[r, c] = 0.0
            self._apply_edit(kernel, f"Set {len(cells)} weight(s) to 0")

    def selection_text(self) -> str:
        """The selected block (or the whole kernel) as tab-separated rows, as spreadsheets copy."""
        cells = [(i.row(), i.column()) for i in self.table.selectedIndexes()] or list(np.ndindex(*self._kernel.shape))
        rows, cols = zip(*cells)
        block = self._kernel[min(rows):max(rows) + 1, min(cols):max(cols) + 1]
        return "\n".join("\t".join(format_weight(v) for v in row) for row in block) + "\n"

    def paste_text(self, text: str) -> bool:
        """Paste a block of numbers at the current cell, growing the grid if needed (up to 15x15).

        With the whole grid selected the kernel takes the block's shape. A bad block changes nothing.
        """
        try:
            block = parse_grid_text(text)
        except (TypeError, ValueError) as exc:
            self._refuse(f"Paste refused: {exc}.")
            return False
        rows, cols = self._kernel.shape
        whole = len(self.table.selectedIndexes()) == rows * cols and rows * cols > 1
        top, left = (0, 0) if whole else (max(self.table.currentRow(), 0), max(self.table.currentColumn(), 0))
        need = (top + block.shape[0], left + block.shape[1])
        if max(need) > MAX_KERNEL_SIDE:
            self._refuse(f"Paste refused: a {block.shape[0]} x {block.shape[1]} block at row {top + 1}, column "
                         f"{left + 1} needs a {need[0]} x {need[1]} kernel; the largest is "
                         f"{MAX_KERNEL_SIDE} x {MAX_KERNEL_SIDE}.")
            return False
        shape = need if whole else (max(rows, need[0]), max(cols, need[1]))
        kernel = np.zeros(shape)
        if not whole:
            kernel[:rows, :cols] = self._kernel
        kernel[top:need[0], left:need[1]] = block
        self._apply_edit(kernel, f"Pasted a {block.shape[0]} x {block.shape[1]} block at row {top + 1}, "
                                 f"column {left + 1}; the kernel is {shape[0]} x {shape[1]}")
        self.table.setCurrentCell(top, left)
        return True

    def _apply_edit(self, kernel: np.ndarray, note: str) -> None:
        self.set_kernel(kernel)
        self.kernel_edited.emit(self.kernel())
        self.message.emit(note)

    def _refuse(self, note: str) -> None:
        self._show_error(note)
        self.message.emit(note)
