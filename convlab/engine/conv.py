"""Reference convolution: 1-D convolution and 2-D cross-correlation / convolution of one image.

These functions favour clarity and exactness over speed; they are the oracle for the fast paths.
With ``stride=1`` and ``dilation=1`` they follow ``numpy.convolve`` (1-D) and
``scipy.signal.correlate2d`` / ``scipy.signal.convolve2d`` (2-D) for every mode and boundary,
including the placement of the window for EVEN kernel sizes (measured against scipy 1.17):

* ``correlate2d(..., mode="same")``: output pixel ``i`` reads input rows
  ``i - (s - 1) // 2 ... i + s // 2``, where ``s = (k - 1) * dilation + 1`` is the kernel span,
  i.e. the image is padded ``(s - 1) // 2`` before and ``s // 2`` after (torch's
  ``padding="same"`` agrees). Equivalently scipy crops its ``full`` output starting at ``s // 2``.
* ``convolve2d(..., mode="same")``: the flipped kernel reads rows
  ``i - s // 2 ... i + (s - 1) // 2`` (padding ``s // 2`` before and ``(s - 1) // 2`` after);
  scipy crops ``full`` at ``(s - 1) // 2``. So for an even kernel
  ``convolve2d(x, k, "same")`` is NOT ``correlate2d(x, k[::-1, ::-1], "same")``: the two
  differ by a one-pixel shift, while ``full`` and ``valid`` agree.
* In both cases, without dilation, the tap that lines up with output pixel ``i`` in ``same``
  mode is tap ``(k - 1) // 2``: the centre, or the upper/left of the two central taps.
* ``numpy.convolve(x, w, "same")`` follows the ``convolve2d`` rule with the shorter input as kernel.

Two deliberate differences from scipy: ``valid`` with a kernel larger than the image returns an
empty array (scipy silently swaps the arguments), and integer images give floating results.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_pair, check_array, check_choice, check_int, check_positive_int, check_real, float_result_dtype

__all__ = [
    "MODES", "BOUNDARIES", "convolve1d", "correlate2d", "convolve2d", "output_size",
    "padding_for", "pad_image",
]

MODES = ("full", "same", "valid")
BOUNDARIES = ("fill", "wrap", "symm")

_NUMPY_PAD_MODE = {"fill": "constant", "wrap": "wrap", "symm": "symmetric"}


def _span(size, dilation):
    """Number of input samples a kernel of `size` taps covers at `dilation`."""
    return (size - 1) * dilation + 1


def _mode_padding(mode, span, convolution):
    """(before, after) padding of one axis so that sliding a window of `span` gives `mode`."""
    if mode == "full":
        return (span - 1, span - 1)
    if mode == "valid":
        return (0, 0)
    small, large = (span - 1) // 2, span // 2
    return (large, small) if convolution else (small, large)


def padding_for(mode, kernel_shape, dilation=1, convolution=False):
    """Padding that turns a plain sliding window into `mode`, with scipy.signal's even-size rule.

    Parameters
    ----------
    mode : {"full", "same", "valid"}
    kernel_shape : tuple of int
        ``(kh, kw)``, the number of taps along rows and columns (before dilation).
    dilation : int or (int, int), default 1
    convolution : bool, default False
        False for cross-correlation (``correlate2d``); True for ``convolve2d``, whose flipped
        kernel sits one pixel further up/left in ``same`` mode when its span is even.

    Returns
    -------
    tuple
        ``((top, bottom), (left, right))`` as accepted by ``numpy.pad``.

    Examples
    --------
    >>> padding_for("same", (4, 3))
    ((1, 2), (1, 1))
    >>> padding_for("same", (4, 3), convolution=True)
    ((2, 1), (1, 1))
    """
    check_choice("mode", mode, MODES)
    kh, kw = as_pair("kernel_shape", kernel_shape)
    dh, dw = as_pair("dilation", dilation)
    return (_mode_padding(mode, _span(kh, dh), convolution),
            _mode_padding(mode, _span(kw, dw), convolution))


def pad_image(image, padding, boundary="fill", fillvalue=0.0):
    """Pad a 2-D image the way scipy.signal's boundary conditions extend it.

    Parameters
    ----------
    image : ndarray, shape (H, W), real dtype
    padding : ((int, int), (int, int))
        ``((top, bottom), (left, right))``; may exceed the image size (the rule repeats).
    boundary : {"fill", "wrap", "symm"}, default "fill"
        ``fill``: constant `fillvalue`; ``wrap``: periodic; ``symm``: mirror including the edge
        pixel (numpy ``symmetric``, ndimage ``reflect``).
    fillvalue : float, default 0.0

    Returns
    -------
    ndarray, shape (top + H + bottom, left + W + right)
        Floating dtype: the image's own float type, float64 for integer images.

    Examples
    --------
    >>> pad_image(np.array([[1, 2]]), ((0, 0), (2, 2)), "symm")
    array([[2., 1., 1., 2., 2., 1.]])
    """
    image = check_array("image", image, ndim=2)
    check_choice("boundary", boundary, BOUNDARIES)
    try:
        (top, bottom), (left, right) = padding
    except (TypeError, ValueError):
        raise ValueError(
            f"padding must be ((top, bottom), (left, right)); got {padding!r}"
        ) from None
    widths = ((check_int("padding", top), check_int("padding", bottom)),
              (check_int("padding", left), check_int("padding", right)))
    fillvalue = check_real("fillvalue", fillvalue)
    image = image.astype(float_result_dtype(image), copy=False)
    if boundary == "fill":
        return np.pad(image, widths, mode="constant", constant_values=fillvalue)
    return np.pad(image, widths, mode=_NUMPY_PAD_MODE[boundary])


def _sum_of_taps(padded, kernel, stride, dilation):
    """Cross-correlate `padded` with `kernel` (no further padding): one shifted slice per tap."""
    (kh, kw), (sh, sw), (dh, dw) = kernel.shape, stride, dilation
    rows = padded.shape[0] - _span(kh, dh) + 1
    cols = padded.shape[1] - _span(kw, dw) + 1
    out_h = (rows - 1) // sh + 1 if rows > 0 else 0
    out_w = (cols - 1) // sw + 1 if cols > 0 else 0
    feature_map = np.zeros((out_h, out_w), dtype=padded.dtype)
    if feature_map.size == 0:
        return feature_map
    for (a, b), tap in np.ndenumerate(kernel):
        top, left = a * dh, b * dw
        feature_map += tap * padded[top:top + (out_h - 1) * sh + 1:sh,
                                    left:left + (out_w - 1) * sw + 1:sw]
    return feature_map


def _filter2d(image, kernel, mode, boundary, fillvalue, stride, dilation, convolution):
    """Shared body of correlate2d and convolve2d."""
    image = check_array("image", image, ndim=2)
    kernel = check_array("kernel", kernel, ndim=2)
    check_choice("mode", mode, MODES)
    check_choice("boundary", boundary, BOUNDARIES)
    fillvalue = check_real("fillvalue", fillvalue)
    stride = as_pair("stride", stride)
    dilation = as_pair("dilation", dilation)
    dtype = float_result_dtype(image, kernel)
    padding = padding_for(mode, kernel.shape, dilation, convolution)
    padded = pad_image(image.astype(dtype, copy=False), padding, boundary, fillvalue)
    if convolution:
        kernel = kernel[::-1, ::-1]
    return _sum_of_taps(padded, kernel.astype(dtype, copy=False), stride, dilation)


_FILTER_PARAMETERS = """
    Parameters
    ----------
    image : array_like, shape (H, W)
        Bool, integer or floating image.
    kernel : array_like, shape (kh, kw)
        Non-empty kernel; odd, even and rectangular sizes are all fine.
    mode : {"same", "full", "valid"}, default "same"
        ``same``: one output per image pixel (see the module docstring for even kernels);
        ``full``: every overlap, shape (H + sh - 1, W + sw - 1) for kernel span (sh, sw);
        ``valid``: only windows inside the image, shape (H - sh + 1, W - sw + 1), EMPTY
        (0 along the too-small axis) when the span exceeds the image.
    boundary : {"fill", "wrap", "symm"}, default "fill"
        How the image continues outside its edges (see `pad_image`).
    fillvalue : float, default 0.0
        Value outside the image for ``boundary="fill"``.
    stride : int or (int, int), default 1
        Keep every s-th output: the stride-1 result sampled at ``[::s_rows, ::s_cols]``.
    dilation : int or (int, int), default 1
        Spacing between kernel taps: the same as inserting ``d - 1`` zeros between taps.

    Returns
    -------
    feature_map : ndarray, shape (out_h, out_w)
        Floating: the inputs' float type (at least float32), float64 if either is bool/integer.
        ``out_h == output_size(H, kh, mode, stride_rows, dilation_rows)``.

    Raises
    ------
    ValueError
        For an unknown mode or boundary, a stride/dilation that is not an integer >= 1, or an
        image/kernel that is empty, not 2-D or not real."""


def correlate2d(image, kernel, mode="same", boundary="fill", fillvalue=0.0, stride=1, dilation=1):
    """Cross-correlate an image with a kernel (what CNN layers call convolution).

    ``out[i, j] = sum_{a, b} kernel[a, b] * image[i*s + a*d - top, j*s + b*d - left]``, with
    the image extended by `boundary` and (top, left) from `padding_for`. With stride 1 and
    dilation 1 this equals ``scipy.signal.correlate2d`` (real inputs).
    {parameters}

    Examples
    --------
    >>> impulse = np.zeros((3, 3)); impulse[1, 1] = 1
    >>> correlate2d(impulse, np.arange(9.0).reshape(3, 3))  # the kernel rotated 180 degrees
    array([[8., 7., 6.],
           [5., 4., 3.],
           [2., 1., 0.]])
    """
    return _filter2d(image, kernel, mode, boundary, fillvalue, stride, dilation, False)


def convolve2d(image, kernel, mode="same", boundary="fill", fillvalue=0.0, stride=1, dilation=1):
    """Convolve an image with a kernel: cross-correlation with the kernel rotated 180 degrees.

    With stride 1 and dilation 1 this equals ``scipy.signal.convolve2d`` (real inputs),
    including its ``same`` placement for even kernels (see the module docstring).
    {parameters}

    Examples
    --------
    >>> impulse = np.zeros((3, 3)); impulse[1, 1] = 1
    >>> convolve2d(impulse, np.arange(9.0).reshape(3, 3))  # the kernel itself
    array([[0., 1., 2.],
           [3., 4., 5.],
           [6., 7., 8.]])
    """
    return _filter2d(image, kernel, mode, boundary, fillvalue, stride, dilation, True)


for _function in (correlate2d, convolve2d):
    if _function.__doc__:  # None under python -OO
        _function.__doc__ = _function.__doc__.replace("{parameters}", _FILTER_PARAMETERS)
del _function


def convolve1d(x, w, mode="full"):
    """Discrete 1-D convolution ``(x * w)[n] = sum_m x[m] w[n - m]``, equal to ``numpy.convolve``.

    Convolution is commutative, so when `w` is longer than `x` the two are swapped (as numpy
    does): ``valid`` then still returns ``len(w) - len(x) + 1`` values, and ``same`` returns
    ``max(len(x), len(w))`` values.

    Parameters
    ----------
    x : array_like, shape (n,)
        Input signal (bool, integer or floating).
    w : array_like, shape (m,)
        Kernel (weights).
    mode : {"full", "same", "valid"}, default "full"
        Output length ``n + m - 1``, ``max(n, m)`` or ``max(n, m) - min(n, m) + 1``.

    Returns
    -------
    ndarray, shape (length,)
        Floating: float64 unless both inputs are floating.

    Examples
    --------
    >>> convolve1d([1, 2, 3], [0, 1, 0.5])
    array([0. , 1. , 2.5, 4. , 1.5])
    """
    x = check_array("x", x, ndim=1)
    w = check_array("w", w, ndim=1)
    check_choice("mode", mode, MODES)
    dtype = float_result_dtype(x, w)
    if w.size > x.size:
        x, w = w, x
    padding = _mode_padding(mode, w.size, convolution=True)
    padded = np.pad(x.astype(dtype), padding)[np.newaxis, :]
    kernel = w[::-1].astype(dtype)[np.newaxis, :]
    return _sum_of_taps(padded, kernel, (1, 1), (1, 1))[0]


def output_size(n, k, padding=0, stride=1, dilation=1):
    """Length of a feature map along one axis.

    For an integer `padding` p this is the Dumoulin & Visin formula
    ``floor((n + 2p - k - (k - 1)(d - 1)) / s) + 1``, clipped at 0. For a mode name it is the
    length `correlate2d` / `convolve2d` return along that axis.

    Parameters
    ----------
    n : int
        Input length (>= 1).
    k : int
        Number of kernel taps (>= 1).
    padding : int >= 0 or {"valid", "same", "full"}, default 0
    stride, dilation : int >= 1, default 1

    Returns
    -------
    int

    Examples
    --------
    >>> output_size(7, 3, padding=1, stride=2)
    4
    >>> output_size(7, 3, "same", stride=2)
    4
    >>> output_size(2, 5, "valid")
    0
    """
    n = check_positive_int("n", n)
    k = check_positive_int("k", k)
    stride = check_positive_int("stride", stride)
    span = _span(k, check_positive_int("dilation", dilation))
    try:
        if isinstance(padding, str):
            total = sum(_mode_padding(check_choice("padding", padding, MODES), span, False))
        else:
            total = 2 * check_int("padding", padding)
    except ValueError:
        raise ValueError(f"padding must be an integer >= 0 or one of 'full', 'same', "
                         f"'valid'; got {padding!r}") from None
    length = n + total - span + 1
    return (length - 1) // stride + 1 if length > 0 else 0
