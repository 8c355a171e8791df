"""convlab.lab.smoothing without Qt: the declared settings, and settings -> result against the engine.

(Named test_lab_smoothing.py: tests/engine/test_smoothing.py holds the module name test_smoothing.)"""
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from convlab.engine.conv import MODES
from convlab.engine.smoothing import (
    SMOOTHING_KERNELS,
    commute,
    error_vs_width,
    estimate_times,
    kernel_from_weights,
    lag_of,
    mse,
    smooth,
    smoothing_kernel,
)
from convlab.engine.spaceship import spaceship_track
from convlab.lab.settings import as_section, checkers, from_section, parse_assignment, setting_fields
from convlab.lab.smoothing import (
    DECAY_KINDS,
    KINDS,
    MAX_WIDTH,
    SWEEP_WIDTHS,
    SmoothingParams,
    compute_smoothing,
    default_decay,
    make_job,
    stretch,
)

LESSONS = Path(__file__).resolve().parents[2] / "resources" / "lessons"


# ---- the declarations ---------------------------------------------------------------------------
def test_fields_defaults_ranges_and_choices_are_the_panel_s():
    declared = {name: (meta, default) for name, meta, default in setting_fields(SmoothingParams)}
    assert list(declared) == ["source", "length", "step", "noise", "seed", "kind", "width", "decay",
                              "decay_follows_width", "causal", "normalise", "mode"]
    assert as_section(SmoothingParams()) == {
        "source": "spaceship", "length": 400, "step": 1.0, "noise": 0.5, "seed": 0, "kind": "exponential",
        "width": 15, "decay": 3.75, "decay_follows_width": True, "causal": True, "normalise": True, "mode": "same"}
    ranges = {name: (meta.low, meta.high, meta.step) for name, (meta, _) in declared.items() if meta.low is not None}
    assert ranges == {"length": (20, 10000, None), "step": (0.05, 10.0, 0.05), "noise": (0.0, 2.0, 0.01),
                      "seed": (0, 99999, None), "width": (1, MAX_WIDTH, None), "decay": (0.25, 60.0, 0.25)}
    assert declared["kind"][0].choices == KINDS == SMOOTHING_KERNELS + ("drawn",)  # the engine's names
    assert declared["mode"][0].choices == MODES
    assert declared["causal"][0].shown(False) == "centred" and declared["mode"][0].shown("full") == "full (n + k − 1)"


def test_the_shipped_lesson_section_loads_without_warnings():
    section = json.loads((LESSONS / "1-smoothing-the-spaceship.convlab").read_text())["panels"]["smoothing"]
    known = {name: value for name, value in section.items() if name in checkers(SmoothingParams)}
    params, warnings = from_section(SmoothingParams, known, "Signal smoothing")
    assert warnings == [] and params == SmoothingParams()


@pytest.mark.parametrize("section, message", [
    ({"width": 500}, "'width' must be a whole number from 1 to 151; found 500"),
    ({"width": 3.0}, "'width' must be a whole number from 1 to 151; found 3.0"),
    ({"noise": float("nan")}, "'noise' must be a finite number from 0 to 2; found nan"),
    ({"kind": "wavy"}, "'kind' must be one of 'exponential', 'box', 'triangle', 'gaussian', 'drawn'; found 'wavy'"),
    ({"causal": 1}, "'causal' must be one of True, False; found 1"),
    ({"normalise": "yes"}, "'normalise' must be true or false; found 'yes'"),
])
def test_bad_lesson_values_are_refused_with_the_field_and_what_is_allowed(section, message):
    with pytest.raises(ValueError) as error:
        from_section(SmoothingParams, section, "Signal smoothing")
    assert str(error.value) == message


def test_an_unknown_field_is_a_warning_and_missing_fields_take_defaults():
    params, warnings = from_section(SmoothingParams, {"kind": "box", "wobble": 3}, "Signal smoothing")
    assert params == SmoothingParams(kind="box", decay=15 / 4)
    assert warnings == ["Signal smoothing: the setting 'wobble' is unknown to this convlab and was ignored."]


# ---- settled and inactive ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", DECAY_KINDS)
def test_the_decay_follows_the_width_as_the_engine_s_default(kind):
    params = SmoothingParams(kind=kind, width=31, decay=60.0).settled()
    assert params.decay == default_decay(kind, 31)
    np.testing.assert_allclose(smoothing_kernel(kind, 31, params.decay).weights, smoothing_kernel(kind, 31).weights,
                               rtol=1e-12)


def test_decay_kinds_are_the_shapes_whose_decay_changes_the_kernel():
    changes = {kind for kind in SMOOTHING_KERNELS
               if not np.allclose(smoothing_kernel(kind, 9, 1.0).weights, smoothing_kernel(kind, 9, 2.0).weights)}
    assert changes == set(DECAY_KINDS)


def test_settled_puts_numbers_on_the_controls_resolution_and_is_idempotent():
    params = SmoothingParams(step=0.123, noise=0.503, decay=3.8, decay_follows_width=False).settled()
    assert (params.step, params.noise, params.decay) == (0.12, 0.5, 3.75)
    assert params.settled() == params
    assert parse_assignment(SmoothingParams(), "width=31").decay == 31 / 4  # the command line settles too


@pytest.mark.parametrize("changes, off", [
    ({}, {"decay"}),
    ({"decay_follows_width": False}, set()),
    ({"kind": "box"}, {"decay", "decay_follows_width"}),
    ({"kind": "drawn", "decay_follows_width": False}, {"decay", "decay_follows_width"}),
    ({"source": "file"}, {"length", "step", "noise", "seed", "decay"}),
])
def test_inactive_fields(changes, off):
    assert SmoothingParams(**changes).inactive() == off


# ---- settings -> result, against the engine -------------------------------------------------------
def test_make_job_generates_the_spaceship_or_uses_the_loaded_signal():
    params = SmoothingParams(length=120, step=0.5, noise=1.0, seed=4)
    track = spaceship_track(120, 0.5, 1.0, 4)
    job = make_job(params)
    np.testing.assert_array_equal(job.x, track.measured)
    np.testing.assert_array_equal(job.truth, track.truth)
    loaded = np.arange(10.0)
    assert make_job(params, loaded).truth is not None  # the spaceship source ignores a loaded file
    job = make_job(replace(params, source="file"), loaded)
    assert job.truth is None
    np.testing.assert_array_equal(job.x, loaded)
    assert make_job(replace(params, source="file")).truth is not None  # no file yet: the spaceship


def test_drawn_weights_are_stretched_to_the_width_and_start_as_a_box():
    assert make_job(SmoothingParams(kind="drawn", width=4)).drawn.tolist() == [1.0, 1.0, 1.0, 1.0]
    np.testing.assert_allclose(make_job(SmoothingParams(kind="drawn", width=5), drawn=[0.0, 4.0]).drawn,
                               [0.0, 1.0, 2.0, 3.0, 4.0])
    assert stretch([3.0], 3).tolist() == [3.0, 3.0, 3.0] and stretch([1.0, 3.0], 1).tolist() == [2.0]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("causal", [True, False])
def test_compute_smoothing_is_the_engine_for_both_placements(mode, causal):
    params = SmoothingParams(kind="triangle", width=9, causal=causal, mode=mode).settled()
    r = compute_smoothing(make_job(params))
    x, truth = r.job.x, r.job.truth
    for placement, kernel, times, estimate in ((causal, r.kernel, r.times, r.estimate),
                                               (not causal, r.other_kernel, r.other_times, r.other_estimate)):
        expected = smoothing_kernel("triangle", 9, causal=placement)
        np.testing.assert_array_equal(kernel.lags, expected.lags)
        np.testing.assert_array_equal(times, estimate_times(x.size, expected.lags, mode))
        np.testing.assert_allclose(estimate, smooth(x, *expected, mode), rtol=1e-12)
        assert r.lags[placement] == pytest.approx(lag_of(*expected))
        keep = (times >= 0) & (times < x.size)
        assert r.errors[placement] == pytest.approx(mse(estimate[keep], truth[times[keep]]))
    assert r.raw_mse == pytest.approx(mse(x, truth))
    np.testing.assert_array_equal(r.sweep.widths, SWEEP_WIDTHS)
    np.testing.assert_allclose(r.sweep.errors[causal], error_vs_width(x, truth, SWEEP_WIDTHS, "triangle",
                                                                      causal=causal, mode=mode), rtol=1e-12)
    np.testing.assert_allclose(r.commutation.x_conv_w, commute(x, r.kernel.weights).x_conv_w)


def test_a_fixed_decay_is_used_and_kept_fixed_over_the_width_sweep():
    params = SmoothingParams(kind="gaussian", width=21, decay=2.5, decay_follows_width=False, causal=False)
    r = compute_smoothing(make_job(params))
    np.testing.assert_allclose(r.kernel.weights, smoothing_kernel("gaussian", 21, 2.5, causal=False).weights)
    np.testing.assert_allclose(r.sweep.errors[False], error_vs_width(r.job.x, r.job.truth, SWEEP_WIDTHS, "gaussian",
                                                                     2.5, causal=False), rtol=1e-12)


def test_a_loaded_signal_has_no_truth_errors_or_sweep():
    loaded = np.sin(np.arange(60) / 5)
    r = compute_smoothing(make_job(SmoothingParams(source="file", kind="box", width=5), loaded))
    assert r.sweep is None and "no true path" in r.sweep_note and r.raw_mse is None and r.errors == {}
    np.testing.assert_allclose(r.estimate, smooth(loaded, *smoothing_kernel("box", 5, causal=True)), rtol=1e-12)


def test_a_drawn_kernel_is_placed_normalised_and_swept_stretched():
    params = SmoothingParams(kind="drawn", width=3, causal=False, normalise=True, length=60)
    r = compute_smoothing(make_job(params, drawn=[1.0, 2.0, 1.0]))
    np.testing.assert_allclose(r.kernel.weights, [0.25, 0.5, 0.25])
    np.testing.assert_array_equal(r.kernel.lags, [-1, 0, 1])
    widths = SWEEP_WIDTHS[SWEEP_WIDTHS <= 60]
    k = int(np.flatnonzero(widths == 7)[0])
    seven = kernel_from_weights(stretch([1.0, 2.0, 1.0], 7), causal=True, normalise=True)
    times = estimate_times(60, seven.lags, "same")
    assert r.sweep.errors[True][k] == pytest.approx(mse(smooth(r.job.x, *seven), r.job.truth[times]))


def test_weights_summing_to_zero_cannot_be_normalised_but_can_be_used_as_they_are():
    with pytest.raises(ValueError, match="sum to 0"):
        compute_smoothing(make_job(SmoothingParams(kind="drawn", width=2), drawn=[1.0, -1.0]))
    r = compute_smoothing(make_job(SmoothingParams(kind="drawn", width=2, normalise=False), drawn=[1.0, -1.0]))
    assert r.lags == {True: None, False: None}
    np.testing.assert_allclose(r.estimate, r.job.x - np.concatenate([[0.0], r.job.x[:-1]]), rtol=1e-12)
