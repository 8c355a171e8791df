"""Translation panel: the rotation mode, settings from outside (apply_settings) and the theme."""
import dataclasses

import numpy as np
import pytest
from translation_helpers import choose as _choose
from translation_helpers import default_bank, shown_panel
from translation_helpers import settle as _settle

from convlab.ui.panels.translation.panel import TranslationPanel


@pytest.fixture
def bank():
    return default_bank()


@pytest.fixture
def panel(qtbot, bank):
    return shown_panel(qtbot, bank)


def test_rotation_mode_pools_over_orientations(qtbot, panel):
    rotation, form = panel.rotation, panel.rotation.form
    views = rotation.views
    panel.modes.setCurrentWidget(rotation)
    responses = lambda: rotation.last_result.value.view.responses  # noqa: E731
    assert len(views.map_tiles) == 8 and responses().shape[0] == 8
    form.widgets["angle"].slider.setValue(45)
    assert rotation.settings.angle == 45 and form.widgets["angle"].readout.text() == "45°"
    assert views.angle_line.value() == 45
    np.testing.assert_array_equal(views.tiles["pooled"].values, responses().max(axis=0))
    np.testing.assert_array_equal(views.map_tiles[2].values, responses()[2])
    assert views.map_tiles[2].title_text().startswith("45°")
    angles, pooled = views.max_curve.getData()
    assert angles[0] == 0 and angles[-1] == 360
    each = [curve.getData()[1] for curve in views.orientation_curves]
    assert np.std(pooled) / np.mean(pooled) < 0.3 * min(np.std(v) / np.mean(v) for v in each)
    _choose(form.widgets["input"], "digit 3")
    form.widgets["orientations"].setValue(4)
    assert len(views.map_tiles) == 4 and len(views.orientation_curves) == 4
    assert views.tiles["input"].values.shape == (72, 72) and views.tiles["input"].values.max() > 0.5
    box = form.widgets["kernel"]
    assert box.itemText(box.findData("sobel_x")) == "bank: sobel_x"
    box.setCurrentIndex(box.findData("sobel_x"))
    sobel = [e.kernel for e in panel.bank.entries() if e.name == "sobel_x"][0]
    np.testing.assert_allclose(views.sweep.rotated_kernels[0], sobel, atol=1e-6)


def test_the_rotation_sweep_runs_off_the_gui_thread(qtbot, bank):
    """With a real worker the sweep (and the digits) are computed on another thread; the view follows."""
    import threading

    p = TranslationPanel(bank)
    qtbot.addWidget(p)
    threads = []
    compute = p.rotation.worker._compute
    p.rotation.worker._compute = lambda job: (threads.append(threading.current_thread()), compute(job))[1]
    p.modes.setCurrentWidget(p.rotation)
    p.rotation.change(input="digit 7", orientations=6)
    assert p.frames_displayed() == 0 or p.rotation.is_up_to_date()
    qtbot.waitUntil(p.rotation.is_up_to_date, timeout=20000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert len(p.rotation.views.map_tiles) == 6
    assert p.rotation.last_result.value.sweep.image.max() > 0.5
    p.shutdown()


def test_curves_follow_a_new_still_frame_that_arrives_within_the_rate_limit(qtbot):
    """A still source opened right after start-up must not keep the previous picture's curves."""
    from convlab.engine.invariance import shift_curves
    from convlab.ui.main_window import MainWindow

    window = MainWindow(settings=None, synchronous=True)
    qtbot.addWidget(window)
    window.show_panel("translation")
    window.open_spec("sample:china")
    window.open_spec("sample:checkerboard")
    mode = window.current_panel().image_mode
    qtbot.waitUntil(lambda: mode.last_result is not None and mode.last_result.value.image.shape[0] > 0
                    and not mode.last_result.value.curves_stale and window.sources.spec.endswith("board"),
                    timeout=5000)
    value = mode.last_result.value
    p = mode.last_result.job.settings
    expected = shift_curves(value.image, mode.last_result.job.kernel, pool_strides=(1, 2, 4),
                            pool_size=p.pool_size, kind=p.pool_kind, boundary=p.boundary)
    for stride in (1, 2, 4):
        np.testing.assert_allclose(value.curves[stride].conv_error, expected[stride].conv_error)
        np.testing.assert_allclose(value.curves[stride].cosine, expected[stride].cosine)


# ---- settings hooks, theme ------------------------------------------------------------------------
def test_apply_settings_acts_as_the_user_and_refuses_a_kernel_not_on_offer(qtbot, panel):
    image, figure, rotation = panel.current_settings()
    assert (image, figure, rotation) == (panel.image_mode.settings, panel.figure.settings, panel.rotation.settings)
    panel.apply_settings(dataclasses.replace(image, dx=-7, kernel_name="laplacian"))
    assert panel.image_mode.controls.widget("dx").value() == -7
    _settle(qtbot, panel)
    assert panel.image_mode.last_result.job.settings.kernel_name == "laplacian"
    panel.apply_settings(dataclasses.replace(figure, width=2, stride=2))
    assert panel.figure.form.widgets["width"].value() == 2
    assert panel.figure.scene.texts("before", "pooled") == ["1", "0.2"]
    panel.apply_settings(dataclasses.replace(rotation, orientations=4, kernel="sobel_x"))
    assert len(panel.rotation.views.map_tiles) == 4
    assert panel.rotation.form.widgets["kernel"].currentData() == "sobel_x"
    for bad in (dataclasses.replace(image, kernel_name="nowhere"), dataclasses.replace(rotation, kernel="nowhere")):
        with pytest.raises(ValueError, match="not in the bank"):
            panel.apply_settings(bad)
    with pytest.raises(ValueError):
        panel.apply_settings(object())
    assert panel.current_settings()[0].kernel_name == "laplacian"


def test_the_panel_follows_the_theme_and_needs_no_walker(qtbot, panel):
    from theme_helpers import not_themed

    from convlab.ui.theme import theme

    mode, views = panel.image_mode, panel.image_mode.views
    label = mode.controls.measures.labels["conv"]
    plot = views.plots["cosine"]
    curve = views.curve("cosine", 2)
    before = (label.font().pointSizeF(), mode.controls.font().pointSizeF(), plot.titleLabel.opts["size"],
              plot.getAxis("bottom").style["tickFont"].pointSizeF(), curve.opts["pen"].widthF(),
              views.tiles["input"].title.opts["size"], panel.figure.scene.unit_texts[("before", "pooled")][0].font())
    assert before[:6] == (12.0, 11.0, "12pt", 10.0, 3.0, "12pt")
    try:
        theme().set_scale(2.0)
        assert label.font().pointSizeF() == 24.0 and mode.controls.font().pointSizeF() == 22.0
        assert plot.titleLabel.opts["size"] == "24pt" and plot.getAxis("bottom").style["tickFont"].pointSizeF() == 20
        assert curve.opts["pen"].widthF() == 6.0 and curve.opts["symbolSize"] == 16.0
        assert views.tiles["input"].title.opts["size"] == "24pt"
        assert panel.figure.scene.unit_texts[("before", "pooled")][0].font().pointSizeF() == 44.0
        assert panel.rotation.views.max_curve.opts["pen"].widthF() == 10.0
        popup = mode.controls.widget("boundary").view().parentWidget()
        assert popup.font().pointSizeF() == 22.0, "a combo box's list follows the box"
        assert not_themed(panel) == [], "every widget and plot of the panel follows the theme"
    finally:
        theme().set_scale(1.0)
    after = (label.font().pointSizeF(), mode.controls.font().pointSizeF(), plot.titleLabel.opts["size"],
             plot.getAxis("bottom").style["tickFont"].pointSizeF(), curve.opts["pen"].widthF(),
             views.tiles["input"].title.opts["size"], panel.figure.scene.unit_texts[("before", "pooled")][0].font())
    assert after == before
