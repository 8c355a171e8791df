"""The translation panel's lab modules without Qt: settings -> computed results, against the engine."""
import dataclasses
import time

import numpy as np
import pytest
from scipy import signal

from convlab.engine.blurpool import BLUR_FILTERS, pool_windows
from convlab.engine.invariance import border_band, shift_curves
from convlab.engine.pooling import POOL_KINDS, pool1d
from convlab.engine.rotation_invariance import orientation_pooling, rotate_image, rotated_bank
from convlab.engine.shift import translate
from convlab.lab.pooling_figure import (
    FigureSettings,
    figure_diagram,
    figure_section,
    figure_settings_from_section,
    parse_values,
    pool_windows_1d,
)
from convlab.lab.rotation import (
    BUILT_IN_KERNEL,
    RotationCompute,
    RotationJob,
    RotationSettings,
    built_in_kernel,
    input_image,
    rotation_settings_from_section,
)
from convlab.lab.settings import as_section, parse_assignment, setting_fields
from convlab.lab.translation import (
    ImageModeCompute,
    ShiftJob,
    ShiftSettings,
    choose_kernel,
    image_settings_from_section,
    measure_texts,
    prepare_gray,
)
from convlab.sources.base import Frame

LAPLACIAN = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]], np.float32)


def frame(seed=0, shape=(60, 84)):
    rng = np.random.default_rng(seed)
    return Frame(rng.integers(0, 256, shape + (3,), dtype=np.uint8), 1, time.perf_counter())


# ---- image mode ----------------------------------------------------------------------------------
def test_shift_settings_declare_the_widgets_names_ranges_and_choices():
    declared = {name: meta for name, meta, _ in setting_fields(ShiftSettings)}
    assert list(declared) == ["dx", "dy", "boundary", "kernel_name", "pool_kind", "pool_size", "pool_stride",
                              "antialias", "blur_filter", "compare"]
    assert (declared["dx"].low, declared["dx"].high, declared["dx"].label) == (-32, 32, "Horizontal")
    assert declared["boundary"].choices == ("fill", "wrap") and declared["pool_kind"].choices == POOL_KINDS
    assert declared["blur_filter"].choices == tuple(BLUR_FILTERS)
    assert ShiftSettings().inactive() == {"blur_filter"} and ShiftSettings(antialias=True).inactive() == set()
    assert ShiftSettings(dx=40, dy=-33).settled() == ShiftSettings(dx=32, dy=-32)


def test_the_image_mode_computes_what_the_engine_says():
    settings = ShiftSettings(dx=9, dy=-6, boundary="fill", kernel_name="laplacian", pool_size=2, pool_stride=2)
    result = ImageModeCompute()(ShiftJob(frame(), settings, LAPLACIAN))
    image = prepare_gray(frame().image, 2)
    np.testing.assert_array_equal(result.image, image)
    conv_shift = signal.correlate2d(translate(image, -6, 9), LAPLACIAN, mode="same")
    shift_conv = translate(signal.correlate2d(image, LAPLACIAN, mode="same"), -6, 9)
    np.testing.assert_allclose(result.check.conv_of_shifted, conv_shift, atol=1e-5)
    np.testing.assert_allclose(result.check.shifted_conv, shift_conv, atol=1e-5)
    assert not result.check.difference[~border_band(image.shape, LAPLACIAN.shape, -6, 9)].any()
    np.testing.assert_array_equal(result.change.pooled, pool_windows(result.conv_x, 2, 2, "max", "fill"))
    expected = shift_curves(image, LAPLACIAN, pool_strides=(1, 2, 4), pool_size=2, kind="max", boundary="fill")
    for stride in (1, 2, 4):
        np.testing.assert_allclose(result.curves[stride].cosine, expected[stride].cosine)
    assert result.curves_blur is None


def test_wrap_is_exactly_equivariant_and_a_stride_multiple_moved_is_exactly_invariant():
    compute = ImageModeCompute()
    settings = ShiftSettings(dx=4, dy=0, boundary="wrap", compare="moved")
    result = compute(ShiftJob(frame(1), settings, LAPLACIAN))
    assert result.check.max_abs == 0.0 and result.change.fraction_unchanged == 1.0 and result.offset == (0, 2)
    blurred = compute(ShiftJob(frame(1), dataclasses.replace(settings, antialias=True), LAPLACIAN))
    assert set(blurred.curves_blur) == {1, 2, 4}


def test_the_shift_curves_are_kept_while_only_the_shift_changes():
    compute, still = ImageModeCompute(), frame(2)
    first = compute(ShiftJob(still, ShiftSettings(dx=1), LAPLACIAN))
    second = compute(ShiftJob(still, ShiftSettings(dx=5), LAPLACIAN))
    assert second.curves is first.curves and not second.curves_stale
    third = compute(ShiftJob(still, ShiftSettings(dx=5, pool_size=3), LAPLACIAN))
    assert third.curves is not first.curves


def test_kernel_choice_and_lesson_sections():
    assert choose_kernel(["a", "sobel_x"], "b") == "sobel_x"
    assert choose_kernel(["a", "b"], "b", wanted="a") == "a" and choose_kernel([], "b") == ""
    settings, warnings = image_settings_from_section({"dx": -3, "pool_kind": "avg", "extra": 1}, "Translation")
    assert settings == ShiftSettings(dx=-3, pool_kind="avg") and len(warnings) == 1 and "extra" in warnings[0]
    for bad, field in (({"dx": 40}, "dx"), ({"boundary": "symm"}, "boundary"), ({"antialias": 1}, "antialias"),
                       ({"kernel_name": "k" * 201}, "kernel_name")):
        with pytest.raises(ValueError, match=field):
            image_settings_from_section(bad, "Translation")
    assert parse_assignment(ShiftSettings(), "dx=-32").dx == -32
    assert as_section(ShiftSettings(kernel_name="gaussian"))["kernel_name"] == "gaussian"


def test_measure_texts():
    texts = measure_texts(1.25, "fill", 0.047, 0.72621)
    assert texts["conv"].endswith("= 1.25, only in the outlined border band")
    assert texts["pooled"] == "pooled units unchanged: 4.7 %"
    assert texts["cosine"] == "cosine similarity of the pooled maps: 0.7262"
    assert measure_texts(0.0, "wrap", 1.0, 1.0)["conv"].endswith("(exactly zero)")


# ---- 1-D figure ----------------------------------------------------------------------------------
def test_the_lecture_figure():
    diagram = figure_diagram(FigureSettings())
    assert diagram.rows[("after", "detector")].tolist() == [0.3, 0.1, 1.0, 0.2]
    assert diagram.rows[("before", "pooled")].tolist() == pool1d([0.1, 1, 0.2, 0.1], 3, 1, "max",
                                                                  padding="same").tolist()
    assert diagram.changed["pooled"].tolist() == [True, False, False, True]
    assert diagram.summary(hidden=True).endswith("and ? (predict, then reveal) pooled values (orange).")
    assert pool_windows_1d(8, 2, 2) == [(0.5, [0, 1]), (2.5, [2, 3]), (4.5, [4, 5]), (6.5, [6, 7])]


def test_figure_settings_and_their_lesson_section():
    assert FigureSettings(values=[1, 2]).values == (1.0, 2.0)
    settings, warnings = figure_settings_from_section({"values": [0, 1], "entering": -2, "predict": True}, "T")
    assert settings == FigureSettings(values=(0.0, 1.0), entering=-2.0, predict=True) and warnings == []
    assert figure_section(settings) == {"values": [0.0, 1.0], "entering": -2.0, "width": 3, "stride": 1,
                                        "predict": True}
    for bad in ({"values": []}, {"values": [1] * 13}, {"entering": float("nan")}, {"width": 8}, {"stride": 0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            figure_settings_from_section(bad, "T")
    with pytest.raises(ValueError, match="not a number"):
        parse_values("1, x")


# ---- rotation ------------------------------------------------------------------------------------
def test_rotation_compute_matches_the_engine_and_keeps_the_sweep_for_a_new_angle():
    compute = RotationCompute()
    settings = RotationSettings(angle=45, orientations=4)
    result = compute(RotationJob(settings, built_in_kernel()))
    orientations, bank = rotated_bank(built_in_kernel(), 4, 180.0)
    np.testing.assert_allclose(result.sweep.rotated_kernels, bank)
    assert result.sweep.angles.tolist() == list(range(0, 361, 5))
    responses, pooled = orientation_pooling(rotate_image(input_image("bar"), 45.0), bank)
    np.testing.assert_allclose(result.view.responses, responses)
    np.testing.assert_allclose(result.view.pooled, pooled)
    again = compute(RotationJob(dataclasses.replace(settings, angle=90), built_in_kernel()))
    assert again.sweep is result.sweep and again.view.angle == 90.0
    digit = compute(RotationJob(dataclasses.replace(settings, input="digit 3"), built_in_kernel()))
    assert digit.sweep is not result.sweep and digit.sweep.image.shape == (72, 72)


def test_rotation_lesson_section():
    assert as_section(RotationSettings()) == {"angle": 30, "input": "bar", "kernel": BUILT_IN_KERNEL,
                                              "orientations": 8, "span": 180.0}
    settings, _ = rotation_settings_from_section({"span": 360, "kernel": "laplacian"}, "T")
    assert (settings.span, settings.kernel) == (360.0, "laplacian")
    for bad, field in (({"span": 90}, "span"), ({"input": "digit 12"}, "input"), ({"orientations": 1}, "orientations"),
                       ({"angle": 361}, "angle"), ({"kernel": " "}, "kernel"), ({"span": True}, "span")):
        with pytest.raises(ValueError, match=field):
            rotation_settings_from_section(bad, "T")
