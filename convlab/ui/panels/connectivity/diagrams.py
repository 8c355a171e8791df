"""Connection diagrams of one 1-D layer: fully connected, sparse (unshared) and convolutional (shared)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QGridLayout,
    QLabel,
    QWidget,
)

from convlab.lab.connectivity import DIAGRAM_KINDS, diagram_caption
from convlab.ui.panels.connectivity.palette import HIGHLIGHT, UNIT_EDGE, UNIT_FILL, parameter_rgb, qcolor
from convlab.ui.theme import theme

SPACING = 40.0  # scene units between neighbouring inputs
RADIUS = 0.36 * SPACING
MAX_LABELLED_ROWS = 16
EDGE_WIDTH, LIT_EDGE_WIDTH, UNIT_OUTLINE = 2.5, 4.5, 2.0  # pixels at scale 1
DIAGRAM_TITLES = {"dense": "Fully connected", "local": "Sparse (local, unshared)",
                  "conv": "Convolutional (local, shared)"}
_DIM_ALPHA = 28
HOVER_HINT = "Hover an input unit to see the outputs it affects; hover an output to see its receptive field."


class ConnectionDiagram(QGraphicsView):
    """Inputs x1..xm (left column) joined to outputs s1..sn (right column), edges coloured by parameter.

    Lines follow the theme's line scale; the unit labels are part of the drawing (sized in scene units,
    like the circles they sit in).
    """

    unit_hovered = Signal(str, int)  # ("input" | "output", index), or ("", -1) when leaving

    def __init__(self, kind: str, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self.setMouseTracking(True)
        self.ids = np.zeros((0, 0), dtype=np.int64)
        self.edges: list[tuple[int, int, QGraphicsLineItem, QColor]] = []
        self.inputs: list[QGraphicsEllipseItem] = []
        self.outputs: list[QGraphicsEllipseItem] = []
        self.highlighted = (frozenset(), frozenset())  # (inputs, outputs) lit up
        self._hovered = ("", -1)
        self._lit_key = ("", -1)
        self.figure, self._rows, self._gap = None, 1, SPACING
        theme().follow(self, self._redraw)

    def draw(self, figure) -> None:
        """Redraw for a LayerFigure (``convlab.lab.connectivity.compute_layer``)."""
        scene = self.scene()
        scene.clear()
        self.edges, self.inputs, self.outputs = [], [], []
        m, k = figure.settings.inputs, figure.settings.kernel
        self.ids = figure.ids[self.kind]
        output_y = figure.output_positions * SPACING
        rows = max(m, len(output_y), 1)
        self.figure, self._rows = figure, rows
        column_gap = self._gap = self._column_gap(rows)
        colours = parameter_rgb(self.kind, self.ids, k)
        for j, i in zip(*np.nonzero(self.ids >= 0)):
            colour = qcolor(colours[j, i])
            pen = theme().pen(colour, EDGE_WIDTH)
            line = scene.addLine(RADIUS, i * SPACING, column_gap - RADIUS, output_y[j], pen)
            self.edges.append((int(j), int(i), line, colour))
        labelled = rows <= MAX_LABELLED_ROWS
        self.inputs = [self._unit(0.0, i * SPACING, f"x{i + 1}", ("input", i), labelled) for i in range(m)]
        self.outputs = [self._unit(column_gap, y, f"s{j + 1}", ("output", j), labelled)
                        for j, y in enumerate(output_y)]
        top = min(0.0, float(output_y.min()) if len(output_y) else 0.0) - SPACING
        bottom = max((m - 1) * SPACING, float(output_y.max()) if len(output_y) else 0.0) + SPACING
        scene.setSceneRect(QRectF(-SPACING, top, column_gap + 2 * SPACING, bottom - top))
        self.highlight(*self._lit_key)
        self._fit()

    def _redraw(self) -> None:
        if self.figure is not None:
            self.draw(self.figure)

    def _column_gap(self, rows: int) -> float:
        """Distance from the input to the output column so that the diagram fills the view."""
        width, height = self.viewport().width(), self.viewport().height()
        aspect = width / height if width > 50 and height > 50 else 0.9
        return float(np.clip(aspect * (rows + 1) - 2, 3.0, 30.0)) * SPACING

    def _unit(self, x, y, label, key, labelled) -> QGraphicsEllipseItem:
        item = self.scene().addEllipse(x - RADIUS, y - RADIUS, 2 * RADIUS, 2 * RADIUS,
                                       theme().pen(UNIT_EDGE, UNIT_OUTLINE), QBrush(QColor(UNIT_FILL)))
        item.setZValue(2)
        item.setData(0, key)
        if labelled:
            text = QGraphicsSimpleTextItem(label, item)
            font = QFont()
            font.setPixelSize(int((0.42 if len(label) <= 2 else 0.3) * SPACING))
            text.setFont(font)
            box = text.boundingRect()
            text.setPos(x - box.width() / 2, y - box.height() / 2)
            text.setData(0, key)
        return item

    def connected(self, side: str, index: int):
        """(inputs, outputs) lit up when unit `index` on `side` is hovered: it and its connections."""
        if side == "input" and 0 <= index < self.ids.shape[1]:
            return frozenset([index]), frozenset(np.flatnonzero(self.ids[:, index] >= 0).tolist())
        if side == "output" and 0 <= index < self.ids.shape[0]:
            return frozenset(np.flatnonzero(self.ids[index] >= 0).tolist()), frozenset([index])
        return frozenset(), frozenset()

    def highlight(self, side: str, index: int) -> None:
        """Light up a unit's connections (its outputs, or its receptive field); ("", -1) clears."""
        lit_in, lit_out = self.connected(side, index)
        self.highlighted = (lit_in, lit_out)
        self._lit_key = (side, index) if (lit_in or lit_out) else ("", -1)
        active = bool(lit_in or lit_out)
        for j, i, line, colour in self.edges:
            on = active and ((side == "input" and i in lit_in) or (side == "output" and j in lit_out))
            faded = QColor(colour)
            if active and not on:
                faded.setAlpha(_DIM_ALPHA)
            line.setPen(theme().pen(faded, LIT_EDGE_WIDTH if on else EDGE_WIDTH))
            line.setZValue(1 if on else 0)
        for units, lit in ((self.inputs, lit_in), (self.outputs, lit_out)):
            for n, item in enumerate(units):
                item.setBrush(QBrush(QColor(HIGHLIGHT if n in lit else UNIT_FILL)))

    def unit_at(self, pos):
        """("input" | "output", index) of the unit under a viewport position, or ("", -1)."""
        for item in self.items(pos):
            key = item.data(0)
            if key:
                return tuple(key)
        return "", -1

    def mouseMoveEvent(self, event) -> None:
        """Report the unit under the mouse when it changes."""
        hovered = self.unit_at(event.position().toPoint())
        if hovered != self._hovered:
            self._hovered = hovered
            self.unit_hovered.emit(*hovered)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        """Clear the highlight when the mouse leaves."""
        if self._hovered != ("", -1):
            self._hovered = ("", -1)
            self.unit_hovered.emit("", -1)
        super().leaveEvent(event)

    def resizeEvent(self, event) -> None:
        """Keep the whole diagram in view; redraw when the view's shape calls for another column gap."""
        super().resizeEvent(event)
        if self.figure is not None and abs(self._column_gap(self._rows) - self._gap) > 0.15 * self._gap:
            self.draw(self.figure)
        else:
            self._fit()

    def _fit(self) -> None:
        if not self.scene().sceneRect().isEmpty():
            self.fitInView(self.scene().sceneRect(), Qt.KeepAspectRatio)

    def edge_colours(self) -> set:
        """The distinct edge colours, as '#rrggbb' names."""
        return {colour.name() for _, _, _, colour in self.edges}


class DiagramTrio(QWidget):
    """The three diagrams side by side; hovering a unit in any of them lights it up in all three."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.diagrams = {kind: ConnectionDiagram(kind) for kind in DIAGRAM_KINDS}
        self.captions = {kind: QLabel() for kind in DIAGRAM_KINDS}
        self.hover_note = QLabel(HOVER_HINT)
        self.hover_note.setWordWrap(True)
        theme().label(self.hover_note, "note")
        layout = QGridLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        for column, kind in enumerate(DIAGRAM_KINDS):
            title = QLabel(DIAGRAM_TITLES[kind])
            theme().label(title, "title", bold=True)
            title.setAlignment(Qt.AlignCenter)
            title.setWordWrap(True)  # on one line the three titles alone need ~800 pixels
            self.captions[kind].setAlignment(Qt.AlignCenter)
            theme().label(self.captions[kind], "note")
            self.captions[kind].setWordWrap(True)
            layout.addWidget(title, 0, column)
            layout.addWidget(self.captions[kind], 1, column)
            layout.addWidget(self.diagrams[kind], 2, column)
            layout.setColumnStretch(column, 1)
            self.diagrams[kind].unit_hovered.connect(self.highlight)
        layout.addWidget(self.hover_note, 3, 0, 1, len(DIAGRAM_KINDS))
        layout.setRowStretch(2, 1)

    def draw(self, figure) -> None:
        """Redraw all three for a LayerFigure, each with its costs below the title."""
        for kind, diagram in self.diagrams.items():
            diagram.draw(figure)
            self.captions[kind].setText(diagram_caption(figure, kind))

    def highlight(self, side: str, index: int) -> None:
        """Light up unit `index` on `side` in every diagram and describe it."""
        for diagram in self.diagrams.values():
            diagram.highlight(side, index)
        if not side:
            self.hover_note.setText(HOVER_HINT)
            return
        name = ("x" if side == "input" else "s") + str(index + 1)
        parts = []
        for kind, diagram in self.diagrams.items():
            lit_in, lit_out = diagram.highlighted
            lit = lit_out if side == "input" else lit_in
            parts.append(f"{DIAGRAM_TITLES[kind].split(' (')[0].lower()}: {len(lit)}")
        what = "affects this many outputs" if side == "input" else "reads this many inputs (receptive field)"
        self.hover_note.setText(f"{name} {what}: " + ", ".join(parts))
