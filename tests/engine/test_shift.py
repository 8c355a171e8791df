"""Translation: fill vs wrap against np.roll and slicing, equivariance of correlation."""
import itertools

import numpy as np
import pytest
from scipy import ndimage

from convlab.engine.shift import BOUNDARIES, translate, translate1d

SHIFTS = (-7, -6, -5, -2, -1, 0, 1, 3, 5, 6, 9)


def _fill_reference(x, dy, dx):
    """Pixel-by-pixel: out[i, j] = x[i - dy, j - dx] when inside, else 0."""
    out = np.zeros_like(x)
    h, w = x.shape[-2:]
    for i, j in itertools.product(range(h), range(w)):
        if 0 <= i - dy < h and 0 <= j - dx < w:
            out[..., i, j] = x[..., i - dy, j - dx]
    return out


def test_wrap_is_np_roll():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 6))
    for dy, dx in itertools.product(SHIFTS, SHIFTS):
        expected = np.roll(np.roll(x, dy, axis=1), dx, axis=2)
        np.testing.assert_array_equal(translate(x, dy, dx, boundary="wrap"), expected)


def test_fill_matches_pixel_reference():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 100, size=(3, 5, 6))
    for dy, dx in itertools.product(SHIFTS, SHIFTS):
        result = translate(x, dy, dx)
        np.testing.assert_array_equal(result, _fill_reference(x, dy, dx), err_msg=f"{dy}, {dx}")
        assert result.dtype == x.dtype


def test_fill_direction_and_slicing():
    x = np.arange(1, 21).reshape(4, 5)
    down_right = translate(x, 1, 2)
    np.testing.assert_array_equal(down_right[1:, 2:], x[:-1, :-2])
    assert not down_right[0].any() and not down_right[:, :2].any()
    up_left = translate(x, -3, -1)
    np.testing.assert_array_equal(up_left[:1, :4], x[3:, 1:])
    assert not up_left[1:].any() and not up_left[:, 4:].any()


def test_fill_agrees_with_wrap_away_from_the_seam():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 7))
    filled, wrapped = translate(x, 2, -3), translate(x, 2, -3, boundary="wrap")
    np.testing.assert_array_equal(filled[2:, :4], wrapped[2:, :4])
    assert np.count_nonzero(filled) == (6 - 2) * (7 - 3)


def test_large_shifts_give_zeros_with_fill_and_identity_with_full_wrap():
    x = np.ones((2, 4, 5), dtype=np.uint8)
    for dy, dx in [(4, 0), (0, -5), (100, 1), (-4, -100)]:
        result = translate(x, dy, dx)
        assert result.shape == x.shape and result.dtype == np.uint8 and not result.any()
    np.testing.assert_array_equal(translate(x * 3, 4, -10, boundary="wrap"), x * 3)


def test_returns_a_new_array():
    x = np.arange(12.0).reshape(3, 4)
    for boundary in BOUNDARIES:
        result = translate(x, 0, 0, boundary=boundary)
        np.testing.assert_array_equal(result, x)
        assert not np.shares_memory(result, x)


@pytest.mark.parametrize("kernel_shape", [(3, 3), (4, 2), (5, 4)])
def test_correlation_with_wrap_commutes_with_translation(kernel_shape):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(9, 11))
    kernel = rng.normal(size=kernel_shape)
    for dy, dx in [(1, 0), (0, -2), (3, 4), (-5, 7), (12, -13)]:
        left = ndimage.correlate(translate(x, dy, dx, boundary="wrap"), kernel, mode="wrap")
        right = translate(ndimage.correlate(x, kernel, mode="wrap"), dy, dx, boundary="wrap")
        np.testing.assert_array_equal(left, right)


def test_correlation_with_fill_commutes_only_inside():
    rng = np.random.default_rng(0)
    x = np.zeros((12, 12))
    x[4:8, 4:8] = rng.normal(size=(4, 4))  # content far from the border
    kernel = rng.normal(size=(3, 3))
    left = ndimage.correlate(translate(x, 2, -1), kernel, mode="constant")
    right = translate(ndimage.correlate(x, kernel, mode="constant"), 2, -1)
    np.testing.assert_allclose(left, right, rtol=1e-12, atol=1e-12)


def test_translate1d():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 7))
    for shift in SHIFTS:
        np.testing.assert_array_equal(translate1d(x, shift, "wrap"), np.roll(x, shift, axis=-1))
        expected = np.zeros_like(x)
        for j in range(7):
            if 0 <= j - shift < 7:
                expected[:, j] = x[:, j - shift]
        np.testing.assert_array_equal(translate1d(x, shift), expected)
    np.testing.assert_array_equal(translate1d([1, 2, 3], np.int64(1)), [0, 1, 2])


def test_bad_arguments():
    x = np.zeros((3, 3))
    with pytest.raises(ValueError, match="boundary must be one of 'fill', 'wrap'; got 'reflect'"):
        translate(x, 1, 1, boundary="reflect")
    with pytest.raises(ValueError, match=r"boundary must be one of"):
        translate1d(x, 1, boundary="constant")
    for bad in (1.5, 1.0, "1", True, None):
        with pytest.raises(ValueError, match="dx must be an integer"):
            translate(x, 0, bad)
    with pytest.raises(ValueError, match="dy must be an integer"):
        translate(x, 0.5, 0)
    with pytest.raises(ValueError, match="shift must be an integer"):
        translate1d(x, 2.5)
    with pytest.raises(ValueError, match="image must have at least 2 dimensions"):
        translate(np.zeros(4), 1, 1)
    with pytest.raises(ValueError, match="x must have at least 1 dimension"):
        translate1d(np.float64(1.0), 1)
