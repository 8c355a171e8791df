"""The comparison section of the feature-learning panel: data set, background run, results."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from convlab.io.datasets import DatasetError, load_digits_images, load_npz_images
from convlab.ui.panels.learning.compare_widgets import CompareControls, ComparisonView
from convlab.ui.panels.learning.tasks import compare_task
from convlab.ui.runner import TaskRunner


class CompareSection(QObject):
    """Runs the feature comparison in the background and shows its rows as they come."""

    message = Signal(str)

    def __init__(self, synchronous=False, parent=None):
        super().__init__(parent)
        self.controls = CompareControls()
        self.view = ComparisonView()
        self.runner = TaskRunner(synchronous, self)
        self.dataset = None  # a LabelledImages from a file; None means the bundled digits
        self._digits = {}
        c, r = self.controls, self.runner
        c.params_changed.connect(self._on_params_changed)
        c.run_requested.connect(self.run)
        c.cancel_requested.connect(r.cancel)
        c.open_requested.connect(self._ask_dataset)
        c.digits_requested.connect(self.use_digits)
        r.started.connect(lambda: c.set_running(True))
        r.progress_changed.connect(self._on_progress)
        r.partial_result.connect(self.view.set_rows)
        r.finished.connect(self._on_finished)
        r.failed.connect(lambda text: self._stopped(f"Comparison failed: {text}"))
        r.cancelled.connect(lambda: self._stopped("Comparison cancelled."))

    def _ask_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.view, "Labelled images", "", "NumPy archives (*.npz)")
        if path:
            self.open_dataset(path)

    def open_dataset(self, path) -> bool:
        """Use a labelled .npz file; a bad file leaves the current data set in place."""
        try:
            data = load_npz_images(path)
        except DatasetError as exc:
            self.controls.error_label.setText(str(exc))
            self.message.emit(str(exc))
            return False
        self.dataset = data
        self.controls.error_label.setText("")
        self.controls.dataset_label.setText(data.describe())
        return True

    def use_digits(self) -> None:
        """Go back to the bundled digits."""
        self.dataset = None
        self.controls.error_label.setText("")
        self.controls.dataset_label.setText("digits (bundled, upsampled)")

    def run(self) -> None:
        """Run the comparison in the background (cancels one in progress)."""
        params = self.controls.params()
        data = self.dataset
        if data is None:
            data = self._digits.get(params.digits_side) or load_digits_images(params.digits_side)
            self._digits[params.digits_side] = data
            self.controls.dataset_label.setText(f"{data.describe()} ({data.note})")
        self.runner.start(compare_task, data, params)

    def shutdown(self) -> None:
        """Cancel and wait briefly."""
        self.runner.shutdown()

    def _on_params_changed(self, _params) -> None:
        if self.runner.is_running():
            self.run()  # the stale run is cancelled, the new one starts
        else:
            self.controls.status_label.setText("Settings changed: press Run comparison.")

    def _on_progress(self, fraction, text) -> None:
        self.controls.progress.setValue(int(round(1000 * fraction)))
        self.controls.status_label.setText(text)

    def _on_finished(self, rows) -> None:
        self.view.set_rows(rows)
        self.controls.set_running(False)
        self.controls.progress.setValue(1000)
        best = max(rows, key=lambda r: r.accuracy)
        self.controls.status_label.setText(f"Done: {len(rows)} feature sets; best {best.label} "
                                           f"{100 * best.accuracy:.1f}%.")

    def _stopped(self, text) -> None:
        self.controls.set_running(False)
        self.controls.status_label.setText(text)
        self.message.emit(text)
