"""Scaling what a panel shows for the back row: fonts, plot lines, markers and axis text, by one factor.

`apply_ui_scale(root, font_scale, line_scale)` walks a widget tree once and scales, relative to the size
each thing had when it was first seen (so calling it again is idempotent, and 1.0 restores the original):

- widgets with their own font (``WA_SetFont``) and style sheets with ``font-size: N pt``; every other
  widget follows the application font, which the caller scales;
- in every QGraphicsView scene (all pyqtgraph plots): curve pens and symbol sizes, infinite lines, scatter
  markers, axis tick and label fonts, LabelItem titles and legends, TextItems and free text items, and
  other cosmetic (pixel-wide) outlines.

A value a panel changed after the last pass (e.g. ``curve.setData(..., pen=...)``) becomes the new base.
Panels needing more may implement ``set_ui_scale(scale)``; the presentation controller calls it.
"""
from __future__ import annotations

import math
import re

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPen
from convlab.ui.theme import THEMED
from PySide6.QtWidgets import (QAbstractGraphicsShapeItem, QApplication, QGraphicsItem, QGraphicsLineItem,
                               QGraphicsSimpleTextItem, QGraphicsTextItem, QGraphicsView, QGraphicsWidget, QScrollArea,
                               QWidget)

BASE_POINTS_PROPERTY = "convlab_base_font_points"
RESCALE_ON_CHANGE = "convlab_rescale_on_change"  # False on a view: no rescan of its scene on every change
_FONT_SIZE = re.compile(r"font-size:\s*([0-9]*\.?[0-9]+)\s*pt")
_KEY_PEN, _KEY_SYMBOL, _KEY_FONT, _KEY_LABEL, _KEY_SIZE = range(0x5CA1E0, 0x5CA1E5)


def checked_scale(scale, low: float, high: float) -> float:
    """``scale`` as a float from ``low`` to ``high``, else ValueError naming it and the range."""
    try:
        value = float(scale)
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a number from {low} to {high}, got {scale!r}") from None
    if not low <= value <= high:
        raise ValueError(f"scale must be a number from {low} to {high}, got {scale!r}")
    return value


def base_font_points(app: QApplication | None = None) -> float:
    """The application's font size before any scaling (remembered on the QApplication at first call)."""
    app = app or QApplication.instance()
    stored = app.property(BASE_POINTS_PROPERTY)
    if stored:
        return float(stored)
    points = app.font().pointSizeF()
    points = points if points > 0 else 10.0
    app.setProperty(BASE_POINTS_PROPERTY, points)
    return points


def set_application_font_scale(scale: float, app: QApplication | None = None) -> None:
    """Scale the application font (which most widgets follow) to ``scale`` x its original size."""
    app = app or QApplication.instance()
    points = round(base_font_points(app) * scale, 1)
    font = QFont(app.font())
    if abs(font.pointSizeF() - points) > 0.05:
        font.setPointSizeF(points)
        app.setFont(font)


def _rebase(memo, current):
    """The base value: the remembered one, unless someone changed the value since our last pass."""
    if memo is None:
        return current
    applied = memo[1]
    if isinstance(applied, float) and isinstance(current, (int, float)):
        same = abs(applied - current) < 1e-6
    else:
        same = applied == current
    return memo[0] if same else current


def _line_width(base: float, scale: float) -> float:
    """A pen width ``scale`` times ``base`` (a 0-wide cosmetic pen counts as 1 pixel)."""
    return base if scale == 1.0 else round(max(base, 1.0) * scale, 2)


def apply_ui_scale(root: QWidget, font_scale: float, line_scale: float | None = None) -> int:
    """Scale fonts by ``font_scale`` and lines/markers by ``line_scale`` (default: the same) under ``root``.

    Returns how many values were changed (0 when everything already had its size).
    """
    line_scale = font_scale if line_scale is None else line_scale
    points = base_font_points()
    changed = 0
    scenes = {}
    for widget in [root] + root.findChildren(QWidget):
        if widget.property(THEMED):  # it follows convlab.ui.theme itself
            continue
        changed += _scale_widget(widget, font_scale)
        if isinstance(widget, QGraphicsView) and widget.scene() is not None:
            scenes[id(widget.scene())] = widget.scene()
    for scene in scenes.values():
        changed += scale_scene(scene, font_scale, line_scale, points)
    return changed


def scale_scene(scene, font_scale: float, line_scale: float, points: float | None = None) -> int:
    """The scene part of `apply_ui_scale` for one QGraphicsScene (e.g. one plot that just changed)."""
    points = base_font_points() if points is None else points
    items = scene.items()
    # Parents from childItems(): calling parentItem() from Python corrupts PySide6's wrappers of items a
    # scene later deletes (seen as a crash in the next QGraphicsScene.clear()).
    parents = {id(child): item for item in items for child in item.childItems()}
    return sum(_scale_item(item, parents.get(id(item)), font_scale, line_scale, points) for item in items)


def _scale_widget(widget: QWidget, scale: float) -> int:
    changed = 0
    own_font = widget.testAttribute(Qt.WidgetAttribute.WA_SetFont) and widget.font().pointSizeF() > 0
    if own_font and widget.objectName() != "qt_scrollarea_viewport":  # a viewport follows its scroll area
        font = widget.font()
        memo = widget.property("convlab_font_memo")
        base = _rebase(tuple(memo) if memo else None, font.pointSizeF())
        target = round(base * scale, 1)
        if abs(font.pointSizeF() - target) > 0.05:
            font.setPointSizeF(target)
            widget.setFont(font)
            changed += 1
        widget.setProperty("convlab_font_memo", [base, font.pointSizeF()])
    sheet = widget.styleSheet()
    if "font-size" in sheet:
        memo = widget.property("convlab_style_memo")
        base = _rebase(tuple(memo) if memo else None, sheet)
        target = _FONT_SIZE.sub(lambda m: f"font-size: {float(m.group(1)) * scale:g}pt", base)
        if target != sheet:
            widget.setStyleSheet(target)
            changed += 1
        widget.setProperty("convlab_style_memo", [base, target])
    elif sheet:
        # A widget with a style sheet keeps the font it had when the sheet was applied: re-apply it.
        points = QApplication.instance().font().pointSizeF()
        if widget.property("convlab_sheet_points") != points:
            widget.setStyleSheet(sheet)
            widget.setProperty("convlab_sheet_points", points)
    if isinstance(widget, QScrollArea) and widget.widget() is not None and widget.minimumWidth() > 0:
        wanted = widget.widget().sizeHint().width() + widget.verticalScrollBar().sizeHint().width() + 6
        if wanted > widget.minimumWidth():
            widget.setMinimumWidth(wanted)
    return changed


def _memo(item, key):
    return QGraphicsItem.data(item, key)  # unbound: pyqtgraph items shadow data() with their own attribute


def _set_memo(item, key, base, applied) -> None:
    QGraphicsItem.setData(item, key, (base, applied))


def _scale_pen_of(item, key, pen_value, set_pen, scale) -> int:
    """Scale a pen given as any pyqtgraph pen spec; ``set_pen`` applies the new QPen."""
    if pen_value is None:
        return 0
    pen = pg.mkPen(pen_value)
    if pen.style() == Qt.PenStyle.NoPen:
        return 0
    base = _rebase(_memo(item, key), pen.widthF())
    target = _line_width(base, scale)
    _set_memo(item, key, base, target)
    if abs(pen.widthF() - target) < 1e-6:
        return 0
    pen = QPen(pen)
    pen.setWidthF(target)
    set_pen(pen)
    return 1


def _scale_number(item, key, current, scale, apply, quantum: float = 0.01) -> int:
    base = _rebase(_memo(item, key), current)
    target = base if scale == 1.0 else round(base * scale / quantum) * quantum
    _set_memo(item, key, base, target)
    if abs(current - target) < 1e-6:
        return 0
    apply(target)
    return 1


def _points_text(value, default_points: float) -> float:
    match = re.match(r"\s*([0-9]*\.?[0-9]+)\s*pt", str(value)) if value else None
    return float(match.group(1)) if match else default_points


def _scale_item(item, parent, font_scale: float, line_scale: float, points: float) -> int:
    """Scale one scene item; items owned by an item handled as a whole are left to their owner."""
    if isinstance(item, pg.PlotDataItem):
        n = _scale_pen_of(item, _KEY_PEN, item.opts.get("pen"), item.setPen, line_scale)
        if item.opts.get("symbol") is not None:
            n += _scale_number(item, _KEY_SYMBOL, float(item.opts.get("symbolSize", 10)), line_scale,
                               item.setSymbolSize)
        return n
    if isinstance(parent, (pg.PlotDataItem, pg.TextItem, pg.LabelItem, pg.AxisItem)):
        return 0
    if isinstance(item, pg.PlotCurveItem):
        return _scale_pen_of(item, _KEY_PEN, item.opts.get("pen"), item.setPen, line_scale)
    if isinstance(item, pg.InfiniteLine):
        return _scale_pen_of(item, _KEY_PEN, item.pen, item.setPen, line_scale)
    if isinstance(item, pg.ScatterPlotItem):
        if len(item.data) and (item.data["size"] >= 0).any():
            return 0  # sizes set per spot: the panel decides
        return _scale_number(item, _KEY_SIZE, float(item.opts["size"]), line_scale, item.setSize)
    if isinstance(item, pg.AxisItem):
        return _scale_axis(item, font_scale, points)
    if isinstance(item, pg.LabelItem):
        current = _points_text(item.opts.get("size"), points)
        n = _scale_number(item, _KEY_LABEL, current, font_scale, lambda pt: item.setText(item.text, size=f"{pt:g}pt"))
        if n and isinstance(parent, pg.PlotItem) and parent.titleLabel is item and item.isVisible():
            _fit_title_row(parent, font_scale)
        return n
    if isinstance(item, pg.TextItem):
        return _scale_font(item, item.textItem.font(), font_scale, points, item.setFont)
    if isinstance(item, (QGraphicsSimpleTextItem, QGraphicsTextItem)) and not isinstance(parent, QGraphicsWidget):
        return _scale_font(item, item.font(), font_scale, points, item.setFont)
    if isinstance(item, (QAbstractGraphicsShapeItem, QGraphicsLineItem)) and item.pen().isCosmetic():
        return _scale_pen_of(item, _KEY_PEN, item.pen(), item.setPen, line_scale)
    return 0


def _fit_title_row(plot: pg.PlotItem, scale: float) -> None:
    """pyqtgraph fixes a plot's title row at 30 pixels: let a scaled title have its height."""
    height = 30 if scale == 1.0 else max(30, math.ceil(plot.titleLabel.itemRect().height()))
    plot.titleLabel.setMaximumHeight(height)
    plot.layout.setRowFixedHeight(0, height)


def _scale_font(item, font: QFont, scale: float, points: float, set_font) -> int:
    in_pixels = font.pointSizeF() <= 0 and font.pixelSize() > 0
    current = float(font.pixelSize()) if in_pixels else font.pointSizeF() if font.pointSizeF() > 0 else points

    def apply(size):
        scaled = QFont(font)
        if in_pixels:
            scaled.setPixelSize(max(1, round(size)))
        else:
            scaled.setPointSizeF(size)
        set_font(scaled)

    return _scale_number(item, _KEY_FONT, current, scale, apply, 1.0 if in_pixels else 0.1)


def _scale_axis(axis: pg.AxisItem, scale: float, points: float) -> int:
    """Tick font and label size of a pyqtgraph axis (a None tick font means the base application size)."""
    tick_font = axis.style.get("tickFont")
    memo = _memo(axis, _KEY_FONT)
    current = tick_font.pointSizeF() if tick_font is not None else None
    base_font = memo[0] if memo is not None and memo[1] == current else tick_font
    if scale == 1.0:
        target = base_font
    else:
        target = QFont(base_font) if base_font is not None else QFont()
        target.setPointSizeF(round((base_font.pointSizeF() if base_font is not None else points) * scale, 1))
    target_points = target.pointSizeF() if target is not None else None
    changed = 0
    if target_points != current:
        axis.setTickFont(target)
        changed += 1
    _set_memo(axis, _KEY_FONT, base_font, target_points)
    style = dict(axis.labelStyle)
    current_size = style.get("font-size")
    label_memo = _memo(axis, _KEY_LABEL)
    base_size = label_memo[0] if label_memo is not None and label_memo[1] == current_size else current_size
    target_size = base_size if scale == 1.0 else f"{_points_text(base_size, points) * scale:g}pt"
    _set_memo(axis, _KEY_LABEL, base_size, target_size)
    if target_size != current_size and axis.label.isVisible():
        if target_size is None:
            style.pop("font-size", None)
        else:
            style["font-size"] = target_size
        axis.labelStyle = style
        axis._updateLabel()  # pyqtgraph's own refresh after a style change (setLabel would reset the units)
        changed += 1
    return changed
