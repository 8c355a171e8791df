"""Activations against direct NumPy formulas, dtype rules, in-place use and validation."""
import warnings

import numpy as np
import pytest

from convlab.engine.activation import ACTIVATIONS, activate, is_signed_activation

RNG = np.random.default_rng(0)
X = RNG.normal(scale=3.0, size=(3, 7, 5))


def _reference(x, name, slope=0.01):
    """Textbook formulas in float64 (sigmoid only for moderate |x|)."""
    x = np.asarray(x, dtype=np.float64)
    return {
        "identity": x,
        "relu": np.where(x > 0, x, 0.0),
        "leaky_relu": np.where(x > 0, x, slope * x),
        "abs": np.abs(x),
        "tanh": np.tanh(x),
        "sigmoid": 1.0 / (1.0 + np.exp(-x)),
    }[name]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_matches_formula_float64(name):
    np.testing.assert_allclose(activate(X, name), _reference(X, name), rtol=1e-14, atol=0)


@pytest.mark.parametrize("slope", [0.0, 0.2, 1.5, -0.3])
def test_leaky_relu_slope(slope):
    result = activate(X, "leaky_relu", negative_slope=slope)
    np.testing.assert_allclose(result, _reference(X, "leaky_relu", slope), rtol=1e-14)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_float32_stays_float32(name):
    x32 = X.astype(np.float32)
    result = activate(x32, name)
    assert result.dtype == np.float32
    np.testing.assert_allclose(result, _reference(x32, name), rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_integers_and_bools_give_float64(name):
    ints = np.arange(-4, 5)
    result = activate(ints, name)
    assert result.dtype == np.float64
    np.testing.assert_allclose(result, _reference(ints, name), rtol=1e-14)
    assert activate(np.array([True, False]), name).dtype == np.float64


def test_float16_sigmoid_keeps_dtype():
    x16 = np.array([-30.0, -1.0, 0.0, 2.0, 30.0], dtype=np.float16)
    result = activate(x16, "sigmoid")
    assert result.dtype == np.float16
    np.testing.assert_allclose(result, _reference(x16, "sigmoid"), rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_large_inputs_no_overflow(dtype):
    x = np.array([-1e4, -800.0, -745.0, -88.0, -40.0, 0.0, 40.0, 88.0, 800.0, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = activate(x, "sigmoid")
    assert result.dtype == dtype
    assert np.all(np.isfinite(result)) and np.all((result >= 0) & (result <= 1))
    assert result[0] == 0.0 and result[-1] == 1.0 and result[5] == 0.5
    # Exact reference in long double where exp cannot overflow for these values.
    xl = x.astype(np.longdouble)
    with np.errstate(over="ignore"):
        expected = np.where(xl >= 0, 1 / (1 + np.exp(-xl)), np.exp(xl) / (1 + np.exp(xl)))
    tiny = np.finfo(dtype).tiny
    np.testing.assert_allclose(result, expected.astype(np.float64), rtol=4 * np.finfo(dtype).eps,
                               atol=tiny)
    # Relative accuracy where the naive formula still works: sigmoid(-40) ~ 4.2e-18, not 0.
    if dtype == np.float64:
        assert result[4] == pytest.approx(np.exp(-40.0) / (1 + np.exp(-40.0)), rel=1e-14)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_in_place(name):
    expected = _reference(X, name)
    buffer = X.copy()
    returned = activate(buffer, name, out=buffer)
    assert returned is buffer
    np.testing.assert_allclose(buffer, expected, rtol=1e-14)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_out_buffer_and_no_aliasing(name):
    out = np.empty_like(X)
    before = X.copy()
    assert activate(X, name, out=out) is out
    np.testing.assert_allclose(out, _reference(X, name), rtol=1e-14)
    np.testing.assert_array_equal(X, before)
    fresh = activate(X, name)
    assert not np.shares_memory(fresh, X)


def test_scalar_and_list_inputs():
    assert activate(-2.0, "abs") == 2.0
    np.testing.assert_array_equal(activate([-1, 3], "relu"), [0.0, 3.0])


def test_signed_activations():
    signed = {name for name in ACTIVATIONS if is_signed_activation(name)}
    assert signed == {"identity", "leaky_relu", "tanh"}
    # The flag agrees with what the functions actually output.
    for name in ACTIVATIONS:
        assert (activate(X, name).min() < 0) == is_signed_activation(name)


@pytest.mark.parametrize("bad", ["softmax", "ReLU", None, 3])
def test_unknown_name_lists_choices(bad):
    with pytest.raises(ValueError, match="name must be one of .*leaky_relu"):
        activate(X, bad)
    with pytest.raises(ValueError, match="name must be one of"):
        is_signed_activation(bad)


def test_bad_arguments():
    with pytest.raises(ValueError, match="negative_slope"):
        activate(X, "leaky_relu", negative_slope=float("nan"))
    with pytest.raises(ValueError, match="negative_slope"):
        activate(X, "leaky_relu", negative_slope="0.1")
    with pytest.raises(ValueError, match="out must have the shape"):
        activate(X, "relu", out=np.empty((2, 2)))
    with pytest.raises(TypeError, match="out must be a floating"):
        activate(X, "relu", out=np.empty(X.shape, dtype=int))
    with pytest.raises(TypeError, match="x must hold real numbers"):
        activate(np.array([1 + 2j]), "relu")
