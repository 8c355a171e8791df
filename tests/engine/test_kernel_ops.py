"""Kernel editing operations against numpy, and the spreadsheet-paste parser."""
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy import signal

from convlab.engine.conv import BOUNDARIES, MODES, convolve2d, correlate2d
from convlab.engine.kernel_ops import (
    apply_divisor_offset,
    flip_horizontal,
    flip_vertical,
    is_rotation_symmetric,
    normalise,
    parse_cell,
    parse_grid_text,
    random_kernel,
    resize_kernel,
    rotate90,
    to_convolution,
    transpose,
)
from convlab.engine.kernels import random_bank

SHAPES = [(1, 1), (1, 4), (2, 2), (3, 3), (3, 4), (4, 3), (5, 2), (4, 4)]


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.mark.parametrize("shape", SHAPES)
def test_geometric_operations_match_numpy(shape, rng):
    k = rng.standard_normal(shape)
    before = k.copy()
    for turns in (-1, 0, 1, 2, 3, 5):
        assert_array_equal(rotate90(k, turns), np.rot90(k, turns))
    assert_array_equal(transpose(k), k.T)
    assert_array_equal(flip_horizontal(k), np.flip(k, axis=1))
    assert_array_equal(flip_vertical(k), np.flip(k, axis=0))
    assert_array_equal(to_convolution(k), np.flip(k))
    assert_array_equal(k, before)  # inputs are never modified
    assert_array_equal(rotate90(rotate90(k)), to_convolution(k))


def test_operations_act_on_the_first_two_axes_of_colour_kernels(rng):
    k = rng.standard_normal((3, 4, 3))
    assert_array_equal(rotate90(k), np.rot90(k, axes=(0, 1)))
    assert_array_equal(transpose(k), k.transpose(1, 0, 2))
    assert_array_equal(to_convolution(k), k[::-1, ::-1])


def test_dtypes_float32_kept_integers_become_float64():
    assert rotate90(np.ones((2, 3), np.float32)).dtype == np.float32
    assert transpose(np.ones((2, 3), np.int64)).dtype == np.float64
    assert normalise(np.ones((2, 2), np.float32)).kernel.dtype == np.float32


@pytest.mark.parametrize("shape", [(3, 3), (5, 5), (3, 5), (1, 3), (7, 1)])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_to_convolution_turns_correlation_into_convolution_for_odd_kernels(shape, mode, boundary, rng):
    x = rng.standard_normal((9, 11))
    k = rng.standard_normal(shape)
    for dilation in (1, 2):
        expected = convolve2d(x, k, mode, boundary, dilation=dilation)
        np.testing.assert_allclose(correlate2d(x, to_convolution(k), mode, boundary, dilation=dilation),
                                   expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(convolve2d(x, k, mode, boundary), signal.convolve2d(x, k, mode, boundary),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", [(2, 2), (4, 4), (2, 3), (3, 4)])
def test_even_kernels_same_mode_convolution_is_the_flipped_correlation_shifted_by_one(shape, rng):
    x = rng.standard_normal((8, 10))
    k = rng.standard_normal(shape)
    for mode in ("full", "valid"):  # these two agree for every size
        np.testing.assert_allclose(correlate2d(x, to_convolution(k), mode), convolve2d(x, k, mode), atol=1e-12)
    conv = convolve2d(x, k, "same")
    flipped = correlate2d(x, to_convolution(k), "same")
    even_rows, even_cols = shape[0] % 2 == 0, shape[1] % 2 == 0
    # Along an even axis the convolution window sits one pixel further up/left: out[i] = flipped[i - 1].
    np.testing.assert_allclose(conv[int(even_rows):, int(even_cols):],
                               flipped[:x.shape[0] - int(even_rows), :x.shape[1] - int(even_cols)], atol=1e-12)
    assert not np.allclose(conv, flipped)


def test_normalise_divides_by_the_sum_and_reports_it():
    k = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])
    result = normalise(k)
    assert result.divided and result.total == 16.0
    assert_array_equal(result.kernel, k / 16.0)
    assert "16" in result.message and "sum to 1" in result.message
    negative = normalise(-k)
    assert negative.divided and np.isclose(negative.kernel.sum(), 1.0)


@pytest.mark.parametrize("kernel", [[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.zeros((2, 2)),
                                    [[0.1, 0.2], [-0.2, -0.1 + 1e-12]]])
def test_normalise_leaves_zero_sum_kernels_unchanged_with_a_message(kernel):
    result = normalise(kernel)
    assert not result.divided
    assert_array_equal(result.kernel, np.asarray(kernel, float))
    assert "sum to 0" in result.message and "unchanged" in result.message


def test_apply_divisor_offset_is_divide_then_add(rng):
    x = rng.standard_normal((4, 5))
    assert_array_equal(apply_divisor_offset(x, 4.0, -0.5), x / 4.0 - 0.5)
    assert_array_equal(apply_divisor_offset(x), x)
    k = rng.standard_normal((3, 3))
    # dividing the output is dividing the kernel
    np.testing.assert_allclose(apply_divisor_offset(correlate2d(x, k), 3.0), correlate2d(x, k / 3.0), atol=1e-12)
    for bad in (0, 0.0, np.nan, np.inf, "2", True):
        with pytest.raises(ValueError, match="divisor"):
            apply_divisor_offset(x, bad)
    with pytest.raises(ValueError, match="offset"):
        apply_divisor_offset(x, 1.0, np.nan)


def test_bad_kernels_are_refused_with_the_argument_named():
    for bad in ([[np.nan, 1.0]], [[np.inf]], np.zeros((0, 3)), np.ones(3), np.ones((2, 2, 2, 2)), [["a"]]):
        with pytest.raises(ValueError, match="kernel"):
            rotate90(bad)
    with pytest.raises(ValueError, match="turns"):
        rotate90(np.ones((2, 2)), 1.5)


def test_is_rotation_symmetric():
    assert is_rotation_symmetric(np.ones((3, 4)))
    assert is_rotation_symmetric([[1, 0, 2], [3, 5, 3], [2, 0, 1]])
    assert not is_rotation_symmetric([[1, 0, 0], [0, 0, 0], [0, 0, 0]])
    assert not is_rotation_symmetric([[-1, 0, 1]])


@pytest.mark.parametrize("old", [(1, 1), (2, 3), (3, 3), (4, 4), (5, 2)])
@pytest.mark.parametrize("new", [(5, 5), (6, 7), (15, 15)])
def test_growing_keeps_the_same_mode_output(old, new, rng):
    x = rng.standard_normal((9, 8))
    k = rng.standard_normal(old)
    grown = resize_kernel(k, *new)
    assert grown.shape == new and grown.sum() == pytest.approx(k.sum())
    for boundary in BOUNDARIES:
        np.testing.assert_allclose(correlate2d(x, grown, "same", boundary), correlate2d(x, k, "same", boundary),
                                   atol=1e-12)
    assert_array_equal(resize_kernel(grown, *old), k)  # cropping back restores the kernel


def test_resize_examples_and_limits():
    k = np.arange(1.0, 10.0).reshape(3, 3)
    assert_array_equal(resize_kernel(k, 1, 1), [[5.0]])  # the centre survives
    assert_array_equal(resize_kernel(k, 2, 2), [[5.0, 6.0], [8.0, 9.0]])  # new anchor tap (0, 0) keeps the 5
    assert resize_kernel(np.ones((2, 2, 3)), 3, 3).shape == (3, 3, 3)
    for rows, cols in [(0, 3), (16, 3), (3, 2.0)]:
        with pytest.raises(ValueError, match="rows|cols"):
            resize_kernel(k, rows, cols)


def test_random_kernel_matches_random_bank_and_is_zero_mean_unit_norm():
    for size in (2, 3, 5):
        assert_array_equal(random_kernel(size, size, seed=7), random_bank(1, size, seed=7)[0])
    k = random_kernel(3, 5, seed=1)
    assert k.shape == (3, 5)
    assert abs(k.sum()) < 1e-12 and np.isclose((k**2).sum(), 1.0)
    assert_array_equal(k, random_kernel(3, 5, seed=1))
    assert not np.array_equal(k, random_kernel(3, 5, seed=2))
    with pytest.raises(ValueError, match="at least 2 weights"):
        random_kernel(1, 1)
    with pytest.raises(ValueError, match="seed"):
        random_kernel(3, 3, seed=-1)


@pytest.mark.parametrize("text, expected", [
    ("1\t2\t3\n4\t5\t6\n", [[1, 2, 3], [4, 5, 6]]),  # spreadsheet copy, trailing newline
    ("1,2\r\n3,4\r\n", [[1, 2], [3, 4]]),  # CSV with Windows line ends
    ("  1   -2\n 3e-1  .5 \n", [[1, -2], [0.3, 0.5]]),  # spaces
    ("1; 2\n3 ;4", [[1, 2], [3, 4]]),
    ("0,5\t-1,25", [[0.5, -1.25]]),  # decimal commas from a spreadsheet
    ("1/16, 2/16\n\u22121/4, 0", [[1 / 16, 2 / 16], [-0.25, 0]]),  # fractions, Unicode minus
    ("\n\n7\n\n", [[7]]),
])
def test_parse_grid_text_reads_spreadsheet_pastes(text, expected):
    grid = parse_grid_text(text)
    assert grid.dtype == np.float64
    assert_array_equal(grid, np.array(expected, float))


@pytest.mark.parametrize("text, match", [
    ("1\t2\n3\tabc", r"row 2, column 2: 'abc' is not a number"),
    ("1, nan", r"row 1, column 2: NaN"),
    ("1 2\n-inf 3", r"row 2, column 1: infinity"),
    ("1e999", r"row 1, column 1: infinity"),
    ("1\t\t2", r"row 1, column 2 is empty"),
    ("1,2,\n", r"row 1, column 3 is empty"),
    ("1 2 3\n4 5", r"row 2 has 2 values but row 1 has 3"),
    ("1\n\n2", r"row 2 is empty"),
    ("", r"empty text"),
    (" \n\t\n", r"empty text|is empty"),
    ("1/0", r"row 1, column 1: '1/0' divides by zero"),
    ("1_000", r"not a number"),
    ("0x10", r"not a number"),
])
def test_parse_grid_text_errors_name_the_cell(text, match):
    with pytest.raises(ValueError, match=match):
        parse_grid_text(text)


def test_parse_cell():
    assert parse_cell(" 2.5 ") == 2.5
    assert parse_cell("-1/9") == pytest.approx(-1 / 9)
    assert parse_cell("1e-3") == 0.001
    with pytest.raises(ValueError, match="row 4, column 2 is empty"):
        parse_cell("  ", 4, 2)
    with pytest.raises(ValueError, match="row 1, column 1: '0,5' is not a number"):
        parse_cell("0,5")
    with pytest.raises(TypeError, match="text"):
        parse_cell(3.0)


def test_the_kernel_modules_import_neither_qt_nor_other_convlab_packages():
    code = ("import sys, convlab.engine.kernel_ops, convlab.engine.correlation_switch;"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')"
            " or m.startswith(('convlab.ui', 'convlab.io', 'convlab.sources'))];"
            "print(bad); sys.exit(1 if bad else 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
