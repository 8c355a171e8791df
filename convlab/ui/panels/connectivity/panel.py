"""The connectivity panel: sparse interactions, parameter sharing and the variants of the convolution function."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from convlab.lab.connectivity import TAB_KEYS, compute_layer, count_image, layer_note
from convlab.lab.layer_stack import compute_stack
from convlab.ui.panels.base import Panel
from convlab.ui.panels.connectivity.animation import ArithmeticView
from convlab.ui.panels.connectivity.controls import SETTINGS, ConnectivityControls
from convlab.ui.panels.connectivity.counters import CostCounters
from convlab.ui.panels.connectivity.diagrams import DiagramTrio
from convlab.ui.panels.connectivity.lesson import apply_connectivity_lesson_state, connectivity_lesson_state
from convlab.ui.panels.connectivity.matrices import MatrixViews
from convlab.ui.panels.connectivity.stack import StackView
from convlab.ui.theme import THEMED, theme
from convlab.ui.widgets.form import side_by_side

# Sub-tab (its key in lesson files, convlab.lab.connectivity.TAB_KEYS) -> its label and the control groups it uses.
TABS = tuple(zip(TAB_KEYS, ("Connections", "Receptive field", "Weight matrices", "Convolution arithmetic"),
                 (("layer",), ("stack",), ("layer", "matrix"), ("arithmetic",))))
MIN_DIAGRAM_HEIGHT = 200  # pixels: 8 units per side stay readable; below it the page scrolls
TAB_STYLE = "QTabBar::tab {{ {font} padding: 6px 14px; }}"


class ConnectivityPanel(Panel):
    """Diagrams, counters, weight matrices, a layer stack and a convolution-arithmetic animation.

    Data flows one way: a form's settings -> ``convlab.lab`` (compute_layer, compute_stack, the
    arithmetic geometry) -> the views; bursts of changes are coalesced into one redraw.
    """

    key = "connectivity"
    title = "Connectivity"
    keeps_lesson_settings = True

    def __init__(self, bank, synchronous=False, parent=None):
        super().__init__(parent)
        self.bank = bank
        self.synchronous = synchronous
        self.controls = ConnectivityControls()
        self.settings = {key: self.controls.value(key) for key in SETTINGS}
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
        self.controls.changed.connect(self._use)
        self.bank.changed.connect(lambda: self._schedule("image"))
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._on_tab_changed(0)
        self._dirty = {"layer", "stack", "image"}
        self._refresh()

    def _layout(self) -> None:
        self._column = QScrollArea()
        self._column.setWidget(self.controls)
        self._column.setWidgetResizable(True)
        self._column.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        for widget in (self._column, self.controls):  # their font and width follow the theme in _restyle
            widget.setProperty(THEMED, True)
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
        theme().follow(self, self._restyle)
        theme().follow(self.tabs, lambda: self.tabs.setStyleSheet(TAB_STYLE.format(font=theme().css("note"))))
        side_by_side(self, (self._column, self.tabs), (290, 1200))

    def _restyle(self) -> None:
        """The panel's font (the body role, or the application's if larger) and a control column wide
        enough for it: at scale 1 the least width of the controls, scaled up their natural width beside
        a scroll bar."""
        font = self.font()
        font.setPointSizeF(max(QApplication.font().pointSizeF(), theme().points("body")))
        self.setFont(font)
        self.controls.setFont(font)  # measure with the panel's font, all groups counted
        width = self.controls.least_width() + 24
        if theme().font_scale != 1.0:
            bar = self._column.verticalScrollBar().sizeHint().width()
            width = max(width, self.controls.least_width(natural=True) + bar + 6)
        self._column.setMinimumWidth(width)

    def _on_tab_changed(self, index: int) -> None:
        self.controls.show_groups(TABS[index][2])
        if TABS[index][0] == "stack":
            self._schedule("stack")  # unit sizes follow the plot width, known once visible

    def show_tab(self, key: str) -> None:
        """Make the sub-tab with this key ('connections', 'stack', 'matrices', 'arithmetic') current."""
        self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    def current_tab(self) -> str:
        """The key of the current sub-tab."""
        return TAB_KEYS[self.tabs.currentIndex()]

    # settings -> views
    def _use(self, key: str, settings) -> None:
        """New settings of one group: redraw what depends on them."""
        self.settings[key] = settings
        if key == "arithmetic":
            self.arithmetic.set_params(settings)
        else:
            self._schedule(key)

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
            self.stack_view.draw(compute_stack(self.settings["stack"]))
        if dirty:
            self._drawn += 1

    def _draw_layer(self) -> None:
        figure = compute_layer(self.settings["layer"])
        self.diagrams.draw(figure)
        self.counters.show_layer(figure)
        self.matrices.draw(figure)
        note = layer_note(figure.settings)
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
        layer = self.settings["layer"]
        self.counters.show_image(count_image(self.image_shape, kernels.shape[1:], len(names), layer), layer)

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

    def current_settings(self) -> tuple:
        """The layer's, the stack's and the arithmetic grid's settings."""
        return tuple(self.settings[key] for key in SETTINGS)

    def apply_settings(self, settings) -> None:
        """Show and use one group's settings (a LayerSettings, StackSettings or ArithmeticSettings)."""
        key = next((k for k, cls in SETTINGS.items() if isinstance(settings, cls)), None)
        if key is None:
            super().apply_settings(settings)
        self.controls.show(key, settings)
        self._use(key, self.controls.value(key))

    # lesson files
    def lesson_state(self) -> dict:
        """The panel's settings as JSON values, for lesson files."""
        return connectivity_lesson_state(self)

    def apply_lesson_state(self, state: dict) -> list:
        """Apply settings from a lesson file (checked first, all or nothing); returns plain-language warnings."""
        return apply_connectivity_lesson_state(self, state)
