"""ProductView: the numbers behind one output pixel, their fit to the view, and the theme's scale."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication
from widget_helpers import SOBEL_X, _settle

from convlab.ui.widgets import ProductView
from convlab.ui.widgets.product_view import format_value


def test_format_value_uses_two_or_three_significant_digits():
    assert format_value(0.73412) == "0.734"
    assert format_value(-12.345) == "-12.3"
    assert format_value(203.4, 2) == "203"
    assert format_value(0.0) == "0"
    assert format_value(-0.000781) == "-7.81e-4"
    assert format_value(0.05678, 2) == "0.057"


def test_product_view_shows_the_numbers_and_the_sum(qtbot):
    view = ProductView()
    _settle(qtbot, view, size=(1000, 320))
    rng = np.random.default_rng(0)
    patch = rng.random((3, 3))
    products = patch * SOBEL_X
    total = float(products.sum())
    view.show_products(patch, SOBEL_X, products, total, "feature map value at (k=3, row 12, col 40)")
    assert view.cell_texts("patch") == [[format_value(v) for v in row] for row in patch]
    assert view.cell_texts("kernel")[1] == ["-2", "0", "2"]
    assert view.cell_texts("products") == [[format_value(v) for v in row] for row in products]
    assert format_value(total, 4) in view.caption_text()
    assert view.caption_text().endswith("feature map value at (k=3, row 12, col 40)")
    with pytest.raises(ValueError, match="products"):
        view.show_products(patch, SOBEL_X, products[:2], total, "")


def test_product_view_sums_rgb_products_over_channels_and_handles_big_kernels(qtbot):
    view = ProductView()
    _settle(qtbot, view, size=(1200, 500))
    rng = np.random.default_rng(0)
    patch, kernel = rng.random((9, 9, 3)), rng.standard_normal((9, 9, 3))
    products = patch * kernel
    view.show_products(patch, kernel, products, float(products.sum()), "")
    summed = products.sum(axis=2)
    assert view.cell_texts("products") == [[format_value(v, 2) for v in row] for row in summed]
    assert view.cell_texts("kernel")[0][0] == format_value(kernel[0, 0].mean(), 2)
    assert "summed over the 3 channels" in view._note.text()
    big = rng.random((17, 17))
    view.show_products(big, big, big * big, 1.5, "")
    assert view.cell_texts("products") == [] and "too large" in view._note.text()
    view.clear()
    assert view.cell_texts("kernel") == []


def _grid_extents(view):
    """(right edge in the scroll viewport, item font points) of each number grid."""
    viewport = view._scroll.viewport()
    out = {}
    for name, grid in view._grids.items():
        right = grid.mapTo(viewport, QPoint(grid.width(), 0)).x()
        out[name] = (right, grid.item(0, 0).font().pointSizeF())
    return out


def test_product_numbers_follow_the_ui_scale_and_stay_inside_the_width(qtbot):
    """Presentation mode scales the numbers (not only the titles); a later update keeps that size, and
    the old scaling pass leaves it alone; a narrow view puts the products under the kernel or shrinks
    the numbers, never pushes a grid out of sight to the right."""
    from theme_helpers import not_themed

    from convlab.ui.theme import theme

    view = ProductView()
    _settle(qtbot, view, size=(1000, 420))
    patch = np.full((3, 3), 0.505)
    view.show_products(patch, SOBEL_X, patch * SOBEL_X, 0.0, "")
    normal = _grid_extents(view)["patch"][1]
    assert view.arrangement() == "row" and view.shrink() == 1.0
    try:
        theme().set_scale(1.5)
        QApplication.processEvents()
        assert _grid_extents(view)["patch"][1] == pytest.approx(1.5 * normal, abs=0.15)
        view.show_products(patch, SOBEL_X, patch * SOBEL_X, 0.0, "")
        assert not_themed(view) == []  # everything in it follows the theme already
        assert _grid_extents(view)["kernel"][1] == pytest.approx(1.5 * normal, abs=0.15)
        assert view._caption.font().pointSizeF() == 21 and view._titles["kernel"].font().pointSizeF() == 19.5
        view.resize(520, 420)
        for _ in range(3):
            QApplication.processEvents()
        view.show_products(patch, SOBEL_X, patch * SOBEL_X, 0.0, "")
        QApplication.processEvents()
        extents = _grid_extents(view)
        assert view.arrangement() in ("two rows", "row")
        assert view.arrangement() == "two rows" or view.shrink() < 1.0
        assert max(right for right, _ in extents.values()) <= view._scroll.viewport().width()
        assert min(points for _, points in extents.values()) >= 0.6 * 1.5 * normal - 0.15
    finally:
        theme().set_scale(1.0)
    QApplication.processEvents()
    assert view._caption.font().pointSizeF() == 14
    view.resize(1000, 420)
    for _ in range(3):
        QApplication.processEvents()
    assert _grid_extents(view)["patch"][1] == pytest.approx(normal, abs=0.15)
    assert view.arrangement() == "row"


def test_product_view_shrinks_to_the_height_too_instead_of_hiding_the_products_below(qtbot):
    """A wide but low view (a 720-line projector): 5x5 grids at full size fit the width only in two
    rows, which would need scrolling, so the numbers shrink until patch x kernel = products fit
    without a scroll bar."""
    view = ProductView()
    _settle(qtbot, view, size=(980, 380))
    rng = np.random.default_rng(0)
    patch, kernel = rng.random((5, 5)), rng.normal(size=(5, 5))
    view.show_products(patch, kernel, patch * kernel, 0.0, "")
    for _ in range(3):
        QApplication.processEvents()
    assert view.arrangement() in ("row", "two rows") and 0.6 <= view.shrink() < 1.0
    assert view._table.sizeHint().height() <= view._scroll.viewport().height()
    assert not view._scroll.verticalScrollBar().isVisible()
    assert max(right for right, _ in _grid_extents(view).values()) <= view._scroll.viewport().width()
