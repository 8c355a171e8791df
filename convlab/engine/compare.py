"""What are the kernels worth? Raw pixels, hand-designed, random and k-means banks on one task.

Each feature set goes through the same steps: (learn the bank) -> features of every image
(`encode_images`: convolution -> activation -> pooling over regions; raw pixels are used as
they are) -> standardise (fitted on the training images) -> scikit-learn
``LogisticRegression`` -> accuracy on the held-out test images. The split is stratified and
seeded, and the same for every feature set. The k-means bank is learned WITHOUT labels from
random patches of the training images only (contrast-normalised and ZCA-whitened, then
encoded with the triangle activation, as Coates & Ng); hand-designed and random banks see the
raw pixels with a ReLU. The images are first scaled so that the data set spans 0..255, the
pixel range the normalisation's epsilon is meant for.

Examples
--------
>>> names, bank = hand_designed_bank(10, 5)
>>> names[:2], bank.shape
(['sobel_x', 'sobel_y'], (10, 5, 5))
"""
from __future__ import annotations

import time
from dataclasses import dataclass, fields

import numpy as np
from threadpoolctl import threadpool_limits  # installed with (and used by) scikit-learn

from ._checks import check_choice, check_int, check_positive_int
from .encode import ENCODINGS, REGION_POOL_KINDS, encode_images
from .kernels import EDGE_PRESET_NAMES, gabor_kernel, preset_kernel, random_bank
from .kmeans import learn_centroids
from .patches import extract_patches, fit_transform_patches

__all__ = ["FEATURE_SETS", "FEATURE_SET_LABELS", "ComparisonRow", "ComparisonSettings",
           "hand_designed_bank", "run_comparison", "scale_to_pixels", "split_indices"]

FEATURE_SETS = ("raw", "hand", "random", "kmeans")
FEATURE_SET_LABELS = {"raw": "raw pixels", "hand": "hand-designed", "random": "random", "kmeans": "k-means"}
_GABOR_FREQUENCIES = (0.25, 0.125, 0.375, 0.18)


@dataclass(frozen=True)
class ComparisonSettings:
    """How the comparison is run (every field has the value used by ``main.py compare``)."""

    kernels: int = 32
    size: int = 5
    seed: int = 0
    test_fraction: float = 0.25
    feature_sets: tuple = FEATURE_SETS
    patches: int = 50_000
    pool_grid: int = 2
    pool_kind: str = "sum"
    bank_encoding: str = "relu"
    kmeans_encoding: str = "triangle"
    max_iter: int = 100

    def checked(self):
        """Return self, or raise ValueError naming the first bad field."""
        check_positive_int("kernels", self.kernels)
        check_positive_int("size", self.size)
        check_int("seed", self.seed)
        check_positive_int("patches", self.patches)
        check_positive_int("pool_grid", self.pool_grid)
        check_positive_int("max_iter", self.max_iter)
        check_choice("pool_kind", self.pool_kind, REGION_POOL_KINDS)
        check_choice("bank_encoding", self.bank_encoding, ENCODINGS)
        check_choice("kmeans_encoding", self.kmeans_encoding, ENCODINGS)
        if not 0.0 < float(self.test_fraction) < 1.0:
            raise ValueError(f"test_fraction must be between 0 and 1; got {self.test_fraction!r}")
        if not self.feature_sets:
            raise ValueError(f"feature_sets must name at least one of {', '.join(map(repr, FEATURE_SETS))}; got none")
        for name in self.feature_sets:
            check_choice("feature_sets", name, FEATURE_SETS)
        return self


@dataclass(frozen=True)
class ComparisonRow:
    """One feature set's result: accuracy in 0..1 and the seconds each step took."""

    feature_set: str
    label: str
    kernels: int
    features: int
    accuracy: float
    learn_seconds: float
    extract_seconds: float
    train_seconds: float

    def as_dict(self):
        """The row as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def hand_designed_bank(count, size):
    """Edge and corner detectors, then Gabor kernels (8 orientations, 2 phases, 4 frequencies).

    Parameters
    ----------
    count : int, >= 1
    size : int, >= 2
        The edge and corner presets need an odd size >= 3; otherwise only Gabor kernels.

    Returns
    -------
    names : list of str
    kernels : ndarray, float32, (count, size, size)

    Examples
    --------
    >>> hand_designed_bank(9, 4)[0][:2]
    ['gabor 0° f0.25 even', 'gabor 22.5° f0.25 even']
    """
    count = check_positive_int("count", count)
    size = check_int("size", size, minimum=2)
    names, kernels = [], []
    if size % 2 == 1:
        for name in EDGE_PRESET_NAMES[:count]:
            names.append(name)
            kernels.append(preset_kernel(name, size))
    index = 0
    while len(kernels) < count:
        frequency = _GABOR_FREQUENCIES[(index // 16) % len(_GABOR_FREQUENCIES)]
        odd = (index // 8) % 2 == 1
        degrees = 22.5 * (index % 8) + (11.25 if index >= 16 * len(_GABOR_FREQUENCIES) else 0.0)
        names.append(f"gabor {degrees:g}° f{frequency:g} {'odd' if odd else 'even'}")
        kernels.append(gabor_kernel(size, np.deg2rad(degrees), frequency, phase=np.pi / 2 if odd else 0.0))
        index += 1
    return names, np.asarray(kernels, np.float32)


def scale_to_pixels(images):
    """Images scaled so that the whole set spans 0..255, float32.

    Examples
    --------
    >>> scale_to_pixels(np.array([[[0.0, 0.5], [1.0, 1.0]]])).tolist()
    [[[0.0, 127.5], [255.0, 255.0]]]
    """
    images = np.asarray(images, np.float32)
    low, high = float(images.min()), float(images.max())
    if not high > low:
        raise ValueError("images must not all have the same value (nothing to learn from)")
    return (images - low) * np.float32(255.0 / (high - low))


def split_indices(labels, test_fraction=0.25, seed=0):
    """Stratified, seeded train/test split of the sample indices.

    Examples
    --------
    >>> train, test = split_indices([0, 0, 0, 0, 1, 1, 1, 1], 0.5, seed=0)
    >>> len(train), len(test), sorted(np.asarray([0, 0, 0, 0, 1, 1, 1, 1])[test].tolist())
    (4, 4, [0, 0, 1, 1])
    """
    from sklearn.model_selection import train_test_split  # loads on first use: a quick start-up

    indices = np.arange(len(labels))
    train, test = train_test_split(indices, test_size=test_fraction, random_state=seed, stratify=labels)
    return np.sort(train), np.sort(test)


class _Progress:
    """Turns the steps of the comparison into callback calls; remembers a stop request."""

    def __init__(self, callback, count):
        self.callback, self.count, self.rows, self.stopped = callback, count, [], False

    def report(self, index, stage, fraction):
        """Report `stage` of feature set `index` at `fraction` of it; True means stop."""
        if self.callback is not None and not self.stopped:
            info = {"stage": stage, "progress": (index + fraction) / self.count, "rows": tuple(self.rows)}
            self.stopped = bool(self.callback(index, info))
        return self.stopped


def _learn_bank(name, images, train, settings, progress, index):
    """(kernels, encoding, preprocessing) of one feature set; None if stopped."""
    if name == "hand":
        return hand_designed_bank(settings.kernels, settings.size)[1], settings.bank_encoding, None
    if name == "random":
        kernels = random_bank(settings.kernels, settings.size, seed=settings.seed).astype(np.float32)
        return kernels, settings.bank_encoding, None
    patches = extract_patches(list(images[train]), settings.size, settings.patches, seed=settings.seed)
    preprocessing, x = fit_transform_patches(patches)
    k = min(settings.kernels, len(x))

    def on_step(_step, info):
        return progress.report(index, "k-means: learning kernels", 0.5 * info.progress)

    result = learn_centroids(x, k, seed=settings.seed, max_iter=settings.max_iter, callback=on_step)
    if result.stopped:
        return None
    return result.centroids.reshape(k, settings.size, settings.size), settings.kmeans_encoding, preprocessing


def _train_and_score(features, labels, train, test):
    """Standardise, fit logistic regression on `train`, return accuracy on `test`."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(features[train])
    model = LogisticRegression(max_iter=2000).fit(scaler.transform(features[train]), labels[train])
    return float(model.score(scaler.transform(features[test]), labels[test]))


def _one_row(name, images, labels, split, settings, progress, index):
    """Run one feature set; None if stopped."""
    train, test = split
    started = time.perf_counter()
    kernel_count = 0
    if name == "raw":
        learn_seconds, extract_start = 0.0, time.perf_counter()
        features = images.reshape(len(images), -1)
    else:
        bank = _learn_bank(name, images, train, settings, progress, index)
        if bank is None or progress.report(index, f"{FEATURE_SET_LABELS[name]}: extracting features", 0.5):
            return None
        kernels, encoding, preprocessing = bank
        kernel_count = len(kernels)
        extract_start = time.perf_counter()
        learn_seconds = extract_start - started
        features = encode_images(images, kernels, encoding, preprocessing, settings.pool_grid, settings.pool_kind,
                                 callback=lambda *_: progress.report(index, "extracting features", 0.6))
        if len(features) < len(images):
            return None
    extract_seconds = time.perf_counter() - extract_start
    if progress.report(index, f"{FEATURE_SET_LABELS[name]}: training the classifier", 0.8):
        return None
    train_start = time.perf_counter()
    accuracy = _train_and_score(features, labels, train, test)
    return ComparisonRow(name, FEATURE_SET_LABELS[name], kernel_count, features.shape[1], accuracy,
                         learn_seconds, extract_seconds, time.perf_counter() - train_start)


def run_comparison(images, labels, settings=None, callback=None):
    """Compare feature sets on a labelled image set.

    Parameters
    ----------
    images : array_like, (N, H, W)
        Any real values (scaled to 0..255 first, see `scale_to_pixels`); H, W >= size.
    labels : array_like, (N,)
        Class of each image; every class needs at least 2 images.
    settings : ComparisonSettings, optional
    callback : callable ``callback(step, info)``, optional
        ``step`` is the index of the feature set being run; ``info`` has ``stage`` (text),
        ``progress`` (0..1 over the whole comparison) and ``rows`` (the finished rows).
        Returning True stops: the rows finished so far are returned.

    Returns
    -------
    list of ComparisonRow
        In the order of ``settings.feature_sets``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> digits = load_digits()
    >>> rows = run_comparison(digits.images[:200], digits.target[:200],
    ...                       ComparisonSettings(feature_sets=("raw",)))
    >>> rows[0].label, rows[0].features
    ('raw pixels', 64)
    """
    settings = (settings or ComparisonSettings()).checked()
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.ndim != 3 or labels.shape != (images.shape[0],):
        raise ValueError(f"images must be (N, H, W) and labels (N,); got {images.shape} and {labels.shape}")
    if min(images.shape[1:]) < settings.size:
        raise ValueError(f"size must be at most the image side ({min(images.shape[1:])}); got {settings.size}")
    images = scale_to_pixels(images)
    split = split_indices(labels, settings.test_fraction, settings.seed)
    progress = _Progress(callback, len(settings.feature_sets))
    # BLAS on one thread: the products here are small (conv_bank runs its own two threads), and
    # threaded OpenBLAS made the classifier 60x slower (6 s, not 0.1 s) on two busy cores.
    with threadpool_limits(limits=1, user_api="blas"):
        for index, name in enumerate(settings.feature_sets):
            if progress.report(index, f"{FEATURE_SET_LABELS[name]}: starting", 0.0):
                break
            row = _one_row(name, images, labels, split, settings, progress, index)
            if row is None:
                break
            progress.rows.append(row)
    return list(progress.rows)
