"""Lesson files through a real MainWindow: the shipped lessons, the command line, the menu, and bad or
partial lessons that leave the running state whole (or restore it when applying fails)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from window_helpers import make_window, panel, settle, state

from convlab.engine.kernel_banks import make_bank
from convlab.io.lessons import Lesson, LessonBank, lesson_text, load_lesson, save_lesson
from convlab.ui.lesson_menu import shipped_lessons

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def customise(window, qtbot):
    """Move away from the defaults in every part of the lab."""
    window.open_spec("sample:edges")
    features = panel(window, "features")
    choice = features.controls.bank_form.widgets["choice"]
    choice.setCurrentIndex(choice.findData("edges"))
    features.controls.params_form.change(stage="conv", stride=2)
    panel(window, "editor").controls.preview_form.change(operation="convolution", dilation=2)
    panel(window, "smoothing").controls.form.change(kind="box", width=9)
    panel(window, "connectivity").controls.change("stack", depth=4)
    panel(window, "connectivity").show_tab("matrices")
    window.show_panel("connectivity")
    settle(qtbot)


# ---- shipped lessons ------------------------------------------------------------------------------
def test_every_shipped_lesson_opens_without_warnings_and_shows_content(window, qtbot):
    lessons = shipped_lessons()
    assert len(lessons) >= 4
    assert [a.text() for a in window.lessons.lessons_menu.actions()] == [title for title, _ in lessons]
    for title, path in lessons:
        lesson = load_lesson(path)
        assert lesson.title == title and lesson.description and lesson.warnings == ()
        shown_before = {p.key: p.frames_displayed() for p in window.panels}
        assert window.lessons.open(path), window.source_bar.banner.text()
        assert window.lessons.last_warnings == [], (path.name, window.lessons.last_warnings)
        current = window.current_panel()
        assert current.key == lesson.panel
        qtbot.waitUntil(lambda: current.frames_displayed() > shown_before[current.key], timeout=10000)
        for key, section in lesson.panels.items():
            saved = panel(window, key).lesson_state()
            assert {k: saved[k] for k in section if k != "t"} == {k: v for k, v in section.items() if k != "t"}
        if lesson.bank is not None:
            assert [e.name for e in window.bank.entries()] == list(lesson.bank.names)
    names = [p.name for _, p in lessons]
    assert any("edge" in n for n in names) and any("smoothing" in n for n in names)


def test_the_edge_detector_lesson_shows_edge_maps(window, qtbot):
    path = next(p for _, p in shipped_lessons() if "edge" in p.name)
    assert window.lessons.open(path)
    features = panel(window, "features")
    qtbot.waitUntil(lambda: features.last_result is not None and features.last_result.job.params.stage == "conv")
    names, kernels = make_bank("edges", 3)
    assert list(features.last_result.job.names) == list(names)
    conv = features.last_result.value[1].conv
    assert conv.shape[0] == len(names) and np.abs(conv).max() > 0.5  # real edges, not a blank picture


def test_command_line_screenshot_of_a_lesson(tmp_path):
    path = next(p for _, p in shipped_lessons() if "edge" in p.name)
    shot = tmp_path / "lesson.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--lesson", str(path), "--screenshot", str(shot),
                          "--size", "1280x800"], capture_output=True, text=True, timeout=120, env=env, cwd=ROOT,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=np.float32)
    assert pixels.shape[:2] == (800, 1280) and pixels.std() > 20
    assert "convlab: " not in out.stderr.replace("convlab: saved", "")  # no warnings printed
    bad = tmp_path / "bad.convlab"
    bad.write_text("[1, 2]")
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--lesson", str(bad), "--screenshot",
                          str(tmp_path / "never.png")], capture_output=True, text=True, timeout=120, env=env,
                         cwd=ROOT, stdin=subprocess.DEVNULL)
    assert out.returncode == 2
    assert f"Cannot open lesson '{bad}'" in out.stderr and "holds a list" in out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "never.png").exists()


def test_menu_actions_and_shortcuts(window):
    assert window.lessons.open_action.shortcut().toString() == "Ctrl+L"
    assert window.lessons.save_action.shortcut().toString() == "Ctrl+S"
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "Open &lesson…" in texts and "&Save lesson…" in texts and "Lesso&ns" in texts


# ---- bad files, failures and partial lessons: the running state stays whole ------------------------------
def bad_lessons(folder):
    """{case: path} of files that must be refused, with the phrase their message must hold."""
    good = lesson_text(gather_lesson_for_files())
    nan_kernel = good.replace("[[-1.0, 0.0, 1.0], [-2.0", "[[-1.0, NaN, 1.0], [-2.0", 1)
    assert nan_kernel != good
    (folder / "a folder.convlab").mkdir()
    (folder / "ünïcödé 日本").mkdir()
    files = {"zero bytes": ("", "empty (0 bytes)"), "truncated": (good[:len(good) // 2], "ends too early"),
             "not JSON": ("hello lecture hall", "not valid JSON"), "JSON array": ("[1, 2, 3]", "holds a list"),
             "wrong format": ('{"format": "something-else", "version": 1}', "not a convlab lesson"),
             "NaN in a kernel": (nan_kernel, "is nan"),
             "ünïcödé 日本/broken": ('{"format": "convlab-lesson", "version": 1, "bank": {"names": ["a"], '
                                    '"kernels": [[[1.0, 2.0], [3.0]]]}}', "not rectangular")}
    cases = {}
    for name, (content, phrase) in files.items():
        path = folder / f"{name}.convlab"
        path.write_text(content, encoding="utf-8")
        cases[name] = (path, phrase)
    cases["a directory"] = (folder / "a folder.convlab", "folder (directory)")
    cases["a missing file"] = (folder / "ünïcödé 日本" / "gone.convlab", "does not exist")
    return cases


def gather_lesson_for_files():
    names, kernels = make_bank("edges", 3)
    bank = LessonBank(tuple(names), tuple(kernels), (True,) * len(names), "edges 3x3")
    return Lesson("smoothing", "sample:checkerboard", bank, {"smoothing": {"width": 31}}, "file corpus")


def test_bad_files_give_a_clear_message_and_change_nothing(window, qtbot, tmp_path):
    customise(window, qtbot)
    before = state(window)
    for case, (path, phrase) in bad_lessons(tmp_path).items():
        assert not window.lessons.open(path), case
        settle(qtbot)
        banner = window.source_bar.banner.text()
        assert f"Cannot open lesson '{path}'" in banner and phrase in banner, (case, banner)
        assert window.statusBar().currentMessage() == banner
        assert state(window) == before, case
        assert window.current_panel().key == "connectivity"


def test_a_newer_lesson_with_unknown_fields_opens_what_it_can(window, qtbot, tmp_path):
    document = json.loads(lesson_text(gather_lesson_for_files()))
    document.update(version=7, hologram=True, panel="smoothing")
    document["panels"]["smoothing"]["wobble"] = 3
    document["panels"]["holograms"] = {"clusters": 64}
    path = tmp_path / "future.convlab"
    path.write_text(json.dumps(document))
    assert window.lessons.open(path)
    settle(qtbot)
    notes = " ".join(window.lessons.last_warnings)
    for phrase in ("newer convlab (file version 7", "'hologram'", "'wobble'", "panel 'holograms'"):
        assert phrase in notes
    assert len(window.lessons.last_warnings) == 4
    assert panel(window, "smoothing").controls.settings().width == 31
    assert window.sources.spec == "sample:checkerboard" and window.current_panel().key == "smoothing"
    assert "opened with 4 note(s)" in window.source_bar.banner.text()


def test_a_bad_section_is_dropped_and_the_rest_applies(window, qtbot, tmp_path):
    settle(qtbot)
    features_before = panel(window, "features").lesson_state()
    text = lesson_text(gather_lesson_for_files()).replace('"smoothing": {', '"features": {"stride": NaN}, '
                                                          '"smoothing": {', 1)
    path = tmp_path / "half.convlab"
    path.write_text(text)
    assert window.lessons.open(path)
    settle(qtbot)
    assert len(window.lessons.last_warnings) == 1 and "'stride'" in window.lessons.last_warnings[0]
    assert panel(window, "features").lesson_state() == features_before
    assert panel(window, "smoothing").controls.settings().width == 31
    assert window.bank.origin == "edges 3x3"


def test_a_failure_while_applying_puts_the_previous_state_back(window, qtbot, tmp_path, monkeypatch):
    customise(window, qtbot)
    before = state(window)
    lesson = gather_lesson_for_files()
    sections = {"features": {"stage": "activated", "stride": 3}, "smoothing": {"width": 31},
                "connectivity": {"tab": "stack"}}
    path = save_lesson(tmp_path / "explodes.convlab", Lesson("features", "sample:checkerboard", lesson.bank,
                                                             sections, "boom"))
    connectivity = panel(window, "connectivity")
    original = connectivity.apply_lesson_state
    calls = []

    def explode(section):
        calls.append(section)
        if len(calls) == 1:
            raise RuntimeError("disk on fire")
        return original(section)
    monkeypatch.setattr(connectivity, "apply_lesson_state", explode)
    assert not window.lessons.open(path)
    settle(qtbot)
    assert "disk on fire" in window.source_bar.banner.text()
    assert "previous state was restored" in window.source_bar.banner.text()
    assert state(window) == before
    assert window.sources.spec == "sample:edges" and window.current_panel().key == "connectivity"


def test_a_missing_source_or_panel_is_a_warning(window, qtbot, tmp_path):
    document = json.loads(lesson_text(gather_lesson_for_files()))
    document.update(source="no such picture.png", panel="holograms")
    path = tmp_path / "partial.convlab"
    path.write_text(json.dumps(document))
    spec = window.sources.spec
    assert window.lessons.open(path)
    notes = window.lessons.last_warnings
    assert len(notes) == 2 and "no such picture.png does not exist" in notes[1] and "'holograms'" in notes[0]
    assert window.sources.spec == spec and window.bank.origin == "edges 3x3"


def test_a_picture_next_to_the_lesson_is_found_relative_to_it(window, qtbot, tmp_path):
    folder = tmp_path / "course ü"
    folder.mkdir()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (60, 80, 3), dtype=np.uint8)).save(folder / "board.png")
    assert window.open_spec(str(folder / "board.png"))
    assert window.lessons.save(folder / "with picture.convlab")
    assert load_lesson(folder / "with picture.convlab").source == "board.png"
    moved = tmp_path / "moved"
    folder.rename(moved)
    other = make_window(qtbot)
    assert other.lessons.open(moved / "with picture.convlab"), other.source_bar.banner.text()
    assert other.sources.spec == str(moved / "board.png")


def test_a_failed_save_says_why_and_keeps_the_old_file(window, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "keep.convlab"
    assert window.lessons.save(target)
    before = target.read_bytes()
    assert not window.lessons.save(tmp_path / "no such folder" / "x.convlab")
    assert "Could not save the lesson x.convlab" in window.source_bar.banner.text()

    monkeypatch.setattr(os, "replace", lambda *_: (_ for _ in ()).throw(OSError("disk full")))
    window.open_spec("sample:checkerboard")
    assert not window.lessons.save(target)
    assert "disk full" in window.source_bar.banner.text()
    assert target.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["keep.convlab"]
