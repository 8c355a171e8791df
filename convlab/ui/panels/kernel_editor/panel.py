"""Kernel-editor panel: edit a 2-D kernel by hand, see it applied live, save it, send it to the bank."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QScrollArea, QSplitter

from convlab.engine import kernel_ops as ops
from convlab.engine.correlation_switch import operation_products
from convlab.io.kernel_files import KernelFileError, kernel_file_filter, load_bank, load_kernel, save_bank, save_kernel
from convlab.sources.samples import open_sample
from convlab.ui.panels.base import Panel
from convlab.ui.panels.kernel_editor.controls import EditorControls, KernelColumn
from convlab.ui.panels.kernel_editor.lesson import apply_editor_lesson_state, editor_lesson_state
from convlab.ui.panels.kernel_editor.preview import (PreviewControls, PreviewViews, compute_preview, preview_gray,
                                                      product_caption)
from convlab.lab.kernel_bank import KernelEntry

TRANSFORMS = {"rotate": ops.rotate90, "transpose": ops.transpose, "flip_h": ops.flip_horizontal,
              "flip_v": ops.flip_vertical}


class KernelEditorPanel(Panel):
    """An editable kernel grid with presets and operations, a live preview, files and Send to bank."""

    key = "editor"
    title = "Kernel editor"
    keeps_lesson_settings = True

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        font = QFont(self.font())
        font.setPointSize(max(font.pointSize(), 11))
        self.setFont(font)
        self.bank, self.synchronous = bank, synchronous
        self.preview_controls = PreviewControls()
        self.controls = EditorControls(self.preview_controls)
        self.column = KernelColumn()
        self.table = self.column.table
        self.preview = PreviewViews()
        self.last_result = None
        self._frame, self._gray, self._displayed, self._dirty, self._hovered = None, None, 0, False, None
        self._build()
        self._connect()
        self._gray = preview_gray(open_sample("china").read().image)
        self.apply_preset()
        self._on_bank_changed()

    def _build(self) -> None:
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.column)
        top.addWidget(self.preview)
        top.setStretchFactor(1, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(top)
        right.addWidget(self.preview.product_view)  # full width: patch x kernel = products side by side
        right.setStretchFactor(0, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        width = self.controls.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 6  # 11 pt now
        scroll.setMinimumWidth(width)
        split.setSizes([width, 1500 - width])
        top.setSizes([430, 1500 - width - 430])
        right.setSizes([590, 260])

    def _connect(self) -> None:
        b, c = self.controls.buttons, self.column
        self.table.kernel_edited.connect(self._on_kernel_edited)
        self.table.message.connect(self.message)
        c.rows_spin.valueChanged.connect(self._on_size_changed)
        c.cols_spin.valueChanged.connect(self._on_size_changed)
        c.send_button.clicked.connect(self.send_to_bank)
        c.take_button.clicked.connect(self.take_from_bank)
        self.controls.preset_requested.connect(self.apply_preset)
        b["normalise"].clicked.connect(self.normalise)
        b["random"].clicked.connect(self.random_fill)
        for key in TRANSFORMS:
            b[key].clicked.connect(lambda _=False, key=key: self.transform(key))
        self.preview_controls.params_changed.connect(self._schedule)
        self.preview_controls.message.connect(self.message)
        self.preview.pixel_hovered.connect(self.explain)
        self.bank.changed.connect(self._on_bank_changed)
        for key in ("load_kernel", "save_kernel", "load_bank", "save_bank"):
            b[key].clicked.connect(lambda _=False, key=key: self.ask_file(key))

    # the kernel
    def kernel(self) -> np.ndarray:
        """The kernel in use, float64 (rows, cols): the last valid grid."""
        return self.table.kernel()

    def set_kernel(self, kernel, note: str = "") -> None:
        """Replace the kernel (grid, size boxes, heat map, preview)."""
        self.table.set_kernel(kernel)
        self._on_kernel_edited(self.table.kernel())
        if note:
            self.message.emit(note)

    def _on_kernel_edited(self, kernel) -> None:
        self.column.show_kernel(kernel)
        self._schedule()

    def _on_size_changed(self, *_args) -> None:
        self.set_kernel(ops.resize_kernel(self.kernel(), self.column.rows_spin.value(), self.column.cols_spin.value()))

    def _show_error(self, key: str, text: str) -> None:
        if key == "bank":
            self.column.show_error(text)
        else:
            self.controls.show_error(key, text)
        if text:
            self.message.emit(text)

    def error_text(self, key: str) -> str:
        """The red inline message of group "preset", "edit", "files" or "bank" ("" when none)."""
        label = self.column.error_label if key == "bank" else self.controls.errors[key]
        return label.text() if not label.isHidden() else ""

    def apply_preset(self, *_args) -> None:
        """Fill the grid with the chosen preset at the chosen size (Gabor from its sliders)."""
        try:
            name, kernel = self.controls.chosen_preset()
        except ValueError as exc:
            self._show_error("preset", f"{exc}. The kernel is unchanged.")
            return
        self._show_error("preset", "")
        self.column.name_edit.setText(name)
        self.set_kernel(kernel)

    def normalise(self) -> None:
        """Divide the weights by their sum (unless it is ~0)."""
        result = ops.normalise(self.kernel())
        self._show_error("edit", "" if result.divided else result.message)
        self.set_kernel(result.kernel, result.message)

    def random_fill(self) -> None:
        """Random weights (zero mean, unit norm) from the seed box."""
        seed = self.controls.seed_spin.value()
        try:
            kernel = ops.random_kernel(*self.kernel().shape, seed=seed)
        except ValueError as exc:
            self._show_error("edit", f"{exc}.")
            return
        self._show_error("edit", "")
        self.set_kernel(kernel, f"Random weights with seed {seed}")

    def transform(self, key: str) -> None:
        """Rotate ("rotate"), transpose, flip left-right ("flip_h") or up-down ("flip_v") the kernel."""
        self._show_error("edit", "")
        self.set_kernel(TRANSFORMS[key](self.kernel()), f"{self.controls.buttons[key].text()}: done")

    # preview
    def set_frame(self, frame) -> None:
        """Preview on the newest frame of the current source."""
        self._frame = frame
        self._gray = preview_gray(frame.image)
        self._schedule()

    def _schedule(self, *_args) -> None:
        if self.synchronous:
            self._recompute()
        elif not self._dirty:
            self._dirty = True
            QTimer.singleShot(0, self._recompute)

    def _recompute(self) -> None:
        self._dirty = False
        try:
            self.last_result = compute_preview(self._gray, self.kernel(), self.preview_controls.params())
        except ValueError as exc:
            self.message.emit(f"Could not compute the preview: {exc}")
            return
        self.preview.show_result(self.last_result)
        self._displayed += 1
        if self._frame is not None:
            self.frame_displayed.emit(self._frame)
        out = self.last_result.output
        if out.size:
            i, j = self._hovered or (out.shape[0] // 2, out.shape[1] // 2)
            self.explain(min(i, out.shape[0] - 1), min(j, out.shape[1] - 1), remember=False)

    def frames_displayed(self) -> int:
        """How many previews were drawn (>= 1 once the panel has shown the sample photo)."""
        return self._displayed

    def explain(self, i: int, j: int, remember: bool = True) -> None:
        """Show the products behind output pixel (i, j) and outline its receptive field on the input."""
        r = self.last_result
        if r is None or not (0 <= i < r.output.shape[0] and 0 <= j < r.output.shape[1]):
            return
        if remember:
            self._hovered = (i, j)
        p = r.params
        e = operation_products(r.gray, r.kernel, (i, j), p.operation, p.mode, p.boundary, 0.0, p.stride, p.dilation)
        self.preview.views["input"].set_outline(np.stack([e.rows.ravel(), e.cols.ravel()], axis=1),
                                                show_taps=p.dilation > 1)
        self.preview.product_view.show_products(e.patch, e.kernel, e.products, e.total, product_caption(r, i, j))

    def _on_bank_changed(self) -> None:
        self.column.set_bank_entries(self.bank.entries())

    def send_to_bank(self) -> bool:
        """Add the kernel ÷ divisor to the shared bank under the name in the name field."""
        name = self.column.name_edit.text().strip()
        if not name:
            self._show_error("bank", "Type a name for the kernel before sending it to the bank.")
            return False
        params = self.preview_controls.params()
        try:
            self.bank.add(name, ops.apply_divisor_offset(self.kernel(), params.divisor))
        except ValueError as exc:
            self._show_error("bank", f"Could not add it to the bank: {exc}.")
            return False
        self._show_error("bank", "")
        self.message.emit(f"Added '{name}' to the kernel bank (now {len(self.bank.entries())} kernels, used by the "
                          f"feature maps){'; the offset is not stored: bank kernels have no bias' * bool(params.offset)}")
        return True

    def take_from_bank(self) -> None:
        """Edit the kernel chosen in the bank list (a colour kernel is summed over its channels)."""
        entries, index = self.bank.entries(), self.column.bank_combo.currentIndex()
        if not 0 <= index < len(entries):
            return
        self._use_loaded(entries[index].name, entries[index].kernel, "bank")

    def _use_loaded(self, name, kernel, where) -> bool:
        kernel = np.asarray(kernel, np.float64)
        note = ""
        if kernel.ndim == 3:
            kernel, note = kernel.sum(axis=2), f" (a colour kernel: summed over its {kernel.shape[2]} channels)"
        if max(kernel.shape) > ops.MAX_KERNEL_SIDE:
            self._show_error(where, f"'{name}' is {kernel.shape[0]} x {kernel.shape[1]}; the editor takes at most "
                                    f"{ops.MAX_KERNEL_SIDE} x {ops.MAX_KERNEL_SIDE}. Nothing changed.")
            return False
        self._show_error(where, "")
        self.column.name_edit.setText(name)
        self.set_kernel(kernel, f"Editing '{name}'{note}")
        return True

    # files
    def load_kernel_file(self, path) -> bool:
        """Load one kernel from a JSON/text/CSV file; a bad file changes nothing and says why."""
        try:
            name, kernel = load_kernel(path)
        except KernelFileError as exc:
            self._show_error("files", str(exc))
            return False
        return self._use_loaded(name, kernel, "files")

    def save_kernel_file(self, path) -> bool:
        """Save the kernel ÷ divisor (JSON, text or CSV by suffix; .json if none), atomically."""
        kernel = ops.apply_divisor_offset(self.kernel(), self.preview_controls.params().divisor)
        return self._save(lambda to: save_kernel(to, kernel, self.column.name_edit.text().strip() or "kernel"), path)

    def load_bank_file(self, path) -> bool:
        """Replace the shared kernel bank with a bank file; a bad file changes nothing and says why."""
        try:
            names, kernels = load_bank(path)
            with np.errstate(over="ignore"):  # too large for float32: inf, which the bank refuses
                entries = [KernelEntry(n, k.astype(np.float32)) for n, k in zip(names, kernels)]
            self.bank.set_entries(entries, origin=Path(path).name)
        except ValueError as exc:  # KernelFileError, or a bank the KernelBank refuses
            self._show_error("files", str(exc))
            return False
        self._show_error("files", "")
        self.message.emit(f"Loaded {len(names)} kernels from {Path(path).name} into the kernel bank")
        return True

    def save_bank_file(self, path) -> bool:
        """Save the whole shared bank as JSON, atomically."""
        entries = self.bank.entries()
        return self._save(lambda to: save_bank(to, [e.name for e in entries], [e.kernel for e in entries]), path)

    def _save(self, write, path) -> bool:
        try:
            write(path if Path(path).suffix else Path(path).with_suffix(".json"))
        except (OSError, ValueError) as exc:
            self._show_error("files", f"Could not save {Path(path).name}: {exc}")
            return False
        self._show_error("files", "")
        self.message.emit(f"Saved {Path(path).name}")
        return True

    def ask_file(self, action: str) -> None:
        """Ask for a file, then "load_kernel", "save_kernel", "load_bank" or "save_bank" with it."""
        save, bank = action.startswith("save"), action.endswith("bank")
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        name = "kernel-bank" if bank else self.column.name_edit.text().strip() or "kernel"
        title = self.controls.buttons[action].text().rstrip("…")
        path, _ = dialog(self, title, f"{name}.json" if save else "", kernel_file_filter(bank))
        if path:
            getattr(self, f"{action}_file")(path)

    # lesson files
    def step_preset(self, delta: int) -> str:
        """The next (+1) or previous (-1) preset kernel (PageDown/PageUp); returns its name."""
        box = self.controls.preset_combo
        box.setCurrentIndex((box.currentIndex() + delta) % box.count())
        return box.currentText()

    def lesson_state(self) -> dict:
        """This panel's settings as JSON values, for lesson files."""
        return editor_lesson_state(self)

    def apply_lesson_state(self, state: dict) -> list:
        """Apply settings from a lesson file (checked first, all or nothing); returns plain-language warnings."""
        return apply_editor_lesson_state(self, state)
