"""Receptive fields and patch products must explain correlate2d's output exactly."""
import dataclasses
import itertools

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from convlab.engine.conv import BOUNDARIES, MODES, correlate2d
from convlab.engine.receptive import PatchProducts, patch_products, receptive_field

KERNEL_SHAPES = [(1, 1), (2, 2), (3, 3), (4, 4), (2, 3), (3, 4)]
STRIDE_DILATION = [(1, 1), (2, 1), (1, 2), ((1, 3), (2, 1))]


@pytest.mark.parametrize("kernel_shape", KERNEL_SHAPES)
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("mode", MODES)
def test_patch_total_equals_every_feature_map_pixel(mode, boundary, kernel_shape):
    rng = np.random.default_rng(0)
    # Small integers keep every sum exact, so equality can be exact whatever the summation order.
    image = rng.integers(-9, 10, (5, 6)).astype(float)
    kernel = rng.integers(-9, 10, kernel_shape).astype(float)
    for stride, dilation in STRIDE_DILATION:
        feature_map = correlate2d(image, kernel, mode, boundary, 0.5, stride, dilation)
        for index in np.ndindex(*feature_map.shape):
            explained = patch_products(image, kernel, index, mode, boundary, 0.5, stride, dilation)
            assert explained.total == feature_map[index], (index, stride, dilation)
            assert_array_equal(explained.products, explained.patch * kernel)


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_boundary_rule_matches_correlate2d_on_tiny_images_with_huge_padding(boundary):
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal((5, 4))
    for image_shape in [(1, 1), (2, 5), (3, 2)]:
        image = rng.standard_normal(image_shape)
        feature_map = correlate2d(image, kernel, "full", boundary, dilation=2)
        for index in np.ndindex(*feature_map.shape):
            total = patch_products(image, kernel, index, "full", boundary, dilation=2).total
            assert total == pytest.approx(feature_map[index], rel=1e-12, abs=1e-12)


def test_receptive_field_marks_exactly_the_pixels_an_impulse_reaches():
    """Output (i, j) sees the impulse iff the impulse lies in its receptive field, via that tap."""
    rng = np.random.default_rng(0)
    for mode, kernel_shape, stride, dilation in itertools.product(
            MODES, [(3, 3), (2, 4)], [1, 2], [1, 2]):
        kernel = rng.uniform(1.0, 2.0, kernel_shape)  # every tap non-zero
        impulse = np.zeros((7, 8))
        impulse[3, 5] = 1.0
        feature_map = correlate2d(impulse, kernel, mode, stride=stride, dilation=dilation)
        for index in np.ndindex(*feature_map.shape):
            rows, cols = receptive_field(index, impulse.shape, kernel_shape, mode, stride, dilation)
            hit = (rows == 3) & (cols == 5)
            expected = kernel[hit].sum()  # 0.0 when no tap reads the impulse
            assert feature_map[index] == expected, (mode, kernel_shape, stride, dilation, index)


def test_receptive_field_known_coordinates():
    rows, cols = receptive_field((0, 0), (5, 5), (3, 3))
    assert_array_equal(rows, [[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
    assert_array_equal(cols, rows.T)
    rows, cols = receptive_field((0, 0), (5, 5), (3, 3), mode="valid")
    assert (rows[0, 0], rows[-1, -1]) == (0, 2)
    rows, cols = receptive_field((0, 0), (5, 5), (3, 3), mode="full")
    assert (rows[0, 0], rows[-1, -1]) == (-2, 0)
    rows, cols = receptive_field((0, 0), (5, 5), (2, 2))  # even: (k - 1) // 2 = 0 taps before
    assert (rows[0, 0], rows[-1, -1]) == (0, 1)
    rows, cols = receptive_field((1, 2), (9, 9), (3, 2), stride=(2, 3), dilation=(2, 3))
    assert_array_equal(rows[:, 0], [0, 2, 4])   # 1*2 - 2 + 2a
    assert_array_equal(cols[0], [5, 8])          # 2*3 - 1 + 3b
    assert rows.shape == cols.shape == (3, 2) and np.issubdtype(rows.dtype, np.integer)


def test_patch_products_fields_and_dtypes():
    image = np.arange(16, dtype=np.uint8).reshape(4, 4)
    explained = patch_products(image, np.ones((2, 2), np.float32), (0, 0), mode="valid")
    assert isinstance(explained, PatchProducts)
    assert_array_equal(explained.patch, [[0, 1], [4, 5]])
    assert explained.total == 10.0 and isinstance(explained.total, float)
    assert explained.patch.dtype == explained.products.dtype == np.float64
    assert explained.kernel.dtype == np.float64


def test_patch_products_uses_fillvalue_outside_the_image():
    explained = patch_products(np.ones((3, 3)), np.ones((3, 3)), (0, 0), fillvalue=np.nan)
    assert np.isnan(explained.patch[0]).all() and np.isnan(explained.patch[:, 0]).all()
    assert_array_equal(explained.patch[1:, 1:], np.ones((2, 2)))


def test_patch_products_is_immutable():
    explained = patch_products(np.ones((4, 4)), np.ones((3, 3)), (1, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        explained.total = 0.0
    for array in (explained.patch, explained.kernel, explained.products, explained.rows):
        with pytest.raises(ValueError, match="read-only"):
            array[0, 0] = 5


BAD_CALLS = [
    (lambda: receptive_field((5, 0), (5, 5), (3, 3)),
     r"index must lie in the feature map of shape"),
    (lambda: receptive_field((0, 3), (5, 5), (3, 3), mode="valid"), r"index must lie"),
    (lambda: receptive_field((-1, 0), (5, 5), (3, 3)), r"index must be an integer >= 0"),
    (lambda: receptive_field((0, 0), (5, 5), (3, 3), mode="middle"), r"mode must be one of"),
    (lambda: receptive_field((0, 0), (0, 5), (3, 3)), r"image_shape must be an integer >= 1"),
    (lambda: receptive_field((0, 0), (5, 5), (3, 3), stride=0), r"stride"),
    (lambda: receptive_field((0, 0), (5, 5), (3, 3), dilation=1.5), r"dilation"),
    (lambda: patch_products(np.ones((4, 4)), np.ones((3, 3)), (0, 0), boundary="reflect"),
     r"boundary must be one of 'fill', 'wrap', 'symm'"),
    (lambda: patch_products(np.ones((4, 4)), np.ones(3), (0, 0)), r"kernel must have 2 dimension"),
    (lambda: patch_products(np.ones((4, 4)), np.ones((3, 3)), (0, 0), fillvalue=None),
     r"fillvalue must be a real number"),
]


@pytest.mark.parametrize("call, message", BAD_CALLS)
def test_bad_arguments_raise_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
