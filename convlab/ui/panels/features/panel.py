"""Feature-maps panel: a CNN block (convolution -> nonlinearity -> pooling) working live on the source.

Data flows one way: the forms' settings (FeatureParams, BankRequest) and the shared bank make a
FeatureJob; the worker runs ``convlab.lab.features.compute_job`` on it; the result is drawn. Hovering
or clicking a map explains one value (``explain_pixel``) in the products view.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut

from convlab.engine.kernel_banks import BANK_CHOICES, BANK_LABELS
from convlab.lab.features import (
    WHERE,
    BankRequest,
    FeatureJob,
    FeatureParams,
    compute_job,
    empty_maps_note,
    explain_pixel,
    features_from_section,
    features_section,
    is_signed,
    stage_maps,
)
from convlab.ui.live import Coalesced, LatestOnlyWorker
from convlab.ui.panels.base import Panel
from convlab.ui.panels.features import export
from convlab.ui.panels.features.controls import FeatureControls
from convlab.ui.panels.features.layout import FeaturesLayout
from convlab.ui.panels.lesson_widgets import refused
from convlab.ui.widgets.feature_grid import FeatureGrid
from convlab.ui.widgets.image_panel import ImagePanel
from convlab.ui.widgets.product_view import ProductView

EXPLAIN_INTERVAL_S = 0.25  # live frames refresh the sum-of-products view at most 4 times a second


class FeaturesPanel(Panel):
    """Live feature maps of the shared kernel bank on the current source."""

    key = "features"
    title = "Feature maps"
    keeps_lesson_settings = True

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        self.bank = bank
        self.controls = FeatureControls()
        self.grid = FeatureGrid()
        self.input_view = ImagePanel()
        self.product_view = ProductView()
        self.worker = LatestOnlyWorker(compute_job, synchronous=synchronous, parent=self)
        self.frozen = False
        self.last_result = None
        self.latencies_ms = deque(maxlen=600)
        self._incoming = None
        self._displayed = 0
        self._selected = None
        self._explained_at = 0.0
        self._schedule = Coalesced(self._recompute, self)  # after a burst of changes: once
        self.columns = FeaturesLayout(self, self.controls, self.input_view, self.product_view, self.grid)
        self._split, self._middle = self.columns.split, self.columns.middle
        self._connect()
        self._on_bank_changed()

    def _connect(self) -> None:
        c = self.controls
        c.params_form.changed.connect(self._schedule)
        c.bank_form.changed.connect(self.build_bank)
        c.kernel_toggled.connect(self.bank.set_enabled)
        c.freeze_button.toggled.connect(self.set_frozen)
        c.step_button.clicked.connect(self.step)
        c.export_grid_button.clicked.connect(lambda: self.ask_export(None))
        c.export_map_button.clicked.connect(lambda: self.ask_export(self._selected[0] if self._selected else 0))
        self.bank.changed.connect(self._on_bank_changed)
        self.grid.pixel_hovered.connect(self.explain)
        self.grid.pixel_clicked.connect(self._select)
        self.worker.result_ready.connect(self._show_result)
        for key, slot in ((Qt.Key_Space, self.toggle_frozen), (Qt.Key_N, self.step)):
            QShortcut(QKeySequence(key), self, slot, context=Qt.WidgetWithChildrenShortcut)

    # presentation
    def set_ui_scale(self, scale: float) -> None:
        """Give the input and the products more room while presenting (see FeaturesLayout)."""
        self.columns.set_ui_scale(scale)

    def resizeEvent(self, event) -> None:
        """While presenting, keep the presentation split when the window grows to full screen (that
        happens after F5, when the window manager gets to it)."""
        super().resizeEvent(event)
        if self.columns.presenting():
            self.columns.apply()

    # frames and recomputation
    def set_frame(self, frame) -> None:
        """Process a new frame unless frozen."""
        self._incoming = frame
        if not self.frozen:
            self._submit(frame)

    def _submit(self, frame) -> None:
        names, kernels = self.bank.stacked()
        self.worker.submit(FeatureJob(frame, self.controls.params(), tuple(names), kernels))

    def _recompute(self) -> None:
        self._schedule.clear()
        frame = self.last_result.job.frame if self.last_result is not None else self._incoming
        if frame is not None:
            self._submit(frame)

    def set_frozen(self, frozen: bool) -> None:
        """Stop (or resume) taking new frames; parameters still apply to the frozen frame."""
        self.frozen = bool(frozen)
        self.controls.freeze_button.blockSignals(True)
        self.controls.freeze_button.setChecked(self.frozen)
        self.controls.freeze_button.blockSignals(False)
        self.message.emit("Frozen: Space resumes, N steps one frame" if self.frozen else "Live")
        if not self.frozen and self._incoming is not None:
            self._submit(self._incoming)

    def toggle_frozen(self) -> None:
        """Freeze or resume (Space)."""
        self.set_frozen(not self.frozen)

    def step(self) -> None:
        """While frozen, process the newest frame once (N)."""
        if self._incoming is not None:
            self._submit(self._incoming)

    def build_bank(self, request: BankRequest) -> None:
        """Replace the shared bank with a ready-made one."""
        try:
            names, kernels = request.build()
        except ValueError as exc:
            self.message.emit(str(exc))
            return
        self.bank.set_from_arrays(names, kernels, request.origin)

    def _on_bank_changed(self) -> None:
        self.controls.set_kernel_list(self.bank.entries())
        self._schedule()

    # display
    def _show_result(self, result) -> None:
        if result.error:
            self.message.emit(f"Could not compute the feature maps: {result.error}")
            return
        rgb, stages = result.value
        job = result.job
        if self.last_result is None or self.last_result.job.names != job.names \
                or self.last_result.job.kernels.shape != job.kernels.shape:
            self.grid.set_kernels(list(job.names), job.kernels)
        self.last_result = result
        maps = stage_maps(stages, job.params.stage)
        self.input_view.set_image(rgb)
        if 0 in maps.shape:  # e.g. a kernel larger than the image in 'valid' mode: nothing to show
            self.message.emit(empty_maps_note(job.params, maps.shape, rgb.shape))
            return
        self.grid.set_color_mode(signed=is_signed(job.params), per_map=job.params.per_map_scale)
        self.grid.set_maps(maps)
        self._displayed += 1
        self.latencies_ms.append((time.perf_counter() - job.frame.timestamp) * 1000.0)
        if self._selected is None or self._selected[0] >= maps.shape[0]:
            self._selected = (min(3, maps.shape[0] - 1), maps.shape[1] // 2, maps.shape[2] // 2)
            self._explained_at = 0.0
        if time.perf_counter() - self._explained_at > EXPLAIN_INTERVAL_S or self.worker.synchronous:
            self.explain(*self._selected)
        self.frame_displayed.emit(job.frame)

    def frames_displayed(self) -> int:
        """How many results were shown."""
        return self._displayed

    # explaining one value
    def _select(self, k, i, j) -> None:
        self._selected = (k, i, j)
        self.explain(k, i, j)

    def explain(self, k, i, j) -> None:
        """Outline the receptive field of map k's pixel (i, j) and show its sum of products."""
        if self.last_result is None:
            return
        explained = explain_pixel(self.last_result.job, self.last_result.value[1], k, i, j)
        if explained is None:
            return
        e, caption = explained
        self._explained_at = time.perf_counter()
        self.grid.set_marker(k, i, j)
        self.input_view.set_outline((e.rows[0], e.cols[0], e.rows[1], e.cols[1]))
        self.product_view.show_products(e.patch, e.kernel, e.products, e.total, caption)

    def step_preset(self, delta: int) -> str:
        """The next (+1) or previous (-1) ready-made bank (PageDown/PageUp); returns its label."""
        request = self.controls.bank_request()
        choice = BANK_CHOICES[(BANK_CHOICES.index(request.choice) + delta) % len(BANK_CHOICES)]
        self.apply_settings(replace(request, choice=choice))
        return BANK_LABELS.get(choice, choice)

    # export
    def can_export(self) -> bool:
        """The feature-map grid can be saved as PNG."""
        return True

    def ask_export(self, which=None) -> None:
        """Ask where to save the grid (or map ``which``) as PNG."""
        export.ask_export(self, which)

    # settings: lesson files and the command line
    def current_settings(self) -> tuple:
        """The block's settings and the ready-made bank chosen."""
        return self.controls.params(), self.controls.bank_request()

    def apply_settings(self, settings) -> None:
        """Show and use new FeatureParams (recompute) or a BankRequest (build the bank if it is another)."""
        if isinstance(settings, FeatureParams):
            self.controls.params_form.set_settings(settings)
            self._schedule()
        elif isinstance(settings, BankRequest):
            if settings != self.controls.bank_request():
                self.controls.bank_form.set_settings(settings)
                self.build_bank(settings)
        else:
            super().apply_settings(settings)

    def lesson_state(self) -> dict:
        """The panel's settings as JSON values, for lesson files."""
        return features_section(*self.current_settings())

    def apply_lesson_state(self, state: dict) -> list:
        """Check everything, then apply (fields missing from ``state`` take their default); returns
        plain-language warnings. A bank choice different from the current one builds that bank; a
        lesson's own "bank" is applied afterwards and wins."""
        try:
            params, request, warnings = features_from_section(state)
        except ValueError as exc:
            return refused(WHERE, exc)
        self.apply_settings(request)
        self.apply_settings(params)
        return warnings
