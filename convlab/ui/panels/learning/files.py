"""The feature-learning panel's files: save and load kernel banks, choose a folder of images, open a
labelled data set. Each ``ask_*`` shows a dialog, the others do the file work (and are what tests call)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog

from convlab.io.datasets import DatasetError, load_npz_images
from convlab.io.kernel_files import KernelFileError, kernel_file_filter, load_bank, save_bank
from convlab.lab.learning import LearnedKernels

DEFAULT_NAME = "kmeans-kernels.json"


def ask_kernels(panel, save: bool) -> None:
    """Ask where to save the learned kernels, or which bank to load into the montage."""
    dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
    path, _ = dialog(panel, "Save kernels" if save else "Load kernels", DEFAULT_NAME, kernel_file_filter(bank=True))
    if path and save:
        save_kernels(panel, path)
    elif path:
        load_kernels(panel, path)


def save_kernels(panel, path) -> bool:
    """Save all learned kernels (as sent to the bank, in the montage's order) in the kernel editor's format."""
    learned = panel.learned
    if learned is None:
        return _file_error(panel, "Nothing to save yet: learn kernels first.")
    order = learned.order(panel.controls.montage().sort_by)
    try:
        save_bank(path, [f"k-means {rank + 1}" for rank in range(len(order))], list(learned.kernels[order]))
    except (OSError, ValueError) as exc:
        return _file_error(panel, f"Could not save: {exc}")
    panel.controls.file_error.setText("")
    panel.message.emit(f"Saved {len(order)} kernels to {path}")
    return True


def load_kernels(panel, path) -> bool:
    """Show a saved bank in the montage (then "Use as bank" sends it)."""
    try:
        names, kernels = load_bank(path)
    except (KernelFileError, OSError) as exc:
        return _file_error(panel, str(exc))
    if len({k.shape for k in kernels}) != 1:
        return _file_error(panel, f"'{Path(path).name}' mixes kernel sizes; the montage needs one size.")
    if panel.learn_runner.is_running():
        panel.learn_runner.cancel()
    panel.controls.file_error.setText("")
    panel.show_learned(LearnedKernels(np.stack(kernels).astype(np.float32), origin=f"loaded {Path(path).name}"))
    return True


def _file_error(panel, text: str) -> bool:
    panel.controls.file_error.setText(text)
    panel.message.emit(text)
    return False


def ask_folder(controls) -> None:
    """Ask for a folder of images to cut patches from (chosen as a user would)."""
    folder = QFileDialog.getExistingDirectory(controls, "Folder of images", controls.settings().folder)
    if folder:
        controls.change(folder=folder)


def ask_dataset(section) -> None:
    """Ask for a labelled .npz file for the comparison."""
    path, _ = QFileDialog.getOpenFileName(section.view, "Labelled images", "", "NumPy archives (*.npz)")
    if path:
        open_dataset(section, path)


def open_dataset(section, path) -> bool:
    """Use a labelled .npz file in the comparison; a bad file leaves the current data set in place."""
    try:
        data = load_npz_images(path)
    except DatasetError as exc:
        section.show_error(str(exc))
        return False
    section.set_dataset(data)
    return True
