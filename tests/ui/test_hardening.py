"""Hardening: a corpus of bad inputs a user would otherwise find. Each gives a clear message, the app keeps
its previous state, no exception reaches Qt (pytest-qt fails a test on one), no traceback is printed, no hang."""
import faulthandler
import os
import time

import numpy as np
import pytest
from hardening_corpus import bad_datasets, bad_images, bad_kernel_files, bad_signals, odd_images
from window_helpers import make_window

from convlab.io.datasets import DatasetError, load_npz_images
from convlab.io.kernel_files import KernelFileError, load_bank
from convlab.io.signal_files import SignalReadError, read_signal
from convlab.lab.features import BankRequest
from convlab.lab.kernel_bank import MAX_ABS_WEIGHT

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
MAX_SECONDS = 5.0  # any single refusal slower than this counts as a hang


@pytest.fixture(autouse=True)
def watchdog():
    """Kill the run with a traceback of every thread if a test hangs."""
    faulthandler.dump_traceback_later(180, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def no_traceback(capfd):
    yield
    assert "Traceback" not in capfd.readouterr().err


@pytest.fixture
def window(qtbot, no_traceback):
    return make_window(qtbot, "sample:checkerboard")


def _panel(window, key):
    panel = next((p for p in window.panels if p.key == key), None)
    if panel is None:
        pytest.skip(f"no {key} panel")
    return panel


def _bank_snapshot(bank):
    return [(e.name, e.kernel.copy()) for e in bank.entries()], bank.origin


def _same_bank(bank, snapshot):
    entries, origin = snapshot
    now = bank.entries()
    return bank.origin == origin and len(now) == len(entries) and all(
        e.name == n and np.array_equal(e.kernel, k) for e, (n, k) in zip(now, entries))


def _timed(call):
    start = time.perf_counter()
    result = call()
    assert time.perf_counter() - start < MAX_SECONDS, "took too long (a hang?)"
    return result


def test_bad_image_files_are_refused_and_the_source_kept(window, tmp_path):
    last = window.sources.last_frame
    for name, path in bad_images(tmp_path).items():
        assert not _timed(lambda: window.open_spec(str(path))), name
        banner = window.source_bar.banner.text()
        assert path.name in banner and ("Cannot open" in banner), (name, banner)
        assert window.sources.spec == "sample:checkerboard" and window.sources.last_frame is last, name
    reasons = {"zero-byte.png": "empty", "truncated.png": "truncated or corrupt", "text.png": "not an image",
               "claims-100000x100000.png": "too large", "a-folder.png": "folder", "missing.png": "does not exist"}
    for name, reason in reasons.items():
        window.open_spec(str(tmp_path / name))
        assert reason in window.source_bar.banner.text(), name


@pytest.mark.skipif(IS_ROOT, reason="root reads files without read permission")
def test_unreadable_files_are_refused(window, tmp_path):
    path = tmp_path / "secret.png"
    odd_images(tmp_path)["gray.png"][0].rename(path)
    path.chmod(0)
    assert not window.open_spec(str(path))
    assert "permission" in window.source_bar.banner.text()
    for loader in (load_bank, read_signal, load_npz_images):
        with pytest.raises(ValueError, match="secret"):
            loader(path)


def test_odd_images_open_in_every_panel(window, qtbot, tmp_path):
    images = odd_images(tmp_path)
    for index, panel in enumerate(window.panels):
        window.tabs.setCurrentIndex(index)
        for name, (path, shape) in images.items():
            assert _timed(lambda: window.open_spec(str(path))), (panel.key, name)
            qtbot.wait(5)
            assert window.sources.last_frame.image.shape == shape + (3,), (panel.key, name)
            assert window.source_bar.banner.text() in (f"Source: {name}",) or "empty" in window.source_bar.banner.text()
    features = _panel(window, "features")
    window.show_panel("features")
    window.open_spec(str(images["1x1.png"][0]))
    qtbot.waitUntil(lambda: "empty (0x0)" in window.source_bar.banner.text(), timeout=3000)
    assert "smaller than the kernel" in window.source_bar.banner.text()
    shown = features.frames_displayed()
    window.open_spec(str(images["2x2.png"][0]))
    qtbot.waitUntil(lambda: features.frames_displayed() == shown + 1, timeout=3000)
    assert features.grid._maps.shape[1:] == (1, 1)


def test_kernel_larger_than_the_image_gives_a_message_not_a_crash(window, qtbot, tmp_path):
    features = _panel(window, "features")
    window.show_panel("features")
    window.open_spec(str(odd_images(tmp_path)["2x2.png"][0]))
    qtbot.waitUntil(lambda: window.sources.last_frame.image.shape == (2, 2, 3), timeout=3000)
    features.apply_settings(BankRequest("random", 15, 8, 0))
    shown = features.frames_displayed()
    for stage in ("conv", "activated", "pooled"):
        features.controls.params_form.change(mode="valid", stage=stage)
        features._recompute()
        assert "are empty (0x0)" in window.source_bar.banner.text(), stage
    assert features.frames_displayed() == shown
    features.controls.params_form.change(mode="same", stage="conv")
    features._recompute()
    assert features.frames_displayed() == shown + 1 and features.grid._maps.shape == (8, 2, 2)
    for index in range(len(window.panels)):  # every panel meets the 15x15 bank on a 2x2 picture
        window.tabs.setCurrentIndex(index)
        window.open_spec(str(tmp_path / "2x2.png"))
        qtbot.wait(20)


def test_bad_kernel_files_change_nothing(window, tmp_path):
    editor = _panel(window, "editor")
    window.show_panel("editor")
    snapshot, kernel = _bank_snapshot(window.bank), editor.kernel()
    for name, path in bad_kernel_files(tmp_path).items():
        if name != "1e300.csv":
            with pytest.raises(KernelFileError) as info:
                load_bank(path)
            assert path.name in str(info.value), name
        assert not _timed(lambda: editor.transfers.load_bank(str(path))), name
        assert _same_bank(window.bank, snapshot), name
        assert editor.error_text("files"), name
        if name == "1e300.csv":
            assert "finite" in editor.error_text("files")
        else:
            assert not editor.transfers.load_kernel(str(path)), name
            assert np.array_equal(editor.kernel(), kernel), name


def test_typed_kernel_cells_nan_inf_huge_and_empty(window):
    editor = _panel(window, "editor")
    window.show_panel("editor")
    table = editor.table
    kernel = editor.kernel()
    for text in ("nan", "inf", "-inf", "", "abc", "1e999", "1,2"):
        table.table.item(0, 0).setText(text)
        assert (0, 0) in table.invalid_cells(), text
        assert np.array_equal(editor.kernel(), kernel), text
        assert "keeps" in table.error_text(), text
    snapshot = _bank_snapshot(window.bank)
    table.table.item(0, 0).setText("1e300")  # finite, but no float32 sum of products can hold it
    assert editor.kernel()[0, 0] == 1e300
    assert "Could not compute the preview" in window.source_bar.banner.text()
    editor.column.name_edit.setText("huge")
    assert not editor.transfers.send_to_bank()
    assert _same_bank(window.bank, snapshot) and "larger than 1e+30" in editor.error_text("bank")
    table.table.item(0, 0).setText("1e30")
    assert editor.transfers.send_to_bank()
    window.show_panel("features")
    features = window.current_panel()
    assert np.isfinite(features.grid.current_levels()).all()


def test_bank_refuses_empty_non_finite_and_huge_kernels(window):
    snapshot = _bank_snapshot(window.bank)
    for kernels in (np.zeros((1, 0, 0)), np.full((1, 3, 3), np.nan), np.full((1, 3, 3), np.inf),
                    np.full((1, 3, 3), 10 * MAX_ABS_WEIGHT)):
        with pytest.raises(ValueError, match="kernel"):
            window.bank.set_from_arrays(["bad"], kernels, origin="test")
        assert _same_bank(window.bank, snapshot)
    with pytest.raises(ValueError, match="at least one"):
        window.bank.set_entries([])


def test_bad_signal_files_keep_the_track(window, tmp_path):
    smoothing = _panel(window, "smoothing")
    window.show_panel("smoothing")
    before = smoothing.track_plot.measured.getData()[1].copy()
    for case, path in bad_signals(tmp_path).items():
        with pytest.raises(SignalReadError) as info:
            read_signal(path)
        assert path.name in str(info.value), case
        assert not _timed(lambda: smoothing.load_signal(str(path))), case
        assert smoothing.loaded is None, case
        assert path.name in window.source_bar.banner.text(), case
    np.testing.assert_array_equal(smoothing.track_plot.measured.getData()[1], before)
    good = tmp_path / "ünïcødé track ✓.csv"
    good.write_text("t,x\n0,1\n1,2\n2,4\n3,3\n")
    assert smoothing.load_signal(str(good), "x")
    np.testing.assert_array_equal(smoothing.loaded, [1, 2, 4, 3])


def test_bad_labelled_sets_are_refused_by_name(tmp_path):
    for case, path in bad_datasets(tmp_path).items():
        with pytest.raises(DatasetError) as info:
            _timed(lambda: load_npz_images(path))
        assert path.name in str(info.value) and "Cannot use" in str(info.value), case
    messages = {"claims-huge.npz": "too large", "objects.npz": "Python objects", "nan.npz": "NaN",
                "one-class.npz": "at least 2", "truncated.npz": "zip", "single-array.npz": ".npy"}
    for case, words in messages.items():
        with pytest.raises(DatasetError, match=words):
            load_npz_images(tmp_path / case)
    rng = np.random.default_rng(0)
    good = tmp_path / "ünïcødé set ✓.npz"
    np.savez(good, images=rng.random((4, 5, 5)), labels=np.array(["a", "b", "a", "b"]))
    assert load_npz_images(good).class_names == ("a", "b")
