"""Learned rotation invariance: pooling over separately parametrised features (a kernel at 8 orientations).

Pooling over space gives invariance to small translations. Pooling over FEATURES can give other
invariances: if a bank holds one kernel rotated to ``n`` orientations, the maximum over the bank
responds about as strongly whatever the orientation of the input, while each single orientation
responds strongly only when the input lines up with it.

Rotation follows ``scipy.ndimage.rotate`` (cubic spline interpolation, which blurs less than linear
interpolation between the right angles; zeros outside; same shape): a positive angle turns the
picture counter-clockwise as displayed with row 0 at the top.

Examples
--------
>>> import numpy as np
>>> from convlab.engine.kernels import gabor_kernel
>>> angles, bank = rotated_bank(gabor_kernel(9, 0.0), n=4)
>>> angles.tolist(), bank.shape
([0.0, 90.0, 180.0, 270.0], (4, 9, 9))
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from ._checks import check_array, check_choice, check_finite, check_finite_array, check_int, check_positive_int
from .bank import conv_bank
from .conv import BOUNDARIES

__all__ = ["bar_image", "orientation_pooling", "orientation_sweep", "rotate_image", "rotated_bank"]


def _finite_2d(name, value):
    """`value` as a finite float64 (H, W) array, or ValueError naming `name`."""
    array = check_array(name, np.asarray(value, dtype=np.float64), 2, "(H, W)")
    return check_finite_array(name, array)


def rotate_image(image, angle):
    """Turn an image by `angle` degrees about its centre (counter-clockwise as displayed).

    Parameters
    ----------
    image : array_like, (H, W)
    angle : float
        Degrees.

    Returns
    -------
    ndarray, float64, (H, W)
        Cubic spline interpolation; what comes from outside the image is 0.

    Examples
    --------
    >>> x = np.zeros((3, 3)); x[1, 2] = 1.0
    >>> (rotate_image(x, 90).round(6) + 0.0).tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    image = _finite_2d("image", image)
    angle = check_finite("angle", angle)
    return ndimage.rotate(image, angle, reshape=False, order=3, mode="constant", cval=0.0)


def rotated_bank(kernel, n=8, span=360.0):
    """One kernel turned to `n` evenly spaced orientations: a bank that shares one shape.

    Parameters
    ----------
    kernel : array_like, (kh, kw)
        Best with its weight away from the corners (a Gabor, a bar), since the corners turn out of
        the window.
    n : int
        Number of orientations (>= 1).
    span : float
        The orientations are ``span * i / n`` degrees: 360 for kernels with a polarity (edges),
        180 is enough for symmetric ones (bars).

    Returns
    -------
    angles : ndarray, float64, (n,)
        Degrees.
    bank : ndarray, float64, (n, kh, kw)
        ``bank[i] = rotate_image(kernel, angles[i])``.

    Examples
    --------
    >>> rotated_bank(np.ones((3, 3)), n=8)[0].tolist()
    [0.0, 45.0, 90.0, 135.0, 180.0, 225.0, 270.0, 315.0]
    """
    kernel = _finite_2d("kernel", kernel)
    n = check_positive_int("n", n)
    span = check_finite("span", span, 0, strict=True)
    angles = span * np.arange(n) / n
    return angles, np.stack([rotate_image(kernel, a) for a in angles])


def orientation_pooling(image, bank, boundary="fill"):
    """Feature maps of every orientation and their maximum over the bank at each position.

    Parameters
    ----------
    image : array_like, (H, W)
    bank : array_like, (n, kh, kw)
        For instance from :func:`rotated_bank`.
    boundary : {"fill", "wrap", "symm"}
        Of the "same" cross-correlation.

    Returns
    -------
    responses : ndarray, float32, (n, H, W)
        ``correlate2d(image, bank[i], "same", boundary)``.
    pooled : ndarray, float32, (H, W)
        ``responses.max(axis=0)``: the feature pooled over orientations.

    Examples
    --------
    >>> x = np.zeros((5, 5)); x[2, :] = 1.0
    >>> line = np.array([[0, 0, 0], [1, 1, 1], [0, 0, 0.0]])
    >>> responses, pooled = orientation_pooling(x, rotated_bank(line, 4)[1])
    >>> responses[:, 2, 2].round(3).tolist(), float(pooled[2, 2])
    ([3.0, 1.0, 3.0, 1.0], 3.0)
    """
    image = _finite_2d("image", image)
    bank = check_finite_array("bank", check_array("bank", np.asarray(bank, dtype=np.float64), 3, "(n, kh, kw)"))
    check_choice("boundary", boundary, BOUNDARIES)
    responses = conv_bank(image.astype(np.float32), bank.astype(np.float32), mode="same", boundary=boundary)
    return responses, responses.max(axis=0)


def orientation_sweep(image, bank, angles, boundary="fill"):
    """Strongest response of each orientation, and of the orientation-pooled map, as the input turns.

    Parameters
    ----------
    image : array_like, (H, W)
        Leave a margin so that the content stays inside while it turns.
    bank : array_like, (n, kh, kw)
    angles : array_like, (A,)
        Input rotations in degrees.
    boundary : {"fill", "wrap", "symm"}

    Returns
    -------
    per_orientation : ndarray, float64, (A, n)
        ``max`` over positions of each orientation's feature map, for each input rotation.
    pooled : ndarray, float64, (A,)
        ``per_orientation.max(axis=1)``: the max over orientations (and positions).

    Examples
    --------
    >>> from convlab.engine.kernels import gabor_kernel
    >>> per, pooled = orientation_sweep(bar_image(33), rotated_bank(gabor_kernel(9, 0.0), 8)[1], [0, 30])
    >>> per.shape, bool(np.ptp(pooled) < np.ptp(per[:, 0]))
    ((2, 8), True)
    """
    angles = np.asarray(angles, dtype=np.float64).ravel()
    rows = []
    for angle in angles:
        responses, _ = orientation_pooling(rotate_image(image, angle), bank, boundary)
        rows.append(responses.reshape(responses.shape[0], -1).max(axis=1))
    per_orientation = np.array(rows, dtype=np.float64).reshape(angles.size, -1)
    return per_orientation, per_orientation.max(axis=1)


def bar_image(size=48, length=None, width=3):
    """A bright vertical bar on a dark square, centred: the simplest oriented input.

    Parameters
    ----------
    size : int
        Side of the square image (>= 3).
    length : int, optional
        Bar length in pixels; defaults to ``size // 2``.
    width : int
        Bar width in pixels (>= 1).

    Returns
    -------
    ndarray, float64, (size, size), values 0 and 1

    Examples
    --------
    >>> bar_image(5, length=3, width=1).astype(int).tolist()[0:2]
    [[0, 0, 0, 0, 0], [0, 0, 1, 0, 0]]
    """
    size = check_int("size", size, minimum=3)
    length = size // 2 if length is None else check_positive_int("length", length)
    width = check_positive_int("width", width)
    image = np.zeros((size, size))
    top, left = (size - min(length, size)) // 2, (size - min(width, size)) // 2
    image[top:top + length, left:left + width] = 1.0
    return image
