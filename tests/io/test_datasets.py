"""Labelled image sets: good .npz files load; every bad one is refused with a DatasetError naming the file."""
import zipfile

import numpy as np
import pytest

from convlab.io import datasets
from convlab.io.datasets import DatasetError, load_dataset, load_digits_images, load_npz_images


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _save(path, **arrays):
    np.savez(path, **arrays)
    return path


def test_good_file_with_integer_labels_round_trips(tmp_path, rng):
    images = rng.integers(0, 256, (12, 10, 9), dtype=np.uint8)
    labels = np.array([3, 7, 3, 7, 3, 7, 5, 5, 3, 7, 5, 5])
    data = load_npz_images(_save(tmp_path / "set.npz", images=images, labels=labels))
    assert data.images.dtype == np.float32 and data.images.shape == (12, 10, 9)
    np.testing.assert_array_equal(data.images, images)
    assert data.class_names == ("3", "5", "7")
    np.testing.assert_array_equal(np.array(data.class_names)[data.labels], labels.astype(str))
    assert data.name == "set.npz" and "12 images of 10x9, 3 classes" in data.describe()


def test_compressed_file_with_string_and_whole_float_labels(tmp_path, rng):
    images = rng.standard_normal((6, 5, 5))
    path = tmp_path / "c.npz"
    np.savez_compressed(path, images=images, labels=np.array(["cat", "dog", "cat", "dog", "cat", "dog"]))
    assert load_npz_images(path).class_names == ("cat", "dog")
    np.savez(path, images=images, labels=np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0]))
    assert load_npz_images(path).labels.tolist() == [0, 1, 0, 1, 0, 1]


def test_digits_are_upsampled_and_scaled():
    digits = load_digits_images(20)
    assert digits.images.shape == (1797, 20, 20) and digits.labels.shape == (1797,)
    assert digits.images.min() == 0.0 and 250 < digits.images.max() <= 255.0
    assert len(digits.class_names) == 10 and "upsampled to 20x20" in digits.note
    eight = load_dataset("digits", digits_side=8)
    np.testing.assert_allclose(eight.images.max(), 255.0)
    with pytest.raises(ValueError, match="side must be an integer >= 8"):
        load_digits_images(4)


GOOD_IMAGES = np.arange(6 * 4 * 4, dtype=np.float64).reshape(6, 4, 4)
GOOD_LABELS = np.array([0, 1, 0, 1, 0, 1])


@pytest.mark.parametrize("arrays, message", [
    ({"labels": GOOD_LABELS}, r"no 'images' array \(found: labels\)"),
    ({"images": GOOD_IMAGES}, r"no 'labels' array"),
    ({"images": GOOD_IMAGES[0], "labels": GOOD_LABELS}, r"must be \(N, H, W\)"),
    ({"images": GOOD_IMAGES[..., None], "labels": GOOD_LABELS}, r"must be \(N, H, W\)"),
    ({"images": GOOD_IMAGES.astype(complex), "labels": GOOD_LABELS}, "must hold real numbers"),
    ({"images": GOOD_IMAGES.astype(str), "labels": GOOD_LABELS}, "must hold real numbers"),
    ({"images": GOOD_IMAGES[:, :2, :2], "labels": GOOD_LABELS}, "at least 3x3"),
    ({"images": GOOD_IMAGES[:0], "labels": GOOD_LABELS[:0]}, "holds no image"),
    ({"images": np.where(GOOD_IMAGES == 5, np.nan, GOOD_IMAGES), "labels": GOOD_LABELS}, "NaN"),
    ({"images": np.ones((6, 4, 4)), "labels": GOOD_LABELS}, "same value"),
    ({"images": GOOD_IMAGES, "labels": GOOD_LABELS[:5]}, "6 images but 5 labels"),
    ({"images": GOOD_IMAGES, "labels": GOOD_LABELS[:, None]}, r"shape \(N,\)"),
    ({"images": GOOD_IMAGES, "labels": np.zeros(6, int)}, "only 1 class"),
    ({"images": GOOD_IMAGES, "labels": np.array([0, 0, 0, 0, 0, 1])}, "class 1 has a single image"),
    ({"images": GOOD_IMAGES, "labels": GOOD_LABELS + 0.5}, "whole numbers"),
    ({"images": GOOD_IMAGES, "labels": GOOD_LABELS.astype(complex)}, "integers or strings"),
])
def test_bad_contents_are_refused_with_the_file_name(tmp_path, arrays, message):
    path = _save(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DatasetError, match=message) as info:
        load_npz_images(path)
    assert "bad.npz" in str(info.value)


def test_pickled_objects_are_never_loaded(tmp_path):
    labels = np.array([{"a": 1}] * 6, dtype=object)
    path = _save(tmp_path / "obj.npz", images=GOOD_IMAGES, labels=labels)
    with pytest.raises(DatasetError, match="Python objects"):
        load_npz_images(path)


def test_files_that_are_not_npz_archives(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        load_npz_images(tmp_path / "missing.npz")
    with pytest.raises(DatasetError, match="folder"):
        load_npz_images(tmp_path)
    (tmp_path / "empty.npz").write_bytes(b"")
    with pytest.raises(DatasetError, match="empty"):
        load_npz_images(tmp_path / "empty.npz")
    (tmp_path / "text.npz").write_text("images,labels\n1,2\n")
    with pytest.raises(DatasetError, match="not a zip file"):
        load_npz_images(tmp_path / "text.npz")
    np.save(tmp_path / "single.npy", GOOD_IMAGES)
    with pytest.raises(DatasetError, match="single .npy array"):
        load_npz_images(tmp_path / "single.npy")


def test_corrupt_and_truncated_archives(tmp_path):
    path = tmp_path / "c.npz"
    np.savez_compressed(path, images=np.random.default_rng(0).random((50, 20, 20)), labels=np.arange(50) % 2)
    data = bytearray(path.read_bytes())
    data[200:260] = bytes(60)  # damage the compressed images
    (tmp_path / "damaged.npz").write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="damaged.npz.*corrupt"):
        load_npz_images(tmp_path / "damaged.npz")
    with zipfile.ZipFile(tmp_path / "fake.npz", "w") as archive:
        archive.writestr("images.npy", b"\x93NUMPY garbage")
        archive.writestr("labels.npy", b"nothing")
    with pytest.raises(DatasetError, match="fake.npz.*'images' is corrupt"):
        load_npz_images(tmp_path / "fake.npz")


def test_huge_arrays_are_refused_from_the_header(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MAX_VALUES", 50)
    path = _save(tmp_path / "big.npz", images=GOOD_IMAGES, labels=GOOD_LABELS)
    with pytest.raises(DatasetError, match="too large"):
        load_npz_images(path)
