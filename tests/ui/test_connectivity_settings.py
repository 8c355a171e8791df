"""Connectivity panel: its settings from outside (apply_settings, lessons) and the theme."""
import numpy as np
import pytest
from connectivity_helpers import shown_panel
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsSimpleTextItem, QLabel
from theme_helpers import not_themed

from convlab.engine.receptive_stack import receptive_field_size
from convlab.lab.connectivity import LayerSettings
from convlab.lab.conv_arithmetic import ArithmeticSettings
from convlab.lab.layer_stack import StackSettings
from convlab.sources.base import Frame
from convlab.ui.theme import ERROR_COLOUR, WARNING_COLOUR, theme


@pytest.fixture
def panel(qtbot):
    return shown_panel(qtbot)


def test_a_user_change_reaches_the_settings_and_the_views_and_showing_settings_does_not_echo(panel, qtbot):
    seen = []
    panel.controls.changed.connect(lambda key, settings: seen.append((key, settings)))
    panel.controls.forms["stack"].widgets["depth"].setValue(4)  # as a user would
    assert seen == [("stack", StackSettings(depth=4))] and panel.settings["stack"] == StackSettings(depth=4)
    assert len(panel.stack_view.figure.layers) == 4  # the view drew the new stack
    with qtbot.assertNotEmitted(panel.controls.changed):
        panel.controls.show("arithmetic", ArithmeticSettings(size=7))
    assert panel.controls.forms["arithmetic"].widgets["size"].value() == 7
    assert panel.settings["arithmetic"] == ArithmeticSettings()  # shown only: nothing flows back


def test_apply_settings_shows_and_uses_one_group_without_echo(panel, qtbot):
    assert panel.current_settings() == (LayerSettings(), StackSettings(), ArithmeticSettings())
    with qtbot.assertNotEmitted(panel.controls.changed):
        panel.apply_settings(LayerSettings(inputs=12, kernel=5, padding="valid"))
        panel.apply_settings(StackSettings(depth=5, pool=3))
        panel.apply_settings(ArithmeticSettings(size=6, stride=2))
    layer, stack, arithmetic = panel.current_settings()
    assert (layer.inputs, stack.depth, arithmetic.size) == (12, 5, 6)
    widgets = panel.controls.forms["layer"].widgets
    assert widgets["inputs"].value() == 12 and widgets["padding"].currentData() == "valid"
    assert panel.controls.outputs_spin.value() == 8
    assert len(panel.diagrams.diagrams["dense"].outputs) == 8  # drawn at once (synchronous panel)
    assert panel.stack_view.unit_text == f"{receptive_field_size(stack.layers()):,}"
    assert panel.arithmetic.geometry.params == arithmetic and panel.arithmetic.step == 0
    with pytest.raises(ValueError, match="no settings of type"):
        panel.apply_settings(Frame(np.zeros((2, 2), np.uint8), 0, 0.0))


def test_a_bad_lesson_section_changes_nothing(panel):
    before = panel.lesson_state()
    warnings = panel.apply_lesson_state({"layer": {"inputs": 12}, "stack": {"pool": 4}})
    assert warnings == ["Connectivity: 'pool' must be one of 0, 2, 3; found 4. None of this panel's settings "
                        "from the lesson were applied."]
    assert panel.lesson_state() == before


# ---- theme -----------------------------------------------------------------------------------------------
def _sizes(panel):
    d, m, s, a = panel.diagrams, panel.matrices, panel.stack_view, panel.arithmetic
    conv = d.diagrams["conv"]
    title = next(label for label in d.findChildren(QLabel) if label.text() == "Fully connected")
    scene_titles = [item for item in a.scene_view.scene().items() if isinstance(item, QGraphicsSimpleTextItem)]
    return {"panel": panel.font().pointSizeF(), "controls": panel.controls.font().pointSizeF(),
            "title": title.styleSheet(), "caption": d.captions["conv"].styleSheet(),
            "counters": panel.counters.layer_label.styleSheet(), "tabs": panel.tabs.styleSheet(),
            "note": panel.controls.layer_note.styleSheet(), "edge": conv.edges[0][2].pen().widthF(),
            "unit": conv.inputs[0].pen().widthF(), "matrix title": m.plots["dense"].titleLabel.opts["size"],
            "matrix ticks": m.plots["dense"].getAxis("left").style["tickFont"].pointSizeF(),
            "matrix label": m.plots["dense"].getAxis("bottom").labelStyle["font-size"],
            "stack ticks": s.plot.getAxis("left").style["tickFont"].pointSizeF(),
            "stack formula": s.formula.styleSheet(), "check": a.check_button.styleSheet(),
            "warning": a.warning_label.styleSheet(), "grid title": scene_titles[0].font().pointSizeF(),
            "grid pen": max(item.pen().widthF() for item in a.scene_view.scene().items()
                            if isinstance(item, QGraphicsRectItem))}


def test_the_panel_follows_the_theme_and_needs_no_old_scaling(panel):
    before = _sizes(panel)
    assert before == {"panel": 12.0, "controls": 12.0, "title": "font-size: 15pt; font-weight: bold;",
                      "caption": "font-size: 13pt;", "counters": "font-size: 13pt;",
                      "tabs": "QTabBar::tab { font-size: 13pt; padding: 6px 14px; }",
                      "note": f"font-size: 12pt; font-weight: bold; color: {ERROR_COLOUR};", "edge": 2.5,
                      "unit": 2.0, "matrix title": "14pt", "matrix ticks": 11.0, "matrix label": "13pt",
                      "stack ticks": 12.0, "stack formula": "font-size: 14pt;",
                      "check": "font-size: 14pt; padding: 4px 14px;",
                      "warning": f"font-size: 13pt; color: {WARNING_COLOUR};", "grid title": 14.0, "grid pen": 3.5}
    try:
        theme().set_scale(2.0)
        scaled = _sizes(panel)
        assert scaled == {**before, "panel": 24.0, "controls": 24.0, "title": "font-size: 30pt; font-weight: bold;",
                          "caption": "font-size: 26pt;", "counters": "font-size: 26pt;",
                          "tabs": "QTabBar::tab { font-size: 26pt; padding: 6px 14px; }",
                          "note": f"font-size: 24pt; font-weight: bold; color: {ERROR_COLOUR};", "edge": 5.0,
                          "unit": 4.0, "matrix title": "28pt", "matrix ticks": 22.0, "matrix label": "26pt",
                          "stack ticks": 24.0, "stack formula": "font-size: 28pt;",
                          "check": "font-size: 28pt; padding: 4px 14px;",
                          "warning": f"font-size: 26pt; color: {WARNING_COLOUR};", "grid title": 28.0,
                          "grid pen": 7.0}
        assert not_themed(panel) == []  # every widget and plot of the panel styles itself
    finally:
        theme().set_scale(1.0)
    assert _sizes(panel) == before
