"""Image patches for learning kernels without labels: extraction, contrast normalisation, ZCA whitening.

This is the preprocessing of Coates, Lee & Ng (2011): cut many small square patches out of
pictures at random places, give every patch zero mean and unit contrast, then whiten the set
(ZCA) so that neighbouring pixels are no longer correlated. K-means on such patches finds
oriented edge and bar detectors.

Patches keep the pixel units of their pictures (uint8 pictures give values 0..255), which is
what the default ``norm_eps=10`` of the contrast normalisation is meant for. A patch of side
``s`` is flattened to ``D = s * s`` values (gray) or ``s * s * C`` (channels last, like a colour
kernel ``(kh, kw, C)``).

Examples
--------
>>> import numpy as np
>>> picture = np.random.default_rng(0).integers(0, 256, (40, 50), dtype=np.uint8)
>>> patches = extract_patches(picture, size=6, count=500, seed=0)
>>> prep = fit_preprocessing(patches, normalize=True, whiten=True)
>>> prep.apply(patches).shape
(500, 36)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_finite, check_min_ndim, check_ndim, check_positive_int, check_real_dtype

__all__ = ["Preprocessing", "ZcaWhitening", "apply_zca", "extract_patches", "fit_preprocessing",
           "fit_transform_patches", "fit_zca", "normalize_patches", "to_gray"]

_LUMA = np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R BT.601, as the feature-maps panel


def to_gray(image):
    """One picture as float32 gray in its own units (uint8 stays 0..255).

    Parameters
    ----------
    image : array_like, (H, W) or (H, W, 3) / (H, W, 4)
        Real dtype. Colour uses BT.601 luminance weights; a fourth (alpha) channel is ignored.

    Returns
    -------
    ndarray, float32, (H, W)

    Examples
    --------
    >>> to_gray(np.full((1, 2, 3), 255, np.uint8)).tolist()
    [[255.0, 255.0]]
    """
    image = np.asarray(image)
    if image.ndim == 2:
        return image.astype(np.float32)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"image must have shape (H, W), (H, W, 3) or (H, W, 4); got shape {image.shape}")
    return image[:, :, :3].astype(np.float32) @ _LUMA


def _as_pictures(images, color):
    """`images` as a list of float32 (H, W) or (H, W, C) arrays (one array or a sequence of them)."""
    if isinstance(images, np.ndarray) and images.ndim in (2, 3):
        images = [images]
    pictures = []
    for index, image in enumerate(images):
        image = check_ndim(f"images[{index}]", np.asarray(image), (2, 3), "(H, W) or (H, W, C)")
        check_real_dtype(f"images[{index}]", image)
        if color:
            image = image[:, :, None] if image.ndim == 2 else image
            pictures.append(image.astype(np.float32))
        else:
            pictures.append(to_gray(image))
    if not pictures:
        raise ValueError("images must hold at least one picture; got none")
    if color and len({p.shape[2] for p in pictures}) != 1:
        raise ValueError("images must all have the same number of channels for colour patches; got "
                         f"{sorted({p.shape[2] for p in pictures})}")
    return pictures


def extract_patches(images, size, count, seed=0, color=False):
    """Cut `count` square patches out of pictures at random places.

    Every top-left position of every picture is equally likely (a larger picture gives more
    patches); the same seed gives the same patches.

    Parameters
    ----------
    images : array_like or sequence of array_like
        One picture (H, W) or (H, W, C), or several (sizes may differ). Any real dtype.
    size : int, >= 1
        Side of the square patches. Pictures smaller than this are skipped.
    count : int, >= 1
        Number of patches (drawn with replacement).
    seed : int, default 0
        Seed of ``numpy.random.default_rng``.
    color : bool, default False
        False: colour pictures become gray (BT.601). True: keep the channels (all pictures must
        have the same C; a gray picture counts as C = 1).

    Returns
    -------
    ndarray, float32, (count, size, size) or, with `color`, (count, size, size, C)

    Examples
    --------
    >>> extract_patches(np.arange(16.0).reshape(4, 4), size=4, count=2).shape
    (2, 4, 4)
    """
    size = check_positive_int("size", size)
    count = check_positive_int("count", count)
    pictures = _as_pictures(images, bool(color))
    positions = np.array([max(p.shape[0] - size + 1, 0) * max(p.shape[1] - size + 1, 0)
                          for p in pictures], np.int64)
    if positions.sum() == 0:
        sides = sorted({min(p.shape[:2]) for p in pictures})
        raise ValueError(f"size must be at most the smallest side of a picture; got size {size} "
                         f"for pictures with sides {sides}")
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, positions.sum(), count)
    which = np.searchsorted(np.cumsum(positions), draws, side="right")
    starts = draws - (np.cumsum(positions) - positions)[which]
    channels = pictures[0].shape[2] if color else None
    out = np.empty((count, size, size) + ((channels,) if color else ()), np.float32)
    for index in np.flatnonzero(positions):
        chosen = np.flatnonzero(which == index)
        if chosen.size == 0:
            continue
        picture = pictures[index]
        rows, cols = np.divmod(starts[chosen], picture.shape[1] - size + 1)
        windows = np.lib.stride_tricks.sliding_window_view(picture, (size, size), axis=(0, 1))
        taken = windows[rows, cols]  # (n, size, size) or (n, C, size, size)
        out[chosen] = np.moveaxis(taken, 1, -1) if color else taken
    return out


def _flat(patches, name="patches"):
    """`patches` (N, ...) as a C-contiguous float32 (N, D) array."""
    patches = check_min_ndim(name, patches, 2, "(N, ...)")
    if patches.shape[0] == 0 or patches[0].size == 0:
        raise ValueError(f"{name} must not be empty; got shape {patches.shape}")
    check_real_dtype(name, patches)
    return np.ascontiguousarray(patches.reshape(patches.shape[0], -1), dtype=np.float32)


def normalize_patches(patches, eps=10.0):
    """Per-patch mean removal and contrast normalisation: ``(x - mean(x)) / sqrt(var(x) + eps)``.

    Mean and variance (``ddof=0``) are taken over all the values of a patch, channels included.

    Parameters
    ----------
    patches : array_like, (N, ...)
    eps : float, > 0, default 10
        Keeps flat patches from being blown up; 10 suits pixel values 0..255 (Coates & Ng).

    Returns
    -------
    ndarray, float32, the shape of `patches`

    Examples
    --------
    >>> normalize_patches(np.array([[0.0, 2.0]]), eps=1.0)  # (x - 1) / sqrt(1 + 1)
    array([[-0.70710677,  0.70710677]], dtype=float32)
    """
    eps = check_finite("eps", eps, 0, strict=True)
    shape = np.shape(patches)
    x = _flat(patches)
    x = x - x.mean(axis=1, keepdims=True)
    x /= np.sqrt(np.mean(x * x, axis=1, keepdims=True) + np.float32(eps))
    return x.reshape(shape)


@dataclass(frozen=True, eq=False)
class ZcaWhitening:
    """A fitted ZCA whitening ``z = (x - mean) @ matrix`` of flattened patches.

    Attributes
    ----------
    mean : ndarray, float32, (D,)
    matrix : ndarray, float32, (D, D)
        ``U diag(1 / sqrt(eigenvalues + eps)) U^T``: symmetric.
    eigenvalues : ndarray, float64, (D,)
        Of the patch covariance, ascending (``numpy.linalg.eigh``), clipped at 0.
    eps : float
    """

    mean: np.ndarray
    matrix: np.ndarray
    eigenvalues: np.ndarray
    eps: float


def fit_zca(patches, eps=0.1):
    """Fit ZCA whitening to patches: float32 covariance (one sgemm) and ``eigh``.

    Parameters
    ----------
    patches : array_like, (N, ...)
        Usually contrast-normalised patches; flattened to (N, D).
    eps : float, > 0, default 0.1
        Added to every eigenvalue before the inverse square root: large values keep the
        low-variance (noisy, high-frequency) directions from being amplified.

    Returns
    -------
    ZcaWhitening
        The whitened patches have covariance ``U diag(l / (l + eps)) U^T``: close to the
        identity when eps is small against the eigenvalues l.

    Examples
    --------
    >>> x = np.random.default_rng(0).standard_normal((5000, 4)) * [1, 2, 3, 4]
    >>> z = apply_zca(x, fit_zca(x, eps=1e-6))
    >>> bool(np.allclose(np.cov(z, rowvar=False, bias=True), np.eye(4), atol=1e-3))
    True
    """
    eps = check_finite("eps", eps, 0, strict=True)
    x = _flat(patches)
    mean = x.mean(axis=0, dtype=np.float64).astype(np.float32)
    centred = x - mean
    covariance = (centred.T @ centred).astype(np.float64) / x.shape[0]
    eigenvalues, vectors = np.linalg.eigh((covariance + covariance.T) / 2)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    matrix = (vectors / np.sqrt(eigenvalues + eps)) @ vectors.T
    return ZcaWhitening(mean, np.ascontiguousarray(matrix, np.float32), eigenvalues, float(eps))


def apply_zca(patches, whitening):
    """Whiten patches with a fitted ZCA: ``(x - mean) @ matrix``.

    Parameters
    ----------
    patches : array_like, (N, ...) with D values per patch
    whitening : ZcaWhitening

    Returns
    -------
    ndarray, float32, (N, D)

    Examples
    --------
    >>> w = fit_zca(np.random.default_rng(0).standard_normal((100, 3)))
    >>> apply_zca(np.zeros((2, 3)), w).shape
    (2, 3)
    """
    x = _flat(patches)
    if x.shape[1] != whitening.mean.shape[0]:
        raise ValueError(f"patches must have {whitening.mean.shape[0]} values each to match the "
                         f"whitening; got {x.shape[1]}")
    return (x - whitening.mean) @ whitening.matrix


@dataclass(frozen=True, eq=False)
class Preprocessing:
    """What is done to every patch before k-means (and before encoding with the centroids).

    Attributes
    ----------
    normalize : bool
        Per-patch mean removal and contrast normalisation with `norm_eps`.
    norm_eps : float
    whitening : ZcaWhitening or None
        Applied after the normalisation.
    """

    normalize: bool = True
    norm_eps: float = 10.0
    whitening: ZcaWhitening | None = None

    def apply(self, patches):
        """Preprocess patches (N, ...) into float32 (N, D)."""
        x = normalize_patches(patches, self.norm_eps) if self.normalize else patches
        if self.whitening is not None:
            return apply_zca(x, self.whitening)
        return _flat(x)


def fit_transform_patches(patches, normalize=True, norm_eps=10.0, whiten=True, zca_eps=0.1):
    """Fit the preprocessing of Coates & Ng to a set of patches and return them preprocessed.

    Parameters
    ----------
    patches : array_like, (N, ...)
    normalize : bool, default True
        Contrast-normalise each patch (see `normalize_patches`).
    norm_eps : float, default 10
    whiten : bool, default True
        Fit ZCA whitening on the (normalised) patches.
    zca_eps : float, default 0.1

    Returns
    -------
    preprocessing : Preprocessing
    preprocessed : ndarray, float32, (N, D)
        Equal to ``preprocessing.apply(patches)`` (computed once).

    Examples
    --------
    >>> prep, x = fit_transform_patches(np.random.default_rng(0).random((200, 3, 3)), whiten=False)
    >>> prep.whitening is None, x.shape
    (True, (200, 9))
    """
    x = _flat(normalize_patches(patches, norm_eps) if normalize else patches)
    whitening = None
    if whiten:
        whitening = fit_zca(x, zca_eps)
        x = apply_zca(x, whitening)
    return Preprocessing(bool(normalize), float(norm_eps), whitening), x


def fit_preprocessing(patches, normalize=True, norm_eps=10.0, whiten=True, zca_eps=0.1):
    """Fit the preprocessing of Coates & Ng to a set of patches (see `fit_transform_patches`).

    Returns
    -------
    Preprocessing

    Examples
    --------
    >>> p = fit_preprocessing(np.random.default_rng(0).random((200, 3, 3)), whiten=False)
    >>> p.apply(np.ones((1, 3, 3))).shape
    (1, 9)
    """
    return fit_transform_patches(patches, normalize, norm_eps, whiten, zca_eps)[0]
