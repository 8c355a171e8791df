"""Internals of `network.init_network`: the first layer's kernels from chance, by hand or by k-means.

Random weights follow He et al. (2015) for the ReLU family (``std = sqrt(2 / fan_in)``) and
Glorot & Bengio (2010) otherwise (``std = sqrt(2 / (fan_in + fan_out))``); biases start at 0.
Hand-designed and k-means kernels are rescaled to the norm a random kernel of that layer has on
average (``std * sqrt(fan_in)``), so that every first layer starts with the same signal size.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_array

__all__ = ["INITS", "first_kernels", "random_weights"]

INITS = ("random", "hand", "kmeans")
_HE = frozenset({"relu", "leaky_relu", "abs"})
_KMEANS_PATCHES = 10_000


def kernel_std(block, channels):
    """Standard deviation of random kernels (K, kh, kw, C) of `block` over `channels` inputs."""
    fan_in = block.size[0] * block.size[1] * channels
    if block.activation in _HE:
        return np.sqrt(2.0 / fan_in)
    return np.sqrt(2.0 / (fan_in + block.size[0] * block.size[1] * block.kernels))


def random_weights(spec, rng):
    """(kernels list, biases list, readout weights, readout biases) of `spec`, float64, drawn from `rng`."""
    kernels, biases, channels = [], [], spec.input_channels_last[2]
    for block in spec.blocks:
        shape = (block.kernels, *block.size, channels)
        kernels.append(rng.standard_normal(shape) * kernel_std(block, channels))
        biases.append(np.zeros(block.kernels))
        channels = block.kernels
    n_in, n_out = spec.n_features, spec.n_classes
    limit = np.sqrt(6.0 / (n_in + n_out))
    return kernels, biases, rng.uniform(-limit, limit, (n_in, n_out)), np.zeros(n_out)


def _to_norm(kernels, norm):
    """Each kernel (first axis) scaled to L2 norm `norm` (zero kernels stay zero)."""
    norms = np.sqrt(np.square(kernels).sum(axis=tuple(range(1, kernels.ndim)), keepdims=True))
    return np.divide(kernels * norm, norms, out=np.zeros_like(kernels), where=norms > 1e-12)


def _square_side(block, init):
    kh, kw = block.size
    if kh != kw or kh < 2:
        raise ValueError(f"init={init!r} needs square kernels of side >= 2 in the first block; got {kh}x{kw}")
    return kh


def _hand_kernels(block, channels):
    from .compare import hand_designed_bank  # the bank of the feature comparison: edges, corners, Gabor

    kernels = hand_designed_bank(block.kernels, _square_side(block, "hand"))[1].astype(np.float64)
    return np.repeat(kernels[..., None], channels, axis=3) / channels  # colour: the same on every channel


def _kmeans_kernels(block, channels, images, seed):
    from .centroids import centroids_to_kernels
    from .kmeans import learn_centroids
    from .patches import extract_patches, fit_transform_patches

    if images is None:
        raise ValueError("init='kmeans' needs images: the k-means centroids are learned from their patches")
    side = _square_side(block, "kmeans")
    images = np.asarray(images)
    patches = extract_patches(list(images), side, _KMEANS_PATCHES, seed=seed, color=channels > 1)
    preprocessing, x = fit_transform_patches(patches)
    clustering = learn_centroids(x, block.kernels, method="minibatch", seed=seed)
    shape = (side, side, channels) if channels > 1 else (side, side)
    kernels = centroids_to_kernels(clustering.centroids, shape, preprocessing.whitening).astype(np.float64)
    return kernels.reshape(block.kernels, side, side, channels)


def first_kernels(spec, init, seed, images=None):
    """First-block kernels (K, kh, kw, C) float64 for `init` ("hand", "kmeans" or an array), at the
    norm of a random kernel of that block."""
    block, channels = spec.blocks[0], spec.input_channels_last[2]
    shape = (block.kernels, *block.size, channels)
    if isinstance(init, str):
        kernels = _hand_kernels(block, channels) if init == "hand" else _kmeans_kernels(block, channels, images, seed)
        norm = kernel_std(block, channels) * np.sqrt(np.prod(shape[1:]))
        return _to_norm(kernels, norm)
    kernels = check_array("init", init, (3, 4), "(K, kh, kw) or (K, kh, kw, C)").astype(np.float64)
    kernels = kernels[..., None] if kernels.ndim == 3 else kernels
    if kernels.shape != shape:
        raise ValueError(f"init kernels must have the first block's shape {shape}; got {np.shape(init)}")
    if not np.all(np.isfinite(kernels)):
        raise ValueError("init must hold finite numbers only (no NaN or infinity)")
    return kernels
