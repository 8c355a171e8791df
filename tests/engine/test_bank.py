"""conv_bank and conv_block against scipy.signal.correlate2d and explicit loops."""
import itertools

import numpy as np
import pytest
from scipy.signal import correlate2d

from convlab.engine.bank import conv_bank, conv_block
from convlab.engine.conv import BOUNDARIES, MODES

KERNEL_SHAPES = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (7, 7), (2, 5), (4, 1)]


def dilate(kernel, dilation):
    """Kernel (kh, kw, C) with dilation - 1 zeros between taps."""
    kh, kw, c = kernel.shape
    out = np.zeros((dilation * (kh - 1) + 1, dilation * (kw - 1) + 1, c))
    out[::dilation, ::dilation] = kernel
    return out


def reference_bank(image, kernels, mode, boundary, stride=1, dilation=1):
    """Per kernel (and channel) scipy correlate2d in float64, sampled every `stride`."""
    image = np.asarray(image, np.float64)
    image = image[..., None] if image.ndim == 2 else image
    kernels = np.asarray(kernels, np.float64)
    kernels = kernels[..., None] if kernels.ndim == 3 else kernels
    maps = []
    for kernel in kernels:
        kernel = dilate(kernel, dilation)
        too_big = kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]
        if mode == "valid" and too_big:
            shape = (max(image.shape[0] - kernel.shape[0] + 1, 0),
                     max(image.shape[1] - kernel.shape[1] + 1, 0))
            maps.append(np.zeros(shape))
            continue
        maps.append(sum(correlate2d(image[..., c], kernel[..., c], mode, boundary)
                        for c in range(image.shape[2])))
    return np.array(maps)[:, ::stride, ::stride]


def assert_close(result, expected, context=""):
    """Float32 tolerance: rtol 1e-4 of the largest magnitude."""
    assert result.dtype == np.float32, context
    assert result.shape == expected.shape, f"{context}: {result.shape} != {expected.shape}"
    scale = max(float(np.abs(expected).max(initial=0.0)), 1.0)
    np.testing.assert_allclose(result, expected, rtol=0, atol=1e-4 * scale, err_msg=context)


def test_boundaries_export():
    assert BOUNDARIES == ("fill", "wrap", "symm")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("kernel_shape", KERNEL_SHAPES)
def test_matches_correlate2d(mode, boundary, kernel_shape):
    rng = np.random.default_rng(0)
    for (h, w), channels, stride, dilation in itertools.product(
            [(9, 12), (8, 7)], [1, 3], [1, 2, 3], [1, 2]):
        image = rng.standard_normal((h, w, channels)[:2 + (channels > 1)])
        kernels = rng.standard_normal((2, *kernel_shape, channels)[:3 + (channels > 1)])
        result = conv_bank(image, kernels, mode, boundary, stride, dilation)
        expected = reference_bank(image, kernels, mode, boundary, stride, dilation)
        assert_close(result, expected, f"{(h, w)} C={channels} s={stride} d={dilation}")


def test_even_kernel_same_crops_at_half_size():
    """'same' with a 2x2 kernel: out[i, j] = sum of x[i:i+2, j:j+2] shifted by k // 2 = 1."""
    image = np.arange(12.0).reshape(3, 4)
    result = conv_bank(image, np.ones((1, 2, 2)))[0]
    padded = np.pad(image, ((0, 1), (0, 1)))
    expected = padded[:-1, :-1] + padded[1:, :-1] + padded[:-1, 1:] + padded[1:, 1:]
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("channels", [1, 3])
def test_large_image_tiles_threads_and_kernel_groups(channels):
    """Many tiles, both threads and K = 20 (a group of 16 plus 4) still equal scipy."""
    rng = np.random.default_rng(0)
    image = rng.standard_normal((101, 203, channels)[:2 + (channels > 1)]).astype(np.float32)
    kernels = rng.standard_normal((20, 11, 11, channels)[:3 + (channels > 1)])
    for mode, boundary in [("same", "fill"), ("full", "wrap"), ("valid", "symm")]:
        assert_close(conv_bank(image, kernels, mode, boundary),
                     reference_bank(image, kernels, mode, boundary), mode)


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_wide_image_column_tiles_pad_their_own_borders(boundary):
    """Outputs wider than one tile (1024 columns) and taller than one: every tile pads its own
    band of rows and columns, and the tiles at the edges meet the image's borders."""
    rng = np.random.default_rng(1)
    image = rng.standard_normal((400, 1500)).astype(np.float32)
    kernels = rng.standard_normal((2, 5, 4))
    for mode, stride, dilation in [("same", 1, 1), ("full", 1, 2), ("valid", 1, 3), ("full", 2, 1)]:
        assert_close(conv_bank(image, kernels, mode, boundary, stride, dilation),
                     reference_bank(image, kernels, mode, boundary, stride, dilation),
                     f"{mode} s={stride} d={dilation}")


def test_uint8_and_integer_inputs():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (31, 45, 3), dtype=np.uint8)
    kernels = rng.integers(-3, 4, (4, 3, 5, 3)).astype(np.int16)
    result = conv_bank(image, kernels, "same", "symm")
    np.testing.assert_array_equal(result, reference_bank(image, kernels, "same", "symm"))


def test_single_kernel_is_k1():
    rng = np.random.default_rng(0)
    image, kernel = rng.standard_normal((10, 11)), rng.standard_normal((3, 2))
    assert_close(conv_bank(image, kernel), reference_bank(image, kernel[None], "same", "fill"))


def test_impulse_returns_flipped_kernel():
    image = np.zeros((7, 7))
    image[3, 3] = 1
    kernel = np.arange(9.0).reshape(3, 3)
    result = conv_bank(image, kernel[None])[0]
    np.testing.assert_array_equal(result[2:5, 2:5], kernel[::-1, ::-1])


def test_wrap_is_exactly_shift_equivariant():
    rng = np.random.default_rng(0)
    image = rng.integers(-8, 8, (40, 50)).astype(np.float32)
    kernels = rng.integers(-4, 4, (3, 5, 4)).astype(np.float32)
    shifted = np.roll(image, (7, -11), axis=(0, 1))
    np.testing.assert_array_equal(conv_bank(shifted, kernels, boundary="wrap"),
                                  np.roll(conv_bank(image, kernels, boundary="wrap"), (7, -11),
                                          axis=(1, 2)))


def test_valid_with_kernel_larger_than_image_is_empty():
    image = np.ones((4, 9))
    assert conv_bank(image, np.ones((2, 5, 3)), "valid").shape == (2, 0, 7)
    assert conv_bank(image, np.ones((2, 3, 10)), "valid").shape == (2, 2, 0)
    assert conv_bank(image, np.ones((1, 6, 12)), "valid", stride=2).shape == (1, 0, 0)


def test_out_buffer_is_filled_and_returned():
    rng = np.random.default_rng(0)
    image, kernels = rng.standard_normal((30, 40)), rng.standard_normal((5, 3, 3))
    out = np.full((5, 15, 20), np.nan, np.float32)
    result = conv_bank(image, kernels, stride=2, out=out)
    assert result is out
    assert_close(out, reference_bank(image, kernels, "same", "fill", stride=2))


def test_consecutive_calls_do_not_alias():
    rng = np.random.default_rng(0)
    kernels = rng.standard_normal((16, 5, 5))
    first_image, second_image = rng.standard_normal((2, 120, 160))
    first = conv_bank(first_image, kernels)
    kept = first.copy()
    second = conv_bank(second_image, kernels)
    assert not np.shares_memory(first, second)
    np.testing.assert_array_equal(first, kept)
    block_first = conv_block(first_image, kernels)
    block_kept = block_first.copy()
    conv_block(second_image, kernels)
    np.testing.assert_array_equal(block_first, block_kept)


def test_concurrent_callers_get_their_own_results():
    """Scratch buffers are per thread: callers on several threads never see each other's data."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(0)
    images = rng.standard_normal((6, 90, 130)).astype(np.float32)
    kernels = rng.standard_normal((16, 5, 5))
    expected = [conv_bank(image, kernels) for image in images]
    with ThreadPoolExecutor(3) as pool:
        for _ in range(3):
            results = list(pool.map(lambda image: conv_bank(image, kernels), images))
            for result, reference in zip(results, expected):
                np.testing.assert_array_equal(result, reference)


def explicit_pool(maps, size, stride, kind):
    """'valid' pooling with Python loops over windows (the test's own reference)."""
    k, h, w = maps.shape
    n_h, n_w = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.zeros((k, max(n_h, 0), max(n_w, 0)))
    reduce = {"max": np.max, "min": np.min, "avg": np.mean,
              "l2": lambda x: np.sqrt(np.sum(x * x))}[kind]
    for m, i, j in itertools.product(range(k), range(max(n_h, 0)), range(max(n_w, 0))):
        out[m, i, j] = reduce(maps[m, i * stride:i * stride + size, j * stride:j * stride + size])
    return out


ACTIVATIONS = {
    "identity": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
    "abs": np.abs,
    "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
}


@pytest.mark.parametrize("shape", [(16, 20), (17, 23), (33, 65), (5, 9)])
@pytest.mark.parametrize("pool_size", [2, 3])
def test_block_relu_max_equals_composition(shape, pool_size):
    rng = np.random.default_rng(0)
    image = rng.standard_normal(shape)
    kernels = rng.standard_normal((6, 3, 4))
    expected = explicit_pool(np.maximum(reference_bank(image, kernels, "same", "fill"), 0),
                             pool_size, pool_size, "max")
    assert_close(conv_block(image, kernels, pool_size=pool_size), expected)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("kind", ["max", "avg", "min", "l2"])
def test_block_activations_and_kinds(activation, kind):
    rng = np.random.default_rng(0)
    image, kernels = rng.standard_normal((21, 26, 3)), rng.standard_normal((3, 3, 3, 3)) / 3
    maps = ACTIVATIONS[activation](reference_bank(image, kernels, "same", "wrap"))
    for size, stride in [(2, 2), (3, 2), (2, 3)]:
        result = conv_block(image, kernels, boundary="wrap", activation=activation,
                            pool_size=size, pool_stride=stride, pool_kind=kind)
        assert_close(result, explicit_pool(maps, size, stride, kind), f"{size}/{stride}")


def test_block_large_image_and_many_kernels():
    rng = np.random.default_rng(0)
    image, kernels = rng.standard_normal((123, 211)), rng.standard_normal((20, 7, 7))
    maps = reference_bank(image, kernels, "same", "fill")
    assert_close(conv_block(image, kernels), explicit_pool(np.maximum(maps, 0), 2, 2, "max"))
    assert_close(conv_block(image, kernels, activation="tanh", pool_kind="avg"),
                 explicit_pool(np.tanh(maps), 2, 2, "avg"))


def test_block_without_pooling_and_with_stride_and_dilation():
    rng = np.random.default_rng(0)
    image, kernels = rng.standard_normal((19, 24)), rng.standard_normal((4, 3, 3))
    maps = reference_bank(image, kernels, "valid", "fill")
    assert_close(conv_block(image, kernels, "valid", pool_size=None), np.maximum(maps, 0))
    assert_close(conv_block(image, kernels, "valid", pool_size=1), np.maximum(maps, 0))
    assert_close(conv_block(image, kernels, "valid", pool_size=1, pool_stride=2),
                 np.maximum(maps, 0)[:, ::2, ::2])
    for stride, dilation in [(2, 1), (1, 2), (3, 2)]:
        maps = reference_bank(image, kernels, "full", "symm", stride, dilation)
        result = conv_block(image, kernels, "full", "symm", stride, dilation,
                            activation="abs", pool_kind="l2")
        assert_close(result, explicit_pool(np.abs(maps), 2, 2, "l2"), f"s={stride} d={dilation}")


def test_block_pooling_larger_than_maps_is_empty():
    assert conv_block(np.ones((3, 8)), np.ones((2, 3, 3)), pool_size=4).shape == (2, 0, 2)


IMAGE, KERNELS = np.ones((8, 8)), np.ones((2, 3, 3))

BAD_BANK_ARGUMENTS = [
    ({"mode": "wide"}, "mode"),
    ({"boundary": "reflect"}, "boundary"),
    ({"stride": 0}, "stride"),
    ({"stride": 1.5}, "stride"),
    ({"dilation": 0}, "dilation"),
    ({"dilation": True}, "dilation"),
    ({"kernels": np.ones((0, 3, 3))}, "kernels"),
    ({"kernels": np.ones((2, 0, 3))}, "kernels"),
    ({"kernels": np.ones((1, 1, 3, 3, 1))}, "kernels"),
    ({"kernels": np.ones((2, 3, 3, 3))}, "kernels"),
    ({"image": np.ones(8)}, "image"),
    ({"image": np.ones((8, 8, 3, 1))}, "image"),
    ({"image": np.ones((0, 8))}, "image"),
    ({"image": np.ones((8, 8, 3))}, "channel"),
    ({"out": np.empty((2, 8, 8))}, "out"),
    ({"out": np.empty((2, 8, 9), np.float32)}, "out"),
    ({"out": np.empty((2, 8, 16), np.float32)[:, :, ::2]}, "out"),
    ({"out": [[0.0]]}, "out"),
]


@pytest.mark.parametrize("change, word", BAD_BANK_ARGUMENTS)
def test_bad_bank_arguments_raise_value_error(change, word):
    arguments = {"image": IMAGE, "kernels": KERNELS, **change}
    with pytest.raises(ValueError, match=word):
        conv_bank(**arguments)


@pytest.mark.parametrize("change, word", [
    ({"activation": "softmax"}, "activation"),
    ({"pool_kind": "median"}, "pool_kind"),
    ({"pool_size": 0}, "pool_size"),
    ({"pool_stride": 0}, "pool_stride"),
    ({"pool_size": None, "pool_stride": 2}, "pool_stride"),
    ({"mode": "wide"}, "mode"),
    ({"stride": -1}, "stride"),
])
def test_bad_block_arguments_raise_value_error(change, word):
    with pytest.raises(ValueError, match=word):
        conv_block(IMAGE, KERNELS, **change)


def test_error_lists_allowed_values():
    with pytest.raises(ValueError, match=r"boundary must be one of 'fill', 'wrap', 'symm'; got 'zeros'"):
        conv_bank(IMAGE, KERNELS, boundary="zeros")


@pytest.mark.parametrize("image, kernels", [(IMAGE + 1j, KERNELS), (IMAGE, KERNELS.astype(object))])
def test_non_real_inputs_raise_type_error(image, kernels):
    with pytest.raises(TypeError, match="must hold real numbers"):
        conv_bank(image, kernels)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_fft_route_matches_correlate2d(mode, boundary):
    """The FFT route itself, over every mode, boundary, stride, dilation, gray and colour."""
    from convlab.engine._bank_fft import fft_bank
    from convlab.engine._bank_plan import plan_geometry

    rng = np.random.default_rng(2)
    for (h, w), channels, kernel_shape, stride, dilation in [
            ((23, 31), 1, (9, 9), 1, 1), ((20, 17), 3, (6, 5), 2, 1),
            ((19, 26), 1, (4, 7), 1, 2), ((30, 30), 2, (5, 5), 3, 3), ((8, 9), 1, (12, 3), 1, 1)]:
        image = rng.standard_normal((h, w, channels))
        kernels = rng.standard_normal((5, *kernel_shape, channels))
        g = plan_geometry(h, w, channels, *kernel_shape, mode, stride, dilation)
        result = fft_bank(image, kernels, g, boundary,
                          np.full((5, g.out_h, g.out_w), np.nan, np.float32))
        expected = reference_bank(image, kernels, mode, boundary, stride, dilation)
        assert_close(result, expected, f"{(h, w)} C={channels} {kernel_shape} s={stride} "
                                       f"d={dilation}")


def test_large_kernels_take_the_fft_route_and_still_equal_scipy():
    from convlab.engine import _bank_fft
    from convlab.engine._bank_plan import plan_geometry

    assert not _bank_fft.fft_is_faster(plan_geometry(480, 640, 1, 11, 11, "same", 1, 1), 16)
    assert not _bank_fft.fft_is_faster(plan_geometry(480, 640, 1, 31, 31, "same", 4, 1), 16)
    assert _bank_fft.fft_is_faster(plan_geometry(480, 640, 1, 31, 31, "same", 1, 1), 16)
    rng = np.random.default_rng(3)
    image = rng.random((70, 90, 3)).astype(np.float32)
    kernels = rng.standard_normal((6, 31, 31, 3))
    assert _bank_fft.fft_is_faster(plan_geometry(70, 90, 3, 31, 31, "same", 1, 1), 6)
    for boundary in BOUNDARIES:
        expected = reference_bank(image, kernels, "same", boundary)
        assert_close(conv_bank(image, kernels, boundary=boundary), expected, boundary)
        assert_close(conv_block(image, kernels, boundary=boundary),
                     explicit_pool(np.maximum(expected, 0), 2, 2, "max"), boundary)


def test_one_by_one_gray_bank_scales_the_image_for_every_input_type():
    """1x1 gray kernels take the pointwise route in conv_bank (each map = image x weight): equal
    to scipy for every mode, stride, dilation and dtype; the block (fused products) agrees."""
    rng = np.random.default_rng(4)
    kernels = rng.standard_normal((5, 1, 1))
    for image in (rng.integers(0, 256, (17, 23), dtype=np.uint8),
                  rng.integers(-9, 9, (17, 23)).astype(np.int64), rng.random((17, 23)) > 0.5,
                  rng.standard_normal((17, 23))):
        for mode, stride, dilation in [("same", 1, 1), ("full", 2, 3), ("valid", 3, 1)]:
            assert_close(conv_bank(image, kernels, mode, "wrap", stride, dilation),
                         reference_bank(image, kernels, mode, "wrap", stride, dilation),
                         f"{image.dtype} {mode} s={stride}")
    image = rng.standard_normal((16, 20))
    expected = explicit_pool(np.maximum(reference_bank(image, kernels, "same", "fill"), 0),
                             2, 2, "max")
    assert_close(conv_block(image, kernels), expected)
