"""The kernel-editor panel driven as a user would: typing, pasting, presets, operations, files, bank."""
import json
import time

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit

from convlab.engine.block import prepare_input, shrink_to
from convlab.engine.conv import convolve2d, correlate2d
from convlab.engine.kernels import gabor_kernel, preset_kernel
from convlab.io.kernel_files import load_bank, load_kernel, save_bank
from convlab.sources.base import Frame
from convlab.ui.bank_signals import KernelBank
from convlab.ui.panels.kernel_editor.panel import KernelEditorPanel
from convlab.ui.widgets.kernel_table import BAD_BACKGROUND

ASYMMETRIC = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, -0.5]])


@pytest.fixture
def bank():
    b = KernelBank()
    b.set_from_arrays(["identity", "sobel_x"], np.stack([preset_kernel("identity"), preset_kernel("sobel_x")]))
    return b


@pytest.fixture
def panel(qtbot, bank):
    p = KernelEditorPanel(bank, synchronous=True)
    qtbot.addWidget(p)
    p.resize(1500, 850)
    p.show()
    qtbot.waitExposed(p)
    p.messages = []
    p.message.connect(p.messages.append)
    return p


def _output(panel):
    return panel.preview.image("output")


def _type_in_cell(qtbot, panel, row, col, text):
    """Open the cell editor, type `text`, press Enter (as a user does)."""
    grid = panel.table.table
    grid.setCurrentCell(row, col)
    grid.editItem(grid.item(row, col))
    editors = [e for e in grid.findChildren(QLineEdit) if e.isVisible()]  # closed editors linger hidden
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.state() != grid.State.EditingState)  # the delegate commits in a queued call


def test_starts_with_a_preview_of_the_bundled_photo(panel):
    assert panel.frames_displayed() >= 1
    gray = panel.last_result.gray
    assert gray.shape == (213, 320)  # china.jpg (427 x 640) shrunk below 480 pixels
    assert_array_equal(panel.kernel(), preset_kernel("sobel_x"))
    assert_allclose(_output(panel), correlate2d(gray, panel.kernel().astype(np.float32)), atol=1e-6)
    assert "sum of products" in panel.preview.product_view.caption_text()


def test_typing_in_a_cell_updates_the_kernel_and_the_output(qtbot, panel):
    _type_in_cell(qtbot, panel, 1, 1, "5")
    expected = preset_kernel("sobel_x")
    expected[1, 1] = 5.0
    assert_array_equal(panel.kernel(), expected)
    assert panel.table.table.currentRow() == 2  # Enter moved down, as in a spreadsheet
    assert_allclose(_output(panel), correlate2d(panel.last_result.gray, expected.astype(np.float32)), atol=1e-5)
    _type_in_cell(qtbot, panel, 0, 2, "1/4")
    assert panel.kernel()[0, 2] == 0.25
    assert "sum of weights = 4.25" in panel.column.sum_label.text()


@pytest.mark.parametrize("text, reason", [("abc", "'abc' is not a number"), ("nan", "NaN"),
                                          ("inf", "infinity"), ("", "is empty")])
def test_invalid_cells_are_refused_and_the_last_valid_kernel_stays(qtbot, panel, text, reason):
    before, output_before = panel.kernel(), _output(panel).copy()
    _type_in_cell(qtbot, panel, 2, 0, text)
    message = panel.table.error_text()
    assert "row 3, column 1" in message and reason in message and "keeps -1 there" in message
    assert panel.table.error_label.isVisible()
    assert panel.messages[-1] == message
    assert panel.table.invalid_cells() == [(2, 0)]
    assert panel.table.table.item(2, 0).background().color() == BAD_BACKGROUND
    assert_array_equal(panel.kernel(), before)
    assert_array_equal(_output(panel), output_before)
    _type_in_cell(qtbot, panel, 2, 0, "2")  # fixing the cell clears the red mark and uses the value
    assert panel.table.invalid_cells() == [] and panel.table.error_text() == ""
    assert panel.kernel()[2, 0] == 2.0


def test_rows_and_columns_boxes_resize_around_the_anchor_and_follow_the_kernel(panel):
    panel.column.rows_spin.setValue(5)
    panel.column.cols_spin.setValue(4)
    k = panel.kernel()
    assert k.shape == (5, 4)
    assert_array_equal(k[1:4, 0:3], preset_kernel("sobel_x"))  # the anchor tap (1, 1) moved to (2, 1)
    assert_allclose(_output(panel), correlate2d(panel.last_result.gray, preset_kernel("sobel_x").astype(np.float32)),
                    atol=1e-5)  # zero rows/columns around the anchor do not change 'same' output
    assert (panel.table.table.rowCount(), panel.table.table.columnCount()) == (5, 4)
    panel.set_kernel(np.ones((2, 7)))  # the other direction: state -> boxes
    assert (panel.column.rows_spin.value(), panel.column.cols_spin.value()) == (2, 7)


def test_ctrl_v_pastes_a_spreadsheet_block_and_grows_the_grid(qtbot, panel):
    QGuiApplication.clipboard().setText("1\t2\t3\t4\n5\t6\t7\t8\n-1\t-2\t-3\t-4\n")
    grid = panel.table.table
    grid.setCurrentCell(0, 0)
    qtbot.keyClick(grid, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    expected = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [-1, -2, -3, -4]], float)
    assert_array_equal(panel.kernel(), expected)
    assert (panel.column.rows_spin.value(), panel.column.cols_spin.value()) == (3, 4)
    assert_allclose(_output(panel), correlate2d(panel.last_result.gray, expected.astype(np.float32)), rtol=1e-5,
                    atol=1e-4)
    QGuiApplication.clipboard().setText("1\t2\n3\tx\n")  # a bad block changes nothing
    qtbot.keyClick(grid, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "row 2, column 2: 'x' is not a number" in panel.table.error_text()
    assert_array_equal(panel.kernel(), expected)
    grid.clearSelection()
    grid.setCurrentCell(0, 1)
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert panel.kernel()[0, 1] == 0.0
    qtbot.keyClick(grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "0\n"


def test_the_correlation_convolution_switch_changes_the_output_exactly_as_convolve2d(qtbot, panel):
    panel.set_kernel(ASYMMETRIC)
    gray = panel.last_result.gray
    corr = correlate2d(gray, ASYMMETRIC.astype(np.float32))
    assert_array_equal(_output(panel), corr)
    qtbot.mouseClick(panel.controls.preview_form.widgets["operation"].buttons["convolution"], Qt.MouseButton.LeftButton)
    assert panel.preview_settings().operation == "convolution"
    conv = convolve2d(gray, ASYMMETRIC.astype(np.float32))
    assert_array_equal(_output(panel), conv)
    assert_array_equal(panel.preview.image("difference"), conv - corr)
    assert np.abs(conv - corr).max() > 0.1
    sentence = panel.preview.sentence.text()
    assert "rotated by 180°" in sentence and "differ by up to" in sentence
    panel.set_kernel(preset_kernel("gaussian", 5))  # a symmetric kernel: no difference
    assert "same output" in panel.preview.sentence.text()
    panel.controls.preview_form.set_settings(panel.preview_settings())  # state -> widgets, no echo
    assert panel.controls.preview_form.widgets["operation"].buttons["convolution"].isChecked()


def test_border_stride_dilation_divisor_and_offset_reach_the_output(qtbot, panel):
    panel.set_kernel(ASYMMETRIC)
    controls = panel.controls.preview_form
    controls.widgets["boundary"].setCurrentText("wrap")
    controls.widgets["stride"].setValue(2)
    controls.widgets["dilation"].setValue(3)
    controls.widgets["divisor"].setText("4")
    controls.widgets["divisor"].editingFinished.emit()
    controls.widgets["offset"].setText("-0.25")
    controls.widgets["offset"].editingFinished.emit()
    gray = panel.last_result.gray
    expected = correlate2d(gray, ASYMMETRIC.astype(np.float32), boundary="wrap", stride=2, dilation=3) / 4 - 0.25
    assert_allclose(_output(panel), expected, atol=1e-6)
    assert_allclose(panel.preview.image("relu"), np.maximum(expected, 0), atol=1e-6)
    for bad in ("abc", "0", "nan"):
        controls.widgets["divisor"].setText(bad)
        controls.widgets["divisor"].editingFinished.emit()
        assert f"Divisor (output ÷) must be a non-zero number; got '{bad}'" in controls.refusal()
        assert panel.messages[-1] == controls.refusal() and controls.widgets["divisor"].text() == "4"
        assert panel.preview_settings().divisor == 4.0
        assert_allclose(_output(panel), expected, atol=1e-6)


def test_hovering_an_output_pixel_shows_its_products_and_sum(panel):
    panel.set_kernel(ASYMMETRIC)
    panel.controls.preview_form.change(operation="convolution", mode="valid")
    out = _output(panel)
    panel.preview.views["relu"].pixel_hovered.emit(10, 20)
    caption = panel.preview.product_view.caption_text()
    total = float(caption.split("=")[1])
    assert total == pytest.approx(float(out[10, 20]), abs=1e-3)
    assert "convolution at (row 10, col 20) with the kernel rotated by 180°" in caption
    assert panel.preview.product_view.cell_texts("kernel")[0] == ["-0.5", "0", "0"]  # rotated kernel
    assert panel.preview.views["input"].outline_bounds() == (10, 20, 12, 22)


def test_presets_gabor_sliders_and_refused_sizes(qtbot, panel):
    c = panel.controls
    w = c.preset_form.widgets
    c.preset_combo.setCurrentText("laplacian")
    w["preset_size"].setValue(5)
    assert_array_equal(panel.kernel(), preset_kernel("laplacian", 5))
    assert panel.column.name_edit.text() == "laplacian"
    w["preset_size"].setValue(4)  # laplacian needs an odd size
    assert "size must be odd" in panel.error_text("preset") and "unchanged" in panel.error_text("preset")
    assert_array_equal(panel.kernel(), preset_kernel("laplacian", 5))
    w["gabor_orientation"].slider.setValue(45)  # switches to the Gabor preset
    w["gabor_frequency"].slider.setValue(20)
    assert c.preset_combo.currentText() == "gabor" and panel.error_text("preset") == ""
    assert_allclose(panel.kernel(), gabor_kernel(4, np.deg2rad(45), 0.2, 1.5))
    assert w["gabor_frequency"].readout.text() == "0.2 cycles/pixel"
    w["random_seed"].setValue(9)  # the seed does not refill the grid
    assert_allclose(panel.kernel(), gabor_kernel(4, np.deg2rad(45), 0.2, 1.5))


def test_operation_buttons_match_numpy(qtbot, panel):
    rng = np.random.default_rng(0)
    k = rng.standard_normal((3, 4)).round(3)
    panel.set_kernel(k)
    b = panel.controls.buttons
    for key, expected in (("rotate", np.rot90(k)), ("transpose", np.rot90(k).T), ("flip_h", np.rot90(k).T[:, ::-1]),
                          ("flip_v", np.rot90(k).T[::-1, ::-1])):
        qtbot.mouseClick(b[key], Qt.MouseButton.LeftButton)
        assert_array_equal(panel.kernel(), expected)
    assert panel.kernel().shape == (3, 4) and panel.column.cols_spin.value() == 4
    panel.set_kernel(np.ones((2, 2)))
    qtbot.mouseClick(b["normalise"], Qt.MouseButton.LeftButton)
    assert_array_equal(panel.kernel(), np.full((2, 2), 0.25))
    panel.set_kernel(preset_kernel("sobel_x"))
    qtbot.mouseClick(b["normalise"], Qt.MouseButton.LeftButton)
    assert "sum to 0" in panel.error_text("edit")
    assert_array_equal(panel.kernel(), preset_kernel("sobel_x"))
    panel.controls.preset_form.widgets["random_seed"].setValue(3)
    qtbot.mouseClick(b["random"], Qt.MouseButton.LeftButton)
    k = panel.kernel()
    assert abs(k.sum()) < 1e-12 and np.isclose((k**2).sum(), 1) and panel.error_text("edit") == ""


def test_send_to_bank_adds_the_kernel_divided_by_the_divisor(qtbot, panel, bank):
    changes = []
    bank.changed.connect(lambda: changes.append(1))
    panel.set_kernel(ASYMMETRIC)
    panel.controls.preview_form.change(divisor=2.0)
    panel.column.name_edit.setText("looks up")
    qtbot.mouseClick(panel.column.send_button, Qt.MouseButton.LeftButton)
    entries = bank.entries()
    assert len(entries) == 3 and entries[-1].name == "looks up" and changes == [1]
    assert_array_equal(entries[-1].kernel, (ASYMMETRIC / 2).astype(np.float32))
    assert "Added 'looks up'" in panel.messages[-1]
    assert panel.column.bank_combo.count() == 3  # the bank list follows the bank
    panel.column.name_edit.setText("  ")
    assert not panel.transfers.send_to_bank()
    assert "Type a name" in panel.error_text("bank") and len(bank.entries()) == 3
    panel.column.bank_combo.setCurrentIndex(1)
    qtbot.mouseClick(panel.column.take_button, Qt.MouseButton.LeftButton)
    assert_array_equal(panel.kernel(), preset_kernel("sobel_x"))
    assert panel.column.name_edit.text() == "sobel_x"


def test_colour_bank_kernels_are_summed_over_channels_when_edited(panel, bank):
    bank.add("rgb", np.ones((3, 3, 3), np.float32) / 3)
    panel.column.bank_combo.setCurrentIndex(2)
    panel.transfers.take_from_bank()
    assert_allclose(panel.kernel(), np.ones((3, 3)), rtol=1e-6)
    assert "summed over its 3 channels" in panel.messages[-1]


def test_files_round_trip_and_malformed_files_change_nothing(qtbot, panel, bank, tmp_path, monkeypatch):
    panel.set_kernel(ASYMMETRIC)
    panel.column.name_edit.setText("up")
    assert panel.transfers.save_kernel(tmp_path / "up.txt")
    assert load_kernel(tmp_path / "up.txt")[0] == "up"
    assert panel.transfers.save_bank(tmp_path / "bank.json")
    assert load_bank(tmp_path / "bank.json")[0] == ["identity", "sobel_x"]
    panel.set_kernel(np.ones((2, 2)))
    monkeypatch.setattr("convlab.ui.panels.kernel_editor.transfers.QFileDialog.getOpenFileName",
                        lambda *a, **k: (str(tmp_path / "up.txt"), ""))
    qtbot.mouseClick(panel.controls.buttons["load_kernel"], Qt.MouseButton.LeftButton)
    assert_array_equal(panel.kernel(), ASYMMETRIC)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "convlab-kernels", "version": 1, "kernels": [{"name": "x"')
    entries_before, kernel_before = bank.entries(), panel.kernel()
    for load in (panel.transfers.load_kernel, panel.transfers.load_bank):
        assert not load(bad)
        assert "bad.json" in panel.error_text("files") and "truncated" in panel.error_text("files")
        assert panel.messages[-1] == panel.error_text("files")
    assert_array_equal(panel.kernel(), kernel_before)
    assert [e.name for e in bank.entries()] == [e.name for e in entries_before]


def test_load_bank_replaces_the_shared_bank_and_refuses_oversized_banks(panel, bank, tmp_path):
    save_bank(tmp_path / "two.json", ["a", "b"], [np.eye(2), np.ones((3, 5))])
    assert panel.transfers.load_bank(tmp_path / "two.json") and panel.error_text("files") == ""
    assert [e.name for e in bank.entries()] == ["a", "b"] and bank.origin == "two.json"
    assert bank.entries()[1].kernel.dtype == np.float32
    save_bank(tmp_path / "many.json", [f"k{i}" for i in range(70)], [np.eye(2)] * 70)
    assert not panel.transfers.load_bank(tmp_path / "many.json")
    assert "at most 64" in panel.error_text("files")
    assert [e.name for e in bank.entries()] == ["a", "b"]
    document = json.loads((tmp_path / "two.json").read_text())
    assert document["version"] == 1


def test_frames_from_the_source_replace_the_sample(panel):
    shown = []
    panel.frame_displayed.connect(shown.append)
    before = panel.frames_displayed()
    rng = np.random.default_rng(0)
    frame = Frame(rng.integers(0, 256, (600, 800, 3), dtype=np.uint8), 0, time.perf_counter())
    panel.set_frame(frame)
    assert shown == [frame] and panel.frames_displayed() == before + 1
    gray = prepare_input(shrink_to(frame.image, 480), "gray")  # the reduction it must equal
    assert panel.last_result.gray.shape == gray.shape == (300, 400)
    assert_allclose(panel.last_result.gray, gray, atol=0.5 / 255 + 1e-6)  # up to shrink_to's uint8 rounding
    gray = panel.last_result.gray
    assert_allclose(_output(panel), correlate2d(gray, panel.kernel().astype(np.float32)), atol=1e-5)


def test_asynchronous_panel_coalesces_changes_into_one_preview(qtbot, bank):
    panel = KernelEditorPanel(bank, synchronous=False)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.frames_displayed() >= 1)
    count = panel.frames_displayed()
    for value in range(3, 8):
        panel.column.rows_spin.setValue(value)
    qtbot.waitUntil(lambda: panel.frames_displayed() == count + 1)
    qtbot.wait(50)  # and no second preview comes
    assert panel.frames_displayed() == count + 1
    assert panel.last_result.kernel.shape == (7, 3)


def test_paste_over_the_whole_grid_replaces_it_and_oversized_pastes_are_refused(panel):
    table = panel.table
    table.table.selectAll()
    assert table.paste_text("1, 2\n3, 4")
    assert_array_equal(panel.kernel(), [[1, 2], [3, 4]])
    panel.set_kernel(np.zeros((15, 15)))
    table.table.clearSelection()
    table.table.setCurrentCell(13, 13)
    assert not table.paste_text("1 2 3\n4 5 6\n7 8 9")
    assert "needs a 16 x 16 kernel" in table.error_text()
    assert_array_equal(panel.kernel(), np.zeros((15, 15)))


def test_valid_mode_with_a_kernel_larger_than_the_image_shows_an_empty_output(panel):
    panel.set_frame(Frame(np.full((4, 5, 3), 128, np.uint8), 0, time.perf_counter()))
    panel.controls.preview_form.change(mode="valid")
    panel.set_kernel(np.ones((7, 7)))
    assert panel.last_result.output.shape == (0, 0)
    assert "The output is empty" in panel.preview.sentence.text()
    panel.controls.preview_form.change(mode="full")
    assert _output(panel).shape == (10, 11)
