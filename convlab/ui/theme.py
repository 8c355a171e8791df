"""One theme for the whole window: font roles, colours, colour maps and the UI scale.

Every size a panel draws with comes from here: ``theme().font("title")``, ``theme().css("note")``,
``theme().pen(colour, 2)``, ``theme().marker(8)``. The scale is one pair of numbers (fonts, lines)
that presentation mode sets; the theme announces it with ``changed``, and whatever was drawn with
theme sizes re-styles itself through :meth:`Theme.follow` (labels, plots) or by redrawing (panels
that draw everything anew on each result). Nothing walks the widget tree or parses style sheets.

Roles, in points at scale 1: ``tick`` 10 (ticks of small plots), ``small`` 11 (axis ticks, compact
tables), ``body`` 12 (plot labels, readouts), ``note`` 13 (explanations under a view), ``numbers`` 14
(formulas, counts), ``title`` 15 (view titles). Widgets without a role follow the application font,
which presentation mode scales the same way.
"""
from __future__ import annotations

import atexit
import gc

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

__all__ = ["ERROR_COLOUR", "OK_COLOUR", "ROLE_POINTS", "TEXT_COLOUR", "THEMED", "WARNING_COLOUR", "Theme",
           "base_font_points", "checked_scale", "diverging_lut", "magnitude_lut", "set_application_font_scale",
           "theme"]

ROLE_POINTS = {"tick": 10.0, "small": 11.0, "body": 12.0, "note": 13.0, "numbers": 14.0, "title": 15.0}
ERROR_COLOUR = "#c0392b"  # every error message, inline or in the status bar
WARNING_COLOUR = "#b35900"
OK_COLOUR = "#1b5e20"
TEXT_COLOUR = "#111111"  # plot labels and titles
THEMED = "convlab_themed"  # property set on widgets that follow the theme themselves
BASE_POINTS_PROPERTY = "convlab_base_font_points"  # the application font's size at scale 1

# ColorBrewer RdBu (colour-blind safe), low end blue, centre pure white, high end red.
_DIVERGING_ANCHORS = np.array(
    [
        (5, 48, 97), (33, 102, 172), (67, 147, 195), (146, 197, 222), (209, 229, 240),
        (255, 255, 255),
        (253, 219, 199), (244, 165, 130), (214, 96, 77), (178, 24, 43), (103, 0, 31),
    ],
    dtype=np.float64,
)


def magnitude_lut() -> np.ndarray:
    """Viridis colour table, (256, 3) uint8, dark purple (low) to yellow (high)."""
    lut = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=False)
    return np.ascontiguousarray(lut, dtype=np.uint8)


def diverging_lut() -> np.ndarray:
    """Blue-white-red colour table, (256, 3) uint8, symmetric about its centre."""
    positions = np.linspace(0.0, 1.0, len(_DIVERGING_ANCHORS))
    samples = np.linspace(0.0, 1.0, 256)
    channels = [np.interp(samples, positions, _DIVERGING_ANCHORS[:, c]) for c in range(3)]
    return np.round(np.stack(channels, axis=1)).astype(np.uint8)


class Theme(QObject):
    """The current font and line scale, and sizes derived from them."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._font_scale = 1.0
        self._followers: list = []  # (owner, apply) of everything that follows the theme
        self._live_after_prune = 0
        self._line_scale = 1.0

    @property
    def font_scale(self) -> float:
        """How much larger than at scale 1 every font is (1.0 .. 3.0)."""
        return self._font_scale

    @property
    def line_scale(self) -> float:
        """How much wider plot lines and larger markers are (presentation adds a boost)."""
        return self._line_scale

    def set_scale(self, font_scale: float, line_scale: float | None = None) -> None:
        """Set the scale: the application font (which every widget without a role follows) at once,
        then ``changed`` for everything drawn with theme sizes, when the scale differs."""
        line_scale = font_scale if line_scale is None else line_scale
        set_application_font_scale(font_scale)
        if (font_scale, line_scale) == (self._font_scale, self._line_scale):
            return
        self._font_scale, self._line_scale = float(font_scale), float(line_scale)
        self._restyle_followers()
        self.changed.emit()

    def points(self, role: str) -> float:
        """The point size of a font role at the current scale."""
        return round(ROLE_POINTS[role] * self._font_scale, 1)

    def font(self, role: str, bold: bool = False, base: QFont | None = None) -> QFont:
        """A font of ``role`` (optionally based on another font's family and style)."""
        font = QFont(base) if base is not None else QFont()
        font.setPointSizeF(self.points(role))
        font.setBold(bold)
        return font

    def css(self, role: str, bold: bool = False, colour: str | None = None) -> str:
        """Style-sheet declarations for text of ``role``: ``font-size: 13pt; ...``."""
        parts = [f"font-size: {self.points(role):g}pt;"]
        if bold:
            parts.append("font-weight: bold;")
        if colour:
            parts.append(f"color: {colour};")
        return " ".join(parts)

    def size(self, role: str) -> str:
        """A pyqtgraph size string for ``role`` (``"13pt"``), for titles and axis labels."""
        return f"{self.points(role):g}pt"

    def pen(self, colour, width: float = 1.0, style=Qt.PenStyle.SolidLine):
        """A cosmetic pen ``width`` pixels wide at scale 1 (its ends stay those of the width at scale 1:
        pyqtgraph rounds the ends of pens wider than 4 pixels)."""
        pen = pg.mkPen(QColor(colour), width=width, style=style)
        pen.setWidthF(round(max(width, 1.0) * self._line_scale, 2))
        return pen

    def marker(self, size: float) -> float:
        """A marker (symbol) size at the current line scale."""
        return round(size * self._line_scale, 2)

    def follow(self, owner: QObject, apply) -> None:
        """Call ``apply()`` now and after every change of the theme, for as long as ``owner`` lives.

        ``owner`` is marked as themed: it styles itself, so nothing else scales it.
        """
        owner.setProperty(THEMED, True)
        apply()
        if len(self._followers) > 2 * self._live_after_prune + 64:
            self._prune()
        self._followers.append((owner, apply))

    def _prune(self) -> None:
        """Forget the followers whose owner was deleted (no Qt connection is kept to them, so a window
        closing, or the interpreter ending, never calls into a deleted object)."""
        self._followers = [(owner, apply) for owner, apply in self._followers if shiboken6.isValid(owner)]
        self._live_after_prune = len(self._followers)

    def _restyle_followers(self) -> None:
        self._prune()
        for owner, apply in list(self._followers):
            if shiboken6.isValid(owner):  # an earlier follower's restyle may have deleted it
                apply()

    def label(self, widget, role: str, bold: bool = False, colour: str | None = None) -> None:
        """Style a QLabel (or any widget) as text of ``role``, now and on every change."""
        self.follow(widget, lambda: widget.setStyleSheet(self.css(role, bold, colour)))

    def style_plot(self, plot, tick_role: str = "small", label_role: str = "body") -> None:
        """Axis tick and label fonts of a pyqtgraph plot from the theme, now and on every change.

        ``plot`` is a PlotWidget or PlotItem; its title, set with :meth:`set_title`, follows too.
        """
        item = plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot
        owner = plot if isinstance(plot, QObject) else item

        def apply():
            for name in ("left", "bottom", "right", "top"):
                axis = item.getAxis(name)
                axis.setTickFont(self.font(tick_role))
                style = dict(axis.labelStyle)
                style["font-size"] = self.size(label_role)
                style.setdefault("color", TEXT_COLOUR)
                axis.labelStyle = style
                axis._updateLabel()  # pyqtgraph's own refresh after a style change
            title = getattr(item, "_convlab_title", None)
            if title is not None:
                self._show_title(item, *title)

        self.follow(owner, apply)

    def set_title(self, plot, text: str, role: str = "title", colour: str = TEXT_COLOUR) -> None:
        """Set a plot's title in ``role``; a plot styled with :meth:`style_plot` keeps it scaled."""
        item = plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot
        item._convlab_title = (text, role, colour)
        self._show_title(item, text, role, colour)

    def _show_title(self, item, text, role, colour) -> None:
        if not text:
            item.setTitle(None)
            return
        item.setTitle(text, size=self.size(role), color=colour)
        # pyqtgraph fixes the title row at 30 pixels: a scaled title gets its own height (at scale 1 the
        # row stays as pyqtgraph makes it, so a two-line title looks as it always did)
        height = 30 if self._font_scale == 1.0 else max(30, round(item.titleLabel.itemRect().height()))
        item.titleLabel.setMaximumHeight(height)
        item.layout.setRowFixedHeight(0, height)


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
    """The application's font size at scale 1 (remembered on the QApplication at the first call)."""
    app = app or QApplication.instance()
    stored = app.property(BASE_POINTS_PROPERTY)
    if stored:
        return float(stored)
    points = app.font().pointSizeF()
    points = points if points > 0 else 10.0
    app.setProperty(BASE_POINTS_PROPERTY, points)
    return points


def set_application_font_scale(scale: float, app: QApplication | None = None) -> None:
    """Scale the application font (which most widgets follow) to ``scale`` x its size at scale 1."""
    app = app or QApplication.instance()
    if app is None:
        return
    points = round(base_font_points(app) * scale, 1)
    font = QFont(app.font())
    if abs(font.pointSizeF() - points) > 0.05:
        font.setPointSizeF(points)
        app.setFont(font)


_THEME: Theme | None = None


def theme() -> Theme:
    """The window's theme (one per process)."""
    global _THEME
    if _THEME is None:
        _THEME = Theme()
        atexit.register(_forget_followers)  # runs before PySide's own clean-up (registered earlier)
    return _THEME


def _forget_followers() -> None:
    """Drop the followers while Python is still whole: PySide would otherwise destroy the plot items
    they hold during its clean-up at exit, when their Python handlers can no longer run (a crash)."""
    if _THEME is not None:
        _THEME._followers.clear()
    gc.collect()
