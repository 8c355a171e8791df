"""Features of whole images from a kernel bank: convolution -> activation -> pooling over regions.

The pipeline of Coates & Ng, computed with `conv_bank` ('valid' positions only). Without a
`Preprocessing` the response of kernel k at a position is the correlation ``x . w_k`` of the raw
patch x with the kernel. With one, the kernels are centroids in the preprocessed space and the
response is ``z . c_k`` where ``z`` is the patch contrast-normalised and whitened exactly as the
patches k-means was trained on: every position's z is obtained by correlating the image with the
D rows of the whitening matrix (or with D unit impulses), and the per-position mean and variance
by correlating with a box kernel; nothing is cut out patch by patch. The activations are

- ``relu``: ``max(0, response)``; ``abs``: ``|response|``;
- ``triangle`` (Coates' "triangle" k-means encoding): ``f_k = max(0, mean(d) - d_k)`` where
  ``d_k = ||z - c_k||`` is the distance to centroid k: a centroid counts when it is closer than
  the average one.

Pooling sums (or takes the maximum of) each feature map over a ``grid x grid`` set of regions
(2 gives Coates & Ng's four quadrants). To amortise `conv_bank`'s set-up, many small images are
laid side by side in one mosaic and convolved at once; responses that straddle two images are
dropped.

Examples
--------
>>> import numpy as np
>>> images = np.random.default_rng(0).random((5, 12, 12), dtype=np.float32)
>>> kernels = np.random.default_rng(1).standard_normal((3, 5, 5)).astype(np.float32)
>>> encode_images(images, kernels, "relu", pool_grid=2).shape  # 3 kernels x 4 quadrants
(5, 12)
"""
from __future__ import annotations

import math

import numpy as np

from ._checks import as_float_array, check_array, check_choice, check_positive_int
from .bank import conv_bank

__all__ = ["ENCODINGS", "REGION_POOL_KINDS", "encode_images", "feature_maps", "region_pool",
           "triangle_encoding"]

ENCODINGS = ("relu", "abs", "triangle")
REGION_POOL_KINDS = ("sum", "max")
_MOSAIC_FLOATS = 6_000_000  # conv output floats per mosaic (~24 MB)


def triangle_encoding(distances, axis=-1):
    """Coates' triangle activation ``max(0, mean(d) - d_k)`` of distances to K centroids.

    Parameters
    ----------
    distances : array_like, (..., K, ...)
        Euclidean distances ``d_k = ||z - c_k||``.
    axis : int, default -1
        The centroid axis.

    Returns
    -------
    ndarray, floating, the shape of `distances`

    Examples
    --------
    >>> triangle_encoding(np.array([1.0, 2.0, 6.0])).tolist()  # mean 3
    [2.0, 1.0, 0.0]
    """
    d = as_float_array("distances", distances)
    return np.maximum(d.mean(axis=axis, keepdims=True) - d, 0)


def _check_inputs(images, kernels):
    """Images (N, H, W[, C]) and kernels (K, kh, kw[, C]) as float32, checked against each other."""
    images = check_array("images", images, (3, 4), "(N, H, W) or (N, H, W, C)")
    kernels = check_array("kernels", kernels, images.ndim,
                          f"(K, kh, kw{', C' * (images.ndim == 4)}) to match the images")
    if images.ndim == 4 and images.shape[3] != kernels.shape[3]:
        raise ValueError(f"kernels have {kernels.shape[3]} channels but images have {images.shape[3]}")
    if kernels.shape[1] > images.shape[1] or kernels.shape[2] > images.shape[2]:
        raise ValueError(f"kernels ({kernels.shape[1]}x{kernels.shape[2]}) must fit in the images "
                         f"({images.shape[1]}x{images.shape[2]})")
    return images.astype(np.float32, copy=False), kernels.astype(np.float32)


def _tiled_correlation(batch, kernels):
    """`conv_bank` of every image of `batch` (n, H, W[, C]) in one mosaic: (n, M, H', W')."""
    n, h, w = batch.shape[:3]
    kh, kw = kernels.shape[1:3]
    rows = math.ceil(math.sqrt(n))
    cols = math.ceil(n / rows)
    mosaic = np.zeros((rows, cols) + batch.shape[1:], np.float32)
    mosaic.reshape((rows * cols,) + batch.shape[1:])[:n] = batch
    mosaic = mosaic.swapaxes(1, 2).reshape((rows * h, cols * w) + batch.shape[3:])
    maps = conv_bank(mosaic, kernels, mode="valid")
    padded = np.zeros((maps.shape[0], rows * h, cols * w), np.float32)
    padded[:, :maps.shape[1], :maps.shape[2]] = maps
    tiles = padded.reshape(maps.shape[0], rows, h, cols, w)[:, :, :h - kh + 1, :, :w - kw + 1]
    return tiles.transpose(1, 3, 0, 2, 4).reshape(rows * cols, maps.shape[0], h - kh + 1, w - kw + 1)[:n]


def _preprocessed_patches(batch, shape, preprocessing):
    """The preprocessed patch z (D values) at every 'valid' position: (n, D, H', W')."""
    d = int(np.prod(shape))
    whitening = preprocessing.whitening
    basis = (whitening.matrix if whitening is not None else np.eye(d, dtype=np.float32)).reshape((d,) + shape)
    z = _tiled_correlation(batch, basis)
    if preprocessing.normalize:
        box = np.full((1,) + shape, 1.0 / d, np.float32)
        mean = _tiled_correlation(batch, box)[:, 0]
        mean_square = _tiled_correlation(batch * batch, box)[:, 0]
        scale = np.sqrt(np.maximum(mean_square - mean * mean, 0) + np.float32(preprocessing.norm_eps))
        z -= basis.reshape(d, -1).sum(axis=1)[None, :, None, None] * mean[:, None]
        z /= scale[:, None]
    if whitening is not None:
        z -= (whitening.mean @ whitening.matrix)[None, :, None, None]
    return z


def _batch_maps(batch, kernels, encoding, preprocessing):
    """Encoded feature maps (n, K, H', W') of one batch of images."""
    shape = kernels.shape[1:]
    k = kernels.shape[0]
    if preprocessing is None:
        responses = _tiled_correlation(batch, kernels)
        squares = None
        if encoding == "triangle":
            squares = _tiled_correlation(batch * batch, np.ones((1,) + shape, np.float32))[:, 0]
    else:
        z = _preprocessed_patches(batch, shape, preprocessing)
        responses = np.einsum("ndhw,kd->nkhw", z, kernels.reshape(k, -1), optimize=True)
        squares = np.einsum("ndhw,ndhw->nhw", z, z) if encoding == "triangle" else None
    if encoding == "relu":
        return np.maximum(responses, 0, out=responses)
    if encoding == "abs":
        return np.abs(responses, out=responses)
    centroid_norms = np.einsum("kd,kd->k", kernels.reshape(k, -1), kernels.reshape(k, -1))
    distances = squares[:, None] - 2 * responses + centroid_norms[None, :, None, None]
    return triangle_encoding(np.sqrt(np.maximum(distances, 0, out=distances)), axis=1)


def _batches(images, kernels, preprocessing):
    """Slices of image indices so that one mosaic's maps stay under the memory budget."""
    n, h, w = images.shape[:3]
    maps = kernels.shape[0] + (int(np.prod(kernels.shape[1:])) if preprocessing is not None else 1)
    per_batch = max(1, min(n, _MOSAIC_FLOATS // max(maps * h * w, 1)))
    return [slice(start, min(start + per_batch, n)) for start in range(0, n, per_batch)]


def feature_maps(images, kernels, encoding="relu", preprocessing=None):
    """Encoded feature maps of every image, before pooling.

    Parameters
    ----------
    images : array_like, (N, H, W) or (N, H, W, C)
    kernels : array_like, (K, kh, kw) or (K, kh, kw, C)
        Raw kernels, or centroids reshaped to patches when `preprocessing` is given.
    encoding : {"relu", "abs", "triangle"}
    preprocessing : Preprocessing, optional
        The patch preprocessing the centroids were learned after (see the module docstring).

    Returns
    -------
    ndarray, float32, (N, K, H - kh + 1, W - kw + 1)

    Examples
    --------
    >>> image = np.zeros((1, 3, 3)); image[0, 1, 1] = 1
    >>> feature_maps(image, [[[1, 2], [3, 4]]]).tolist()  # correlation: the flipped kernel
    [[[[4.0, 3.0], [2.0, 1.0]]]]
    """
    check_choice("encoding", encoding, ENCODINGS)
    images, kernels = _check_inputs(images, kernels)
    parts = [_batch_maps(images[s], kernels, encoding, preprocessing) for s in _batches(images, kernels, preprocessing)]
    return np.concatenate(parts)


def region_pool(maps, grid=2, kind="sum"):
    """Pool each feature map over a ``grid x grid`` set of regions (as equal as the size allows).

    Parameters
    ----------
    maps : array_like, (..., H, W) with H, W >= grid
    grid : int, >= 1
        Regions per side; 2 gives four quadrants.
    kind : {"sum", "max"}

    Returns
    -------
    ndarray, (..., grid, grid)

    Examples
    --------
    >>> region_pool(np.arange(16.0).reshape(4, 4), 2).tolist()
    [[10.0, 18.0], [42.0, 50.0]]
    """
    grid = check_positive_int("grid", grid)
    check_choice("kind", kind, REGION_POOL_KINDS)
    maps = np.asarray(maps)
    if maps.ndim < 2 or maps.shape[-2] < grid or maps.shape[-1] < grid:
        raise ValueError(f"grid must be at most the feature-map side; got grid {grid} for maps {maps.shape}")
    reduce = np.add if kind == "sum" else np.maximum
    rows = (np.arange(grid) * maps.shape[-2]) // grid
    cols = (np.arange(grid) * maps.shape[-1]) // grid
    return reduce.reduceat(reduce.reduceat(maps, rows, axis=-2), cols, axis=-1)


def encode_images(images, kernels, encoding="relu", preprocessing=None, pool_grid=2, pool_kind="sum",
                  callback=None):
    """Feature vectors of images: convolution -> activation -> pooling over regions, flattened.

    Parameters
    ----------
    images, kernels, encoding, preprocessing
        As in `feature_maps`.
    pool_grid : int, default 2
        Regions per side (see `region_pool`); at most ``H - kh + 1``.
    pool_kind : {"sum", "max"}, default "sum"
    callback : callable ``callback(step, info)``, optional
        Called after each batch of images with ``info = {"done": images encoded, "total": N}``;
        returning True stops early.

    Returns
    -------
    ndarray, float32, (n, K * pool_grid**2)
        Kernel-major: the features of kernel k are ``[k * g*g, (k + 1) * g*g)``. ``n = N``, or
        the number of images encoded before the callback stopped the run.

    Examples
    --------
    >>> encode_images(np.ones((2, 6, 6)), np.ones((1, 3, 3)), pool_grid=2).tolist()
    [[36.0, 36.0, 36.0, 36.0], [36.0, 36.0, 36.0, 36.0]]
    """
    check_choice("encoding", encoding, ENCODINGS)
    check_choice("pool_kind", pool_kind, REGION_POOL_KINDS)
    pool_grid = check_positive_int("pool_grid", pool_grid)
    images, kernels = _check_inputs(images, kernels)
    if pool_grid > min(images.shape[1] - kernels.shape[1], images.shape[2] - kernels.shape[2]) + 1:
        raise ValueError(f"pool_grid must be at most the feature-map side "
                         f"({images.shape[1] - kernels.shape[1] + 1}); got {pool_grid}")
    parts = []
    for step, batch in enumerate(_batches(images, kernels, preprocessing)):
        maps = _batch_maps(images[batch], kernels, encoding, preprocessing)
        parts.append(region_pool(maps, pool_grid, pool_kind).reshape(len(maps), -1))
        if callback is not None and callback(step, {"done": batch.stop, "total": len(images)}):
            break
    return np.concatenate(parts).astype(np.float32, copy=False)
