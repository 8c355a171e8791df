"""ImageSource: a still picture behind the FrameSource protocol."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from convlab.io.images import ImageReadError
from convlab.sources.base import Frame, FrameSource, as_rgb_frame_image
from convlab.sources.still import ImageSource


def test_still_returns_the_same_read_only_frame():
    rgb = np.random.default_rng(0).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    source = ImageSource(rgb, "noise")
    first, second = source.read(), source.read()
    assert isinstance(source, FrameSource) and isinstance(first, Frame)
    assert first is second and first.index == 0
    np.testing.assert_array_equal(first.image, rgb)
    rgb[0, 0] = 1 - rgb[0, 0]  # the caller's array changing does not change the frame
    assert first.image[0, 0, 0] != rgb[0, 0, 0]
    with pytest.raises(ValueError):
        first.image[0, 0, 0] = 0
    assert source.live is False and source.interval_ms is None
    source.close()
    assert source.read() is first


def test_grayscale_is_repeated_on_three_channels():
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    image = ImageSource(gray, "ramp").read().image
    assert image.shape == (3, 4, 3) and (image == gray[:, :, None]).all()


@pytest.mark.parametrize(
    "image, error",
    [(np.zeros((3, 4, 3), np.float64), TypeError), (np.zeros((3, 4, 4), np.uint8), ValueError),
     (np.zeros((0, 4, 3), np.uint8), ValueError), ("picture", TypeError)],
)
def test_bad_images_are_refused(image, error):
    with pytest.raises(error, match="image"):
        ImageSource(image, "bad")


def test_name_is_required():
    with pytest.raises(ValueError, match="name"):
        ImageSource(np.zeros((2, 2, 3), np.uint8), "")


def test_from_file_uses_read_image_and_exposes_the_note(tmp_path):
    path = tmp_path / "wide.png"
    Image.new("RGB", (300, 150), (10, 20, 30)).save(path)
    source = ImageSource.from_file(path, max_side=100)
    assert source.name == "wide.png" and source.path == path
    assert source.read().image.shape == (50, 100, 3)
    assert source.note == "downscaled from 300x150 to 100x50 for display"
    with pytest.raises(ImageReadError, match="missing.png"):
        ImageSource.from_file(tmp_path / "missing.png")


def test_as_rgb_frame_image_copies_into_c_order():
    fortran = np.asfortranarray(np.zeros((4, 5, 3), np.uint8))
    out = as_rgb_frame_image(fortran)
    assert out.flags.c_contiguous and not out.flags.writeable
