"""Pooling against an explicit loop reference, the lecture's figures, torch, and validation."""
import itertools

import numpy as np
import pytest

from convlab.engine.pooling import POOL_KINDS, pool1d, pool2d, pool_output_size

SIZES = (1, 2, 3)
STRIDES = (1, 2, 3)
PADDINGS = ("valid", "same")

STATISTIC = {
    "max": np.max,
    "min": np.min,
    "avg": np.mean,
    "l2": lambda window: np.sqrt(np.sum(window**2)),
}


def _windows(n, size, stride, padding):
    """Index ranges [lo, hi) of the real samples of every window, from first principles."""
    if padding == "valid":
        return [(s, s + size) for s in range(0, n - size + 1, stride)]
    n_out = -(-n // stride)
    before = max((n_out - 1) * stride + size - n, 0) // 2
    starts = [o * stride - before for o in range(n_out)]
    return [(max(s, 0), min(s + size, n)) for s in starts]


def _loop_pool1d(x, size, stride, kind, padding):
    windows = _windows(x.shape[-1], size, stride, padding)
    out = np.empty(x.shape[:-1] + (len(windows),))
    for lead in np.ndindex(*x.shape[:-1]):
        for o, (lo, hi) in enumerate(windows):
            out[lead + (o,)] = STATISTIC[kind](x[lead + (slice(lo, hi),)])
    return out


def _loop_pool2d(x, size, stride, kind, padding):
    rows = _windows(x.shape[-2], size[0], stride[0], padding)
    cols = _windows(x.shape[-1], size[1], stride[1], padding)
    out = np.empty(x.shape[:-2] + (len(rows), len(cols)))
    for lead in np.ndindex(*x.shape[:-2]):
        for (i, (r0, r1)), (j, (c0, c1)) in itertools.product(enumerate(rows), enumerate(cols)):
            out[lead + (i, j)] = STATISTIC[kind](x[lead + (slice(r0, r1), slice(c0, c1))])
    return out


@pytest.mark.parametrize("kind", POOL_KINDS)
@pytest.mark.parametrize("padding", PADDINGS)
def test_pool1d_matches_loop(kind, padding):
    rng = np.random.default_rng(0)
    for n, size, stride in itertools.product((7, 8), SIZES, STRIDES):
        x = rng.normal(size=(2, n))
        expected = _loop_pool1d(x, size, stride, kind, padding)
        result = pool1d(x, size, stride, kind=kind, padding=padding)
        assert result.shape == expected.shape == (2, pool_output_size(n, size, stride, padding))
        np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-15,
                                   err_msg=f"n={n} size={size} stride={stride}")


@pytest.mark.parametrize("kind", POOL_KINDS)
@pytest.mark.parametrize("padding", PADDINGS)
def test_pool2d_matches_loop(kind, padding):
    rng = np.random.default_rng(0)
    for size, stride in itertools.product(SIZES, STRIDES):
        x = rng.normal(size=(2, 7, 8))  # odd height, even width
        expected = _loop_pool2d(x, (size, size), (stride, stride), kind, padding)
        result = pool2d(x, size, stride, kind=kind, padding=padding)
        np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-15,
                                   err_msg=f"size={size} stride={stride}")


@pytest.mark.parametrize("padding", PADDINGS)
def test_pool2d_rectangular_windows_and_leading_axes(padding):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 6, 9))
    for kind in POOL_KINDS:
        expected = _loop_pool2d(x, (3, 2), (1, 3), kind, padding)
        result = pool2d(x, (3, 2), stride=(1, 3), kind=kind, padding=padding)
        np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", POOL_KINDS)
def test_same_padding_is_ignored_on_all_negative_input(kind):
    rng = np.random.default_rng(0)
    x = -rng.uniform(1.0, 2.0, size=(3, 5, 7))
    for size, stride in itertools.product((2, 3), (1, 2)):
        result = pool2d(x, size, stride, kind=kind, padding="same")
        expected = _loop_pool2d(x, (size, size), (stride, stride), kind, "same")
        np.testing.assert_allclose(result, expected, rtol=1e-12)
        if kind in ("max", "avg", "min"):
            assert np.all(result < -0.99)  # a zero from the padding would show here
        result1d = pool1d(x, size, stride, kind=kind, padding="same")
        expected1d = _loop_pool1d(x, size, stride, kind, "same")
        np.testing.assert_allclose(result1d, expected1d, rtol=1e-12)


def test_lecture_figures():
    same = dict(kind="max", padding="same")
    np.testing.assert_array_equal(pool1d([0.1, 1, 0.2, 0.1], 3, 1, **same), [1, 1, 1, 0.2])
    np.testing.assert_array_equal(pool1d([0.1, 1, 0.2, 0.1, 0, 0.1], 3, 2, **same), [1, 0.2, 0.1])
    np.testing.assert_array_equal(pool1d([0.3, 0.1, 1, 0.2], 3, 1, **same), [0.3, 1, 1, 1])
    # The translation-invariance figure: shifting the input by one changes few pooled values.
    x = np.array([0.1, 1, 0.2, 0.1])
    shifted = np.array([0.3, 0.1, 1, 0.2])
    assert np.sum(pool1d(x, 3, 1, **same) != pool1d(shifted, 3, 1, **same)) == 2


def test_same_padding_examples_by_hand():
    # n=4, size=2, stride=2: no padding needed; n=5: one pad after.
    np.testing.assert_array_equal(pool1d([1, 2, 3, 4, 5], 2, padding="same", kind="avg"),
                                  [1.5, 3.5, 5.0])
    # n=5, size=3, stride=1: one pad on each side.
    np.testing.assert_array_equal(pool1d([-1, -2, -3, -4, -5], 3, 1, padding="same"),
                                  [-1, -1, -2, -3, -4])
    # The total padding of 3 for n=4, size=4, stride=1 puts 1 before and 2 after.
    np.testing.assert_array_equal(pool1d([1, 2, 3, 4], 4, 1, padding="same", kind="min"),
                                  [1, 1, 2, 3])


def test_output_size_formula():
    assert pool_output_size(7, 2) == 3
    assert pool_output_size(7, 2, padding="same") == 4
    assert pool_output_size(6, 3, 2, "same") == 3
    assert pool_output_size(2, 3) == 0
    assert pool_output_size(0, 3, 1, "same") == 0
    for n, size, stride in itertools.product(range(1, 12), SIZES, STRIDES):
        assert pool_output_size(n, size, stride, "valid") == len(range(0, n - size + 1, stride))
        assert pool_output_size(n, size, stride, "same") == int(np.ceil(n / stride))


def test_valid_window_larger_than_input_is_empty():
    assert pool2d(np.ones((2, 3, 5)), 4).shape == (2, 0, 1)
    assert pool1d(np.ones(2), 3, kind="avg").shape == (0,)


@pytest.mark.parametrize("kind", POOL_KINDS)
def test_dtypes(kind):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 9, 9))
    result32 = pool2d(x.astype(np.float32), 2, kind=kind, padding="same")
    assert result32.dtype == np.float32
    np.testing.assert_allclose(result32, pool2d(x, 2, kind=kind, padding="same"), rtol=1e-5)
    ints = np.arange(20).reshape(4, 5)
    result_int = pool2d(ints, 2, kind=kind)
    assert result_int.dtype == np.float64
    np.testing.assert_allclose(result_int, _loop_pool2d(ints.astype(float), (2, 2), (2, 2), kind,
                                                        "valid"))


def test_input_is_not_modified_and_output_is_new():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 6))
    before = x.copy()
    for kind, size in itertools.product(POOL_KINDS, (1, 2)):
        result = pool2d(x, size, 1, kind=kind, padding="same")
        assert not np.shares_memory(result, x)
    np.testing.assert_array_equal(x, before)


def test_max_pool2d_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 11, 10)).astype(np.float32)
    for size, stride in itertools.product(SIZES, STRIDES):
        expected = torch.nn.functional.max_pool2d(torch.from_numpy(x), size, stride).numpy()
        np.testing.assert_array_equal(pool2d(x, size, stride), expected)
    expected = torch.nn.functional.avg_pool2d(torch.from_numpy(x), (3, 2), (2, 3)).numpy()
    np.testing.assert_allclose(pool2d(x, (3, 2), (2, 3), kind="avg"), expected, rtol=1e-6,
                               atol=1e-7)


def test_bad_arguments_name_allowed_values():
    x = np.zeros((4, 4))
    with pytest.raises(ValueError, match="kind must be one of 'max', 'avg', 'min', 'l2'; got 'mean'"):
        pool2d(x, 2, kind="mean")
    with pytest.raises(ValueError, match="padding must be one of 'valid', 'same'; got 'full'"):
        pool1d(x, 2, padding="full")
    with pytest.raises(ValueError, match="size must be an integer >= 1"):
        pool2d(x, 0)
    with pytest.raises(ValueError, match="size must be an integer >= 1"):
        pool1d(x, 2.0)
    with pytest.raises(ValueError, match="stride must be an integer >= 1"):
        pool2d(x, 2, stride=(1, 0))
    with pytest.raises(ValueError, match="size must be an integer >= 1 or a pair of them"):
        pool2d(x, (2, 2, 2))
    with pytest.raises(ValueError, match="x must have at least 2 dimensions"):
        pool2d(np.zeros(5), 2)
    with pytest.raises(ValueError, match="x must have at least 1 dimension"):
        pool1d(np.float64(3.0), 1)
    with pytest.raises(ValueError, match="n must be an integer >= 0"):
        pool_output_size(-1, 2)
    with pytest.raises(TypeError, match="x must hold real numbers"):
        pool2d(np.zeros((2, 2), complex), 2)
