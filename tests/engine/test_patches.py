"""Patch extraction, contrast normalisation and ZCA whitening against direct NumPy formulas."""
import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from convlab.engine.patches import (
    Preprocessing,
    apply_zca,
    extract_patches,
    fit_preprocessing,
    fit_transform_patches,
    fit_zca,
    normalize_patches,
    to_gray,
)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_every_patch_is_a_real_window_of_its_picture(rng):
    pictures = [rng.integers(0, 256, (9, 12), dtype=np.uint8), rng.integers(0, 256, (15, 7), dtype=np.uint8)]
    patches = extract_patches(pictures, size=4, count=300, seed=3)
    assert patches.shape == (300, 4, 4) and patches.dtype == np.float32
    windows = [sliding_window_view(p.astype(np.float32), (4, 4)).reshape(-1, 16) for p in pictures]
    every = np.concatenate(windows)
    matches = (patches.reshape(300, 1, 16) == every[None]).all(axis=2).any(axis=1)
    assert matches.all()
    from_first = (patches.reshape(300, 1, 16) == windows[0][None]).all(axis=2).any(axis=1)
    # positions are uniform: the first picture has 6*9=54 of the 54+12*4=102 positions
    assert 0.4 < from_first.mean() < 0.66


def test_same_seed_same_patches_and_colour_keeps_channels_last(rng):
    picture = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    a = extract_patches(picture, 5, 50, seed=7, color=True)
    b = extract_patches(picture, 5, 50, seed=7, color=True)
    assert a.shape == (50, 5, 5, 3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, extract_patches(picture, 5, 50, seed=8, color=True))
    windows = sliding_window_view(picture.astype(np.float32), (5, 5), axis=(0, 1))  # (H', W', 3, 5, 5)
    flat = np.moveaxis(windows, 2, -1).reshape(-1, 75)
    assert (a.reshape(50, 1, 75) == flat[None]).all(axis=2).any(axis=1).all()
    gray = extract_patches(picture, 5, 50, seed=7)
    np.testing.assert_allclose(gray, a @ np.array([0.299, 0.587, 0.114], np.float32), rtol=1e-5)


def test_to_gray_uses_bt601_and_patches_refuse_a_size_that_fits_nowhere():
    np.testing.assert_allclose(to_gray(np.array([[[255, 0, 0]]], np.uint8)), [[0.299 * 255]], rtol=1e-6)
    with pytest.raises(ValueError, match="size must be at most"):
        extract_patches(np.zeros((4, 4)), size=5, count=3)
    with pytest.raises(ValueError, match="count"):
        extract_patches(np.zeros((8, 8)), size=3, count=0)


def test_normalisation_is_the_direct_formula(rng):
    patches = rng.uniform(0, 255, (100, 6, 6)).astype(np.float32)
    flat = patches.reshape(100, -1).astype(np.float64)
    expected = (flat - flat.mean(1, keepdims=True)) / np.sqrt(flat.var(1, keepdims=True) + 10.0)
    got = normalize_patches(patches)
    assert got.shape == patches.shape and got.dtype == np.float32
    np.testing.assert_allclose(got.reshape(100, -1), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(normalize_patches(np.full((1, 3, 3), 7.0)), 0.0)  # flat patches stay 0
    with pytest.raises(ValueError, match="eps"):
        normalize_patches(patches, eps=0)


def test_whitening_gives_identity_covariance(rng):
    mixing = rng.standard_normal((16, 16))
    data = (rng.standard_normal((20000, 16)) @ mixing).astype(np.float32)  # strongly correlated
    whitening = fit_zca(data, eps=1e-6)
    z = apply_zca(data, whitening)
    assert z.dtype == np.float32 and z.shape == (20000, 16)
    np.testing.assert_allclose(np.cov(z, rowvar=False, bias=True), np.eye(16), atol=2e-3)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-3)
    np.testing.assert_allclose(whitening.matrix, whitening.matrix.T, atol=1e-5)  # ZCA is symmetric
    np.testing.assert_allclose(np.sort(whitening.eigenvalues), np.linalg.eigvalsh(np.cov(data.T, bias=True)),
                               rtol=1e-3)


def test_epsilon_shrinks_the_low_variance_directions(rng):
    data = rng.standard_normal((5000, 3)).astype(np.float32) * np.array([10.0, 1.0, 0.1], np.float32)
    z = apply_zca(data, fit_zca(data, eps=1.0))
    variances = z.var(axis=0)
    expected = np.array([100.0, 1.0, 0.01]) / (np.array([100.0, 1.0, 0.01]) + 1.0)  # l / (l + eps)
    np.testing.assert_allclose(variances, expected, rtol=0.06)


def test_preprocessing_apply_matches_the_steps_and_fit_transform(rng):
    patches = rng.uniform(0, 255, (3000, 5, 5)).astype(np.float32)
    prep, x = fit_transform_patches(patches, zca_eps=0.1)
    assert isinstance(prep, Preprocessing) and prep.normalize and prep.whitening is not None
    direct = apply_zca(normalize_patches(patches), prep.whitening)
    np.testing.assert_allclose(x, direct, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(prep.apply(patches), x, rtol=1e-5, atol=1e-5)
    plain = fit_preprocessing(patches, normalize=False, whiten=False)
    np.testing.assert_array_equal(plain.apply(patches), patches.reshape(3000, 25))
    with pytest.raises(ValueError, match="25"):
        apply_zca(np.zeros((2, 16)), prep.whitening)
