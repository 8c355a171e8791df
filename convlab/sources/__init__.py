"""Where frames come from: still images, built-in samples, synthetic scenes, video files and cameras.

The Qt-based camera and video sources live in :mod:`convlab.sources.qt_media` and
:mod:`convlab.sources.qt_video` and are not imported here, so the rest of this package works
without Qt.
"""
from convlab.sources.base import Frame, FrameSource
from convlab.sources.samples import DEFAULT_SAMPLE, SAMPLE_NAMES, open_sample
from convlab.sources.still import ImageSource
from convlab.sources.synthetic import MovingShapesSource, checkerboard_scene, edges_scene, text_scene

__all__ = [
    "DEFAULT_SAMPLE",
    "SAMPLE_NAMES",
    "Frame",
    "FrameSource",
    "ImageSource",
    "MovingShapesSource",
    "checkerboard_scene",
    "edges_scene",
    "open_sample",
    "text_scene",
]
