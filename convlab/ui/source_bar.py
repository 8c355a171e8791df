"""The shared source bar: samples, open a file, cameras, play/pause, and a message line."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton, QToolButton, QWidget

from convlab.sources.samples import SAMPLE_NAMES
from convlab.ui.theme import ERROR_COLOUR, OK_COLOUR, base_font_points, theme


class SourceBar(QWidget):
    """Pick where frames come from; shows problems with the source in plain words."""

    spec_requested = Signal(str)
    open_requested = Signal()
    play_toggled = Signal()
    resolution_requested = Signal(object)  # (w, h)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.samples = QComboBox()
        self.samples.addItem("Choose a sample…", "")
        for name in SAMPLE_NAMES:
            self.samples.addItem(name, f"sample:{name}")
        self.samples.activated.connect(self._on_sample)
        self.open_button = QPushButton("Open image or video…")
        self.open_button.clicked.connect(self.open_requested)
        self.camera_button = QToolButton()
        self.camera_button.setText("Camera ▾")
        self.camera_button.setPopupMode(QToolButton.InstantPopup)
        self.camera_menu = QMenu(self.camera_button)
        self.camera_menu.aboutToShow.connect(self.refresh_cameras)
        self.camera_button.setMenu(self.camera_menu)
        self.play_button = QPushButton("Pause")
        self.play_button.setEnabled(False)
        self.play_button.clicked.connect(self.play_toggled)
        self.banner = QLabel("")
        self.banner.setWordWrap(True)
        self._banner_error = False
        theme().follow(self.banner, self._style_banner)  # a style sheet keeps its font: set it at each scale
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addWidget(QLabel("Source:"))
        for w in (self.samples, self.open_button, self.camera_button, self.play_button):
            layout.addWidget(w)
        layout.addWidget(self.banner, 1)

    def _on_sample(self, index: int) -> None:
        spec = self.samples.itemData(index)
        if spec:
            self.spec_requested.emit(spec)

    def show_spec(self, spec: str) -> None:
        """Reflect the current source in the sample box (without echoing)."""
        self.samples.blockSignals(True)
        self.samples.setCurrentIndex(max(0, self.samples.findData(spec)))
        self.samples.blockSignals(False)

    def set_playing(self, available: bool, playing: bool = False) -> None:
        """Enable the play/pause button for videos."""
        self.play_button.setEnabled(available)
        self.play_button.setText("Pause" if playing else "Play")

    def show_message(self, text: str, error: bool = False) -> None:
        """Show a note (or an error, in a strong colour) next to the source controls."""
        self._banner_error = error
        self._style_banner()
        self.banner.setText(text)

    def _style_banner(self) -> None:
        colour, weight = (ERROR_COLOUR, "bold") if self._banner_error else (OK_COLOUR, "normal")
        points = base_font_points() * theme().font_scale  # the application font's size
        self.banner.setStyleSheet(f"color: {colour}; font-weight: {weight}; font-size: {points:g}pt;")

    def refresh_cameras(self) -> None:
        """List the cameras that exist now, with their resolutions."""
        from convlab.sources.qt_media import available_cameras

        self.camera_menu.clear()
        cameras = available_cameras()
        if not cameras:
            action = self.camera_menu.addAction("No camera found")
            action.setEnabled(False)
            return
        for index, cam in enumerate(cameras):
            self.camera_menu.addAction(cam.description, lambda i=index: self.spec_requested.emit(f"camera:{i}"))
            if cam.resolutions:
                sub = self.camera_menu.addMenu(f"Resolution of {cam.description}")
                for w, h in cam.resolutions:
                    sub.addAction(f"{w}×{h}", lambda r=(w, h): self.resolution_requested.emit(r))
