"""The kernel library: hand-designed kernels (edges, corners, Gabor), random kernels and banks.

All kernels are float64 arrays of shape (kh, kw) (rows, columns) meant for CROSS-CORRELATION,
which is what CNN libraries compute: output[i, j] = sum_{a, b} k[a, b] * x[i + a - c, j + b - c]
with c the centre index. Signs are stated for that operation: ``sobel_x`` is positive where the
image gets brighter to the right, ``sobel_y`` where it gets brighter downwards.

The classic 3x3 kernels are extended to larger ODD sizes: derivatives are a smoothing profile
times a smoothed central difference (Sobel: binomial, Prewitt: box), the Laplacian is the
4-neighbour Laplacian convolved with a binomial blur; each is scaled so that the sum of its
positive weights equals that of its 3x3 version (the same response to a unit step).

Examples
--------
>>> preset_kernel("sobel_x")
array([[-1.,  0.,  1.],
       [-2.,  0.,  2.],
       [-1.,  0.,  1.]])
"""
from __future__ import annotations

import math

import numpy as np

from ._checks import check_choice, check_finite, check_int, check_min_ndim
from .conv import convolve2d

__all__ = [
    "PRESET_NAMES", "GABOR_PRESET_DEGREES", "DEFAULT_BANK_NAMES", "EDGE_PRESET_NAMES", "DISTRIBUTIONS",
    "preset_kernel", "gabor_kernel", "random_bank", "default_bank", "kernel_to_rgb",
]

GABOR_PRESET_DEGREES = {"gabor_0": 0.0, "gabor_45": 45.0, "gabor_90": 90.0, "gabor_135": 135.0}
PRESET_NAMES = (
    "identity", "box", "gaussian", "sharpen", "sobel_x", "sobel_y", "prewitt_x", "prewitt_y",
    "laplacian", "emboss", "outline", "corner", "gabor", *GABOR_PRESET_DEGREES,
)
DEFAULT_BANK_NAMES = (
    "identity", "gaussian", "sharpen", "sobel_x", "sobel_y", "laplacian", "gabor_0", "gabor_45",
    "gabor_90", "gabor_135", "corner", "emboss",
)
# The edge and corner detectors: the "edges" bank, and the first kernels of the comparison's hand-designed bank.
EDGE_PRESET_NAMES = ("sobel_x", "sobel_y", "prewitt_x", "prewitt_y", "laplacian", "outline", "corner")
DISTRIBUTIONS = ("normal", "uniform")

_ANY_SIZE = frozenset({"box", "gaussian", "gabor", *GABOR_PRESET_DEGREES})
_PARAMS = {"gaussian": {"sigma"}, "gabor": {"theta", "frequency", "sigma", "phase"}}
_PARAMS.update({name: {"frequency", "sigma", "phase"} for name in GABOR_PRESET_DEGREES})


def _offsets(size):
    """Distances of the `size` taps from the kernel centre, float64, shape (size,)."""
    return np.arange(size) - (size - 1) / 2.0


def _binomial(n):
    """Row n-1 of Pascal's triangle: a discrete Gaussian-like smoothing profile, shape (n,)."""
    return np.array([math.comb(n - 1, k) for k in range(n)], dtype=np.float64)


def _central_difference(smoothing):
    """The difference [-1, 0, 1] blurred by `smoothing` (rising to the right)."""
    return np.convolve(smoothing, [-1.0, 0.0, 1.0])


def _scaled(kernel, positive_sum):
    """`kernel` scaled so that its positive weights add up to `positive_sum`."""
    return kernel * (positive_sum / kernel[kernel > 0].sum())


def _identity(size):
    kernel = np.zeros((size, size))
    kernel[size // 2, size // 2] = 1.0
    return kernel


def _gaussian(size, sigma=None):
    sigma = (size + 1) / 6.0 if sigma is None else check_finite("sigma", sigma, 0, strict=True)
    profile = np.exp(-_offsets(size) ** 2 / (2.0 * sigma**2))
    kernel = np.outer(profile, profile)
    return kernel / kernel.sum()


def _laplacian(size):
    four_neighbour = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
    blur = _binomial(size - 2)
    kernel = convolve2d(four_neighbour, np.outer(blur, blur), mode="full")
    return _scaled(kernel, 4.0)


def _emboss(size):
    c = size // 2
    offsets = np.arange(size) - c
    diagonal = offsets[:, None] + offsets[None, :]
    return _identity(size) + _scaled(diagonal.astype(np.float64), 4.0)


def _outline(size):
    kernel = -np.ones((size, size))
    kernel[size // 2, size // 2] = size * size - 1.0
    return _scaled(kernel, 8.0)


def _corner(size):
    """Checker of 2x2 quadrants: +1 top-left and bottom-right, -1 elsewhere, 0 centre row/col."""
    c = size // 2
    sign = np.sign(np.arange(size) - c).astype(np.float64)
    return np.outer(sign, sign) / (c * c) + 0.0  # + 0.0 turns -0.0 into 0.0


def _classic(name, size):
    """The 3x3-family presets for an odd `size` >= 3."""
    if name == "identity":
        return _identity(size)
    if name in ("sobel_x", "sobel_y", "prewitt_x", "prewitt_y"):
        sobel = name.startswith("sobel")
        smooth = _binomial if sobel else np.ones
        kernel = np.outer(smooth(size), _central_difference(smooth(size - 2)))
        kernel = _scaled(kernel, 4.0 if sobel else 3.0)
        return kernel if name.endswith("_x") else kernel.T.copy()
    if name == "sharpen":
        return _identity(size) - _laplacian(size)
    builders = {"laplacian": _laplacian, "emboss": _emboss, "outline": _outline, "corner": _corner}
    return builders[name](size)


def preset_kernel(name, size=3, **params):
    """A named hand-designed kernel.

    Parameters
    ----------
    name : str
        One of :data:`PRESET_NAMES`:

        - ``identity``: 1 at the centre. ``box``: mean of the window.
        - ``gaussian``: sampled Gaussian, sums to 1; param ``sigma`` (default ``(size + 1) / 6``).
        - ``sharpen``: identity minus ``laplacian`` (sums to 1).
        - ``sobel_x`` / ``prewitt_x``: positive where brightness rises to the right (vertical
          edges); ``sobel_y`` / ``prewitt_y``: rises downwards (horizontal edges).
        - ``laplacian``: 4-neighbour Laplacian, sums to 0; negative on a bright dot.
        - ``outline``: 8 at the centre, the rest negative, sums to 0.
        - ``emboss``: identity plus a diagonal derivative; brighter where the image brightens
          towards the bottom-right (relief lit from there), sums to 1.
        - ``corner``: a checker of 2x2 quadrants (+ top-left and bottom-right, - top-right and
          bottom-left, zero centre row and column, each quadrant summing to +-1). It detects
          L corners: on a bright rectangle (value 1) it gives +1 at its top-left and bottom-right
          corners, -1 at the other two and 0 on straight edges and flat areas.
        - ``gabor`` (params as :func:`gabor_kernel`, ``theta`` in radians, default 0) and
          ``gabor_0``, ``gabor_45``, ``gabor_90``, ``gabor_135`` (``theta`` in degrees fixed).
    size : int, default 3
        Side of the square kernel. Any size >= 1 for ``box`` and ``gaussian``, >= 2 for Gabor
        kernels; odd sizes only for the others (>= 3, or >= 1 for ``identity``).
    **params
        Only the parameters listed above for ``gaussian`` and the Gabor kernels.

    Returns
    -------
    ndarray, float64, (size, size)

    Examples
    --------
    >>> preset_kernel("corner")
    array([[ 1.,  0., -1.],
           [ 0.,  0.,  0.],
           [-1.,  0.,  1.]])
    >>> float(preset_kernel("gaussian", 5, sigma=1.0).sum())
    1.0
    """
    check_choice("name", name, PRESET_NAMES)
    unexpected = set(params) - _PARAMS.get(name, set())
    if unexpected:
        allowed = sorted(_PARAMS.get(name, set())) or "none"
        raise ValueError(f"preset {name!r} takes parameters {allowed}; got {sorted(unexpected)}")
    if name in _ANY_SIZE:
        size = check_int("size", size, 2 if name.startswith("gabor") else 1)
        if name == "box":
            return np.full((size, size), 1.0 / size**2)
        if name == "gaussian":
            return _gaussian(size, **params)
        if name == "gabor":
            return gabor_kernel(size, **{"theta": 0.0, **params})
        return gabor_kernel(size, np.deg2rad(GABOR_PRESET_DEGREES[name]), **params)
    size = check_int("size", size, 1 if name == "identity" else 3)
    if size % 2 == 0:
        raise ValueError(f"size must be odd for preset {name!r} (3, 5, 7, ...); got {size}")
    return _classic(name, size)


def gabor_kernel(size, theta, frequency=0.25, sigma=None, phase=0.0):
    """A Gabor kernel: a cosine grating under a round Gaussian envelope, zero mean, unit L2 norm.

    The grating varies along the direction at angle `theta` measured COUNTER-CLOCKWISE on the
    screen from the +x axis (rightwards; rows grow downwards), and its stripes lie perpendicular
    to it. So ``theta=0`` varies along x and responds to vertical bars and edges; ``pi / 2``
    to horizontal ones; ``pi / 4`` varies along the up-right diagonal (stripes running from top-left
    to bottom-right, like a backslash); ``3 pi / 4`` along the up-left diagonal.

    Parameters
    ----------
    size : int
        Side of the square kernel (>= 2); the centre lies at ``(size - 1) / 2``.
    theta : float
        Orientation in radians.
    frequency : float, default 0.25
        Cycles per pixel of the grating, in (0, 0.5].
    sigma : float, optional
        Standard deviation of the envelope in pixels; defaults to
        ``min(0.56 / frequency, size / 4)`` (about one octave of bandwidth, bounded by the window).
    phase : float, default 0.0
        Phase of the cosine at the centre, radians: 0 gives a symmetric bar detector, ``pi / 2``
        an antisymmetric edge detector.

    Returns
    -------
    ndarray, float64, (size, size)
        The envelope-weighted grating minus its mean, divided by its L2 norm.

    Examples
    --------
    >>> k = gabor_kernel(7, 0.0)
    >>> bool(abs(k.sum()) < 1e-12), bool(np.isclose(np.linalg.norm(k), 1.0))
    (True, True)
    """
    size = check_int("size", size, 2)
    theta = check_finite("theta", theta)
    frequency = check_finite("frequency", frequency, 0, strict=True)
    if frequency > 0.5:
        raise ValueError(f"frequency must be in (0, 0.5] cycles per pixel; got {frequency!r}")
    sigma = min(0.56 / frequency, size / 4.0) if sigma is None else check_finite("sigma", sigma, 0, strict=True)
    phase = check_finite("phase", phase)
    x = _offsets(size)[None, :]
    up = -_offsets(size)[:, None]
    along = x * np.cos(theta) + up * np.sin(theta)
    envelope = np.exp(-(x**2 + up**2) / (2.0 * sigma**2))
    kernel = envelope * np.cos(2.0 * np.pi * frequency * along + phase)
    kernel -= kernel.mean()
    norm = np.linalg.norm(kernel)
    if norm < 1e-12:
        raise ValueError(f"size {size} is too small for this Gabor kernel (it is constant); "
                         "use a larger size or another phase")
    return kernel / norm


def random_bank(count, size, channels=None, seed=0, distribution="normal"):
    """Random kernels, each with zero mean and unit L2 norm.

    Parameters
    ----------
    count : int
        Number of kernels (>= 1).
    size : int
        Side of each square kernel (>= 1; a kernel needs at least 2 weights in all).
    channels : int, optional
        Number of input channels; None gives gray kernels.
    seed : int or None, default 0
        Seed of ``numpy.random.default_rng``: the same seed gives the same bank.
    distribution : {"normal", "uniform"}
        Standard normal or uniform on [-1, 1] weights before normalisation.

    Returns
    -------
    ndarray, float64, (count, size, size) or (count, size, size, channels)
        Mean and norm are taken over all the weights of a kernel (channels included).

    Examples
    --------
    >>> bank = random_bank(4, 3, seed=1)
    >>> bank.shape, bool(np.allclose(bank.sum(axis=(1, 2)), 0))
    ((4, 3, 3), True)
    """
    count = check_int("count", count, 1)
    size = check_int("size", size, 1)
    shape = (count, size, size)
    if channels is not None:
        shape += (check_int("channels", channels, 1),)
    if math.prod(shape[1:]) < 2:
        raise ValueError("size and channels must give at least 2 weights per kernel "
                         f"(a 1-weight kernel cannot be zero-mean with unit norm); got {shape[1:]}")
    if seed is not None:
        seed = check_int("seed", seed, 0)
    check_choice("distribution", distribution, DISTRIBUTIONS)
    rng = np.random.default_rng(seed)
    if distribution == "normal":
        bank = rng.standard_normal(shape)
    else:
        bank = rng.uniform(-1.0, 1.0, shape)
    axes = tuple(range(1, len(shape)))
    bank -= bank.mean(axis=axes, keepdims=True)
    bank /= np.sqrt((bank**2).sum(axis=axes, keepdims=True))
    return bank


def default_bank(size=3):
    """A mixed bank of hand-designed kernels for a first look at feature maps.

    Parameters
    ----------
    size : int, default 3
        Odd kernel side (3, 5, 7, ...).

    Returns
    -------
    names : list of str
        :data:`DEFAULT_BANK_NAMES`: identity, gaussian, sharpen, sobel_x, sobel_y, laplacian,
        gabor_0, gabor_45, gabor_90, gabor_135, corner, emboss.
    kernels : ndarray, float64, (12, size, size)

    Examples
    --------
    >>> names, kernels = default_bank(5)
    >>> len(names), kernels.shape
    (12, (12, 5, 5))
    """
    names = list(DEFAULT_BANK_NAMES)
    return names, np.stack([preset_kernel(name, size) for name in names])


def kernel_to_rgb(kernel, channels=3):
    """Replicate gray kernel(s) over `channels` input channels, divided by `channels`.

    Applied to a colour image, the result equals the gray kernel applied to the channel mean.

    Parameters
    ----------
    kernel : array_like, (kh, kw) or a bank (K, kh, kw)
    channels : int, default 3

    Returns
    -------
    ndarray, float64, (..., kh, kw, channels)
        Channels last, like :func:`random_bank`.

    Examples
    --------
    >>> kernel_to_rgb(np.ones((3, 3))).shape
    (3, 3, 3)
    """
    kernel = check_min_ndim("kernel", np.asarray(kernel, dtype=np.float64), 2, "(..., kh, kw)")
    channels = check_int("channels", channels, 1)
    return np.repeat(kernel[..., None] / channels, channels, axis=-1)
