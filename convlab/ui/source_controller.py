"""The current frame source of the window: opening sources from a spec, and delivering their frames."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from convlab.io.images import ImageReadError
from convlab.sources.samples import SAMPLE_NAMES, open_sample
from convlab.sources.still import ImageSource

VIDEO_EXTENSIONS = (".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".ogv", ".wmv")


class SourceError(ValueError):
    """A source could not be opened; the message says which and why."""


def is_video_path(path) -> bool:
    """Whether a path names a video file (by its extension)."""
    return Path(path).suffix.lower() in VIDEO_EXTENSIONS


def describe_spec(spec: str) -> str:
    """A short human-readable name for a source spec."""
    kind, _, rest = spec.partition(":")
    if kind == "sample":
        return f"sample: {rest}"
    if kind == "camera":
        return "camera" if not rest else f"camera {rest}"
    return Path(rest or spec).name


def open_source(spec: str):
    """Open a source from a spec: ``sample:NAME``, ``camera[:INDEX]``, ``video:PATH``, ``image:PATH`` or a path."""
    kind, sep, rest = spec.partition(":")
    if kind == "sample" and sep:
        if rest not in SAMPLE_NAMES:
            raise SourceError(f"Unknown sample {rest!r}; samples are: {', '.join(SAMPLE_NAMES)}")
        return open_sample(rest)
    if kind == "camera":
        from convlab.sources.qt_media import CameraSource, available_cameras

        cams = available_cameras()
        index = int(rest) if rest.isdigit() else 0
        if not cams:
            raise SourceError("No camera found. Connect a camera, or open an image or a video file.")
        if index >= len(cams):
            raise SourceError(f"Camera {index} does not exist; {len(cams)} camera(s) found.")
        return CameraSource(cams[index].id)
    path = rest if kind in ("video", "image") and sep else spec
    if not Path(path).exists():
        raise SourceError(f"Cannot open {path}: the file does not exist.")
    if kind == "video" or (kind != "image" and is_video_path(path)):
        from convlab.sources.qt_video import VideoFileSource

        return VideoFileSource(path)
    try:
        return ImageSource.from_file(path)
    except ImageReadError as exc:
        raise SourceError(str(exc)) from exc


class SourceController(QObject):
    """Holds the current source and emits its frames on the main thread."""

    frame_ready = Signal(object)  # Frame
    source_changed = Signal(str)  # spec
    message = Signal(str)  # a plain-language note or error about the source

    def __init__(self, parent=None):
        super().__init__(parent)
        self.source = None
        self.spec = ""
        self.last_frame = None
        self._source_state = ""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll)

    def open(self, spec: str) -> None:
        """Open a source by spec; on failure raise SourceError and keep the current source."""
        source = open_source(spec)
        self.set_source(source, spec)

    def set_source(self, source, spec: str) -> None:
        """Make ``source`` current (closing the previous one) and start delivering its frames."""
        self._stop_current()
        self.source, self.spec = source, spec
        self._source_state = getattr(source, "state", "")
        note = getattr(source, "note", "")
        if hasattr(source, "frame_ready"):
            source.frame_ready.connect(self._deliver)
            source.error_occurred.connect(self.message)
            if hasattr(source, "state_changed"):
                source.state_changed.connect(self._on_state)
            start = getattr(source, "start", None) or getattr(source, "play", None)
            if start is not None:
                start()
        elif getattr(source, "interval_ms", None):
            self._timer.start(int(source.interval_ms))
        QTimer.singleShot(0, self._poll)
        self.source_changed.emit(spec)
        if note:
            self.message.emit(note)

    def _poll(self) -> None:
        if self.source is None:
            return
        frame = self.source.read()
        if frame is not None and (self.last_frame is None or frame is not self.last_frame):
            self._deliver(frame)

    def _on_state(self, state: str) -> None:
        if state == "ended" and self._source_state != "error":  # an error's message stays
            self.message.emit("The video ended; its last frame stays on screen (P plays it again).")
        self._source_state = state

    def _deliver(self, frame) -> None:
        self.last_frame = frame
        self.frame_ready.emit(frame)

    def _stop_current(self) -> None:
        self._timer.stop()
        if self.source is None:
            return
        if hasattr(self.source, "frame_ready"):
            pairs = [(self.source.frame_ready, self._deliver), (self.source.error_occurred, self.message)]
            if hasattr(self.source, "state_changed"):
                pairs.append((self.source.state_changed, self._on_state))
            for sig, slot in pairs:
                try:
                    sig.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass
        self.source.close()
        self.source = None

    def close(self) -> None:
        """Close the current source."""
        self._stop_current()
