"""Feature learning without Qt: settings -> learned kernels against the engine, the comparison's settings,
and the panel's lesson section checked from the declarations."""
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convlab.engine.centroids import SORT_KEYS, centroids_to_kernels
from convlab.engine.compare import FEATURE_SETS, ComparisonSettings, run_comparison
from convlab.engine.kmeans import METHODS, learn_centroids
from convlab.engine.patches import extract_patches, fit_transform_patches
from convlab.io.datasets import LabelledImages
from convlab.lab.compare import (
    CompareSettings,
    check_feature_sets,
    compare_from_section,
    compare_section,
    compare_task,
    loaded_digits,
)
from convlab.lab.kernel_bank import MAX_KERNELS
from convlab.lab.learning import (
    METHOD_LABELS,
    SORT_LABELS,
    LearnedKernels,
    LearningLesson,
    LearnSettings,
    MontageSettings,
    OnlineSession,
    bank_note,
    learn_task,
    lesson_from_section,
    lesson_section,
)
from convlab.lab.settings import describe, parse_assignment, setting_fields

ROOT = Path(__file__).resolve().parents[2]
SMALL = LearnSettings(count=1500, k=6, size=5, max_iter=15)
WHERE = "Feature learning"


class State:
    """What a runner gives a task (Qt-free stand-in): progress, partial results, a cancel flag."""

    def __init__(self, cancel_after=None):
        self.progress, self.partial = [], []
        self.cancel_after = cancel_after

    def is_cancelled(self):
        return self.cancel_after is not None and len(self.partial) >= self.cancel_after

    def set_progress(self, fraction, text=""):
        self.progress.append((fraction, text))

    def set_partial_result(self, value):
        self.partial.append(value)

    def engine_callback(self, on_step=None):
        def callback(step, info):
            if on_step is not None and not self.is_cancelled():
                on_step(step, info)
            return self.is_cancelled()
        return callback


def picture(seed=0, shape=(48, 64)):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8).astype(np.float32)


# ---- declarations ----------------------------------------------------------------------------------
def test_the_declarations_are_the_controls_of_the_panel():
    names = [name for name, _, _ in setting_fields(LearnSettings)]
    assert names == ["source", "folder", "size", "count", "color", "seed", "normalize", "norm_eps", "whiten",
                     "zca_eps", "k", "method", "max_iter", "relearn"]
    assert describe(LearnSettings)[2:4] == ["size: 3 to 16 (default 8)", "count: 100 to 200000 (default 50000)"]
    assert "zca_eps: 0 to 1e+30, not 0 (default 1.0)" in describe(LearnSettings)
    assert tuple(METHOD_LABELS) == METHODS and tuple(SORT_LABELS) == SORT_KEYS  # the engine's name lists
    meta = {name: m for name, m, _ in setting_fields(MontageSettings)}
    assert meta["sort_by"].choices == SORT_KEYS and meta["show"].shown("kernels") == "kernels for raw pictures"
    compare = {name: m for name, m, _ in setting_fields(CompareSettings)}
    assert compare["kernels"].high == MAX_KERNELS
    assert (compare["digits_side"].low, compare["digits_side"].high) == (8, 32)


def test_derived_state_of_the_learning_settings():
    assert LearnSettings(size=4, color=True).patch_shape == (4, 4, 3)
    assert LearnSettings(normalize=False, whiten=False).inactive() == {"norm_eps", "zca_eps"}
    assert LearnSettings().inactive() == set()
    assert LearnSettings().learns_like(LearnSettings(relearn=False))
    assert not LearnSettings().learns_like(LearnSettings(zca_eps=0.5))
    assert parse_assignment(LearnSettings(), "zca_eps=0.1").zca_eps == 0.1
    with pytest.raises(ValueError, match="not 0"):
        parse_assignment(LearnSettings(), "norm_eps=0")


# ---- learning against the engine -------------------------------------------------------------------
def test_learn_task_gives_the_engines_kernels_with_the_whitening_folded_in():
    state = State()
    learned = learn_task([picture()], SMALL, state)
    patches = extract_patches([picture()], 5, 1500, seed=0)
    prep, x = fit_transform_patches(patches, True, 10.0, True, 1.0)
    clustering = learn_centroids(x, 6, "kmeans", 0, 15)
    np.testing.assert_allclose(learned.kernels, centroids_to_kernels(clustering.centroids, (5, 5), prep.whitening),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(learned.sizes, clustering.sizes)
    assert learned.finished and learned.settings == SMALL and learned.origin == "k-means 6 x 5x5 gray"
    assert learned.samples_before.shape == (64, 5, 5) and learned.samples_after.shape == (64, 5, 5)
    fractions = [f for f, _ in state.progress]
    assert fractions == sorted(fractions) and fractions[-1] <= 1.0 and "1,500 patches cut" in state.progress[0][1]


def test_a_cancelled_run_returns_its_partial_kernels(monkeypatch):
    monkeypatch.setattr("convlab.engine.kmeans.CHUNK_SECONDS", 0.0)  # a partial result after every chunk
    state = State(cancel_after=1)
    learned = learn_task([picture()], replace(SMALL, max_iter=200), state)
    assert len(state.partial) == 1 and not state.partial[0].finished and not learned.finished


def test_a_folder_of_pictures_skips_unreadable_files(tmp_path):
    Image.fromarray(picture(1).astype(np.uint8)).save(tmp_path / "a.png")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    state = State()
    learned = learn_task([], replace(SMALL, source="folder", folder=str(tmp_path)), state)
    assert learned.finished and any("1 unreadable files skipped" in text for _, text in state.progress)
    with pytest.raises(ValueError, match="is not a folder"):
        learn_task([], replace(SMALL, source="folder", folder=str(tmp_path / "gone")), State())
    with pytest.raises(ValueError, match="choose a folder"):
        learn_task([], replace(SMALL, source="folder"), State())


def test_online_k_means_keeps_the_first_frames_preprocessing():
    session = OnlineSession(SMALL)
    first = session.update(picture(1))
    prep = session.preprocessing
    second = session.update(picture(2))
    assert session.preprocessing is prep and second.sizes.sum() == 2 * 1500
    assert first.origin.endswith(", 1 frame") and second.origin == "online k-means 6 x 5x5 gray, 2 frames"


def test_what_the_montage_and_the_bank_get():
    rng = np.random.default_rng(3)
    kernels = rng.standard_normal((70, 3, 3)).astype(np.float32)
    sizes = np.arange(70, 0, -1)
    learned = LearnedKernels(kernels, kernels.copy(), sizes, finished=False)
    tiles, title = learned.shown(MontageSettings())
    assert tiles is learned.centroids and title == ("70 centroids (whitened space), sorted by size, bar and % = share "
                                                    "of the patches (forming…)")
    tiles, title = learned.shown(MontageSettings(show="kernels", sort_by="none"))
    assert tiles is learned.kernels and title.startswith("70 kernels for raw pictures, sorted by none")
    names, bank = learned.bank("size")
    assert len(names) == MAX_KERNELS and names[0] == f"k-means 1 ({100 * 70 / sizes.sum():.1f}%)"
    np.testing.assert_array_equal(bank, kernels[:MAX_KERNELS])
    assert bank_note(70).startswith("k = 70: the bank holds at most 64") and bank_note(MAX_KERNELS) == ""
    assert learned.describe(0) == f"kernel 1: 70 patches ({100 * 70 / sizes.sum():.1f}%)"
    assert learned.describe(70) == "" and LearnedKernels(kernels).describe(2) == "kernel 3"
    assert LearnedKernels(kernels).order("size").tolist() == list(range(70))  # a loaded bank: as loaded


# ---- the comparison --------------------------------------------------------------------------------
def test_the_comparison_settings_derive_from_the_engines():
    engine = ComparisonSettings()
    assert (CompareSettings().kernels, CompareSettings().size, CompareSettings().seed) == \
        (engine.kernels, engine.size, engine.seed)
    derived = CompareSettings(kernels=9, size=3, seed=4, sets=("hand",)).engine_settings()
    assert derived == replace(engine, kernels=9, size=3, seed=4, feature_sets=("hand",))


def test_compare_task_runs_the_engines_comparison_with_partial_rows():
    from sklearn.datasets import load_digits

    digits = load_digits()
    data = LabelledImages(digits.images[:240].astype(np.float32), digits.target[:240], tuple(range(10)), "digits")
    settings = CompareSettings(kernels=4, sets=("raw", "random"))
    state = State()
    rows = compare_task(data, settings, state)
    expected = run_comparison(data.images, data.labels, settings.engine_settings())
    assert [(r.feature_set, r.accuracy, r.features) for r in rows] == \
        [(r.feature_set, r.accuracy, r.features) for r in expected]
    counts = [len(p) for p in state.partial]  # the rows finished so far, as the engine reports them
    assert counts == sorted(counts) and counts[-1] >= 1 and state.progress[-1][0] <= 1.0


def test_compare_task_loads_the_bundled_digits_itself():
    state = State()
    rows = compare_task(None, CompareSettings(digits_side=8, sets=("raw",)), state)
    assert rows[0].features == 64 and loaded_digits(8).images.shape == (1797, 8, 8)


def test_the_comparisons_lesson_group():
    settings = CompareSettings(kernels=9, sets=("hand", "kmeans"))
    assert compare_section(settings) == {"kernels": 9, "size": 5, "seed": 0, "digits_side": 20,
                                         "sets": ["hand", "kmeans"]}
    assert compare_from_section(compare_section(settings), "Comparison") == (settings, [])
    assert check_feature_sets(["kmeans", "raw"], "sets") == ("raw", "kmeans")
    for bad in ([], ["raw", "raw"], ["pixels"], "raw"):
        with pytest.raises(ValueError, match="sets"):
            check_feature_sets(bad, "sets")


# ---- lesson files ----------------------------------------------------------------------------------
def test_the_section_round_trips_and_keeps_the_old_keys():
    lesson = LearningLesson(replace(SMALL, relearn=False, whiten=False), MontageSettings("orientation", "kernels"),
                            CompareSettings(kernels=7, sets=("raw",)), "compare")
    section = json.loads(json.dumps(lesson_section(lesson)))
    assert list(section) == ["source", "folder", "size", "count", "color", "seed", "normalize", "norm_eps", "whiten",
                             "zca_eps", "k", "method", "max_iter", "sort_by", "show", "relearn", "compare", "tab"]
    assert lesson_from_section(section, WHERE) == (lesson, [])
    assert lesson_from_section({"k": 5}, WHERE) == (LearningLesson(LearnSettings(k=5)), [])


def test_the_shipped_k_means_lesson_loads_unchanged():
    section = json.loads((ROOT / "resources" / "lessons" / "5-k-means-features.convlab").read_text())["panels"]
    lesson, warnings = lesson_from_section(section["learning"], WHERE)
    assert warnings == [] and lesson_section(lesson) == {**section["learning"]}
    assert lesson.montage.sort_by == "orientation" and lesson.compare.sets == FEATURE_SETS


@pytest.mark.parametrize("bad, words", [
    ({"k": 1}, "'k' must be a whole number from 2 to 256"),
    ({"zca_eps": 0}, "'zca_eps' must be a finite number from 0 to 1e+30, not 0"),
    ({"method": "dbscan"}, "'method' must be one of 'kmeans', 'minibatch'"),
    ({"relearn": "yes"}, "'relearn' must be true or false"),
    ({"tab": "figure"}, "'tab' must be one of 'kernels', 'compare'"),
    ({"compare": {"sets": ["raw", "raw"]}}, "'sets' must be a non-empty list of distinct names"),
    ({"compare": {"kernels": 100}}, "'kernels' must be a whole number from 1 to 64"),
    ({"compare": [1]}, "group of named values"),
    (["k", 8], "group of named values"),
    ({"folder": "x" * 5000}, "'folder' must be text of at most 4096 characters"),
])
def test_bad_values_are_refused_naming_the_field(bad, words):
    with pytest.raises(ValueError, match=words.replace("+", "\\+").replace("(", "\\(")):
        lesson_from_section(bad, WHERE)


def test_unknown_fields_warn_and_a_missing_folder_falls_back_to_the_frame(tmp_path):
    lesson, warnings = lesson_from_section({"glow": 1, "source": "folder", "folder": str(tmp_path / "gone"),
                                            "compare": {"shine": 2}}, WHERE)
    assert warnings == [f"{WHERE}: the setting 'glow' is unknown to this convlab and was ignored.",
                        f"{WHERE}, comparison: the setting 'shine' is unknown to this convlab and was ignored.",
                        f"{WHERE}: the lesson learns from the folder '{tmp_path / 'gone'}', which is not on this "
                        f"computer; the current frame is used."]
    assert lesson.learn == LearnSettings(folder=str(tmp_path / "gone"))
    lesson, warnings = lesson_from_section({"source": "folder", "folder": str(tmp_path)}, WHERE)
    assert warnings == [] and lesson.learn.source == "folder"
