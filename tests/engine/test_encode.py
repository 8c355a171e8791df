"""The feature pipeline (conv -> activation -> region pooling) against explicit patch-by-patch formulas."""
import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal

from convlab.engine.encode import encode_images, feature_maps, region_pool, triangle_encoding
from convlab.engine.patches import extract_patches, fit_preprocessing


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _windows(images, size):
    """Every 'valid' patch: (N, H', W') + patch shape, channels last."""
    windows = sliding_window_view(images, (size, size), axis=(1, 2))
    return np.moveaxis(windows, 3, -1) if images.ndim == 4 else windows


def test_triangle_encoding_is_the_direct_formula(rng):
    d = rng.uniform(0, 5, (4, 7))
    expected = np.array([[max(0.0, row.mean() - v) for v in row] for row in d])
    np.testing.assert_allclose(triangle_encoding(d), expected)
    np.testing.assert_allclose(triangle_encoding(d.T, axis=0), expected.T)


def test_raw_kernels_give_scipy_correlation_in_every_image(rng):
    images = rng.uniform(0, 255, (11, 9, 14)).astype(np.float32)  # 11 images: an uneven mosaic
    kernels = rng.standard_normal((3, 4, 3)).astype(np.float32)  # even and odd sides
    maps = feature_maps(images, kernels, "abs")
    assert maps.shape == (11, 3, 6, 12) and maps.dtype == np.float32
    for n in (0, 5, 10):
        for k in range(3):
            expected = signal.correlate2d(images[n], kernels[k], mode="valid")
            np.testing.assert_allclose(maps[n, k], np.abs(expected), rtol=1e-4, atol=1e-2)


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("normalize, whiten", [(True, True), (True, False), (False, True)])
def test_preprocessed_encoding_matches_patch_by_patch(rng, color, normalize, whiten):
    images = rng.integers(0, 256, (5, 10, 12) + ((3,) if color else ())).astype(np.float32)
    patches = extract_patches(list(images), 4, 4000, seed=1, color=color)
    prep = fit_preprocessing(patches, normalize=normalize, whiten=whiten)
    centroids = rng.standard_normal((6, patches[0].size)).astype(np.float32)
    kernels = centroids.reshape((6,) + patches.shape[1:])
    windows = _windows(images, 4)
    z = prep.apply(windows.reshape((-1,) + patches.shape[1:])).reshape(windows.shape[:3] + (-1,))
    dots = z @ centroids.T
    distances = np.sqrt(np.maximum((z ** 2).sum(-1, keepdims=True) - 2 * dots + (centroids ** 2).sum(1), 0))
    for encoding, expected in (("relu", np.maximum(dots, 0)), ("triangle", triangle_encoding(distances))):
        got = feature_maps(images, kernels, encoding, prep)
        np.testing.assert_allclose(got, np.moveaxis(expected, -1, 1), rtol=1e-3, atol=2e-3)


def test_pipeline_output_shapes_and_feature_order(rng):
    images = rng.uniform(0, 1, (7, 20, 20)).astype(np.float32)
    kernels = rng.standard_normal((8, 5, 5)).astype(np.float32)
    for grid in (1, 2, 3):
        assert encode_images(images, kernels, "relu", pool_grid=grid).shape == (7, 8 * grid * grid)
    features = encode_images(images, kernels, "relu", pool_grid=2, pool_kind="max")
    maps = feature_maps(images, kernels, "relu")  # (7, 8, 16, 16)
    np.testing.assert_allclose(features[:, 4:8], maps[:, 1].reshape(7, 2, 8, 2, 8).max(axis=(2, 4)).reshape(7, 4),
                               rtol=1e-6)


def test_region_pool_splits_unequal_sides_like_linspace():
    maps = np.arange(35.0).reshape(5, 7)
    pooled = region_pool(maps, 2, "sum")
    rows, cols = [slice(0, 2), slice(2, 5)], [slice(0, 3), slice(3, 7)]
    expected = [[maps[r, c].sum() for c in cols] for r in rows]
    np.testing.assert_array_equal(pooled, expected)
    np.testing.assert_array_equal(region_pool(maps, 1, "max"), [[34.0]])
    with pytest.raises(ValueError, match="grid must be at most"):
        region_pool(maps, 6)


def test_callback_stops_encoding_early(rng, monkeypatch):
    monkeypatch.setattr("convlab.engine.encode._MOSAIC_FLOATS", 4 * 10 * 10)  # one image per batch
    images = rng.uniform(0, 1, (6, 10, 10)).astype(np.float32)
    seen = []
    features = encode_images(images, np.ones((2, 3, 3)), callback=lambda step, info: seen.append(info) or step == 2)
    assert len(features) == 3 and [i["done"] for i in seen] == [1, 2, 3] and seen[0]["total"] == 6


def test_bad_inputs_name_the_argument(rng):
    images = rng.uniform(0, 1, (2, 6, 6))
    with pytest.raises(ValueError, match="encoding must be one of"):
        encode_images(images, np.ones((1, 3, 3)), "sigmoid")
    with pytest.raises(ValueError, match="must fit in the images"):
        encode_images(images, np.ones((1, 7, 7)))
    with pytest.raises(ValueError, match="pool_grid must be at most"):
        encode_images(images, np.ones((1, 3, 3)), pool_grid=5)
    with pytest.raises(ValueError, match="channels"):
        encode_images(np.ones((2, 6, 6, 3)), np.ones((1, 3, 3, 2)))
