"""K-means kernels benchmark: 64 kernels of 8x8 from 100,000 whitened patches of a real photo.

    python benchmarks/bench_kmeans.py [--patches 100000] [--k 64] [--size 8] [--repeats 3]

Times the panel's engine path (`learn_centroids`, chunked with a progress callback, k-means++ on a
10,000-patch subset) against plain scikit-learn on the same whitened patches: ``KMeans`` with its
defaults (k-means++ on all patches, max_iter=300, tol=1e-4), ``KMeans`` started from the same
subset centres (isolates the cost of the chunks and callbacks), and ``MiniBatchKMeans``. Every run
is repeated with seeds 0, 1, 2, ... (the k-means++ start decides how many iterations follow),
interleaved, and reported as medians; the inertia (sum of squared distances on all patches) shows
that the runs reach the same quality. Also times the preprocessing (patch
extraction, contrast normalisation, float32 ZCA) against scikit-learn's ``PCA(whiten=True)``.
Prints a markdown table.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _timed(function):
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def prepare(patches, size, seed=0):
    """Whitened patches of the bundled photo, and the preprocessing timings."""
    from sklearn.datasets import load_sample_image
    from sklearn.decomposition import PCA

    from convlab.engine.patches import apply_zca, extract_patches, fit_zca, normalize_patches

    photo = load_sample_image("china.jpg")
    timings = {"extract": [], "normalise": [], "zca": [], "pca": []}
    for _ in range(5):  # medians of warm runs
        seconds, raw = _timed(lambda: extract_patches(photo, size, patches, seed=seed))
        timings["extract"].append(seconds)
        seconds, normalized = _timed(lambda: normalize_patches(raw))
        timings["normalise"].append(seconds)
        seconds, whitened = _timed(lambda: apply_zca(normalized, fit_zca(normalized, eps=0.1)))
        timings["zca"].append(seconds)
        flat = normalized.reshape(len(normalized), -1)
        timings["pca"].append(_timed(lambda: PCA(whiten=True).fit_transform(flat))[0])
    return whitened, {key: statistics.median(values) for key, values in timings.items()}


def runs(x, k, seed):
    """Each run by name: a function returning (steps, centroids, number of callback calls)."""
    from sklearn.cluster import KMeans, MiniBatchKMeans

    from convlab.engine.kmeans import initial_centres, learn_centroids

    def engine(method):
        calls = []
        result = learn_centroids(x, k, method=method, seed=seed, callback=lambda s, info: calls.append(s) and False)
        return result.steps, result.centroids, len(calls)

    def plain():
        model = KMeans(k, random_state=seed).fit(x)
        return model.n_iter_, model.cluster_centers_, 0

    def same_start():
        centres = initial_centres(x, k, seed, 10_000)
        model = KMeans(k, init=centres, n_init=1, random_state=seed).fit(x)
        return model.n_iter_, model.cluster_centers_, 0

    def minibatch():
        model = MiniBatchKMeans(k, random_state=seed).fit(x)
        return model.n_steps_, model.cluster_centers_, 0

    return {
        "engine KMeans (panel path, chunks + callback)": lambda: engine("kmeans"),
        "scikit-learn KMeans, defaults": plain,
        "scikit-learn KMeans, same subset k-means++ start": same_start,
        "engine MiniBatchKMeans (panel path)": lambda: engine("minibatch"),
        "scikit-learn MiniBatchKMeans, defaults": minibatch,
    }


def main(argv=None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patches", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=64)
    parser.add_argument("--size", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    from convlab.engine.kmeans import assign_patches

    x, prep = prepare(args.patches, args.size)
    print(f"{args.patches:,} patches of {args.size}x{args.size} from china.jpg, k = {args.k}\n")
    print("| preprocessing step | ms (median of 5) |\n|---|---:|")
    for name, key in (("patch extraction", "extract"), ("contrast normalisation", "normalise"),
                      ("ZCA fit + apply (float32 sgemm + eigh)", "zca"),
                      ("scikit-learn PCA(whiten=True) fit_transform (reference)", "pca")):
        print(f"| {name} | {1000 * prep[key]:.0f} |")
    names = list(runs(x, args.k, seed=0))
    times, steps, calls, inertia = ({name: [] for name in names} for _ in range(4))
    for seed in range(args.repeats):  # one seed per round, interleaved, so load changes hit every run alike
        for name, function in runs(x, args.k, seed).items():
            seconds, (n_steps, centroids, n_calls) = _timed(function)
            times[name].append(seconds)
            steps[name].append(n_steps)
            calls[name].append(n_calls)
            inertia[name].append(float(assign_patches(x, centroids)[1].sum()))
    reference = statistics.median(times["scikit-learn KMeans, defaults"])
    print(f"\nMedians over seeds 0..{args.repeats - 1} (min of the times in brackets).\n")
    print("| k-means run | seconds | vs sklearn KMeans | steps | callbacks | inertia |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in names:
        median = statistics.median(times[name])
        print(f"| {name} | {median:.3f} ({min(times[name]):.3f}) | {median / reference:.2f}x | "
              f"{statistics.median(steps[name]):g} | {statistics.median(calls[name]):g} | "
              f"{statistics.median(inertia[name]):,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
