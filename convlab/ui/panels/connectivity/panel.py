"""Connectivity panel: sparse interactions, parameter sharing and the variants of the convolution function."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from convlab.engine.connectivity import layer_costs
from convlab.ui.panels.base import Panel
from convlab.ui.panels.connectivity.animation import ArithmeticView
from convlab.ui.panels.connectivity.controls import ConnectivityControls
from convlab.ui.panels.connectivity.counters import TEXTBOOK_IMAGE, CostCounters
from convlab.ui.panels.connectivity.diagrams import DiagramTrio
from convlab.ui.panels.connectivity.lesson import apply_connectivity_lesson_state, connectivity_lesson_state
from convlab.ui.panels.connectivity.matrices import MatrixViews
from convlab.ui.panels.connectivity.stack import StackView
from convlab.ui.widgets.form import side_by_side

# Sub-tab -> the control groups it uses.
TABS = (("connections", "Connections", ("layer",)), ("stack", "Receptive field", ("stack",)),
        ("matrices", "Weight matrices", ("layer", "matrix")), ("arithmetic", "Convolution arithmetic",
                                                                 ("arithmetic",)))
TAB_KEYS = tuple(key for key, _, _ in TABS)
MIN_DIAGRAM_HEIGHT = 200  # pixels: 8 units per side stay readable; below it the page scrolls


class ConnectivityPanel(Panel):
    """Diagrams, counters, weight matrices, a layer stack and a convolution-arithmetic animation."""

    key = "connectivity"
    title = "Connectivity"
    keeps_lesson_settings = True

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        font = self.font()
        font.setPointSize(max(font.pointSize(), 12))
        self.setFont(font)
        self.bank = bank
        self.synchronous = synchronous
        self.controls = ConnectivityControls()
        self.diagrams = DiagramTrio()
        self.counters = CostCounters()
        self.stack_view = StackView()
        self.matrices = MatrixViews()
        self.arithmetic = ArithmeticView()
        self.tabs = QTabWidget()
        self.image_shape = None  # (H, W) of the current source's last frame, None before set_frame
        self._dirty: set[str] = set()
        self._drawn = 0
        self._layout()
        self.controls.layer_changed.connect(lambda _p: self._schedule("layer"))
        self.controls.stack_changed.connect(lambda _p: self._schedule("stack"))
        self.controls.arithmetic_changed.connect(self.arithmetic.set_params)
        self.bank.changed.connect(lambda: self._schedule("image"))
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._on_tab_changed(0)
        self._dirty = {"layer", "stack", "image"}
        self._refresh()

    def _layout(self) -> None:
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.controls.setFont(self.font())  # measure with the panel's font, all groups visible
        scroll.setMinimumWidth(self.controls.minimumSizeHint().width() + 24)
        connections = QWidget()
        column = QVBoxLayout(connections)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.diagrams, 1)
        column.addWidget(self.counters)
        for diagram in self.diagrams.diagrams.values():
            diagram.setMinimumHeight(MIN_DIAGRAM_HEIGHT)
        page = QScrollArea()  # in a low or narrow window the page scrolls rather than squash the diagrams
        page.setWidget(connections)
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        pages = {"connections": page, "stack": self.stack_view, "matrices": self.matrices,
                 "arithmetic": self.arithmetic}
        for key, label, _groups in TABS:
            self.tabs.addTab(pages[key], label)
        self.tabs.setStyleSheet("QTabBar::tab { font-size: 13pt; padding: 6px 14px; }")
        side_by_side(self, (scroll, self.tabs), (290, 1200))

    def _on_tab_changed(self, index: int) -> None:
        self.controls.show_groups(TABS[index][2])
        if TABS[index][0] == "stack":
            self._schedule("stack")  # unit sizes follow the plot width, known once visible

    def show_tab(self, key: str) -> None:
        """Make the sub-tab with this key ('connections', 'stack', 'matrices', 'arithmetic') current."""
        self.tabs.setCurrentIndex([k for k, _, _ in TABS].index(key))

    # recomputation, coalesced
    def _schedule(self, what: str) -> None:
        first = not self._dirty
        self._dirty.add(what)
        if self.synchronous:
            self._refresh()
        elif first:
            QTimer.singleShot(0, self._refresh)

    def _refresh(self) -> None:
        dirty, self._dirty = self._dirty, set()
        if "layer" in dirty:
            self._draw_layer()
        if "layer" in dirty or "image" in dirty:
            self._draw_image_counts()
        if "stack" in dirty:
            self.stack_view.draw(self.controls.value("stack"))
        if dirty:
            self._drawn += 1

    def _draw_layer(self) -> None:
        params = self.controls.value("layer")
        n = params.outputs
        costs = layer_costs(params.inputs, n, params.kernel)
        self.diagrams.draw(params, costs)
        self.counters.show_layer(params, costs)
        self.matrices.draw(params)
        note = "" if n else "No outputs: the dilated kernel is wider than the input (choose padding or more inputs)."
        self.controls.set_layer_note(note)
        if note:
            self.message.emit(note)

    def _draw_image_counts(self) -> None:
        try:
            names, kernels = self.bank.stacked()
        except ValueError:
            names, kernels = [], None
        if kernels is None or not len(names):
            self.counters.image_label.setText("The kernel bank is empty: no image counts.")
            return
        kernel_shape = kernels.shape[1:]
        height, width = self.image_shape or TEXTBOOK_IMAGE
        image_shape = (height, width) + tuple(kernel_shape[2:])
        source = "current source" if self.image_shape else "textbook size, no frame yet"
        self.counters.show_image(image_shape, source, kernel_shape, len(names), self.controls.value("layer"))

    # Panel protocol
    def set_frame(self, frame) -> None:
        """Use the frame's size for the image counters (the image itself is not needed)."""
        shape = tuple(frame.image.shape[:2])
        if shape != self.image_shape:
            self.image_shape = shape
            self._schedule("image")

    def frames_displayed(self) -> int:
        """How many times the panel has drawn its content (>= 1 once built)."""
        return self._drawn

    def shutdown(self) -> None:
        """Stop the animation timer."""
        self.arithmetic.set_playing(False)

    # lesson files
    def lesson_state(self) -> dict:
        """This panel's settings as JSON values, for lesson files."""
        return connectivity_lesson_state(self, TAB_KEYS)

    def apply_lesson_state(self, state: dict) -> list:
        """Apply settings from a lesson file (checked first, all or nothing); returns plain-language warnings."""
        return apply_connectivity_lesson_state(self, state, TAB_KEYS)
