"""Connectivity: counts, weight matrices, unshared/tiled convolution and receptive-field growth."""
import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from convlab.engine.connectivity import (
    MATRIX_KINDS,
    connection_ids,
    distinct_parameters,
    image_conv_cost,
    layer_costs,
    layer_taps,
    uncovered_tail,
    weight_matrix,
)
from convlab.engine.conv import MODES, convolve1d, correlate2d, output_size
from convlab.engine.pooling import pool1d
from convlab.engine.receptive import receptive_field
from convlab.engine.receptive_stack import (
    StackLayer,
    receptive_field_growth,
    receptive_field_size,
    receptive_field_support,
    stack_input_length,
)
from convlab.engine.variants import tiled_conv1d, tiled_conv2d, unshared_conv1d, unshared_conv2d

GEOMETRIES = list(itertools.product(MODES, (1, 2, 3, 4), (1, 2, 3), (1, 2)))  # mode, k, stride, dilation


def _correlate1d(x, w, mode, stride, dilation):
    """1-D cross-correlation through the 2-D reference on a one-row image."""
    return correlate2d(np.asarray(x)[None, :], np.asarray(w)[None, :], mode, stride=(1, stride),
                       dilation=(1, dilation))[0]


# ---- counting ---------------------------------------------------------------------------------
def test_layer_costs_follow_the_lecture_formulas():
    costs = layer_costs(m=7, n=5, k=3)
    assert (costs["dense"].parameters, costs["dense"].multiply_adds) == (35, 35)
    assert (costs["local"].parameters, costs["local"].multiply_adds) == (15, 15)
    assert (costs["conv"].parameters, costs["conv"].multiply_adds) == (3, 15)


@pytest.mark.parametrize("m, k", [(7, 3), (12, 4), (9, 1), (5, 5)])
def test_valid_layer_counts_equal_the_matrices(m, k):
    n = output_size(m, k, "valid")
    costs = layer_costs(m, n, k)
    ids = {kind: connection_ids(kind, m, k, "valid", period=2) for kind in MATRIX_KINDS}
    assert distinct_parameters(ids["dense"]) == costs["dense"].parameters == m * n
    assert distinct_parameters(ids["local"]) == costs["local"].parameters == k * n
    assert distinct_parameters(ids["conv"]) == costs["conv"].parameters == k
    assert distinct_parameters(ids["tiled"]) == min(2, n) * k
    assert (ids["conv"] >= 0).sum() == costs["conv"].multiply_adds == k * n  # no padding: every tap is an edge


def test_padded_layer_loses_exactly_the_taps_that_fall_on_padding():
    m, k = 8, 3
    taps = layer_taps(m, k, "same")
    clipped = int(((taps < 0) | (taps >= m)).sum())
    assert clipped == 2  # one tap at each border
    ids = connection_ids("local", m, k, "same")
    assert (ids >= 0).sum() == k * taps.shape[0] - clipped == distinct_parameters(ids)


def test_textbook_edge_detection_example_counts():
    # Goodfellow et al. Fig. 9.6: kernel [1, -1] over a 320 (wide) x 280 (high) image.
    cost = image_conv_cost((280, 320), (1, 2))
    assert cost.output_shape == (280, 319)
    assert correlate2d(np.zeros((280, 320)), [[1.0, -1.0]], "valid").shape == cost.output_shape
    assert cost.conv_flops == 319 * 280 * 3 == 267_960
    assert cost.dense_parameters == 320 * 280 * 319 * 280 == 8_003_072_000  # "over eight billion"
    assert cost.dense_flops == 320 * 280 * 319 * 280 * 2 == 16_006_144_000  # "over sixteen billion"
    assert 59_000 < cost.flop_ratio < 61_000  # "roughly 60,000 times more efficient"
    assert cost.conv_parameters == 2


def test_image_cost_of_a_colour_kernel_with_stride():
    cost = image_conv_cost((10, 12, 3), (3, 3, 3), mode="same", stride=2)
    assert cost.output_shape == (5, 6)
    assert cost.conv_parameters == 27 and cost.conv_flops == 30 * (2 * 27 - 1)
    assert cost.dense_flops == 2 * (10 * 12 * 3) * 30


# ---- the layer as a matrix -----------------------------------------------------------------------
@pytest.mark.parametrize("mode, k, stride, dilation", GEOMETRIES)
def test_layer_taps_agree_with_the_2d_receptive_field(mode, k, stride, dilation):
    m = 7
    taps = layer_taps(m, k, mode, stride, dilation)
    assert taps.shape == (output_size(m, k, mode, stride, dilation), k)
    for j in range(taps.shape[0]):
        _, cols = receptive_field((0, j), (1, m), (1, k), mode, stride, dilation)
        assert_array_equal(taps[j], cols[0])


@pytest.mark.parametrize("mode, k, stride, dilation", GEOMETRIES)
def test_toeplitz_matrix_times_input_is_correlation(mode, k, stride, dilation):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(9), rng.standard_normal(k)
    matrix = weight_matrix(connection_ids("conv", 9, k, mode, stride, dilation), w)
    assert_allclose(matrix @ x, _correlate1d(x, w, mode, stride, dilation), atol=1e-12)


@pytest.mark.parametrize("mode, k, stride, dilation", GEOMETRIES)
def test_local_and_tiled_matrices_match_the_variant_functions(mode, k, stride, dilation):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(9)
    n = output_size(9, k, mode, stride, dilation)
    if n == 0:
        return
    kernels = rng.standard_normal((n, k))
    local = weight_matrix(connection_ids("local", 9, k, mode, stride, dilation), kernels.ravel())
    assert_allclose(local @ x, unshared_conv1d(x, kernels, mode, stride, dilation), atol=1e-12)
    tiles = rng.standard_normal((3, k))
    tiled = weight_matrix(connection_ids("tiled", 9, k, mode, stride, dilation, period=3), tiles.ravel())
    assert_allclose(tiled @ x, tiled_conv1d(x, tiles, mode, stride, dilation), atol=1e-12)


def test_conv_matrix_is_toeplitz_and_dense_ids_are_all_different():
    ids = connection_ids("conv", 6, 3)
    assert_array_equal(ids[1:, 1:], ids[:-1, :-1])  # constant along every diagonal
    dense = connection_ids("dense", 6, 3)
    assert dense.shape == (4, 6) and distinct_parameters(dense) == 24


# ---- unshared and tiled convolution ------------------------------------------------------------
def _direct_unshared(image, kernels, mode, stride, dilation):
    """Loop over output pixels and taps on the zero-padded image."""
    kh, kw = kernels.shape[2:]
    padded = np.pad(image, (_pad(mode, kh, dilation), _pad(mode, kw, dilation)))
    out = np.zeros(kernels.shape[:2])
    for i, j, a, b in itertools.product(*(range(s) for s in kernels.shape)):
        out[i, j] += kernels[i, j, a, b] * padded[i * stride + a * dilation, j * stride + b * dilation]
    return out


def _pad(mode, k, dilation):
    """(before, after) zero padding of correlate2d for a mode (scipy's rule for even spans)."""
    span = (k - 1) * dilation + 1
    return {"valid": (0, 0), "full": (span - 1, span - 1), "same": ((span - 1) // 2, span // 2)}[mode]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kernel_shape", [(1, 1), (2, 3), (3, 3), (4, 2)])
def test_unshared_and_tiled_conv2d_match_direct_loops(mode, kernel_shape):
    rng = np.random.default_rng(0)
    image = rng.standard_normal((7, 8))
    for stride, dilation in [(1, 1), (2, 1), (1, 2), (3, 2)]:
        shape = (output_size(7, kernel_shape[0], mode, stride, dilation),
                 output_size(8, kernel_shape[1], mode, stride, dilation))
        kernels = rng.standard_normal(shape + kernel_shape)
        expected = _direct_unshared(image, kernels, mode, stride, dilation)
        assert_allclose(unshared_conv2d(image, kernels, mode, stride, dilation), expected, atol=1e-12)
        tile = rng.standard_normal((2, 3) + kernel_shape)
        rotated = tile[(np.arange(shape[0]) % 2)[:, None], (np.arange(shape[1]) % 3)[None, :]]
        assert_allclose(tiled_conv2d(image, tile, mode, stride, dilation),
                        _direct_unshared(image, rotated, mode, stride, dilation), atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kernel_shape", [(1, 2), (2, 2), (3, 3), (3, 4)])
def test_identities_tiled_with_one_kernel_and_unshared_with_equal_kernels_are_convolution(mode, kernel_shape):
    rng = np.random.default_rng(0)
    image = rng.standard_normal((6, 9))
    kernel = rng.standard_normal(kernel_shape)
    for stride, dilation in [(1, 1), (2, 1), (1, 2), ((2, 1), (1, 3))]:
        reference = correlate2d(image, kernel, mode, stride=stride, dilation=dilation)
        if reference.size == 0:  # the dilated kernel is wider than the image: no output position
            with pytest.raises(ValueError, match="no output position"):
                tiled_conv2d(image, kernel[None, None], mode, stride, dilation)
            continue
        assert_allclose(tiled_conv2d(image, kernel[None, None], mode, stride, dilation), reference, atol=1e-12)
        same_everywhere = np.broadcast_to(kernel, reference.shape + kernel_shape)
        assert_allclose(unshared_conv2d(image, same_everywhere, mode, stride, dilation), reference, atol=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_tiled_conv1d_with_one_kernel_is_numpy_convolution_of_the_flipped_kernel(k):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(11), rng.standard_normal(k)
    for mode in MODES:
        out = tiled_conv1d(x, w[None], mode)
        assert_allclose(out, _correlate1d(x, w, mode, 1, 1), atol=1e-12)
        if mode != "same" or k % 2:  # numpy's 'same' centres even kernels one sample differently
            assert_allclose(out, convolve1d(x, w[::-1], mode), atol=1e-12)
            assert_allclose(out, np.convolve(x, w[::-1], mode), atol=1e-12)


def test_integer_inputs_give_float64_and_bad_arguments_are_named():
    out = unshared_conv1d(np.arange(4), np.ones((3, 2), np.int64))
    assert out.dtype == np.float64 and out.tolist() == [1.0, 3.0, 5.0]
    with pytest.raises(ValueError, match="kernels must have shape"):
        unshared_conv1d(np.arange(4.0), np.ones((2, 2)))
    with pytest.raises(ValueError, match="no output position"):
        tiled_conv1d(np.arange(2.0), np.ones((1, 3)))
    with pytest.raises(ValueError, match="mode must be one of"):
        tiled_conv2d(np.ones((3, 3)), np.ones((1, 1, 2, 2)), mode="half")
    with pytest.raises(ValueError, match="kind must be one of 'dense', 'local', 'conv', 'tiled'"):
        connection_ids("sparse", 5, 3)
    with pytest.raises(ValueError, match="padding"):
        layer_taps(5, 3, padding="half")
    with pytest.raises(ValueError, match="weights must hold at least 3"):
        weight_matrix(connection_ids("conv", 5, 3), [1.0, 2.0])
    with pytest.raises(ValueError, match="kind must be one of 'conv', 'pool'"):
        StackLayer("dense", 3)
    with pytest.raises(TypeError, match="layers must hold StackLayer"):
        receptive_field_size([(3, 1, 1)])


# ---- receptive-field growth ----------------------------------------------------------------------
def _propagate_impulses(layers, length):
    """Run every impulse (rows of an identity) through the stack with real convolution and pooling."""
    maps = np.eye(length)
    for layer in layers:
        if layer.kind == "conv":
            maps = correlate2d(maps, np.ones((1, layer.size)), "valid", stride=(1, layer.stride),
                               dilation=(1, layer.dilation))
        else:
            maps = pool1d(maps, layer.size, layer.stride, "max", "valid")
    return maps  # (length, top_units): which inputs reach which top unit


def _random_stack(rng):
    layers = []
    for _ in range(rng.integers(1, 5)):
        if rng.random() < 0.35:
            size = int(rng.integers(2, 4))
            layers.append(StackLayer("pool", size, int(rng.integers(1, size + 1))))
        else:
            layers.append(StackLayer("conv", int(rng.integers(1, 6)), int(rng.integers(1, 4)),
                                     int(rng.integers(1, 4))))
    return layers


def test_receptive_field_size_matches_brute_force_impulse_propagation():
    rng = np.random.default_rng(0)
    for _ in range(60):
        layers = _random_stack(rng)
        length = stack_input_length(layers, top_units=3)
        reach = _propagate_impulses(layers, length)
        assert reach.shape == (length, 3)  # the shortest input for three top units
        size = receptive_field_size(layers)
        for unit in range(3):
            inputs = np.flatnonzero(reach[:, unit])
            assert inputs.max() - inputs.min() + 1 == size, layers
            assert_array_equal(inputs, receptive_field_support(layers, unit)[0])


def test_receptive_field_textbook_values():
    assert receptive_field_size([StackLayer("conv", 3)] * 3) == 7  # three 3x3 layers see 7x7
    assert receptive_field_size([StackLayer("conv", 3, dilation=d) for d in (1, 2, 4, 8)]) == 31
    assert receptive_field_growth([StackLayer("conv", 3, 2), StackLayer("pool", 2, 2),
                                   StackLayer("conv", 3)]) == [(1, 1), (3, 2), (5, 4), (13, 4)]
    assert receptive_field_size([]) == 1


@pytest.mark.parametrize("mode, k, stride, dilation", GEOMETRIES)
def test_uncovered_tail_counts_the_padded_samples_no_window_reads(mode, k, stride, dilation):
    for n in range(1, 10):
        taps = layer_taps(n, k, mode, stride, dilation)
        if taps.shape[0] == 0:
            assert uncovered_tail(n, k, mode, stride, dilation) == 0
            continue
        before = -taps[0, 0]
        padded_length = n + sum(_pad(mode, k, dilation))
        last_read = taps.max() + before
        assert uncovered_tail(n, k, mode, stride, dilation) == padded_length - 1 - last_read
