"""The feature maps without Qt: settings -> the block on a frame -> explained values, against the engine."""
import numpy as np
import pytest

from convlab.engine.block import cnn_block_stages, prepare_input, shrink_to
from convlab.engine.conv import correlate2d
from convlab.engine.kernel_banks import make_bank
from convlab.lab.features import (
    STAGES,
    BankRequest,
    FeatureJob,
    FeatureParams,
    compute_job,
    empty_maps_note,
    explain_pixel,
    features_from_section,
    features_section,
    is_signed,
    stage_maps,
)
from convlab.lab.settings import as_section, parse_assignment
from convlab.sources.base import Frame

RNG = np.random.default_rng(0)
PHOTO = RNG.integers(0, 256, (300, 800, 3), dtype=np.uint8)  # shrunk to 640 wide by an integer factor


def _job(params=FeatureParams(), request=BankRequest(choice="edges")):
    names, kernels = request.build()
    return FeatureJob(Frame(PHOTO, 0, 0.0), params, tuple(names), kernels)


def test_the_block_runs_the_engine_on_the_shrunk_frame():
    params = FeatureParams(input_kind="color", stride=2, dilation=2, activation="tanh", pool_kind="avg",
                           pool_size=3, pool_stride=2, boundary="wrap")
    job = _job(params)
    rgb, stages = compute_job(job)
    np.testing.assert_array_equal(rgb, shrink_to(PHOTO, 640))
    expected = cnn_block_stages(prepare_input(rgb, "color"), job.kernels, mode="same", boundary="wrap", stride=2,
                                dilation=2, activation="tanh", pool_kind="avg", pool_size=3, pool_stride=2)
    for stage in STAGES:
        np.testing.assert_allclose(stage_maps(stages, stage), stage_maps(expected, stage), atol=1e-5)


def test_no_pooling_shows_the_activated_maps():
    rgb, stages = compute_job(_job(FeatureParams(pool_kind="none")))
    np.testing.assert_array_equal(stages.pooled, stages.activated)
    assert FeatureParams(pool_kind="none").pooling is None and FeatureParams().pooling == "max"


def test_the_explained_value_is_the_sum_of_products_of_the_shown_pixel():
    job = _job(FeatureParams(stage="conv"))
    rgb, stages = compute_job(job)
    e, caption = explain_pixel(job, stages, 1, 40, 50)
    gray = prepare_input(rgb, "gray")
    assert e.total == pytest.approx(float(correlate2d(gray, job.kernels[1])[40, 50]), abs=1e-4)
    assert e.total == pytest.approx(float(stages.conv[1, 40, 50]), abs=1e-4)
    assert caption == ("convolution output of map 1 'sobel_y' at (row 40, col 50) = the value shown at "
                       "(row 40, col 50) after convolution")
    assert explain_pixel(job, stages, 7, 0, 0) is None and explain_pixel(job, stages, 0, -1, 0) is None


def test_a_pooled_value_says_which_window_and_nonlinearity_made_it():
    job = _job()
    _, stages = compute_job(job)
    e, caption = explain_pixel(job, stages, 0, 10, 20)
    assert e.value == pytest.approx(float(stages.pooled[0, 10, 20]))
    assert "; relu gives" in caption and "max pooling over 4 values gives" in caption
    assert caption.endswith("= the value shown at (row 10, col 20) after pooling")


def test_colour_scale_and_empty_maps():
    assert is_signed(FeatureParams(stage="conv", activation="relu"))
    assert not is_signed(FeatureParams(stage="pooled", activation="relu"))
    assert is_signed(FeatureParams(stage="activated", activation="tanh"))
    note = empty_maps_note(FeatureParams(stage="pooled"), (8, 0, 0), (2, 3, 3))
    assert note.startswith("The maps after pooling are empty (0x0): the image (3x2)")


def test_bank_requests_build_the_engine_banks():
    names, kernels = BankRequest(choice="random", size=5, count=7, seed=3).build()
    expected = make_bank("random", 5, 7, 3)
    assert names == expected[0] and np.array_equal(kernels, expected[1])
    assert BankRequest(choice="random").inactive() == set() and BankRequest().inactive() == {"count", "seed"}
    with pytest.raises(ValueError):
        BankRequest(choice="edges", size=4).build()  # the edge presets need an odd size


def test_lesson_sections_round_trip_and_missing_fields_take_defaults():
    params, bank = FeatureParams(stride=2, stage="conv", per_map_scale=False), BankRequest(choice="gabor", size=7)
    section = features_section(params, bank)
    assert section == {**as_section(params), "bank_request": as_section(bank)}
    assert features_from_section(section) == (params, bank, [])
    assert features_from_section({"stride": 3}) == (FeatureParams(stride=3), BankRequest(), [])


@pytest.mark.parametrize("section, words", [
    ({"stride": 9}, "'stride' must be a whole number from 1 to 8; found 9"),
    ({"stage": "late"}, "'stage' must be one of 'conv', 'activated', 'pooled'; found 'late'"),
    ({"per_map_scale": 1}, "'per_map_scale' must be true or false"),
    ({"bank_request": {"size": 99}}, "'size' must be a whole number from 1 to 15; found 99"),
    ({"bank_request": {"count": 65}}, "'count' must be a whole number from 1 to 64"),
    ([1, 2], "must be a group of named values"),
])
def test_bad_sections_are_refused_naming_the_field(section, words):
    with pytest.raises(ValueError) as info:
        features_from_section(section)
    assert words in str(info.value)


def test_unknown_fields_are_warnings_and_the_command_line_form_works():
    _, _, notes = features_from_section({"glow": 1, "bank_request": {"sparkle": 2}})
    assert notes == ["Feature maps: the setting 'glow' is unknown to this convlab and was ignored.",
                     "Feature maps, bank choice: the setting 'sparkle' is unknown to this convlab and was ignored."]
    assert parse_assignment(FeatureParams(), "activation=tanh").activation == "tanh"
    with pytest.raises(ValueError, match="'pool_size' must be a whole number from 1 to 8"):
        parse_assignment(FeatureParams(), "pool_size=0")
