"""Fixtures for the Qt media sources: tiny lossless H.264 videos written with PyAV."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

VIDEO_SIZE = (48, 64)  # (height, width)
VIDEO_FRAMES = 20


def brightness_of(index: int) -> int:
    """Gray level of frame ``index`` in the test video: the index is encoded in the brightness."""
    return 10 + 12 * index


def index_of(image: np.ndarray) -> int:
    """Recover the frame index from a decoded frame's mean brightness."""
    return int(round((float(image.mean()) - 10) / 12))


def write_test_video(path: Path, frames: int = VIDEO_FRAMES, fps: int = 30) -> Path:
    av = pytest.importorskip("av")
    height, width = VIDEO_SIZE
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "0", "preset": "ultrafast", "tune": "zerolatency"}
        for index in range(frames):
            image = np.full((height, width, 3), brightness_of(index), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@dataclass(frozen=True)
class TestVideo:
    """A video written for a test, with the decoder of its brightness-encoded frame index."""

    path: Path
    frames: int
    index_of: Callable[[np.ndarray], int]


@pytest.fixture
def test_video(tmp_path) -> TestVideo:
    """A 64x48, 20-frame, 30 fps H.264 MP4 whose frame ``i`` has brightness ``10 + 12 i``."""
    return TestVideo(write_test_video(tmp_path / "ramp video.mp4"), VIDEO_FRAMES, index_of)
