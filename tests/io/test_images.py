"""read_image / write_png over a corpus of files generated in tmp_path."""
from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile, JpegImagePlugin

from convlab.io import images
from convlab.io.images import (
    SUPPORTED_EXTENSIONS,
    ImageReadError,
    image_file_filter,
    read_image,
    write_png,
)


def _rng():
    return np.random.default_rng(0)


def _save(path: Path, picture: Image.Image, **options) -> Path:
    picture.save(path, **options)
    return path


def _assert_rgb(array: np.ndarray, shape: tuple[int, int]) -> None:
    assert array.shape == (*shape, 3)
    assert array.dtype == np.uint8
    assert array.flags.c_contiguous


# ---------------------------------------------------------------- modes


def test_rgb_png_round_trips_exactly(tmp_path):
    rgb = _rng().integers(0, 256, (30, 40, 3), dtype=np.uint8)
    loaded = read_image(_save(tmp_path / "rgb.png", Image.fromarray(rgb)))
    _assert_rgb(loaded.image, (30, 40))
    np.testing.assert_array_equal(loaded.image, rgb)
    assert loaded.original_size == (40, 30)
    assert not loaded.downscaled and loaded.note == ""


def test_grayscale_repeats_on_three_channels(tmp_path):
    gray = _rng().integers(0, 256, (17, 9), dtype=np.uint8)
    loaded = read_image(_save(tmp_path / "gray.png", Image.fromarray(gray)))
    _assert_rgb(loaded.image, (17, 9))
    for channel in range(3):
        np.testing.assert_array_equal(loaded.image[:, :, channel], gray)


def test_one_bit_image_maps_to_black_and_white(tmp_path):
    bits = (np.indices((8, 12)).sum(axis=0) % 2).astype(bool)
    loaded = read_image(_save(tmp_path / "bits.png", Image.fromarray(bits)))
    np.testing.assert_array_equal(loaded.image[:, :, 0], np.where(bits, 255, 0))


def test_palette_image_gives_palette_colours(tmp_path):
    palette = Image.new("P", (6, 4))
    palette.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * (256 * 3 - 9))
    index = np.array([[0, 1, 2, 0, 1, 2]] * 4, dtype=np.uint8)
    palette.putdata(index.ravel().tolist())
    loaded = read_image(_save(tmp_path / "palette.png", palette))
    lut = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], dtype=np.uint8)
    np.testing.assert_array_equal(loaded.image, lut[index])


def test_palette_transparency_is_composited_on_white(tmp_path):
    palette = Image.new("P", (4, 2))
    palette.putpalette([10, 20, 30, 200, 100, 50] + [0] * (256 * 3 - 6))
    palette.putdata([0, 1, 0, 1, 1, 1, 0, 0])
    loaded = read_image(_save(tmp_path / "gif_like.png", palette, transparency=0))
    lut = np.array([[255, 255, 255], [200, 100, 50]], dtype=np.uint8)
    expected = lut[np.array([[0, 1, 0, 1], [1, 1, 0, 0]])]
    np.testing.assert_array_equal(loaded.image, expected)
    assert "white" in loaded.note


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_alpha_is_composited_on_white(tmp_path, mode):
    colour = np.array([200, 40, 90], dtype=np.float64) if mode == "RGBA" else np.array([70.0, 70.0, 70.0])
    alpha = np.array([0, 64, 128, 255], dtype=np.float64)
    pixels = np.zeros((1, 4, 4), dtype=np.uint8)
    pixels[..., :3], pixels[..., 3] = colour.astype(np.uint8), alpha.astype(np.uint8)
    picture = Image.fromarray(pixels, "RGBA")
    if mode == "LA":
        picture = picture.convert("LA")
    loaded = read_image(_save(tmp_path / f"{mode}.png", picture))
    expected = colour[None, :] * (alpha[:, None] / 255) + 255 * (1 - alpha[:, None] / 255)
    np.testing.assert_allclose(loaded.image[0].astype(float), expected, atol=1.01)


def test_cmyk_converts_to_rgb(tmp_path):
    cmyk = Image.new("CMYK", (3, 1))
    cmyk.putdata([(0, 255, 255, 0), (0, 0, 0, 0), (0, 0, 0, 255)])  # red, white, black
    loaded = read_image(_save(tmp_path / "cmyk.tif", cmyk))
    np.testing.assert_array_equal(loaded.image[0], [[255, 0, 0], [255, 255, 255], [0, 0, 0]])


def test_16_bit_ramp_maps_to_full_8_bit_range(tmp_path):
    ramp = np.arange(65536, dtype=np.uint16).reshape(256, 256)
    loaded = read_image(_save(tmp_path / "ramp16.png", Image.fromarray(ramp)))
    expected = np.rint(ramp / 65535.0 * 255.0)
    np.testing.assert_allclose(loaded.image[:, :, 0], expected, atol=1)
    assert loaded.image.min() == 0 and loaded.image.max() == 255
    assert "16-bit" in loaded.note


def test_12_bit_data_in_16_bit_file_is_stretched_not_truncated(tmp_path):
    ramp = (np.arange(4096, dtype=np.uint16) % 4096).reshape(64, 64)
    loaded = read_image(_save(tmp_path / "ramp12.png", Image.fromarray(ramp)))
    gray = loaded.image[:, :, 0]
    assert gray.min() == 0 and gray.max() == 255
    np.testing.assert_allclose(gray, np.rint(ramp / 4095.0 * 255.0), atol=1)
    # Truncation (ramp & 0xFF) or a plain shift (ramp >> 8, max 15) would both fail here.
    assert len(np.unique(gray)) == 256


def test_32_bit_integer_with_negative_values(tmp_path):
    values = np.linspace(-1000, 1000, 60, dtype=np.int32).reshape(6, 10)
    loaded = read_image(_save(tmp_path / "int32.tif", Image.fromarray(values)))
    np.testing.assert_allclose(loaded.image[:, :, 0], np.rint((values + 1000) / 2000 * 255), atol=1)


def test_float_image_with_nan_is_stretched_and_nan_is_black(tmp_path):
    values = np.linspace(-0.5, 2.0, 40, dtype=np.float32).reshape(5, 8)
    values[0, 0] = np.nan
    loaded = read_image(_save(tmp_path / "float.tif", Image.fromarray(values)))
    finite = np.isfinite(values)
    low, high = values[finite].min(), values[finite].max()
    expected = np.rint((values - low) / (high - low) * 255)
    np.testing.assert_allclose(loaded.image[:, :, 0][finite], expected[finite], atol=1)
    assert loaded.image[0, 0, 0] == 0


def test_one_by_one_pixel(tmp_path):
    loaded = read_image(_save(tmp_path / "dot.png", Image.new("RGB", (1, 1), (1, 2, 3))))
    np.testing.assert_array_equal(loaded.image, [[[1, 2, 3]]])


def test_exif_orientation_is_applied(tmp_path):
    stored = np.zeros((20, 40, 3), dtype=np.uint8)
    stored[:, :20] = (255, 0, 0)  # left half red
    stored[:, 20:] = (0, 0, 255)  # right half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    path = _save(tmp_path / "rotated.jpg", Image.fromarray(stored), quality=95, exif=exif)
    with Image.open(path) as raw:
        decoded = np.asarray(raw.convert("RGB"))
    loaded = read_image(path)
    np.testing.assert_array_equal(loaded.image, np.rot90(decoded, k=-1))
    assert loaded.original_size == (20, 40)
    assert loaded.image[2, 10, 0] > 200 and loaded.image[2, 10, 2] < 60  # red is now on top
    assert loaded.image[-3, 10, 2] > 200  # blue at the bottom


def test_non_ascii_path(tmp_path):
    folder = tmp_path / "Bilder ü 日本"
    folder.mkdir()
    path = _save(folder / "straße 写真.png", Image.new("RGB", (5, 3), (9, 8, 7)))
    assert read_image(path).image[0, 0].tolist() == [9, 8, 7]
    assert read_image(str(path)).path == path


@pytest.mark.parametrize("extension", SUPPORTED_EXTENSIONS)
def test_every_supported_extension_reads(tmp_path, extension):
    rgb = np.zeros((6, 8, 3), dtype=np.uint8)
    rgb[:3] = 255
    picture = Image.fromarray(rgb)
    if extension == ".pbm":
        picture = picture.convert("1")
    elif extension == ".pgm":
        picture = picture.convert("L")
    options = {"format": "JPEG"} if extension in (".jpe", ".jfif") else {}
    loaded = read_image(_save(tmp_path / f"picture{extension}", picture, **options))
    np.testing.assert_allclose(loaded.image.astype(int), rgb, atol=40)  # JPEG/WebP are lossy


# ---------------------------------------------------------------- downscaling


def _gradient(height: int, width: int) -> np.ndarray:
    rows, cols = np.mgrid[0:height, 0:width]
    return np.stack([rows * 255 // height, cols * 255 // width, (rows + cols) * 127 // (height + width)],
                    axis=2).astype(np.uint8)


def test_large_png_is_downscaled_with_a_note(tmp_path):
    path = _save(tmp_path / "wide.png", Image.fromarray(_gradient(300, 400)))
    loaded = read_image(path, max_side=100)
    _assert_rgb(loaded.image, (75, 100))
    assert loaded.downscaled and loaded.original_size == (400, 300)
    assert loaded.note == "downscaled from 400x300 to 100x75 for display"
    block_means = _gradient(300, 400).reshape(75, 4, 100, 4, 3).mean(axis=(1, 3))
    np.testing.assert_allclose(loaded.image, block_means, atol=3)


def test_large_jpeg_is_decoded_at_reduced_scale(tmp_path, monkeypatch):
    path = _save(tmp_path / "big.jpg", Image.fromarray(_gradient(600, 800)), quality=95)
    requested = []
    original_draft = JpegImagePlugin.JpegImageFile.draft

    def spy_draft(self, mode, size):
        result = original_draft(self, mode, size)
        requested.append((size, self.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy_draft)
    loaded = read_image(path, max_side=100)
    _assert_rgb(loaded.image, (75, 100))
    assert requested == [((100, 75), (100, 75))]  # the decoder itself worked at 1/8 scale
    block_means = _gradient(600, 800).reshape(75, 8, 100, 8, 3).mean(axis=(1, 3))
    np.testing.assert_allclose(loaded.image, block_means, atol=6)


def test_small_image_is_not_downscaled(tmp_path):
    loaded = read_image(_save(tmp_path / "small.png", Image.new("RGB", (100, 50))), max_side=100)
    assert not loaded.downscaled and loaded.image.shape == (50, 100, 3)


# ---------------------------------------------------------------- refusals


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    pixels = chunk(b"IDAT", zlib.compress(b"\0" * 16))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


def _forbid_decoding(monkeypatch):
    def refuse(self):
        raise AssertionError("pixel data was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_header_claiming_ten_gigapixels_is_refused_before_decoding(tmp_path, monkeypatch):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_claiming(100_000, 100_000))
    limit_before = Image.MAX_IMAGE_PIXELS
    _forbid_decoding(monkeypatch)
    with pytest.raises(ImageReadError, match="too large") as caught:
        read_image(path)
    assert "bomb.png" in str(caught.value)
    assert Image.MAX_IMAGE_PIXELS == limit_before


def test_image_just_over_max_pixels_is_refused_with_its_size(tmp_path, monkeypatch):
    path = tmp_path / "over.png"
    path.write_bytes(_png_claiming(100, 60))
    _forbid_decoding(monkeypatch)
    with pytest.raises(ImageReadError, match=r"100x60 is 6,000 pixels, more than the limit of 5,000"):
        read_image(path, max_pixels=5000)


def test_max_pixels_above_pillows_own_limit_is_honoured(tmp_path, monkeypatch):
    path = _save(tmp_path / "ok.png", Image.new("L", (10, 10)))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 40)  # Pillow alone would refuse 100 > 2 * 40 pixels
    assert read_image(path, max_pixels=1000).image.shape == (10, 10, 3)
    assert Image.MAX_IMAGE_PIXELS == 40


def _truncated(tmp_path: Path, name: str, fmt: str) -> Path:
    source = _rng().integers(0, 256, (64, 64, 3), dtype=np.uint8)
    whole = tmp_path / f"whole_{name}"
    Image.fromarray(source).save(whole, format=fmt)
    data = whole.read_bytes()
    path = tmp_path / name
    path.write_bytes(data[: len(data) // 2])
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


_BROKEN_FILES = {
    "missing": (lambda d: d / "missing.png", "does not exist"),
    "directory": (lambda d: d, "folder"),
    "empty": (lambda d: _write(d / "empty.png", b""), "empty (0 bytes)"),
    "text-named-png": (lambda d: _write(d / "notes.png", b"just some text\n"), "not an image"),
    "eps": (lambda d: _write(d / "doc.eps", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"),
            "not supported"),
    "truncated-png": (lambda d: _truncated(d, "cut.png", "PNG"), "truncated or corrupt"),
    "truncated-jpeg": (lambda d: _truncated(d, "cut.jpg", "JPEG"), "truncated or corrupt"),
}


@pytest.mark.parametrize("kind", list(_BROKEN_FILES))
def test_failures_name_the_file_and_the_reason(tmp_path, kind):
    make, reason = _BROKEN_FILES[kind]
    folder = tmp_path / "pictures"
    folder.mkdir()
    path = make(folder)
    with pytest.raises(ImageReadError) as caught:
        read_image(path)
    message = str(caught.value)
    assert reason in message
    assert path.name in message
    assert isinstance(caught.value, ValueError)


def test_permission_denied_is_reported(tmp_path, monkeypatch):
    # Tests run as root, where chmod 000 does not stop reading: make the OS refusal explicit.
    path = _save(tmp_path / "secret.png", Image.new("RGB", (2, 2)))

    def refuse(file, mode="r", *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(images, "open", refuse, raising=False)
    with pytest.raises(ImageReadError, match="permission denied") as caught:
        read_image(path)
    assert "secret.png" in str(caught.value)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files despite chmod 000")
def test_unreadable_file_with_real_permissions(tmp_path):
    path = _save(tmp_path / "locked.png", Image.new("RGB", (2, 2)))
    path.chmod(0)
    with pytest.raises(ImageReadError, match="permission denied"):
        read_image(path)


@pytest.mark.parametrize("argument, value", [("max_side", 0), ("max_pixels", -1), ("max_side", 2.5)])
def test_limits_are_validated(tmp_path, argument, value):
    with pytest.raises(ValueError, match=argument):
        read_image(tmp_path / "x.png", **{argument: value})


# ---------------------------------------------------------------- filter and PNG export


def test_file_filter_lists_every_supported_extension():
    text = image_file_filter()
    assert text.startswith("Images (*.png *.jpg") and text.endswith(")")
    patterns = text[len("Images ("):-1].split()
    assert patterns == ["*" + ext for ext in SUPPORTED_EXTENSIONS]


def test_write_png_round_trips_and_leaves_no_temporary_file(tmp_path):
    rgb = _rng().integers(0, 256, (7, 11, 3), dtype=np.uint8)
    path = write_png(tmp_path / "out.png", rgb)
    np.testing.assert_array_equal(read_image(path).image, rgb)
    gray = rgb[:, :, 1]
    write_png(path, gray)  # overwrites
    np.testing.assert_array_equal(read_image(path).image[:, :, 0], gray)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_write_png_failure_keeps_the_old_file(tmp_path, monkeypatch):
    path = write_png(tmp_path / "keep.png", np.zeros((3, 3, 3), np.uint8))
    before = path.read_bytes()

    def broken_save(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_png(path, np.full((3, 3, 3), 255, np.uint8))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.png"]


@pytest.mark.parametrize(
    "array, error",
    [(np.zeros((3, 3, 3), np.float32), TypeError), (np.zeros((3, 3, 4), np.uint8), ValueError),
     ([[0, 1]], TypeError), (np.zeros((0, 3, 3), np.uint8), ValueError)],
)
def test_write_png_validates_the_array(tmp_path, array, error):
    with pytest.raises(error, match="rgb_uint8"):
        write_png(tmp_path / "bad.png", array)
