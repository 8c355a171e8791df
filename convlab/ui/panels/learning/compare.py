"""The comparison section of the feature-learning panel: data set, background run, results."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from convlab.io.datasets import LabelledImages
from convlab.lab.compare import compare_task, loaded_digits
from convlab.ui.panels.learning import files
from convlab.ui.panels.learning.compare_widgets import CompareControls, ComparisonView
from convlab.ui.runner import TaskRunner


class CompareSection(QObject):
    """Runs the feature comparison in the background and shows its rows as they come."""

    message = Signal(str)

    def __init__(self, synchronous=False, parent=None):
        super().__init__(parent)
        self.controls = CompareControls()
        self.view = ComparisonView()
        self.runner = TaskRunner(synchronous, self)
        self.dataset: LabelledImages | None = None  # from a file; None means the bundled digits
        self._digits_side = None  # the side of the bundled digits the current run compares on
        c, r = self.controls, self.runner
        c.changed.connect(self._on_settings_changed)
        c.run_requested.connect(self.run)
        c.cancel_requested.connect(r.cancel)
        c.open_requested.connect(lambda: files.ask_dataset(self))
        c.digits_requested.connect(self.use_digits)
        r.started.connect(lambda: c.set_running(True))
        r.progress_changed.connect(self._on_progress)
        r.partial_result.connect(self._on_rows)
        r.finished.connect(self._on_finished)
        r.failed.connect(lambda text: self._stopped(f"Comparison failed: {text}"))
        r.cancelled.connect(lambda: self._stopped("Comparison cancelled."))

    def set_dataset(self, data: LabelledImages) -> None:
        """Compare on ``data`` from now on."""
        self.dataset = data
        self.controls.error_label.setText("")
        self.controls.dataset_label.setText(data.describe())

    def show_error(self, text: str) -> None:
        """Say why a data set could not be used (the current one stays)."""
        self.controls.error_label.setText(text)
        self.message.emit(text)

    def use_digits(self) -> None:
        """Go back to the bundled digits."""
        self.dataset = None
        self.controls.error_label.setText("")
        self.controls.dataset_label.setText("digits (bundled, upsampled)")

    def run(self) -> None:
        """Run the comparison in the background (cancels one in progress); the bundled digits load there too."""
        settings = self.controls.settings()
        self._digits_side = settings.digits_side if self.dataset is None else None
        self.runner.start(compare_task, self.dataset, settings)

    def shutdown(self) -> None:
        """Cancel and wait briefly."""
        self.runner.shutdown()

    def _on_settings_changed(self, _settings) -> None:
        if self.runner.is_running():
            self.run()  # the stale run is cancelled, the new one starts
        else:
            self.controls.status_label.setText("Settings changed: press Run comparison.")

    def _on_progress(self, fraction, text) -> None:
        self.controls.progress.setValue(int(round(1000 * fraction)))
        self.controls.status_label.setText(text)
        self._show_digits()

    def _on_rows(self, rows) -> None:
        self.view.set_rows(rows)
        self._show_digits()

    def _show_digits(self) -> None:
        """Describe the bundled digits the run compares on, once the run has loaded them."""
        digits = None if self._digits_side is None else loaded_digits(self._digits_side)
        if digits is not None:
            self.controls.dataset_label.setText(f"{digits.describe()} ({digits.note})")

    def _on_finished(self, rows) -> None:
        self._on_rows(rows)
        self.controls.set_running(False)
        self.controls.progress.setValue(1000)
        best = max(rows, key=lambda r: r.accuracy)
        self.controls.status_label.setText(f"Done: {len(rows)} feature sets; best {best.label} "
                                           f"{100 * best.accuracy:.1f}%.")

    def _stopped(self, text) -> None:
        self.controls.set_running(False)
        self.controls.status_label.setText(text)
        self.message.emit(text)
