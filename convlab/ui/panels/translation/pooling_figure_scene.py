"""The lecture's 1-D pooling figure as a scene: detector units and max-pooled units, before and after a shift.

The view scales the whole scene to fit, so the scene's sizes (circles, gaps, pens and the point
sizes of its text) are in scene units. The figure is laid out and fitted at scale 1; then its text
takes the theme's font scale in place (growing right and down from where it was placed), so in
presentation mode the text is larger on screen by exactly the scale. The panel redraws on a change.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView

from convlab.lab.pooling_figure import format_value
from convlab.ui.theme import THEMED, theme

RADIUS = 34.0
SPACING = 110.0
ROW_GAP = 150.0
DIAGRAM_GAP = 330.0
PLAIN = QColor("#ffffff")
CHANGED = QColor("#ff9a3c")
HIDDEN = QColor("#e6e6e6")
TEXT_POINTS = {"title": 20.0, "stage": 15.0, "unit": 22.0}  # scene units at scale 1


def scene_font(kind: str, bold: bool = False, scale: float = 1.0) -> QFont:
    """The font of one kind of text in the figure, at a font scale."""
    font = QFont()
    font.setPointSizeF(round(TEXT_POINTS[kind] * scale, 1))
    font.setBold(bold)
    return font


class PoolingFigureScene(QGraphicsScene):
    """Two diagrams (before / after the shift), each a detector row and the pooled row above it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))
        self.unit_texts: dict[tuple[str, str], list] = {}
        self.unit_circles: dict[tuple[str, str], list] = {}
        self._kinds: dict[int, str] = {}  # id of a text item -> its kind of text

    def draw(self, rows: dict, windows, changed: dict, hide_pooled: bool) -> None:
        """Redraw: rows[(diagram, row)] values, pooling windows, changed[(row)] bool lists for "after"."""
        self.clear()
        self.unit_texts, self.unit_circles, self._kinds = {}, {}, {}
        titles = {"before": "Before the shift", "after": "After shifting the input one step to the right"}
        for d, diagram in enumerate(("before", "after")):
            top = d * DIAGRAM_GAP
            title = self._text(titles[diagram], "title", True)
            title.setPos(-2 * RADIUS - 150, top - 2.4 * RADIUS - 40)
            pooled_y, detector_y = top, top + ROW_GAP
            for label, y in (("pooling\nstage", pooled_y), ("detector\nstage", detector_y)):
                item = self._text(label, "stage")
                item.setPos(-2 * RADIUS - 150, y - item.boundingRect().height() / 2)
            pen = QPen(QColor("#555555"), 3)
            for (centre, inputs) in windows:
                for i in inputs:
                    self.addLine(centre * SPACING, pooled_y + RADIUS, i * SPACING, detector_y - RADIUS, pen)
            for row, y, xs in (("pooled", pooled_y, [c for c, _ in windows]),
                               ("detector", detector_y, list(range(len(rows[(diagram, "detector")]))))):
                marks = changed.get(row) if diagram == "after" else None
                hidden = hide_pooled and row == "pooled"
                self._units(diagram, row, xs, y, rows[(diagram, row)], marks, hidden)
        self.setSceneRect(self.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self._scale_text(theme().font_scale)

    def _scale_text(self, scale: float) -> None:
        """Every text in its font at `scale`, where it was placed at scale 1."""
        if scale == 1.0:
            return
        for item in self.items():
            if isinstance(item, QGraphicsSimpleTextItem):
                font = item.font()
                item.setFont(scene_font(self._kinds[id(item)], font.bold(), scale))

    def _text(self, text: str, kind: str, bold: bool = False) -> QGraphicsSimpleTextItem:
        """A text item of one kind ("title", "stage", "unit") at scale 1."""
        item = self.addSimpleText(text, scene_font(kind, bold))
        self._kinds[id(item)] = kind
        return item

    def _units(self, diagram, row, xs, y, values, marks, hidden) -> None:
        """One row of circles with their values written inside."""
        texts, circles = [], []
        for k, (x, value) in enumerate(zip(xs, values)):
            fill = HIDDEN if hidden else (CHANGED if marks is not None and marks[k] else PLAIN)
            circle = self.addEllipse(QRectF(x * SPACING - RADIUS, y - RADIUS, 2 * RADIUS, 2 * RADIUS),
                                     QPen(QColor("#111111"), 3), QBrush(fill))
            text = self._text("?" if hidden else format_value(value), "unit", True)
            box = text.boundingRect()
            text.setPos(QPointF(x * SPACING - box.width() / 2, y - box.height() / 2))
            text.setZValue(2)
            texts.append(text)
            circles.append(circle)
        self.unit_texts[(diagram, row)] = texts
        self.unit_circles[(diagram, row)] = circles

    def texts(self, diagram: str, row: str) -> list[str]:
        """The values written on one row ("before"/"after", "detector"/"pooled")."""
        return [t.text() for t in self.unit_texts[(diagram, row)]]

    def highlighted(self, diagram: str, row: str) -> list[bool]:
        """Which units of a row are highlighted as changed."""
        return [c.brush().color() == CHANGED for c in self.unit_circles[(diagram, row)]]

    def line_count(self) -> int:
        """How many pooled-unit-to-input lines are drawn (both diagrams)."""
        return sum(1 for item in self.items() if isinstance(item, QGraphicsLineItem))


class FittingView(QGraphicsView):
    """A view that always shows the whole scene, as large as it fits."""

    def __init__(self, scene, parent=None):
        super().__init__(scene, parent)
        self.setProperty(THEMED, True)  # the panel redraws the scene on a theme change
        self.setRenderHint(QPainter.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)

    def fit(self) -> None:
        """Scale the scene into the view."""
        self.fitInView(self.scene().sceneRect(), Qt.KeepAspectRatio)

    def resizeEvent(self, event) -> None:
        """Refit on every resize."""
        super().resizeEvent(event)
        self.fit()
