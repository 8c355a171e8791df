"""``python main.py compare`` as a function: the table on stdout, exit 2 with one clear line on bad input."""
import numpy as np
import pytest

from convlab.compare_cli import main

FAST = ["--kernels", "8", "--size", "5", "--patches", "3000", "--seed", "0"]


@pytest.fixture
def small_set(tmp_path):
    from sklearn.datasets import load_digits

    digits = load_digits()
    path = tmp_path / "digits300.npz"
    np.savez(path, images=digits.images[:300], labels=digits.target[:300])
    return path


def test_prints_the_table_for_a_file(small_set, capsys):
    assert main(["--dataset", str(small_set), *FAST]) == 0
    out = capsys.readouterr().out
    assert "digits300.npz: 300 images of 8x8, 10 classes" in out and "75 test images" in out
    table = [line for line in out.splitlines() if line.startswith("|")]
    assert table[0].startswith("| feature set | kernels | features | test accuracy | learn s | extract s | train s |")
    labels = [line.split("|")[1].strip() for line in table[2:]]
    assert labels == ["raw pixels", "hand-designed", "random", "k-means"]
    for line in table[2:]:
        accuracy = float(line.split("|")[4].strip().rstrip("%"))
        assert 50.0 < accuracy <= 100.0


def test_default_is_the_bundled_digits_with_chosen_sets(capsys):
    assert main([*FAST, "--sets", "raw,random", "--digits-side", "12"]) == 0
    out = capsys.readouterr().out
    assert "digits: 1797 images of 12x12" in out and "upsampled to 12x12" in out
    assert "| random | 8 | 32 |" in out and "k-means" not in out.split("\n\n")[1]


@pytest.mark.parametrize("content, message", [
    (None, "does not exist"),
    (b"this is not a zip", "not a zip file"),
])
def test_bad_file_exits_non_zero_with_a_clear_message(tmp_path, capsys, content, message):
    path = tmp_path / "bad.npz"
    if content is not None:
        path.write_bytes(content)
    assert main(["--dataset", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("convlab compare: Cannot use") and "bad.npz" in captured.err
    assert message in captured.err and "Traceback" not in captured.err


def test_wrong_arrays_and_bad_settings(tmp_path, capsys):
    path = tmp_path / "wrong.npz"
    np.savez(path, pictures=np.zeros((4, 8, 8)), labels=np.arange(4))
    assert main(["--dataset", str(path)]) == 2
    assert "no 'images' array (found: labels, pictures)" in capsys.readouterr().err
    assert main(["--size", "30", "--digits-side", "8"]) == 2
    assert "size must be at most the image side (8)" in capsys.readouterr().err
    assert main(["--sets", "raw,pixels"]) == 2
    assert "feature_sets must be one of" in capsys.readouterr().err
    assert main(["--kernels", "many"]) == 2  # argparse's own usage error
    assert "invalid int value" in capsys.readouterr().err
