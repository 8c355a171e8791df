"""Backward pass: conv_bank_grad against the Jacobian of conv_bank, scipy and torch autograd;
pool2d_grad and activate_grad against central differences and torch."""
import numpy as np
import pytest
from scipy.signal import convolve2d, correlate2d

from convlab.engine import activate, conv_bank, pool2d
from convlab.engine.gradients import activate_grad, conv_bank_grad, pool2d_grad

MODES = ("full", "same", "valid")
BOUNDARIES = ("fill", "wrap", "symm")
KERNEL_SHAPES = {"odd": (3, 3), "even": (2, 2), "rectangular": (2, 3)}


def small_ints(rng, shape):
    """Integers in [-3, 3] as float32: every sum of products stays exact in float32."""
    return rng.integers(-3, 4, shape).astype(np.float32)


def jacobian_transpose_times(image, kernels, grad_maps, **conv):
    """J^T g for the image and the kernels, J built column by column from unit inputs."""
    columns = [conv_bank(unit.reshape(image.shape), kernels, **conv).ravel()
               for unit in np.eye(image.size, dtype=np.float32)]
    grad_image = (np.stack(columns, axis=1).T @ grad_maps.ravel()).reshape(image.shape)
    # map k depends on kernels[k] only, the same way for every k: one bank of unit kernels
    units = np.eye(kernels[0].size, dtype=np.float32).reshape(-1, *kernels.shape[1:])
    unit_maps = conv_bank(image, units, **conv).reshape(units.shape[0], -1)
    grad_kernels = (grad_maps.reshape(len(kernels), -1) @ unit_maps.T).reshape(kernels.shape)
    return grad_image, grad_kernels


@pytest.mark.parametrize("channels", [1, 3], ids=["gray", "colour"])
@pytest.mark.parametrize("kernel_shape", KERNEL_SHAPES.values(), ids=KERNEL_SHAPES.keys())
@pytest.mark.parametrize("dilation", [1, 2])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("mode", MODES)
def test_equals_jacobian_transpose(mode, boundary, stride, dilation, kernel_shape, channels):
    rng = np.random.default_rng([MODES.index(mode), BOUNDARIES.index(boundary), stride, dilation, channels])
    colour = (channels,) if channels > 1 else ()
    image, kernels = small_ints(rng, (5, 6, *colour)), small_ints(rng, (2, *kernel_shape, *colour))
    conv = dict(mode=mode, boundary=boundary, stride=stride, dilation=dilation)
    grad_maps = small_ints(rng, conv_bank(image, kernels, **conv).shape)
    grad_image, grad_kernels = conv_bank_grad(image, kernels, grad_maps, **conv)
    expected_image, expected_kernels = jacobian_transpose_times(image, kernels, grad_maps, **conv)
    assert grad_image.dtype == grad_kernels.dtype == np.float32
    np.testing.assert_array_equal(grad_image, expected_image)
    np.testing.assert_array_equal(grad_kernels, expected_kernels)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("stride, dilation, channels", [(1, 1, 1), (2, 1, 3), (1, 2, 3), (3, 2, 1)])
def test_dot_product_identity_at_full_size(mode, boundary, stride, dilation, channels):
    """<conv_bank(x, w), g> = <x, grad_x> = <w, grad_w>: many bands, both threads."""
    rng = np.random.default_rng(7)
    colour = (channels,) if channels > 1 else ()
    image = rng.standard_normal((64, 80, *colour)).astype(np.float32)
    kernels = rng.standard_normal((16, 7, 6, *colour)).astype(np.float32)
    conv = dict(mode=mode, boundary=boundary, stride=stride, dilation=dilation)
    maps = conv_bank(image, kernels, **conv)
    grad_maps = rng.standard_normal(maps.shape).astype(np.float32)
    grad_image, grad_kernels = conv_bank_grad(image, kernels, grad_maps, **conv)
    forward = np.vdot(maps.astype(np.float64), grad_maps)
    np.testing.assert_allclose(np.vdot(image.astype(np.float64), grad_image), forward, rtol=1e-4)
    np.testing.assert_allclose(np.vdot(kernels.astype(np.float64), grad_kernels), forward, rtol=1e-4)


@pytest.mark.parametrize("kernel_shape", [(3, 3), (4, 4), (2, 5), (1, 1)])
def test_book_facts_valid_stride_one(kernel_shape):
    """Deep Learning eq. 9.11-9.14: dK = correlate(V, G, valid), dV = convolve(G, K, full)."""
    rng = np.random.default_rng(3)
    image, kernel = rng.standard_normal((9, 11)), rng.standard_normal(kernel_shape)
    grad_map = rng.standard_normal(conv_bank(image, kernel[None], "valid").shape[1:])
    grad_image, grad_kernel = conv_bank_grad(image, kernel[None], grad_map[None], "valid")
    np.testing.assert_allclose(grad_kernel[0], correlate2d(image, grad_map, "valid"), atol=1e-4)
    np.testing.assert_allclose(grad_image, convolve2d(grad_map, kernel, "full"), atol=1e-4)


def test_shapes_follow_the_inputs():
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (6, 7, 3), dtype=np.uint8)
    grad_image, grad_kernel = conv_bank_grad(frame[..., 0], np.ones((3, 3)), np.ones((1, 6, 7)))
    assert (grad_image.shape, grad_kernel.shape) == ((6, 7), (3, 3))
    grad_image, grad_kernels = conv_bank_grad(frame, np.ones((4, 2, 2, 3)), np.ones((4, 3, 4)), stride=2)
    assert (grad_image.shape, grad_kernels.shape, grad_image.dtype) == ((6, 7, 3), (4, 2, 2, 3), np.float32)
    # 'valid' with a kernel larger than the image: no feature map pixel, nothing flows back
    grad_image, grad_kernels = conv_bank_grad(frame[..., 0], np.ones((2, 8, 3)), np.ones((2, 0, 5)), "valid")
    assert not grad_image.any() and not grad_kernels.any() and grad_kernels.shape == (2, 8, 3)
    grad_image, grad_kernels = conv_bank_grad(frame, np.ones((1, 2, 9, 3)), np.ones((1, 5, 0)), "valid")
    assert not grad_image.any() and grad_image.shape == (6, 7, 3) and grad_kernels.shape == (1, 2, 9, 3)


def test_wrong_grad_maps_shape_names_the_expected_shape():
    with pytest.raises(ValueError, match=r"grad_maps .*\(2, 3, 4\).*got \(2, 5, 6\)"):
        conv_bank_grad(np.ones((5, 6)), np.ones((2, 3, 3)), np.ones((2, 5, 6)), mode="valid")
    with pytest.raises(ValueError, match=r"grad_maps .*\(1, 5, 6\)"):
        conv_bank_grad(np.ones((5, 6)), np.ones((3, 3)), np.ones((5, 6)))
    with pytest.raises(ValueError, match="mode must be one of"):
        conv_bank_grad(np.ones((5, 6)), np.ones((3, 3)), np.ones((1, 5, 6)), mode="sane")


def test_blas_threads_are_restored():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = [info["num_threads"] for info in threadpoolctl.threadpool_info()]
    image = np.ones((64, 640), np.float32)
    conv_bank_grad(image, np.ones((16, 7, 7)), np.ones((16, 64, 640)))
    assert [info["num_threads"] for info in threadpoolctl.threadpool_info()] == before


def torch_conv_grads(torch, image, kernels, grad_maps, mode, boundary, stride, dilation):
    """Gradients by torch autograd: F.pad (zeros or circular) as the mode's padding, then conv2d."""
    x = torch.tensor(np.moveaxis(np.atleast_3d(image), 2, 0)[None], requires_grad=True)
    w = torch.tensor(np.moveaxis(kernels.reshape(*kernels.shape[:3], -1), 3, 1), requires_grad=True)
    pads = []
    for k in (kernels.shape[2], kernels.shape[1]):  # F.pad wants (left, right, top, bottom)
        span = (k - 1) * dilation + 1
        pads += {"full": [span - 1] * 2, "same": [(span - 1) // 2, span // 2], "valid": [0, 0]}[mode]
    padded = torch.nn.functional.pad(x, pads, mode="constant" if boundary == "fill" else "circular")
    maps = torch.nn.functional.conv2d(padded, w, stride=stride, dilation=dilation)[0]
    (maps * torch.tensor(grad_maps)).sum().backward()
    return np.moveaxis(x.grad[0].numpy(), 0, 2).reshape(image.shape), np.moveaxis(w.grad.numpy(), 1, 3)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("boundary", ["fill", "wrap"])
@pytest.mark.parametrize("stride, dilation", [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_conv_grad_matches_torch_autograd(torch, mode, boundary, stride, dilation):
    rng = np.random.default_rng(11)
    for kernel_shape, colour in [((3, 3), ()), ((4, 4), (3,)), ((2, 5), (2,))]:
        image = rng.standard_normal((9, 11, *colour))
        kernels = rng.standard_normal((3, *kernel_shape, *colour))
        conv = dict(mode=mode, boundary=boundary, stride=stride, dilation=dilation)
        grad_maps = rng.standard_normal(conv_bank(image, kernels, **conv).shape)
        grad_image, grad_kernels = conv_bank_grad(image, kernels, grad_maps, **conv)
        expected_image, expected_kernels = torch_conv_grads(torch, image, kernels, grad_maps, **conv)
        np.testing.assert_allclose(grad_image, expected_image, atol=1e-4, err_msg=str(kernel_shape))
        np.testing.assert_allclose(grad_kernels, expected_kernels.reshape(kernels.shape), atol=1e-4)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("kernel_shape", [(3, 3), (4, 4), (2, 3)])
@pytest.mark.parametrize("dilation", [1, 2])
def test_same_mode_is_torch_padding_same(torch, kernel_shape, dilation):
    rng = np.random.default_rng(12)
    image, kernels = rng.standard_normal((8, 9)), rng.standard_normal((2, *kernel_shape))
    grad_maps = rng.standard_normal((2, 8, 9))
    x = torch.tensor(image[None, None], requires_grad=True)
    w = torch.tensor(kernels[:, None], requires_grad=True)
    maps = torch.nn.functional.conv2d(x, w, padding="same", dilation=dilation)[0]
    (maps * torch.tensor(grad_maps)).sum().backward()
    grad_image, grad_kernels = conv_bank_grad(image, kernels, grad_maps, dilation=dilation)
    np.testing.assert_allclose(grad_image, x.grad[0, 0].numpy(), atol=1e-4)
    np.testing.assert_allclose(grad_kernels, w.grad[:, 0].numpy(), atol=1e-4)


# --- pooling and activation -------------------------------------------------------------------

def central_difference(function, x, grad_out, step=1e-6):
    """Gradient of <function(x), grad_out> by central differences, one input value at a time."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += step
        down[index] -= step
        grad[index] = np.vdot(function(up) - function(down), grad_out) / (2 * step)
    return grad


def distinct_values(rng, shape):
    """Random float64 values at least 0.01 apart (no ties within a difference step)."""
    return (rng.permutation(np.prod(shape)).reshape(shape) - np.prod(shape) / 2) * 0.01 + 0.001


@pytest.mark.parametrize("kind", ["max", "avg", "min", "l2"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size, stride", [(2, None), (3, 1), ((2, 3), (1, 2)), (3, 2)])
def test_pool_grad_central_differences(kind, padding, size, stride):
    rng = np.random.default_rng(5)
    x = distinct_values(rng, (2, 7, 8))
    grad_out = rng.standard_normal(pool2d(x, size, stride, kind, padding).shape)
    grad = pool2d_grad(x, grad_out, size, stride, kind, padding)
    expected = central_difference(lambda z: pool2d(z, size, stride, kind, padding), x, grad_out)
    assert grad.shape == x.shape and grad.dtype == np.float64
    np.testing.assert_allclose(grad, expected, atol=1e-6)


def test_max_and_min_ties_go_to_the_first_in_row_major_order():
    x = np.array([[0.0, 5.0], [5.0, 5.0]])
    np.testing.assert_array_equal(pool2d_grad(x, [[1.0]], 2), [[0, 1], [0, 0]])
    np.testing.assert_array_equal(pool2d_grad(-x, [[1.0]], 2, kind="min"), [[0, 1], [0, 0]])
    flat = np.full((3, 3), 2.0)  # every window a tie: each sends its gradient to its top-left
    np.testing.assert_array_equal(pool2d_grad(flat, np.ones((2, 2)), 2, stride=1),
                                  [[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def test_overlapping_windows_add_up():
    x = np.array([[1.0, 9.0, 2.0, 0.0]])
    np.testing.assert_array_equal(pool2d_grad(x, [[1.0, 10.0, 100.0]], (1, 2), stride=1),
                                  [[0, 11, 100, 0]])
    np.testing.assert_allclose(pool2d_grad(x, [[2.0, 4.0, 6.0]], (1, 2), stride=1, kind="avg"),
                               [[1, 3, 5, 3]])


def test_same_padding_gives_the_padding_nothing():
    x = -np.arange(1.0, 6.0)[None]  # all negative: a zero pad would win a max
    # size 3, stride 2 over 5 values: padded by one on each side, windows [pad x0 x1] [x1 x2 x3] [x3 x4 pad]
    np.testing.assert_array_equal(pool2d_grad(x, [[1.0, 2.0, 4.0]], (1, 3), 2, "max", "same"),
                                  [[1, 2, 0, 4, 0]])
    np.testing.assert_allclose(pool2d_grad(x, [[1.0, 3.0, 6.0]], (1, 3), 2, "avg", "same"),
                               [[0.5, 0.5 + 1, 1, 1 + 3, 3]])
    # a window of -inf values ties with its -inf padding: the first REAL value wins
    np.testing.assert_array_equal(pool2d_grad(np.full((1, 4), -np.inf), np.ones((1, 4)), (1, 3), 1, "max", "same"),
                                  [[2, 1, 1, 0]])
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 6, 7))
    for kind in ("max", "min", "avg"):  # every window passes on exactly its own gradient
        grad_out = rng.standard_normal(pool2d(x, 4, 3, kind, "same").shape)
        assert np.isclose(pool2d_grad(x, grad_out, 4, 3, kind, "same").sum(), grad_out.sum())


def test_pool_grad_wrong_shape_and_uncovered_values():
    with pytest.raises(ValueError, match=r"grad_out .*\(2, 2\).*got \(3, 3\)"):
        pool2d_grad(np.ones((5, 5)), np.ones((3, 3)), 2)
    grad = pool2d_grad(np.arange(25.0).reshape(5, 5), np.ones((2, 2)), 2)
    assert not grad[4].any() and not grad[:, 4].any() and grad.sum() == 4


NAMES = ("identity", "relu", "leaky_relu", "abs", "tanh", "sigmoid")


@pytest.mark.parametrize("name", NAMES)
def test_activate_grad_central_differences(name):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # away from the kinks
    grad_out = rng.standard_normal(x.shape)
    expected = central_difference(lambda z: activate(z, name, negative_slope=0.2), x, grad_out)
    np.testing.assert_allclose(activate_grad(x, name, grad_out, negative_slope=0.2), expected, atol=1e-7)


def test_activate_grad_at_the_kinks_and_shape_check():
    zero = np.zeros(3, np.float32)
    assert activate_grad(zero, "relu", np.ones(3)).tolist() == [0, 0, 0]
    assert activate_grad(zero, "abs", np.ones(3)).tolist() == [0, 0, 0]
    np.testing.assert_allclose(activate_grad(zero, "leaky_relu", np.ones(3), negative_slope=0.3), 0.3)
    with pytest.raises(ValueError, match=r"grad_out .*\(3,\).*got \(4,\)"):
        activate_grad(zero, "tanh", np.ones(4))
    with pytest.raises(ValueError, match="name must be one of"):
        activate_grad(zero, "softplus", np.ones(3))


def torch_pool(torch, x, size, stride, kind, padding):
    """pool2d in torch: F.pad with a neutral value for 'same', min as -max(-x), avg as sum/count."""
    F = torch.nn.functional
    pads = []
    for n, k, t in zip(x.shape[:-3:-1], size[::-1], stride[::-1]):  # columns first for F.pad
        total = max((-(-n // t) - 1) * t + k - n, 0) if padding == "same" else 0
        pads += [total // 2, total - total // 2]
    if kind in ("max", "min"):
        sign = 1 if kind == "max" else -1
        return sign * F.max_pool2d(F.pad(sign * x, pads, value=-np.inf), size, stride)
    if kind == "l2":
        return F.lp_pool2d(F.pad(x, pads), 2, size, stride)
    return F.avg_pool2d(F.pad(x, pads), size, stride) / F.avg_pool2d(F.pad(torch.ones_like(x), pads), size, stride)


@pytest.mark.parametrize("kind", ["max", "avg", "min", "l2"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size, stride", [((2, 2), (2, 2)), ((3, 3), (1, 1)), ((2, 3), (1, 2)), ((3, 3), (2, 2))])
def test_pool_grad_matches_torch_autograd(torch, kind, padding, size, stride):
    rng = np.random.default_rng(6)
    for x in (rng.standard_normal((3, 7, 9)), rng.integers(0, 3, (3, 7, 9)).astype(float)):  # 2nd: ties
        tensor = torch.tensor(x[:, None], requires_grad=True)
        pooled = torch_pool(torch, tensor, size, stride, kind, padding)[:, 0]
        np.testing.assert_allclose(pooled.detach().numpy(), pool2d(x, size, stride, kind, padding), atol=1e-12)
        grad_out = rng.standard_normal(pooled.shape)
        (pooled * torch.tensor(grad_out)).sum().backward()
        if kind == "l2" and not pooled.detach().numpy().all():
            continue  # torch's gradient of a window of zeros is not defined
        np.testing.assert_allclose(pool2d_grad(x, grad_out, size, stride, kind, padding),
                                   tensor.grad[:, 0].numpy(), atol=1e-12)


def test_activate_grad_matches_torch_autograd(torch):
    F = torch.nn.functional
    x = np.array([-2.5, -1.0, -1e-3, 0.0, 1e-3, 0.7, 3.0])
    functions = {"identity": lambda t: t, "relu": F.relu, "leaky_relu": lambda t: F.leaky_relu(t, 0.2),
                 "abs": torch.abs, "tanh": torch.tanh, "sigmoid": torch.sigmoid}
    grad_out = np.linspace(0.5, 2.0, x.size)
    for name in NAMES:
        tensor = torch.tensor(x, requires_grad=True)
        (functions[name](tensor) * torch.tensor(grad_out)).sum().backward()
        np.testing.assert_allclose(activate_grad(x, name, grad_out, negative_slope=0.2), tensor.grad.numpy(),
                                   rtol=1e-12, err_msg=name)
