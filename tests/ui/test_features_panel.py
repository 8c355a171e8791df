"""The feature-maps panel on its own: controls built from the settings, both directions of the binding,
apply_settings, lesson sections checked by the declarations, and the theme."""
import time

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication
from theme_helpers import not_themed

from convlab.engine.kernels import preset_kernel
from convlab.lab.features import BankRequest, FeatureParams
from convlab.sources.base import Frame
from convlab.ui.bank_signals import KernelBank
from convlab.ui.panels.features import FeaturesPanel
from convlab.ui.theme import set_application_font_scale, theme

PICTURE = np.random.default_rng(0).integers(0, 256, (60, 80, 3), dtype=np.uint8)


@pytest.fixture
def panel(qtbot):
    bank = KernelBank()
    bank.set_from_arrays(["identity", "sobel_x"], np.stack([preset_kernel("identity"), preset_kernel("sobel_x")]))
    p = FeaturesPanel(bank, synchronous=True)
    qtbot.addWidget(p)
    p.resize(1400, 800)
    p.show()
    qtbot.waitExposed(p)
    p.messages = []
    p.message.connect(p.messages.append)
    p.set_frame(Frame(PICTURE, 0, time.perf_counter()))
    qtbot.waitUntil(lambda: p.frames_displayed() >= 1)
    return p


def test_the_controls_are_the_declared_fields(panel):
    w = panel.controls.params_form.widgets
    assert [w["stage"].itemText(i) for i in range(3)] == ["after convolution", "after nonlinearity", "after pooling"]
    assert (w["stride"].minimum(), w["stride"].maximum()) == (1, 8)
    bank = panel.controls.bank_form.widgets
    assert bank["choice"].currentText() == "Hand-designed mix" and bank["size"].maximum() == 15
    assert not bank["count"].isEnabled()  # only a random bank has a count and a seed
    bank["choice"].setCurrentIndex(bank["choice"].findData("random"))
    assert bank["count"].isEnabled() and bank["seed"].isEnabled()


def test_a_user_change_reaches_the_settings_and_the_maps(panel, qtbot):
    w = panel.controls.params_form.widgets
    w["pool_kind"].setCurrentIndex(w["pool_kind"].findData("none"))
    assert panel.controls.params().pool_kind == "none" and not w["pool_size"].isEnabled()
    w["stage"].setCurrentIndex(w["stage"].findData("activated"))
    qtbot.waitUntil(lambda: panel.last_result.job.params.stage == "activated")
    assert panel.grid._maps.shape[1:] == (60, 80)  # no pooling: full-size maps
    bank = panel.controls.bank_form.widgets
    bank["choice"].setCurrentIndex(bank["choice"].findData("edges"))
    assert panel.bank.origin == "edges 3x3" and panel.controls.kernel_list.count() == 7
    qtbot.waitUntil(lambda: len(panel.last_result.job.names) == 7)


def test_showing_settings_does_not_echo_and_apply_settings_uses_them(panel, qtbot):
    emitted = []
    panel.controls.params_form.changed.connect(emitted.append)
    panel.controls.bank_form.changed.connect(emitted.append)
    panel.controls.params_form.set_settings(FeatureParams(stride=3))
    assert emitted == [] and panel.controls.params_form.widgets["stride"].value() == 3
    panel.apply_settings(FeatureParams(stride=2, activation="tanh"))
    qtbot.waitUntil(lambda: panel.last_result.job.params == FeatureParams(stride=2, activation="tanh"))
    assert panel.controls.params_form.widgets["activation"].currentData() == "tanh"
    panel.apply_settings(BankRequest(choice="gabor", size=5))
    assert panel.bank.origin == "gabor 5x5" and panel.controls.bank_request().choice == "gabor"
    assert emitted == []  # applied as settings, not echoed back as user changes
    assert panel.current_settings() == (FeatureParams(stride=2, activation="tanh"), BankRequest("gabor", 5))
    with pytest.raises(ValueError, match="no settings of type"):
        panel.apply_settings(object())


def test_a_bank_that_cannot_be_built_keeps_the_bank_and_says_why(panel):
    before = [e.name for e in panel.bank.entries()]
    panel.apply_settings(BankRequest(choice="edges", size=4))
    assert [e.name for e in panel.bank.entries()] == before and "odd" in panel.messages[-1]


def test_lesson_sections_are_checked_by_the_declarations(panel):
    before = panel.lesson_state()
    warnings = panel.apply_lesson_state({"stride": 9, "stage": "conv"})
    assert warnings == ["Feature maps: 'stride' must be a whole number from 1 to 8; found 9. None of this panel's "
                        "settings from the lesson were applied."]
    warnings = panel.apply_lesson_state({"bank_request": {"choice": "holograms"}})
    assert warnings[0].startswith("Feature maps: 'choice' must be one of 'default', 'presets'")
    assert panel.lesson_state() == before
    assert panel.apply_lesson_state({"pool_kind": "avg", "glow": 2}) == [
        "Feature maps: the setting 'glow' is unknown to this convlab and was ignored."]
    assert panel.controls.params() == FeatureParams(pool_kind="avg")


def test_everything_follows_the_theme_and_nothing_needs_the_old_pass(panel):
    assert not_themed(panel) == []
    caption, grid = panel.product_view._caption, panel.grid._cells[0]
    try:
        set_application_font_scale(2.0)
        theme().set_scale(2.0, 3.0)
        QApplication.processEvents()
        assert caption.font().pointSizeF() == 28 and grid.label.font_points() == 24
        assert panel.input_view._outline[0].pen().widthF() == 15
    finally:
        set_application_font_scale(1.0)
        theme().set_scale(1.0)
    QApplication.processEvents()
    assert caption.font().pointSizeF() == 14 and grid.label.font_points() == 12
