"""Live counters: parameters and operations of the 1-D layer, and of one feature map of an image."""
from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QBoxLayout, QLabel, QLayout, QWidget

from convlab.lab.connectivity import textbook_cost
from convlab.ui.theme import ERROR_COLOUR, theme

_CELL = "padding: 3px 12px;"


def _row(cells, header=False) -> str:
    tag = "th" if header else "td"
    return "<tr>" + "".join(f"<{tag} style='{_CELL}' align='right'>{c}</{tag}>" for c in cells) + "</tr>"


class CostCounters(QWidget):
    """Two tables: the 1-D layer's costs, and convolution versus a dense matrix on an image."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layer_label = QLabel()
        self.image_label = QLabel()
        for label in (self.layer_label, self.image_label):
            theme().label(label, "note")
            label.setWordWrap(True)
        self._box = layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # minimumSizeHint decides
        layout.addWidget(self.layer_label, 2)
        layout.addWidget(self.image_label, 3)
        self.image_cost = None
        self.textbook_cost = textbook_cost()

    def _side_by_side_width(self) -> int:
        """Least width of the two tables next to each other."""
        margins = self._box.contentsMargins()
        return (self.layer_label.minimumSizeHint().width() + self.image_label.minimumSizeHint().width()
                + self._box.spacing() + margins.left() + margins.right())

    def minimumSizeHint(self) -> QSize:
        """As narrow as one table: below the width of both side by side they go one under the other
        (in a 1024-pixel window the two tables side by side made the whole window too wide)."""
        margins = self._box.contentsMargins()
        width = max(self.layer_label.minimumSizeHint().width(), self.image_label.minimumSizeHint().width())
        return QSize(width + margins.left() + margins.right(), self._box.minimumSize().height())

    def sizeHint(self) -> QSize:
        return self._box.sizeHint()

    def resizeEvent(self, event) -> None:
        """Tables side by side when they fit, else stacked."""
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        wide = self.width() >= self._side_by_side_width()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._box.direction() != direction:
            self._box.setDirection(direction)
            self.updateGeometry()

    def is_stacked(self) -> bool:
        """True when the two tables are shown one under the other."""
        return self._box.direction() == QBoxLayout.Direction.TopToBottom

    def show_layer(self, figure) -> None:
        """Parameters and multiply-adds of the three layers, for a LayerFigure."""
        costs, params = figure.costs, figure.settings
        m, n, k = params.inputs, params.outputs, params.kernel
        rows = [_row(["layer", "parameters", "multiply-adds"], header=True),
                _row(["fully connected", f"m·n = {costs['dense'].parameters:,}",
                      f"m·n = {costs['dense'].multiply_adds:,}"]),
                _row(["sparse", f"k·n = {costs['local'].parameters:,}", f"k·n = {costs['local'].multiply_adds:,}"]),
                _row(["convolutional", f"k = {costs['conv'].parameters:,}", f"k·n = {costs['conv'].multiply_adds:,}"])]
        self.layer_label.setText(f"<b>This layer: m = {m}, n = {n}, k = {k}</b>"
                                 f"<table>{''.join(rows)}</table>")

    def show_image(self, count, params) -> None:
        """Convolution against the dense matrix for one feature map of an image (an ImageCount) and the
        textbook's; `params` are the layer's settings (padding, stride)."""
        self.image_cost = cost = count.cost
        if cost is None:
            self.image_label.setText(f"<span style='color:{ERROR_COLOUR}'>Cannot count this image: "
                                     f"{count.error}</span>")
            return
        book = self.textbook_cost
        height, width = count.image_shape[:2]
        kernel = "×".join(str(v) for v in count.kernel_shape)
        source, kernel_count = count.source, count.kernel_count
        oh, ow = cost.output_shape
        rows = [_row(["one feature map", "parameters", "floating-point ops"], header=True),
                _row(["convolution", f"{cost.conv_parameters:,}", f"{cost.conv_flops:,}"]),
                _row(["dense matrix", f"{cost.dense_parameters:,}", f"{cost.dense_flops:,}"])]
        ratio = f"{cost.flop_ratio:,.0f}" if cost.conv_flops else "∞"
        self.image_label.setText(
            f"<b>Image {width}×{height} ({source}), {kernel} kernel → map {ow}×{oh}</b><br>"
            f"padding {params.padding}, stride {params.stride}; the bank has {kernel_count} such kernel(s)"
            f"<table>{''.join(rows)}</table>"
            f"<b>Convolution: {ratio}× fewer operations</b> (flops: outputs·(2·taps − 1) against "
            f"2·inputs·outputs)<br><i>Textbook, Fig. 9.6: [1, −1] on 320×280 → 319×280: {book.conv_flops:,} "
            f"against {book.dense_flops:,} flops (≈ 16 billion, {book.flop_ratio:,.0f}×)</i>")
