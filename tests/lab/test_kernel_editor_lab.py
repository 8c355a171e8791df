"""The kernel editor without Qt: settings -> kernel -> preview and its explanations, against the engine."""
import numpy as np
import pytest

from convlab.engine.block import prepare_input, shrink_to
from convlab.engine.conv import convolve2d, correlate2d
from convlab.engine.kernels import gabor_kernel, preset_kernel
from convlab.lab.kernel_bank import MAX_ABS_WEIGHT
from convlab.lab.kernel_editor import (
    PresetSettings,
    PreviewSettings,
    comparison_sentence,
    compute_preview,
    edit_kernel,
    editor_from_section,
    editor_section,
    preview_gray,
    product_caption,
    view_titles,
)
from convlab.lab.settings import parse_assignment

RNG = np.random.default_rng(1)
GRAY = RNG.random((30, 40)).astype(np.float32)
ASYMMETRIC = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, -0.5]])


@pytest.mark.parametrize("operation, function", [("correlation", correlate2d), ("convolution", convolve2d)])
def test_the_preview_is_the_operation_divided_plus_offset_then_relu(operation, function):
    settings = PreviewSettings(operation=operation, boundary="wrap", stride=2, dilation=2, divisor=4.0, offset=-0.25)
    result = compute_preview(GRAY, ASYMMETRIC, settings)
    options = dict(boundary="wrap", stride=2, dilation=2)
    expected = function(GRAY, ASYMMETRIC.astype(np.float32), **options) / 4 - 0.25
    np.testing.assert_allclose(result.output, expected, atol=1e-6)
    np.testing.assert_allclose(result.relu, np.maximum(expected, 0), atol=1e-6)
    difference = (convolve2d(GRAY, ASYMMETRIC.astype(np.float32), **options)
                  - correlate2d(GRAY, ASYMMETRIC.astype(np.float32), **options)) / 4
    np.testing.assert_allclose(result.difference, difference, atol=1e-6)


def test_weights_too_large_for_float32_sums_are_refused():
    with pytest.raises(ValueError, match="larger than 1e"):
        compute_preview(GRAY, np.full((3, 3), 10 * MAX_ABS_WEIGHT), PreviewSettings())


def test_the_preview_picture_is_the_shrunk_gray_frame():
    frame = RNG.integers(0, 256, (600, 800, 3), dtype=np.uint8)
    gray = preview_gray(frame)
    assert gray.shape == (300, 400) and gray.dtype == np.float32
    np.testing.assert_allclose(gray, prepare_input(shrink_to(frame, 480), "gray"), atol=0.5 / 255 + 1e-6)
    small = RNG.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    np.testing.assert_array_equal(preview_gray(small), prepare_input(small, "gray"))


def test_presets_gabor_values_and_what_a_change_leads_to():
    assert PresetSettings(preset="laplacian", preset_size=5).preset_kernel()[0] == "laplacian"
    np.testing.assert_array_equal(PresetSettings(preset="box", preset_size=5).preset_kernel()[1],
                                  preset_kernel("box", 5))
    gabor = PresetSettings(preset="gabor", preset_size=7, gabor_orientation=30.0, gabor_frequency=0.2,
                           gabor_sigma=2.0)
    name, kernel = gabor.preset_kernel()
    assert name == "gabor 30°"
    np.testing.assert_allclose(kernel, gabor_kernel(7, np.deg2rad(30), 0.2, 2.0))
    with pytest.raises(ValueError, match="odd"):
        PresetSettings(preset="laplacian", preset_size=4).preset_kernel()
    moved = PresetSettings(gabor_frequency=0.3).changed_from(PresetSettings())
    assert moved.preset == "gabor"
    assert PresetSettings(preset_size=5).changed_from(PresetSettings()).preset == "sobel_x"
    assert PresetSettings(gabor_sigma=1.234).settled().gabor_sigma == 1.2  # the slider's step
    assert not PresetSettings(random_seed=3).shapes_kernel(PresetSettings())
    assert PresetSettings(preset_size=5).shapes_kernel(PresetSettings())


@pytest.mark.parametrize("action, expected", [("rotate", np.rot90), ("transpose", np.transpose),
                                              ("flip_h", np.fliplr), ("flip_v", np.flipud)])
def test_edit_actions_match_numpy(action, expected):
    k = RNG.standard_normal((3, 4))
    done = edit_kernel(action, k)
    np.testing.assert_array_equal(done.kernel, expected(k))
    assert done.error == "" and done.note.endswith(": done")


def test_normalise_and_random_fill():
    assert edit_kernel("normalise", np.ones((2, 2))).kernel.sum() == pytest.approx(1)
    zero_sum = edit_kernel("normalise", preset_kernel("sobel_x"))
    assert "sum to 0" in zero_sum.error and np.array_equal(zero_sum.kernel, preset_kernel("sobel_x"))
    random = edit_kernel("random", np.zeros((3, 3)), seed=3)
    assert abs(random.kernel.sum()) < 1e-12 and np.isclose((random.kernel ** 2).sum(), 1)
    assert random.note == "Random weights with seed 3"
    assert edit_kernel("random", np.zeros((1, 1))).kernel is None  # one weight cannot have zero mean and norm 1


def test_sentences_and_captions():
    result = compute_preview(GRAY, ASYMMETRIC, PreviewSettings(operation="convolution", divisor=2.0))
    assert "differ by up to" in comparison_sentence(result)
    assert product_caption(result, 3, 4).startswith("convolution at (row 3, col 4) with the kernel rotated by 180°;"
                                                    " ÷ 2 + 0 gives")
    assert view_titles(result)["output"] == "output: convolution ÷ 2 + 0 (30 x 40)"
    same = compute_preview(GRAY, preset_kernel("gaussian", 5), PreviewSettings())
    assert "same output" in comparison_sentence(same)
    sobel = compute_preview(GRAY, preset_kernel("sobel_x"), PreviewSettings())
    assert "flips the sign of every edge response" in comparison_sentence(sobel)
    empty = compute_preview(GRAY[:2, :2], np.ones((5, 5)), PreviewSettings(mode="valid"))
    assert comparison_sentence(empty).startswith("The output is empty")


def test_lesson_sections_round_trip_through_the_declarations():
    presets, preview = PresetSettings(preset="gabor", gabor_orientation=45.0), PreviewSettings(divisor=9.0)
    section = editor_section(presets, preview, ASYMMETRIC, "up")
    assert section["kernel"] == ASYMMETRIC.tolist() and section["gabor_orientation"] == 45.0
    parsed, notes = editor_from_section(section)
    assert (parsed.presets, parsed.preview, parsed.name, notes) == (presets, preview, "up", [])
    np.testing.assert_array_equal(parsed.kernel, ASYMMETRIC)
    parsed, _ = editor_from_section({"gabor_frequency": 0.234})
    assert parsed.presets.gabor_frequency == 0.23 and parsed.kernel is None and parsed.name is None


@pytest.mark.parametrize("section, words", [
    ({"divisor": 0}, "'divisor' must be a finite number from -1e+30 to 1e+30, not 0; found 0"),
    ({"gabor_sigma": 9.0}, "'gabor_sigma' must be a finite number from 0.5 to 8; found 9.0"),
    ({"operation": "both"}, "'operation' must be one of 'correlation', 'convolution'"),
    ({"kernel": [[1.0, 2.0], [3.0]]}, "'kernel': row 2 must be a list of 2 numbers"),
    ({"preset_size": 16}, "'preset_size' must be a whole number from 1 to 15"),
])
def test_bad_sections_are_refused_naming_the_field(section, words):
    with pytest.raises(ValueError) as info:
        editor_from_section(section)
    assert words in str(info.value)


def test_unknown_fields_warn_and_the_command_line_refuses_a_zero_divisor():
    _, notes = editor_from_section({"sparkle": 1})
    assert notes == ["Kernel editor: the setting 'sparkle' is unknown to this convlab and was ignored."]
    assert parse_assignment(PreviewSettings(), "divisor=9").divisor == 9.0
    with pytest.raises(ValueError, match="not 0"):
        parse_assignment(PreviewSettings(), "divisor=0")
