"""The feature-learning panel's work, without Qt: its parameters and the tasks its runners execute.

`learn_task` and `compare_task` run on a `TaskRunner` thread (``task(*args, state)``);
`OnlineSession.update` runs on a `LatestOnlyWorker` thread, one camera frame at a time.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from convlab.engine.centroids import centroids_to_kernels, sort_centroids
from convlab.engine.compare import FEATURE_SETS, ComparisonSettings, run_comparison
from convlab.engine.kmeans import OnlineKMeans, learn_centroids
from convlab.engine.patches import extract_patches, fit_transform_patches
from convlab.io.images import SUPPORTED_EXTENSIONS, ImageReadError, read_image
from convlab.lab.kernel_bank import MAX_KERNELS

PATCH_SOURCES = ("frame", "collected", "folder")
METHOD_LABELS = {"kmeans": "KMeans (Lloyd)", "minibatch": "MiniBatchKMeans"}
SAMPLE_PATCHES = 64
ONLINE_PATCHES = 4000  # patches taken from each new frame in online mode
FOLDER_MAX_SIDE = 1024


@dataclass(frozen=True)
class LearnParams:
    """Everything that decides which kernels k-means learns."""

    source: str = "frame"
    folder: str = ""
    size: int = 8
    count: int = 50_000
    color: bool = False
    seed: int = 0
    normalize: bool = True
    norm_eps: float = 10.0
    whiten: bool = True
    zca_eps: float = 1.0  # Coates & Ng use 0.1; 1.0 keeps a JPEG photo's 8x8 block noise from being amplified
    k: int = 64
    method: str = "kmeans"
    max_iter: int = 100

    @property
    def patch_shape(self) -> tuple:
        """(size, size) or (size, size, 3)."""
        return (self.size, self.size, 3) if self.color else (self.size, self.size)


@dataclass(frozen=True)
class ViewParams:
    """How the learned kernels are shown (no re-learning needed)."""

    sort_by: str = "size"
    show: str = "centroids"  # or "kernels": the whitening folded in, as sent to the bank


@dataclass(frozen=True)
class CompareParams:
    """The comparison's settings (the data set is chosen separately)."""

    kernels: int = 32
    size: int = 5
    seed: int = 0
    digits_side: int = 20
    sets: tuple = FEATURE_SETS

    def settings(self) -> ComparisonSettings:
        """As engine settings."""
        return ComparisonSettings(kernels=self.kernels, size=self.size, seed=self.seed, feature_sets=self.sets)


@dataclass(frozen=True, eq=False)
class LearnedKernels:
    """What the montage shows: learned centroids (possibly still forming) or a loaded bank."""

    kernels: np.ndarray  # (k,) + patch_shape, for raw pictures (whitening folded in)
    centroids: np.ndarray | None = None  # (k,) + patch_shape in the preprocessed space
    sizes: np.ndarray | None = None  # (k,) patches per centroid
    params: LearnParams | None = None
    steps: int = 0
    finished: bool = True
    origin: str = ""
    samples_before: np.ndarray | None = None  # (n,) + patch_shape raw patches
    samples_after: np.ndarray | None = None  # (n,) + patch_shape preprocessed

    def order(self, sort_by: str) -> np.ndarray:
        """Display order of the kernels."""
        k = len(self.kernels)
        if sort_by == "size" and self.sizes is None:
            return np.arange(k)
        shown = self.centroids if self.centroids is not None else self.kernels
        sizes = self.sizes if self.sizes is not None else np.zeros(k)
        return sort_centroids(shown.reshape(k, -1), sizes, sort_by, shown.shape[1:])

    def bank(self, sort_by: str):
        """(names, kernels) for the shared bank: the first MAX_KERNELS kernels in display order, named by rank."""
        order = self.order(sort_by)[:MAX_KERNELS]
        total = self.sizes.sum() if self.sizes is not None and self.sizes.sum() > 0 else None
        names = [f"k-means {rank + 1}" + (f" ({100 * self.sizes[i] / total:.1f}%)" if total else "")
                 for rank, i in enumerate(order)]
        return names, self.kernels[order]


def _folder_pictures(folder):
    """Every readable picture of a folder (downscaled), and how many files were skipped."""
    path = Path(folder)
    if not folder or not path.is_dir():
        raise ValueError(f"'{folder}' is not a folder" if folder else "choose a folder of images first")
    pictures, skipped = [], 0
    for entry in sorted(path.iterdir()):
        if entry.suffix.lower() in SUPPORTED_EXTENSIONS and entry.is_file():
            try:
                pictures.append(read_image(entry, max_side=FOLDER_MAX_SIDE).image)
            except (ImageReadError, OSError):
                skipped += 1
    if not pictures:
        raise ValueError(f"no readable image in '{folder}' ({skipped} unreadable)")
    return pictures, skipped


def _learned(params, preprocessing, clustering, samples, finished):
    """A LearnedKernels from a (partial) clustering."""
    centroids = clustering.centroids
    shape = params.patch_shape
    kernels = centroids_to_kernels(centroids, shape, preprocessing.whitening)
    what = f"k-means {len(centroids)} x {params.size}x{params.size} {'colour' if params.color else 'gray'}"
    return LearnedKernels(kernels, centroids.reshape((-1,) + shape), clustering.sizes, params, clustering.steps,
                          finished, what, samples[0], samples[1].reshape((-1,) + shape))


def learn_task(pictures, params: LearnParams, state):
    """Extract patches, preprocess, run k-means with partial results; returns LearnedKernels."""
    skipped = 0
    if params.source == "folder":
        state.set_progress(0.0, "reading the folder…")
        pictures, skipped = _folder_pictures(params.folder)
    patches = extract_patches(list(pictures), params.size, params.count, seed=params.seed, color=params.color)
    state.set_progress(0.05, f"{len(patches):,} patches cut; preprocessing…")
    prep, x = fit_transform_patches(patches, params.normalize, params.norm_eps, params.whiten, params.zca_eps)
    samples = (patches[:SAMPLE_PATCHES], x[:SAMPLE_PATCHES])
    note = f" ({skipped} unreadable files skipped)" if skipped else ""

    def on_step(_step, info):
        state.set_partial_result(_learned(params, prep, info, samples, finished=False))
        state.set_progress(0.1 + 0.9 * info.progress, f"k-means: {info.steps} steps{note}")

    state.set_progress(0.1, f"k-means on {len(x):,} patches{note}…")
    result = learn_centroids(x, min(params.k, len(x)), params.method, params.seed, params.max_iter,
                             callback=state.engine_callback(on_step))
    return _learned(params, prep, result, samples, finished=not result.stopped)


def compare_task(data, params: CompareParams, state):
    """Run the comparison on a LabelledImages with partial rows; returns the rows."""
    def on_step(_step, info):
        state.set_partial_result(list(info["rows"]))
        state.set_progress(info["progress"], info["stage"])

    return run_comparison(data.images, data.labels, params.settings(), callback=state.engine_callback(on_step))


@dataclass(eq=False)
class OnlineSession:
    """Online k-means on the camera: the model and the preprocessing fitted on the first frame."""

    params: LearnParams
    model: OnlineKMeans = None
    preprocessing: object = None
    frames: int = 0
    samples: tuple = field(default=(None, None))

    def __post_init__(self):
        self.model = OnlineKMeans(self.params.k, self.params.seed)

    def update(self, image) -> LearnedKernels:
        """Patches of one frame -> one partial_fit (worker thread)."""
        p = self.params
        count = min(p.count, ONLINE_PATCHES)
        patches = extract_patches(image, p.size, max(count, p.k), seed=p.seed + self.frames, color=p.color)
        if self.preprocessing is None:
            self.preprocessing, x = fit_transform_patches(patches, p.normalize, p.norm_eps, p.whiten, p.zca_eps)
        else:
            x = self.preprocessing.apply(patches)
        self.frames += 1
        clustering = self.model.update(x)
        learned = _learned(p, self.preprocessing, clustering, (patches[:SAMPLE_PATCHES], x[:SAMPLE_PATCHES]),
                           finished=True)
        return replace(learned, origin=f"online {learned.origin}, {self.frames} frame{'s' * (self.frames != 1)}")


def online_update(job):
    """LatestOnlyWorker compute function: job is (session, frame)."""
    session, frame = job
    return session, session.update(frame.image)

