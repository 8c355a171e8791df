"""Lesson settings of the translation and feature-learning panels through a real MainWindow: both ways,
kernels named by the lesson's own bank, bad values refused, the shipped lessons and the command line."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from window_helpers import make_window, panel, settle

from convlab.io.lessons import Lesson, LessonBank, load_lesson
from convlab.lab.learning import LearnSettings
from convlab.lab.translation import ShiftSettings
from convlab.ui.lesson_menu import shipped_lessons
from convlab.ui.lesson_state import apply_lesson
from convlab.ui.panels.translation.lesson import ROTATION_DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
SMALL = dict(count=2000, k=12, size=6, max_iter=20)


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def as_json(state):
    return json.loads(json.dumps(state))


def choose(combo, data):
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


# ---- translation ---------------------------------------------------------------------------------
def customise_translation(tp, dx, kernel, stride, blur, values, width, angle, count, tab):
    """Move every saved setting through its widget, as a user would."""
    c = tp.image_mode.controls
    c.widget("dx").slider.setValue(dx)
    c.widget("dy").slider.setValue(-dx)
    choose(c.widget("boundary"), "wrap" if blur else "fill")
    choose(c.widget("kernel_name"), kernel)
    choose(c.widget("pool_kind"), "avg" if blur else "max")
    c.widget("pool_size").setValue(stride + 1)
    c.widget("pool_stride").setValue(stride)
    c.widget("antialias").setChecked(blur)
    choose(c.widget("blur_filter"), "[1, 3, 3, 1]" if blur else "[1, 2, 1]")
    choose(c.widget("compare"), "moved" if blur else "same")
    f = tp.figure
    f.values_edit.setText(", ".join(map(str, values)))
    f.values_edit.editingFinished.emit()
    f.entering_edit.setText(str(-values[0]))
    f.entering_edit.editingFinished.emit()
    f.form.widgets["width"].setValue(width)
    f.form.widgets["stride"].setValue(width - 1)
    f.form.widgets["predict"].setChecked(blur)
    r = tp.rotation.form.widgets
    r["angle"].slider.setValue(angle)
    choose(r["input"], "digit 3" if blur else "bar")
    choose(r["kernel"], f"{kernel}" if blur else r["kernel"].itemData(0))
    r["orientations"].setValue(count)
    choose(r["span"], 360.0 if blur else 180.0)
    tp.modes.setCurrentIndex(tab)


def test_translation_settings_round_trip(window, qtbot):
    tp = panel(window, "translation")
    fresh = tp.lesson_state()
    assert fresh["rotation"] == ROTATION_DEFAULTS and fresh["image"]["kernel_name"] == "sobel_x"
    customise_translation(tp, 5, "laplacian", 3, True, [0.5, -1.0, 2.25], 4, 120, 6, 2)
    saved = as_json(tp.lesson_state())  # widget -> state
    assert saved["image"] == {"dx": 5, "dy": -5, "boundary": "wrap", "kernel_name": "laplacian", "pool_kind": "avg",
                              "pool_size": 4, "pool_stride": 3, "antialias": True, "blur_filter": "[1, 3, 3, 1]",
                              "compare": "moved"}
    assert saved["figure"] == {"values": [0.5, -1.0, 2.25], "entering": -0.5, "width": 4, "stride": 3,
                               "predict": True}
    assert saved["rotation"] == {"angle": 120, "input": "digit 3", "kernel": "laplacian", "orientations": 6,
                                 "span": 360.0}
    assert saved["tab"] == "rotation"
    customise_translation(tp, -7, "gabor_45", 2, False, [1.0, 0.0], 2, 10, 4, 0)
    assert as_json(tp.lesson_state()) != saved
    assert tp.apply_lesson_state(saved) == []  # state -> widget
    settle(qtbot)
    assert as_json(tp.lesson_state()) == saved
    c = tp.image_mode.controls
    assert c.widget("dx").value() == 5 and c.widget("kernel_name").currentData() == "laplacian"
    assert c.widget("antialias").isChecked() and c.widget("blur_filter").isEnabled()
    assert tp.figure.values_edit.text() == "0.5, -1, 2.25" and not tp.figure.revealed  # predict: hidden again
    assert tp.rotation.form.widgets["orientations"].value() == 6
    qtbot.waitUntil(lambda: len(tp.rotation.views.map_tiles) == 6)  # rebuilt with 6 kernels
    assert tp.rotation.form.widgets["angle"].readout.text() == "120°" and tp.modes.currentIndex() == 2
    qtbot.waitUntil(lambda: tp.image_mode.last_result.job.settings == ShiftSettings(**saved["image"]))
    # missing fields take their default
    assert tp.apply_lesson_state({"image": {"dx": 2}}) == []
    assert tp.image_mode.settings == ShiftSettings(dx=2, kernel_name="sobel_x")
    assert tp.lesson_state()["rotation"] == ROTATION_DEFAULTS and tp.modes.currentIndex() == 0


def test_translation_kernels_named_by_the_lessons_own_bank(window, qtbot):
    tp = panel(window, "translation")
    kernel = np.array([[0.0, -1.0, 0.0], [0.0, 2.0, 0.0], [0.0, -1.0, 0.0]])
    bank = LessonBank(("sobel_y", "my ridge"), (kernel.T, kernel), (True, True), "lesson")
    section = {"image": {"kernel_name": "my ridge", "pool_stride": 4}, "rotation": {"kernel": "my ridge"}}
    assert apply_lesson(window, Lesson("translation", "", bank, {"translation": section})) == []
    assert tp.image_mode.settings.kernel_name == "my ridge"
    assert tp.rotation.form.widgets["kernel"].currentData() == "my ridge" == tp.rotation.settings.kernel
    np.testing.assert_array_equal(tp.rotation.kernel(), kernel)
    qtbot.waitUntil(lambda: tp.image_mode.last_result.job.settings.kernel_name == "my ridge")
    np.testing.assert_array_equal(tp.image_mode.last_result.job.kernel, kernel)
    # a name no bank holds: the current kernel stays, and the status bar says why
    messages = []
    tp.message.connect(messages.append)
    assert tp.apply_lesson_state({"image": {"kernel_name": "nowhere"}}) == []
    settle(qtbot)
    assert tp.image_mode.settings.kernel_name == "my ridge" and tp.wanted_kernels == {}
    assert messages == ["Translation: the lesson's kernel 'nowhere' is not in the bank; the current kernel stays."]
    window.bank.set_entries(window.bank.entries()[:1], "trimmed")  # a later bank change picks nothing up
    assert tp.image_mode.settings.kernel_name == "sobel_y"


# ---- feature learning ------------------------------------------------------------------------------
def learning_widget(controls, key):
    """The control of a LearnSettings or MontageSettings field."""
    return controls.form.widgets[key] if key in controls.form.widgets else controls.montage_form.widgets[key]


def customise_learning(lp, size, whiten, method, sort_by, relearn, kernels, sets, tab):
    c, cc = lp.controls, lp.compare_controls
    choose(learning_widget(c, "source"), "collected" if whiten else "frame")
    learning_widget(c, "size").setValue(size)
    learning_widget(c, "count").setValue(size * 1000)
    learning_widget(c, "color").setChecked(not whiten)
    learning_widget(c, "seed").setValue(size + 1)
    learning_widget(c, "normalize").setChecked(not whiten)
    learning_widget(c, "norm_eps").setText(f"{size / 4}")
    learning_widget(c, "norm_eps").editingFinished.emit()
    learning_widget(c, "whiten").setChecked(whiten)
    learning_widget(c, "zca_eps").setText(f"{size / 8}")
    learning_widget(c, "zca_eps").editingFinished.emit()
    learning_widget(c, "k").setValue(size * 2)
    choose(learning_widget(c, "method"), method)
    learning_widget(c, "max_iter").setValue(size * 3)
    choose(learning_widget(c, "sort_by"), sort_by)
    choose(learning_widget(c, "show"), "kernels" if whiten else "centroids")
    learning_widget(c, "relearn").setChecked(relearn)
    for key, w in cc.form.widgets.items():
        w.setValue(kernels + (8 if key == "digits_side" else 0) if key != "size" else 3 + kernels % 5)
    for name, box in cc.set_boxes.items():
        box.setChecked(True)
    for name, box in cc.set_boxes.items():
        box.setChecked(name in sets)
    lp.tabs.setCurrentIndex(tab)


def test_learning_settings_round_trip_without_starting_a_run(window, qtbot):
    lp = panel(window, "learning")
    assert lp.lesson_state()["relearn"] is True
    customise_learning(lp, 12, True, "minibatch", "orientation", False, 9, ("hand", "kmeans"), 1)
    saved = as_json(lp.lesson_state())  # widget -> state
    assert saved == {"source": "collected", "folder": "", "size": 12, "count": 12000, "color": False, "seed": 13,
                     "normalize": False, "norm_eps": 3.0, "whiten": True, "zca_eps": 1.5, "k": 24,
                     "method": "minibatch", "max_iter": 36, "sort_by": "orientation", "show": "kernels",
                     "relearn": False, "compare": {"kernels": 9, "size": 7, "seed": 9, "digits_side": 17,
                                                   "sets": ["hand", "kmeans"]}, "tab": "compare"}
    customise_learning(lp, 5, False, "kmeans", "none", True, 20, ("raw",), 0)
    assert as_json(lp.lesson_state()) != saved
    assert lp.apply_lesson_state(saved) == []  # state -> widget
    settle(qtbot)
    assert as_json(lp.lesson_state()) == saved
    c = lp.controls
    assert learning_widget(c, "zca_eps").text() == "1.5" and learning_widget(c, "norm_eps").text() == "3"
    assert not learning_widget(c, "relearn").isChecked()
    assert learning_widget(c, "method").currentData() == "minibatch" and c.montage().show == "kernels"
    assert [n for n, b in lp.compare_controls.set_boxes.items() if b.isChecked()] == ["hand", "kmeans"]
    assert lp.tabs.currentIndex() == 1
    # applying set the widgets only: nothing was learned or compared in the background
    assert lp.learned is None and not lp.learn_runner.is_running() and lp.frames_displayed() == 0
    assert not lp.compare.runner.is_running() and lp.comparison.rows == []
    assert lp.apply_lesson_state({"k": 5}) == []  # missing fields take their default
    assert lp.controls.settings() == LearnSettings(k=5) and learning_widget(lp.controls, "relearn").isChecked()


def test_learning_relearns_only_as_its_switch_says(window, qtbot):
    lp = panel(window, "learning")
    lp.controls.set_settings(LearnSettings(**SMALL))
    lp.learn()
    assert lp.frames_displayed() == 1 and lp.learned.kernels.shape == (12, 6, 6)
    base = {**lp.lesson_state(), "relearn": False, "k": 7}
    assert lp.apply_lesson_state(base) == []
    settle(qtbot)
    assert lp.frames_displayed() == 1 and lp.controls.status_label.text() == "Settings changed: press Learn kernels."
    assert lp.apply_lesson_state({**base, "relearn": True}) == []  # nothing changed: no run
    settle(qtbot)
    assert lp.frames_displayed() == 1
    assert lp.apply_lesson_state({**base, "relearn": True, "k": 9}) == []  # a change, with re-learn on
    qtbot.waitUntil(lambda: lp.frames_displayed() == 2)
    assert lp.learned.kernels.shape == (9, 6, 6)
    assert lp.comparison.rows == [] and not lp.compare.runner.is_running()


def test_a_folder_that_is_not_here_falls_back_to_the_frame(window, tmp_path):
    lp = panel(window, "learning")
    warnings = lp.apply_lesson_state({"source": "folder", "folder": str(tmp_path / "gone"), "k": 4})
    assert len(warnings) == 1 and "not on this computer" in warnings[0]
    assert lp.controls.settings() == LearnSettings(folder=str(tmp_path / "gone"), k=4)
    assert lp.apply_lesson_state({"source": "folder", "folder": str(tmp_path)}) == []
    assert lp.controls.settings().source == "folder" and lp.controls.folder_row.isVisibleTo(lp.controls)


# ---- bad values ------------------------------------------------------------------------------------
BAD_SECTIONS = [
    ("translation", {"image": {"dx": 40}, "tab": "figure"}),
    ("translation", {"image": [1, 2], "tab": "figure"}),
    ("translation", {"figure": {"values": []}, "tab": "figure"}),
    ("translation", {"figure": {"entering": float("nan")}, "tab": "figure"}),
    ("translation", {"rotation": {"span": 90, "orientations": 4}}),
    ("translation", {"rotation": {"input": "digit 12"}}),
    ("translation", {"tab": "elsewhere"}),
    ("learning", {"k": 1, "tab": "compare"}),
    ("learning", {"zca_eps": 0, "k": 8}),
    ("learning", {"method": "dbscan"}),
    ("learning", {"relearn": "yes", "k": 8}),
    ("learning", {"compare": {"sets": ["raw", "raw"]}, "k": 8}),
    ("learning", {"compare": {"kernels": 100}, "k": 8}),
    ("learning", ["k", 8]),
]


def test_a_bad_value_refuses_the_section_and_changes_nothing(window, qtbot):
    settle(qtbot)
    for key, bad in BAD_SECTIONS:
        target = panel(window, key)
        before = target.lesson_state()
        warnings = target.apply_lesson_state(bad)
        settle(qtbot)
        assert len(warnings) == 1 and "None of this panel's settings from the lesson were applied" in warnings[0], \
            (key, bad, warnings)
        assert target.lesson_state() == before, (key, bad)
    assert panel(window, "learning").frames_displayed() == 0


# ---- shipped lessons and the command line ----------------------------------------------------------
def test_every_shipped_lesson_opens_without_warnings(window, qtbot):
    lessons = shipped_lessons()
    assert len(lessons) == 5
    for title, path in lessons:
        lesson = load_lesson(path)
        assert lesson.warnings == () and lesson.title == title and lesson.description
        assert window.lessons.open(path), window.source_bar.banner.text()
        assert window.lessons.last_warnings == [], (path.name, window.lessons.last_warnings)
        for key, section in lesson.panels.items():
            saved = as_json(panel(window, key).lesson_state())
            assert {k: saved[k] for k in section if k != "t"} == {k: v for k, v in section.items() if k != "t"}
    kmeans = load_lesson(ROOT / "resources" / "lessons" / "5-k-means-features.convlab")
    assert kmeans.title == "k-means features: kernels learned without labels" and kmeans.panel == "learning"
    assert set(kmeans.panels) == {"learning"} and kmeans.panels["learning"]["whiten"] is True
    pooling = load_lesson(ROOT / "resources" / "lessons" / "3-pooling-and-invariance.convlab")
    image = pooling.panels["translation"]["image"]
    assert (image["pool_kind"], image["pool_stride"], image["antialias"]) == ("max", 2, False)


def test_the_k_means_lesson_from_the_command_line(tmp_path):
    shot = tmp_path / "kmeans.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--lesson",
                          "resources/lessons/5-k-means-features.convlab", "--screenshot", str(shot),
                          "--size", "1280x800"], capture_output=True, text=True, timeout=120, env=env, cwd=ROOT,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    assert "convlab: saved" in out.stdout and "Traceback" not in out.stderr
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=np.float32)
    assert pixels.shape[:2] == (800, 1280) and pixels.std() > 20
    montage = pixels[150:550, 420:1260]  # the learned centroids (red/blue tiles), right of the controls
    red_blue = np.abs(montage[..., 0] - montage[..., 2]) > 60
    assert red_blue.mean() > 0.05
