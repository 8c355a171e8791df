"""The CNN block, its explanation of single values, ready-made banks and frame shrinking."""
import subprocess
import sys

import numpy as np
import pytest
from scipy import signal

from convlab.engine.block import cnn_block_stages, match_kernels_to_input, prepare_input, shrink_to
from convlab.engine.explain import explain_value
from convlab.engine.kernel_banks import BANK_CHOICES, make_bank


def test_engine_imports_no_qt():
    code = ("import sys, pkgutil, importlib, convlab.engine as e;"
            "names = [m.name for m in pkgutil.iter_modules(e.__path__)];"
            "[importlib.import_module('convlab.engine.' + n) for n in names];"
            "assert len(names) > 20, names;"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')];"
            "print(bad); sys.exit(1 if bad else 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_prepare_input_gray_uses_luminance_weights():
    rgb = np.zeros((1, 3, 3), np.uint8)
    rgb[0, 0, 0] = rgb[0, 1, 1] = rgb[0, 2, 2] = 255
    gray = prepare_input(rgb, "gray")
    assert gray.dtype == np.float32
    np.testing.assert_allclose(gray[0], [0.299, 0.587, 0.114], rtol=1e-6)
    color = prepare_input(rgb, "color")
    assert color.shape == (1, 3, 3) and color.max() == 1.0
    with pytest.raises(ValueError, match="kind"):
        prepare_input(rgb, "hsv")


def test_prepare_input_gray_stays_in_zero_one():
    """White is exactly 1 (it was 1.0000001 when 1/255 was folded into the weights)."""
    assert prepare_input(np.full((2, 2, 3), 255, np.uint8)).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    levels = np.arange(0, 256, 5, dtype=np.uint8)  # 52**3 colours
    rgb = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 52, 3)
    gray = prepare_input(rgb)
    assert gray.min() >= 0.0 and gray.max() <= 1.0


def test_match_kernels_gray_on_color_gives_channel_mean_response():
    rng = np.random.default_rng(0)
    gray_kernel = rng.normal(size=(1, 3, 3))
    img = rng.random((9, 11, 3)).astype(np.float32)
    stages = cnn_block_stages(img, gray_kernel, activation="identity", pool_kind=None)
    expected = signal.correlate2d(img.mean(axis=2), gray_kernel[0], mode="same")
    np.testing.assert_allclose(stages.conv[0], expected, atol=1e-5)
    assert match_kernels_to_input(np.ones((2, 3, 3, 3)), 0).shape == (2, 3, 3)


@pytest.mark.parametrize("pool_kind", ["max", "avg", "min", "l2"])
def test_block_stages_match_explicit_composition(pool_kind):
    rng = np.random.default_rng(1)
    img = rng.random((13, 10)).astype(np.float32)
    kernels = rng.normal(size=(3, 3, 3))
    s = cnn_block_stages(img, kernels, activation="relu", pool_kind=pool_kind, pool_size=2)
    for k in range(3):
        conv = signal.correlate2d(img, kernels[k], mode="same")
        act = np.maximum(conv, 0)
        windows = act[:12, :10].reshape(6, 2, 5, 2).transpose(0, 2, 1, 3).reshape(6, 5, 4)
        ref = {"max": windows.max(-1), "avg": windows.mean(-1), "min": windows.min(-1),
               "l2": np.sqrt((windows ** 2).sum(-1))}[pool_kind]
        np.testing.assert_allclose(s.conv[k], conv, atol=1e-5)
        np.testing.assert_allclose(s.pooled[k], ref, atol=1e-5)


@pytest.mark.parametrize("mode,stride,dilation", [("same", 1, 1), ("valid", 2, 1), ("full", 1, 2), ("same", 2, 2)])
@pytest.mark.parametrize("stage", ["conv", "activated", "pooled"])
def test_explanation_sum_equals_shown_value(mode, stride, dilation, stage):
    rng = np.random.default_rng(2)
    img = rng.random((17, 15, 3)).astype(np.float32)
    kernels = rng.normal(size=(2, 3, 4))
    kw = dict(mode=mode, stride=stride, dilation=dilation, activation="relu", pool_kind="max", pool_size=2)
    s = cnn_block_stages(img, kernels, **kw)
    kw.pop("activation")
    maps = {"conv": s.conv, "activated": s.activated, "pooled": s.pooled}[stage]
    for (i, j) in [(0, 0), (maps.shape[1] - 1, maps.shape[2] - 1), (maps.shape[1] // 2, 1)]:
        e = explain_value(s, kernels, 1, i, j, stage, **kw)
        assert np.isclose(e.products.sum(), e.total, atol=1e-5)
        assert np.isclose(e.total, s.conv[1][e.conv_index], atol=1e-4)
        assert np.isclose(e.value, maps[1, i, j])
        if stage == "pooled":
            assert np.isclose(e.value, max(s.activated[1][w] for w in e.window))
            assert np.isclose(s.activated[1][e.conv_index], e.value)


def test_explanation_receptive_field_bounds():
    img = np.zeros((10, 10), np.float32)
    s = cnn_block_stages(img, np.ones((1, 3, 3)), pool_kind="max", pool_size=2)
    e = explain_value(s, np.ones((1, 3, 3)), 0, 2, 3, "pooled")
    # pooled (2, 3) covers conv rows 4..5, cols 6..7; each reads one pixel around it
    assert e.rows == (3, 6) and e.cols == (5, 8)


@pytest.mark.parametrize("choice", BANK_CHOICES)
def test_make_bank_shapes_and_finiteness(choice):
    names, kernels = make_bank(choice, size=5, count=12, seed=3)
    assert len(names) == kernels.shape[0] and kernels.shape[1:] == (5, 5)
    assert kernels.dtype == np.float32 and np.all(np.isfinite(kernels))
    assert len(set(names)) == len(names)
    if choice == "gabor":
        assert len(names) == 8
    with pytest.raises(ValueError, match="choice"):
        make_bank("fancy")


def test_shrink_to_box_averages_integer_blocks():
    x = np.arange(4 * 6, dtype=np.uint8).reshape(4, 6)
    y = shrink_to(x, 3)
    assert y.shape == (2, 3)
    assert y[0, 0] == round(np.mean([0, 1, 6, 7]))
    big = np.zeros((1080, 1920, 3), np.uint8)
    assert shrink_to(big, 640).shape == (360, 640, 3)
    assert shrink_to(x, 10) is x
