"""Synthetic MNIST-like digits: 28x28 in 0..1, reproducible, balanced, test part from other source digits."""
import numpy as np
import pytest

from convlab.io import synthetic_digits
from convlab.io.synthetic_digits import mnist_like_digits


def test_images_are_28x28_in_0_1_balanced_and_reproducible():
    first, again, other = mnist_like_digits(500, seed=4), mnist_like_digits(500, seed=4), mnist_like_digits(500, seed=5)
    assert first.images.shape == (500, 28, 28) and first.images.dtype == np.float32
    assert 0 <= first.images.min() and first.images.max() <= 1
    np.testing.assert_array_equal(first.images, again.images)
    np.testing.assert_array_equal(first.labels, again.labels)
    assert not np.array_equal(first.images, other.images)
    assert np.bincount(first.labels, minlength=10).min() >= 35
    assert first.class_names == tuple("0123456789") and "synthetic" in first.note
    ink = first.images > 0.5  # digits sit inside the frame, like MNIST's 20x20 box
    assert ink[:, :2].sum() + ink[:, -2:].sum() < 0.01 * ink.sum()


def test_train_and_test_parts_come_from_different_source_digits():
    train_sources, _ = synthetic_digits._source_digits("train")
    test_sources, _ = synthetic_digits._source_digits("test")
    assert len(train_sources) + len(test_sources) == 1797
    flat_train = {row.tobytes() for row in train_sources.reshape(len(train_sources), -1)}
    shared = sum(row.tobytes() in flat_train for row in test_sources.reshape(len(test_sources), -1))
    assert shared <= 3  # a few digits of the set are pixel-for-pixel duplicates


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="n must be an integer >= 1; got 0"):
        mnist_like_digits(0)
    with pytest.raises(ValueError, match="part must be one of 'train', 'test', 'all'; got 'val'"):
        mnist_like_digits(5, part="val")
