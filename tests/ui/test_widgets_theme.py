"""The widgets follow the theme: fonts x the font scale, lines and markers x the line scale, and the old
scaling pass (convlab.ui.ui_scale) finds nothing left to do in them."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from widget_helpers import SOBEL_X, _settle

from convlab.ui.widgets import FeatureGrid, ImagePanel


@pytest.fixture
def scale_two():
    """The theme at 2x fonts and 3x lines for the test, then back to 1."""
    from convlab.ui.theme import theme

    def set_scale(font=2.0, lines=3.0):
        theme().set_scale(font, lines)
        QApplication.processEvents()

    yield set_scale
    theme().set_scale(1.0)


def _nothing_left_for_the_old_pass(widget):
    from theme_helpers import not_themed

    return not_themed(widget) == []


def test_feature_grid_labels_and_marker_follow_the_theme_without_restyling_per_frame(qtbot, scale_two):
    grid = FeatureGrid()
    _settle(qtbot, grid, size=(500, 400))
    names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r"]
    grid.set_kernels(names, np.stack([SOBEL_X] * len(names)))  # 17..36 maps: labels 10 pt
    grid.set_maps(np.zeros((len(names), 20, 30), np.float32))
    grid.set_marker(2, 3, 4)
    cell = grid._cells[2]
    before = (cell.label.font_points(), cell.markers[0].opts["size"], cell.markers[0].opts["pen"].widthF())
    assert before == (10.0, 14, 4)
    scale_two()
    assert (cell.label.font_points(), cell.markers[0].opts["size"], cell.markers[0].opts["pen"].widthF()) == \
        (20.0, 42, 4)  # the marker grows, its outline keeps its width (as the old scaling pass did)
    assert cell.thumb.border.widthF() == 3 and cell.view.border.widthF() == 3 and _nothing_left_for_the_old_pass(grid)
    grid.set_maps(np.ones((len(names), 20, 30), np.float32))  # a new frame keeps the sizes
    assert cell.label.font_points() == 20.0 and grid.marker() == (2, 3, 4)
    scale_two(1.0, 1.0)
    assert (cell.label.font_points(), cell.markers[0].opts["size"], cell.markers[0].opts["pen"].widthF()) == before


def test_image_panel_outline_and_taps_follow_the_theme(qtbot, scale_two):
    panel = ImagePanel()
    _settle(qtbot, panel, size=(300, 200))
    panel.set_image(np.zeros((20, 30), np.uint8))
    panel.set_outline(np.array([[1, 1], [1, 3]]), show_taps=True)
    widths = [item.pen().widthF() for item in panel._outline]
    assert widths == [5, 2.5] and panel._taps.opts["size"] == 9
    scale_two()
    assert [item.pen().widthF() for item in panel._outline] == [15, 7.5] and panel._taps.opts["size"] == 27
    assert panel._taps.opts["pen"].widthF() == 1.5
    assert panel._image_border.pen().style() == Qt.PenStyle.DashLine and _nothing_left_for_the_old_pass(panel)
    scale_two(1.0, 1.0)
    assert [item.pen().widthF() for item in panel._outline] == widths


def test_kernel_table_cells_follow_the_theme_and_keep_refused_cells(qtbot, scale_two):
    from convlab.ui.widgets.kernel_table import KernelTable

    table = KernelTable()
    _settle(qtbot, table, size=(400, 300))
    table.table.item(0, 0).setText("abc")  # refused: stays red across the scale change
    assert table.table.item(1, 1).font().pointSizeF() == 14
    scale_two()
    assert table.table.item(1, 1).font().pointSizeF() == 28 and table.invalid_cells() == [(0, 0)]
    assert table.error_label.isVisible() and _nothing_left_for_the_old_pass(table)
    scale_two(1.0, 1.0)
    assert table.table.item(1, 1).font().pointSizeF() == 14


def test_kernel_draw_title_axes_and_lines_follow_the_theme(qtbot, scale_two):
    from convlab.ui.widgets.kernel_draw import KernelDraw

    draw = KernelDraw()
    _settle(qtbot, draw, size=(400, 300))
    item = draw.getPlotItem()
    assert item.titleLabel.opts["size"] == "12pt" and item.getAxis("left").style["tickFont"].pointSizeF() == 11
    assert draw.zero_line.pen.widthF() == 2
    scale_two()
    assert item.titleLabel.opts["size"] == "24pt" and item.getAxis("left").labelStyle["font-size"] == "24pt"
    assert draw.zero_line.pen.widthF() == 6 and _nothing_left_for_the_old_pass(draw)
    scale_two(1.0, 1.0)
    assert item.titleLabel.opts["size"] == "12pt" and draw.zero_line.pen.widthF() == 2
