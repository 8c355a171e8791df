"""Signal files of the smoothing panel: asking for one, and reading one column of it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog

from convlab.io.signal_files import read_signal

SIGNAL_FILES = "Signals (*.csv *.txt *.tsv *.dat);;All files (*)"


def ask_signal_path(parent) -> str:
    """Ask for a CSV or text file holding a 1-D signal ("" when cancelled)."""
    path, _ = QFileDialog.getOpenFileName(parent, "Load a 1-D signal", "", SIGNAL_FILES)
    return path


def read_signal_file(path, column: str) -> tuple[np.ndarray, str]:
    """The signal (n,) in `path` (`column` by name or number, "" when there is one) and how the panel
    describes it; ValueError with a plain message for a missing, unreadable or ambiguous file."""
    values = read_signal(path, None if column == "" else column)
    return values, f"{Path(path).name}: {values.size} values"
