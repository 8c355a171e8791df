"""Smoothing engine against the lecture's formula written as a double loop, numpy and exact facts."""
import numpy as np
import pytest

from convlab.engine.smoothing import (
    SMOOTHING_KERNELS,
    commute,
    error_vs_width,
    estimate_times,
    flip_and_slide,
    kernel_from_weights,
    lag_of,
    mse,
    placement_lags,
    smooth,
    smoothing_kernel,
)
from convlab.engine.spaceship import spaceship_track


def direct_smooth(x, weights, lags, times):
    """s(t) = sum_a x(a) w(t - a), x = 0 outside 0..n-1, w = 0 outside the lags: two plain loops."""
    w = dict(zip(lags.tolist(), weights.tolist()))
    out = []
    for t in times:
        total = 0.0
        for a in range(len(x)):
            total += x[a] * w.get(int(t) - a, 0.0)
        out.append(total)
    return np.array(out)


@pytest.mark.parametrize("mode", ["same", "full", "valid"])
@pytest.mark.parametrize("k", [1, 2, 5, 6])
@pytest.mark.parametrize("first_lag", [0, -2, 3])
def test_smooth_equals_the_double_loop(mode, k, first_lag):
    rng = np.random.default_rng(0)
    x = rng.normal(size=17)
    weights = rng.normal(size=k)
    lags = first_lag + np.arange(k)
    times = estimate_times(x.size, lags, mode)
    got = smooth(x, weights, lags, mode)
    assert got.shape == times.shape
    np.testing.assert_allclose(got, direct_smooth(x, weights, lags, times), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k", [1, 4, 7])
def test_output_lengths_follow_the_lecture_rules(k):
    n = 20
    lags = placement_lags(k, causal=False)
    assert estimate_times(n, lags, "full").size == n + k - 1
    assert estimate_times(n, lags, "same").size == n
    assert estimate_times(n, lags, "valid").size == n - k + 1


def test_valid_with_a_kernel_longer_than_the_signal_is_empty():
    assert smooth(np.ones(3), np.ones(5), mode="valid").size == 0
    assert estimate_times(3, np.arange(5), "valid").size == 0


def test_causal_full_output_is_numpy_convolve():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=30), rng.random(6)
    np.testing.assert_allclose(smooth(x, w, mode="full"), np.convolve(x, w), rtol=1e-12)
    np.testing.assert_allclose(smooth(x, w, mode="same"), np.convolve(x, w)[:30], rtol=1e-12)


def test_causal_estimate_uses_only_the_past():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    kernel = smoothing_kernel("box", 7, causal=True)
    before = smooth(x, *kernel)
    changed = x.copy()
    changed[30:] += 100.0  # change the future of t = 29
    after = smooth(changed, *kernel)
    np.testing.assert_array_equal(before[:30], after[:30])
    assert not np.allclose(before[30:], after[30:])


def test_exponential_kernel_is_causal_decays_and_sums_to_one():
    kernel = smoothing_kernel("exponential", 12, decay=3.0)
    assert kernel.lags[0] == 0 and np.all(np.diff(kernel.lags) == 1)
    assert kernel.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.diff(kernel.weights) < 0), "more recent measurements weigh more"
    raw = smoothing_kernel("exponential", 12, decay=3.0, normalise=False)
    np.testing.assert_allclose(raw.weights, np.exp(-np.arange(12) / 3.0), rtol=1e-12)
    centred = smoothing_kernel("exponential", 5, decay=2.0, causal=False, normalise=False)
    np.testing.assert_allclose(centred.weights, np.exp(-np.abs(np.arange(-2, 3)) / 2.0), rtol=1e-12)


@pytest.mark.parametrize("kind", SMOOTHING_KERNELS)
@pytest.mark.parametrize("width", [1, 4, 9])
def test_every_kernel_sums_to_one_and_centred_ones_are_centred(kind, width):
    centred = smoothing_kernel(kind, width, causal=False)
    causal = smoothing_kernel(kind, width, causal=True)
    assert centred.weights.sum() == pytest.approx(1.0) and causal.weights.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(centred.lags, np.arange(width) - (width - 1) // 2)
    np.testing.assert_array_equal(causal.lags, np.arange(width))
    if kind != "exponential" and width % 2 == 1:
        assert lag_of(*centred) == pytest.approx(0.0, abs=1e-12)
        np.testing.assert_allclose(centred.weights, centred.weights[::-1], rtol=1e-12)


def test_kernel_shapes_match_their_formulas():
    triangle = smoothing_kernel("triangle", 5, normalise=False).weights
    np.testing.assert_allclose(triangle, np.array([1, 2, 3, 2, 1]) / 3)
    np.testing.assert_allclose(smoothing_kernel("box", 3, normalise=False).weights, [1, 1, 1])
    gauss = smoothing_kernel("gaussian", 7, decay=1.5, normalise=False).weights
    np.testing.assert_allclose(gauss, np.exp(-np.arange(-3, 4) ** 2 / (2 * 1.5**2)), rtol=1e-12)


def test_lag_of_a_causal_box_and_exponential():
    assert lag_of(*smoothing_kernel("box", 9, causal=True)) == pytest.approx(4.0)
    w = np.exp(-np.arange(200) / 5.0)
    assert lag_of(w) == pytest.approx(np.sum(np.arange(200) * w) / w.sum())
    assert lag_of(w) == pytest.approx(1 / (np.exp(1 / 5.0) - 1), rel=1e-9)  # geometric series mean


def test_centred_box_on_a_noisy_straight_line_beats_the_raw_noise():
    rng = np.random.default_rng(0)
    t = np.arange(300.0)
    truth = 0.01 * t - 1.0
    x = truth + rng.normal(0, 0.5, t.size)
    kernel = smoothing_kernel("box", 11, causal=False)
    estimate = smooth(x, *kernel, mode="valid")
    times = estimate_times(x.size, kernel.lags, "valid")
    assert mse(estimate, truth[times]) < mse(x, truth) / 5  # about 1/11 of the noise variance


def test_error_vs_width_has_an_interior_minimum_for_a_sinusoid_plus_noise():
    rng = np.random.default_rng(0)
    t = np.arange(400)
    truth = np.sin(2 * np.pi * t / 100)
    x = truth + rng.normal(0, 0.4, t.size)
    widths = np.arange(1, 80, 2)
    errors = error_vs_width(x, truth, widths, "box", causal=False, mode="valid")
    best = int(np.argmin(errors))
    assert 0 < best < widths.size - 1
    assert errors[best] < errors[0] and errors[best] < errors[-1]
    assert errors[0] == pytest.approx(mse(x, truth))  # width 1 is no smoothing at all


def test_error_vs_width_equals_mse_of_smooth():
    track = spaceship_track(200, noise=0.5, seed=3)
    for causal in (True, False):
        kernel = smoothing_kernel("gaussian", 9, causal=causal)
        expected = mse(smooth(track.measured, *kernel), track.truth)
        got = error_vs_width(track.measured, track.truth, [9], "gaussian", causal=causal)
        assert got[0] == pytest.approx(expected)


def test_causal_kernel_delays_the_estimate_by_its_mean_lag():
    t = np.arange(600)
    truth = np.sin(2 * np.pi * t / 150)
    kernel = smoothing_kernel("box", 21, causal=True)
    estimate = smooth(truth, *kernel)[100:500]
    shifts = np.arange(-20, 21)
    errors = [mse(estimate, truth[100 - s:500 - s]) for s in shifts]
    assert shifts[int(np.argmin(errors))] == round(lag_of(*kernel)) == 10


def test_flip_and_slide_terms_sum_to_the_estimate():
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    for kernel in (smoothing_kernel("exponential", 8), smoothing_kernel("triangle", 6, causal=False)):
        estimate = smooth(x, *kernel, mode="full")
        for i, t in enumerate(estimate_times(x.size, kernel.lags, "full")):
            terms = flip_and_slide(x, *kernel, t=t)
            assert terms.total == pytest.approx(estimate[i], abs=1e-12)
        terms = flip_and_slide(x, *kernel, t=20)
        np.testing.assert_array_equal(terms.times, 20 - kernel.lags[::-1])
        np.testing.assert_array_equal(terms.flipped_weights, kernel.weights[::-1])
        np.testing.assert_allclose(terms.products, x[terms.times] * kernel.weights[::-1])


def test_flip_and_slide_counts_measurements_outside_the_record_as_zero():
    terms = flip_and_slide([1.0, 2.0, 3.0], [0.5, 0.5], t=0)
    np.testing.assert_array_equal(terms.times, [-1, 0])
    np.testing.assert_array_equal(terms.measurements, [0.0, 1.0])
    assert terms.total == 0.5


def test_commutativity_to_1e12():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=300) * 5, rng.random(17)
    result = commute(x, w)
    np.testing.assert_allclose(result.x_conv_w, np.convolve(x, w), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result.w_conv_x, np.convolve(w, x), rtol=1e-12, atol=1e-12)
    assert result.max_difference < 1e-12
    assert result.max_difference == np.max(np.abs(result.x_conv_w - result.w_conv_x))


def test_normalise_off_scales_the_estimate_by_the_weight_sum():
    x = np.random.default_rng(0).normal(size=60)
    raw = smoothing_kernel("exponential", 10, decay=2.0, normalise=False)
    unit = smoothing_kernel("exponential", 10, decay=2.0)
    np.testing.assert_allclose(smooth(x, *raw), raw.weights.sum() * smooth(x, *unit), rtol=1e-12)


def test_kernel_from_weights_places_and_normalises():
    k = kernel_from_weights([1.0, 2.0, 1.0], causal=False, normalise=True)
    np.testing.assert_allclose(k.weights, [0.25, 0.5, 0.25])
    np.testing.assert_array_equal(k.lags, [-1, 0, 1])
    with pytest.raises(ValueError, match="sum to 0"):
        kernel_from_weights([1.0, -1.0], normalise=True)


def test_spaceship_track_is_deterministic_and_noise_scales_one_pattern():
    a = spaceship_track(100, step=0.5, noise=0.3, seed=7)
    b = spaceship_track(100, step=0.5, noise=0.3, seed=7)
    c = spaceship_track(100, step=0.5, noise=0.6, seed=7)
    np.testing.assert_array_equal(a.measured, b.measured)
    np.testing.assert_array_equal(a.truth, c.truth)
    np.testing.assert_allclose(c.measured - c.truth, 2 * (a.measured - a.truth), rtol=1e-12)
    np.testing.assert_allclose(a.time, np.arange(100) * 0.5)
    assert not np.array_equal(spaceship_track(100, seed=8).truth, a.truth)
    assert np.std(np.diff(a.truth)) < 0.2, "the true path is smooth"


@pytest.mark.parametrize("call, match", [
    (lambda: smoothing_kernel("wedge", 3), "kind must be one of"),
    (lambda: smoothing_kernel("box", 0), "width must be an integer >= 1"),
    (lambda: smoothing_kernel("exponential", 5, decay=0.0), "decay must be a finite number > 0"),
    (lambda: smooth([1.0, 2.0], [1.0], mode="middle"), "mode must be one of"),
    (lambda: smooth([1.0, 2.0], [np.nan]), "weights must hold finite numbers"),
    (lambda: smooth([1.0, 2.0], [1.0, 1.0], lags=[0, 2]), "lags must be 2 consecutive integers"),
    (lambda: mse([1.0], [1.0, 2.0]), "same shape"),
    (lambda: lag_of([1.0, -1.0]), "sum to 0"),
    (lambda: spaceship_track(0), "length must be an integer >= 1"),
    (lambda: spaceship_track(10, noise=-1), "noise must be a finite number >= 0"),
    (lambda: spaceship_track(10, step=0), "step must be a finite number > 0"),
])
def test_bad_arguments_name_themselves(call, match):
    with pytest.raises(ValueError, match=match):
        call()
