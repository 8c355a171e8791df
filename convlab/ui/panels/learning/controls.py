"""Controls of the feature-learning panel: forms built from LearnSettings and MontageSettings, plus the
buttons, progress and notes around them."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from convlab.lab.kernel_bank import MAX_KERNELS
from convlab.lab.learning import LearnSettings, MontageSettings
from convlab.ui.theme import ERROR_COLOUR, theme
from convlab.ui.widgets.settings_form import SettingsForm

LEARN_SECTIONS = (("Patches", ("source", "folder", "size", "count", "color", "seed")),
                  ("Preprocessing", ("normalize", "norm_eps", "whiten", "zca_eps")),
                  ("K-means", ("k", "method", "max_iter", "relearn")))
LEARN_HINTS = {"color": "indented", "normalize": "indented", "whiten": "indented", "norm_eps": "text",
               "zca_eps": "text"}
MONTAGE_SECTIONS = (("Montage", ("sort_by", "show")),)
BUTTONS = (("learn", "Learn kernels"), ("cancel", "Cancel"), ("use_bank", "Use as bank"),
           ("save", "Save kernels…"), ("load", "Load kernels…"), ("browse", "Browse…"), ("clear", "Clear"))


def error_label() -> QLabel:
    """A word-wrapped label in the error colour (its style re-applied when the theme's scale changes)."""
    label = QLabel("")
    label.setWordWrap(True)
    theme().follow(label, lambda: label.setStyleSheet(f"color: {ERROR_COLOUR};"))
    return label


def row_of(*widgets) -> QWidget:
    """Widgets side by side in one form row."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    return holder


class LearnControls(QWidget):
    """Patches, preprocessing, k-means, montage and bank controls.

    ``form`` (LearnSettings) and ``montage_form`` (MontageSettings) emit ``changed``; ``learn_changed``
    follows only the changes that alter what is learned (not the re-learn switch alone).
    """

    learn_changed = Signal(object)  # LearnSettings
    learn_requested = Signal()
    cancel_requested = Signal()
    online_toggled = Signal(bool)
    use_bank_requested = Signal()
    save_requested = Signal()
    load_requested = Signal()
    browse_requested = Signal()
    clear_collected_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = SettingsForm(LearnSettings(), LEARN_SECTIONS, LEARN_HINTS)
        self.montage_form = SettingsForm(MontageSettings(), MONTAGE_SECTIONS)
        self._previous = self.form.settings()
        self.online_box = QCheckBox("online: update with every new frame")
        self.buttons = {name: QPushButton(text) for name, text in BUTTONS}
        self.buttons["use_bank"].setToolTip(
            "Send the kernels to the shared bank, with the whitening folded in (W c, mean removed, unit norm), "
            f"so that they work on raw pictures in every panel. At most {MAX_KERNELS}, in the montage's order.")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status_label, self.collected_label, self.bank_note = QLabel(""), QLabel(""), QLabel("")
        for label in (self.status_label, self.bank_note):
            label.setWordWrap(True)
        self._status_error = False
        theme().follow(self.status_label, self._style_status)
        self.file_error = error_label()
        self._layout()
        self.input_error = self.form.error_note("norm_eps")  # a refused epsilon is said here
        self._connect()
        self._show_source(self.form.settings())
        self.set_running(False)

    def _layout(self) -> None:
        f, b = self.form, self.buttons
        self.folder_row = f.beside("folder", b["browse"])
        self.collected_row = row_of(self.collected_label, b["clear"])
        f.add_row("Patches", self.collected_row, before="size")
        for widget in (row_of(b["learn"], b["cancel"]), self.progress, self.status_label, self.online_box):
            f.add_row("K-means", widget)
        bank = QGroupBox("Bank")
        rows = QFormLayout(bank)
        for widget in (b["use_bank"], self.bank_note, row_of(b["save"], b["load"]), self.file_error):
            rows.addRow(widget)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        for widget in (f, self.montage_form, bank):
            outer.addWidget(widget)

    def _connect(self) -> None:
        signals = {"learn": self.learn_requested, "cancel": self.cancel_requested, "use_bank": self.use_bank_requested,
                   "save": self.save_requested, "load": self.load_requested, "browse": self.browse_requested,
                   "clear": self.clear_collected_requested}
        for name, signal in signals.items():
            self.buttons[name].clicked.connect(signal)
        self.online_box.toggled.connect(self.online_toggled)
        self.form.changed.connect(self._on_changed)

    def _on_changed(self, settings: LearnSettings) -> None:
        previous, self._previous = self._previous, settings
        self._show_source(settings)
        if not settings.learns_like(previous):
            self.learn_changed.emit(settings)

    def _show_source(self, settings: LearnSettings) -> None:
        self.folder_row.setVisible(settings.source == "folder")
        self.collected_row.setVisible(settings.source == "collected")

    def settings(self) -> LearnSettings:
        """The current learning settings."""
        return self.form.settings()

    def montage(self) -> MontageSettings:
        """The current display choices."""
        return self.montage_form.settings()

    def set_settings(self, settings: LearnSettings) -> None:
        """Show ``settings`` in the controls without echoing a change."""
        self.form.set_settings(settings)
        self._previous = self.form.settings()
        self._show_source(settings)

    def change(self, **changes) -> None:
        """Change learning settings as a user would (emits ``form.changed``, and ``learn_changed`` when
        what is learned changes)."""
        self.form.change(**changes)

    def set_running(self, running: bool) -> None:
        """Enable Learn or Cancel."""
        self.buttons["learn"].setEnabled(not running)
        self.buttons["cancel"].setEnabled(running)

    def set_progress(self, fraction: float, text: str) -> None:
        """Show progress 0..1 and what is being done."""
        self.progress.setValue(int(round(1000 * min(max(fraction, 0.0), 1.0))))
        self.show_status(text)

    def show_status(self, text: str, error: bool = False) -> None:
        """A line under the progress bar (in the error colour for a failure)."""
        self._status_error = error
        self._style_status()
        self.status_label.setText(text)

    def _style_status(self) -> None:
        self.status_label.setStyleSheet(f"color: {ERROR_COLOUR};" if self._status_error else "")

    def set_collected(self, count: int) -> None:
        """Show how many frames are collected."""
        self.collected_label.setText(f"{count} frame(s) collected")
