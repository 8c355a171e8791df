"""The kernel editor's live preview views: input, output, output after ReLU, convolution minus
cross-correlation, a sentence on how the two differ, and the sum of products under the mouse.

What they show is computed by ``convlab.lab.kernel_editor.compute_preview``.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from convlab.lab.kernel_editor import PreviewResult, comparison_sentence, display_levels, view_titles
from convlab.ui.theme import theme
from convlab.ui.widgets.colormaps import diverging_lut
from convlab.ui.widgets.image_panel import ImagePanel
from convlab.ui.widgets.product_view import ProductView

VIEW_NAMES = ("input", "output", "relu", "difference")
SENTENCE_COLOUR = "#123c7a"


class PreviewViews(QWidget):
    """Four images (input, output, output after ReLU, difference), a sentence, and a product view."""

    pixel_hovered = Signal(int, int)  # a pixel of the output

    def __init__(self, parent=None):
        super().__init__(parent)
        self.views = {name: ImagePanel(margin=4) for name in VIEW_NAMES}
        self.titles = {name: QLabel() for name in VIEW_NAMES}
        for title in self.titles.values():
            title.setWordWrap(True)
        for name in ("output", "relu", "difference"):
            self.views[name].image_item.setLookupTable(diverging_lut())
            self.views[name].pixel_hovered.connect(self.pixel_hovered)
        images = QWidget()
        grid = QGridLayout(images)
        grid.setContentsMargins(0, 0, 0, 0)
        for n, name in enumerate(VIEW_NAMES):
            grid.addWidget(self.titles[name], 2 * (n // 2), n % 2)
            grid.addWidget(self.views[name], 2 * (n // 2) + 1, n % 2)
            grid.setRowStretch(2 * (n // 2) + 1, 1)
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setStyleSheet(f"color: {SENTENCE_COLOUR};")
        self.product_view = ProductView()  # laid out by the panel, under the kernel and the images
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sentence)
        layout.addWidget(images, 1)
        for label in (self.sentence, *self.titles.values()):
            theme().follow(label, lambda label=label: label.setFont(theme().font("body", True, base=label.font())))

    def show_result(self, result: PreviewResult) -> None:
        """Draw a PreviewResult (fixed levels: input 0..1, outputs symmetric about 0)."""
        for name, text in view_titles(result).items():
            self.titles[name].setText(text)
        self.views["input"].set_image(result.gray, levels=(0.0, 1.0))
        self.sentence.setText(comparison_sentence(result))
        if result.output.size == 0:
            for name in ("output", "relu", "difference"):
                self.views[name].image_item.clear()
            return
        levels = display_levels(result.output)
        self.views["output"].set_image(result.output, levels=levels)
        self.views["relu"].set_image(result.relu, levels=levels)
        self.views["difference"].set_image(result.difference, levels=levels)  # same scale: comparable

    def image(self, name: str) -> np.ndarray:
        """The array shown in view ``name`` (one of VIEW_NAMES)."""
        return self.views[name].image_item.image
