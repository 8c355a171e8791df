"""The comparison of feature sets: rows, the raw-pixel reference, seeds, cancel, and the expected ranking."""
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from convlab.engine import preset_kernel
from convlab.engine.compare import (
    FEATURE_SETS,
    ComparisonSettings,
    hand_designed_bank,
    run_comparison,
    scale_to_pixels,
    split_indices,
)
from convlab.io.datasets import load_digits_images

FAST = ComparisonSettings(kernels=16, size=5, patches=5000, max_iter=30)


@pytest.fixture(scope="module")
def digits():
    data = load_digits_images(12)
    return data.images[:600], data.labels[:600]


@pytest.fixture(scope="module")
def rows(digits):
    return run_comparison(*digits, FAST)


def test_one_row_per_feature_set_with_counts_and_times(rows):
    assert [r.feature_set for r in rows] == list(FEATURE_SETS)
    assert [r.kernels for r in rows] == [0, 16, 16, 16]
    assert [r.features for r in rows] == [144, 64, 64, 64]  # 12x12 pixels; 16 kernels x 4 quadrants
    for r in rows:
        assert 0.0 <= r.accuracy <= 1.0
        assert min(r.learn_seconds, r.extract_seconds, r.train_seconds) >= 0.0
    assert rows[3].learn_seconds > rows[1].learn_seconds  # only k-means has something to learn
    assert rows[0].as_dict()["label"] == "raw pixels"


def test_raw_pixels_row_equals_a_plain_scikit_learn_pipeline(digits, rows):
    images, labels = digits
    x = scale_to_pixels(images).reshape(len(images), -1)
    indices = np.arange(len(labels))
    train, test = train_test_split(indices, test_size=0.25, random_state=0, stratify=labels)
    scaler = StandardScaler().fit(x[train])
    model = LogisticRegression(max_iter=2000).fit(scaler.transform(x[train]), labels[train])
    assert rows[0].accuracy == pytest.approx(model.score(scaler.transform(x[test]), labels[test]))


def test_learned_and_random_kernels_beat_raw_pixels(rows):
    accuracy = {r.feature_set: r.accuracy for r in rows}
    assert accuracy["kmeans"] >= accuracy["raw"] + 0.02
    assert accuracy["random"] >= accuracy["raw"]
    assert accuracy["kmeans"] >= accuracy["random"]


def test_same_seed_same_accuracies(digits, rows):
    again = run_comparison(*digits, FAST)
    assert [r.accuracy for r in again] == [r.accuracy for r in rows]


def test_callback_reports_progress_and_can_stop(digits):
    seen = []

    def stop_in_the_random_set(step, info):
        seen.append((step, info["progress"], len(info["rows"])))
        return step == 2

    rows = run_comparison(*digits, FAST, callback=stop_in_the_random_set)
    assert [r.feature_set for r in rows] == ["raw", "hand"]
    progress = [p for _, p, _ in seen]
    assert progress == sorted(progress) and 0.0 <= progress[0] and progress[-1] < 1.0
    assert seen[-1] == (2, 0.5, 2)


def test_split_is_stratified_and_seeded():
    labels = np.repeat([0, 1, 2], [40, 20, 40])
    train, test = split_indices(labels, 0.25, seed=3)
    assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == 100
    assert np.bincount(labels[test]).tolist() == [10, 5, 10]
    np.testing.assert_array_equal(test, split_indices(labels, 0.25, seed=3)[1])


def test_hand_designed_bank_starts_with_edges_and_fills_with_gabors():
    names, bank = hand_designed_bank(32, 5)
    assert bank.shape == (32, 5, 5) and len(set(names)) == 32
    np.testing.assert_allclose(bank[0], preset_kernel("sobel_x", 5))
    assert all(n.startswith("gabor") for n in names[7:])
    assert hand_designed_bank(3, 4)[1].shape == (3, 4, 4)  # even size: Gabor kernels only


def test_bad_settings_and_data_name_the_problem(digits):
    images, labels = digits
    with pytest.raises(ValueError, match="feature_sets must be one of"):
        run_comparison(images, labels, ComparisonSettings(feature_sets=("pixels",)))
    with pytest.raises(ValueError, match="size must be at most the image side"):
        run_comparison(images, labels, ComparisonSettings(size=13))
    with pytest.raises(ValueError, match="test_fraction"):
        run_comparison(images, labels, ComparisonSettings(test_fraction=1.5))
    with pytest.raises(ValueError, match="same value"):
        run_comparison(np.zeros((10, 8, 8)), labels[:10], FAST)
