"""K-means wrapper (chunked Lloyd, mini-batches, online), centroid sorting and kernels from centroids."""
import numpy as np
import pytest
from sklearn.cluster import KMeans

from convlab.engine import gabor_kernel
from convlab.engine.centroids import centroid_orientations, centroids_to_kernels, sort_centroids
from convlab.engine.kmeans import OnlineKMeans, assign_patches, learn_centroids
from convlab.engine.patches import fit_zca


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    centres = rng.uniform(-50, 50, (5, 6))
    labels = np.repeat(np.arange(5), [300, 200, 400, 250, 350])
    points = centres[labels] + rng.standard_normal((len(labels), 6))
    return centres, labels, points.astype(np.float32)


def _match(found, true):
    """For every true centre, the distance to the nearest found one."""
    return np.linalg.norm(true[:, None] - found[None], axis=2).min(axis=1)


@pytest.mark.parametrize("method", ["kmeans", "minibatch"])
def test_recovers_well_separated_known_centres(blobs, method):
    centres, labels, points = blobs
    result = learn_centroids(points, 5, method=method, seed=0, batch_size=256)
    assert result.centroids.shape == (5, 6) and result.centroids.dtype == np.float32
    assert _match(result.centroids, centres).max() < 0.5
    assert sorted(result.sizes.tolist()) == sorted(np.bincount(labels).tolist())
    assert result.converged and not result.stopped and result.progress == 1.0


def test_chunked_lloyd_equals_one_scikit_learn_run_from_the_same_start(blobs):
    _, _, points = blobs
    rng = np.random.default_rng(1)
    noisy = (points + 8 * rng.standard_normal(points.shape)).astype(np.float32)  # overlapping: many iterations
    calls = []
    ours = learn_centroids(noisy, 12, seed=0, init_size=None, tol=0.0, max_iter=40,
                           callback=lambda step, info: calls.append(info.steps) and False)
    from sklearn.cluster import kmeans_plusplus
    start, _ = kmeans_plusplus(noisy, 12, random_state=0)
    reference = KMeans(12, init=start, n_init=1, max_iter=40, tol=0.0).fit(noisy)
    assert ours.steps == reference.n_iter_
    np.testing.assert_allclose(ours.centroids, reference.cluster_centers_, rtol=1e-4, atol=1e-3)
    assert abs(ours.inertia - reference.inertia_) <= 1e-4 * reference.inertia_
    assert calls[:3] == [2, 6, 14]  # chunks of 2, 4, 8, ... iterations


@pytest.mark.parametrize("method", ["kmeans", "minibatch"])
def test_callback_can_stop_with_a_partial_result(blobs, method, monkeypatch):
    _, _, points = blobs
    monkeypatch.setattr("convlab.engine.kmeans.CHUNK_SECONDS", 0.0)  # one step per chunk
    monkeypatch.setattr("convlab.engine.kmeans.BATCH_CHUNK_SECONDS", 0.0)
    seen = []

    def stop_at_second(step, info):
        seen.append((step, info.steps, info.progress))
        return step == 1

    result = learn_centroids(points, 5, method=method, seed=0, tol=0.0, max_iter=50, batch_size=64,
                             patience=1000, callback=stop_at_second)
    assert result.stopped and not result.converged
    assert [s for s, _, _ in seen] == [0, 1]
    assert result.steps == seen[-1][1] and 0 < result.progress < 1
    assert result.centroids.shape == (5, 6) and result.sizes.sum() > 0


def test_minibatch_converges_close_to_lloyd_on_overlapping_data():
    rng = np.random.default_rng(2)
    points = rng.standard_normal((6000, 8)).astype(np.float32)
    lloyd = learn_centroids(points, 8, seed=0)
    mini = learn_centroids(points, 8, method="minibatch", seed=0)
    assert mini.converged and mini.steps < 50 * 6000 // 1024
    assert mini.inertia < 1.05 * lloyd.inertia


def test_assign_patches_matches_brute_force():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((500, 7)).astype(np.float32)
    c = rng.standard_normal((9, 7)).astype(np.float32)
    squared = ((x[:, None] - c[None]) ** 2).sum(axis=2)
    labels, distances = assign_patches(x, c)
    np.testing.assert_array_equal(labels, squared.argmin(axis=1))
    np.testing.assert_allclose(distances, squared.min(axis=1), rtol=1e-4, atol=1e-4)


def test_bad_arguments_name_the_argument(blobs):
    _, _, points = blobs
    with pytest.raises(ValueError, match="method must be one of"):
        learn_centroids(points, 3, method="elkan")
    with pytest.raises(ValueError, match="k must be at most"):
        learn_centroids(points[:4], 5)
    with pytest.raises(ValueError, match="k must be an integer >= 2"):
        learn_centroids(points, 1)
    with pytest.raises(ValueError, match="finite"):
        learn_centroids(np.full((10, 2), np.nan), 2)


def test_online_updates_follow_the_batches(blobs):
    centres, _, points = blobs
    online = OnlineKMeans(5, seed=0)
    rng = np.random.default_rng(0)
    for _ in range(30):
        info = online.update(points[rng.integers(0, len(points), 400)])
    assert info.steps == 30 and info.sizes.sum() == 30 * 400
    assert _match(info.centroids, centres).max() < 1.0
    with pytest.raises(ValueError, match="6 values"):
        online.update(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="at least k=5"):
        OnlineKMeans(5).update(points[:3])


@pytest.mark.parametrize("degrees", [0, 30, 60, 90, 120, 150])
def test_orientation_agrees_with_gabor_theta(degrees):
    kernels = np.stack([gabor_kernel(9, np.deg2rad(degrees), phase=p).ravel() for p in (0.0, np.pi / 2)])
    angles, coherence = centroid_orientations(kernels, (9, 9))
    error = np.abs((np.rad2deg(angles) - degrees + 90) % 180 - 90)
    assert error.max() < 8 and coherence.min() > 0.7


def test_sorting_by_size_and_by_orientation():
    sizes = np.array([3, 50, 7, 20])
    blob = np.zeros((5, 5))
    blob[2, 2] = 1  # no orientation
    kernels = np.stack([gabor_kernel(5, np.deg2rad(90)).ravel(), blob.ravel(),
                        gabor_kernel(5, np.deg2rad(45)).ravel(), gabor_kernel(5, 0.0).ravel()])
    assert sort_centroids(kernels, sizes, "size").tolist() == [1, 3, 2, 0]
    assert sort_centroids(kernels, sizes, "orientation", (5, 5)).tolist() == [3, 2, 0, 1]
    assert sort_centroids(kernels, sizes, "none").tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="by must be one of"):
        sort_centroids(kernels, sizes, "colour")
    with pytest.raises(ValueError, match="patch_shape"):
        sort_centroids(kernels, sizes, "orientation")


def test_folded_kernels_on_raw_patches_give_the_whitened_space_response():
    rng = np.random.default_rng(4)
    patches = rng.standard_normal((4000, 16)) @ rng.standard_normal((16, 16))
    patches -= patches.mean(axis=1, keepdims=True)  # zero-mean patches, as after normalisation
    whitening = fit_zca(patches, eps=0.1)
    centroids = rng.standard_normal((6, 16)).astype(np.float32)
    kernels = centroids_to_kernels(centroids, (4, 4), whitening)
    assert kernels.shape == (6, 4, 4) and kernels.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(kernels.reshape(6, -1), axis=1), 1.0, rtol=1e-5)
    whitened_response = (patches - whitening.mean) @ whitening.matrix @ centroids.T
    raw_response = patches @ kernels.reshape(6, -1).T
    for k in range(6):  # equal up to a positive scale and a constant per kernel
        slope, intercept = np.polyfit(raw_response[:, k], whitened_response[:, k], 1)
        np.testing.assert_allclose(slope * raw_response[:, k] + intercept, whitened_response[:, k],
                                   atol=1e-3 * np.abs(whitened_response[:, k]).max())
        assert slope > 0
    np.testing.assert_array_equal(centroids_to_kernels(centroids, (4, 4)), centroids.reshape(6, 4, 4))
