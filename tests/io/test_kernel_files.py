"""Kernel files: exact round trips, atomic saves, and every malformed file refused with a clear error."""
import json
import os

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from convlab.io.kernel_files import KernelFileError, load_bank, load_kernel, save_bank, save_kernel


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_bank_round_trip_keeps_names_shapes_and_exact_weights(tmp_path, rng):
    names = ["sobel_x", "even 4x4", "rect 2x5", "colour 3x3x3", "one"]
    kernels = [rng.standard_normal(s) for s in [(3, 3), (4, 4), (2, 5), (3, 3, 3), (1, 1)]]
    kernels[0] = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])  # integers load back as floats
    path = save_bank(tmp_path / "bank.json", names, kernels)
    loaded_names, loaded = load_bank(path)
    assert loaded_names == names
    for original, back in zip(kernels, loaded):
        assert back.dtype == np.float64 and back.shape == original.shape
        assert_array_equal(back, original)  # full precision: bit-exact
    document = json.loads(path.read_text())
    assert document["format"] == "convlab-kernels" and document["version"] == 1
    assert document["kernels"][2]["shape"] == [2, 5]


@pytest.mark.parametrize("suffix", [".json", ".txt", ".csv"])
@pytest.mark.parametrize("shape", [(3, 3), (4, 4), (2, 5), (1, 1)])
def test_single_kernel_round_trip_in_every_format(tmp_path, rng, suffix, shape):
    kernel = rng.standard_normal(shape) * 10.0 ** rng.integers(-5, 5, shape)
    path = save_kernel(tmp_path / f"edge{suffix}", kernel, "my kernel")
    name, back = load_kernel(path)
    assert_array_equal(back, kernel)
    assert name == ("edge" if suffix == ".csv" else "my kernel")  # CSV keeps no name: the file name


def test_text_and_csv_grids_written_by_hand_load(tmp_path):
    (tmp_path / "blur.csv").write_text("1,2,1\n2,4,2\n1,2,1\n")
    (tmp_path / "sheet.txt").write_text("# from a spreadsheet\n# name: ridge\n-1\t2\t-1\n-1\t2\t-1\n")
    (tmp_path / "plain.txt").write_text("\ufeff0 1/2\r\n-1/2 0\r\n")  # BOM, CRLF, fractions
    assert load_kernel(tmp_path / "blur.csv")[1].sum() == 16.0
    name, ridge = load_kernel(tmp_path / "sheet.txt")
    assert name == "ridge" and ridge.shape == (2, 3)
    assert_array_equal(load_kernel(tmp_path / "plain.txt")[1], [[0, 0.5], [-0.5, 0]])
    names, kernels = load_bank(tmp_path / "blur.csv")  # a grid is a bank of one
    assert names == ["blur"] and kernels[0].shape == (3, 3)


def test_load_kernel_refuses_a_bank_of_several(tmp_path):
    path = save_bank(tmp_path / "two.json", ["a", "b"], [np.eye(3), np.ones((2, 2))])
    with pytest.raises(KernelFileError, match=r"two\.json.*bank of 2 kernels"):
        load_kernel(path)


def _valid_document():
    return {"format": "convlab-kernels", "version": 1,
            "kernels": [{"name": "k", "shape": [2, 3], "weights": [[1, 2, 3], [4, 5, 6]]}]}


def _with(change):
    document = _valid_document()
    change(document)
    return json.dumps(document)


MALFORMED = {
    "empty.json": (b"", "empty"),
    "truncated.json": (json.dumps(_valid_document())[:-9].encode(), "ends too early"),
    "garbage.json": (b"{format: convlab}", "not valid JSON"),
    "other.json": (b'{"format": "something-else", "version": 1}', "not a convlab kernel file"),
    "list.json": (b"[1, 2, 3]", "not a convlab kernel file"),
    "v2.json": (_with(lambda d: d.update(version=2)).encode(), "version 2 is not supported"),
    "vtrue.json": (_with(lambda d: d.update(version=True)).encode(), "version True is not supported"),
    "nokernels.json": (_with(lambda d: d.update(kernels=[])).encode(), "non-empty list"),
    "nan.json": (_with(lambda d: d["kernels"][0]["weights"][1].__setitem__(2, float("nan"))).encode(),
                 "NaN, which is not a finite number"),
    "inf.json": (_with(lambda d: d["kernels"][0]["weights"][0].__setitem__(0, 1e999)).encode(), "Infinity"),
    "huge.json": (_with(lambda d: d["kernels"][0]["weights"][0].__setitem__(0, 10**400)).encode(),
                  "row 1, column 1 must be a finite number"),
    "text.json": (_with(lambda d: d["kernels"][0]["weights"][0].__setitem__(1, "2")).encode(),
                  "row 1, column 2 must be a finite number; found '2'"),
    "ragged.json": (_with(lambda d: d["kernels"][0]["weights"][1].pop()).encode(),
                    "says 3 weights in row 2, but the weights have 2"),
    "rows.json": (_with(lambda d: d["kernels"][0]["weights"].pop()).encode(), "says 2 rows, but the weights have 1"),
    "shape.json": (_with(lambda d: d["kernels"][0].update(shape=[2, 0])).encode(), "\"shape\" must be"),
    "noname.json": (_with(lambda d: d["kernels"][0].update(name="")).encode(), "non-empty \"name\""),
    "binary.json": (b"\xff\xfe\x00{", "not a text file"),
    "ragged.csv": (b"1,2,3\n4,5\n", "row 2 has 2 values but row 1 has 3"),
    "nan.txt": (b"1 2\n3 nan\n", "row 2, column 2: NaN"),
    "words.csv": (b"a,b\n1,2\n", "row 1, column 1: 'a' is not a number"),
    "blank.txt": (b"\n\n  \n", "empty text"),
}


@pytest.mark.parametrize("file_name", sorted(MALFORMED))
def test_malformed_files_raise_naming_the_file_and_the_problem(tmp_path, file_name):
    content, reason = MALFORMED[file_name]
    path = tmp_path / file_name
    path.write_bytes(content)
    for loader in (load_bank, load_kernel):
        with pytest.raises(KernelFileError) as caught:
            loader(path)
        message = str(caught.value)
        assert str(path) in message and reason in message, message
    assert isinstance(caught.value, ValueError)
    assert path.read_bytes() == content  # loading never touches the file


def test_missing_files_and_folders_are_refused(tmp_path):
    with pytest.raises(KernelFileError, match=r"missing\.json.*does not exist"):
        load_bank(tmp_path / "missing.json")
    folder = tmp_path / "kernels.json"
    folder.mkdir()
    with pytest.raises(KernelFileError, match=r"kernels\.json.*folder"):
        load_kernel(folder)
    with pytest.raises(KernelFileError, match="does not exist"):
        load_kernel(tmp_path / "no" / "such.txt")


def test_a_failed_save_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch):
    path = save_bank(tmp_path / "bank.json", ["old"], [np.eye(3)])
    before = path.read_bytes()

    def broken_replace(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        save_bank(path, ["new"], [np.ones((5, 5))])
    with pytest.raises(OSError):
        save_kernel(tmp_path / "k.txt", np.ones((2, 2)))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank.json"]


def test_a_failed_write_midway_leaves_the_previous_file(tmp_path, monkeypatch):
    path = save_kernel(tmp_path / "k.csv", [[1, 2], [3, 4]])
    before = path.read_bytes()

    def broken_fsync(_fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="Input/output"):
        save_kernel(path, np.zeros((9, 9)))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["k.csv"]


def test_saving_refuses_bad_arguments_without_writing(tmp_path):
    cases = [
        (lambda: save_kernel(tmp_path / "k.png", np.eye(3)), "must end with one of .json, .txt, .csv"),
        (lambda: save_kernel(tmp_path / "k.json", [[1.0, np.nan]]), "NaN or infinity"),
        (lambda: save_kernel(tmp_path / "k.txt", np.ones((2, 2, 3))), "save colour kernels as .json"),
        (lambda: save_kernel(tmp_path / "k.json", np.ones(3)), "kernel must be a non-empty"),
        (lambda: save_kernel(tmp_path / "k.json", np.eye(2), name=""), "name must be a non-empty"),
        (lambda: save_bank(tmp_path / "b.csv", ["a"], [np.eye(2)]), "must end with .json"),
        (lambda: save_bank(tmp_path / "b.json", ["a", "b"], [np.eye(2)]), "equally long"),
        (lambda: save_bank(tmp_path / "b.json", [], []), "non-empty"),
    ]
    for call, match in cases:
        with pytest.raises(ValueError, match=match):
            call()
    assert list(tmp_path.iterdir()) == []


def test_saving_over_a_file_keeps_its_permissions(tmp_path):
    path = save_kernel(tmp_path / "k.txt", np.eye(2))
    assert os.stat(path).st_mode & 0o777 == 0o644
    os.chmod(path, 0o600)
    save_kernel(path, np.ones((3, 3)))
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert load_kernel(path)[1].shape == (3, 3)
