"""Presentation mode for the lecture hall: full screen, a UI scale, thicker lines, controls collapsed.

One number for every panel: `PresentationController.set_ui_scale` sets the theme's scale
(``convlab.ui.theme``): the application font, which most widgets follow, and ``changed``, on which
every label and plot drawn with theme sizes re-styles itself. Then it emits ``ui_scale_changed(float)``
and calls ``panel.set_ui_scale(scale)`` on every panel (for panels that re-arrange themselves).

F5 toggles presentation mode (full screen, a scale that fits the screen's height, lines x1.5, the left
control column of each panel hidden); F11 full screen only; F6 shows or hides the control column;
Ctrl++ / Ctrl+- / Ctrl+0 change the scale; PageDown / PageUp step through the current panel's presets.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu

from convlab.ui.theme import base_font_points, checked_scale, theme

MIN_SCALE, MAX_SCALE = 1.0, 3.0
SCALE_CHOICES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0)
PRESENTATION_SCALE = 1.5   # on a 1080-pixel-high screen; other screens scale it by their height
REFERENCE_HEIGHT = 1080
PRESENTATION_LINE_BOOST = 1.5


def check_scale(scale) -> float:
    """``scale`` as a float in 1.0..3.0, else ValueError naming it."""
    return checked_scale(scale, MIN_SCALE, MAX_SCALE)


def presentation_scale_for(height: int) -> float:
    """The presentation scale for a screen `height` logical pixels high: the largest SCALE_CHOICES step
    not above PRESENTATION_SCALE * height / 1080, at least 1.0. The text then takes the same share of
    the screen on any projector: 1.0 at 720 or 800 lines (where 1.5 squeezed the panels' plots and
    diagrams to slivers), 1.25 at 900, 1.5 at 1080, 2.0 at 1440, 3.0 at 2160."""
    target = PRESENTATION_SCALE * height / REFERENCE_HEIGHT
    return max((s for s in SCALE_CHOICES if s <= target + 1e-9), default=MIN_SCALE)


class PresentationController(QObject):
    """Presentation state of one main window: scale, full screen, control columns."""

    ui_scale_changed = Signal(float)
    presentation_changed = Signal(bool)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self._scale = 1.0
        self.presenting = False
        self.controls_visible = True
        self._before: tuple | None = None
        base_font_points()
        window.tabs.currentChanged.connect(self._on_panel_shown)
        window.installEventFilter(self)
        self._build_menu()
        settings = getattr(window, "settings", None)
        if settings is not None:
            try:
                self.set_ui_scale(float(settings.value("ui_scale", 1.0)))
            except (TypeError, ValueError):
                pass

    # scale
    def ui_scale(self) -> float:
        """The current UI scale (1.0 .. 3.0)."""
        return self._scale

    def presentation_scale(self) -> float:
        """The scale F5 switches to on the window's screen (see `presentation_scale_for`)."""
        screen = self.window.screen()
        return presentation_scale_for(screen.geometry().height() if screen is not None else REFERENCE_HEIGHT)

    def line_scale(self) -> float:
        """Plot lines and markers: the UI scale, x1.5 more while presenting."""
        return self._scale * (PRESENTATION_LINE_BOOST if self.presenting else 1.0)

    def set_ui_scale(self, scale) -> None:
        """Scale fonts, plot lines and markers of the whole window (ValueError outside 1.0..3.0)."""
        self._scale = check_scale(scale)
        theme().set_scale(self._scale, self.line_scale())  # fonts, lines and markers everywhere
        self._layout_panels()
        for action in self._scale_group.actions():
            action.setChecked(abs(action.data() - self._scale) < 1e-9)
        if getattr(self.window, "settings", None) is not None:
            self.window.settings.setValue("ui_scale", self._scale)
        self.ui_scale_changed.emit(self._scale)

    def change_scale(self, steps: int) -> None:
        """One step up (+1) or down (-1) through SCALE_CHOICES."""
        above = [s for s in SCALE_CHOICES if s > self._scale + 1e-9]
        below = [s for s in SCALE_CHOICES if s < self._scale - 1e-9]
        if steps > 0 and above:
            self.set_ui_scale(above[0])
        elif steps < 0 and below:
            self.set_ui_scale(below[-1])

    def _layout_panels(self) -> None:
        """Panels with a layout of their own for presenting (`set_ui_scale`) re-check it: after a scale
        change, and after their control column was shown or hidden."""
        for panel in self.window.panels:
            panel.set_ui_scale(self._scale)

    def _on_panel_shown(self, _index: int) -> None:
        panel = self.window.current_panel()
        if panel is None:
            return
        self._show_columns(panel, self.controls_visible)
        panel.setFocus(Qt.FocusReason.ShortcutFocusReason)  # so the panel's own keys (Space, N) work at once

    # full screen, presentation, control columns
    def is_full_screen(self) -> bool:
        """Whether the window fills the screen."""
        return bool(self.window.windowState() & Qt.WindowState.WindowFullScreen)

    def set_full_screen(self, on: bool) -> None:
        """Fill the screen, or go back to a normal (or maximised) window."""
        state = self.window.windowState()
        if on:
            self.window.setWindowState(state | Qt.WindowState.WindowFullScreen)
        else:
            self.window.setWindowState(state & ~Qt.WindowState.WindowFullScreen)
        self._actions["full_screen"].setChecked(bool(on))

    def toggle_full_screen(self) -> None:
        """F11."""
        self.set_full_screen(not self.is_full_screen())

    def set_presenting(self, on: bool) -> None:
        """Enter presentation mode (full screen, presentation scale, thick lines, controls hidden) or leave it,
        restoring what was there before."""
        on = bool(on)
        if on == self.presenting:
            return
        if on:
            self._before = (self._scale, self.is_full_screen(), self.controls_visible)
            self.presenting = True
            self.set_full_screen(True)
            self.set_controls_visible(False)
            self.set_ui_scale(max(self._scale, self.presentation_scale()))
        else:
            scale, full_screen, controls = self._before or (1.0, False, True)
            self.presenting = False
            self.set_ui_scale(scale)
            self.set_full_screen(full_screen)
            self.set_controls_visible(controls)
        self._actions["present"].setChecked(on)
        self._actions["leave"].setEnabled(on)
        self.window.show_message("Presentation mode: F5 or Esc leaves, F1 lists the keys" if on
                                 else "Presentation mode off")
        self.presentation_changed.emit(on)

    def toggle_presenting(self) -> None:
        """F5."""
        self.set_presenting(not self.presenting)

    def set_controls_visible(self, visible: bool) -> None:
        """Show or hide the left control column of every panel."""
        self.controls_visible = bool(visible)
        for panel in self.window.panels:
            self._show_columns(panel, self.controls_visible)
        self._layout_panels()
        self._actions["controls"].setChecked(self.controls_visible)

    @staticmethod
    def _show_columns(panel, visible: bool) -> None:
        for column in panel.control_columns():
            column.setVisible(visible)

    def toggle_controls(self) -> None:
        """F6."""
        self.set_controls_visible(not self.controls_visible)

    def step_preset(self, delta: int) -> None:
        """PageDown / PageUp: next or previous preset of the current panel."""
        panel = self.window.current_panel()
        try:
            chosen = panel.step_preset(delta)
        except ValueError as exc:
            self.window.show_message(f"Could not switch the preset: {exc}", error=True)
            return
        self.window.show_message(f"Preset: {chosen}" if chosen else f"The panel '{panel.title}' has no presets.")

    # menu
    def _build_menu(self) -> None:
        w = self.window
        bar = w.menuBar()
        menu = QMenu("&View", bar)
        help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        bar.insertMenu(help_menu, menu) if help_menu is not None else bar.addMenu(menu)
        self._actions = {}
        for key, text, keys, slot, checkable in (
                ("present", "&Presentation mode", "F5", self.toggle_presenting, True),
                ("leave", "Leave presentation mode", "Esc", lambda: self.set_presenting(False), False),
                ("full_screen", "&Full screen", "F11", self.toggle_full_screen, True),
                ("controls", "Show the panel &controls", "F6", self.toggle_controls, True),
                ("larger", "&Larger (UI scale up)", "Ctrl++", lambda: self.change_scale(+1), False),
                ("smaller", "&Smaller (UI scale down)", "Ctrl+-", lambda: self.change_scale(-1), False),
                ("reset", "&Normal size", "Ctrl+0", lambda: self.set_ui_scale(1.0), False),
                ("next", "&Next preset", "PgDown", lambda: self.step_preset(+1), False),
                ("previous", "P&revious preset", "PgUp", lambda: self.step_preset(-1), False)):
            action = QAction(text, w, shortcut=QKeySequence(keys), checkable=checkable)
            action.triggered.connect(lambda _=False, slot=slot: slot())
            menu.addAction(action)
            self._actions[key] = action
            if key in ("leave", "controls", "reset"):
                menu.addSeparator()
        self._actions["larger"].setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        self._actions["leave"].setEnabled(False)
        self._actions["controls"].setChecked(True)
        scale_menu = menu.addMenu("UI &scale")
        self._scale_group = QActionGroup(self)
        for scale in SCALE_CHOICES:
            action = scale_menu.addAction(f"{scale:g} ×")
            action.setCheckable(True)
            action.setData(scale)
            action.setChecked(scale == 1.0)
            action.triggered.connect(lambda _=False, s=scale: self.set_ui_scale(s))
            self._scale_group.addAction(action)

    def action(self, key: str) -> QAction:
        """One of the View menu's actions ("present", "full_screen", "controls", "larger", ...)."""
        return self._actions[key]

    def eventFilter(self, watched, event) -> bool:
        """Give the application its original font back when the window closes."""
        if watched is self.window and event.type() == QEvent.Type.Close and QApplication.instance() is not None:
            theme().set_scale(1.0)
        return False


def install_presentation(window) -> PresentationController:
    """Add presentation mode, the UI scale and the View menu to a main window."""
    return PresentationController(window)
