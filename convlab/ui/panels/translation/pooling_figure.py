"""1-D mode of the translation panel: the lecture's max-pooling figure, live, with predict-then-reveal.

Width, stride and "predict first" are form controls (`convlab.lab.pooling_figure.FigureSettings`);
the detector values and the entering value are typed as comma-separated numbers beside them. Every
change reaches the figure through the form's ``changed`` signal; a field with bad text keeps its
last valid value and says why.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from convlab.lab.pooling_figure import FigureSettings, figure_diagram, format_value, parse_values
from convlab.lab.settings import settled
from convlab.ui.panels.translation.pooling_figure_scene import FittingView, PoolingFigureScene
from convlab.ui.panels.translation.tiles import error_label, show_error, themed_column
from convlab.ui.theme import theme
from convlab.ui.widgets.form import side_by_side
from convlab.ui.widgets.settings_form import SettingsForm

UNITS, POOLING, PREDICT = "Detector units", "Max pooling", "Predict, then reveal"
SECTIONS = ((UNITS, ()), (POOLING, ("width", "stride")), (PREDICT, ("predict",)))


class PoolingFigure(QWidget):
    """Controls on the left; the before/after diagrams of detector and max-pooled units on the right."""

    settings_changed = Signal(object)  # FigureSettings
    message = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.settings = FigureSettings()
        self.revealed = True
        self.form = SettingsForm(self.settings, SECTIONS)
        self.values_edit, self.entering_edit = QLineEdit(), QLineEdit()
        self.form.add_row(UNITS, self.values_edit, "Values (comma-separated)")
        self.form.add_row(UNITS, self.entering_edit, "Value entering on the left")
        self.reveal_button = QPushButton("Reveal")
        self.form.add_row(PREDICT, self.reveal_button)
        self.summary = QLabel()
        theme().label(self.summary, "body", bold=True)
        self.summary.setWordWrap(True)
        self.error = error_label()
        self.scene = PoolingFigureScene(self)
        self.view = FittingView(self.scene)
        self._layout()
        self.form.changed.connect(self._use)
        self.values_edit.editingFinished.connect(self._on_edited)
        self.entering_edit.editingFinished.connect(self._on_edited)
        self.reveal_button.clicked.connect(self.reveal)
        self._show_texts(self.settings)
        theme().follow(self.view, self.redraw)

    def _layout(self) -> None:
        controls = QWidget()
        column = QVBoxLayout(controls)
        for widget in (self.form, self.error, self.summary):
            column.addWidget(widget)
        column.addStretch(1)
        self.column = themed_column(controls)
        side_by_side(self, (self.column, self.view), (340, 1160))

    def _on_edited(self, *_args) -> None:
        """The typed numbers; a field with bad text keeps its last valid value and shows why."""
        errors, changes = [], {}
        try:
            changes["values"] = parse_values(self.values_edit.text(), "Values")
        except ValueError as exc:
            errors.append(str(exc))
        try:
            changes["entering"] = parse_values(self.entering_edit.text(), "Value entering on the left", (1, 1))[0]
        except ValueError as exc:
            errors.append(str(exc))
        show_error(self.error, " ".join(f"{e}." for e in errors) + (" The last valid values stay." if errors else ""))
        for text in errors:
            self.message.emit(text)
        self.form.change(**changes)  # emits `changed` when a value is new

    def _use(self, settings: FigureSettings) -> None:
        """New settings (from the form, the typed numbers or a lesson): a new question hides the answers."""
        if settings == self.settings:
            return
        self.settings = settings
        self.revealed = not settings.predict
        self.redraw()
        self.settings_changed.emit(settings)

    def apply_settings(self, settings: FigureSettings) -> None:
        """Show and use `settings` (a lesson, --set): the controls show them without echo."""
        settings = settled(settings)
        self.form.set_settings(settings)
        self._show_texts(settings)
        self._use(settings)

    def _show_texts(self, settings: FigureSettings) -> None:
        self.values_edit.setText(", ".join(format_value(v) for v in settings.values))
        self.entering_edit.setText(format_value(settings.entering))

    def change(self, **changes) -> None:
        """Change settings as a user would (tests and scripts)."""
        self.apply_settings(dataclasses.replace(self.settings, **changes))

    def reveal(self) -> None:
        """Show the pooled values."""
        self.revealed = True
        self.redraw()

    def redraw(self) -> None:
        """Draw both diagrams with the changed units highlighted."""
        diagram = figure_diagram(self.settings)
        hidden = not self.revealed
        self.scene.draw(diagram.rows, diagram.windows, {k: v.tolist() for k, v in diagram.changed.items()}, hidden)
        self.reveal_button.setEnabled(hidden)
        self.summary.setText(diagram.summary(hidden))
        self.view.fit()
