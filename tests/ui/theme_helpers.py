"""Checks that a panel follows the theme by itself: every widget with a font or style sheet of its own,
every plot and every control column is marked THEMED (it re-styles itself when the scale changes)."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsView, QScrollArea, QWidget

from convlab.ui.theme import THEMED


def needs_the_old_pass(widget) -> bool:
    """Whether this widget needs to follow the theme itself: an own font, a style sheet, a plot scene or a
    control column's width (everything else follows the application font)."""
    return bool(widget.testAttribute(Qt.WidgetAttribute.WA_SetFont) or widget.styleSheet()
                or isinstance(widget, QGraphicsView)
                or (isinstance(widget, QScrollArea) and widget.minimumWidth() > 0))


def not_themed(panel) -> list:
    """The widgets under ``panel`` that would not change with the scale (an empty list when all follow the theme)."""
    widgets = [panel] + [w for w in panel.findChildren(QWidget) if not w.isWindow()]  # not a combo's popup
    return [w for w in widgets if needs_the_old_pass(w) and not w.property(THEMED)
            and w.objectName() != "qt_scrollarea_viewport"]  # a viewport follows its scroll area
