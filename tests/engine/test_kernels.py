"""The kernel library: exact classic values, what each detector responds to, banks, validation."""
import itertools

import numpy as np
import pytest
from scipy import ndimage, signal

from convlab.engine.kernels import (
    DEFAULT_BANK_NAMES,
    GABOR_PRESET_DEGREES,
    PRESET_NAMES,
    default_bank,
    gabor_kernel,
    kernel_to_rgb,
    preset_kernel,
    random_bank,
)

ODD_SIZES = (3, 5, 7, 9)


def _correlate_valid(image, kernel):
    return signal.correlate2d(image, kernel, mode="valid")


def _step(axis, shape=(12, 12)):
    """Dark (0) first half, bright (1) second half along `axis` (1: left-to-right)."""
    image = np.zeros(shape)
    if axis == 1:
        image[:, shape[1] // 2:] = 1.0
    else:
        image[shape[0] // 2:, :] = 1.0
    return image


def test_classic_3x3_values():
    np.testing.assert_array_equal(preset_kernel("sobel_x"), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(preset_kernel("sobel_y"), [[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    np.testing.assert_array_equal(preset_kernel("prewitt_x"), [[-1, 0, 1]] * 3)
    np.testing.assert_array_equal(preset_kernel("laplacian"), [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    np.testing.assert_array_equal(preset_kernel("sharpen"), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_array_equal(preset_kernel("outline"),
                                  [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])
    np.testing.assert_array_equal(preset_kernel("emboss"), [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
    np.testing.assert_array_equal(preset_kernel("corner"), [[1, 0, -1], [0, 0, 0], [-1, 0, 1]])
    np.testing.assert_array_equal(preset_kernel("box", 2), np.full((2, 2), 0.25))


@pytest.mark.parametrize("name", PRESET_NAMES)
@pytest.mark.parametrize("size", ODD_SIZES)
def test_every_preset_shape_dtype_and_sum(name, size):
    kernel = preset_kernel(name, size)
    assert kernel.shape == (size, size) and kernel.dtype == np.float64
    assert np.all(np.isfinite(kernel))
    expected_sum = 1.0 if name in ("identity", "box", "gaussian", "sharpen", "emboss") else 0.0
    assert kernel.sum() == pytest.approx(expected_sum, abs=1e-12)


@pytest.mark.parametrize("size", ODD_SIZES)
def test_sobel_and_prewitt_signs_and_step_response(size):
    """Under cross-correlation x-derivatives are positive on a dark-to-bright left-to-right step."""
    for family, peak in (("sobel", 4.0), ("prewitt", 3.0)):
        for axis, suffix in ((1, "_x"), (0, "_y")):
            kernel = preset_kernel(family + suffix, size)
            response = _correlate_valid(_step(axis, (size + 12, size + 12)), kernel)
            assert response.min() == pytest.approx(0.0, abs=1e-12)
            assert response.max() == pytest.approx(peak)  # same step response at every size
            flipped = _correlate_valid(1.0 - _step(axis, (size + 12, size + 12)), kernel)
            assert flipped.max() == pytest.approx(0.0, abs=1e-12)
            other = _correlate_valid(_step(1 - axis, (size + 12, size + 12)), kernel)
            np.testing.assert_allclose(other, 0.0, atol=1e-12)  # blind to the other orientation


@pytest.mark.parametrize("size", ODD_SIZES)
def test_identity_and_smoothing(size):
    rng = np.random.default_rng(0)
    image = rng.normal(size=(10, 11))
    same = ndimage.correlate(image, preset_kernel("identity", size), mode="constant")
    np.testing.assert_array_equal(same, image)
    ramp = np.add.outer(np.arange(15.0), 2 * np.arange(15.0))
    for name in ("box", "gaussian", "laplacian", "sharpen", "outline"):
        response = _correlate_valid(ramp, preset_kernel(name, size))
        expected = 0.0 if name in ("laplacian", "outline") else ramp[size // 2:-(size // 2),
                                                                     size // 2:-(size // 2)]
        np.testing.assert_allclose(response, expected, atol=1e-9, err_msg=name)


def test_gaussian_sums_to_one_and_follows_sigma():
    for size, sigma in itertools.product((1, 2, 4, 5, 9), (0.5, 1.0, 3.0)):
        kernel = preset_kernel("gaussian", size, sigma=sigma)
        assert kernel.sum() == pytest.approx(1.0, abs=1e-14)
        np.testing.assert_allclose(kernel, kernel.T)
        np.testing.assert_allclose(kernel, kernel[::-1, ::-1])
    k = preset_kernel("gaussian", 5, sigma=1.0)
    assert k[2, 3] / k[2, 2] == pytest.approx(np.exp(-0.5))
    assert preset_kernel("gaussian", 5, sigma=2.0)[2, 2] < k[2, 2]


def test_laplacian_negative_on_bright_dot():
    dot = np.zeros((11, 11))
    dot[5, 5] = 1.0
    for size in ODD_SIZES:
        response = ndimage.correlate(dot, preset_kernel("laplacian", size), mode="constant")
        assert response[5, 5] == response.min() < 0


def test_emboss_brightens_towards_bottom_right():
    ramp = np.add.outer(np.arange(12.0), np.arange(12.0))  # brighter to the bottom-right
    for size in ODD_SIZES:
        relief = preset_kernel("emboss", size) - preset_kernel("identity", size)
        assert np.all(_correlate_valid(ramp, relief) > 0)
        assert np.all(_correlate_valid(ramp[::-1, ::-1], relief) < 0)


@pytest.mark.parametrize("size", ODD_SIZES)
def test_corner_responds_most_at_corners_of_bright_square(size):
    image = np.zeros((30, 30))
    top, bottom, left, right = 8, 21, 10, 23  # bright rows 8..21, columns 10..23
    image[top:bottom + 1, left:right + 1] = 1.0
    response = ndimage.correlate(image, preset_kernel("corner", size), mode="constant")
    assert response[top, left] == pytest.approx(1.0)
    assert response[bottom, right] == pytest.approx(1.0)
    assert response[top, right] == pytest.approx(-1.0)
    assert response[bottom, left] == pytest.approx(-1.0)
    assert np.abs(response).max() == pytest.approx(1.0)
    i, j = np.unravel_index(np.argmax(response), response.shape)
    corners = [(top, left), (bottom, right)]
    assert min(max(abs(i - a), abs(j - b)) for a, b in corners) <= 1
    middle_row, middle_col = (top + bottom) // 2, (left + right) // 2
    for edge_point in [(top, middle_col), (bottom, middle_col), (middle_row, left),
                       (middle_row, right), (middle_row, middle_col), (2, 2)]:
        assert response[edge_point] == pytest.approx(0.0, abs=1e-12)


def _stripe_energy(kernel, direction, frequency=0.25, n=24):
    """Mean squared response to cosine stripes varying along `direction` (x, up), over phases."""
    rows, cols = np.mgrid[0:n, 0:n].astype(float)
    along = cols * direction[0] - rows * direction[1]
    energies = []
    for phase in np.linspace(0, 2 * np.pi, 8, endpoint=False):
        stripes = np.cos(2 * np.pi * frequency * along + phase)
        energies.append(np.mean(_correlate_valid(stripes, kernel) ** 2))
    return float(np.mean(energies))


@pytest.mark.parametrize("size", (3, 5, 7, 11))
def test_gabor_orientation(size):
    vertical_stripes, horizontal_stripes = (1.0, 0.0), (0.0, 1.0)
    diagonal_up_right = (np.sqrt(0.5), np.sqrt(0.5))
    diagonal_up_left = (-np.sqrt(0.5), np.sqrt(0.5))
    g = {name: preset_kernel(name, size) for name in GABOR_PRESET_DEGREES}
    assert _stripe_energy(g["gabor_0"], vertical_stripes) > 2 * _stripe_energy(g["gabor_0"],
                                                                               horizontal_stripes)
    assert _stripe_energy(g["gabor_90"], horizontal_stripes) > 2 * _stripe_energy(
        g["gabor_90"], vertical_stripes)
    assert _stripe_energy(g["gabor_45"], diagonal_up_right) > 2 * _stripe_energy(
        g["gabor_45"], diagonal_up_left)
    assert _stripe_energy(g["gabor_135"], diagonal_up_left) > 2 * _stripe_energy(
        g["gabor_135"], diagonal_up_right)


def test_gabor_kernel_properties():
    thetas, phases = (0.0, 0.4, np.pi / 2), (0.0, 1.0)
    for size, theta, phase in itertools.product((2, 3, 4, 7, 10), thetas, phases):
        if size == 2 and phase == 0.0 and theta != 0.4:
            continue  # an even grating sampled at +-0.5 is constant: refused (test_bad_arguments)
        k = gabor_kernel(size, theta, phase=phase)
        assert k.shape == (size, size)
        assert k.sum() == pytest.approx(0.0, abs=1e-12)
        assert np.linalg.norm(k) == pytest.approx(1.0)
    np.testing.assert_allclose(gabor_kernel(7, np.pi / 2), gabor_kernel(7, 0.0).T, atol=1e-15)
    np.testing.assert_allclose(gabor_kernel(7, 0.3), gabor_kernel(7, 0.3 + np.pi), atol=1e-12)
    np.testing.assert_array_equal(preset_kernel("gabor", 5, theta=np.pi / 4),
                                  preset_kernel("gabor_45", 5))
    np.testing.assert_array_equal(preset_kernel("gabor_135", 7, frequency=0.2, sigma=2.0),
                                  gabor_kernel(7, np.deg2rad(135), frequency=0.2, sigma=2.0))
    edge = gabor_kernel(9, 0.0, phase=np.pi / 2)  # antisymmetric: an edge detector
    np.testing.assert_allclose(edge, -edge[:, ::-1], atol=1e-15)


def test_random_bank():
    bank = random_bank(16, 5, seed=3)
    assert bank.shape == (16, 5, 5) and bank.dtype == np.float64
    np.testing.assert_allclose(bank.sum(axis=(1, 2)), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(bank.reshape(16, -1), axis=1), 1.0)
    np.testing.assert_array_equal(bank, random_bank(16, 5, seed=3))
    assert not np.allclose(bank, random_bank(16, 5, seed=4))
    assert len({k.tobytes() for k in bank}) == 16
    color = random_bank(4, 3, channels=3, seed=0, distribution="uniform")
    assert color.shape == (4, 3, 3, 3)
    np.testing.assert_allclose(color.sum(axis=(1, 2, 3)), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.sqrt((color**2).sum(axis=(1, 2, 3))), 1.0)
    assert not np.allclose(random_bank(4, 3, 3, seed=0), color)  # distribution matters
    assert random_bank(2, 1, channels=3).shape == (2, 1, 1, 3)
    assert random_bank(2, 3, seed=None).shape == (2, 3, 3)


def test_random_bank_distributions_differ_in_shape():
    normal = random_bank(2000, 3, seed=0).ravel()
    uniform = random_bank(2000, 3, seed=0, distribution="uniform").ravel()
    kurtosis = [np.mean(v**4) / np.mean(v**2) ** 2 for v in (normal, uniform)]
    assert kurtosis[0] > kurtosis[1] + 0.2  # Gaussian tails are heavier than uniform ones


@pytest.mark.parametrize("size", (3, 5, 7))
def test_default_bank(size):
    names, kernels = default_bank(size)
    assert names == list(DEFAULT_BANK_NAMES) and 8 <= len(names) <= 16
    assert kernels.shape == (len(names), size, size) and kernels.dtype == np.float64
    for name, kernel in zip(names, kernels):
        np.testing.assert_array_equal(kernel, preset_kernel(name, size))


def test_kernel_to_rgb_gives_gray_response():
    rng = np.random.default_rng(0)
    rgb = rng.uniform(size=(9, 10, 3))
    gray_kernel = preset_kernel("sobel_x", 5)
    color_kernel = kernel_to_rgb(gray_kernel)
    assert color_kernel.shape == (5, 5, 3)
    color_response = sum(_correlate_valid(rgb[..., c], color_kernel[..., c]) for c in range(3))
    np.testing.assert_allclose(color_response, _correlate_valid(rgb.mean(axis=2), gray_kernel),
                               atol=1e-12)
    assert kernel_to_rgb(np.ones((4, 3, 3)), channels=2).shape == (4, 3, 3, 2)


def test_bad_arguments():
    with pytest.raises(ValueError, match="name must be one of .*sobel_x"):
        preset_kernel("sobel")
    with pytest.raises(ValueError, match="size must be odd"):
        preset_kernel("sobel_x", 4)
    with pytest.raises(ValueError, match="size must be an integer >= 3"):
        preset_kernel("laplacian", 1)
    with pytest.raises(ValueError, match="size must be an integer >= 1"):
        preset_kernel("box", 0)
    with pytest.raises(ValueError, match=r"takes parameters \['sigma'\]"):
        preset_kernel("gaussian", 3, theta=1.0)
    with pytest.raises(ValueError, match="takes parameters none"):
        preset_kernel("sobel_x", 3, sigma=1.0)
    with pytest.raises(ValueError, match="sigma must be a finite number > 0"):
        preset_kernel("gaussian", 3, sigma=0)
    with pytest.raises(ValueError, match="frequency must be in"):
        gabor_kernel(5, 0.0, frequency=0.7)
    with pytest.raises(ValueError, match="theta must be a finite number"):
        gabor_kernel(5, float("inf"))
    with pytest.raises(ValueError, match="too small"):
        gabor_kernel(2, np.pi / 2)
    with pytest.raises(ValueError, match="count must be an integer >= 1"):
        random_bank(0, 3)
    with pytest.raises(ValueError, match="at least 2 weights"):
        random_bank(3, 1)
    with pytest.raises(ValueError, match="distribution must be one of 'normal', 'uniform'; got 'gauss'"):
        random_bank(3, 3, distribution="gauss")
    with pytest.raises(ValueError, match="seed must be an integer"):
        random_bank(3, 3, seed=1.5)
    with pytest.raises(ValueError, match="channels must be an integer >= 1"):
        kernel_to_rgb(np.ones((3, 3)), channels=0)
    with pytest.raises(ValueError, match="kernel must have at least 2 dimensions"):
        kernel_to_rgb(np.ones(3))
