"""MNIST-like 28x28 digits made offline from scikit-learn's 8x8 digits: SYNTHETIC, not MNIST.

MNIST cannot be downloaded here, so benchmarks and lessons that want "28x28 handwritten digits"
use these: each image is one of scikit-learn's 1797 bundled 8x8 digits (43 writers), enlarged
to a digit about 20 pixels tall in a 28x28 frame (as MNIST centres its digits), with a random
rotation (+-12 degrees), scale (0.85-1.15), shear (+-0.2) and shift (+-2 pixels), sharpened
strokes and a little noise, values 0..1. They are blurrier and less varied than MNIST: accuracies
on them are not MNIST accuracies.

The 1797 source digits are split once (fixed order, 80/20) into a ``train`` part and a ``test``
part, so that test images are distortions of digits no training image came from.

Examples
--------
>>> digits = mnist_like_digits(20, seed=0)
>>> digits.images.shape, digits.images.dtype, float(digits.images.max()) <= 1.0
((20, 28, 28), dtype('float32'), True)
"""
from __future__ import annotations

import numpy as np

from convlab.io.datasets import LabelledImages

__all__ = ["PARTS", "mnist_like_digits"]

PARTS = ("train", "test", "all")
SIDE = 28
_DIGIT_SIDE = 20.0      # MNIST digits fit a 20x20 box in the 28x28 frame
_SPLIT_SEED = 20_260_101
_TRAIN_SHARE = 0.8


def _source_digits(part):
    """(images (M, 8, 8) in 0..1, labels (M,)) of the sklearn digits in `part`."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    order = np.random.default_rng(_SPLIT_SEED).permutation(len(digits.target))
    cut = int(round(_TRAIN_SHARE * len(order)))
    chosen = {"train": order[:cut], "test": order[cut:], "all": order}[part]
    return digits.images[chosen] / 16.0, digits.target[chosen]


def _affine_maps(n, rng):
    """(n, 2, 2) matrices and (n, 2) offsets taking output pixel (row, col) to source (row, col)."""
    angle = np.deg2rad(rng.uniform(-12, 12, n))
    scale = (_DIGIT_SIDE / 8.0) * rng.uniform(0.85, 1.15, n)
    shear = rng.uniform(-0.2, 0.2, n)
    cos, sin = np.cos(angle), np.sin(angle)
    forward = np.stack([np.stack([cos, -sin + shear * cos], 1), np.stack([sin, cos + shear * sin], 1)], 1)
    inverse = np.linalg.inv(forward * scale[:, None, None])
    centre_out = (SIDE - 1) / 2.0 + rng.uniform(-2, 2, (n, 2))
    offset = 3.5 - np.einsum("nij,nj->ni", inverse, centre_out)  # the output centre maps to the 8x8 centre
    return inverse, offset


def _bilinear(pictures, which, rows, cols):
    """Values of ``pictures[which]`` (M, h, w), zero-bordered, at real positions (rows, cols) (n, P):
    bilinear interpolation; positions outside read the zero border."""
    h, w = pictures.shape[1:]
    flat = pictures.astype(np.float32).ravel()
    top, left = np.floor(rows), np.floor(cols)
    down, right = (rows - top).astype(np.float32), (cols - left).astype(np.float32)
    base = (which * (h * w))[:, None]
    value = np.zeros(rows.shape, np.float32)
    for dr, weight_r in ((0, 1 - down), (1, down)):
        r = np.clip(top.astype(np.int64) + dr, 0, h - 1) * w + base
        for dc, weight_c in ((0, 1 - right), (1, right)):
            value += weight_r * weight_c * flat[r + np.clip(left.astype(np.int64) + dc, 0, w - 1)]
    return value


def mnist_like_digits(n, seed=0, part="train", noise=0.03):
    """`n` synthetic MNIST-like digits (28x28, values 0..1) with their labels.

    Parameters
    ----------
    n : int, >= 1
    seed : int, default 0
        Seeds the choice of source digits and every distortion: same arguments, same images.
    part : {"train", "test", "all"}, default "train"
        Which source digits to draw from (see the module docstring).
    noise : float, default 0.03
        Standard deviation of the Gaussian pixel noise (before clipping to 0..1).

    Returns
    -------
    LabelledImages
        images float32 (n, 28, 28), labels int64 (n,), class names "0".."9".
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1; got {n!r}")
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(map(repr, PARTS))}; got {part!r}")
    rng = np.random.default_rng(seed)
    sources, targets = _source_digits(part)
    which = rng.permutation(np.resize(np.arange(len(targets)), n))  # every source digit about equally often
    padded = np.pad(sources, ((0, 0), (1, 1), (1, 1)))  # zeros around the 8x8 digit
    inverse, offset = _affine_maps(n, rng)
    rows, cols = np.mgrid[0:SIDE, 0:SIDE].astype(np.float64)
    grid = np.stack([rows.ravel(), cols.ravel()])  # (2, 784)
    source = np.einsum("nij,jp->nip", inverse, grid) + offset[:, :, None] + 1.0  # +1: the padding
    images = _bilinear(padded, which, source[:, 0], source[:, 1]).reshape(n, SIDE, SIDE)
    images = np.clip((images - 0.1) * 1.6, 0, 1)  # crisper strokes, a dark background
    images += rng.normal(0, noise, images.shape)
    images = np.clip(images, 0, 1).astype(np.float32)
    note = (f"synthetic MNIST-like digits ({part} part of scikit-learn's 8x8 digits, enlarged to 28x28 "
            f"and distorted; seed {seed})")
    return LabelledImages(images, targets[which].astype(np.int64), tuple(str(i) for i in range(10)),
                          "mnist-like", note)
