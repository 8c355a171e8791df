"""The batched network against the engine's single-image functions, central differences and torch.

Layers: the batched convolution equals `conv_bank` image by image (and its backward
`conv_bank_grad`), pooling equals `pool2d` / `pool2d_grad` (ties: first maximum), activations
`activate` / `activate_grad`, a whole block the chain of them. The network: central differences
of the loss in float64, and torch (same weights, same batches: the same losses step by step).
"""
import numpy as np
import pytest

from convlab.engine import (
    ACTIVATIONS,
    activate,
    activate_grad,
    conv_bank,
    conv_bank_grad,
    conv_block,
    pool2d,
    pool2d_grad,
)
from convlab.engine._network_blocks import BlockLayers, _activation_backward, _activation_forward
from convlab.engine._network_layers import Buffers, ConvLayer
from convlab.engine._network_pool import PoolLayer
from convlab.engine.network import BlockSpec, Network, NetworkSpec, init_network

CONVS = {  # (channels, kernel (kh, kw), mode, stride, dilation)
    "gray 5x5 same": (1, (5, 5), "same", 1, 1),
    "16 channels 3x3": (16, (3, 3), "same", 1, 1),
    "rgb 2x3 valid stride 2": (3, (2, 3), "valid", 2, 1),
    "even 4x4 same": (1, (4, 4), "same", 1, 1),
    "dilated stride 2": (2, (3, 2), "same", 2, 2),
    "8 channels valid dilated": (8, (3, 3), "valid", 1, 2),
}
BLOCKINGS = [(1, 1), (2, 2), (3, 2)]


def small_ints(rng, shape):
    """Integers in [-3, 3] as float32: sums of products stay exact, and ties are common."""
    return rng.integers(-3, 4, shape).astype(np.float32)


def plain_maps(blocked, blocking, full_shape):
    """Position-major maps (ph, pw, N, H'', W'', K) as plain (N, H', W', K), zeros where not computed."""
    ph, pw, n, bh, bw, k = blocked.shape
    plain = np.zeros((n, *full_shape[:2], k), blocked.dtype)
    for a in range(ph):
        for b in range(pw):
            plain[:, a:a + ph * bh:ph, b:b + pw * bw:pw] = blocked[a, b]
    return plain


@pytest.mark.parametrize("blocking", BLOCKINGS, ids=str)
@pytest.mark.parametrize("conv", CONVS.values(), ids=CONVS.keys())
def test_batched_conv_forward_and_backward_equal_conv_bank_per_image(conv, blocking, n_images=3):
    channels, size, mode, stride, dilation = conv
    rng = np.random.default_rng([channels, *size, stride, dilation, *blocking])
    x = small_ints(rng, (n_images, 9, 11, channels))
    kernels, biases = small_ints(rng, (4, *size, channels)), small_ints(rng, 4)
    layer = ConvLayer((9, 11, channels), 4, size, mode, stride, dilation, np.float32, blocking)
    z = plain_maps(layer.forward(x, kernels, biases), blocking, layer.out_shape)
    grad_z = small_ints(rng, layer.z_shape(n_images))
    grad_x, grad_kernels, grad_biases = layer.backward(grad_z)
    grad_maps = plain_maps(grad_z, blocking, layer.out_shape)
    ph, pw = blocking
    used = (slice(None), slice(0, ph * layer.block_shape[0]), slice(0, pw * layer.block_shape[1]))
    expected_grad_x, expected_grad_kernels = np.zeros_like(x), np.zeros_like(kernels)
    for n in range(n_images):
        maps = conv_bank(x[n], kernels, mode=mode, stride=stride, dilation=dilation).transpose(1, 2, 0) + biases
        np.testing.assert_array_equal(z[n][used[1:]], maps[used[1:]])
        image_grad, kernel_grad = conv_bank_grad(x[n], kernels, grad_maps[n].transpose(2, 0, 1), mode=mode,
                                                 stride=stride, dilation=dilation)
        expected_grad_x[n], expected_grad_kernels = image_grad, expected_grad_kernels + kernel_grad
    np.testing.assert_array_equal(grad_x, expected_grad_x)
    np.testing.assert_array_equal(grad_kernels, expected_grad_kernels)
    np.testing.assert_array_equal(grad_biases, grad_maps.sum(axis=(0, 1, 2)))


@pytest.mark.parametrize("blocking", [(1, 1), (2, 2)], ids=str)
@pytest.mark.parametrize("conv", ["gray 5x5 same", "16 channels 3x3"])
def test_batches_of_more_rows_than_a_product_tile(conv, blocking):
    """Products go in tiles of 1024 rows: 37 images of 9x11 leave a partial tile."""
    test_batched_conv_forward_and_backward_equal_conv_bank_per_image(CONVS[conv], blocking, n_images=37)


POOLS = {  # (size, stride, tiled): tiled windows take position-major maps, the others strided views
    "2x2 position-major": ((2, 2), (2, 2), True), "2x2 strided": ((2, 2), (2, 2), False),
    "3x2 position-major": ((3, 2), (3, 2), True), "3x3 every 2": ((3, 3), (2, 2), False),
    "2x3 every (3, 2)": ((2, 3), (3, 2), False),
}


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("pool", POOLS.values(), ids=POOLS.keys())
def test_batched_pool_equals_pool2d_and_pool2d_grad_per_image(pool, kind):
    size, stride, tiled = pool
    rng = np.random.default_rng(list(size + stride))
    x = rng.integers(0, 3, (2, 7, 8, 3)).astype(np.float64)  # 3 values: many tied maxima
    layer = PoolLayer((7, 8, 3), kind, size, stride, np.float64, tiled)
    blocked = np.stack([np.stack([x[:, a:a + size[0] * (7 // size[0]):size[0], b:b + size[1] * (8 // size[1]):size[1]]
                                  for b in range(size[1])]) for a in range(size[0])])
    y = layer.forward(blocked if layer.tiled else x).copy()
    grad_y = rng.integers(-3, 4, y.shape).astype(np.float64)
    grad_x = layer.backward(grad_y)
    if layer.tiled:
        grad_x = plain_maps(grad_x, size, (7, 8))
    for n in range(2):
        expected = pool2d(x[n].transpose(2, 0, 1), size, stride, kind).transpose(1, 2, 0)
        np.testing.assert_allclose(y[n], expected, rtol=1e-12)
        expected_grad = pool2d_grad(x[n].transpose(2, 0, 1), grad_y[n].transpose(2, 0, 1), size, stride, kind)
        np.testing.assert_allclose(grad_x[n], expected_grad.transpose(1, 2, 0), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_forward_and_backward_equal_activate_and_activate_grad(name):
    rng = np.random.default_rng(3)
    x = np.concatenate([small_ints(rng, 40), rng.standard_normal(40).astype(np.float32)])
    grad = rng.standard_normal(80).astype(np.float32)
    np.testing.assert_array_equal(_activation_forward(x, name, np.empty_like(x)), activate(x, name))
    result = _activation_backward(x, name, grad, np.empty_like(x), Buffers(np.float32))
    np.testing.assert_allclose(result, activate_grad(x, name, grad), rtol=1e-6)


BLOCKS = {
    "relu max (pools first)": BlockSpec(3, 3),
    "relu max 3x2 tiles": BlockSpec(3, 2, pool_size=(3, 2)),
    "identity max 3x3 every 2": BlockSpec(2, (2, 3), activation="identity", pool_size=3, pool_stride=2),
    "abs max (no commuting)": BlockSpec(3, 3, activation="abs"),
    "tanh avg": BlockSpec(2, 3, activation="tanh", pool="avg"),
    "leaky no pool valid": BlockSpec(2, 2, mode="valid", activation="leaky_relu", pool=None),
    "sigmoid max stride 2": BlockSpec(2, 3, stride=2, activation="sigmoid", pool_size=2),
}


@pytest.mark.parametrize("block", BLOCKS.values(), ids=BLOCKS.keys())
def test_block_equals_conv_block_and_the_chain_of_single_image_gradients(block):
    rng = np.random.default_rng(5)
    x = small_ints(rng, (3, 9, 7, 2))
    kernels, biases = small_ints(rng, (block.kernels, *block.size, 2)) / 2, small_ints(rng, block.kernels)
    layers = BlockLayers(block, (9, 7, 2), np.float64)
    out = layers.forward(x.astype(np.float64), kernels, biases).copy()
    grad_out = small_ints(rng, out.shape).astype(np.float64)
    grad_x, grad_kernels, _ = layers.backward(grad_out)
    conv = dict(mode=block.mode, stride=block.stride, dilation=block.dilation)
    expected_grad_kernels = 0
    for n in range(3):
        z = conv_bank(x[n].astype(np.float64), kernels, **conv) + biases[:, None, None]
        a = activate(z, block.activation)
        pooled = a if block.pool is None else pool2d(a, block.pool_size, block.pool_stride, block.pool)
        np.testing.assert_allclose(out[n], pooled.transpose(1, 2, 0), rtol=1e-6, atol=1e-6)
        grad = grad_out[n].transpose(2, 0, 1)
        if block.pool is not None:
            grad = pool2d_grad(a, grad, block.pool_size, block.pool_stride, block.pool)
        grad = activate_grad(z, block.activation, grad)
        image_grad, kernel_grad = conv_bank_grad(x[n].astype(np.float64), kernels, grad, **conv)
        np.testing.assert_allclose(grad_x[n], image_grad, rtol=1e-5, atol=1e-5)  # conv_bank_grad is float32
        expected_grad_kernels = expected_grad_kernels + kernel_grad
    np.testing.assert_allclose(grad_kernels, expected_grad_kernels, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("activation", ["relu", "identity", "abs"])
def test_block_without_biases_equals_conv_block(activation):
    block = BlockSpec(4, 3, activation=activation)
    rng = np.random.default_rng(6)
    x, kernels = small_ints(rng, (2, 9, 10, 1)), small_ints(rng, (4, 3, 3, 1))
    out = BlockLayers(block, (9, 10, 1), np.float32).forward(x, kernels, np.zeros(4, np.float32))
    for n in range(2):
        expected = conv_block(x[n], kernels, activation=activation, pool_size=2)
        np.testing.assert_array_equal(out[n], expected.transpose(1, 2, 0))


MIXED = NetworkSpec((10, 9, 2), [BlockSpec(3, 3), BlockSpec(4, (2, 3), activation="tanh", pool="avg"),
                                 BlockSpec(3, 2, mode="valid", activation="leaky_relu", pool=None)], 3)


@pytest.mark.parametrize("spec", [MIXED, NetworkSpec((12, 12), [BlockSpec(4, 5, pool_size=3)], 4),
                                  NetworkSpec((13, 12), [BlockSpec(3, 3, stride=2, dilation=2, pool_size=(2, 3))], 2)],
                         ids=["3 blocks, colour", "1 block, 3x3 pool", "stride 2, dilation 2"])
def test_gradients_equal_central_differences_of_the_loss(spec):
    net = init_network(spec, seed=1, dtype=np.float64)
    rng = np.random.default_rng(0)
    images, labels = rng.random((20, *spec.input_shape)), rng.integers(0, spec.n_classes, 20)
    _, grads = net.loss_and_grads(images, labels)
    step = 1e-6
    for name, weights in net.weights.arrays().items():
        for _ in range(3):
            index = tuple(int(rng.integers(0, n)) for n in weights.shape)
            saved = weights[index]
            weights[index] = saved + step
            loss_plus, _ = net.loss_and_grads(images, labels)
            weights[index] = saved - step
            loss_minus, _ = net.loss_and_grads(images, labels)
            weights[index] = saved
            numeric = (loss_plus - loss_minus) / (2 * step)
            assert grads.arrays()[name][index] == pytest.approx(numeric, rel=1e-5, abs=1e-9), (name, index)


def test_split_batch_gives_the_gradients_of_the_whole_batch():
    net = init_network(MIXED, seed=2, dtype=np.float64)
    rng = np.random.default_rng(1)
    images, labels = rng.random((40, 10, 9, 2)), rng.integers(0, 3, 40)
    loss_split, grads_split = net.loss_and_grads(images, labels)
    net.threads = 1
    loss_whole, grads_whole = net.loss_and_grads(images, labels)
    assert loss_split == pytest.approx(loss_whole, rel=1e-12)
    for name, grad in grads_whole.arrays().items():
        np.testing.assert_allclose(grads_split.arrays()[name], grad, rtol=1e-10, atol=1e-14)


def test_features_are_the_engine_maps_of_each_image():
    spec = NetworkSpec((11, 10), [BlockSpec(3, 3), BlockSpec(2, 3, activation="abs")], 2)
    net = init_network(spec, seed=4)
    images = np.random.default_rng(2).random((5, 11, 10), dtype=np.float32)
    conv_maps, first, second = net.features(images, 0, "conv"), net.features(images, 0), net.features(images)
    kernels, biases = net.weights.kernels[0], net.weights.biases[0]
    for n in range(5):
        expected = conv_bank(images[n], kernels) + biases[:, None, None]
        np.testing.assert_allclose(conv_maps[n], expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(first[n], pool2d(np.maximum(expected, 0), 2), rtol=1e-5, atol=1e-6)
    assert second.shape == (5, 2, 2, 2)
    np.testing.assert_allclose(net.forward(images).sum(axis=1), 1, rtol=1e-6)


def test_network_checks_its_arguments():
    net = init_network(NetworkSpec((8, 8), [BlockSpec(2, 3)], 3), seed=0)
    with pytest.raises(ValueError, match=r"images must have shape \(N, 8, 8\)"):
        net.forward(np.zeros((2, 8, 9)))
    with pytest.raises(ValueError, match="labels must be from 0 to 2"):
        net.loss_and_grads(np.zeros((2, 8, 8)), [0, 3])
    with pytest.raises(ValueError, match=r"block1.kernels must have shape \(2, 3, 3, 1\); got \(3, 3, 3, 1\)"):
        Network(net.spec, init_network(NetworkSpec((8, 8), [BlockSpec(3, 3)], 3)).weights)
    with pytest.raises(ValueError, match="threads must be an integer from 1 to 2; got 4"):
        Network(net.spec, net.weights, threads=4)
    with pytest.raises(ValueError, match="blocks must be 1 to 3 BlockSpec"):
        NetworkSpec((28, 28), [BlockSpec(2, 3)] * 4, 10)
    with pytest.raises(ValueError, match=r"blocks\[1\] leaves no feature map: its 2x2 input"):
        NetworkSpec((4, 4), [BlockSpec(2, 3), BlockSpec(2, 3, mode="valid")], 10)
    with pytest.raises(ValueError, match="mode must be one of 'same', 'valid'; got 'full'"):
        BlockSpec(2, 3, mode="full")
    with pytest.raises(ValueError, match="init kernels must have the first block's shape"):
        init_network(net.spec, init=np.zeros((3, 3, 3)))
