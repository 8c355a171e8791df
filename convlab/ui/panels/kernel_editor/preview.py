"""The kernel editor's live preview: its settings, the computation, and the views (input, output,
output after ReLU, convolution minus cross-correlation, and the sum of products under the mouse)."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFormLayout, QGridLayout, QGroupBox, QLabel, QLineEdit,
                               QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from convlab.engine.block import prepare_input
from convlab.engine.conv import BOUNDARIES, MODES
from convlab.engine.correlation_switch import OPERATIONS, apply_operation
from convlab.engine.kernel_ops import apply_divisor_offset, is_rotation_symmetric, to_convolution
from convlab.lab.kernel_bank import MAX_ABS_WEIGHT
from convlab.ui.widgets.colormaps import diverging_lut
from convlab.ui.widgets.image_panel import ImagePanel
from convlab.ui.widgets.product_view import ProductView, format_value

OPERATION_LABELS = {"correlation": "cross-correlation (as CNN libraries)",
                    "convolution": "convolution (kernel rotated 180°)"}
VIEW_NAMES = ("input", "output", "relu", "difference")
PREVIEW_MAX_SIDE = 480


@dataclass(frozen=True)
class PreviewParams:
    """How the edited kernel is applied to the preview image."""

    operation: str = "correlation"
    mode: str = "same"
    boundary: str = "fill"
    stride: int = 1
    dilation: int = 1
    divisor: float = 1.0
    offset: float = 0.0


@dataclass(frozen=True, eq=False)
class PreviewResult:
    """Everything the preview shows: float arrays (H, W) for the input, the rest (out_h, out_w)."""

    gray: np.ndarray
    kernel: np.ndarray
    params: PreviewParams
    output: np.ndarray
    relu: np.ndarray
    difference: np.ndarray  # convolution minus cross-correlation, both divided by the divisor


def compute_preview(gray, kernel, params: PreviewParams) -> PreviewResult:
    """Apply `kernel` to `gray` both ways: output = operation / divisor + offset, then ReLU."""
    options = dict(mode=params.mode, boundary=params.boundary, stride=params.stride, dilation=params.dilation)
    if np.abs(kernel).max(initial=0.0) > MAX_ABS_WEIGHT:  # sums of products would overflow float32
        raise ValueError(f"weights larger than {MAX_ABS_WEIGHT:g} in size cannot be computed; use smaller weights")
    kernel = np.asarray(kernel, np.float32)
    both = {op: apply_operation(gray, kernel, op, **options) for op in OPERATIONS}
    output = apply_divisor_offset(both[params.operation], params.divisor, params.offset)
    difference = apply_divisor_offset(both["convolution"] - both["correlation"], params.divisor)
    return PreviewResult(gray, kernel, params, output, np.maximum(output, 0), difference)


def preview_gray(rgb, max_side=PREVIEW_MAX_SIDE) -> np.ndarray:
    """Gray float32 image in [0, 1], reduced by an integer box average until its long side is <= max_side.

    The same reduction as ``prepare_input(shrink_to(rgb, max_side), "gray")`` (up to the rounding of
    shrink_to's uint8 result), but 15-20x faster: gray first, then a sum of f*f strided slices.
    """
    gray = prepare_input(rgb, "gray")
    f = -(-max(gray.shape) // max_side)
    if f <= 1:
        return gray
    h, w = gray.shape[0] // f * f, gray.shape[1] // f * f
    total = sum(gray[a:h:f, b:w:f] for a in range(f) for b in range(f))
    return total * np.float32(1.0 / (f * f))


def product_caption(result: PreviewResult, i: int, j: int) -> str:
    """What the sum of products at output pixel (i, j) is, and what the divisor, offset and ReLU make of it."""
    p, value = result.params, float(result.output[i, j])
    text = f"{'convolution' if p.operation == 'convolution' else 'cross-correlation'} at (row {i}, col {j})"
    if p.operation == "convolution":
        text += " with the kernel rotated by 180°"
    if (p.divisor, p.offset) != (1.0, 0.0):
        text += f"; ÷ {format_value(p.divisor)} + {format_value(p.offset)} gives {format_value(value, 4)}"
    return text + f"; after ReLU {format_value(max(value, 0.0), 4)}"


def comparison_sentence(result: PreviewResult) -> str:
    """One plain sentence on how cross-correlation and convolution differ for this kernel."""
    k, p = result.kernel, result.params
    biggest = float(np.max(np.abs(result.difference))) if result.difference.size else 0.0
    rounding = 1e-5 * max(float(np.max(np.abs(result.output))) if result.output.size else 0.0, 1e-12)
    spans = [(n - 1) * p.dilation + 1 for n in k.shape]
    even_same = p.mode == "same" and any(s % 2 == 0 for s in spans)
    if biggest <= rounding:
        return ("This kernel equals itself rotated by 180°, so cross-correlation and convolution give the "
                "same output (the difference map is blank).")
    if is_rotation_symmetric(k) and even_same:
        return ("This kernel equals itself rotated by 180°, but with an even size 'same' mode places the "
                "convolution window one pixel up/left: the two outputs are shifted by one pixel.")
    text = (f"Convolution slides the kernel rotated by 180°, cross-correlation slides it as drawn: here the "
            f"outputs differ by up to {format_value(biggest)} (right: convolution − cross-correlation).")
    if np.allclose(to_convolution(k), -k, atol=1e-7):
        text += " The rotated kernel is minus the kernel, so convolution flips the sign of every edge response."
    return text


def display_levels(values) -> tuple[float, float]:
    """Symmetric levels (-m, m), m the 99.5th percentile of |values| (a few extreme pixels saturate)."""
    magnitude = np.abs(values)
    scale = float(np.percentile(magnitude, 99.5)) or float(magnitude.max())
    scale = max(scale, 1e-12)
    return -scale, scale


def _bold(text: str, points: int = 12) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSize(points)
    font.setBold(True)
    label.setFont(font)
    return label


class PreviewControls(QGroupBox):
    """Operation switch, padding mode, boundary, stride, dilation, divisor and offset."""

    params_changed = Signal(object)  # PreviewParams
    message = Signal(str)

    def __init__(self, parent=None):
        super().__init__("Preview: how the kernel is applied", parent)
        self._params = PreviewParams()
        self.operation_buttons = {op: QRadioButton(OPERATION_LABELS[op]) for op in OPERATIONS}
        self._group = QButtonGroup(self)
        form = QFormLayout(self)
        for op, button in self.operation_buttons.items():
            self._group.addButton(button)
            form.addRow(button)
        self.widgets = {"mode": QComboBox(), "boundary": QComboBox(), "stride": QSpinBox(), "dilation": QSpinBox(),
                        "divisor": QLineEdit(), "offset": QLineEdit()}
        self.widgets["mode"].addItems(MODES)
        self.widgets["boundary"].addItems(BOUNDARIES)
        for key in ("stride", "dilation"):
            self.widgets[key].setRange(1, 8)
        labels = {"mode": "Padding mode", "boundary": "Border values", "stride": "Stride",
                  "dilation": "Dilation", "divisor": "Divisor (output ÷)", "offset": "Offset (bias, output +)"}
        for key, label in labels.items():
            form.addRow(label, self.widgets[key])
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c00000; font-weight: bold;")
        self.error_label.setVisible(False)
        form.addRow(self.error_label)
        self._group.buttonToggled.connect(lambda _b, on: on and self._read())
        for key in ("mode", "boundary"):
            self.widgets[key].currentIndexChanged.connect(self._read)
        for key in ("stride", "dilation"):
            self.widgets[key].valueChanged.connect(self._read)
        for key in ("divisor", "offset"):
            self.widgets[key].editingFinished.connect(self._read)
        self.set_params(self._params)

    def params(self) -> PreviewParams:
        """The current settings."""
        return self._params

    def set_params(self, params: PreviewParams) -> None:
        """Show `params` in the widgets without echoing a change."""
        self._params = params
        for w in list(self.widgets.values()) + list(self.operation_buttons.values()):
            w.blockSignals(True)
        self._group.blockSignals(True)
        self.operation_buttons[params.operation].setChecked(True)
        for key in ("mode", "boundary"):
            self.widgets[key].setCurrentText(getattr(params, key))
        for key in ("stride", "dilation"):
            self.widgets[key].setValue(getattr(params, key))
        for key in ("divisor", "offset"):
            self.widgets[key].setText(format_value(getattr(params, key), 6))
        for w in list(self.widgets.values()) + list(self.operation_buttons.values()):
            w.blockSignals(False)
        self._group.blockSignals(False)
        self._set_error("")

    def change(self, **changes) -> None:
        """Change some settings as a user would (emits params_changed)."""
        self.set_params(replace(self._params, **changes))
        self.params_changed.emit(self._params)

    def _number(self, key: str) -> float:
        text = self.widgets[key].text().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{key} must be a number, e.g. 1, 9 or 0.5; got {text!r}") from None
        if not math.isfinite(value) or (key == "divisor" and value == 0):
            raise ValueError(f"{key} must be a finite{' non-zero' if key == 'divisor' else ''} number; got {text!r}")
        return value

    def _read(self, *_args) -> None:
        try:
            divisor, offset = self._number("divisor"), self._number("offset")
        except ValueError as exc:
            note = f"{exc}; the last valid value stays in use."
            self._set_error(note)
            self.message.emit(note)
            return
        self._set_error("")
        operation = next(op for op, b in self.operation_buttons.items() if b.isChecked())
        w = self.widgets
        params = PreviewParams(operation, w["mode"].currentText(), w["boundary"].currentText(), w["stride"].value(),
                               w["dilation"].value(), divisor, offset)
        if params != self._params:
            self._params = params
            self.params_changed.emit(params)

    def error_text(self) -> str:
        """The red inline message ("" when none)."""
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def _set_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setHidden(not text)


class PreviewViews(QWidget):
    """Four images (input, output, output after ReLU, difference), a sentence, and a product view."""

    pixel_hovered = Signal(int, int)  # a pixel of the output

    def __init__(self, parent=None):
        super().__init__(parent)
        self.views = {name: ImagePanel(margin=4) for name in VIEW_NAMES}
        self.titles = {name: _bold("") for name in VIEW_NAMES}
        for title in self.titles.values():
            title.setWordWrap(True)
        for name in ("output", "relu", "difference"):
            self.views[name].image_item.setLookupTable(diverging_lut())
            self.views[name].pixel_hovered.connect(self.pixel_hovered)
        images = QWidget()
        grid = QGridLayout(images)
        grid.setContentsMargins(0, 0, 0, 0)
        for n, name in enumerate(VIEW_NAMES):
            grid.addWidget(self.titles[name], 2 * (n // 2), n % 2)
            grid.addWidget(self.views[name], 2 * (n // 2) + 1, n % 2)
            grid.setRowStretch(2 * (n // 2) + 1, 1)
        self.sentence = _bold("", 12)
        self.sentence.setWordWrap(True)
        self.sentence.setStyleSheet("color: #123c7a;")
        self.product_view = ProductView()  # laid out by the panel, under the kernel and the images
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sentence)
        layout.addWidget(images, 1)

    def show_result(self, result: PreviewResult) -> None:
        """Draw a PreviewResult (fixed levels: input 0..1, outputs symmetric about 0)."""
        p = result.params
        names = {"correlation": "cross-correlation", "convolution": "convolution"}
        extra = f" ÷ {format_value(p.divisor)} + {format_value(p.offset)}" if (p.divisor, p.offset) != (1, 0) else ""
        self.titles["input"].setText(f"input (gray, {result.gray.shape[0]} x {result.gray.shape[1]})")
        self.titles["output"].setText(f"output: {names[p.operation]}{extra} "
                                      f"({result.output.shape[0]} x {result.output.shape[1]})")
        self.titles["relu"].setText("output after ReLU: max(0, output)")
        self.titles["difference"].setText("convolution − cross-correlation")
        self.views["input"].set_image(result.gray, levels=(0.0, 1.0))
        if result.output.size == 0:
            for name in ("output", "relu", "difference"):
                self.views[name].image_item.clear()
            self.sentence.setText("The output is empty: in 'valid' mode the kernel span must fit inside the image.")
            return
        levels = display_levels(result.output)
        self.views["output"].set_image(result.output, levels=levels)
        self.views["relu"].set_image(result.relu, levels=levels)
        self.views["difference"].set_image(result.difference, levels=levels)  # same scale: comparable
        self.sentence.setText(comparison_sentence(result))

    def image(self, name: str) -> np.ndarray:
        """The array shown in view `name` (one of VIEW_NAMES)."""
        return self.views[name].image_item.image
