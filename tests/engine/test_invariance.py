"""Equivariance of convolution, (approximate) invariance of pooling, BlurPool and orientation pooling."""
import subprocess
import sys

import numpy as np
import pytest
from scipy import ndimage, signal

from convlab.engine.blurpool import blur_downsample, blur_pool, blur_pool1d, pool_windows
from convlab.engine.invariance import (
    band_outline,
    border_band,
    cosine_similarity,
    equivariance_check,
    equivariance_error,
    pooled_change,
    pooled_offset,
    shift_curves,
)
from convlab.engine.kernels import gabor_kernel
from convlab.engine.pooling import pool1d
from convlab.engine.rotation_invariance import (
    bar_image,
    orientation_pooling,
    orientation_sweep,
    rotate_image,
    rotated_bank,
)
from convlab.engine.shift import translate, translate1d

KERNEL_SHAPES = [(1, 1), (3, 3), (2, 2), (4, 3), (5, 2), (1, 6)]


def _rng():
    return np.random.default_rng(0)


def test_new_engine_modules_import_no_qt():
    code = ("import sys, convlab.engine.invariance, convlab.engine.blurpool, convlab.engine.rotation_invariance;"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')];"
            "sys.exit(1 if bad else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# ---- the issue's exact facts ------------------------------------------------------------------
def test_max_pooling_and_blurpool_on_the_issue_signal():
    x = np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.float64)
    shifted = translate1d(x, 1, boundary="wrap")
    assert pool_windows(x, 2, 2, ndim=1).tolist() == [0, 1, 0, 1]
    assert pool_windows(shifted, 2, 2, ndim=1).tolist() == [1, 1, 1, 1]
    assert blur_pool1d(x, 2, 2).tolist() == [0.5, 1, 0.5, 1]
    assert blur_pool1d(shifted, 2, 2).tolist() == [0.75, 0.75, 0.75, 0.75]
    assert blur_pool(x[None, :], 2, 2, ndim=1).tolist() == [[0.5, 1, 0.5, 1]]


def test_lecture_figure_max_pool_width_3_stride_1():
    assert pool1d([0.1, 1, 0.2, 0.1], 3, 1, "max", padding="same").tolist() == [1, 1, 1, 0.2]
    assert pool1d([0.3, 0.1, 1, 0.2], 3, 1, "max", padding="same").tolist() == [0.3, 1, 1, 1]


@pytest.mark.parametrize("shape", KERNEL_SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_wrap_convolution_is_exactly_equivariant_for_every_shift(shape, dtype):
    rng = _rng()
    x = rng.standard_normal((13, 17)).astype(dtype)
    k = rng.standard_normal(shape).astype(dtype)
    for dy in range(-14, 15, 3):
        for dx in (-18, -5, -1, 0, 1, 2, 7, 17, 40):
            difference, max_abs = equivariance_error(x, k, dy, dx, boundary="wrap")
            assert max_abs == 0.0 and not difference.any(), (dy, dx)


@pytest.mark.parametrize("stride", [1, 2, 3, 4])
@pytest.mark.parametrize("kind", ["max", "avg", "min", "l2"])
def test_strided_pooling_is_equivariant_for_multiples_of_the_stride(stride, kind):
    x = _rng().standard_normal((3, 12 * stride, 8 * stride))
    for size in {stride, 2, 3}:
        pooled = pool_windows(x, size, stride, kind)
        blurred = blur_pool(x, size, stride, kind, filter=(1, 3, 3, 1))
        for m, n in [(1, 0), (0, 1), (2, -3), (-1, 5)]:
            moved = np.roll(x, (m * stride, n * stride), axis=(-2, -1))
            np.testing.assert_array_equal(pool_windows(moved, size, stride, kind), np.roll(pooled, (m, n), (-2, -1)))
            np.testing.assert_allclose(blur_pool(moved, size, stride, kind, filter=(1, 3, 3, 1)),
                                       np.roll(blurred, (m, n), (-2, -1)), rtol=1e-12, atol=1e-12)


def test_strided_pooling_is_not_equivariant_for_a_one_step_shift():
    x = _rng().random((16, 16))
    change = pooled_change(x, np.roll(x, 1, axis=1), 2, 2, offset=(0, 1))
    assert change.fraction_unchanged < 0.9


# ---- pooling and blurring against references --------------------------------------------------
def _reference_pool_1d(x, size, stride, kind, boundary):
    n = x.shape[-1]
    out = []
    for start in range(0, n, stride):
        idx = np.arange(start, start + size)
        window = x[..., idx % n] if boundary == "wrap" else np.where(idx < n, x[..., np.minimum(idx, n - 1)], 0.0)
        reduce = {"max": np.max, "min": np.min, "avg": np.mean, "l2": lambda w, axis: np.sqrt(np.sum(w**2, axis))}
        out.append(reduce[kind](window, axis=-1))
    return np.stack(out, axis=-1)


@pytest.mark.parametrize("boundary", ["wrap", "fill"])
@pytest.mark.parametrize("kind", ["max", "avg", "min", "l2"])
def test_pool_windows_match_a_direct_loop(boundary, kind):
    x = _rng().standard_normal((2, 11))
    for size, stride in [(1, 1), (2, 2), (3, 1), (3, 2), (2, 3), (5, 4), (13, 2)]:
        expected = _reference_pool_1d(x, size, stride, kind, boundary)
        np.testing.assert_allclose(pool_windows(x, size, stride, kind, boundary, ndim=1), expected, atol=1e-12)
    grid = _rng().standard_normal((7, 9))
    rows_first = _reference_pool_1d(_reference_pool_1d(grid.T, 3, 2, "max", boundary).T, 3, 2, "max", boundary)
    np.testing.assert_allclose(pool_windows(grid, 3, 2, "max", boundary), rows_first)


def test_fill_boundary_reads_zeros_past_the_end():
    assert pool_windows([-1.0, -2.0, -3.0], 2, 2, boundary="fill", ndim=1).tolist() == [-1.0, 0.0]
    assert pool_windows([-1.0, -2.0, -3.0], 2, 2, boundary="wrap", ndim=1).tolist() == [-1.0, -1.0]


@pytest.mark.parametrize("taps", [(1, 2, 1), (1, 3, 3, 1), (1,), (1, 4, 6, 4, 1)])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_blur_downsample_equals_scipy_correlation_then_subsampling(taps, stride):
    x = _rng().standard_normal((10, 13))
    f = np.asarray(taps, float) / np.sum(taps)
    kernel = np.outer(f, f)
    for boundary in ("wrap", "fill"):
        expected = signal.correlate2d(x, kernel, mode="same", boundary=boundary)[::stride, ::stride]
        np.testing.assert_allclose(blur_downsample(x, stride, taps, boundary), expected, atol=1e-12)
    np.testing.assert_allclose(blur_downsample(x, stride, "[1, 2, 1]" if len(taps) == 3 else taps),
                               signal.correlate2d(x, kernel, "same", "wrap")[::stride, ::stride], atol=1e-12)


def test_blurpool_keeps_float32_and_rejects_bad_arguments():
    x = np.ones((4, 4), np.float32)
    assert blur_pool(x).dtype == np.float32 and pool_windows(x, 2).dtype == np.float32
    with pytest.raises(ValueError, match="filter"):
        blur_pool(x, filter=(1, -2, 1))
    with pytest.raises(ValueError, match="filter"):
        blur_pool(x, filter="[1, 2]")
    with pytest.raises(ValueError, match="boundary"):
        pool_windows(x, 2, boundary="symm")
    with pytest.raises(ValueError, match="kind"):
        pool_windows(x, 2, kind="median")
    with pytest.raises(ValueError, match="stride"):
        blur_pool(x, 2, 0)
    with pytest.raises(ValueError, match="ndim"):
        pool_windows(x, 2, ndim=3)
    with pytest.raises(TypeError, match="x"):
        pool_windows(np.array([["a"]]), 1)


# ---- the border band --------------------------------------------------------------------------
@pytest.mark.parametrize("shape", KERNEL_SHAPES)
def test_fill_difference_is_non_zero_exactly_on_the_border_band(shape):
    rng = _rng()
    x = rng.random((12, 15)) + 0.5  # positive image and kernel: nothing can cancel
    k = rng.random(shape) + 0.5
    signed = rng.standard_normal(shape)
    for dy, dx in [(0, 0), (1, 0), (0, -1), (3, 2), (-4, 5), (2, -7), (11, 1), (-12, 0), (30, 30)]:
        band = border_band(x.shape, k.shape, dy, dx)
        difference, max_abs = equivariance_error(x, k, dy, dx, boundary="fill")
        np.testing.assert_array_equal(np.abs(difference) > 1e-12, band, err_msg=str((shape, dy, dx)))
        assert (max_abs > 0) == band.any()
        difference, _ = equivariance_error(x - 0.7, signed, dy, dx, boundary="fill")
        assert not difference[~band].any(), (shape, dy, dx)


def test_band_outline_is_the_outer_minus_the_inner_rectangle():
    for shape, kernel, dy, dx in [((9, 11), (3, 4), 1, 0), ((9, 11), (3, 4), -2, 3), ((9, 11), (3, 4), 5, -1),
                                  ((9, 11), (1, 1), 2, 2), ((9, 11), (5, 2), 20, 0), ((6, 8), (3, 3), 0, 0)]:
        mask = np.zeros(shape, bool)
        rects = band_outline(shape, kernel, dy, dx)
        if rects:
            row0, row1, col0, col1 = rects[0]
            mask[row0:row1, col0:col1] = True
        if len(rects) == 2:
            row0, row1, col0, col1 = rects[1]
            mask[row0:row1, col0:col1] = False
        np.testing.assert_array_equal(mask, border_band(shape, kernel, dy, dx), err_msg=str((kernel, dy, dx)))
    assert band_outline((5, 4), (3, 3), 0, 0) == []
    assert band_outline((6, 8), (3, 3), 2, -1) == [(1, 6, 0, 8), (2, 5, 1, 7)]
    with pytest.raises(ValueError, match="shape"):
        border_band((0, 4), (3, 3), 1, 1)
    with pytest.raises(ValueError, match="dy"):
        border_band((5, 4), (3, 3), 1.5, 1)


def test_equivariance_check_against_scipy():
    rng = _rng()
    x, k = rng.random((9, 10)), rng.standard_normal((3, 2))
    check = equivariance_check(x, k, 2, -3, "fill")
    shifted = translate(x, 2, -3)
    np.testing.assert_allclose(check.conv_of_shifted, signal.correlate2d(shifted, k, "same"), atol=1e-12)
    np.testing.assert_allclose(check.shifted_conv, translate(signal.correlate2d(x, k, "same"), 2, -3), atol=1e-12)
    assert check.max_abs == pytest.approx(np.abs(check.conv_of_shifted - check.shifted_conv).max())
    with pytest.raises(ValueError, match="boundary"):
        equivariance_check(x, k, 1, 1, "symm")


# ---- measures -------------------------------------------------------------------------------
def test_cosine_similarity_and_pooled_offset():
    a, b = _rng().standard_normal(20), _rng().standard_normal(20) + 1
    assert cosine_similarity(a, b) == pytest.approx(a @ b / np.linalg.norm(a) / np.linalg.norm(b))
    assert cosine_similarity(np.zeros(3), np.zeros(3)) == 1.0
    assert cosine_similarity(np.zeros(3), np.ones(3)) == 0.0
    with pytest.raises(ValueError, match="shape"):
        cosine_similarity(np.ones(2), np.ones(3))
    assert [pooled_offset(d, 0, 2)[0] for d in range(-3, 4)] == [-2, -1, -1, 0, 1, 1, 2]
    assert pooled_offset(0, 6, 4) == (0, 2) and pooled_offset(0, 5, 4) == (0, 1)


def test_pooled_change_counts_units_and_uses_the_offset():
    y = _rng().random((8, 8))
    same = pooled_change(y, y.copy(), 2, 2)
    assert same.fraction_unchanged == 1.0 and same.cosine == 1.0 and not same.changed.any()
    moved = np.roll(y, 2, axis=1)
    plain = pooled_change(y, moved, 2, 2)
    aligned = pooled_change(y, moved, 2, 2, offset=(0, 1))
    assert aligned.fraction_unchanged == 1.0
    expected = pool_windows(moved, 2, 2)
    np.testing.assert_array_equal(plain.pooled_shifted, expected)
    np.testing.assert_array_equal(plain.changed, expected != pool_windows(y, 2, 2))
    assert plain.fraction_unchanged == pytest.approx(1 - plain.changed.mean())
    assert plain.cosine == pytest.approx(cosine_similarity(expected, pool_windows(y, 2, 2)))
    blurred = pooled_change(y, moved, 2, 2, antialias=True, offset=(0, 1))
    np.testing.assert_allclose(blurred.pooled_shifted, blur_pool(moved, 2, 2))
    assert blurred.fraction_unchanged == 1.0


def test_shift_curves_with_wrap_reach_one_at_multiples_of_the_stride():
    x = _rng().random((24, 32))
    k = gabor_kernel(5, 0.3)
    curves = shift_curves(x, k, pool_strides=(1, 2, 4))
    assert list(curves) == [1, 2, 4]
    for s, c in curves.items():
        assert c.shifts.tolist() == list(range(2 * s + 1)) and c.size == max(2, s)
        assert not c.conv_error.any()
        multiples = c.shifts % s == 0
        assert np.all(c.cosine[multiples] == 1.0) and np.all(c.fraction_unchanged[multiples] == 1.0)
    assert np.all(curves[2].cosine[1::2] < 1.0)
    fill = shift_curves(x, k, pool_strides=(2,), boundary="fill")[2]
    assert fill.conv_error[0] == 0.0 and np.all(fill.conv_error[1:] > 0)


def test_blurpool_flattens_the_stride_2_curve_on_a_photo():
    from sklearn.datasets import load_sample_image
    gray = load_sample_image("china.jpg")[100:228:2, 200:328:2].mean(axis=2) / 255.0
    k = np.array([[-1.0, 0.0, 1.0]] * 3)
    plain = shift_curves(gray, k, pool_strides=(2,))[2]
    blurred = shift_curves(gray, k, pool_strides=(2,), antialias=True)[2]
    assert blurred.cosine.var() < 0.5 * plain.cosine.var()
    assert blurred.cosine.min() > plain.cosine.min()


# ---- orientation pooling ----------------------------------------------------------------------
def test_rotated_bank_turns_counter_clockwise():
    k = gabor_kernel(7, 0.0, phase=np.pi / 2) + np.eye(7) * 0.1
    angles, bank = rotated_bank(k, n=4)
    assert angles.tolist() == [0, 90, 180, 270] and bank.shape == (4, 7, 7)
    np.testing.assert_allclose(bank[0], k, atol=1e-12)
    np.testing.assert_allclose(bank[1], np.rot90(k), atol=1e-9)
    np.testing.assert_allclose(bank[2], np.rot90(k, 2), atol=1e-9)
    assert rotated_bank(k, 8, span=180)[0].tolist() == [0, 22.5, 45, 67.5, 90, 112.5, 135, 157.5]
    with pytest.raises(ValueError, match="span"):
        rotated_bank(k, 8, span=0)
    with pytest.raises(ValueError, match="kernel"):
        rotated_bank(np.full((3, 3), np.nan))


def test_orientation_pooling_is_the_max_of_the_correlations():
    x = _rng().random((20, 24))
    _, bank = rotated_bank(gabor_kernel(7, 0.0), 8)
    responses, pooled = orientation_pooling(x, bank)
    for i in range(8):
        np.testing.assert_allclose(responses[i], signal.correlate2d(x, bank[i], "same"), atol=1e-4)
    np.testing.assert_array_equal(pooled, responses.max(axis=0))
    with pytest.raises(ValueError, match="bank"):
        orientation_pooling(x, bank[0])


def _variation(v):
    return float(np.std(v) / np.mean(v))


@pytest.mark.parametrize("source", ["bar", "digit"])
def test_max_over_orientations_varies_much_less_with_the_rotation(source):
    if source == "bar":
        image = bar_image(64, length=32, width=3)
    else:
        from sklearn.datasets import load_digits
        digits = load_digits()
        one = digits.images[np.flatnonzero(digits.target == 1)[0]] / 16.0
        image = np.pad(ndimage.zoom(one, 6, order=1), 12)
    _, bank = rotated_bank(gabor_kernel(11, 0.0, frequency=1 / 6), 8, span=180)
    per_orientation, pooled = orientation_sweep(image, bank, np.arange(0, 360, 10))
    assert per_orientation.shape == (36, 8)
    np.testing.assert_array_equal(pooled, per_orientation.max(axis=1))
    each = min(_variation(per_orientation[:, i]) for i in range(8))
    assert _variation(pooled) < 0.3 * each


def test_rotate_image_and_bar_image():
    bar = bar_image(9, length=5, width=1)
    assert bar.sum() == 5 and bar[2:7, 4].all()
    np.testing.assert_allclose(rotate_image(bar, 90), np.rot90(bar), atol=1e-9)
    with pytest.raises(ValueError, match="angle"):
        rotate_image(bar, np.nan)
    with pytest.raises(ValueError, match="size"):
        bar_image(2)
