"""The feature grid re-arranges its maps into a fresh layout and deletes the old one (left to Python,
an orphan layout was destroyed during the interpreter's exit, inside Qt's clean-up: a crash)."""
import numpy as np
import shiboken6
from PySide6.QtWidgets import QApplication

from convlab.ui.widgets import FeatureGrid


def test_a_new_arrangement_deletes_the_old_layout(qtbot):
    grid = FeatureGrid()
    qtbot.addWidget(grid)
    grid.resize(1200, 300)
    grid.show()
    kernels = np.ones((12, 3, 3), np.float32)
    grid.set_kernels([f"k{i}" for i in range(12)], kernels)
    grid.set_maps(np.random.default_rng(0).random((12, 24, 32), dtype=np.float32))
    qtbot.wait(200)
    first = grid._graphics.ci
    grid.resize(300, 1200)  # a tall, narrow grid wants fewer columns
    qtbot.waitUntil(lambda: grid._graphics.ci is not first, timeout=3000)
    QApplication.sendPostedEvents(None, 0)  # deleteLater
    qtbot.wait(10)
    assert not shiboken6.isValid(first)
    assert shiboken6.isValid(grid._graphics.ci) and grid._graphics.ci.scene() is grid._graphics.scene()
