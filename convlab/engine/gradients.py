"""The backward pass of the CNN block: gradients of convolution, activation and pooling.

Training a convolutional network needs, for every stage of the block, the gradient of a loss
with respect to the stage's input (and weights) given the gradient with respect to its output:
a vector-Jacobian product (backpropagation). Goodfellow, Bengio & Courville, *Deep Learning*,
section 9.5 (eqs. 9.11-9.14), write the two for a strided convolution ``Z = c(K, V, s)`` with
feature-map gradient ``G``:

* ``g(G, V, s)``, the kernel gradient: each tap sums ``G`` times the image pixels that tap saw,
  i.e. the image correlated with ``G`` (for stride 1 and mode ``valid``:
  ``correlate2d(V, G, "valid")``);
* ``h(K, G, s)``, the image gradient: every feature-map pixel sends its gradient back through
  the kernel onto its window, a transposed convolution (for stride 1 and mode ``valid``:
  ``convolve2d(G, K, "full")``).

`conv_bank` is linear in the image and in the kernels, so `conv_bank_grad` is its exact adjoint:
``<conv_bank(x, w), g> == <x, grad_x> == <w, grad_w>`` up to rounding. `pool2d_grad` and
`activate_grad` are the vector-Jacobian products of `pool2d` and `activate`.

Examples
--------
>>> import numpy as np
>>> from convlab.engine import conv_bank
>>> image = np.arange(12.0).reshape(3, 4)
>>> maps = conv_bank(image, np.ones((1, 2, 2)), mode="valid")
>>> grad_image, grad_kernels = conv_bank_grad(image, np.ones((1, 2, 2)), np.ones_like(maps), mode="valid")
>>> grad_image.tolist()  # how many windows read each pixel
[[1.0, 2.0, 2.0, 1.0], [2.0, 4.0, 4.0, 2.0], [1.0, 2.0, 2.0, 1.0]]
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, as_pair, check_choice, check_positive_int, check_real, check_real_dtype
from ._conv_grad import bank_backward
from ._pool_grad import pool_backward
from .activation import ACTIVATIONS
from .bank import _plan, _prepare
from .conv import BOUNDARIES, MODES
from .pooling import PADDINGS, POOL_KINDS, pool_output_size

__all__ = ["conv_bank_grad", "pool2d_grad", "activate_grad"]


def _check_grad(name, grad, shape, what):
    """`grad` as an ndarray of `shape` (that of `what`) and a real dtype, else ValueError naming `name`."""
    grad = check_real_dtype(name, grad)
    if grad.shape != tuple(shape):
        raise ValueError(f"{name} must have the shape of {what} {tuple(shape)}; got {grad.shape}")
    return grad


def conv_bank_grad(image, kernels, grad_maps, mode="same", boundary="fill", stride=1, dilation=1):
    """Gradients of `conv_bank` with respect to the image and the kernels (backpropagation).

    Given ``grad_maps``, the gradient of a loss with respect to the feature maps
    ``conv_bank(image, kernels, mode, boundary, stride, dilation)``, return the gradients with
    respect to `image` and `kernels`: the exact adjoint (transpose) of the forward, which is
    linear in each of them. Padded pixels pass their gradient on to the image pixel they copy
    (``wrap``, ``symm``) or drop it (``fill``).

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
        The forward's image (any real dtype).
    kernels : array_like, shape (kh, kw), (K, kh, kw) or (K, kh, kw, C)
        The forward's bank of kernels.
    grad_maps : array_like, shape (K, H', W')
        Gradient with respect to each feature map; the shape `conv_bank` returns.
    mode, boundary, stride, dilation
        As in `conv_bank`.

    Returns
    -------
    grad_image : ndarray, float32, shape of `image`
        ``sum_{k,i,j} grad_maps[k, i, j] * d maps[k, i, j] / d image``.
    grad_kernels : ndarray, float32, shape of `kernels`
        ``sum_{i,j} grad_maps[k, i, j] * d maps[k, i, j] / d kernels[k]``.

    Raises
    ------
    ValueError
        Unknown mode or boundary, stride or dilation < 1, arguments `conv_bank` rejects, or a
        `grad_maps` whose shape is not that of the feature maps.
    TypeError
        Complex or non-numeric image or kernels.

    Notes
    -----
    im2col and col2im in bands of feature-map rows, on the calling thread plus the worker thread
    of `conv_bank`; BLAS is held to one thread during a large call (restored afterwards).

    Examples
    --------
    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> grad_image, grad_kernels = conv_bank_grad(image, np.ones((1, 1, 2)), np.ones((1, 3, 3)))
    >>> grad_kernels.tolist()  # each tap saw the impulse in exactly one window
    [[[1.0, 1.0]]]
    >>> grad_image.tolist()  # 'same' pads an even kernel after the image: column 0 is read once
    [[1.0, 2.0, 2.0], [1.0, 2.0, 2.0], [1.0, 2.0, 2.0]]
    """
    check_choice("mode", mode, MODES)
    check_choice("boundary", boundary, BOUNDARIES)
    check_positive_int("stride", stride)
    check_positive_int("dilation", dilation)
    shape_image, shape_kernels = np.shape(image), np.shape(kernels)
    image, kernels, key = _prepare(image, kernels, mode, boundary, stride, dilation)
    geometry = _plan(key).geometry
    grad_maps = _check_grad("grad_maps", grad_maps, (kernels.shape[0], geometry.out_h, geometry.out_w),
                            "the feature maps (K, H', W')")
    grad_maps = np.ascontiguousarray(grad_maps, np.float32)
    grad_image, grad_kernels = bank_backward(image, kernels, grad_maps, geometry, boundary)
    return grad_image.reshape(shape_image), grad_kernels.reshape(shape_kernels)


def pool2d_grad(x, grad_out, size, stride=None, kind="max", padding="valid"):
    """Gradient of `pool2d` with respect to its input.

    Each window passes the gradient of its output on to the values it summarised: ``max`` and
    ``min`` to the winning value only (ties: the FIRST of the window in row-major order, as
    torch does), ``avg`` equally to the real values of the window, ``l2`` in proportion to
    ``x / y`` (nothing from a window of zeros). Overlapping windows add up; padded positions of
    ``same`` pooling get nothing; values no window covers get 0.

    Parameters
    ----------
    x : array_like, (..., H, W)
        The forward's input, e.g. feature maps (K, H, W).
    grad_out : array_like, (..., H', W')
        Gradient with respect to ``pool2d(x, size, stride, kind, padding)``, of its shape.
    size, stride, kind, padding
        As in `pool2d`.

    Returns
    -------
    ndarray, shape of `x`
        Floating: the common float type of `x` and `grad_out` (integers count as float64).

    Raises
    ------
    ValueError
        Bad size, stride, kind or padding, `x` with fewer than 2 axes, or `grad_out` of the
        wrong shape.
    TypeError
        Complex or non-numeric `x`.

    Examples
    --------
    >>> x = np.array([[1.0, 3.0, 3.0, 0.0]])
    >>> pool2d_grad(x, [[10.0, 20.0]], (1, 2)).tolist()
    [[0.0, 10.0, 20.0, 0.0]]
    >>> pool2d_grad(x, [[1.0, 1.0, 1.0]], (1, 2), stride=1).tolist()  # ties: first wins
    [[0.0, 2.0, 1.0, 0.0]]
    """
    x = as_float_array("x", x, 2, "(..., H, W)")
    sizes = as_pair("size", size)
    strides = sizes if stride is None else as_pair("stride", stride)
    check_choice("kind", kind, POOL_KINDS)
    check_choice("padding", padding, PADDINGS)
    shape = x.shape[:-2] + tuple(pool_output_size(n, k, t, padding)
                                 for n, k, t in zip(x.shape[-2:], sizes, strides))
    grad_out = _check_grad("grad_out", grad_out, shape, "the pooled maps")
    dtype = np.result_type(x.dtype, np.float64 if grad_out.dtype.kind in "biu" else grad_out.dtype)
    return pool_backward(x.astype(dtype, copy=False), grad_out.astype(dtype, copy=False),
                         sizes, strides, kind, padding)


def activate_grad(x, name, grad_out, *, negative_slope=0.01):
    """Gradient of `activate` with respect to its input: ``grad_out * f'(x)``.

    Parameters
    ----------
    x : array_like
        The forward's input (pre-activation feature maps).
    name : {"identity", "relu", "leaky_relu", "abs", "tanh", "sigmoid"}
        Derivatives at the kinks follow torch: ``relu'(0) = 0``, ``abs'(0) = 0``,
        ``leaky_relu'(0) = negative_slope``.
    grad_out : array_like, shape of `x`
        Gradient with respect to ``activate(x, name)``.
    negative_slope : float, default 0.01
        Slope of ``leaky_relu`` for negative inputs.

    Returns
    -------
    ndarray, shape of `x`
        Floating: the common float type of `x` and `grad_out` (integers count as float64).

    Raises
    ------
    ValueError
        Unknown `name`, non-finite `negative_slope`, or `grad_out` of another shape than `x`.
    TypeError
        Complex or non-numeric `x`.

    Examples
    --------
    >>> activate_grad([-2.0, 0.0, 3.0], "relu", [5.0, 5.0, 5.0]).tolist()
    [0.0, 0.0, 5.0]
    >>> activate_grad([0.0], "sigmoid", [1.0]).tolist()
    [0.25]
    """
    check_choice("name", name, ACTIVATIONS)
    slope = check_real("negative_slope", negative_slope)
    if not np.isfinite(slope):
        raise ValueError(f"negative_slope must be a finite real number; got {negative_slope!r}")
    x = as_float_array("x", x)
    grad = _check_grad("grad_out", grad_out, x.shape, "x")
    dtype = np.result_type(x.dtype, np.float64 if grad.dtype.kind in "biu" else grad.dtype)
    x, grad = x.astype(dtype, copy=False), grad.astype(dtype, copy=False)
    return grad * _derivative(x, name, slope)


def _derivative(x, name, slope):
    """f'(x) of the activation `name`, in the dtype of `x`."""
    if name == "identity":
        return np.ones_like(x)
    if name == "relu":
        return (x > 0).astype(x.dtype)
    if name == "leaky_relu":
        return np.where(x > 0, x.dtype.type(1), x.dtype.type(slope))
    if name == "abs":
        return np.sign(x)
    if name == "tanh":
        return 1 - np.square(np.tanh(x))
    from scipy import special  # here, not at import, as in `activation`

    sigma = special.expit(x.astype(np.result_type(x.dtype, np.float32), copy=False))  # no float16 loop
    return (sigma * (1 - sigma)).astype(x.dtype, copy=False)
