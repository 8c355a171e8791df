"""``python main.py compare``: the feature comparison without a window, as a table for slides and papers.

    python main.py compare --dataset FILE.npz --kernels 32 --size 5 --seed 0
    python main.py compare                       # the bundled digits, upsampled to 20x20

Prints a markdown table (feature set, kernels, features, test accuracy, seconds to learn the
kernels, to extract the features and to train the classifier) and returns 0; a bad data set or
bad settings print one clear line to stderr and return 2.
"""
from __future__ import annotations

import argparse
import math
import sys
import time

from convlab.engine.compare import FEATURE_SETS, ComparisonSettings, run_comparison
from convlab.io.datasets import DIGITS, DatasetError, load_dataset

__all__ = ["build_parser", "format_table", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python main.py compare``."""
    defaults = ComparisonSettings()
    p = argparse.ArgumentParser(
        prog="convlab compare",
        description="Compare raw pixels with hand-designed, random and k-means kernels on a labelled image "
                    "set: convolution -> activation -> pooling -> standardise -> logistic regression.")
    p.add_argument("--dataset", default=DIGITS, metavar="FILE.npz",
                   help="an .npz file with 'images' (N, H, W) and 'labels' (N,), or 'digits' (default: "
                        "scikit-learn's bundled digits, upsampled)")
    p.add_argument("--digits-side", type=int, default=20, metavar="PIXELS",
                   help="side the 8x8 digits are upsampled to (default 20; at 8 a 5x5 kernel fits only 4x4 times)")
    p.add_argument("--kernels", type=int, default=defaults.kernels, help="kernels per bank (default %(default)s)")
    p.add_argument("--size", type=int, default=defaults.size, help="kernel side in pixels (default %(default)s)")
    p.add_argument("--seed", type=int, default=defaults.seed,
                   help="seed of the split, the random bank, the patches and k-means (default %(default)s)")
    p.add_argument("--test-fraction", type=float, default=defaults.test_fraction,
                   help="share of the images held out for testing (default %(default)s)")
    p.add_argument("--patches", type=int, default=defaults.patches,
                   help="training patches for k-means (default %(default)s)")
    p.add_argument("--pool-grid", type=int, default=defaults.pool_grid,
                   help="pooling regions per side (default %(default)s: four quadrants)")
    p.add_argument("--sets", default=",".join(FEATURE_SETS),
                   help=f"comma-separated feature sets among {', '.join(FEATURE_SETS)} (default: all)")
    return p


def format_table(rows) -> str:
    """The rows of a comparison as a markdown table."""
    lines = ["| feature set | kernels | features | test accuracy | learn s | extract s | train s |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        kernels = str(r.kernels) if r.kernels else "-"
        lines.append(f"| {r.label} | {kernels} | {r.features} | {100 * r.accuracy:.2f}% | {r.learn_seconds:.3f} | "
                     f"{r.extract_seconds:.3f} | {r.train_seconds:.3f} |")
    return "\n".join(lines)


def _settings(args) -> ComparisonSettings:
    sets = tuple(s.strip() for s in args.sets.split(",") if s.strip())
    return ComparisonSettings(kernels=args.kernels, size=args.size, seed=args.seed, test_fraction=args.test_fraction,
                              feature_sets=sets, patches=args.patches, pool_grid=args.pool_grid).checked()


def main(argv=None) -> int:
    """Run the comparison from the command line; returns the exit code (0 ok, 2 bad input)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2, already printed by argparse)
        return int(exc.code or 0)
    try:
        settings = _settings(args)
        data = load_dataset(args.dataset, args.digits_side)
        started = time.perf_counter()
        rows = run_comparison(data.images, data.labels, settings)
    except DatasetError as exc:
        print(f"convlab compare: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"convlab compare: bad settings: {exc}", file=sys.stderr)
        return 2
    n_test = math.ceil(settings.test_fraction * len(data.images))  # as scikit-learn's train_test_split
    print(f"{data.describe()} ({data.note}); {n_test} test images, seed {settings.seed}, {settings.kernels} "
          f"kernels of {settings.size}x{settings.size}, {settings.pool_grid}x{settings.pool_grid} "
          f"{settings.pool_kind} pooling")
    print()
    print(format_table(rows))
    print()
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
