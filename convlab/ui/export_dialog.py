"""The Export dialog (the window, the current panel or one plot; PNG at a scale or SVG) and File menu items."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from convlab.ui.export_view import (
    MAX_SCALE,
    MIN_SCALE,
    export_bank_montage,
    export_plot_png,
    export_plot_svg,
    export_widget_png,
    find_plots,
)
from convlab.ui.theme import ERROR_COLOUR


class ExportDialog(QDialog):
    """Choose what to export (window, panel, one plot), the format and the PNG scale; then a file."""

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Export a picture")
        self.window_ = window
        panel = window.current_panel()
        self.targets = [("The whole window", window), (f"The panel: {panel.title}", panel)]
        self.targets += [(f"Plot: {p.name}", p.plot_item) for p in find_plots(panel)]
        self.target_box = QComboBox()
        for text, _ in self.targets:
            self.target_box.addItem(text)
        self.format_box = QComboBox()
        self.format_box.addItem("PNG picture", "png")
        self.format_box.addItem("SVG drawing (plots only)", "svg")
        self.scale_spin = QDoubleSpinBox()
        self.scale_spin.setRange(MIN_SCALE, MAX_SCALE)
        self.scale_spin.setSingleStep(0.5)
        self.scale_spin.setValue(2.0)
        self.scale_spin.setSuffix(" ×")
        self.error_label = QLabel("")
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.ask_path)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Export", self.target_box)
        form.addRow("Format", self.format_box)
        form.addRow("Scale (PNG)", self.scale_spin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.target_box.currentIndexChanged.connect(self._sync)
        self.format_box.currentIndexChanged.connect(self._sync)
        self._sync()

    def _is_plot(self) -> bool:
        return self.target_box.currentIndex() >= 2

    def _sync(self, *_args) -> None:
        """SVG only for plots; the scale only for PNG."""
        svg_item = self.format_box.model().item(1)
        svg_item.setEnabled(self._is_plot())
        if not self._is_plot() and self.format_box.currentData() == "svg":
            self.format_box.setCurrentIndex(0)
        self.scale_spin.setEnabled(self.format_box.currentData() == "png")

    def ask_path(self) -> None:
        """Ask where to save, then export."""
        fmt = self.format_box.currentData()
        name = self.target_box.currentText().split(": ")[-1].replace(" ", "-").replace("/", "-")[:60]
        path, _ = QFileDialog.getSaveFileName(self, "Export", f"{name}.{fmt}", f"{fmt.upper()} (*.{fmt})")
        if path and self.export_to(path):
            self.accept()

    def export_to(self, path) -> bool:
        """Export the chosen target to ``path``; a failure shows a red message and changes nothing."""
        target = self.targets[self.target_box.currentIndex()][1]
        fmt = self.format_box.currentData()
        try:
            if fmt == "svg":
                written = export_plot_svg(target, path)
            elif self._is_plot():
                written = export_plot_png(target, path, self.scale_spin.value())
            else:
                written = export_widget_png(target, path, self.scale_spin.value())
        except (OSError, ValueError) as exc:
            self.error_label.setText(f"Could not export to {Path(path).name}: {exc}")
            self.window_.show_message(self.error_label.text(), error=True)
            return False
        self.error_label.setText("")
        self.window_.show_message(f"Saved {written}")
        return True


def ask_export_bank(window) -> None:
    """Ask for a PNG file and save the kernel bank montage there."""
    path, _ = QFileDialog.getSaveFileName(window, "Export the kernel bank", "kernel-bank.png", "PNG (*.png)")
    if path:
        export_bank_to(window, path)


def export_bank_to(window, path) -> bool:
    """Save the window's kernel bank as a montage; reports success or failure in the window."""
    try:
        written = export_bank_montage(window.bank, path)
    except (OSError, ValueError) as exc:
        window.show_message(f"Could not export the kernel bank to {Path(path).name}: {exc}", error=True)
        return False
    window.show_message(f"Saved the kernel bank ({len(window.bank.entries())} kernels) as {written}")
    return True


def install_export(window) -> None:
    """Add "Export a picture…" and "Export the kernel bank…" to the File menu (before its first separator)."""
    actions = []
    for text, keys, slot in (("Export a &picture (PNG at a scale, or SVG)…", "Ctrl+Shift+E",
                              lambda: ExportDialog(window).open()),
                             ("Export the &kernel bank as a montage…", "Ctrl+Shift+K",
                              lambda: ask_export_bank(window))):
        action = QAction(text, window, shortcut=QKeySequence(keys))
        action.triggered.connect(lambda _=False, slot=slot: slot())
        actions.append(action)
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    file_menu = next((m for m in menus if m.title().replace("&", "") == "File"), None)
    if file_menu is None:
        file_menu = window.menuBar().addMenu("&Export")
    separator = next((a for a in file_menu.actions() if a.isSeparator()), None)
    for action in actions:
        if separator is not None:
            file_menu.insertAction(separator, action)
        else:
            file_menu.addAction(action)
