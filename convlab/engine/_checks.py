"""Shared argument checks for the engine: every error names the argument and its allowed values.

These helpers are private to ``convlab.engine``; every engine module uses them, so the same
mistake gives the same message everywhere, always ``"<argument> must be <rule>; got <value>"``:

>>> check_positive_int("stride", 0)
Traceback (most recent call last):
    ...
ValueError: stride must be an integer >= 1; got 0

Errors are ValueError, except data of a complex, object or text dtype: that raises `DtypeError`,
which is both a TypeError and a ValueError (callers may catch either).
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "DtypeError", "as_float_array", "as_pair", "check_array", "check_choice", "check_finite", "check_finite_array",
    "check_int", "check_min_ndim", "check_ndim", "check_positive_int", "check_real", "check_real_dtype",
    "float_result_dtype",
]


class DtypeError(TypeError, ValueError):
    """Data that must hold real numbers has a complex, object or text dtype.

    A TypeError by nature, and a ValueError too: the engine's checks raised one or the other
    for this mistake, and both kinds of ``except`` keep working.
    """


def check_choice(name, value, allowed):
    """Return `value` if it is one of `allowed`, else raise ValueError.

    Parameters
    ----------
    name : str
        Argument name used in the error message.
    value : object
        The value to check (compared with ``==``; strings are the usual case).
    allowed : sequence
        The allowed values.

    Examples
    --------
    >>> check_choice("mode", "same", ("full", "same", "valid"))
    'same'
    """
    if not any(isinstance(value, type(a)) and value == a for a in allowed):
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {choices}; got {value!r}")
    return value


def _is_integer(value):
    """True for Python and NumPy integers, False for booleans (a count is not a truth value)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def check_int(name, value, minimum=0, maximum=None):
    """Return `value` as a Python int if it is an integer in ``[minimum, maximum]``, else raise ValueError.

    Booleans and floats (even ``2.0``) are rejected: a stride or a size is counted, not measured.
    ``minimum=None`` allows any integer, ``maximum=None`` (the default) any large one.

    Examples
    --------
    >>> check_int("padding", np.int64(2))
    2
    >>> check_int("shift", -3, minimum=None)
    -3
    """
    if minimum is None and maximum is None:
        rule = "an integer"
    elif maximum is None:
        rule = f"an integer >= {minimum}"
    elif minimum is None:
        rule = f"an integer <= {maximum}"
    else:
        rule = f"an integer from {minimum} to {maximum}"
    if not _is_integer(value) or (minimum is not None and value < minimum) \
            or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {rule}; got {value!r}")
    return int(value)


def check_positive_int(name, value):
    """Return `value` as a Python int if it is an integer >= 1, else raise ValueError.

    Examples
    --------
    >>> check_positive_int("stride", 2)
    2
    """
    return check_int(name, value, minimum=1)


def as_pair(name, value, minimum=1):
    """Turn an int or a pair of ints into a ``(rows, cols)`` tuple of ints >= `minimum`.

    Parameters
    ----------
    name : str
        Argument name used in the error message.
    value : int or sequence of two ints
        One value for both axes, or ``(along_rows, along_cols)``.
    minimum : int, default 1
        Smallest allowed value.

    Returns
    -------
    tuple of int
        ``(value_rows, value_cols)``.

    Examples
    --------
    >>> as_pair("stride", 2)
    (2, 2)
    >>> as_pair("dilation", (1, 3))
    (1, 3)
    """
    if _is_integer(value):
        value = (value, value)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(f"{name} must be an integer >= {minimum} or a pair of them; got {value!r}")
    return (check_int(name, value[0], minimum), check_int(name, value[1], minimum))


def check_real(name, value):
    """Return `value` as a Python float if it is a real number (NaN and inf are allowed).

    Examples
    --------
    >>> check_real("fillvalue", np.float32(0.5))
    0.5
    """
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a real number; got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number; got {value!r}") from None


def check_finite(name, value, minimum=None, *, strict=False):
    """Return `value` as a finite Python float, ``>= minimum`` (``> minimum`` if `strict`).

    Booleans are rejected, as in `check_int`. ``minimum=None`` allows any finite number.

    Examples
    --------
    >>> check_finite("sigma", 1.5, minimum=0, strict=True)
    1.5
    >>> check_finite("sigma", 0.0, minimum=0, strict=True)
    Traceback (most recent call last):
        ...
    ValueError: sigma must be a finite number > 0; got 0.0
    """
    rule = "a finite number"
    if minimum is not None:
        rule += f" {'>' if strict else '>='} {minimum:g}"
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise ValueError(f"{name} must be {rule}; got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {rule}; got {value!r}") from None
    if not np.isfinite(number) or (minimum is not None
                                   and (number <= minimum if strict else number < minimum)):
        raise ValueError(f"{name} must be {rule}; got {value!r}")
    return number


def _dimensions(ndim):
    return f"{ndim} dimension{'' if ndim == 1 else 's'}"


def check_real_dtype(name, value):
    """Return `value` as an ndarray of bool, integer or floating dtype, else raise `DtypeError`.

    Examples
    --------
    >>> check_real_dtype("x", [1, 2]).dtype.kind
    'i'
    """
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise DtypeError(
            f"{name} must hold real numbers (bool, integer or floating dtype); got {array.dtype}"
        )
    return array


def as_float_array(name, value, min_ndim=0, layout=""):
    """Return `value` as a floating ndarray: floats keep their dtype, bools and integers give float64.

    Parameters
    ----------
    name : str
        Argument name used in the error messages.
    value : array_like
        Real data (`DtypeError` otherwise).
    min_ndim : int, default 0
        Fewest dimensions allowed (ValueError otherwise).
    layout : str, optional
        How the dimensions are read, e.g. ``"(..., H, W)"``, for the error message.

    Examples
    --------
    >>> as_float_array("x", np.ones(2, np.float32)).dtype, as_float_array("x", [1, 2]).dtype
    (dtype('float32'), dtype('float64'))
    """
    array = check_real_dtype(name, check_min_ndim(name, value, min_ndim, layout))
    return array if array.dtype.kind == "f" else array.astype(np.float64)


def check_min_ndim(name, value, min_ndim, layout=""):
    """Return `value` as an ndarray with at least `min_ndim` dimensions, else raise ValueError.

    Examples
    --------
    >>> check_min_ndim("image", np.zeros(4), 2, "(..., H, W)")
    Traceback (most recent call last):
        ...
    ValueError: image must have at least 2 dimensions (..., H, W); got shape (4,)
    """
    array = np.asarray(value)
    if array.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {_dimensions(min_ndim)}{' ' + layout if layout else ''}; "
                         f"got shape {array.shape}")
    return array


def check_ndim(name, array, ndims, layout=None):
    """Return ndarray `array` if its number of dimensions is `ndims` (an int or a tuple of them).

    `layout` describes the allowed shapes for the error message, e.g. ``"(H, W) or (H, W, C)"``.

    Examples
    --------
    >>> check_ndim("image", np.zeros(3), (2, 3), "(H, W) or (H, W, C)")
    Traceback (most recent call last):
        ...
    ValueError: image must have shape (H, W) or (H, W, C); got shape (3,)
    """
    ndims = (ndims,) if isinstance(ndims, numbers.Integral) else tuple(ndims)
    if array.ndim not in ndims:
        if layout:
            raise ValueError(f"{name} must have shape {layout}; got shape {array.shape}")
        counts = " or ".join(str(n) for n in ndims)
        raise ValueError(f"{name} must have {counts} dimension{'' if ndims == (1,) else 's'}; "
                         f"got shape {array.shape}")
    return array


def check_array(name, value, ndim, layout=None):
    """Return `value` as a non-empty real numeric ndarray with `ndim` dimensions (see `check_ndim`).

    Bool, integer and floating dtypes are accepted; complex and object arrays are not.

    Raises
    ------
    ValueError
        If the number of dimensions is wrong or the array is empty.
    DtypeError
        If its dtype is not real (also a ValueError).

    Examples
    --------
    >>> check_array("kernel", [[1, 0], [0, 1]], ndim=2).shape
    (2, 2)
    >>> check_array("patches", np.zeros((0, 4)), 2, "(N, D)")
    Traceback (most recent call last):
        ...
    ValueError: patches must not be empty; got shape (0, 4)
    """
    array = check_ndim(name, np.asarray(value), ndim, layout)
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}")
    return check_real_dtype(name, array)


def check_finite_array(name, array):
    """Return ndarray `array` if it holds no NaN or infinity, else raise ValueError.

    Examples
    --------
    >>> check_finite_array("weights", np.array([1.0, np.nan]))
    Traceback (most recent call last):
        ...
    ValueError: weights must hold finite numbers only (no NaN or infinity)
    """
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers only (no NaN or infinity)")
    return array


def float_result_dtype(*arrays):
    """The floating dtype a filter returns for these inputs.

    If every input is floating, the common floating type (at least float32) is kept, so
    float32 stays float32. As soon as one input is bool or integer the result is float64,
    which holds every uint8/int16 sum exactly (no wrap-around).

    Examples
    --------
    >>> float_result_dtype(np.zeros(2, np.float32), np.ones(2, np.float32))
    dtype('float32')
    >>> float_result_dtype(np.zeros(2, np.uint8), np.ones(2, np.float32))
    dtype('float64')
    """
    dtypes = [np.asarray(a).dtype for a in arrays]
    if all(np.issubdtype(d, np.floating) for d in dtypes):
        return np.result_type(np.float32, *dtypes)
    return np.dtype(np.float64)
