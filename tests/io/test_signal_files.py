"""Reading a 1-D signal from CSV / text files: good layouts and every kind of bad file."""
import numpy as np
import pytest

from convlab.io.signal_files import SignalReadError, read_signal, signal_columns


def write(tmp_path, name, text, mode="w"):
    path = tmp_path / name
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_one_column_of_numbers(tmp_path):
    values = np.random.default_rng(0).normal(size=50)
    path = write(tmp_path, "x.txt", "\n".join(repr(float(v)) for v in values) + "\n")
    got = read_signal(path)
    assert got.dtype == np.float64 and got.shape == (50,)
    np.testing.assert_array_equal(got, values)


def test_one_named_column_with_comments_blank_lines_and_bom(tmp_path):
    path = write(tmp_path, "x.csv", "\ufeff# recorded by the monitor\nposition\n1.5\n\n-2e-1\n3\n")
    np.testing.assert_array_equal(read_signal(path), [1.5, -0.2, 3.0])
    assert signal_columns(path) == ["position"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "  "])
def test_named_column_with_each_delimiter(tmp_path, delimiter):
    rows = ["time", "position"], ["0", "1.25"], ["1", "2.5"], ["2", "-3"]
    path = write(tmp_path, "track.csv", "\n".join(delimiter.join(r) for r in rows))
    np.testing.assert_array_equal(read_signal(path, "position"), [1.25, 2.5, -3.0])
    np.testing.assert_array_equal(read_signal(path, 0), [0.0, 1.0, 2.0])
    assert signal_columns(path) == ["time", "position"]


def test_columns_without_header_are_numbered_from_one(tmp_path):
    path = write(tmp_path, "plain.csv", "0, 10\n1, 20\n2, 30\n")
    assert signal_columns(path) == ["1", "2"]
    np.testing.assert_array_equal(read_signal(path, "2"), [10.0, 20.0, 30.0])


def test_quoted_cells(tmp_path):
    path = write(tmp_path, "q.csv", '"t","x"\n"0","4.5"\n"1","5.5"\n')
    np.testing.assert_array_equal(read_signal(path, "x"), [4.5, 5.5])


def test_several_columns_without_a_choice_lists_them(tmp_path):
    path = write(tmp_path, "track.csv", "time,position\n0,1\n1,2\n")
    with pytest.raises(SignalReadError, match=r"track\.csv has 2 columns \(time, position\); choose one"):
        read_signal(path)


def test_missing_column_names_the_file_and_the_columns(tmp_path):
    path = write(tmp_path, "track.csv", "time,position\n0,1\n1,2\n")
    with pytest.raises(SignalReadError, match=r"track\.csv has no column 'speed'; its columns are: time, position"):
        read_signal(path, "speed")
    with pytest.raises(SignalReadError, match="no column 5"):
        read_signal(path, 5)


def test_non_numeric_cell_names_file_line_and_value(tmp_path):
    path = write(tmp_path, "bad.csv", "position\n1.0\n2.0\nabc\n4.0\n")
    with pytest.raises(SignalReadError, match=r"bad\.csv, line 4: 'abc' is not a number"):
        read_signal(path)


@pytest.mark.parametrize("cell", ["nan", "inf", "-Infinity"])
def test_non_finite_values_are_refused(tmp_path, cell):
    path = write(tmp_path, "nan.csv", f"1.0\n{cell}\n3.0\n")
    with pytest.raises(SignalReadError, match="line 2: .* is not a finite number"):
        read_signal(path)


def test_empty_cell_and_short_row(tmp_path):
    path = write(tmp_path, "holes.csv", "t,x\n0,1\n1,\n")
    with pytest.raises(SignalReadError, match="line 3: column 'x' is empty"):
        read_signal(path, "x")
    path = write(tmp_path, "short.csv", "t,x\n0,1\n1\n")
    with pytest.raises(SignalReadError, match="line 3: column 'x' is empty"):
        read_signal(path, "x")


@pytest.mark.parametrize("text, match", [
    ("", "is empty: it holds no numbers"),
    ("\n\n# only a comment\n", "is empty: it holds no numbers"),
    ("time,position\n", "has a header line \\(time, position\\) but no numbers"),
    ("4.0\n", "holds only one number"),
])
def test_empty_files(tmp_path, text, match):
    path = write(tmp_path, "empty.csv", text)
    with pytest.raises(SignalReadError, match=match) as info:
        read_signal(path)
    assert "empty.csv" in str(info.value)


def test_a_directory_a_missing_file_and_a_binary_file(tmp_path):
    with pytest.raises(SignalReadError, match="is a folder"):
        read_signal(tmp_path)
    with pytest.raises(SignalReadError, match="nothere.csv: no such file"):
        read_signal(tmp_path / "nothere.csv")
    path = write(tmp_path, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", mode="wb")
    with pytest.raises(SignalReadError, match="image.png is not a text file"):
        read_signal(path)


def test_errors_are_value_errors():
    assert issubclass(SignalReadError, ValueError)
