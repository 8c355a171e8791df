"""Camera sources on QtMultimedia, and what every QtMultimedia source shares (`MediaSource`); video
files are in :mod:`convlab.sources.qt_video`. These two are the only modules of ``sources`` that import Qt.

Push sources: a ``QVideoSink`` receives decoded frames; on the main thread (the sources' own)
the newest is converted to RGB ``uint8 (H, W, 3)`` and sent as ``frame_ready(Frame)``. Frames
replaced before the event loop reached them are counted in ``frames_dropped``. States sent with
``state_changed``: "stopped", "running" (camera), "playing", "paused", "ended" (video without
loop), "no camera", "disconnected", "error".
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import (
    QCamera,
    QCameraDevice,
    QMediaCaptureSession,
    QMediaDevices,
    QVideoFrame,
    QVideoFrameInput,
    QVideoSink,
)

from convlab.sources.base import Frame

__all__ = ["CameraInfo", "CameraSource", "MediaSource", "available_cameras", "closest_resolution",
           "video_frame_to_rgb"]


@dataclass(frozen=True)
class CameraInfo:
    """A camera the system offers: its id, a readable description and its resolutions (w, h)."""

    id: bytes
    description: str
    resolutions: list[tuple[int, int]]


def available_cameras() -> list[CameraInfo]:
    """List the connected cameras, e.g. ``[CameraInfo(b"/dev/video0", "Integrated Camera", [...])]``; [] if none."""
    cameras = []
    for device in QMediaDevices.videoInputs():
        sizes = {(f.resolution().width(), f.resolution().height()) for f in device.videoFormats()}
        cameras.append(CameraInfo(bytes(device.id()), device.description(), sorted(sizes)))
    return cameras


def closest_resolution(available: list[tuple[int, int]], wanted: tuple[int, int]) -> tuple[int, int] | None:
    """Pick the resolution closest to ``wanted`` (both sides compared on a log scale).

    Examples
    --------
    >>> closest_resolution([(320, 240), (640, 480), (1920, 1080)], (800, 600))
    (640, 480)
    """
    candidates = [size for size in available if size[0] > 0 and size[1] > 0]
    if not candidates:
        return None
    w, h = _check_resolution(wanted)
    return min(candidates, key=lambda s: (abs(math.log(s[0] / w)) + abs(math.log(s[1] / h)), -s[0] * s[1]))


def video_frame_to_rgb(frame: QVideoFrame) -> np.ndarray | None:
    """Convert a ``QVideoFrame`` to a read-only C-contiguous RGB ``uint8 (H, W, 3)`` array.

    Goes through ``QVideoFrame.toImage()`` and ``QImage.Format_RGB888``, honouring the
    padded row length (``bytesPerLine``). Returns None for an invalid or empty frame.
    """
    if frame is None or not frame.isValid():
        return None
    image = frame.toImage()
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return None
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    height, width, row_bytes = image.height(), image.width(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=row_bytes * height).reshape(height, row_bytes)
    rgb = np.array(rows[:, : width * 3].reshape(height, width, 3), dtype=np.uint8, order="C", copy=True)
    rgb.setflags(write=False)
    return rgb


def _check_resolution(resolution: tuple[int, int]) -> tuple[int, int]:
    try:
        width, height = (int(side) for side in resolution)
    except (TypeError, ValueError):
        raise ValueError(f"resolution must be a (width, height) pair of integers, got {resolution!r}") from None
    if width < 1 or height < 1:
        raise ValueError(f"resolution must have width, height >= 1, got {resolution!r}")
    return width, height


class MediaSource(QObject):
    """Base of the Qt sources: a video sink, frame conversion, latest-frame delivery, counters."""

    frame_ready = Signal(object)
    error_occurred = Signal(str)
    state_changed = Signal(str)

    live = True
    interval_ms = None

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.state = "stopped"
        self.frames_decoded = 0
        self.frames_dropped = 0
        self._sink = QVideoSink(self)
        self._waiting: tuple[QVideoFrame, float] | None = None
        self._last_frame: Frame | None = None
        self._next_index = 0
        self._closed = False
        self._delivery = QTimer(self, singleShot=True, interval=0)
        self._delivery.timeout.connect(self._deliver_waiting)
        # Auto connection: a sink emitting from a media thread is queued to this object's (main)
        # thread, so no Python runs on media threads (a direct connection there can deadlock
        # QMediaPlayer.stop(), which waits for that thread while holding the GIL).
        self._sink.videoFrameChanged.connect(self._on_sink_frame)

    @property
    def sink(self) -> QVideoSink:
        """The ``QVideoSink`` frames arrive through (any thread may feed it)."""
        return self._sink

    def read(self) -> Frame | None:
        """Return the last frame delivered (it stays after errors and after close), or None."""
        return self._last_frame

    def close(self) -> None:
        """Stop delivering frames; the last frame stays readable."""
        if self._closed:
            return
        self._closed = True
        self._sink.videoFrameChanged.disconnect(self._on_sink_frame)
        self._delivery.stop()
        self._waiting = None
        self._set_state("stopped")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _on_sink_frame(self, video_frame: QVideoFrame) -> None:
        """Keep only the newest frame; convert it once the queued frames are all in (zero timer)."""
        if self._closed or not video_frame.isValid():
            return
        self.frames_decoded += 1
        if self._waiting is not None:
            self.frames_dropped += 1
        self._waiting = (video_frame, time.perf_counter())
        if not self._delivery.isActive():
            self._delivery.start()

    def _deliver_waiting(self) -> None:
        waiting, self._waiting = self._waiting, None
        if waiting is None or self._closed:
            return
        image = video_frame_to_rgb(waiting[0])
        if image is None:
            return
        frame = Frame(image, self._next_index, waiting[1])
        self._next_index += 1
        self._last_frame = frame
        self.frame_ready.emit(frame)


class CameraSource(MediaSource):
    """A camera as a push source (or, for tests, a ``QVideoFrameInput`` feeding the same sink).

    Parameters
    ----------
    device_id : bytes or None
        Which camera (``CameraInfo.id``); None picks the system default.
    resolution : (int, int) or None
        Wanted ``(width, height)``; the closest format the camera offers is used.
    frame_input : QVideoFrameInput or None
        When given, the capture session takes frames from it instead of a camera.
    """

    def __init__(self, device_id: bytes | None = None, resolution: tuple[int, int] | None = None,
                 frame_input: QVideoFrameInput | None = None, parent: QObject | None = None) -> None:
        super().__init__("camera", parent)
        self._device_id = None if device_id is None else bytes(device_id)
        self._resolution = None if resolution is None else _check_resolution(resolution)
        self._frame_input = frame_input
        self._camera: QCamera | None = None
        self._active_id: bytes | None = None
        self._lost_id: bytes | None = None
        self._session = QMediaCaptureSession(self)
        self._session.setVideoSink(self._sink)
        if frame_input is not None:
            self._session.setVideoFrameInput(frame_input)
        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self._on_video_inputs_changed)

    def start(self) -> None:
        """Start the camera; without one, emit ``error_occurred`` (never raises)."""
        if self._closed:
            return
        if self._frame_input is not None:
            self._set_state("running")
            return
        device = self._find_device()
        if device is None:
            self._set_state("no camera")
            self.error_occurred.emit(
                "No camera found. Connect a camera, or open an image or a video file instead."
                if self._device_id is None else f"The camera {self._device_id.decode(errors='replace')!r} "
                "is not connected. Connect it, or choose another camera.")
            return
        self._attach_camera(QCamera(device, self), bytes(device.id()), device.description())

    def _attach_camera(self, camera: QCamera, device_id: bytes, description: str) -> None:
        """Route ``camera`` into the capture session and start it (or report why it cannot start)."""
        self._release_camera()
        if camera.error() != QCamera.Error.NoError:  # failed while opening, before we could listen
            self._on_camera_error(camera.error(), camera.errorString())
            camera.deleteLater()
            return
        camera.errorOccurred.connect(self._on_camera_error)
        self._session.setCamera(camera)
        self._camera, self._active_id, self._lost_id = camera, device_id, None
        self.name = description or "camera"
        if self._resolution is not None:
            self._apply_resolution()
        self._set_state("running")
        camera.start()

    def stop(self) -> None:
        """Stop the camera; the last frame stays."""
        self._release_camera()
        self._set_state("stopped")

    def set_resolution(self, resolution: tuple[int, int]) -> tuple[int, int] | None:
        """Ask for ``(width, height)``; returns the closest resolution the camera offers, if running."""
        self._resolution = _check_resolution(resolution)
        return self._apply_resolution()

    def close(self) -> None:
        """Release the camera (or the frame input); the last frame stays readable."""
        self._release_camera()
        if self._frame_input is not None:
            self._session.setVideoFrameInput(None)
        super().close()

    def _find_device(self) -> QCameraDevice | None:
        devices = QMediaDevices.videoInputs()
        wanted = self._device_id if self._device_id is not None else self._lost_id
        for device in devices:
            if wanted is not None and bytes(device.id()) == wanted:
                return device
        if self._device_id is not None or not devices:
            return None
        return QMediaDevices.defaultVideoInput()

    def _apply_resolution(self) -> tuple[int, int] | None:
        if self._camera is None or self._resolution is None:
            return None
        formats = self._camera.cameraDevice().videoFormats()
        sizes = [(f.resolution().width(), f.resolution().height()) for f in formats]
        best = closest_resolution(sizes, self._resolution)
        if best is None:
            return None
        matching = [f for f, size in zip(formats, sizes) if size == best]
        self._camera.setCameraFormat(max(matching, key=lambda f: f.maxFrameRate()))
        return best

    def _release_camera(self) -> None:
        camera, self._camera, self._active_id = self._camera, None, None
        if camera is not None:
            camera.errorOccurred.disconnect(self._on_camera_error)
            camera.stop()
            self._session.setCamera(None)
            camera.deleteLater()

    def _on_camera_error(self, error: QCamera.Error, message: str) -> None:
        if error == QCamera.Error.NoError:
            return
        self._set_state("error")
        self.error_occurred.emit(f"Camera error: {message or 'the camera stopped working'}. "
                                 "The last frame stays on screen.")

    def _on_video_inputs_changed(self) -> None:
        present = {bytes(device.id()) for device in QMediaDevices.videoInputs()}
        if self._active_id is not None and self._active_id not in present:
            lost_name, self._lost_id = self.name, self._active_id
            self._release_camera()
            self._set_state("disconnected")
            self.error_occurred.emit(f"The camera '{lost_name}' was disconnected. The last frame stays "
                                     "on screen; reconnect it and start the camera again.")
        elif self._lost_id is not None and self._lost_id in present:
            self._set_state("stopped")  # the camera is back: start() works again
