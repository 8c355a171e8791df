"""Lesson files: exact round trips, atomic saving, and a corpus of bad files that each give a clear message."""
import json
import os

import numpy as np
import pytest

from convlab.io.lesson_fields import check_fields, choice, flag, integer, number, number_grid, number_list, text
from convlab.io.lessons import (
    FORMAT,
    LESSON_SUFFIX,
    VERSION,
    Lesson,
    LessonBank,
    LessonFileError,
    lesson_text,
    load_lesson,
    parse_lesson,
    read_lesson_title,
    save_lesson,
)

SOBEL = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32)


def make_lesson(rng=None) -> Lesson:
    rng = rng or np.random.default_rng(0)
    colour = rng.normal(size=(5, 4, 3)).astype(np.float32)
    bank = LessonBank(("sobel_x", "random colour", "tiny"), (SOBEL, colour, np.array([[1e-30, -3e38]], np.float32)),
                      (True, False, True), "edges 3x3")
    panels = {"features": {"stride": 2, "stage": "conv", "per_map_scale": False, "bank_request": {"choice": "edges"}},
              "smoothing": {"noise": 0.25, "t": None, "signal": [0.5, -1.0, 2.0]}}
    return Lesson("features", "sample:edges", bank, panels, "Edges", "Sobel after convolution")


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def valid_text(**changes) -> str:
    document = json.loads(lesson_text(make_lesson()))
    document.update(changes)
    return json.dumps(document)


# ---- round trips ------------------------------------------------------------------------------
def test_round_trip_is_exact(tmp_path):
    lesson = make_lesson()
    path = save_lesson(tmp_path / "edges.convlab", lesson)
    back = load_lesson(path)
    assert back.warnings == () and back.path == str(path) and back.version == VERSION
    assert (back.panel, back.source, back.title, back.description) == ("features", "sample:edges", "Edges",
                                                                      "Sobel after convolution")
    assert back.bank.names == lesson.bank.names and back.bank.enabled == (True, False, True)
    assert back.bank.origin == "edges 3x3"
    for mine, theirs in zip(lesson.bank.kernels, back.bank.kernels):
        assert theirs.dtype == np.float32 and theirs.shape == mine.shape
        np.testing.assert_array_equal(theirs, mine)
    assert back.panels == lesson.panels


def test_float32_weights_are_written_short_and_read_back_bit_exact(tmp_path):
    rng = np.random.default_rng(0)
    values = (rng.normal(size=(15, 15)) * 10.0 ** rng.integers(-40, 38, size=(15, 15))).astype(np.float32)
    values[0, :4] = [0.1, 1 / 3, np.float32(np.finfo(np.float32).max), np.float32(1e-45)]
    lesson = Lesson(bank=LessonBank(("k",), (values,), (True,)))
    back = load_lesson(save_lesson(tmp_path / "k.convlab", lesson))
    assert back.bank.kernels[0].tobytes() == values.tobytes()
    assert "0.1," in lesson_text(lesson)  # the shortest decimal of float32(0.1), not 0.10000000149011612


def test_text_is_readable_json_with_one_line_per_kernel_row():
    text_out = lesson_text(make_lesson())
    document = json.loads(text_out)
    assert list(document)[:2] == ["format", "version"] and document["format"] == FORMAT
    assert "[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]" in text_out
    assert '"names": ["sobel_x", "random colour", "tiny"]' in text_out


def test_a_path_without_suffix_gets_the_lesson_suffix(tmp_path):
    assert save_lesson(tmp_path / "demo", make_lesson()).name == "demo" + LESSON_SUFFIX


def test_non_ascii_path_round_trips(tmp_path):
    folder = tmp_path / "leçons été 日本"
    folder.mkdir()
    path = save_lesson(folder / "détecteur de bords.convlab", make_lesson())
    assert load_lesson(path).title == "Edges"
    with pytest.raises(LessonFileError, match="été 日本.*does not exist"):
        load_lesson(folder / "absent ü.convlab")


def test_a_lesson_without_bank_leaves_it_out():
    document = json.loads(lesson_text(Lesson(panel="smoothing")))
    assert "bank" not in document and document["panels"] == {}
    assert parse_lesson(json.dumps(document)).bank is None


@pytest.mark.parametrize("bad, error", [
    ({"panels": {"features": {"noise": float("nan")}}}, ValueError),
    ({"panels": {"features": {"stride": np.int64(2)}}}, TypeError),
    ({"panels": {"features": 3}}, ValueError),
    ({"bank": LessonBank(("a",), (np.array([[np.nan]]),), (True,))}, ValueError),
    ({"bank": LessonBank(("a", "b"), (SOBEL,), (True,))}, ValueError),
    ({"bank": LessonBank(("",), (SOBEL,), (True,))}, ValueError),
])
def test_saving_bad_content_is_refused_before_touching_the_file(tmp_path, bad, error):
    path = save_lesson(tmp_path / "keep.convlab", make_lesson())
    before = path.read_bytes()
    fields = {"panel": "features", **bad}
    with pytest.raises(error):
        save_lesson(path, Lesson(**fields))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["keep.convlab"]


# ---- atomic saving ------------------------------------------------------------------------------
def test_failed_rename_keeps_the_previous_file_and_leaves_no_temp_file(tmp_path, monkeypatch):
    path = save_lesson(tmp_path / "lesson.convlab", make_lesson())
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        save_lesson(path, Lesson(panel="smoothing", title="other"))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["lesson.convlab"]


def test_failure_while_writing_keeps_the_previous_file(tmp_path, monkeypatch):
    path = save_lesson(tmp_path / "lesson.convlab", make_lesson())
    before = path.read_bytes()

    def broken_fsync(_fd):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        save_lesson(path, Lesson(panel="smoothing"))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["lesson.convlab"]


def test_the_data_is_flushed_to_disk_before_the_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b)))
    save_lesson(tmp_path / "a.convlab", make_lesson())
    assert calls[:2] == ["fsync", "replace"]
    assert oct((tmp_path / "a.convlab").stat().st_mode & 0o777) == oct(0o644)


def test_saving_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = save_lesson(tmp_path / "a.convlab", make_lesson())
    path.chmod(0o600)
    save_lesson(path, Lesson(panel="smoothing"))
    assert path.stat().st_mode & 0o777 == 0o600


# ---- the bad-file corpus ---------------------------------------------------------------------
def corpus(folder):
    """{case: (path, expected phrase in the message)} of files that cannot be lessons."""
    good = lesson_text(make_lesson())
    nan_kernel = good.replace("[[-1.0, 0.0, 1.0], [-2.0", "[[-1.0, NaN, 1.0], [-2.0", 1)
    assert nan_kernel != good
    (folder / "a folder.convlab").mkdir()
    cases = {
        "zero bytes": (b"", "empty (0 bytes)"),
        "truncated": (good[: len(good) // 2].encode(), "ends too early (truncated?)"),
        "not JSON": (b"this is a lecture note, not a lesson\n", "not valid JSON"),
        "JSON array": (b"[1, 2, 3]", "holds a list"),
        "JSON number": (b"42", "a single value"),
        "wrong format": (json.dumps({"format": "convlab-kernels", "version": 1}).encode(), "not a convlab lesson"),
        "no format": (b'{"version": 1}', "not a convlab lesson"),
        "version text": (valid_text(version="1").encode(), "\"version\" must be a whole number"),
        "version zero": (valid_text(version=0).encode(), "\"version\" must be a whole number"),
        "version true": (valid_text(version=True).encode(), "\"version\" must be a whole number"),
        "NaN in a kernel": (nan_kernel.encode(), "kernel 1 ('sobel_x'): the weight at row 1, column 2 is nan"),
        "Infinity in a kernel": (nan_kernel.replace("NaN", "-Infinity").encode(), "is -inf"),
        "overflowing weight": (nan_kernel.replace("NaN", "1e400").encode(), "is inf"),
        "too large for float32": (nan_kernel.replace("NaN", "1e39").encode(), "too large for 32-bit"),
        "text weight": (nan_kernel.replace("NaN", '"0"').encode(), "must be a number"),
        "ragged kernel": (good.replace("[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0]", "[[-1.0, 0.0, 1.0], [-2.0, 0.0]",
                                       1).encode(), "not rectangular"),
        "names and kernels differ": (valid_text(bank={"names": ["a", "b"], "kernels": [[[1.0]]]}).encode(),
                                     "one kernel per name"),
        "too many kernels": (valid_text(bank={"names": ["k"] * 65, "kernels": [[[1.0]]] * 65}).encode(),
                             "1 to 64 kernel names"),
        "bank not a group": (valid_text(bank=[1, 2]).encode(), "kernel bank is broken"),
        "flat kernel": (valid_text(bank={"names": ["a"], "kernels": [[1.0, 2.0]]}).encode(), "rows of weights"),
        "not UTF-8": (b'{"format": "convlab-lesson", "title": "\xff\xfe"}', "not a text file"),
        "deep nesting": (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
    }
    paths = {}
    for case, (data, phrase) in cases.items():
        paths[case] = (write(folder / f"{case}.convlab", data), phrase)
    paths["a directory"] = (folder / "a folder.convlab", "folder (directory)")
    paths["a missing file"] = (folder / "never saved ü.convlab", "does not exist")
    return paths


def test_every_bad_file_raises_a_clear_error_naming_the_file(tmp_path):
    for case, (path, phrase) in corpus(tmp_path).items():
        with pytest.raises(LessonFileError) as info:
            load_lesson(path)
        message = str(info.value)
        assert str(path) in message, case
        assert phrase in message, (case, message)
        assert isinstance(info.value, ValueError)


def test_newer_version_with_unknown_fields_opens_with_warnings():
    document = json.loads(lesson_text(make_lesson()))
    document.update(version=VERSION + 1, glow="blue", narration={"speed": 2})
    document["bank"]["temperature"] = 3
    lesson = parse_lesson(json.dumps(document), "future.convlab")
    joined = " ".join(lesson.warnings)
    assert "newer convlab (file version 2" in joined
    for field in ("'glow'", "'narration'", "'temperature'"):
        assert field in joined
    assert lesson.panel == "features" and lesson.bank.names[0] == "sobel_x" and lesson.version == 2
    assert lesson.panels["features"]["stride"] == 2


def test_malformed_optional_parts_become_warnings_not_errors():
    document = json.loads(lesson_text(make_lesson()))
    document.update(title=5, panel="Not A Key", source=["x"])
    document["panels"] = {"features": [1, 2], "smoothing": {"noise": 0.1}}
    document["bank"]["enabled"] = [False, False, False]
    document["bank"]["origin"] = 7
    lesson = parse_lesson(json.dumps(document))
    assert (lesson.title, lesson.panel, lesson.source) == ("", "", "")
    assert list(lesson.panels) == ["smoothing"]
    assert lesson.bank.enabled == (True, True, True) and lesson.bank.origin == "lesson"
    assert len(lesson.warnings) == 6, lesson.warnings
    bad_panels = json.loads(valid_text(panels=[1]))
    assert parse_lesson(json.dumps(bad_panels)).panels == {}


def test_only_format_and_version_are_required():
    lesson = parse_lesson('{"format": "convlab-lesson", "version": 1}')
    assert (lesson.panel, lesson.source, lesson.bank, lesson.panels, lesson.warnings) == ("", "", None, {}, ())


def test_title_for_the_menu(tmp_path):
    assert read_lesson_title(save_lesson(tmp_path / "x.convlab", make_lesson())) == "Edges"
    assert read_lesson_title(write(tmp_path / "broken-one.convlab", b"{")) == "broken-one"
    assert read_lesson_title(save_lesson(tmp_path / "untitled.convlab", Lesson())) == "untitled"


# ---- checking a panel's section ---------------------------------------------------------------
@pytest.mark.parametrize("checker, good, bad", [
    (integer(1, 8), [1, 8], [0, 9, 2.0, True, "3", None, float("nan")]),
    (number(0.0, 2.0), [0, 2, 0.5], [-0.1, 2.01, float("nan"), float("inf"), True, "1"]),
    (number(-1e30, 1e30, nonzero=True), [-1, 1e-9], [0, 0.0]),
    (flag(), [True, False], [1, 0, "true", None]),
    (choice(("same", "valid")), ["same"], ["SAME", 1, None]),
    (choice((True, False)), [True, False], [1, 0]),
    (choice((0, 2, 3)), [0, 3], [False, 2.0, 1]),
    (text(5), ["", "abcde"], ["abcdef", 3, None]),
    (number_list(1, 3), [[1], [1, 2.5, -3]], [[], [1, 2, 3, 4], [1, float("nan")], [True], "12"]),
    (number_grid(3), [[[1]], [[1, 2], [3, 4]]], [[], [[]], [[1, 2], [3]], [[1, 2, 3, 4]], [1, 2], [[float("inf")]]]),
])
def test_field_checkers_accept_exactly_the_allowed_values(checker, good, bad):
    for value in good:
        assert checker(value, "field") == value
    for value in bad:
        with pytest.raises(ValueError, match="'field"):
            checker(value, "field")


def test_check_fields_warns_about_unknown_fields_and_refuses_bad_values():
    checkers = {"stride": integer(1, 8), "mode": choice(("same", "valid"))}
    values, warnings = check_fields({"stride": 3, "glow": 1}, checkers, "Feature maps")
    assert values == {"stride": 3}
    assert warnings == ["Feature maps: the setting 'glow' is unknown to this convlab and was ignored."]
    with pytest.raises(ValueError, match="'mode' must be one of 'same', 'valid'; found 'full'"):
        check_fields({"stride": 3, "mode": "full"}, checkers, "Feature maps")
    with pytest.raises(ValueError, match="group of named values"):
        check_fields([("stride", 3)], checkers, "Feature maps")
