"""Small helpers the widget tests share."""
import numpy as np
from PySide6.QtWidgets import QApplication

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32)


def _settle(qtbot, widget, size=(900, 650)):
    """Show a widget at a fixed size and let the layouts and view ranges settle."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    for _ in range(3):
        QApplication.processEvents()
