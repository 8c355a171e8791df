"""The main window: one tab per panel, a shared source bar and kernel bank, and a status bar."""
from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from convlab.engine.kernel_banks import make_bank
from convlab.io.images import image_file_filter
from convlab.resources_path import resource_path
from convlab.sources.samples import DEFAULT_SAMPLE
from convlab.ui.bank_signals import KernelBank
from convlab.ui.export_dialog import install_export
from convlab.ui.lesson_menu import LessonMenu
from convlab.ui.panels import panel_classes
from convlab.ui.presentation import install_presentation
from convlab.ui.shortcut_overlay import install_shortcut_overlay, show_shortcut_overlay
from convlab.ui.source_bar import SourceBar
from convlab.ui.source_controller import VIDEO_EXTENSIONS, SourceController, SourceError, describe_spec

MAX_RECENT = 8


class MainWindow(QMainWindow):
    """convlab's window; ``settings`` (a QSettings) remembers geometry, source and recent files."""

    def __init__(self, settings=None, synchronous=False, parent=None):
        super().__init__(parent)
        self.setWindowTitle("convlab: a visual lab for convolutional networks")
        self.setWindowIcon(QIcon(str(resource_path("icons", "convlab.svg"))))
        self.settings = settings
        self.bank = KernelBank(self)
        self.bank.set_from_arrays(*make_bank("default", 3), origin="default 3x3")
        self.sources = SourceController(self)
        self.source_bar = SourceBar()
        self.tabs = QTabWidget()
        self.panels = [cls(self.bank, synchronous=synchronous) for cls in panel_classes()]
        for panel in self.panels:
            self.tabs.addTab(panel, panel.title)
            panel.message.connect(self.show_message)
            panel.frame_displayed.connect(self._on_displayed)
        self._display_times = deque(maxlen=240)
        self._status = {k: QLabel() for k in ("source", "size", "fps")}
        self._build_central()
        self._build_menus()
        self._connect()
        self.setAcceptDrops(True)
        self.resize(1500, 900)
        self._fps_timer = QTimer(self)
        self._fps_timer.timeout.connect(self._update_fps)
        self._fps_timer.start(500)
        self._restore_geometry()
        self.presentation = install_presentation(self)  # F5, full screen, UI scale, View menu
        install_export(self)
        install_shortcut_overlay(self)

    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.source_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        for label in self._status.values():
            self.statusBar().addPermanentWidget(label)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction("&Open image or video…", QKeySequence.Open, self.ask_open)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.lessons = LessonMenu(self, file_menu)  # Open lesson… (Ctrl+L), Save lesson… (Ctrl+S), Lessons
        file_menu.addAction("&Export feature maps…", QKeySequence("Ctrl+E"), self._export_current)
        file_menu.addSeparator()
        file_menu.addAction("&Quit", QKeySequence.Quit, self.close)
        view = self.menuBar().addMenu("&Panels")
        for index, panel in enumerate(self.panels):
            action = QAction(panel.title, self, shortcut=QKeySequence(str(index + 1)))
            action.triggered.connect(lambda _=False, i=index: self.tabs.setCurrentIndex(i))
            view.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("&Keyboard shortcuts", QKeySequence("F1"), self.show_shortcuts)
        QShortcut(QKeySequence("P"), self, self._toggle_play)

    def _connect(self) -> None:
        bar = self.source_bar
        bar.spec_requested.connect(self.open_spec)
        bar.open_requested.connect(self.ask_open)
        bar.play_toggled.connect(self._toggle_play)
        bar.resolution_requested.connect(self._set_resolution)
        self.sources.frame_ready.connect(self._on_frame)
        self.sources.message.connect(lambda text: self.show_message(text, error=True))
        self.tabs.currentChanged.connect(self._on_tab_changed)

    # sources
    def start(self, spec: str | None = None) -> None:
        """Open ``spec``, else the remembered source, else a camera, else a real photo."""
        candidates = [spec] if spec else []
        remembered = self.settings.value("last_source", "") if self.settings is not None else ""
        if not spec and remembered:
            candidates.append(remembered)
        if not spec:
            candidates += ["camera:0", f"sample:{DEFAULT_SAMPLE}"]
        for candidate in candidates:
            if self.open_spec(candidate, quiet=candidate == "camera:0"):
                return

    def open_spec(self, spec: str, quiet: bool = False) -> bool:
        """Open a source; on failure show why and keep the current one."""
        try:
            self.sources.open(spec)
        except SourceError as exc:
            if not quiet:
                self.show_message(str(exc), error=True)
            return False
        self.source_bar.show_spec(spec)
        self._status["source"].setText(describe_spec(spec))
        self.source_bar.set_playing(hasattr(self.sources.source, "toggle_play"), True)
        self.show_message(f"Source: {describe_spec(spec)}")
        if self.settings is not None:
            self.settings.setValue("last_source", spec)
            if not spec.startswith(("sample:", "camera")):
                self._remember_recent(spec)
        return True

    def ask_open(self) -> None:
        """Ask for an image or video file."""
        videos = " ".join(f"*{e}" for e in VIDEO_EXTENSIONS)
        filters = f"{image_file_filter()};;Videos ({videos});;All files (*)"
        path, _ = QFileDialog.getOpenFileName(self, "Open an image or a video", "", filters)
        if path:
            self.open_spec(path)

    def _toggle_play(self) -> None:
        source = self.sources.source
        if hasattr(source, "toggle_play"):
            source.toggle_play()
            self.source_bar.set_playing(True, source.is_playing())

    def _set_resolution(self, size) -> None:
        if hasattr(self.sources.source, "set_resolution"):
            self.sources.source.set_resolution(size)

    def show_panel(self, key: str) -> None:
        """Make the panel with this key visible."""
        for index, panel in enumerate(self.panels):
            if panel.key == key:
                self.tabs.setCurrentIndex(index)

    def current_panel(self):
        """The visible panel."""
        return self.tabs.currentWidget()

    def _on_frame(self, frame) -> None:
        h, w = frame.image.shape[:2]
        self._status["size"].setText(f"{w}×{h}")
        self.current_panel().set_frame(frame)

    def _on_tab_changed(self, _index: int) -> None:
        if self.sources.last_frame is not None:
            self.current_panel().set_frame(self.sources.last_frame)

    def _on_displayed(self, _frame) -> None:
        self._display_times.append(time.perf_counter())

    def _update_fps(self) -> None:
        source = self.sources.source
        if source is not None and not source.live:  # a still: "0 fps" would read like a stall
            self._status["fps"].setText("still image")
            return
        now = time.perf_counter()
        recent = [t for t in self._display_times if now - t <= 1.0]
        self._status["fps"].setText(f"{len(recent)} fps displayed")

    def show_message(self, text: str, error: bool = False) -> None:
        """Show a note in the source bar and the status bar."""
        self.source_bar.show_message(text, error)
        self.statusBar().showMessage(text, 10000)

    # recent files, geometry, drag and drop
    def _remember_recent(self, path: str) -> None:
        recent = [p for p in self._recent() if p != path]
        self.settings.setValue("recent_files", [path] + recent[:MAX_RECENT - 1])

    def _recent(self) -> list:
        value = self.settings.value("recent_files", []) if self.settings is not None else []
        return [value] if isinstance(value, str) else list(value or [])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            self.recent_menu.addAction(path, lambda p=path: self.open_spec(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(no recent files)").setEnabled(False)

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("geometry") if self.settings is not None else None
        if geometry is not None:
            self.restoreGeometry(geometry)
        if self.settings is not None:
            self.show_panel(str(self.settings.value("last_panel", "")))

    def closeEvent(self, event) -> None:
        """Remember the geometry, stop the workers and the source."""
        if self.settings is not None:
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.setValue("last_panel", self.current_panel().key)
            self.settings.sync()
        for panel in self.panels:
            panel.shutdown()
        self.sources.close()
        super().closeEvent(event)

    def dragEnterEvent(self, event) -> None:
        """Accept dropped files."""
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        """Open the first dropped file."""
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_spec(urls[0].toLocalFile())

    def _export_current(self) -> None:
        panel = self.current_panel()
        if panel.can_export():
            panel.ask_export(None)
        else:
            self.show_message("This panel has no feature-map grid to export.")

    def show_shortcuts(self) -> None:
        """Show (or hide) the overlay listing every keyboard shortcut of the window."""
        show_shortcut_overlay(self)
