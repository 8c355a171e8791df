"""Feature-learning panel and its background runner, driven as a user would (offscreen, small settings)."""
import time
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QObject, Qt

from convlab.lab.compare import CompareSettings
from convlab.lab.learning import LearnSettings, MontageSettings
from convlab.sources.base import Frame
from convlab.ui.bank_signals import KernelBank
from convlab.ui.panels.learning import files
from convlab.ui.panels.learning.panel import LearningPanel
from convlab.ui.runner import TaskRunner
from convlab.ui.theme import ERROR_COLOUR, THEMED

SMALL = dict(count=2000, k=12, size=6, max_iter=20)


@pytest.fixture
def bank():
    b = KernelBank()
    b.set_from_arrays(["box"], np.ones((1, 3, 3)), origin="test")
    return b


@pytest.fixture
def panel(qtbot, bank):
    p = LearningPanel(bank, synchronous=True)
    qtbot.addWidget(p)
    p.controls.set_settings(LearnSettings(**SMALL))
    yield p
    p.shutdown()


def widget(controls, key):
    """The control of a LearnSettings or MontageSettings field."""
    return controls.form.widgets[key] if key in controls.form.widgets else controls.montage_form.widgets[key]


def _frame(seed, index=0):
    image = np.random.default_rng(seed).integers(0, 256, (60, 80, 3), dtype=np.uint8)
    return Frame(image, index, time.perf_counter())


def test_learns_on_the_photo_and_the_montage_shows_k_kernels(panel):
    panel.learn()
    learned = panel.learned
    assert learned.finished and learned.kernels.shape == (12, 6, 6) and learned.sizes.sum() == 2000
    assert panel.montage.tile_count() == 12 and panel.frames_displayed() == 1
    shares = [float(t.rstrip("%")) for t in panel.montage.label_texts()]
    assert len(shares) == 12 and shares == sorted(shares, reverse=True) and abs(sum(shares) - 100) < 1
    assert panel.montage.image.image.ndim == 3  # an RGB mosaic
    assert panel.samples.shown == 64
    assert panel.controls.progress.value() == 1000 and "12 kernels" in panel.controls.status_label.text()


def test_use_as_bank_replaces_the_shared_bank(panel, bank, qtbot):
    panel.learn()
    changes = []
    bank.changed.connect(lambda: changes.append(1))
    qtbot.mouseClick(panel.controls.buttons["use_bank"], Qt.LeftButton)
    names, kernels = bank.stacked()
    order = panel.learned.order("size")
    assert changes == [1] and len(names) == 12 and bank.origin.startswith("k-means 12 x 6x6 gray")
    np.testing.assert_allclose(kernels, panel.learned.kernels[order])
    np.testing.assert_allclose(np.linalg.norm(kernels.reshape(12, -1), axis=1), 1.0, rtol=1e-4)  # folded, unit norm
    assert names[0].startswith("k-means 1") and names[0].endswith("%)")


def test_more_than_64_kernels_fill_the_bank_with_the_first_64(panel, bank):
    panel.controls.change(k=70, count=3000)
    panel.learn()
    assert panel.montage.tile_count() == 70 and panel.montage.label_texts() == []  # bars only above 64
    assert "at most 64" in panel.controls.bank_note.text()
    assert panel.use_as_bank() and len(bank.entries()) == 64


def test_cancel_stops_a_run(panel, monkeypatch):
    monkeypatch.setattr("convlab.engine.kmeans.CHUNK_SECONDS", 0.0)  # a partial result after every iteration
    panel.controls.change(count=4000, k=16, max_iter=200)
    partials = []

    def cancel_on_first(learned):
        partials.append(learned)
        panel.controls.buttons["cancel"].click()

    panel.learn_runner.partial_result.connect(cancel_on_first)
    panel.learn()
    assert len(partials) == 1 and not partials[0].finished
    assert panel.learned is None and not panel.learn_runner.is_running()
    assert panel.controls.status_label.text() == "Learning cancelled."
    assert panel.controls.buttons["learn"].isEnabled() and panel.frames_displayed() == 0
    assert "forming" in panel.montage.title.text  # the partial montage stays on screen


def test_changing_an_input_cancels_the_stale_run_and_learns_again(panel):
    panel.learn()
    widget(panel.controls, "k").setValue(9)  # as a user: re-learn is on by default
    assert panel._learn_dirty  # coalesced: one run after the burst
    widget(panel.controls, "k").setValue(10)
    panel.learn()
    assert panel.learned.kernels.shape[0] == 10 and panel.controls.settings().k == 10


def test_two_way_binding_and_bad_epsilon_text(panel, qtbot):
    c = panel.controls
    widget(c, "size").setValue(7)
    widget(c, "method").setCurrentIndex(widget(c, "method").findData("minibatch"))
    assert c.settings().size == 7 and c.settings().method == "minibatch"
    c.set_settings(LearnSettings(size=4, whiten=False, zca_eps=0.25))
    assert widget(c, "size").value() == 4 and not widget(c, "whiten").isChecked()
    assert widget(c, "zca_eps").text() == "0.25" and not widget(c, "zca_eps").isEnabled()
    messages = []
    panel.message.connect(messages.append)
    for bad in ("abc", "nan", "-1"):
        widget(c, "norm_eps").setText(bad)
        widget(c, "norm_eps").editingFinished.emit()
        assert "Contrast epsilon must be a number > 0" in c.input_error.text()
        assert c.settings().norm_eps == 10.0 and widget(c, "norm_eps").text() == "10"
    assert len(messages) == 3
    widget(c, "norm_eps").setText("2.5")
    widget(c, "norm_eps").editingFinished.emit()
    assert c.settings().norm_eps == 2.5 and c.input_error.text() == ""


def test_sorting_and_showing_kernels_redraw_the_montage(panel):
    panel.learn()
    by_size = panel.montage.order.copy()
    before = panel.montage.image.image.copy()
    sort = widget(panel.controls, "sort_by")
    sort.setCurrentIndex(sort.findData("orientation"))
    assert panel.controls.montage().sort_by == "orientation"
    assert sorted(panel.montage.order.tolist()) == sorted(by_size.tolist())
    assert not np.array_equal(panel.montage.order, by_size)
    show = widget(panel.controls, "show")
    show.setCurrentIndex(show.findData("kernels"))
    assert "kernels for raw pictures" in panel.montage.title.text
    assert not np.array_equal(panel.montage.image.image, before)


def test_online_mode_updates_with_every_frame(panel, qtbot):
    displayed = []
    panel.frame_displayed.connect(displayed.append)
    panel.controls.online_box.setChecked(True)
    for i in range(3):
        panel.set_frame(_frame(i, i))
    assert len(displayed) == 3 and panel.frames_displayed() == 3
    assert "3 frames" in panel.learned.origin and panel.montage.tile_count() == 12
    assert panel.learned.sizes.sum() == 3 * 2000
    assert not panel.controls.buttons["learn"].isEnabled()
    panel.controls.change(k=5)  # a new model with the new settings, fed the current frame at once
    assert panel.montage.tile_count() == 5 and panel.learned.origin.endswith(", 1 frame")
    panel.set_frame(_frame(9, 9))
    assert panel.learned.origin.endswith(", 2 frames") and panel.learned.sizes.sum() == 2 * 2000


def test_collected_frames_and_a_folder_as_patch_sources(panel, tmp_path, monkeypatch):
    monkeypatch.setattr("convlab.ui.panels.learning.panel.COLLECT_EVERY_S", 0.0)
    widget(panel.controls, "relearn").setChecked(False)
    for i in range(3):
        panel.set_frame(_frame(i, i))
    assert panel.controls.collected_label.text() == "3 frame(s) collected"
    panel.controls.change(source="collected")
    assert len(panel.pictures(panel.controls.settings())) == 3
    panel.learn()
    assert panel.learned.finished
    Image.fromarray(_frame(5).image).save(tmp_path / "a.png")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    panel.controls.change(source="folder", folder=str(tmp_path))
    progress = []
    panel.learn_runner.progress_changed.connect(lambda _f, text: progress.append(text))
    panel.learn()
    assert panel.learned.finished and any("1 unreadable files skipped" in text for text in progress)
    panel.controls.change(folder=str(tmp_path / "missing"))
    panel.learn()
    assert "Learning failed" in panel.controls.status_label.text() and "is not a folder" in \
        panel.controls.status_label.text()


def test_save_and_load_kernels_in_the_editor_format(panel, tmp_path):
    assert not files.save_kernels(panel, tmp_path / "none.json")  # nothing learned yet
    panel.learn()
    assert files.save_kernels(panel, tmp_path / "k.json")
    order = panel.learned.order("size")
    saved = panel.learned.kernels[order]
    assert files.load_kernels(panel, tmp_path / "k.json")
    np.testing.assert_allclose(panel.learned.kernels, saved, rtol=1e-6)
    assert panel.learned.sizes is None and panel.montage.tile_count() == 12
    (tmp_path / "bad.json").write_text("{not json")
    assert not files.load_kernels(panel, tmp_path / "bad.json")
    assert "bad.json" in panel.controls.file_error.text()


def test_comparison_rows_appear_in_the_table(panel, tmp_path, qtbot):
    from sklearn.datasets import load_digits

    view = panel.comparison  # before any run: a note on what to do, not empty axes
    assert "Run comparison" in view.empty_note(view.accuracy_plot)
    assert "after a comparison" in view.empty_note(view.time_plot)
    assert not view.accuracy_plot.getPlotItem().getAxis("bottom").isVisible()

    digits = load_digits()
    np.savez(tmp_path / "d.npz", images=digits.images[:300], labels=digits.target[:300])
    assert files.open_dataset(panel.compare, tmp_path / "d.npz")
    assert "300 images of 8x8" in panel.compare_controls.dataset_label.text()
    panel.compare_controls.change(kernels=6)
    qtbot.mouseClick(panel.compare_controls.run_button, Qt.LeftButton)
    table = panel.comparison.table
    assert table.rowCount() == 4
    assert [table.item(i, 0).text() for i in range(4)] == ["raw pixels", "hand-designed", "random", "k-means"]
    rows = panel.comparison.rows
    assert [table.item(i, 3).text() for i in range(4)] == [f"{100 * r.accuracy:.2f}%" for r in rows]
    assert panel.comparison.bar_heights() == [100 * r.accuracy for r in rows]
    assert table.item(1, 1).text() == "6" and "Done: 4 feature sets" in panel.compare_controls.status_label.text()
    assert view.empty_note(view.accuracy_plot) == "" and view.accuracy_plot.getPlotItem().getAxis("bottom").isVisible()
    assert not any(isinstance(item, pg.TextItem) and "Run comparison" in item.toPlainText()
                   for item in view.accuracy_plot.items())


def test_comparison_controls_bind_both_ways(panel):
    cc = panel.compare_controls
    changes = []
    cc.changed.connect(changes.append)
    cc.set_boxes["hand"].setChecked(False)
    cc.form.widgets["kernels"].setValue(16)
    assert cc.settings().sets == ("raw", "random", "kmeans") and cc.settings().kernels == 16 and len(changes) == 2
    cc.set_settings(CompareSettings(kernels=7, sets=("kmeans",)))
    assert cc.form.widgets["kernels"].value() == 7 and not cc.set_boxes["raw"].isChecked() and len(changes) == 2
    cc.set_boxes["kmeans"].setChecked(False)  # the last one stays
    assert cc.set_boxes["kmeans"].isChecked() and cc.settings().sets == ("kmeans",)
    assert "at least one" in cc.error_label.text()
    cc.form.widgets["seed"].setValue(3)
    assert cc.error_label.text() == "" and cc.settings().seed == 3
    assert panel.compare_controls.status_label.text() == "Settings changed: press Run comparison."


def test_bad_dataset_file_keeps_the_last_one(panel, tmp_path):
    messages = []
    panel.message.connect(messages.append)
    (tmp_path / "bad.npz").write_bytes(b"garbage")
    assert not files.open_dataset(panel.compare, tmp_path / "bad.npz")
    assert "bad.npz" in panel.compare_controls.error_label.text() and panel.compare.dataset is None
    assert messages and "not a zip file" in messages[0]


def test_cancelled_comparison_keeps_the_finished_rows(panel):
    panel.compare.dataset = None
    panel.compare_controls.change(kernels=4, digits_side=8)
    runner = panel.compare.runner
    runner.partial_result.connect(lambda rows: runner.cancel() if len(rows) == 2 else None)
    panel.compare.run()
    assert [r.feature_set for r in panel.comparison.rows] == ["raw", "hand"]
    assert panel.compare_controls.status_label.text() == "Comparison cancelled."


def test_runner_in_the_background_drops_stale_runs(qtbot):
    runner = TaskRunner(synchronous=False)
    finished, partial = [], []
    runner.finished.connect(finished.append)
    runner.partial_result.connect(partial.append)

    def slow(name, state):
        for i in range(200):
            if state.is_cancelled():
                return "stopped"
            state.set_partial_result((name, i))
            time.sleep(0.005)
        return name

    runner.start(slow, "old")
    runner.start(slow, "new")  # replaces the old run
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    assert finished == ["new"] and all(name == "new" for name, _ in partial[1:])
    with qtbot.waitSignal(runner.failed, timeout=5000) as failure:
        runner.start(lambda state: 1 / 0)
    assert "ZeroDivisionError" in failure.args[0]
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.start(slow, "cancel me")
        runner.cancel()
    assert runner.wait(5.0) and finished == ["new"]


def test_panel_learns_in_the_background_when_shown(qtbot, bank):
    panel = LearningPanel(bank)
    qtbot.addWidget(panel)
    panel.controls.set_settings(LearnSettings(**SMALL))
    panel.resize(1200, 800)
    panel.show()
    qtbot.waitUntil(lambda: panel.frames_displayed() >= 1, timeout=20000)
    assert panel.montage.tile_count() == 12
    panel.shutdown()


def test_a_status_line_that_wraps_leaves_the_feature_set_boxes_whole(panel, qtbot):
    """The comparison's form sits in nested widgets in a scroll area: Qt's QFormLayout could lay it out
    with heights measured at another width and squeeze the check boxes (the form's FormLayout measures
    again)."""
    from PySide6.QtWidgets import QApplication

    panel.resize(1500, 840)
    panel.show()
    for _ in range(20):  # shown, laid out, the kernels learned
        QApplication.processEvents()
    cc = panel.compare_controls
    boxes = list(cc.set_boxes.values())
    heights = [box.height() for box in boxes]
    cc.status_label.setText("a status line long enough to wrap over two lines in the column of controls, no more")
    for _ in range(10):
        QApplication.processEvents()
    assert [box.height() for box in boxes] == heights
    assert cc.status_label.height() == cc.status_label.heightForWidth(cc.status_label.width())
    requests = []

    class Watch(QObject):
        def eventFilter(self, _watched, event):
            requests.append(event.type() == QEvent.Type.LayoutRequest)
            return False

    watch = Watch()
    cc.form.groups["Compare feature sets"].installEventFilter(watch)
    for _ in range(10):
        QApplication.processEvents()
    assert not any(requests)  # settled: the form's extra pass does not start another


# ---- settings, hooks and the theme -----------------------------------------------------------------
def test_a_user_change_reaches_the_settings_and_the_view_and_shown_settings_do_not_echo(panel):
    panel.learn()
    learned, seen = [], []
    panel.controls.learn_changed.connect(learned.append)
    panel.controls.montage_form.changed.connect(seen.append)
    widget(panel.controls, "relearn").setChecked(False)  # the switch alone: nothing to learn again
    assert learned == [] and not panel.controls.settings().relearn
    widget(panel.controls, "whiten").setChecked(False)
    assert learned == [panel.controls.settings()] and not panel.controls.settings().whiten
    assert panel.controls.status_label.text() == "Settings changed: press Learn kernels."
    assert not widget(panel.controls, "zca_eps").isEnabled()
    widget(panel.controls, "source").setCurrentIndex(2)
    assert panel.controls.folder_row.isVisibleTo(panel.controls)
    panel.controls.set_settings(LearnSettings(**{**SMALL, "k": 5}))  # shown, not used: no echo
    panel.controls.montage_form.set_settings(MontageSettings(show="kernels"))
    assert len(learned) == 2 and seen == [] and widget(panel.controls, "k").value() == 5
    assert "centroids" in panel.montage.title.text  # the view follows changes, not shown settings
    show = widget(panel.controls, "show")
    show.setCurrentIndex(show.findData("centroids"))
    show.setCurrentIndex(show.findData("kernels"))
    assert [s.show for s in seen] == ["centroids", "kernels"] and "kernels for raw pictures" in panel.montage.title.text


def test_current_and_applied_settings(panel, qtbot):
    learn, montage, compare = panel.current_settings()
    assert learn == LearnSettings(**SMALL) and montage == MontageSettings() and compare == CompareSettings()
    panel.apply_settings(replace(montage, sort_by="orientation"))
    assert widget(panel.controls, "sort_by").currentData() == "orientation"
    panel.apply_settings(replace(compare, kernels=9, sets=("raw",)))
    assert panel.compare_controls.form.widgets["kernels"].value() == 9
    assert [name for name, box in panel.compare_controls.set_boxes.items() if box.isChecked()] == ["raw"]
    assert panel.compare_controls.status_label.text() == "Settings changed: press Run comparison."
    panel.learn()
    panel.apply_settings(replace(learn, k=7))  # as a user: re-learns (the switch is on) once the burst is over
    assert panel._learn_dirty and widget(panel.controls, "k").value() == 7
    qtbot.waitUntil(lambda: panel.learned is not None and len(panel.learned.kernels) == 7)
    assert panel.current_settings()[0].k == 7
    with pytest.raises(ValueError, match="no settings of type"):
        panel.apply_settings(object())


def test_fonts_follow_the_theme_and_nothing_needs_the_old_walker(panel):
    from theme_helpers import not_themed

    from convlab.ui.theme import theme

    panel.learn()
    panel.compare.dataset = None
    panel.compare_controls.change(kernels=4, digits_side=8, sets=("raw", "hand"))
    panel.compare.run()
    view, montage = panel.comparison, panel.montage

    def sizes():
        bar_text = [i for i in view.accuracy_plot.items() if isinstance(i, pg.TextItem)][0]
        return (montage.title.opts["size"], montage.labels[0].textItem.font().pointSizeF(),
                panel.samples.before.ci.getItem(0, 0).opts["size"], view.accuracy_plot.getPlotItem().titleLabel.opts[
                    "size"], view.accuracy_plot.getAxis("bottom").style["tickFont"].pointSizeF(),
                bar_text.textItem.font().pointSizeF(), view.legend.opts["labelTextSize"])

    assert sizes() == ("12pt", 11.0, "12pt", "13pt", 12.0, 12.0, "11pt")
    try:
        theme().set_scale(2.0)
        assert sizes() == ("24pt", 22.0, "24pt", "26pt", 24.0, 24.0, "22pt")
        assert not_themed(panel) == []  # every font and pen of the panel follows the theme itself
    finally:
        theme().set_scale(1.0)
    assert sizes() == ("12pt", 11.0, "12pt", "13pt", 12.0, 12.0, "11pt")
    error = panel.controls.input_error
    assert error.styleSheet() == f"color: {ERROR_COLOUR}; font-weight: bold;" and error.property(THEMED)
