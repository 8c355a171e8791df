"""Reference convolution against numpy.convolve, scipy.signal and the lecture's exact facts."""
import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import signal

from convlab.engine.conv import (
    BOUNDARIES,
    MODES,
    convolve1d,
    convolve2d,
    correlate2d,
    output_size,
    pad_image,
    padding_for,
)

KERNEL_SHAPES = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (2, 3), (3, 4)]
IMAGE_SHAPES = [(1, 1), (2, 5), (5, 2), (4, 4), (6, 7), (7, 6), (8, 9)]
FUNCTIONS = [(correlate2d, signal.correlate2d), (convolve2d, signal.convolve2d)]


def dilate(kernel, dilation):
    """The kernel with dilation - 1 zeros inserted between taps (the definition of dilation)."""
    (kh, kw), (dh, dw) = kernel.shape, dilation
    spread = np.zeros(((kh - 1) * dh + 1, (kw - 1) * dw + 1), kernel.dtype)
    spread[::dh, ::dw] = kernel
    return spread


def scipy_or_empty(scipy_function, image, kernel, mode, boundary, stride=(1, 1)):
    """scipy's answer, except `valid` with a kernel bigger than the image: an empty array."""
    if mode == "valid" and (kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]):
        unstrided = np.zeros((max(0, image.shape[0] - kernel.shape[0] + 1),
                              max(0, image.shape[1] - kernel.shape[1] + 1)))
    else:
        unstrided = scipy_function(image, kernel, mode=mode, boundary=boundary)
    return unstrided[::stride[0], ::stride[1]]


@pytest.mark.parametrize("kernel_shape", KERNEL_SHAPES)
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("mode", MODES)
def test_matches_scipy_signal(mode, boundary, kernel_shape):
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal(kernel_shape)
    for image_shape in IMAGE_SHAPES:
        image = rng.standard_normal(image_shape)
        for ours, theirs in FUNCTIONS:
            expected = scipy_or_empty(theirs, image, kernel, mode, boundary)
            got = ours(image, kernel, mode=mode, boundary=boundary)
            assert got.shape == expected.shape, (ours.__name__, image_shape)
            assert got.dtype == np.float64
            assert_allclose(got, expected, rtol=1e-12, atol=1e-12, err_msg=ours.__name__)


@pytest.mark.parametrize("fillvalue", [2.5, -1.0])
def test_fillvalue_matches_scipy(fillvalue):
    rng = np.random.default_rng(0)
    image, kernel = rng.standard_normal((5, 6)), rng.standard_normal((4, 3))
    for ours, theirs in FUNCTIONS:
        for mode in ("full", "same"):
            expected = theirs(image, kernel, mode=mode, fillvalue=fillvalue)
            assert_allclose(ours(image, kernel, mode=mode, fillvalue=fillvalue), expected,
                            rtol=1e-12, atol=1e-12)


def test_nan_fillvalue_fills_only_the_border():
    image = np.ones((5, 5))
    got = correlate2d(image, np.ones((3, 3)), fillvalue=np.nan)
    assert np.isnan(got[0]).all() and np.isnan(got[:, -1]).all()
    assert_array_equal(got[1:-1, 1:-1], np.full((3, 3), 9.0))


@pytest.mark.parametrize("stride", [1, 2, 3, (1, 3), (2, 1)])
@pytest.mark.parametrize("dilation", [1, 2, 3, (1, 2), (3, 1)])
def test_stride_and_dilation_mean_sampling_and_spread_taps(stride, dilation):
    rng = np.random.default_rng(0)
    stride_pair = (stride, stride) if isinstance(stride, int) else stride
    dilation_pair = (dilation, dilation) if isinstance(dilation, int) else dilation
    for image_shape in [(7, 9), (6, 6), (2, 5)]:
        image = rng.standard_normal(image_shape)
        for kernel_shape in [(2, 2), (3, 3), (2, 3)]:
            kernel = rng.standard_normal(kernel_shape)
            spread = dilate(kernel, dilation_pair)
            for (ours, theirs), mode, boundary in itertools.product(FUNCTIONS, MODES, BOUNDARIES):
                expected = scipy_or_empty(theirs, image, spread, mode, boundary, stride_pair)
                got = ours(image, kernel, mode, boundary, stride=stride, dilation=dilation)
                assert got.shape == expected.shape, (ours.__name__, mode, image_shape, kernel_shape)
                assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_integer_images_give_float64_without_wraparound():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (6, 7), dtype=np.uint8)
    kernel = rng.integers(0, 256, (3, 2), dtype=np.uint8)
    for ours, theirs in FUNCTIONS:
        for mode in MODES:
            got = ours(image, kernel, mode)
            assert got.dtype == np.float64
            assert got.max() > 255  # a uint8 result would have wrapped around
            assert_array_equal(got, ours(image.astype(float), kernel.astype(float), mode))
            assert_array_equal(got, theirs(image.astype(float), kernel.astype(float), mode))


def test_result_dtype_keeps_float32_only_when_both_inputs_are_float():
    image32, kernel32 = np.ones((4, 4), np.float32), np.ones((3, 3), np.float32)
    assert correlate2d(image32, kernel32).dtype == np.float32
    assert correlate2d(image32, kernel32.astype(np.int16)).dtype == np.float64
    assert correlate2d(image32 > 0, kernel32.astype(np.float64)).dtype == np.float64
    assert convolve1d(np.ones(3, np.float32), np.ones(2, np.float32)).dtype == np.float32
    assert convolve1d([1, 2, 3], [1, 1]).dtype == np.float64


@pytest.mark.parametrize("mode", MODES)
def test_convolve1d_matches_numpy(mode):
    rng = np.random.default_rng(0)
    for n in (1, 2, 5, 6):
        for m in (1, 2, 3, 4, 7):  # includes kernels longer than the input
            x, w = rng.standard_normal(n), rng.standard_normal(m)
            expected = np.convolve(x, w, mode)
            got = convolve1d(x, w, mode)
            assert got.shape == expected.shape, (n, m)
            assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    x, w = [1, 2, 3], [0, 1, 0.5]
    assert_array_equal(convolve1d(x, w, mode), np.convolve(x, w, mode))


@pytest.mark.parametrize("mode", MODES)
def test_convolve1d_is_commutative(mode):
    rng = np.random.default_rng(0)
    for n, m in [(5, 3), (3, 5), (4, 4), (1, 6)]:
        x, w = rng.integers(-9, 10, n).astype(float), rng.integers(-9, 10, m).astype(float)
        assert_array_equal(convolve1d(x, w, mode), convolve1d(w, x, mode))


def test_impulse_gives_rotated_kernel_under_correlation_and_kernel_under_convolution():
    kernel = np.arange(1.0, 16.0).reshape(3, 5)
    impulse = np.zeros((7, 9))
    impulse[3, 4] = 1.0
    rotated = np.rot90(kernel, 2)
    corr, conv = correlate2d(impulse, kernel), convolve2d(impulse, kernel)
    assert_array_equal(corr[2:5, 2:7], rotated)
    assert_array_equal(conv[2:5, 2:7], kernel)
    assert corr.sum() == kernel.sum() and conv.sum() == kernel.sum()  # nothing outside the window
    assert_array_equal(correlate2d([[1.0]], kernel, "full"), rotated)
    assert_array_equal(convolve2d([[1.0]], kernel, "full"), kernel)


def test_top_middle_kernel_moves_impulse_down_under_correlation_and_up_under_convolution():
    kernel = np.zeros((3, 3))
    kernel[0, 1] = 1.0
    impulse = np.zeros((7, 7))
    impulse[3, 3] = 1.0
    assert np.argwhere(correlate2d(impulse, kernel)).tolist() == [[4, 3]]
    assert np.argwhere(convolve2d(impulse, kernel)).tolist() == [[2, 3]]
    image = np.random.default_rng(0).standard_normal((5, 6))
    assert_array_equal(correlate2d(image, kernel, boundary="wrap"), np.roll(image, 1, axis=0))
    assert_array_equal(convolve2d(image, kernel, boundary="wrap"), np.roll(image, -1, axis=0))


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_delta_kernel_is_the_identity(boundary):
    image = np.random.default_rng(0).standard_normal((6, 5))
    deltas = [np.ones((1, 1)), np.pad([[1.0]], 1), np.pad([[1.0]], 2)]
    # In `same` mode the tap that lines up with the output pixel is tap (k - 1) // 2, for
    # correlation and convolution alike: for even kernels the upper-left of the central taps.
    deltas += [np.pad([[1.0]], ((0, 1), (0, 1))), np.pad([[1.0]], ((1, 2), (0, 1)))]
    for delta in deltas:
        assert_array_equal(correlate2d(image, delta, boundary=boundary), image)
        assert_array_equal(convolve2d(image, delta, boundary=boundary), image)


def test_even_kernel_same_mode_convolution_is_shifted_from_flipped_correlation():
    rng = np.random.default_rng(0)
    image, kernel = rng.standard_normal((6, 7)), rng.standard_normal((2, 4))
    flipped = kernel[::-1, ::-1]
    conv, corr = convolve2d(image, kernel), correlate2d(image, flipped)
    assert not np.allclose(conv, corr)
    assert_allclose(conv[1:, 1:], corr[:-1, :-1], rtol=1e-12, atol=1e-12)
    for mode in ("full", "valid"):
        assert_allclose(convolve2d(image, kernel, mode), correlate2d(image, flipped, mode),
                        rtol=1e-12, atol=1e-12)
    assert padding_for("same", (4, 3)) == ((1, 2), (1, 1))
    assert padding_for("same", (4, 3), convolution=True) == ((2, 1), (1, 1))
    assert padding_for("same", (2, 3), dilation=2) == ((1, 1), (2, 2))


def test_wrap_boundary_makes_correlation_exactly_shift_equivariant():
    rng = np.random.default_rng(0)
    image, kernel = rng.standard_normal((8, 9)), rng.standard_normal((4, 3))
    shift = (3, -2)
    shifted_then_filtered = correlate2d(np.roll(image, shift, (0, 1)), kernel, boundary="wrap")
    filtered_then_shifted = np.roll(correlate2d(image, kernel, boundary="wrap"), shift, (0, 1))
    assert_array_equal(shifted_then_filtered, filtered_then_shifted)


def test_valid_with_a_kernel_bigger_than_the_image_is_empty():
    assert correlate2d(np.ones((2, 5)), np.ones((3, 3)), "valid").shape == (0, 3)
    assert convolve2d(np.ones((5, 2)), np.ones((3, 3)), "valid").shape == (3, 0)
    assert correlate2d(np.ones((2, 2)), np.ones((3, 3)), "valid").shape == (0, 0)
    assert correlate2d(np.ones((7, 7)), np.ones((3, 3)), "valid", dilation=4).shape == (0, 0)
    assert correlate2d(np.ones((7, 7)), np.ones((3, 3)), "valid", dilation=3).shape == (1, 1)
    assert convolve1d(np.ones(2), np.ones(5), "valid").shape == (4,)  # numpy's swap, not empty


def test_pad_image_continues_the_image_by_the_boundary_rule():
    row = np.array([[1, 2, 3]])
    sides = ((0, 0), (4, 4))
    assert_array_equal(pad_image(row, sides, "symm"), [[3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1]])
    assert_array_equal(pad_image(row, sides, "wrap"), [[3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1]])
    assert_array_equal(pad_image(row, ((1, 0), (1, 0)), "fill", 7),
                       [[7, 7, 7, 7], [7, 1, 2, 3]])


def test_output_size_equals_the_shape_correlate2d_returns():
    for n in range(1, 13):
        for k in range(1, 7):
            image, kernel = np.zeros((n, 13 - n)), np.zeros((k, 7 - k))
            for s, d, mode in itertools.product((1, 2, 3), (1, 2, 3), MODES):
                got = correlate2d(image, kernel, mode, stride=(s, 4 - s), dilation=(d, 4 - d))
                expected = (output_size(n, k, mode, s, d),
                            output_size(13 - n, 7 - k, mode, 4 - s, 4 - d))
                assert got.shape == expected, (n, k, s, d, mode)


def test_output_size_with_integer_padding_equals_valid_on_the_padded_input():
    for n in range(1, 13):
        for k in range(1, 7):
            kernel = np.zeros((k, 1))
            for p in (0, 1, 2, 3):
                padded = np.pad(np.zeros((n, 1)), ((p, p), (0, 0)))
                for s in (1, 2, 3):
                    for d in (1, 2, 3):
                        rows = correlate2d(padded, kernel, "valid", stride=s, dilation=d).shape[0]
                        assert output_size(n, k, p, s, d) == rows, (n, k, p, s, d)


def test_output_size_known_values():
    assert output_size(227, 11, padding=0, stride=4) == 55  # AlexNet's first layer
    assert output_size(5, 3, padding=1) == 5
    assert output_size(7, 3, padding=1, stride=2) == 4
    assert output_size(7, 3, dilation=2) == 3
    assert output_size(2, 5) == 0


BAD_CALLS = [
    (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), mode="middle"),
     r"mode must be one of 'full', 'same', 'valid'"),
    (lambda: convolve2d(np.ones((4, 4)), np.ones((3, 3)), boundary="reflect"),
     r"boundary must be one of 'fill', 'wrap', 'symm'"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), stride=0),
     r"stride must be an integer >= 1"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), stride=1.5), r"stride"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), stride=2.0), r"stride"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), stride=True), r"stride"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), stride=(1, 0)), r"stride"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), stride=(1, 2, 3)), r"stride"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), stride="2"), r"stride"),
    (lambda: convolve2d(np.ones((4, 4)), np.ones((3, 3)), dilation=0),
     r"dilation must be an integer >= 1"),
    (lambda: convolve2d(np.ones((4, 4)), np.ones((3, 3)), dilation=-2), r"dilation"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones((0, 3))), r"kernel must not be empty"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones(3)), r"kernel must have 2 dimension"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3, 3))), r"kernel must have 2 dimension"),
    (lambda: correlate2d(np.ones(4), np.ones((3, 3))), r"image must have 2 dimension"),
    (lambda: correlate2d(np.ones((0, 4)), np.ones((3, 3))), r"image must not be empty"),
    (lambda: correlate2d(np.ones((4, 4), complex), np.ones((3, 3))),
     r"image must hold real numbers"),
    (lambda: correlate2d(np.ones((4, 4)), np.ones((3, 3)), fillvalue="zero"), r"fillvalue"),
    (lambda: convolve1d(np.ones((2, 2)), np.ones(2)), r"x must have 1 dimension"),
    (lambda: convolve1d(np.ones(3), []), r"w must not be empty"),
    (lambda: convolve1d(np.ones(3), np.ones(2), mode="circular"), r"mode must be one of"),
    (lambda: output_size(0, 3), r"n must be an integer >= 1"),
    (lambda: output_size(5, 0), r"k must be an integer >= 1"),
    (lambda: output_size(5, 3, padding=-1), r"padding must be an integer >= 0 or one of"),
    (lambda: output_size(5, 3, padding=1.5), r"padding must be an integer >= 0 or one of"),
    (lambda: output_size(5, 3, padding="half"),
     r"padding must be an integer >= 0 or one of 'full', 'same', 'valid'"),
    (lambda: output_size(5, 3, stride=0), r"stride"),
    (lambda: output_size(5, 3, dilation=0), r"dilation"),
    (lambda: padding_for("same", (3, 3), dilation=0), r"dilation"),
    (lambda: pad_image(np.ones((2, 2)), ((1, 1),), "wrap"), r"padding must be"),
    (lambda: pad_image(np.ones((2, 2)), ((1, -1), (0, 0)), "wrap"), r"padding must be"),
]


@pytest.mark.parametrize("call, message", BAD_CALLS)
def test_bad_arguments_raise_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
