"""Features without labels: k-means kernels from image patches (Coates & Ng), without Qt.

The feature-learning panel's settings and its work: cut random patches from pictures, normalise
their contrast, ZCA-whiten them, run k-means (batch, with partial results, or online one frame at a
time), and turn the centroids into kernels for raw pictures (the whitening folded in).

- :class:`LearnSettings` decides which kernels are learned, :class:`MontageSettings` how they are
  shown; the comparison's settings are in :mod:`convlab.lab.compare`.
- :func:`learn_task` runs on a ``TaskRunner`` thread (``task(*args, state)``);
  :meth:`OnlineSession.update` on a ``LatestOnlyWorker`` thread, one camera frame at a time.
- :func:`lesson_section` / :func:`lesson_from_section`: the panel's part of a lesson file.

>>> LearnSettings(size=4, color=True).patch_shape, sorted(LearnSettings(normalize=False).inactive())
((4, 4, 3), ['norm_eps'])
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from convlab.engine.centroids import SORT_KEYS, centroids_to_kernels, sort_centroids
from convlab.engine.kmeans import METHODS, OnlineKMeans, learn_centroids
from convlab.engine.patches import extract_patches, fit_transform_patches
from convlab.io.images import SUPPORTED_EXTENSIONS, ImageReadError, read_image
from convlab.io.lesson_fields import check_fields, choice
from convlab.lab.compare import CompareSettings, compare_from_section, compare_section
from convlab.lab.kernel_bank import MAX_KERNELS
from convlab.lab.settings import as_section, checkers, setting

__all__ = ["LearnSettings", "LearnedKernels", "LearningLesson", "MontageSettings", "OnlineSession", "bank_note",
           "learn_task", "lesson_from_section", "lesson_section", "online_update"]

PATCH_SOURCES = ("frame", "collected", "folder")
SOURCE_LABELS = dict(zip(PATCH_SOURCES, ("Current frame", "Frames collected over time", "Folder of images")))
METHOD_LABELS = dict(zip(METHODS, ("KMeans (Lloyd)", "MiniBatchKMeans")))
SORT_LABELS = dict(zip(SORT_KEYS, ("cluster size", "orientation", "as learned")))
SHOW_LABELS = {"centroids": "centroids (whitened space)", "kernels": "kernels for raw pictures"}
TAB_KEYS = ("kernels", "compare")
SAMPLE_PATCHES = 64
ONLINE_PATCHES = 4000  # patches taken from each new frame in online mode
FOLDER_MAX_SIDE = 1024
MAX_FOLDER = 4096  # characters of a folder path in a lesson file
NO_LIMIT = 1e30


@dataclass(frozen=True)
class LearnSettings:
    """Everything that decides which kernels k-means learns, and whether a change re-learns them."""

    source: str = setting("frame", "Source", choices=PATCH_SOURCES, labels=SOURCE_LABELS)
    folder: str = setting("", "", high=MAX_FOLDER)
    size: int = setting(8, "Patch size", low=3, high=16)
    count: int = setting(50_000, "Patches", low=100, high=200_000, step=5000,
                         tooltip="Random patches cut from the source (up to 200,000).")
    color: bool = setting(False, "colour patches (RGB)")
    seed: int = setting(0, "Seed", low=0, high=99999)
    normalize: bool = setting(True, "remove mean, normalise contrast")
    norm_eps: float = setting(10.0, "Contrast epsilon", low=0.0, high=NO_LIMIT, nonzero=True,
                              tooltip="Added to each patch's variance: (x - mean) / sqrt(var + eps). 10 suits pixels "
                                      "0..255.")
    whiten: bool = setting(True, "ZCA whitening")
    # Coates & Ng use 0.1; 1.0 keeps a JPEG photo's 8x8 block noise from being amplified
    zca_eps: float = setting(1.0, "Whitening epsilon", low=0.0, high=NO_LIMIT, nonzero=True,
                             tooltip="Added to the eigenvalues before whitening. Coates & Ng use 0.1; 1.0 keeps the "
                                     "8x8 block noise of a JPEG photo from turning into checkerboard kernels.")
    k: int = setting(64, "k (kernels)", low=2, high=256)
    method: str = setting("kmeans", "Algorithm", choices=METHODS, labels=METHOD_LABELS,
                          tooltip="KMeans: exact Lloyd iterations. MiniBatchKMeans: much faster, slightly worse fit.")
    max_iter: int = setting(100, "Max. iterations", low=1, high=1000)
    relearn: bool = setting(True, "re-learn when a setting changes")

    @property
    def patch_shape(self) -> tuple:
        """(size, size) or (size, size, 3)."""
        return (self.size, self.size, 3) if self.color else (self.size, self.size)

    def inactive(self) -> set:
        """The epsilons of switched-off steps have no effect."""
        return {name for name, on in (("norm_eps", self.normalize), ("zca_eps", self.whiten)) if not on}

    def learns_like(self, other: LearnSettings) -> bool:
        """Whether ``other`` learns the same kernels (only the re-learn switch may differ).

        >>> LearnSettings().learns_like(LearnSettings(relearn=False)), LearnSettings().learns_like(LearnSettings(k=9))
        (True, False)
        """
        return replace(self, relearn=True) == replace(other, relearn=True)


@dataclass(frozen=True)
class MontageSettings:
    """How the learned kernels are shown (no re-learning needed)."""

    sort_by: str = setting("size", "Sort by", choices=SORT_KEYS, labels=SORT_LABELS)
    show: str = setting("centroids", "Show", choices=tuple(SHOW_LABELS), labels=SHOW_LABELS,
                        tooltip="Centroids live in the whitened space; the kernels are what the bank receives.")


def bank_note(k: int) -> str:
    """What the bank panel note says about ``k`` learned kernels ("" when they all fit)."""
    if k <= MAX_KERNELS:
        return ""
    return (f"k = {k}: the bank holds at most {MAX_KERNELS} kernels, so it takes the first {MAX_KERNELS} in the "
            f"montage's order.")


@dataclass(frozen=True, eq=False)
class LearnedKernels:
    """What the montage shows: learned centroids (possibly still forming) or a loaded bank."""

    kernels: np.ndarray  # (k,) + patch_shape, for raw pictures (whitening folded in)
    centroids: np.ndarray | None = None  # (k,) + patch_shape in the preprocessed space
    sizes: np.ndarray | None = None  # (k,) patches per centroid
    settings: LearnSettings | None = None
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

    def shown(self, montage: MontageSettings) -> tuple[np.ndarray, str]:
        """The tiles the montage shows, (k,) + patch_shape, and its title."""
        centroids = montage.show == "centroids" and self.centroids is not None
        tiles = self.centroids if centroids else self.kernels
        what = "centroids (whitened space)" if centroids else "kernels for raw pictures"
        sizes = "" if self.sizes is None else ", bar and % = share of the patches"
        title = (f"{len(tiles)} {what}, sorted by {montage.sort_by}{sizes}"
                 + ("" if self.finished else " (forming…)"))
        return tiles, title

    def describe(self, index: int) -> str:
        """One line about kernel ``index`` (its cluster's patches), "" outside."""
        if not 0 <= index < len(self.kernels):
            return ""
        if self.sizes is None:
            return f"kernel {index + 1}"
        share = 100 * self.sizes[index] / max(self.sizes.sum(), 1)
        return f"kernel {index + 1}: {int(self.sizes[index]):,} patches ({share:.1f}%)"


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


def _learned(settings, preprocessing, clustering, samples, finished):
    """A LearnedKernels from a (partial) clustering."""
    centroids = clustering.centroids
    shape = settings.patch_shape
    kernels = centroids_to_kernels(centroids, shape, preprocessing.whitening)
    what = f"k-means {len(centroids)} x {settings.size}x{settings.size} {'colour' if settings.color else 'gray'}"
    return LearnedKernels(kernels, centroids.reshape((-1,) + shape), clustering.sizes, settings, clustering.steps,
                          finished, what, samples[0], samples[1].reshape((-1,) + shape))


def learn_task(pictures, settings: LearnSettings, state):
    """Extract patches, preprocess, run k-means with partial results; returns LearnedKernels.

    ``pictures`` is a list of images (ignored when ``settings.source`` is "folder": the folder is
    read here, on the runner's thread).
    """
    skipped = 0
    if settings.source == "folder":
        state.set_progress(0.0, "reading the folder…")
        pictures, skipped = _folder_pictures(settings.folder)
    s = settings
    patches = extract_patches(list(pictures), s.size, s.count, seed=s.seed, color=s.color)
    state.set_progress(0.05, f"{len(patches):,} patches cut; preprocessing…")
    prep, x = fit_transform_patches(patches, s.normalize, s.norm_eps, s.whiten, s.zca_eps)
    samples = (patches[:SAMPLE_PATCHES], x[:SAMPLE_PATCHES])
    note = f" ({skipped} unreadable files skipped)" if skipped else ""

    def on_step(_step, info):
        state.set_partial_result(_learned(s, prep, info, samples, finished=False))
        state.set_progress(0.1 + 0.9 * info.progress, f"k-means: {info.steps} steps{note}")

    state.set_progress(0.1, f"k-means on {len(x):,} patches{note}…")
    result = learn_centroids(x, min(s.k, len(x)), s.method, s.seed, s.max_iter, callback=state.engine_callback(on_step))
    return _learned(s, prep, result, samples, finished=not result.stopped)


@dataclass(eq=False)
class OnlineSession:
    """Online k-means on the camera: the model and the preprocessing fitted on the first frame."""

    settings: LearnSettings
    model: OnlineKMeans = None
    preprocessing: object = None
    frames: int = 0
    samples: tuple = field(default=(None, None))

    def __post_init__(self):
        self.model = OnlineKMeans(self.settings.k, self.settings.seed)

    def update(self, image) -> LearnedKernels:
        """Patches of one frame -> one partial_fit (worker thread)."""
        s = self.settings
        count = min(s.count, ONLINE_PATCHES)
        patches = extract_patches(image, s.size, max(count, s.k), seed=s.seed + self.frames, color=s.color)
        if self.preprocessing is None:
            self.preprocessing, x = fit_transform_patches(patches, s.normalize, s.norm_eps, s.whiten, s.zca_eps)
        else:
            x = self.preprocessing.apply(patches)
        self.frames += 1
        clustering = self.model.update(x)
        learned = _learned(s, self.preprocessing, clustering, (patches[:SAMPLE_PATCHES], x[:SAMPLE_PATCHES]),
                           finished=True)
        return replace(learned, origin=f"online {learned.origin}, {self.frames} frame{'s' * (self.frames != 1)}")


def online_update(job):
    """LatestOnlyWorker compute function: job is (session, frame)."""
    session, frame = job
    return session, session.update(frame.image)


# lesson files ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LearningLesson:
    """The panel's part of a lesson: learning, montage and comparison settings, and the sub-tab shown."""

    learn: LearnSettings = LearnSettings()
    montage: MontageSettings = MontageSettings()
    compare: CompareSettings = CompareSettings()
    tab: str = TAB_KEYS[0]


def lesson_section(lesson: LearningLesson) -> dict:
    """The lesson-file section: the LearnSettings and MontageSettings fields, "relearn", "compare" and "tab".

    >>> section = lesson_section(LearningLesson(tab="compare"))
    >>> section["k"], section["sort_by"], section["relearn"], section["compare"]["sets"], section["tab"]
    (64, 'size', True, ['raw', 'hand', 'random', 'kmeans'], 'compare')
    """
    learn = as_section(lesson.learn)
    relearn = learn.pop("relearn")
    return {**learn, **as_section(lesson.montage), "relearn": relearn, "compare": compare_section(lesson.compare),
            "tab": lesson.tab}


def lesson_from_section(section, where: str) -> tuple[LearningLesson, list]:
    """A lesson's section checked against the declarations (missing fields take their defaults).

    A folder that is not on this computer falls back to the current frame, with a warning.
    Raises ValueError naming the field when a value is bad (nothing is applied then).

    >>> lesson, warnings = lesson_from_section({"k": 8, "sort_by": "none", "glow": 1}, "Feature learning")
    >>> lesson.learn.k, lesson.montage.sort_by, warnings
    (8, 'none', ["Feature learning: the setting 'glow' is unknown to this convlab and was ignored."])
    """
    known = {**checkers(LearnSettings), **checkers(MontageSettings), "compare": lambda value, _name: value,
             "tab": choice(TAB_KEYS)}
    values, warnings = check_fields(section, known, where)
    compare, notes = compare_from_section(values.pop("compare", {}), f"{where}, comparison")
    warnings += notes
    montage = replace(MontageSettings(), **{key: values.pop(key) for key in ("sort_by", "show") if key in values})
    tab = values.pop("tab", TAB_KEYS[0])
    learn = replace(LearnSettings(), **values)
    if learn.source == "folder" and not Path(learn.folder).is_dir():
        warnings.append(f"{where}: the lesson learns from the folder '{learn.folder}', which is not on this "
                        f"computer; the current frame is used.")
        learn = replace(learn, source="frame")
    return LearningLesson(learn, montage, compare, tab), warnings
