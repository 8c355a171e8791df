"""The command line: --help, --screenshot on an image, a video and a sample, and bad sources."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def run_main(*args, timeout=120, unset=()):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for name in unset:
        env.pop(name, None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT, stdin=subprocess.DEVNULL)


def assert_real_screenshot(path):
    pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32)
    assert pixels.shape[0] > 400 and pixels.shape[1] > 600
    assert pixels.std() > 20, "the screenshot is blank"
    assert (pixels.sum(axis=2) < 150).mean() > 0.001, "no dark text pixels"


def test_help_documents_every_option():
    out = run_main("--help")
    assert out.returncode == 0
    for option in ("--panel", "--source", "--screenshot", "--frames", "--timeout", "--size", "--no-settings"):
        assert option in out.stdout


def test_screenshot_of_a_sample(tmp_path):
    shot = tmp_path / "features.png"
    out = run_main("--panel", "features", "--source", "sample:checkerboard", "--screenshot", str(shot),
                   "--size", "1280x800")
    assert out.returncode == 0, out.stderr
    assert Image.open(shot).size == (1280, 800)
    assert_real_screenshot(shot)


def test_screenshot_of_a_video(tmp_path):
    av = pytest.importorskip("av")
    video = tmp_path / "clip.mp4"
    rng = np.random.default_rng(0)
    with av.open(str(video), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for i in range(30):
            img = np.roll((rng.random((120, 160, 3)) > 0.5).astype(np.uint8) * 255, i, axis=1)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        container.mux(stream.encode(None))
    shot = tmp_path / "video.png"
    out = run_main("--source", str(video), "--screenshot", str(shot), "--frames", "5")
    assert out.returncode == 0, out.stderr
    assert "5 frames" in out.stdout or "frames displayed" in out.stdout
    assert_real_screenshot(shot)


@pytest.mark.parametrize("content", [None, b"", b"not an image at all"])
def test_bad_source_exits_with_a_clear_message(tmp_path, content):
    path = tmp_path / "broken.png"
    if content is not None:
        path.write_bytes(content)
    shot = tmp_path / "never.png"
    out = run_main("--source", str(path), "--screenshot", str(shot))
    assert out.returncode == 2
    assert "broken.png" in out.stderr and "Traceback" not in out.stderr
    assert not shot.exists()


def test_start_up_without_a_source_prints_no_qt_multimedia_chatter(tmp_path):
    """Probing for a camera loads Qt Multimedia, which lists every optional library it misses
    (PipeWire, VA-API) and its FFmpeg version: convlab silences those, so a user sees only its own line."""
    shot = tmp_path / "start.png"
    out = run_main("--no-settings", "--screenshot", str(shot), unset=["QT_LOGGING_RULES"])  # the test's own rules
    assert out.returncode == 0, out.stderr
    assert "symbolsresolver" not in out.stderr and "FFmpeg version" not in out.stderr, out.stderr
    assert_real_screenshot(shot)
