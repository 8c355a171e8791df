"""Cross-correlation vs convolution: outputs equal scipy, products explain every output pixel."""
import numpy as np
import pytest
from scipy import signal

from convlab.engine.conv import BOUNDARIES, MODES, convolve2d, correlate2d
from convlab.engine.correlation_switch import OPERATIONS, apply_operation, operation_products

KERNEL_SHAPES = [(1, 1), (2, 2), (3, 3), (2, 3), (3, 4), (4, 4)]
STRIDE_DILATION = [(1, 1), (2, 1), (1, 2), ((1, 3), (2, 1))]


def test_apply_operation_dispatches_to_correlate2d_and_convolve2d():
    rng = np.random.default_rng(0)
    x, k = rng.standard_normal((7, 9)), rng.standard_normal((3, 2))
    np.testing.assert_array_equal(apply_operation(x, k, "correlation", mode="full"), correlate2d(x, k, "full"))
    np.testing.assert_array_equal(apply_operation(x, k, "convolution", boundary="wrap", stride=2),
                                  convolve2d(x, k, boundary="wrap", stride=2))
    np.testing.assert_allclose(apply_operation(x, k, "convolution"), signal.convolve2d(x, k, "same"), atol=1e-12)
    with pytest.raises(ValueError, match="operation must be one of 'correlation', 'convolution'"):
        apply_operation(x, k, "conv")


def test_an_asymmetric_kernel_moves_an_impulse_in_opposite_directions():
    x = np.zeros((5, 5))
    x[2, 2] = 1.0
    top_middle = np.zeros((3, 3))
    top_middle[0, 1] = 1.0
    assert np.argwhere(apply_operation(x, top_middle, "correlation")).tolist() == [[3, 2]]  # down
    assert np.argwhere(apply_operation(x, top_middle, "convolution")).tolist() == [[1, 2]]  # up


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kernel_shape", KERNEL_SHAPES)
def test_products_explain_every_output_pixel(operation, mode, kernel_shape):
    rng = np.random.default_rng(0)
    # small integers: every sum is exact whatever the order of the additions
    image = rng.integers(-9, 10, (5, 6)).astype(float)
    kernel = rng.integers(-9, 10, kernel_shape).astype(float)
    for boundary in BOUNDARIES:
        for stride, dilation in STRIDE_DILATION:
            out = apply_operation(image, kernel, operation, mode=mode, boundary=boundary, fillvalue=0.5,
                                  stride=stride, dilation=dilation)
            for index in np.ndindex(*out.shape):
                p = operation_products(image, kernel, index, operation, mode, boundary, 0.5, stride, dilation)
                assert p.total == out[index], (index, boundary, stride, dilation)
                np.testing.assert_array_equal(p.products, p.patch * p.kernel)


def test_convolution_products_show_the_rotated_kernel():
    image = np.arange(20.0).reshape(4, 5)
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]])
    p = operation_products(image, kernel, (1, 1), "convolution")
    np.testing.assert_array_equal(p.kernel, kernel[::-1, ::-1])
    # even kernel, same mode: the window of output (1, 1) starts one pixel up/left of correlation's
    q = operation_products(image, kernel, (1, 1), "correlation")
    assert (p.rows.min(), p.cols.min()) == (0, 0) and (q.rows.min(), q.cols.min()) == (1, 1)


def test_index_outside_the_output_is_refused():
    image, kernel = np.ones((4, 4)), np.ones((3, 3))
    with pytest.raises(ValueError, match=r"index must lie in the output of shape \(2, 2\)"):
        operation_products(image, kernel, (2, 0), "convolution", mode="valid")
    with pytest.raises(ValueError, match="index"):
        operation_products(image, kernel, (-1, 0), "convolution")
    with pytest.raises(ValueError, match="operation"):
        operation_products(image, kernel, (0, 0), "flip")
