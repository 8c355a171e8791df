"""The kernel editor's settings: both directions of the binding, apply_settings, and the theme."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from PySide6.QtWidgets import QApplication
from theme_helpers import not_themed

from convlab.engine.conv import convolve2d
from convlab.engine.kernels import preset_kernel
from convlab.lab.kernel_editor import PresetSettings, PreviewSettings
from convlab.ui.bank_signals import KernelBank
from convlab.ui.panels.kernel_editor import KernelEditorPanel
from convlab.ui.theme import set_application_font_scale, theme

ASYMMETRIC = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, -0.5]])


@pytest.fixture
def panel(qtbot):
    bank = KernelBank()
    bank.set_from_arrays(["identity", "sobel_x"], np.stack([preset_kernel("identity"), preset_kernel("sobel_x")]))
    p = KernelEditorPanel(bank, synchronous=True)
    qtbot.addWidget(p)
    p.resize(1500, 850)
    p.show()
    qtbot.waitExposed(p)
    return p


def _output(panel):
    return panel.preview.image("output")


def test_state_to_widgets_without_echo(panel):
    emitted = []
    form = panel.controls.preview_form
    form.changed.connect(emitted.append)
    panel.table.kernel_edited.connect(emitted.append)
    form.set_settings(PreviewSettings("convolution", "full", "symm", 3, 2, 9.0, -0.5))
    w = form.widgets
    assert (w["mode"].currentText(), w["boundary"].currentText(), w["stride"].value(), w["dilation"].value(),
            w["divisor"].text(), w["offset"].text()) == ("full", "symm", 3, 2, "9", "-0.5")
    assert w["operation"].buttons["convolution"].isChecked()
    panel.table.set_kernel(np.eye(4))
    assert panel.table.table.item(3, 3).text() == "1" and panel.table.table.item(0, 3).text() == "0"
    assert emitted == []


def test_apply_settings_refills_the_grid_or_recomputes_the_preview(panel):
    emitted = []
    panel.controls.preset_form.changed.connect(emitted.append)
    panel.controls.preview_form.changed.connect(emitted.append)
    panel.apply_settings(PresetSettings(preset="box", preset_size=5))
    assert_array_equal(panel.kernel(), preset_kernel("box", 5))
    assert panel.controls.preset_combo.currentText() == "box" and panel.column.name_edit.text() == "box"
    panel.set_kernel(ASYMMETRIC)
    panel.apply_settings(PresetSettings(preset="box", preset_size=5, random_seed=4))  # the seed alone: no refill
    assert_array_equal(panel.kernel(), ASYMMETRIC)
    assert panel.controls.preset_form.widgets["random_seed"].value() == 4
    panel.apply_settings(PreviewSettings(operation="convolution", divisor=2.0))
    expected = convolve2d(panel.last_result.gray, ASYMMETRIC.astype(np.float32)) / 2
    assert_allclose(_output(panel), expected, atol=1e-6)
    assert panel.controls.preview_form.widgets["divisor"].text() == "2" and emitted == []
    assert panel.current_settings() == (PresetSettings(preset="box", preset_size=5, random_seed=4),
                                        PreviewSettings(operation="convolution", divisor=2.0))
    with pytest.raises(ValueError, match="no settings of type"):
        panel.apply_settings(3)


def test_the_editor_follows_the_theme_and_nothing_needs_the_old_pass(panel):
    assert not_themed(panel) == []
    views = panel.preview
    before = (panel.font().pointSizeF(), views.titles["output"].font().pointSizeF(),
              views.sentence.font().pointSizeF(), panel.table.table.item(0, 0).font().pointSizeF())
    assert before == (max(QApplication.font().pointSizeF(), 11.0), 12.0, 12.0, 14.0)
    try:
        set_application_font_scale(2.0)
        theme().set_scale(2.0, 3.0)
        QApplication.processEvents()
        assert (panel.font().pointSizeF(), views.titles["output"].font().pointSizeF(),
                views.sentence.font().pointSizeF(), panel.table.table.item(0, 0).font().pointSizeF()) == \
            tuple(2 * points for points in before)
        assert views.views["input"]._outline[0].pen().widthF() == 15
    finally:
        set_application_font_scale(1.0)
        theme().set_scale(1.0)
    QApplication.processEvents()
    assert panel.font().pointSizeF() == before[0] and views.titles["output"].font().pointSizeF() == 12
