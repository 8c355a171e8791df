"""Feature-maps panel: a CNN block (convolution -> nonlinearity -> pooling) working live on the source."""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QSplitter

from convlab.engine.activation import activate, is_signed_activation
from convlab.engine.kernel_banks import BANK_CHOICES, BANK_LABELS, make_bank
from convlab.engine.block import cnn_block_stages, prepare_input, shrink_to
from convlab.engine.explain import explain_value
from convlab.ui.export import save_image_atomic
from convlab.ui.live import LatestOnlyWorker
from convlab.ui.panels.base import Panel
from convlab.ui.panels.features.controls import STAGE_LABELS, FeatureControls
from convlab.ui.panels.features.lesson import apply_features_lesson_state, features_lesson_state
from convlab.ui.widgets.feature_grid import FeatureGrid
from convlab.ui.widgets.image_panel import ImagePanel
from convlab.ui.widgets.product_view import ProductView
from convlab.ui.widgets.form import control_column, side_by_side

PROCESS_MAX_SIDE = 640
EXPLAIN_INTERVAL_S = 0.25  # live frames refresh the sum-of-products view at most 4 times a second


@dataclass(frozen=True)
class FeatureJob:
    """One frame with the parameters and kernels to apply to it."""

    frame: object
    params: object
    names: tuple
    kernels: np.ndarray


def compute_job(job: FeatureJob):
    """Run the block on a job's frame (worker thread): returns (shown input, stages)."""
    p = job.params
    rgb = shrink_to(job.frame.image, PROCESS_MAX_SIDE)
    pool = None if p.pool_kind == "none" else p.pool_kind
    stages = cnn_block_stages(prepare_input(rgb, p.input_kind), job.kernels, mode=p.mode, boundary=p.boundary,
                              stride=p.stride, dilation=p.dilation, activation=p.activation, pool_kind=pool,
                              pool_size=p.pool_size, pool_stride=p.pool_stride)
    return rgb, stages


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
        self._dirty = False
        self._layout()
        self._connect()
        self._on_bank_changed()

    def _layout(self) -> None:
        scroll = control_column(self.controls)
        self._middle = middle = QSplitter(Qt.Vertical)
        middle.addWidget(self.input_view)
        middle.addWidget(self.product_view)
        middle.setSizes([320, 320])
        self._ui_scale = (1.0, False)  # (scale, presentation layout) last laid out
        self._split = side_by_side(self, (scroll, middle, self.grid), (280, 600, 620))

    def set_ui_scale(self, scale: float) -> None:
        """Presentation (a scale above 1, or the control column hidden): the input and the products
        get 45% of the width next to the controls and the products 60% of that column's height
        (their numbers and sum are the most text); back to the usual split otherwise. Only a change
        of either, or of the panel's size while presenting, moves the splitters, so a user's own
        drag stays."""
        big = scale > 1.0 or self._split.widget(0).isHidden()
        if (scale, big) == self._ui_scale:
            return
        self._ui_scale = (scale, big)
        self._apply_split()

    def _apply_split(self) -> None:
        big = self._ui_scale[1]
        share = 0.6 if big else 0.5
        total = self._middle.height() - self._middle.handleWidth()
        total = total if total > 0 else sum(self._middle.sizes()) or 640
        self._middle.setSizes([round(total * (1 - share)), round(total * share)])
        hidden = self._split.widget(0).isHidden()
        controls = 0 if hidden else self._split.sizes()[0]
        # the splitter's own width, not the sum of sizes(): right after F6/F5 hid the controls, their
        # space is not handed out yet and would all go to the map grid
        width = self._split.width() - controls - self._split.handleWidth() * (1 if hidden else 2)
        if width > 0:
            wide = round(width * (0.45 if big else 600 / 1220))
            self._split.setSizes([controls, wide, width - wide])

    def resizeEvent(self, event) -> None:
        """While presenting, keep the presentation split when the window grows to full screen (that
        happens after F5, when the window manager gets to it)."""
        super().resizeEvent(event)
        if self._ui_scale[1]:
            self._apply_split()

    def _connect(self) -> None:
        c = self.controls
        c.params_changed.connect(self._schedule)
        c.bank_requested.connect(self.build_bank)
        c.kernel_toggled.connect(self.bank.set_enabled)
        c.freeze_button.toggled.connect(self.set_frozen)
        c.step_button.clicked.connect(self.step)
        c.export_grid_button.clicked.connect(lambda: self.ask_export(None))
        c.export_map_button.clicked.connect(lambda: self.ask_export(self._selected_map()))
        self.bank.changed.connect(self._on_bank_changed)
        self.grid.pixel_hovered.connect(self.explain)
        self.grid.pixel_clicked.connect(self._select)
        self.worker.result_ready.connect(self._show_result)
        for key, slot in ((Qt.Key_Space, self.toggle_frozen), (Qt.Key_N, self.step)):
            QShortcut(QKeySequence(key), self, slot, context=Qt.WidgetWithChildrenShortcut)

    def shutdown(self) -> None:
        """Stop the worker thread (the window is closing)."""
        self.worker.stop()

    # frames and recomputation
    def set_frame(self, frame) -> None:
        """Process a new frame unless frozen."""
        self._incoming = frame
        if not self.frozen:
            self._submit(frame)

    def _submit(self, frame) -> None:
        names, kernels = self.bank.stacked()
        self.worker.submit(FeatureJob(frame, self.controls.params(), tuple(names), kernels))

    def _schedule(self, *_args) -> None:
        if not self._dirty:
            self._dirty = True
            QTimer.singleShot(0, self._recompute)

    def _recompute(self) -> None:
        self._dirty = False
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

    def build_bank(self, request) -> None:
        """Replace the shared bank with a ready-made one (a BankRequest)."""
        try:
            names, kernels = make_bank(request.choice, request.size, request.count, request.seed)
        except ValueError as exc:
            self.message.emit(str(exc))
            return
        origin = f"{request.choice} {request.size}x{request.size}"
        self.bank.set_from_arrays(names, kernels, origin)

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
        p = job.params
        maps = self.stage_maps(stages, p.stage)
        if 0 in maps.shape:  # e.g. a kernel larger than the image in 'valid' mode: nothing to show
            self.input_view.set_image(rgb)
            self.message.emit(f"The maps {STAGE_LABELS[p.stage]} are empty ({maps.shape[1]}x{maps.shape[2]}): the "
                              f"image ({rgb.shape[1]}x{rgb.shape[0]}) is smaller than the kernel or the pooling "
                              "window. Choose 'same' or 'full' padding, a smaller kernel or a larger image.")
            return
        signed = p.stage == "conv" or is_signed_activation(p.activation)
        self.grid.set_color_mode(signed=signed, per_map=p.per_map_scale)
        self.grid.set_maps(maps)
        self.input_view.set_image(rgb)
        self._displayed += 1
        self.latencies_ms.append((time.perf_counter() - job.frame.timestamp) * 1000.0)
        if self._selected is None or self._selected[0] >= maps.shape[0]:
            self._selected = (min(3, maps.shape[0] - 1), maps.shape[1] // 2, maps.shape[2] // 2)
            self._explained_at = 0.0
        if time.perf_counter() - self._explained_at > EXPLAIN_INTERVAL_S or self.worker.synchronous:
            self.explain(*self._selected)
        self.frame_displayed.emit(job.frame)

    @staticmethod
    def stage_maps(stages, stage):
        """The maps of one stage of a BlockStages."""
        return {"conv": stages.conv, "activated": stages.activated, "pooled": stages.pooled}[stage]

    def frames_displayed(self) -> int:
        """How many results were shown."""
        return self._displayed

    # explaining one value
    def _select(self, k, i, j) -> None:
        self._selected = (k, i, j)
        self.explain(k, i, j)

    def _selected_map(self) -> int:
        return self._selected[0] if self._selected else 0

    def explain(self, k, i, j) -> None:
        """Outline the receptive field of map k's pixel (i, j) and show its sum of products."""
        if self.last_result is None:
            return
        job, (_, stages) = self.last_result.job, self.last_result.value
        p = job.params
        maps = self.stage_maps(stages, p.stage)
        if not (0 <= k < maps.shape[0] and 0 <= i < maps.shape[1] and 0 <= j < maps.shape[2]):
            return
        pool = None if p.pool_kind == "none" else p.pool_kind
        e = explain_value(stages, job.kernels, k, i, j, p.stage, mode=p.mode, boundary=p.boundary,
                          stride=p.stride, dilation=p.dilation, pool_kind=pool, pool_size=p.pool_size,
                          pool_stride=p.pool_stride)
        self._explained_at = time.perf_counter()
        self.grid.set_marker(k, i, j)
        self.input_view.set_outline((e.rows[0], e.cols[0], e.rows[1], e.cols[1]))
        self.product_view.show_products(e.patch, e.kernel, e.products, e.total, self._caption(job, e, k, i, j))

    @staticmethod
    def _caption(job, e, k, i, j) -> str:
        p = job.params
        ci, cj = e.conv_index
        text = f"convolution output of map {k} '{job.names[k]}' at (row {ci}, col {cj})"
        if p.stage != "conv":
            after = float(activate(np.array([e.total], np.float32), p.activation)[0])
            text += f"; {p.activation} gives {after:.4g}"
        if p.stage == "pooled" and p.pool_kind != "none":
            text += f"; {p.pool_kind} pooling over {len(e.window)} values gives {e.value:.4g}"
        return text + f" = the value shown at (row {i}, col {j}) {STAGE_LABELS[p.stage]}"

    def step_preset(self, delta: int) -> str:
        """The next (+1) or previous (-1) ready-made bank (PageDown/PageUp); returns its label."""
        request = self.controls.bank_request()
        choice = BANK_CHOICES[(BANK_CHOICES.index(request.choice) + delta) % len(BANK_CHOICES)]
        request = replace(request, choice=choice)
        self.controls.set_bank_request(request)
        self.build_bank(request)
        return BANK_LABELS.get(choice, choice)

    # export
    def can_export(self) -> bool:
        """The feature-map grid can be saved as PNG."""
        return True

    def ask_export(self, map_index=None) -> None:
        """Ask where to save the grid (or one map) as PNG."""
        what = "feature map" if map_index is not None else "feature-map grid"
        path, _ = QFileDialog.getSaveFileName(self, f"Export {what}", f"{what.replace(' ', '-')}.png", "PNG (*.png)")
        if path:
            self.export(path, map_index)

    def export(self, path, map_index=None) -> bool:
        """Save the grid (or one map) as PNG; reports failures in the status bar."""
        try:
            image = self.grid.grab() if map_index is None else self.grid.grab_map_image(map_index)
            save_image_atomic(image, path)
        except OSError as exc:
            self.message.emit(f"Export failed: {exc}")
            return False
        self.message.emit(f"Saved {path}")
        return True

    # lesson files
    def lesson_state(self) -> dict:
        """This panel's settings as JSON values, for lesson files."""
        return features_lesson_state(self)

    def apply_lesson_state(self, state: dict) -> list:
        """Apply settings from a lesson file (checked first, all or nothing); returns plain-language warnings."""
        return apply_features_lesson_state(self, state)
