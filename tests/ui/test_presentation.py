"""Presentation mode: full screen, the UI scale on fonts, plot lines and labels, collapsed controls, presets."""
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from window_helpers import make_window, panel

from convlab.ui.main_window import MainWindow
from convlab.ui.presentation import PRESENTATION_LINE_BOOST, presentation_scale_for
from convlab.ui.theme import base_font_points


@pytest.fixture
def window(qtbot):
    w = make_window(qtbot, "sample:checkerboard")
    yield w
    w.presentation.set_ui_scale(1.0)


def test_f5_enters_and_leaves_presentation_restoring_everything(window, qtbot):
    p = window.presentation
    assert not p.is_full_screen() and p.ui_scale() == 1.0 and p.controls_visible
    with qtbot.waitSignal(p.presentation_changed, timeout=2000) as signal:
        p.action("present").trigger()
    assert signal.args == [True]
    assert p.presenting and p.is_full_screen()
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    scale = p.presentation_scale()
    assert p.ui_scale() == scale and p.line_scale() == scale * PRESENTATION_LINE_BOOST
    assert not any(c.isVisible() for panel in window.panels for c in panel.control_columns())
    assert "Presentation mode" in window.source_bar.banner.text()
    p.action("leave").trigger()  # Esc
    assert not p.presenting and not p.is_full_screen()
    assert p.ui_scale() == 1.0 and p.controls_visible
    assert all(c.isVisible() for c in window.current_panel().control_columns())


def test_the_f5_key_itself_toggles_full_screen(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window.current_panel(), Qt.Key.Key_F5)
    assert window.presentation.presenting and window.presentation.is_full_screen()
    qtbot.keyClick(window.current_panel(), Qt.Key.Key_F5)
    assert not window.presentation.presenting and not window.presentation.is_full_screen()


def test_full_screen_alone(window):
    window.presentation.action("full_screen").trigger()
    assert window.presentation.is_full_screen() and window.presentation.ui_scale() == 1.0
    window.presentation.toggle_full_screen()
    assert not window.presentation.is_full_screen()


def _smoothing_looks(smoothing) -> dict:
    """Sizes of what the smoothing panel draws (it follows the theme): pens, markers, fonts, titles."""
    track, error, slide = smoothing.track_plot, smoothing.error_plot, smoothing.slide_view
    axis = track.getPlotItem().getAxis("bottom")
    return {"truth pen": pg.mkPen(track.truth.opts["pen"]).widthF(),
            "estimate pen": pg.mkPen(track.chosen.opts["pen"]).widthF(),
            "time line": track.time_line.pen.widthF(), "markers": track.measured.opts["symbolSize"],
            "best width": error.best[True].opts["size"], "ticks": axis.style["tickFont"].pointSizeF(),
            "axis label": axis.labelStyle["font-size"],
            "title": slide.signal_plot.getPlotItem().titleLabel.opts["size"],
            "raw line label": error.raw_line.label.textItem.font().pointSizeF(),
            "controls": smoothing.controls.font().pointSizeF(), "sum": slide.sum_label.font().pointSizeF()}


def _points(value) -> float:
    return float(str(value).removesuffix("pt"))


def _sheet_points(sheet: str) -> float:
    import re

    return float(re.search(r"font-size:\s*([0-9.]+)pt", sheet).group(1))


def test_font_scale_round_trips_on_fonts_sheets_lines_and_axes(window, qtbot):
    app = QApplication.instance()
    base = base_font_points()
    editor = panel(window, "editor")
    smoothing = panel(window, "smoothing")
    window.show_panel("smoothing")
    qtbot.waitUntil(lambda: smoothing.frames_displayed() >= 1)
    sheet_widgets = [w for w in window.findChildren(type(window.source_bar.banner)) if "font-size" in w.styleSheet()]
    before = (editor.font().pointSizeF(), _smoothing_looks(smoothing), [w.styleSheet() for w in sheet_widgets])
    assert sheet_widgets, "some panel label uses a style-sheet font size"
    with qtbot.waitSignal(window.presentation.ui_scale_changed, timeout=2000) as signal:
        window.presentation.set_ui_scale(2.0)
    assert signal.args == [2.0]
    assert app.font().pointSizeF() == pytest.approx(2 * base, abs=0.05)
    assert editor.font().pointSizeF() == pytest.approx(2 * before[0], abs=0.05)
    doubled = {name: 2 * _points(value) for name, value in before[1].items()}
    assert {name: _points(value) for name, value in _smoothing_looks(smoothing).items()} == pytest.approx(doubled)
    for widget, sheet in zip(sheet_widgets, before[2]):  # every style-sheet size doubled
        assert _sheet_points(widget.styleSheet()) == pytest.approx(2 * _sheet_points(sheet)), sheet
    window.presentation.set_ui_scale(2.0)  # idempotent: nothing grows twice
    qtbot.wait(20)
    assert {name: _points(value) for name, value in _smoothing_looks(smoothing).items()} == pytest.approx(doubled)
    window.presentation.set_ui_scale(1.0)
    after = (editor.font().pointSizeF(), _smoothing_looks(smoothing), [w.styleSheet() for w in sheet_widgets])
    assert after == before
    assert app.font().pointSizeF() == pytest.approx(base)


def test_scale_menu_steps_and_bad_values(window):
    p = window.presentation
    p.action("larger").trigger()
    assert p.ui_scale() == 1.25
    checked = [a.data() for a in p._scale_group.actions() if a.isChecked()]
    assert checked == [1.25]
    p.action("smaller").trigger()
    p.action("smaller").trigger()  # already at the smallest
    assert p.ui_scale() == 1.0
    for bad in (0.5, 3.5, "big", float("nan")):
        with pytest.raises(ValueError, match="scale"):
            p.set_ui_scale(bad)
    assert p.ui_scale() == 1.0


def test_a_pen_the_panel_changes_later_becomes_the_new_base(window, qtbot):
    """A pen the panel sets while scaled (a new result) is drawn at the scaled width, and at its own
    width again at scale 1 (the theme's sizes at draw time)."""
    window.show_panel("smoothing")
    smoothing = panel(window, "smoothing")
    window.presentation.set_ui_scale(2.0)
    before = smoothing.frames_displayed()
    smoothing.controls.form.change(causal=False)
    qtbot.waitUntil(lambda: smoothing.frames_displayed() > before)
    assert smoothing.track_plot.chosen.opts["pen"].color().name() == "#1f77b4"  # the centred estimate
    assert pg.mkPen(smoothing.track_plot.chosen.opts["pen"]).widthF() == 7  # 3.5 x 2
    assert pg.mkPen(smoothing.track_plot.other.opts["pen"]).widthF() == 5  # 2.5 x 2
    window.presentation.set_ui_scale(1.0)
    assert pg.mkPen(smoothing.track_plot.chosen.opts["pen"]).widthF() == 3.5


def test_panels_may_follow_the_scale_themselves(window):
    seen = []
    window.panels[0].set_ui_scale = seen.append
    window.presentation.set_ui_scale(1.5)
    assert seen == [1.5]


def test_f6_hides_and_shows_every_control_column(window):
    columns = [c for panel in window.panels for c in panel.control_columns()]
    assert len(columns) >= len(window.panels) - 1
    window.presentation.action("controls").trigger()
    assert not window.presentation.controls_visible
    assert not any(c.isVisibleTo(window) for c in columns)
    window.presentation.action("controls").trigger()
    assert all(c.isVisibleTo(c.window()) for c in columns if c.parentWidget().isVisibleTo(window))


def test_page_down_and_up_step_the_feature_bank(window):
    window.show_panel("features")
    panel = window.current_panel()
    first = panel.controls.bank_request().choice
    origin = window.bank.origin
    window.presentation.action("next").trigger()
    second = panel.controls.bank_request().choice
    assert second != first and window.bank.origin != origin and second in window.bank.origin
    assert "Preset:" in window.source_bar.banner.text()
    window.presentation.action("previous").trigger()
    assert panel.controls.bank_request().choice == first


def test_page_down_steps_the_editor_preset(window):
    window.show_panel("editor")
    box = window.current_panel().controls.preset_combo
    index = box.currentIndex()
    window.presentation.step_preset(+1)
    assert box.currentIndex() == (index + 1) % box.count()
    assert window.current_panel().column.name_edit.text() == box.currentText()


def test_the_scale_is_remembered(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    first = MainWindow(settings=settings, synchronous=True)
    qtbot.addWidget(first)
    first.presentation.set_ui_scale(1.5)
    first.close()
    assert QApplication.instance().font().pointSizeF() == pytest.approx(base_font_points())
    second = MainWindow(settings=settings, synchronous=True)
    qtbot.addWidget(second)
    assert second.presentation.ui_scale() == 1.5
    second.presentation.set_ui_scale(1.0)


def test_feature_maps_panel_gives_the_products_room_and_big_numbers(window, qtbot):
    features = panel(window, "features")
    window.show_panel("features")
    qtbot.waitUntil(lambda: features.product_view.cell_texts("kernel") != [], timeout=10000)
    grid = features.product_view._grids["products"]
    normal_points = grid.item(0, 0).font().pointSizeF()
    normal_height = features.product_view.height()
    window.presentation.set_ui_scale(1.5)
    QApplication.processEvents()
    _, middle, maps = features._split.sizes()
    assert middle / (middle + maps) == pytest.approx(0.45, abs=0.02)
    top, bottom = features._middle.sizes()
    assert bottom / (top + bottom) == pytest.approx(0.6, abs=0.02)
    assert features.product_view.height() > normal_height
    assert grid.item(0, 0).font().pointSizeF() >= normal_points * 1.5 * 0.6
    window.presentation.set_ui_scale(1.0)
    QApplication.processEvents()
    top, bottom = features._middle.sizes()
    assert bottom / (top + bottom) == pytest.approx(0.5, abs=0.02)
    assert grid.item(0, 0).font().pointSizeF() == pytest.approx(normal_points)


@pytest.mark.parametrize("height, scale", [(600, 1.0), (720, 1.0), (800, 1.0), (900, 1.25), (1080, 1.5),
                                           (1200, 1.5), (1440, 2.0), (1600, 2.0), (2160, 3.0), (2880, 3.0)])
def test_the_presentation_scale_follows_the_screen_height(height, scale):
    # 1.5 at 1080 lines, in proportion elsewhere, snapped down to a menu step: at 720 lines 1.5
    # squeezed the connectivity diagrams to 60-pixel slivers
    assert presentation_scale_for(height) == scale


def test_f5_picks_the_scale_of_the_window_s_screen(window):
    p = window.presentation
    p.set_presenting(True)
    assert p.ui_scale() == presentation_scale_for(window.screen().geometry().height())
    p.set_presenting(False)
    p.set_ui_scale(1.25)
    p.set_presenting(True)  # a larger scale chosen before is kept
    assert p.ui_scale() == max(1.25, presentation_scale_for(window.screen().geometry().height()))
    p.set_presenting(False)
    assert p.ui_scale() == 1.25


def test_feature_maps_panel_gives_the_products_room_when_controls_hide_even_at_scale_1(window):
    features = panel(window, "features")
    window.show_panel("features")
    QApplication.processEvents()
    window.presentation.set_controls_visible(False)  # F6, or F5 on a 720-line projector (scale 1.0)
    QApplication.processEvents()
    top, bottom = features._middle.sizes()
    assert bottom / (top + bottom) == pytest.approx(0.6, abs=0.02)
    window.presentation.set_controls_visible(True)
    QApplication.processEvents()
    top, bottom = features._middle.sizes()
    assert bottom / (top + bottom) == pytest.approx(0.5, abs=0.02)


def test_a_title_a_plot_sets_again_is_scaled_before_it_is_painted(window, qtbot):
    """Panels re-set titles while the kernel slides along (every step of play): the title is at the
    scaled size as soon as it is set, not after a later pass."""
    window.show_panel("smoothing")
    smoothing = panel(window, "smoothing")
    qtbot.waitUntil(lambda: smoothing.frames_displayed() >= 1)
    window.presentation.set_ui_scale(1.5)
    smoothing.set_time(150)  # sets the flip-and-slide title again
    title = smoothing.slide_view.signal_plot.getPlotItem().titleLabel
    assert "t = 150" in title.text and title.opts["size"] == "18pt"
    window.presentation.set_ui_scale(1.5)
    smoothing.step_time(1)
    assert "t = 151" in title.text and title.opts["size"] == "18pt"  # idempotent
    window.presentation.set_ui_scale(1.0)
    assert title.opts["size"] == "12pt"


def test_every_panel_follows_the_theme_itself(window, qtbot):
    """One number scales the window: no widget with its own font, style sheet or plot is left out."""
    from theme_helpers import not_themed

    for p in window.panels:
        window.show_panel(p.key)
        qtbot.wait(20)
    window.presentation.set_ui_scale(1.5)
    left = {p.key: [type(w).__name__ for w in not_themed(p)] for p in window.panels}
    assert left == {p.key: [] for p in window.panels}


def test_the_source_bar_message_follows_the_scale(window):
    """Its style sheet (the message's colour) would otherwise keep the font it had when it was set."""
    banner = window.source_bar.banner
    window.show_message("a note")
    before = banner.font().pointSizeF()
    window.presentation.set_ui_scale(2.0)
    assert banner.font().pointSizeF() == pytest.approx(2 * before, abs=0.1)
    window.source_bar.show_message("an error", error=True)
    assert banner.font().pointSizeF() == pytest.approx(2 * before, abs=0.1) and banner.font().bold()
    window.presentation.set_ui_scale(1.0)
    assert banner.font().pointSizeF() == pytest.approx(before, abs=0.1)
