"""The feature-maps panel's three columns (controls | input over products | map grid) and how they share
the width, at the usual size and while presenting."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from convlab.ui.widgets.form import control_column, side_by_side


class FeaturesLayout:
    """Lays out ``owner``: the controls' column, the input over the products, and the map grid."""

    def __init__(self, owner, controls, input_view, product_view, grid):
        scroll = control_column(controls)
        self.middle = QSplitter(Qt.Vertical)
        self.middle.addWidget(input_view)
        self.middle.addWidget(product_view)
        self.middle.setSizes([320, 320])
        self.split = side_by_side(owner, (scroll, self.middle, grid), (280, 600, 620))
        self._laid_out = (1.0, False)  # (scale, presentation layout) last laid out

    def set_ui_scale(self, scale: float) -> None:
        """Presentation (a scale above 1, or the control column hidden): the input and the products
        get 45% of the width next to the controls and the products 60% of that column's height
        (their numbers and sum are the most text); back to the usual split otherwise. Only a change
        of either, or of the panel's size while presenting, moves the splitters, so a user's own
        drag stays."""
        big = scale > 1.0 or self.split.widget(0).isHidden()
        if (scale, big) == self._laid_out:
            return
        self._laid_out = (scale, big)
        self.apply()

    def presenting(self) -> bool:
        """Whether the presentation split is in use."""
        return self._laid_out[1]

    def apply(self) -> None:
        """Set the splitters for the current layout."""
        big = self._laid_out[1]
        share = 0.6 if big else 0.5
        total = self.middle.height() - self.middle.handleWidth()
        total = total if total > 0 else sum(self.middle.sizes()) or 640
        self.middle.setSizes([round(total * (1 - share)), round(total * share)])
        hidden = self.split.widget(0).isHidden()
        controls = 0 if hidden else self.split.sizes()[0]
        # the splitter's own width, not the sum of sizes(): right after F6/F5 hid the controls, their
        # space is not handed out yet and would all go to the map grid
        width = self.split.width() - controls - self.split.handleWidth() * (1 if hidden else 2)
        if width > 0:
            wide = round(width * (0.45 if big else 600 / 1220))
            self.split.setSizes([controls, wide, width - wide])
