"""Activation functions: the nonlinearity between the convolution and the pooling of a CNN block.

Every function keeps a floating dtype (float32 stays float32); integer and boolean inputs give
float64. ``out=`` lets a caller reuse a buffer or work in place.

Examples
--------
>>> import numpy as np
>>> activate(np.array([-2.0, 0.0, 3.0]), "relu")
array([0., 0., 3.])
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_choice, check_finite

__all__ = ["ACTIVATIONS", "activate", "is_signed_activation"]

ACTIVATIONS = ("identity", "relu", "leaky_relu", "abs", "tanh", "sigmoid")

_SIGNED = frozenset({"identity", "leaky_relu", "tanh"})


def _check_out(out, shape):
    """Raise unless `out` is a floating ndarray of `shape`."""
    if not isinstance(out, np.ndarray) or out.dtype.kind != "f":
        raise TypeError(f"out must be a floating-point ndarray or None; got {type(out).__name__}"
                        + (f" of dtype {out.dtype}" if isinstance(out, np.ndarray) else ""))
    if out.shape != shape:
        raise ValueError(f"out must have the shape of x {shape}; got {out.shape}")


def _leaky_relu(x, slope, out):
    """max(x, 0) + slope * min(x, 0), safe when `out` is `x`."""
    negative_part = np.minimum(x, 0)
    negative_part *= slope
    result = np.maximum(x, 0, out=out)
    result += negative_part
    return result


def activate(x, name, *, negative_slope=0.01, out=None):
    r"""Apply the activation function `name` elementwise.

    Parameters
    ----------
    x : array_like, any shape
        Real values, e.g. feature maps of shape (K, H, W). Float dtypes are kept; booleans and
        integers are computed in float64.
    name : {"identity", "relu", "leaky_relu", "abs", "tanh", "sigmoid"}
        ``identity``: x; ``relu``: max(x, 0); ``leaky_relu``: x for x > 0, else
        ``negative_slope * x``; ``abs``: \|x\|; ``tanh``; ``sigmoid``: 1 / (1 + exp(-x)),
        computed without overflow for large \|x\| (saturates to exactly 0 or 1, no warnings).
    negative_slope : float, default 0.01
        Slope of ``leaky_relu`` for negative inputs; ignored by the other activations.
    out : ndarray, optional
        Floating array of the shape of `x` that receives the result; may be `x` itself for an
        in-place update. A new array is returned when omitted (also for ``identity``).

    Returns
    -------
    ndarray
        Same shape as `x`; dtype of `x` if floating, else float64 (or the dtype of `out`).

    Examples
    --------
    >>> a = np.array([-1.0, 2.0], dtype=np.float32)
    >>> activate(a, "leaky_relu", negative_slope=0.5)
    array([-0.5,  2. ], dtype=float32)
    >>> _ = activate(a, "relu", out=a)
    >>> a
    array([0., 2.], dtype=float32)
    """
    check_choice("name", name, ACTIVATIONS)
    negative_slope = check_finite("negative_slope", negative_slope)
    x = as_float_array("x", x)
    if out is not None:
        _check_out(out, x.shape)
    if name == "identity":
        if out is None:
            return x.copy()
        np.copyto(out, x)
        return out
    if name == "relu":
        return np.maximum(x, 0, out=out)
    if name == "leaky_relu":
        return _leaky_relu(x, negative_slope, out)
    if name == "abs":
        return np.abs(x, out=out)
    if name == "tanh":
        return np.tanh(x, out=out)
    return _sigmoid(x, out)


def _sigmoid(x, out):
    """Overflow-free logistic function; float16 is computed in float32 (scipy has no half loop)."""
    from scipy import special  # here, not at import: convlab.engine stays quick to import

    if x.dtype in (np.float32, np.float64, np.longdouble):
        return special.expit(x, out=out)
    result = special.expit(x.astype(np.float32)).astype(x.dtype)
    if out is None:
        return result
    np.copyto(out, result, casting="same_kind")
    return out


def is_signed_activation(name):
    """Whether the activation `name` can output negative values.

    The interface picks a diverging colour map for signed feature maps.

    Parameters
    ----------
    name : {"identity", "relu", "leaky_relu", "abs", "tanh", "sigmoid"}

    Returns
    -------
    bool
        True for ``identity``, ``leaky_relu`` and ``tanh``; False for the others.

    Examples
    --------
    >>> is_signed_activation("tanh"), is_signed_activation("relu")
    (True, False)
    """
    check_choice("name", name, ACTIVATIONS)
    return name in _SIGNED
