"""Tests of the reusable widgets: colour maps, FeatureGrid, ImagePanel (ProductView: test_product_view.py; the
theme: test_widgets_theme.py)."""
import sys

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication
from scipy import ndimage
from widget_helpers import SOBEL_X, _settle

from convlab.ui.widgets import (
    FeatureGrid,
    ImagePanel,
    LevelTracker,
    diverging_lut,
    magnitude_levels,
    magnitude_lut,
    symmetric_levels,
)
from convlab.ui.widgets.feature_grid import grid_columns


def _lightness(rgb: np.ndarray) -> np.ndarray:
    """CIE L* of sRGB uint8 colours (N, 3)."""
    c = rgb.astype(np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    y = linear @ np.array([0.2126, 0.7152, 0.0722])
    return np.where(y > (6 / 29) ** 3, 116 * np.cbrt(y) - 16, y * (29 / 3) ** 3)


def _bank(count, rng):
    """``count`` named random 3x3 kernels and their 'same' correlation maps of a random image."""
    kernels = rng.standard_normal((count, 3, 3)).astype(np.float32)
    image = rng.random((24, 32)).astype(np.float32)
    maps = np.stack([ndimage.correlate(image, k, mode="constant") for k in kernels])
    return [f"kernel {n}" for n in range(count)], kernels, maps.astype(np.float32)


# ---- colour maps ----------------------------------------------------------------------------
def test_luts_are_256x3_uint8_and_viridis_matches_pyqtgraph():
    for lut in (magnitude_lut(), diverging_lut()):
        assert lut.shape == (256, 3) and lut.dtype == np.uint8
    viridis = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=False)
    np.testing.assert_array_equal(magnitude_lut(), viridis)
    assert tuple(magnitude_lut()[0]) == (68, 1, 84)  # viridis starts dark purple


def test_diverging_lut_is_blue_white_red_and_symmetric_in_lightness():
    lut = diverging_lut()
    assert lut[0, 2] > lut[0, 0] + 50 and lut[255, 0] > lut[255, 2] + 50
    assert lut[127:129].min() >= 250  # white in the middle
    lightness = _lightness(lut)
    assert np.max(np.abs(lightness - lightness[::-1])) < 6.0
    assert np.all(np.diff(lightness[:128]) >= -0.5)  # monotone towards white


def test_symmetric_and_magnitude_levels_against_numpy():
    rng = np.random.default_rng(0)
    maps = rng.standard_normal((4, 6, 7)) * np.array([1, 2, 3, 4])[:, None, None]
    low, high = symmetric_levels(maps, per_map=False)
    assert high == pytest.approx(np.abs(maps).max()) and low == -high
    per_map = symmetric_levels(maps, per_map=True)
    np.testing.assert_allclose(per_map[:, 1], np.abs(maps).reshape(4, -1).max(axis=1))
    np.testing.assert_array_equal(per_map[:, 0], -per_map[:, 1])
    relu = np.maximum(maps, 0)
    assert magnitude_levels(relu, per_map=False) == (0.0, pytest.approx(relu.max()))
    np.testing.assert_allclose(magnitude_levels(maps, per_map=True),
                               np.stack([maps.reshape(4, -1).min(1), maps.reshape(4, -1).max(1)], 1))
    with pytest.raises(ValueError, match="maps"):
        symmetric_levels(np.zeros(5), per_map=False)


def test_level_tracker_holds_within_25_percent_and_refits_outside():
    tracker = LevelTracker(signed=True, per_map=False)
    first = tracker.update(np.array([[[1.0, -2.0]]]))
    np.testing.assert_allclose(first, [[-2.5, 2.5]])  # peak 2 at 80% of the range
    for peak in (2.4, 1.7, 2.5):  # inside [2.5 / 1.5625, 2.5] = [1.6, 2.5]: no change
        np.testing.assert_allclose(tracker.update(np.array([[[peak]]])), [[-2.5, 2.5]])
    np.testing.assert_allclose(tracker.update(np.array([[[3.0]]])), [[-3.75, 3.75]])  # grew
    np.testing.assert_allclose(tracker.update(np.array([[[-1.0]]])), [[-1.25, 1.25]])  # shrank
    magnitude = LevelTracker(signed=False, per_map=True)
    np.testing.assert_allclose(magnitude.update(np.array([[[0.0, 4.0]], [[1.0, 2.0]]])),
                               [[0.0, 5.0], [0.0, 2.5]])


def test_grid_columns_picks_the_largest_maps():
    assert grid_columns(1, 800, 600, 4 / 3) == 1
    assert grid_columns(16, 800, 800, 1.0) == 4
    assert grid_columns(4, 2000, 300, 1.0) == 4  # a wide panel wants one row
    assert grid_columns(4, 300, 2000, 1.0) == 1  # a tall panel wants one column


# ---- FeatureGrid ----------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 5, 16, 64])
def test_feature_grid_shows_exact_maps_with_symmetric_levels(qtbot, count):
    rng = np.random.default_rng(0)
    names, kernels, maps = _bank(count, rng)
    grid = FeatureGrid()
    _settle(qtbot, grid)
    grid.set_kernels(names, kernels)
    grid.set_maps(maps)
    assert grid.map_count() == count and len(grid.image_items()) == count
    items_in_scene = [i for i in grid._graphics.scene().items() if isinstance(i, pg.ImageItem)]
    assert len(items_in_scene) == 2 * count  # one map and one kernel thumbnail per cell
    for k, item in enumerate(grid.image_items()):
        np.testing.assert_array_equal(item.image, maps[k])
        low, high = item.getLevels()
        assert low == -high and high >= np.abs(maps[k]).max()
    assert grid.column_count() * -(-count // grid.column_count()) >= count


def test_feature_grid_reuses_items_for_same_count_and_rebuilds_otherwise(qtbot):
    rng = np.random.default_rng(0)
    grid = FeatureGrid()
    _settle(qtbot, grid)
    names, kernels, maps = _bank(5, rng)
    grid.set_kernels(names, kernels)
    items = grid.image_items()
    grid.set_kernels([n.upper() for n in names], kernels[::-1])
    assert all(a is b for a, b in zip(items, grid.image_items()))
    assert grid._cells[0].label.text() == "KERNEL 0"
    grid.set_kernels(names[:4], kernels[:4])
    assert grid.map_count() == 4 and not set(map(id, items)) & set(map(id, grid.image_items()))
    with pytest.raises(ValueError, match="maps"):
        grid.set_maps(maps)  # 5 maps for 4 kernels
    with pytest.raises(ValueError, match="names"):
        grid.set_kernels(names, kernels[:4])


def test_feature_grid_color_modes_and_shared_scale(qtbot):
    rng = np.random.default_rng(0)
    names, kernels, maps = _bank(3, rng)
    grid = FeatureGrid()
    _settle(qtbot, grid)
    grid.set_kernels(names, kernels)
    grid.set_color_mode(signed=True, per_map=False)
    grid.set_maps(maps)
    levels = grid.current_levels()
    np.testing.assert_allclose(levels, np.tile([-1.25, 1.25], (3, 1)) * np.abs(maps).max())
    grid.set_color_mode(signed=False, per_map=True)
    grid.set_maps(np.abs(maps))
    np.testing.assert_allclose(grid.current_levels()[:, 0], 0.0)
    np.testing.assert_allclose(grid.current_levels()[:, 1], 1.25 * np.abs(maps).reshape(3, -1).max(1))
    np.testing.assert_array_equal(grid.image_items()[0].lut, magnitude_lut())
    image = grid.grab_map_image(1)
    assert (image.width(), image.height()) == (32, 24)
    low, high = grid.current_levels()[1]
    index = int(np.clip((abs(maps[1, 5, 7]) - low) * 255 / (high - low), 0, 255))
    colour = image.pixelColor(7, 5)
    assert (colour.red(), colour.green(), colour.blue()) == tuple(magnitude_lut()[index])


def _pixel_centre_in_scene(grid, k, i, j) -> QPointF:
    """Scene position of the centre of pixel (i, j) of map k, via the ImageItem's own transform."""
    return grid.image_items()[k].mapToScene(QPointF(j + 0.5, i + 0.5))


def test_feature_grid_hover_and_click_report_map_pixel(qtbot):
    rng = np.random.default_rng(0)
    names, kernels, maps = _bank(5, rng)
    grid = FeatureGrid()
    _settle(qtbot, grid)
    grid.set_kernels(names, kernels)
    grid.set_maps(maps)
    _settle(qtbot, grid)
    scene = grid._graphics.scene()
    for k, i, j in [(0, 0, 0), (3, 12, 20), (4, 23, 31), (2, 5, 0)]:
        with qtbot.waitSignal(grid.pixel_hovered, timeout=1000) as blocker:
            scene.sigMouseMoved.emit(_pixel_centre_in_scene(grid, k, i, j))
        assert blocker.args == [k, i, j]
    viewport = grid._graphics.viewport()
    target = grid._graphics.mapFromScene(_pixel_centre_in_scene(grid, 1, 10, 9))
    with qtbot.waitSignal(grid.pixel_hovered, timeout=1000) as blocker:
        qtbot.mouseMove(viewport, target)
    assert blocker.args == [1, 10, 9]
    with qtbot.waitSignal(grid.pixel_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=target)
    assert blocker.args == [1, 10, 9]


def test_feature_grid_marker_sits_on_the_requested_pixel_only(qtbot):
    rng = np.random.default_rng(0)
    names, kernels, maps = _bank(4, rng)
    grid = FeatureGrid()
    _settle(qtbot, grid)
    grid.set_kernels(names, kernels)
    grid.set_maps(maps)
    grid.set_marker(2, 7, 11)
    assert grid.marker() == (2, 7, 11)
    for k, cell in enumerate(grid._cells):
        x, y = cell.markers[0].getData()
        if k == 2:
            point = cell.view.mapViewToScene(QPointF(x[0], y[0]))
            assert grid._pick(point) == (2, 7, 11)
        else:
            assert len(x) == 0
    grid.clear_marker()
    assert grid.marker() is None and len(grid._cells[2].markers[0].getData()[0]) == 0
    with pytest.raises(ValueError, match="k must be"):
        grid.set_marker(4, 0, 0)


def test_feature_grid_rearranges_on_resize_and_keeps_square_pixels(qtbot):
    rng = np.random.default_rng(0)
    names, kernels, maps = _bank(6, rng)
    grid = FeatureGrid()
    _settle(qtbot, grid, size=(1200, 300))
    grid.set_kernels([n * 8 for n in names], kernels)  # long names must not widen the cells
    grid.set_maps(maps)
    _settle(qtbot, grid, size=(1200, 300))
    assert grid.column_count() == 6
    items = grid.image_items()
    _settle(qtbot, grid, size=(400, 1000))
    assert grid.column_count() == 2 and all(a is b for a, b in zip(items, grid.image_items()))
    for item in items:
        rect = item.sceneBoundingRect()
        assert rect.width() / 32 == pytest.approx(rect.height() / 24, rel=0.02)  # square pixels
        assert rect.width() > 100  # the maps fill their cells, not a corner of them
    assert all(view.sceneBoundingRect().right() <= 401 for view in grid.view_boxes())
    label = grid._cells[0].label
    assert label.text() == names[0] * 8 and label.shown_text().endswith("\u2026")
    hit = grid._pick(_pixel_centre_in_scene(grid, 5, 23, 0))
    assert hit == (5, 23, 0)


def test_feature_grid_label_text_is_rendered_dark(qtbot):
    assert QFontInfo(QApplication.font()).family()
    grid = FeatureGrid()
    _settle(qtbot, grid, size=(400, 300))
    grid.set_kernels(["sobel x"], SOBEL_X[None])
    grid.set_maps(np.zeros((1, 20, 30), np.float32))
    _settle(qtbot, grid, size=(400, 300))
    label = grid._cells[0].label
    rect = grid._graphics.mapFromScene(label.sceneBoundingRect()).boundingRect()
    pixels = grid.grab(rect).toImage()
    gray = np.array([[pixels.pixelColor(x, y).lightness() for x in range(pixels.width())]
                     for y in range(pixels.height())])
    assert (gray < 80).sum() > 40  # glyphs, not an empty box
    assert (gray > 200).sum() > 40  # on a light background


def test_signal_emits_do_not_leak_true_references(qtbot):
    grid = FeatureGrid()
    qtbot.addWidget(grid)
    before = sys.getrefcount(True)
    for n in range(10_000):
        grid.pixel_hovered.emit(0, n, n)
    assert abs(sys.getrefcount(True) - before) < 100


# ---- ImagePanel -----------------------------------------------------------------------------
def test_image_panel_outline_bounds_and_taps(qtbot):
    panel = ImagePanel()
    _settle(qtbot, panel, size=(500, 400))
    rgb = np.random.default_rng(0).integers(0, 256, (40, 60, 3), dtype=np.uint8)
    panel.set_image(rgb)
    np.testing.assert_array_equal(panel.image_item.image, rgb)
    assert panel.image_item.getLevels() is None
    panel.set_outline((-1, -1, 1, 1))  # 3x3 at the corner, partly in the padding
    assert panel.outline_bounds() == (-1, -1, 1, 1)
    rect = panel._outline[0].rect()
    assert (rect.left(), rect.top(), rect.width(), rect.height()) == (-1, -1, 3, 3)
    taps = np.array([(r, c) for r in (10, 12, 14) for c in (20, 22, 24)])
    panel.set_outline(taps, show_taps=True)  # dilation 2
    assert panel.outline_bounds() == (10, 20, 14, 24)
    np.testing.assert_array_equal(panel.tap_positions(), taps)
    panel.clear_outline()
    assert panel.outline_bounds() is None and len(panel.tap_positions()) == 0
    with pytest.raises(ValueError, match="rows_cols"):
        panel.set_outline((3, 3, 1, 1))


def test_image_panel_float_levels_and_hover(qtbot):
    panel = ImagePanel()
    _settle(qtbot, panel, size=(500, 400))
    gray = np.random.default_rng(0).random((30, 50)).astype(np.float32)
    panel.set_image(gray, levels=(0.0, 1.0))
    np.testing.assert_array_equal(panel.image_item.getLevels(), (0.0, 1.0))
    _settle(qtbot, panel, size=(500, 400))
    scene_point = panel.image_item.mapToScene(QPointF(17.5, 4.5))
    with qtbot.waitSignal(panel.pixel_hovered, timeout=1000) as blocker:
        panel._graphics.scene().sigMouseMoved.emit(scene_point)
    assert blocker.args == [4, 17]
    target = panel._graphics.mapFromScene(panel.image_item.mapToScene(QPointF(3.5, 29.5)))
    with qtbot.waitSignal(panel.pixel_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(panel._graphics.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert blocker.args == [29, 3]
    with pytest.raises(ValueError, match="image"):
        panel.set_image(np.zeros((4, 4, 2)))
