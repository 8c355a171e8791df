"""The theme: font roles and line widths from one scale; what follows it re-styles itself on a change."""
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QLabel

from convlab.ui.theme import ROLE_POINTS, THEMED, Theme


def test_roles_and_pens_scale_with_one_number(qtbot):
    t = Theme()
    assert t.points("note") == ROLE_POINTS["note"] == 13.0
    assert t.pen("#123456", 2).widthF() == 2
    with qtbot.waitSignal(t.changed):
        t.set_scale(1.5, 2.25)
    assert t.points("note") == 19.5 and t.font("title", bold=True).pointSizeF() == 22.5
    assert t.css("small", colour="#c0392b") == "font-size: 16.5pt; color: #c0392b;"
    assert t.pen("#123456", 2).widthF() == 4.5 and t.marker(8) == 18
    with qtbot.assertNotEmitted(t.changed):
        t.set_scale(1.5, 2.25)


def test_followers_restyle_on_a_change_and_the_old_walker_leaves_them_alone(qtbot):
    t = Theme()
    label = QLabel("a note")
    qtbot.addWidget(label)
    t.label(label, "note", bold=True)
    assert label.property(THEMED) and "font-size: 13pt;" in label.styleSheet()
    t.set_scale(2.0)
    assert "font-size: 26pt;" in label.styleSheet()
    t.set_scale(1.0)
    assert label.styleSheet() == "font-size: 13pt; font-weight: bold;"


def test_a_styled_plot_keeps_its_title_and_axes_in_step(qtbot):
    t = Theme()
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    t.style_plot(plot)
    t.set_title(plot, "the kernel w(a)")
    item = plot.getPlotItem()
    assert item.titleLabel.opts["size"] == "15pt" and item.getAxis("bottom").style["tickFont"].pointSizeF() == 11
    t.set_scale(2.0)
    assert item.titleLabel.opts["size"] == "30pt" and item.titleLabel.text == "the kernel w(a)"
    assert item.getAxis("left").style["tickFont"].pointSizeF() == 22
    assert item.getAxis("left").labelStyle["font-size"] == "24pt"


def test_a_two_line_title_keeps_pyqtgraph_s_row_at_scale_1_and_gets_its_height_when_scaled(qtbot):
    t = Theme()
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    t.style_plot(plot)
    t.set_title(plot, "Dense<br>(fully connected)", "numbers")
    item = plot.getPlotItem()
    assert item.titleLabel.maximumHeight() == 30  # as pyqtgraph lays it out: unchanged at scale 1
    t.set_scale(2.0)
    assert item.titleLabel.maximumHeight() == round(item.titleLabel.itemRect().height()) > 60  # 2 lines, 28 pt
    t.set_scale(1.0)
    assert item.titleLabel.maximumHeight() == 30


def test_a_deleted_follower_is_forgotten(qtbot):
    t = Theme()
    label = QLabel()
    t.label(label, "body")
    label.deleteLater()
    qtbot.wait(10)
    t.set_scale(1.25)  # no error from the deleted label
    assert t.points("body") == pytest.approx(15.0)
