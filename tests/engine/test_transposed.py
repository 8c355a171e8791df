"""conv_transpose2d against torch, against the input gradient of conv_bank, and as the adjoint of
the reference strided correlation."""
import itertools

import numpy as np
import pytest

from convlab.engine import conv_bank, conv_bank_grad, correlate2d
from convlab.engine.transposed import conv_transpose2d, conv_transpose_output_size

KERNEL_SHAPES = [(3, 3), (2, 2), (2, 5), (1, 1)]


@pytest.mark.parametrize("kernel_shape", KERNEL_SHAPES)
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_matches_torch_conv_transpose2d(torch, kernel_shape, stride):
    rng = np.random.default_rng(stride)
    x, kernel = rng.standard_normal((4, 5)), rng.standard_normal(kernel_shape)
    compared = 0
    for padding, output_padding, dilation in itertools.product([0, 1, 2, 3], [0, 1, 2], [1, 2]):
        arguments = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
        try:
            expected = torch.nn.functional.conv_transpose2d(
                torch.tensor(x[None, None]), torch.tensor(kernel[None, None]), **arguments)[0, 0].numpy()
        except RuntimeError:  # torch refuses: so must we
            with pytest.raises(ValueError, match="output_padding|padding"):
                conv_transpose2d(x, kernel, **arguments)
            continue
        result = conv_transpose2d(x, kernel, **arguments)
        assert result.shape == expected.shape, arguments
        np.testing.assert_allclose(result, expected, atol=1e-12, err_msg=str(arguments))
        compared += 1
    assert compared >= 7


def test_matches_torch_with_pairs(torch):
    rng = np.random.default_rng(1)
    x, kernel = rng.standard_normal((5, 4)), rng.standard_normal((3, 2))
    arguments = dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2), dilation=(1, 2))
    expected = torch.nn.functional.conv_transpose2d(
        torch.tensor(x[None, None]), torch.tensor(kernel[None, None]), **arguments)[0, 0].numpy()
    np.testing.assert_allclose(conv_transpose2d(x, kernel, **arguments), expected, atol=1e-12)


@pytest.mark.parametrize("kernel_shape", KERNEL_SHAPES)
@pytest.mark.parametrize("stride, dilation", [(1, 1), (2, 1), (3, 1), (1, 2), (2, 2), (3, 2)])
def test_is_the_input_gradient_of_a_strided_valid_correlation(kernel_shape, stride, dilation):
    rng = np.random.default_rng(9)
    for shape in [(9, 11), (10, 9)]:
        image, kernel = rng.standard_normal(shape), rng.standard_normal(kernel_shape)
        grad_map = rng.standard_normal(conv_bank(image, kernel, "valid", stride=stride, dilation=dilation).shape)
        grad_image, _ = conv_bank_grad(image, kernel, grad_map, "valid", stride=stride, dilation=dilation)
        # the strided correlation forgets (n - span) % stride trailing rows: output_padding restores them
        extra = tuple((n - (k - 1) * dilation - 1) % stride for n, k in zip(shape, kernel_shape))
        result = conv_transpose2d(grad_map[0], kernel, stride, output_padding=extra, dilation=dilation)
        np.testing.assert_allclose(result, grad_image, atol=1e-4)


@pytest.mark.parametrize("stride, padding, dilation", [(1, 1, 1), (2, 1, 1), (3, 2, 2), (2, 3, 1)])
def test_is_the_adjoint_of_the_reference_correlation(stride, padding, dilation):
    """<correlate2d(pad(x), k, valid, s, d), g> == <x, conv_transpose2d(g, k, s, padding, op, d)>."""
    rng = np.random.default_rng(4)
    x, kernel = rng.standard_normal((12, 13)), rng.standard_normal((3, 4))
    forward = correlate2d(np.pad(x, padding), kernel, "valid", stride=stride, dilation=dilation)
    grad = rng.standard_normal(forward.shape)
    extra = tuple((n + 2 * padding - (k - 1) * dilation - 1) % stride for n, k in zip(x.shape, kernel.shape))
    transposed = conv_transpose2d(grad, kernel, stride, padding, extra, dilation)
    assert transposed.shape == x.shape
    np.testing.assert_allclose(np.vdot(x, transposed), np.vdot(forward, grad), rtol=1e-12)


def test_output_size_and_dtype():
    assert conv_transpose_output_size(4, 3, stride=2, padding=1, output_padding=1, dilation=2) == 10
    assert conv_transpose2d(np.ones((4, 5)), np.ones((3, 3)), 2, 1, 1, 2).shape == (10, 12)
    assert conv_transpose2d(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32)).dtype == np.float32
    assert conv_transpose2d(np.ones((2, 2), np.uint8), np.ones((2, 2), np.float32)).dtype == np.float64
    # one impulse stamps the (dilated) kernel itself
    np.testing.assert_array_equal(conv_transpose2d([[2.0]], [[1, 2], [3, 4]], dilation=2),
                                  [[2, 0, 4], [0, 0, 0], [6, 0, 8]])


@pytest.mark.parametrize("arguments, message", [
    (dict(stride=2, output_padding=2), "output_padding must be smaller than stride or dilation"),
    (dict(stride=1, output_padding=1), "output_padding must be smaller than stride or dilation"),
    (dict(stride=0), "stride must be an integer >= 1"),
    (dict(padding=-1), "padding must be an integer >= 0"),
    (dict(dilation=(1, 0)), "dilation must be an integer >= 1"),
    (dict(padding=3), r"padding \(3, 3\) crops the whole output"),
])
def test_rejects_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        conv_transpose2d(np.ones((3, 3)), np.ones((3, 3)), **arguments)


def test_rejects_bad_arrays():
    with pytest.raises(ValueError, match="x must have 2 dimension"):
        conv_transpose2d(np.ones((1, 3, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="kernel must not be empty"):
        conv_transpose2d(np.ones((3, 3)), np.ones((0, 3)))
