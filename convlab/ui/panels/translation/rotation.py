"""Learned invariance: one kernel at 8 orientations, pooled over the orientations, while the input turns.

The form (`convlab.lab.rotation.RotationSettings`) gives new settings; the mode hands them with the
chosen kernel to its worker, which runs the 73-angle sweep (and loads scikit-learn's digits) off the
GUI thread, keeps the sweep while only the angle changes, and returns the view at the angle; the
views draw the result when it arrives.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from convlab.lab.rotation import (
    BUILT_IN_KERNEL,
    RotationCompute,
    RotationJob,
    RotationSettings,
    built_in_kernel,
    kernel_labels,
)
from convlab.lab.settings import settled
from convlab.lab.translation import gray_kernel
from convlab.ui.live import LatestOnlyWorker
from convlab.ui.panels.translation.rotation_views import RotationViews
from convlab.ui.panels.translation.tiles import themed_column
from convlab.ui.widgets.form import side_by_side
from convlab.ui.widgets.settings_form import SettingsForm

SECTIONS = (("Rotate the input", ("angle", "input")), ("Bank: one kernel, turned", ("kernel", "orientations", "span")))
NOTE = ("Each orientation responds strongly only when the input lines up with it; the max over "
        "the orientations (thick black) hardly changes: pooling over features learned a "
        "rotation invariance.")


class RotationMode(QWidget):
    """Angle slider and choices on the left; input, pooled map, 8 orientation maps and the sweep plot on the right."""

    message = Signal(str)

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        self.bank = bank
        self.settings = RotationSettings()
        self.form = SettingsForm(self.settings, SECTIONS, {"angle": "slider", "kernel": "choices"})
        self.form.widgets["angle"].readout.setMinimumWidth(0)
        self.views = RotationViews()
        self.worker = LatestOnlyWorker(RotationCompute(), synchronous=synchronous, parent=self)
        self.last_result = None
        self._layout()
        self.form.changed.connect(self._use)
        self.worker.result_ready.connect(self._show_result)
        self.set_kernel_names([e.name for e in bank.entries()])

    def _layout(self) -> None:
        controls = QWidget()
        column = QVBoxLayout(controls)
        note = QLabel(NOTE)
        note.setWordWrap(True)
        column.addWidget(self.form)
        column.addWidget(note)
        column.addStretch(1)
        self.column = themed_column(controls)
        side_by_side(self, (self.column, self.views), (340, 1160))

    def apply_settings(self, settings: RotationSettings) -> None:
        """Show and use `settings` (a lesson, --set): the controls show them without echo."""
        settings = settled(settings)
        self.form.set_settings(settings)
        self._use(settings)

    def change(self, **changes) -> None:
        """Change settings as a user would (tests and scripts)."""
        self.apply_settings(dataclasses.replace(self.settings, **changes))

    def kernel_names(self) -> list:
        """What the kernel chooser offers: the built-in kernel, then the bank's kernels."""
        return [BUILT_IN_KERNEL] + [e.name for e in self.bank.entries()]

    def set_kernel_names(self, names, wanted: str = "") -> None:
        """Offer the built-in kernel and the bank's; keeps the current one if it is still there (or takes
        `wanted`), else the built-in one; the bank changed, so the sweep is computed again."""
        offered = [BUILT_IN_KERNEL] + list(names)
        self.form.set_choices("kernel", offered, kernel_labels(names))
        current = next((n for n in (wanted, self.settings.kernel) if n in offered), BUILT_IN_KERNEL)
        self.form.set_settings(dataclasses.replace(self.settings, kernel=current))
        self.settings = self.form.settings()
        self._submit()

    def kernel(self) -> np.ndarray:
        """The chosen kernel (kh, kw) as float64."""
        for entry in self.bank.entries():
            if entry.name == self.settings.kernel:
                return gray_kernel(entry.kernel).astype(np.float64)
        return built_in_kernel()

    def _use(self, settings: RotationSettings) -> None:
        if settings != self.settings:
            self.settings = settings
            self._submit()

    def _submit(self) -> None:
        self.worker.submit(RotationJob(self.settings, self.kernel()))

    def _show_result(self, result) -> None:
        if result.error:
            self.message.emit(f"Could not compute the rotation sweep: {result.error}")
            return
        self.last_result = result
        self.views.show_result(result.value)

    def is_up_to_date(self) -> bool:
        """True when the result on screen belongs to the current settings and kernel."""
        job = self.last_result.job if self.last_result is not None else None
        return job is not None and job.settings == self.settings and np.array_equal(job.kernel, self.kernel())
