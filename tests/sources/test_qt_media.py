"""Qt camera and video sources, driven by real QtMultimedia objects (no camera exists here)."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

pytest.importorskip("PySide6.QtMultimedia")
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtMultimedia import QCamera, QCameraDevice, QVideoFrame, QVideoFrameInput  # noqa: E402

from convlab.sources.base import Frame, FrameSource  # noqa: E402
from convlab.sources.qt_media import (  # noqa: E402
    CameraInfo,
    CameraSource,
    available_cameras,
    closest_resolution,
    video_frame_to_rgb,
)
from convlab.sources.qt_video import VideoFileSource  # noqa: E402

TIMEOUT_MS = 5000


def _video_frame(rgb: np.ndarray) -> QVideoFrame:
    height, width, _ = rgb.shape
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    return QVideoFrame(image)


def _marked_picture(height: int = 47, width: int = 61) -> np.ndarray:
    """Random colours (odd width, so rows are padded in Qt) with a red square at the top left."""
    rgb = np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)
    rgb[:10, :10] = (255, 0, 0)
    return rgb


# ---------------------------------------------------------------- conversion and helpers


def test_video_frame_to_rgb_is_exact_and_honours_padded_rows(qapp):
    rgb = _marked_picture()
    converted = video_frame_to_rgb(_video_frame(rgb))
    assert converted.shape == rgb.shape and converted.flags.c_contiguous
    np.testing.assert_array_equal(converted, rgb)
    assert video_frame_to_rgb(QVideoFrame()) is None


def test_closest_resolution():
    sizes = [(320, 240), (640, 480), (1280, 720), (1920, 1080)]
    assert closest_resolution(sizes, (640, 480)) == (640, 480)
    assert closest_resolution(sizes, (800, 600)) == (640, 480)
    assert closest_resolution(sizes, (1500, 850)) == (1280, 720)
    assert closest_resolution(sizes, (1700, 950)) == (1920, 1080)
    assert closest_resolution([], (640, 480)) is None
    with pytest.raises(ValueError, match="resolution"):
        closest_resolution(sizes, (0, 480))


def test_available_cameras_is_a_list_of_camera_info(qapp):
    cameras = available_cameras()
    assert isinstance(cameras, list) and all(isinstance(c, CameraInfo) for c in cameras)


# ---------------------------------------------------------------- camera (fed by QVideoFrameInput)


@pytest.fixture
def fed_camera(qtbot):
    frame_input = QVideoFrameInput()
    source = CameraSource(frame_input=frame_input)
    yield source, frame_input
    source.close()


def test_camera_frames_arrive_exactly_with_orientation_and_colour_order(fed_camera, qtbot):
    source, frame_input = fed_camera
    assert isinstance(source, FrameSource) and source.live and source.interval_ms is None
    with qtbot.waitSignal(source.state_changed, timeout=TIMEOUT_MS):
        source.start()
    sent = _marked_picture()
    for index in range(3):
        picture = np.roll(sent, index, axis=1)
        before = time.perf_counter()
        with qtbot.waitSignal(source.frame_ready, timeout=TIMEOUT_MS) as blocker:
            assert frame_input.sendVideoFrame(_video_frame(picture))
        frame = blocker.args[0]
        assert isinstance(frame, Frame) and frame.index == index
        assert before <= frame.timestamp <= time.perf_counter()
        np.testing.assert_array_equal(frame.image, picture)
    assert source.read() is frame
    assert (frame.image[3:8, 3:8] == (255, 0, 0)).all()  # red stays red, top left stays top left
    assert source.frames_decoded == 3


def test_frames_from_a_media_thread_reach_receivers_on_the_main_thread(fed_camera, qtbot):
    source, _ = fed_camera
    receivers = []
    source.frame_ready.connect(lambda frame: receivers.append((threading.current_thread(), frame)))
    pictures = [np.full((8, 12, 3), 40 * k, np.uint8) for k in range(4)]

    def media_thread():  # a sink fed outside the main thread, as a camera backend may do
        for picture in pictures:
            source.sink.setVideoFrame(_video_frame(picture))

    worker = threading.Thread(target=media_thread)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(receivers) >= 1, timeout=TIMEOUT_MS)
    assert all(thread is threading.main_thread() for thread, _ in receivers)
    # Only the newest frame waits for the main thread; the ones it replaced were dropped.
    assert source.frames_decoded == 4
    assert source.frames_dropped == 4 - len(receivers)
    np.testing.assert_array_equal(receivers[-1][1].image, pictures[-1])


def test_no_camera_start_reports_an_error_and_does_not_raise(qtbot):
    source = CameraSource()
    with qtbot.waitSignal(source.error_occurred, timeout=TIMEOUT_MS) as blocker:
        source.start()
    assert "No camera found" in blocker.args[0]
    assert source.state == "no camera" and source.read() is None
    source.close()


def test_a_missing_chosen_camera_is_named(qtbot):
    source = CameraSource(device_id=b"usb-cam-7")
    with qtbot.waitSignal(source.error_occurred, timeout=TIMEOUT_MS) as blocker:
        source.start()
    assert "usb-cam-7" in blocker.args[0] and "not connected" in blocker.args[0]
    source.close()


def test_camera_error_and_unplugging_keep_the_last_frame(fed_camera, qtbot):
    source, frame_input = fed_camera
    source.start()
    with qtbot.waitSignal(source.frame_ready, timeout=TIMEOUT_MS):
        frame_input.sendVideoFrame(_video_frame(_marked_picture()))
    last = source.read()
    # No camera exists here; a QCamera on a null device is a real camera object that failed
    # while opening, as one unplugged between listing and opening does ("No camera detected").
    with qtbot.waitSignal(source.error_occurred, timeout=TIMEOUT_MS) as blocker:
        source._attach_camera(QCamera(QCameraDevice(), source), b"ghost-camera", "Ghost camera")
    assert blocker.args[0].startswith("Camera error: No camera detected") and source.state == "error"
    assert source.read() is last
    # Unplugging cannot be staged at the device level: mark a device as the running one, then
    # let Qt's "video inputs changed" handler find it missing from the real (empty) device list.
    source._active_id, source.name = b"usb-camera-1", "USB camera"
    with qtbot.waitSignal(source.error_occurred, timeout=TIMEOUT_MS) as blocker:
        source._on_video_inputs_changed()
    assert "'USB camera' was disconnected" in blocker.args[0]
    assert source.state == "disconnected" and source.read() is last


def test_camera_resolution_is_validated(qapp):
    with pytest.raises(ValueError, match="resolution"):
        CameraSource(resolution=(640,))
    source = CameraSource(resolution=(640, 480))
    assert source.set_resolution((320, 240)) is None  # no camera running: nothing to apply
    source.close()


# ---------------------------------------------------------------- video file


@pytest.fixture
def video_source(test_video, qtbot):
    source = VideoFileSource(test_video.path)
    yield source
    source.close()


def _collect(source: VideoFileSource, index_of) -> list[int]:
    """Record the video frame index (decoded from brightness) of every frame delivered."""
    indices: list[int] = []
    source.frame_ready.connect(lambda frame: indices.append(index_of(frame.image)))
    return indices


def test_video_frames_arrive_in_order_and_loop(video_source, test_video, qtbot):
    indices = _collect(video_source, test_video.index_of)
    video_source.set_playback_rate(4.0)
    with qtbot.waitSignal(video_source.state_changed, timeout=TIMEOUT_MS) as blocker:
        video_source.play()
    assert blocker.args == ["playing"] and video_source.is_playing()
    qtbot.waitUntil(lambda: len(indices) >= test_video.frames + 5, timeout=TIMEOUT_MS)
    wrap = next(k for k in range(1, len(indices)) if indices[k] < indices[k - 1])
    first_pass = indices[:wrap]
    # In order; on a loaded machine the newest-frame rule may drop a frame, and says so.
    assert first_pass == sorted(set(first_pass)) and set(first_pass) <= set(range(test_video.frames))
    assert len(first_pass) >= test_video.frames - video_source.frames_dropped
    assert indices[wrap] <= 1 and indices[wrap:wrap + 5] == sorted(indices[wrap:wrap + 5])
    frame = video_source.read()
    assert frame.image.shape == (48, 64, 3) and frame.image.dtype == np.uint8
    assert video_source.frames_decoded >= len(indices)


def test_video_pauses_and_resumes(video_source, test_video, qtbot):
    indices = _collect(video_source, test_video.index_of)
    video_source.play()
    qtbot.waitUntil(lambda: len(indices) >= 3, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(video_source.state_changed, timeout=TIMEOUT_MS) as blocker:
        video_source.toggle_play()
    assert blocker.args == ["paused"] and not video_source.is_playing()
    with qtbot.assertNotEmitted(video_source.frame_ready, wait=300):
        pass
    count = len(indices)
    video_source.toggle_play()
    qtbot.waitUntil(lambda: len(indices) >= count + 3, timeout=TIMEOUT_MS)
    assert indices == sorted(indices)  # resumed where it paused, no rewind


def test_video_without_loop_ends(test_video, qtbot):
    source = VideoFileSource(test_video.path, loop=False)
    indices = _collect(source, test_video.index_of)
    source.set_playback_rate(4.0)
    with qtbot.waitSignal(source.state_changed, timeout=TIMEOUT_MS, check_params_cb=lambda s: s == "ended"):
        source.play()
    # in order, from the first frame to the last, with no rewind; a loaded machine may let the decoder
    # skip a frame at 4x speed, so the count is not asserted exactly
    assert indices[0] == 0 and indices[-1] == test_video.frames - 1
    assert indices == sorted(set(indices)) and len(indices) >= test_video.frames // 2
    assert source.read() is not None  # the last frame stays
    source.close()


@pytest.mark.parametrize("content", [None, b"", b"this is not a video\n" * 50], ids=["missing", "empty", "corrupt"])
def test_unplayable_video_reports_an_error_naming_the_file(tmp_path, qtbot, content):
    path = tmp_path / "holiday clip.mp4"
    if content is not None:
        path.write_bytes(content)
    source = VideoFileSource(path)
    with qtbot.waitSignal(source.error_occurred, timeout=TIMEOUT_MS) as blocker:
        source.play()
    assert "holiday clip.mp4" in blocker.args[0]
    assert source.read() is None
    source.close()


def test_playback_rate_is_validated(video_source):
    for rate in (0, -1, 100, float("nan"), "fast"):
        with pytest.raises(ValueError, match="rate"):
            video_source.set_playback_rate(rate)


def test_closed_video_delivers_nothing_more(video_source, test_video, qtbot):
    indices = _collect(video_source, test_video.index_of)
    video_source.play()
    qtbot.waitUntil(lambda: len(indices) >= 2, timeout=TIMEOUT_MS)
    last = video_source.read()
    video_source.close()
    with qtbot.assertNotEmitted(video_source.frame_ready, wait=200):
        pass
    assert video_source.read() is last and not video_source.is_playing()
