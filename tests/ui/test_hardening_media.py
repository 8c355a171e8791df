"""Hardening, camera and video faults: no device, a video corrupt halfway, a broken file, a video that ends.
Each gives a message, the last frame stays on screen, nothing escapes into Qt, nothing hangs."""
import faulthandler

import pytest
from hardening_corpus import write_video

from convlab.ui.main_window import MainWindow

av = pytest.importorskip("av")


@pytest.fixture(autouse=True)
def watchdog():
    faulthandler.dump_traceback_later(180, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def window(qtbot, capfd):
    w = MainWindow(settings=None, synchronous=True)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    w.open_spec("sample:checkerboard")
    qtbot.waitUntil(lambda: w.current_panel().frames_displayed() >= 1, timeout=10000)
    yield w
    w.sources.close()
    assert "Traceback" not in capfd.readouterr().err


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("videos")
    write_video(folder / "whole.mp4", frames=60)
    data = (folder / "whole.mp4").read_bytes()
    (folder / "cut-halfway.mp4").write_bytes(data[: len(data) // 2])  # index first: plays, then fails
    write_video(folder / "index-last.mp4", frames=30, faststart=False)
    data = (folder / "index-last.mp4").read_bytes()
    (folder / "index-lost.mp4").write_bytes(data[: len(data) // 2])  # index at the end, cut off
    (folder / "noise.mp4").write_bytes(bytes(range(256)) * 20)
    (folder / "empty.mp4").write_bytes(b"")
    return folder


def test_no_camera_keeps_the_current_source(window):
    last = window.sources.last_frame
    assert not window.open_spec("camera:0")
    assert "No camera found" in window.source_bar.banner.text()
    assert not window.open_spec("camera:7")
    assert window.sources.spec == "sample:checkerboard" and window.sources.last_frame is last
    window.source_bar.refresh_cameras()
    assert [a.text() for a in window.source_bar.camera_menu.actions()] == ["No camera found"]


def test_a_camera_that_is_not_there_reports_instead_of_raising(window, qtbot):
    from convlab.sources.qt_media import CameraSource

    last = window.sources.last_frame
    window.sources.set_source(CameraSource(b"/dev/video-gone"), "camera:gone")
    qtbot.waitUntil(lambda: "is not connected" in window.source_bar.banner.text(), timeout=3000)
    assert window.sources.last_frame is last and window.current_panel().frames_displayed() >= 1


def test_video_corrupt_halfway_keeps_its_last_frame(window, qtbot, videos):
    panel = window.current_panel()
    shown = panel.frames_displayed()
    assert window.open_spec(str(videos / "cut-halfway.mp4"))
    qtbot.waitUntil(lambda: panel.frames_displayed() >= shown + 3, timeout=15000)
    qtbot.waitUntil(lambda: "corrupt" in window.source_bar.banner.text(), timeout=20000)
    assert window.sources.source.state == "error"
    qtbot.wait(300)  # the player may go on looping the readable half; either way a good frame is shown
    last = window.sources.last_frame
    assert last is not None and last.image.shape == (120, 160, 3) and window.sources.source.read() is last
    assert panel.last_result.job.frame.image.shape == (120, 160, 3)
    assert "corrupt" in window.source_bar.banner.text()


@pytest.mark.parametrize("name, words", [("index-lost.mp4", "corrupt"), ("noise.mp4", "corrupt"),
                                         ("empty.mp4", "empty")])
def test_broken_video_files_give_a_message(window, qtbot, videos, name, words):
    last = window.sources.last_frame
    window.open_spec(str(videos / name))
    qtbot.waitUntil(lambda: words in window.source_bar.banner.text(), timeout=15000)
    assert name in window.source_bar.banner.text()
    assert window.sources.last_frame is last  # nothing decoded: the previous picture stays
    assert window.current_panel().last_result.job.frame is last


def test_a_video_that_ends_says_so_and_plays_again_with_p(window, qtbot, videos):
    from convlab.sources.qt_video import VideoFileSource

    source = VideoFileSource(videos / "whole.mp4", loop=False)
    source.set_playback_rate(4)
    window.sources.set_source(source, f"video:{videos / 'whole.mp4'}")
    qtbot.waitUntil(lambda: "video ended" in window.source_bar.banner.text(), timeout=20000)
    assert source.state == "ended" and window.sources.last_frame is not None
    decoded = source.frames_decoded
    window._toggle_play()  # the P key
    qtbot.waitUntil(lambda: source.frames_decoded > decoded + 5, timeout=10000)
