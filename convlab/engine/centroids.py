"""From k-means centroids to kernels: orientation, sorting, and folding the whitening in.

Centroids learned on whitened patches live in the whitened space: their dot product with a
whitened patch ``z = W (x' - m)`` is the response the features of Coates & Ng use. A kernel
applied to raw pictures (as every panel does) cannot whiten, so `centroids_to_kernels` FOLDS
the whitening into it: since W is symmetric, ``c . W (x' - m) = (W c) . x' - (W c) . m``, so the
kernel ``W c`` (mean removed, scaled to unit norm) correlated with a raw picture gives the
centroid's response up to the per-patch contrast division and a constant. Without a whitening,
the centroids are only reshaped.

Examples
--------
>>> import numpy as np
>>> c = np.eye(4, dtype=np.float32)[:2]  # two centroids of 2x2 patches
>>> centroids_to_kernels(c, (2, 2)).shape
(2, 2, 2)
"""
from __future__ import annotations

import numpy as np

from ._checks import check_choice

__all__ = ["SORT_KEYS", "centroid_orientations", "centroids_to_kernels", "sort_centroids"]

SORT_KEYS = ("size", "orientation", "none")
_MIN_COHERENCE = 0.3  # below this a centroid has no clear orientation (a blob, a dot, noise)


def _as_images(centroids, patch_shape):
    """Centroids (k, D) as images (k, s, s) (channels averaged) and as float32 (k, D)."""
    c = np.asarray(centroids, np.float32)
    shape = tuple(int(v) for v in patch_shape)
    if c.ndim != 2 or len(shape) not in (2, 3) or int(np.prod(shape)) != c.shape[1]:
        raise ValueError(f"centroids must be (k, D) with D = prod(patch_shape); got {c.shape} "
                         f"and patch_shape {patch_shape}")
    images = c.reshape((c.shape[0],) + shape)
    return (images.mean(axis=3) if len(shape) == 3 else images), c


def centroid_orientations(centroids, patch_shape):
    """Dominant orientation of each centroid (structure tensor of its gradients).

    Parameters
    ----------
    centroids : array_like, (k, D)
    patch_shape : tuple, (s, s) or (s, s, C)
        Colour centroids are averaged over the channels first.

    Returns
    -------
    angles : ndarray, float64, (k,)
        In [0, pi): the direction in which the centroid varies most, counter-clockwise from
        the +x axis on the screen (rows grow downwards), as the ``theta`` of `gabor_kernel`:
        0 for a vertical edge or bar, pi/2 for a horizontal one.
    coherence : ndarray, float64, (k,)
        0 (no preferred direction) .. 1 (a perfectly straight edge or bar).

    Examples
    --------
    >>> ramp = np.tile(np.arange(4.0), (4, 1))  # brighter to the right: a vertical edge
    >>> angles, coherence = centroid_orientations(ramp.reshape(1, -1), (4, 4))
    >>> round(float(angles[0]), 3), round(float(coherence[0]), 3)
    (0.0, 1.0)
    """
    images, _ = _as_images(centroids, patch_shape)
    d_row, d_col = np.gradient(images.astype(np.float64), axis=(1, 2))
    gx, gy = d_col, -d_row  # y points up on the screen
    jxx = (gx * gx).sum(axis=(1, 2))
    jyy = (gy * gy).sum(axis=(1, 2))
    jxy = (gx * gy).sum(axis=(1, 2))
    angles = np.mod(0.5 * np.arctan2(2 * jxy, jxx - jyy), np.pi)
    energy = jxx + jyy
    coherence = np.divide(np.hypot(jxx - jyy, 2 * jxy), energy, out=np.zeros_like(energy), where=energy > 0)
    return angles, coherence


def sort_centroids(centroids, sizes, by="size", patch_shape=None):
    """An order in which to show the centroids.

    Parameters
    ----------
    centroids : array_like, (k, D)
    sizes : array_like, (k,)
        Patches per centroid.
    by : {"size", "orientation", "none"}
        ``size``: largest cluster first. ``orientation``: by `centroid_orientations` angle, the
        centroids without a clear orientation (coherence < 0.3) last, largest first.
        ``none``: as learned.
    patch_shape : tuple, needed for ``orientation``

    Returns
    -------
    ndarray, int64, (k,)
        Indices into the centroids.

    Examples
    --------
    >>> sort_centroids(np.zeros((3, 4)), [5, 9, 1]).tolist()
    [1, 0, 2]
    """
    check_choice("by", by, SORT_KEYS)
    sizes = np.asarray(sizes)
    k = np.shape(centroids)[0]
    if sizes.shape != (k,):
        raise ValueError(f"sizes must have shape ({k},) like the centroids; got {sizes.shape}")
    if by == "none":
        return np.arange(k, dtype=np.int64)
    by_size = np.argsort(-sizes, kind="stable")
    if by == "size":
        return by_size.astype(np.int64)
    if patch_shape is None:
        raise ValueError("patch_shape must be given to sort by orientation")
    angles, coherence = centroid_orientations(centroids, patch_shape)
    oriented = coherence >= _MIN_COHERENCE
    first = np.flatnonzero(oriented)[np.argsort(angles[oriented], kind="stable")]
    rest = by_size[~oriented[by_size]]
    return np.concatenate([first, rest]).astype(np.int64)


def centroids_to_kernels(centroids, patch_shape, whitening=None):
    """Turn centroids into kernels, folding the whitening in when one is given.

    Parameters
    ----------
    centroids : array_like, (k, D)
    patch_shape : tuple, (s, s) or (s, s, C)
    whitening : ZcaWhitening, optional
        The whitening the centroids were learned after. Given: each kernel is ``W c``, with
        its mean removed and scaled to unit L2 norm (a kernel of all zeros stays zero), to be
        correlated with RAW pictures. None: the centroids reshaped, unchanged.

    Returns
    -------
    ndarray, float32, (k,) + patch_shape

    Examples
    --------
    >>> from convlab.engine.patches import fit_zca
    >>> w = fit_zca(np.random.default_rng(0).standard_normal((500, 4)))
    >>> k = centroids_to_kernels(np.eye(4)[:1], (2, 2), whitening=w)
    >>> round(float(np.linalg.norm(k)), 5), round(float(k.sum()), 5)
    (1.0, 0.0)
    """
    _, c = _as_images(centroids, patch_shape)
    shape = (c.shape[0],) + tuple(int(v) for v in patch_shape)
    if whitening is None:
        return c.reshape(shape).copy()
    if whitening.matrix.shape[0] != c.shape[1]:
        raise ValueError(f"whitening must be fitted on patches of {c.shape[1]} values; "
                         f"got one for {whitening.matrix.shape[0]}")
    kernels = c @ whitening.matrix
    kernels -= kernels.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(kernels, axis=1, keepdims=True)
    np.divide(kernels, norms, out=kernels, where=norms > 1e-12)
    return kernels.reshape(shape)
