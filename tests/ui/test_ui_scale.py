"""The old scaling walker (convlab.ui.ui_scale), for the widgets and plots that do not follow the theme yet.

Delete this file together with ui_scale.py once every panel follows convlab.ui.theme."""
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFont

from convlab.ui.theme import Theme
from convlab.ui.ui_scale import apply_ui_scale, scale_scene


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    return widget


def test_a_pen_changed_later_becomes_the_new_base(plot):
    curve = plot.plot([0, 1], [0, 1], pen=pg.mkPen("#123456", width=2))
    apply_ui_scale(plot, 2.0)
    assert pg.mkPen(curve.opts["pen"]).widthF() == 4
    curve.setPen(pg.mkPen("#123456", width=3))  # what a panel does while scaled
    apply_ui_scale(plot, 2.0)
    assert pg.mkPen(curve.opts["pen"]).widthF() == 6
    apply_ui_scale(plot, 2.0)  # idempotent
    assert pg.mkPen(curve.opts["pen"]).widthF() == 6
    apply_ui_scale(plot, 1.0)
    assert pg.mkPen(curve.opts["pen"]).widthF() == 3


def test_a_title_set_again_and_a_new_label_are_scaled_by_the_next_pass_of_their_scene(plot):
    item = plot.getPlotItem()
    item.setTitle("a title", size="12pt")
    apply_ui_scale(plot, 1.5)
    assert item.titleLabel.opts["size"] == "18pt"
    item.setTitle("a title set again", size="12pt", color="#111111")
    label = pg.TextItem("a new label")
    label.setFont(QFont("Sans", 10))
    item.addItem(label)
    scale_scene(plot.scene(), 1.5, 1.5)
    assert item.titleLabel.opts["size"] == "18pt"
    assert label.textItem.font().pointSizeF() == pytest.approx(15.0)
    apply_ui_scale(plot, 1.0)
    assert item.titleLabel.opts["size"] == "12pt" and label.textItem.font().pointSizeF() == pytest.approx(10.0)


def test_a_themed_plot_is_left_to_the_theme(plot):
    theme = Theme()
    theme.style_plot(plot)
    curve = plot.plot([0, 1], [0, 1], pen=theme.pen("#123456", 2))
    assert apply_ui_scale(plot, 2.0) == 0
    assert pg.mkPen(curve.opts["pen"]).widthF() == 2
    assert plot.getPlotItem().getAxis("bottom").style["tickFont"].pointSizeF() == 11
