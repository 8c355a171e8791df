"""Shared argument checks for the engine: every error names the argument and its allowed values.

These helpers are private to ``convlab.engine``; any engine module may import them so that the
same mistake gives the same message everywhere.
"""
from __future__ import annotations

import numbers

import numpy as np


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


def check_int(name, value, minimum=0):
    """Return `value` as a Python int if it is an integer >= `minimum`, else raise ValueError.

    Booleans and floats (even ``2.0``) are rejected: a stride or a size is counted, not measured.

    Examples
    --------
    >>> check_int("padding", np.int64(2))
    2
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_positive_int(name, value):
    """Return `value` as a Python int if it is an integer >= 1, else raise ValueError.

    Examples
    --------
    >>> check_positive_int("stride", 2)
    2
    """
    return check_int(name, value, minimum=1)


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
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        value = (value, value)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(
            f"{name} must be an integer >= {minimum} or a pair of them; got {value!r}"
        )
    return (check_int(name, value[0], minimum), check_int(name, value[1], minimum))


def check_array(name, value, ndim):
    """Return `value` as a non-empty real numeric ndarray with `ndim` dimensions.

    Bool, integer and floating dtypes are accepted; complex and object arrays are not.

    Raises
    ------
    ValueError
        If the number of dimensions is wrong, the array is empty or its dtype is not real.

    Examples
    --------
    >>> check_array("kernel", [[1, 0], [0, 1]], ndim=2).shape
    (2, 2)
    """
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s); got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}")
    if not (array.dtype == np.bool_ or np.issubdtype(array.dtype, np.integer)
            or np.issubdtype(array.dtype, np.floating)):
        raise ValueError(
            f"{name} must hold real numbers (bool, integer or floating dtype); got {array.dtype}"
        )
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
