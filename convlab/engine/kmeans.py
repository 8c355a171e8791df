"""K-means on patches, with progress: every centroid becomes a kernel.

A thin wrapper over scikit-learn. `learn_centroids` runs ``KMeans`` (Lloyd) or
``MiniBatchKMeans`` in short chunks so that a plain ``callback(step, info)`` sees the centroids
while they form and can stop the run (by returning True). Lloyd's algorithm is deterministic
given its centres, so the chunks give exactly the centroids of one uninterrupted run. Both
methods start from k-means++ centres chosen on a random subset of the patches (as
``MiniBatchKMeans`` does with ``init_size``), which is several times cheaper than k-means++ on
all of them. `OnlineKMeans` feeds batches one by one (``partial_fit``), e.g. the patches of each
new camera frame. Sorting and the conversion of centroids into kernels live in
`convlab.engine.centroids`.

Examples
--------
>>> import numpy as np
>>> x = np.concatenate([np.zeros((50, 2)), np.full((50, 2), 10.0)])
>>> result = learn_centroids(x, 2, seed=0)
>>> sorted(result.sizes.tolist()), bool(result.converged)
([50, 50], True)
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from ._checks import check_array, check_choice, check_finite, check_finite_array, check_int, check_positive_int

__all__ = ["METHODS", "Clustering", "OnlineKMeans", "assign_patches", "initial_centres", "learn_centroids"]

METHODS = ("kmeans", "minibatch")
CHUNK_SECONDS = 1.0  # longest Lloyd chunk between two callbacks (chunks double up to this)
BATCH_CHUNK_SECONDS = 0.25  # mini-batch steps between two callbacks
_ASSIGN_ROWS = 8192


@dataclass(frozen=True, eq=False)
class Clustering:
    """Centroids and what is known about them (a finished run, or a partial one).

    Attributes
    ----------
    centroids : ndarray, float32, (k, D)
    sizes : ndarray, int64, (k,)
        Patches assigned to each centroid (for a partial mini-batch run: on a sample).
    inertia : float
        Sum of squared distances of those patches to their centroid.
    steps : int
        Lloyd iterations, or mini-batch steps, done so far.
    progress : float
        Fraction of the allowed steps done, 1.0 when finished.
    converged : bool
        The run stopped because the centroids settled (not because of the step limit).
    stopped : bool
        The callback stopped the run.
    """

    centroids: np.ndarray
    sizes: np.ndarray
    inertia: float
    steps: int
    progress: float
    converged: bool = False
    stopped: bool = False


def assign_patches(patches, centroids):
    """Nearest centroid of every patch, and the squared distance to it.

    Parameters
    ----------
    patches : array_like, (N, D)
    centroids : array_like, (k, D)

    Returns
    -------
    labels : ndarray, int64, (N,)
    distances : ndarray, float32, (N,)
        Squared Euclidean distances (float32 sgemm, clipped at 0).

    Examples
    --------
    >>> assign_patches([[0.0, 0.0], [9.0, 9.0]], [[10.0, 10.0], [0.0, 1.0]])[0].tolist()
    [1, 0]
    """
    x = np.asarray(patches, np.float32)
    c = np.asarray(centroids, np.float32)
    if x.ndim != 2 or c.ndim != 2 or x.shape[1] != c.shape[1] or c.shape[0] == 0:
        raise ValueError(f"patches (N, D) and centroids (k, D) must agree in D; got {x.shape} and {c.shape}")
    labels = np.empty(x.shape[0], np.int64)
    distances = np.empty(x.shape[0], np.float32)
    c_norms = np.einsum("kd,kd->k", c, c)
    for start in range(0, x.shape[0], _ASSIGN_ROWS):
        block = x[start:start + _ASSIGN_ROWS]
        d = block @ (-2.0 * c.T)
        d += c_norms
        labels[start:start + len(block)] = nearest = d.argmin(axis=1)
        best = d[np.arange(len(block)), nearest] + np.einsum("nd,nd->n", block, block)
        distances[start:start + len(block)] = np.maximum(best, 0.0)
    return labels, distances


def _check_data(patches, k):
    """`patches` as a private C-contiguous float32 (N, D) copy, and k checked against N."""
    x = np.array(patches, dtype=np.float32, order="C", copy=True)
    check_finite_array("patches", check_array("patches", x, 2, "(N, D)"))
    k = check_int("k", k, minimum=2)
    if k > x.shape[0]:
        raise ValueError(f"k must be at most the number of patches ({x.shape[0]}); got {k}")
    return x, k


def _seed_centres(x, k, seed, init_size):
    """k-means++ centres chosen on a random subset of `init_size` patches."""
    from sklearn.cluster import kmeans_plusplus  # scikit-learn loads on first use: a quick start-up

    n = x.shape[0]
    size = n if init_size is None else min(n, max(check_positive_int("init_size", init_size), k))
    subset = x if size == n else x[np.random.default_rng(seed).choice(n, size, replace=False)]
    centres, _ = kmeans_plusplus(subset, k, random_state=seed)
    return np.ascontiguousarray(centres, np.float32)


def initial_centres(patches, k, seed=0, init_size=10_000):
    """The k-means++ centres `learn_centroids` starts from (e.g. to give scikit-learn the same start).

    Parameters
    ----------
    patches, k, seed, init_size
        As in `learn_centroids`.

    Returns
    -------
    ndarray, float32, (k, D)

    Examples
    --------
    >>> x = np.concatenate([np.zeros((5, 2)), np.ones((5, 2))])
    >>> initial_centres(x, 2).shape
    (2, 2)
    """
    x, k = _check_data(patches, k)
    return _seed_centres(x, k, check_int("seed", seed), init_size)


def _next_chunk(chunk, elapsed, done_in_chunk):
    """Twice the last chunk, at most what fits in CHUNK_SECONDS (at least one iteration).

    Every chunk costs about three iterations more (scikit-learn's set-up and final E-step), so
    chunks grow quickly: the early iterations, which change the centroids most, are shown often.
    """
    per_step = max(elapsed, 1e-6) / max(done_in_chunk, 1)
    return int(max(1, min(2 * chunk, CHUNK_SECONDS / per_step)))


def _lloyd(x, k, centres, options, callback):
    """Lloyd iterations in chunks of KMeans(init=centres, n_init=1).fit."""
    import sklearn
    from sklearn.cluster import KMeans

    max_iter, tol, seed = options["max_iter"], options["tol"], options["seed"]
    done, step = 0, 0
    chunk = 2 if callback is not None else max_iter  # without a callback: one plain scikit-learn run
    with sklearn.config_context(assume_finite=True):
        while True:
            n = min(chunk, max_iter - done)
            started = time.perf_counter()
            model = KMeans(k, init=centres, n_init=1, max_iter=n, tol=tol, copy_x=False,
                           random_state=seed).fit(x)
            elapsed = time.perf_counter() - started
            done += model.n_iter_
            centres = np.ascontiguousarray(model.cluster_centers_, np.float32)
            converged = model.n_iter_ < n
            finished = converged or done >= max_iter
            result = Clustering(centres, np.bincount(model.labels_, minlength=k).astype(np.int64),
                                float(model.inertia_), done, 1.0 if finished else done / max_iter, converged)
            if finished:
                return result
            if callback is not None and callback(step, result):
                return replace(result, stopped=True)
            step += 1
            chunk = _next_chunk(chunk, elapsed, model.n_iter_)


def _minibatch(x, k, centres, options, callback):
    """MiniBatchKMeans.partial_fit on random batches, stopping as scikit-learn's fit does."""
    import sklearn
    from sklearn.cluster import MiniBatchKMeans

    n, batch = x.shape[0], min(options["batch_size"], x.shape[0])
    rng = np.random.default_rng(options["seed"])
    model = MiniBatchKMeans(k, init=centres, n_init=1, batch_size=batch, random_state=options["seed"],
                            compute_labels=False)
    total = max(options["max_iter"] * n // batch, 1)
    alpha = min(batch * 2.0 / (n + 1), 1.0)
    smoothed, best, no_improvement = None, np.inf, 0
    sample = x if n <= 20_000 else x[rng.choice(n, 20_000, replace=False)]
    done, step, converged = 0, 0, False
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        while True:
            started = time.perf_counter()
            while True:  # at least one step per chunk
                sample_batch = x[rng.integers(0, n, batch)]
                if done:  # the batch's inertia before the update, from step 1 on, as sklearn's fit
                    mean = -model.score(sample_batch) / batch
                    smoothed = mean if smoothed is None else smoothed * (1 - alpha) + mean * alpha
                    no_improvement = 0 if smoothed < best else no_improvement + 1
                    best = min(best, smoothed)
                    converged = no_improvement >= options["patience"]
                model.partial_fit(sample_batch)
                done += 1
                if done >= total or converged or time.perf_counter() - started >= BATCH_CHUNK_SECONDS:
                    break
            finished = converged or done >= total
            centres = np.ascontiguousarray(model.cluster_centers_, np.float32)
            labels, distances = assign_patches(x if finished else sample, centres)
            result = Clustering(centres, np.bincount(labels, minlength=k).astype(np.int64),
                                float(distances.sum()), done, 1.0 if finished else done / total, converged)
            if finished:
                return result
            if callback is not None and callback(step, result):
                return replace(result, stopped=True)
            step += 1


def learn_centroids(patches, k, method="kmeans", seed=0, max_iter=300, tol=1e-4, batch_size=1024,
                    init_size=10_000, patience=10, callback=None):
    """Cluster patches with k-means; report the forming centroids to a callback.

    Parameters
    ----------
    patches : array_like, (N, D)
        Flattened (usually normalised and whitened) patches; copied to float32.
    k : int, 2..N
        Number of centroids.
    method : {"kmeans", "minibatch"}
        ``kmeans``: scikit-learn ``KMeans`` (Lloyd), run in chunks of iterations.
        ``minibatch``: ``MiniBatchKMeans.partial_fit`` on random batches of `batch_size`.
    seed : int, default 0
        Seeds the k-means++ start, the batches and scikit-learn's ``random_state``.
    max_iter : int, default 300
        Lloyd iterations; for mini-batches, passes over the data (``max_iter * N / batch_size``
        steps), as in scikit-learn.
    tol : float, default 1e-4
        Lloyd stops when the centres move less than this (relative to the data variance,
        scikit-learn's definition).
    batch_size : int, default 1024
    init_size : int or None, default 10_000
        k-means++ runs on this many random patches (at least k); None uses all of them.
    patience : int, default 10
        Mini-batches: stop when the smoothed batch inertia has not improved for this many steps
        (scikit-learn's ``max_no_improvement``).
    callback : callable ``callback(step, info)``, optional
        Called between chunks with the step number and a partial `Clustering`: after 2, 4, 8,
        ... Lloyd iterations (a chunk lasts at most about 1 s), or every 0.25 s of mini-batch
        steps. Returning True stops the run, which then returns that partial result with
        ``stopped=True``. Not called after the last chunk. Without a callback Lloyd runs as
        one scikit-learn ``fit``.

    Returns
    -------
    Clustering

    Examples
    --------
    >>> x = np.random.default_rng(0).standard_normal((300, 4)).astype(np.float32)
    >>> learn_centroids(x, 3, method="minibatch", batch_size=64).centroids.shape
    (3, 4)
    """
    x, k = _check_data(patches, k)
    check_choice("method", method, METHODS)
    options = {"seed": check_int("seed", seed), "max_iter": check_positive_int("max_iter", max_iter),
               "tol": check_finite("tol", tol, 0), "batch_size": check_positive_int("batch_size", batch_size),
               "patience": check_positive_int("patience", patience)}
    centres = _seed_centres(x, k, options["seed"], init_size)
    run = _lloyd if method == "kmeans" else _minibatch
    return run(x, k, centres, options, callback)


class OnlineKMeans:
    """K-means fed one batch at a time (``MiniBatchKMeans.partial_fit``), e.g. one per camera frame.

    Parameters
    ----------
    k : int, >= 2
    seed : int, default 0

    Examples
    --------
    >>> online = OnlineKMeans(2, seed=0)
    >>> rng = np.random.default_rng(0)
    >>> for _ in range(3):
    ...     info = online.update(rng.standard_normal((100, 5)))
    >>> info.centroids.shape, int(info.sizes.sum()), info.steps
    ((2, 5), 300, 3)
    """

    def __init__(self, k, seed=0):
        self.k = check_int("k", k, minimum=2)
        self.seed = check_int("seed", seed)
        self._model = None
        self._sizes = np.zeros(self.k, np.int64)
        self.steps = 0

    def update(self, patches):
        """Move the centroids towards one batch of patches (N, D), N >= k on the first call.

        Returns a `Clustering` whose sizes count every patch seen so far (each assigned to its
        centroid at the time it was seen).
        """
        import sklearn
        from sklearn.cluster import MiniBatchKMeans, kmeans_plusplus

        x = np.ascontiguousarray(patches, np.float32)
        check_finite_array("patches", check_array("patches", x, 2, "(N, D)"))
        if self._model is None:
            if x.shape[0] < self.k:
                raise ValueError(f"the first batch must hold at least k={self.k} patches; got {x.shape[0]}")
            centres, _ = kmeans_plusplus(x, self.k, random_state=self.seed)
            self._model = MiniBatchKMeans(self.k, init=centres, n_init=1, random_state=self.seed)
        elif x.shape[1] != self._model.cluster_centers_.shape[1]:
            raise ValueError(f"patches must have {self._model.cluster_centers_.shape[1]} values each, "
                             f"as the first batch; got {x.shape[1]}")
        with sklearn.config_context(assume_finite=True):
            self._model.partial_fit(x)
        self._sizes += np.bincount(self._model.labels_, minlength=self.k)
        self.steps += 1
        return Clustering(np.array(self._model.cluster_centers_, np.float32), self._sizes.copy(),
                          float(self._model.inertia_), self.steps, 1.0)
