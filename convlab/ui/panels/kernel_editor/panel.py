"""Kernel-editor panel: edit a 2-D kernel by hand, see it applied live, save it, send it to the bank.

Data flows one way: the grid's kernel and the forms' settings (PresetSettings fill the grid,
PreviewSettings say how it is applied) make a PreviewJob; the worker runs
``convlab.lab.kernel_editor.run_preview`` on it (1 ms for a 3x3 kernel, 25 ms for 15x15 with dilation
8, so off the GUI thread); the result is drawn. Bursts of changes make one job.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QSplitter

from convlab.engine import kernel_ops as ops
from convlab.engine.correlation_switch import operation_products
from convlab.lab.kernel_editor import (
    EDIT_ACTIONS,
    WHERE,
    PresetSettings,
    PreviewJob,
    PreviewSettings,
    edit_kernel,
    editor_from_section,
    editor_section,
    preview_gray,
    product_caption,
    run_preview,
)
from convlab.sources.samples import open_sample
from convlab.ui.live import Coalesced, LatestOnlyWorker
from convlab.ui.panels.base import Panel
from convlab.ui.panels.kernel_editor.controls import EditorControls, KernelColumn
from convlab.ui.panels.kernel_editor.preview import PreviewViews
from convlab.ui.panels.kernel_editor.transfers import FILE_ACTIONS, KernelTransfers
from convlab.ui.panels.lesson_widgets import refused
from convlab.ui.theme import theme
from convlab.ui.widgets.form import follow_column_width, side_by_side


class KernelEditorPanel(Panel):
    """An editable kernel grid with presets and operations, a live preview, files and Send to bank."""

    key = "editor"
    title = "Kernel editor"
    keeps_lesson_settings = True

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        theme().follow(self, self._restyle)
        self.bank, self.synchronous = bank, synchronous
        self._schedule = Coalesced(self._recompute, self, immediate=synchronous)
        self.controls = EditorControls()
        self.column = KernelColumn()
        self.table = self.column.table
        self.preview = PreviewViews()
        self.transfers = KernelTransfers(self)
        self.worker = LatestOnlyWorker(run_preview, synchronous=synchronous, parent=self)
        self.last_result = None
        self._frame, self._gray, self._displayed, self._hovered = None, None, 0, None
        self._build()
        self._connect()
        self._gray = preview_gray(open_sample("china").read().image)
        self.apply_preset()
        self._on_bank_changed()

    def _restyle(self) -> None:
        """The editor's text: the application font, but never smaller than the small role."""
        font = QApplication.font()
        font.setPointSizeF(max(font.pointSizeF(), theme().points("small")))
        self.setFont(font)

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
        split = side_by_side(self, (scroll, right), (0, 0))
        # measured in place, in the editor's font
        width = self.controls.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 6
        scroll.setMinimumWidth(width)
        follow_column_width(scroll, width)
        split.setSizes([width, 1500 - width])
        top.setSizes([430, 1500 - width - 430])
        right.setSizes([590, 260])

    def _connect(self) -> None:
        b, c = self.controls.buttons, self.column
        self.table.kernel_edited.connect(self._on_kernel_edited)
        self.table.message.connect(self.message)
        c.rows_spin.valueChanged.connect(self._on_size_changed)
        c.cols_spin.valueChanged.connect(self._on_size_changed)
        c.send_button.clicked.connect(self.transfers.send_to_bank)
        c.take_button.clicked.connect(self.transfers.take_from_bank)
        self.controls.preset_form.changed.connect(self._on_presets_changed)
        self.controls.preview_form.changed.connect(self._schedule)
        self.controls.preview_form.refused.connect(self.message)
        b["preset"].clicked.connect(self.apply_preset)
        for key in EDIT_ACTIONS:
            b[key].clicked.connect(lambda _=False, key=key: self.edit(key))
        for key in FILE_ACTIONS:
            b[key].clicked.connect(lambda _=False, key=key: self.transfers.ask(key))
        self.preview.pixel_hovered.connect(self.explain)
        self.worker.result_ready.connect(self._show_preview)
        self.bank.changed.connect(self._on_bank_changed)

    # the kernel
    def kernel(self) -> np.ndarray:
        """The kernel in use, float64 (rows, cols): the last valid grid."""
        return self.table.kernel()

    def preset_settings(self) -> PresetSettings:
        """The preset, its size and Gabor values, and the random seed the controls show."""
        return self.controls.preset_form.settings()

    def preview_settings(self) -> PreviewSettings:
        """How the kernel is applied to the preview (operation, padding, divisor, offset...)."""
        return self.controls.preview_form.settings()

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

    def show_error(self, key: str, text: str) -> None:
        """Show (or hide, for "") the red note of group "preset", "edit", "files" or "bank"; a note also
        goes to the status bar."""
        if key == "bank":
            self.column.show_error(text)
        else:
            self.controls.show_error(key, text)
        if text:
            self.message.emit(text)

    def error_text(self, key: str) -> str:
        """The red note of group "preset", "edit", "files" or "bank" ("" when none)."""
        label = self.column.error_label if key == "bank" else self.controls.errors[key]
        return label.text() if not label.isHidden() else ""

    def _on_presets_changed(self, settings: PresetSettings) -> None:
        if settings.shapes_kernel(self._presets_applied):
            self.apply_preset()

    def apply_preset(self, *_args) -> None:
        """Fill the grid with the chosen preset at the chosen size (Gabor from its sliders)."""
        settings = self._presets_applied = self.preset_settings()
        try:
            name, kernel = settings.preset_kernel()
        except ValueError as exc:
            self.show_error("preset", f"{exc}. The kernel is unchanged.")
            return
        self.show_error("preset", "")
        self.column.name_edit.setText(name)
        self.set_kernel(kernel)

    def edit(self, action: str) -> None:
        """Normalise, rotate, transpose, flip or randomly fill the weights (the seed from its box)."""
        done = edit_kernel(action, self.kernel(), self.preset_settings().random_seed)
        self.show_error("edit", done.error)
        if done.kernel is not None:
            self.set_kernel(done.kernel, done.note)

    # preview
    def set_frame(self, frame) -> None:
        """Preview on the newest frame of the current source."""
        self._frame = frame
        self._gray = preview_gray(frame.image)
        self._schedule()

    def _recompute(self) -> None:
        self._schedule.clear()
        self.worker.submit(PreviewJob(self._frame, self._gray, self.kernel(), self.preview_settings()))

    def _show_preview(self, result) -> None:
        problem = result.error or (result.value if isinstance(result.value, str) else "")
        if problem:
            self.message.emit(f"Could not compute the preview: {problem}")
            return
        self.last_result = result.value
        self.preview.show_result(self.last_result)
        self._displayed += 1
        if result.job.frame is not None:
            self.frame_displayed.emit(result.job.frame)
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

    # the shared bank
    def _on_bank_changed(self) -> None:
        self.column.set_bank_entries(self.bank.entries())

    # presets, settings and lesson files
    def step_preset(self, delta: int) -> str:
        """The next (+1) or previous (-1) preset kernel (PageDown/PageUp); returns its name."""
        box = self.controls.preset_combo
        box.setCurrentIndex((box.currentIndex() + delta) % box.count())
        return box.currentText()

    def current_settings(self) -> tuple:
        """The preset settings and the preview settings."""
        return self.preset_settings(), self.preview_settings()

    def apply_settings(self, settings) -> None:
        """Show and use new PresetSettings (refill the grid unless only the seed changed) or PreviewSettings."""
        if isinstance(settings, PresetSettings):
            self.controls.preset_form.set_settings(settings)
            self._on_presets_changed(self.preset_settings())
        elif isinstance(settings, PreviewSettings):
            self.controls.preview_form.set_settings(settings)
            self._schedule()
        else:
            super().apply_settings(settings)

    def lesson_state(self) -> dict:
        """The kernel (rows of float), its name, and both settings as JSON values, for lesson files."""
        return editor_section(*self.current_settings(), self.kernel(), self.column.name_edit.text())

    def apply_lesson_state(self, state: dict) -> list:
        """Check everything, then apply; missing fields take their default (no kernel: the preset's kernel)."""
        try:
            section, warnings = editor_from_section(state)
        except ValueError as exc:
            return refused(WHERE, exc)
        self.controls.preset_form.set_settings(section.presets)
        self.controls.preview_form.set_settings(section.preview)
        for key in ("preset", "edit", "files", "bank"):
            self.show_error(key, "")
        if section.kernel is not None:
            self._presets_applied = section.presets
            self.column.name_edit.setText(section.name or "my kernel")
            self.set_kernel(section.kernel)
        else:
            self.apply_preset()
            if section.name is not None:
                self.column.name_edit.setText(section.name)
        return warnings
