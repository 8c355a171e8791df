"""Convolution arithmetic: the k x k window sliding over a small padded n x n grid, step by step.

:class:`ArithmeticGeometry` says where the window of every output cell sits, which cells its taps
read and how many outputs there are (`output_size`), and checks that against `correlate2d`.

>>> g = ArithmeticGeometry(ArithmeticSettings(size=7, padding="same", stride=2))
>>> g.padded, g.output, g.computed_shape()
(9, 4, (4, 4))
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convlab.engine.connectivity import uncovered_tail
from convlab.engine.conv import MODES, correlate2d, output_size, padding_for
from convlab.lab.settings import setting

__all__ = ["PADDING_LABELS", "ArithmeticGeometry", "ArithmeticSettings"]

PADDING_LABELS = {"valid": "valid (none)", "same": "same", "full": "full"}


@dataclass(frozen=True)
class ArithmeticSettings:
    """The convolution-arithmetic grid: an n x n input and a k x k kernel."""

    size: int = setting(5, "Input size n×n", low=1, high=9)
    kernel: int = setting(3, "Kernel size k×k", low=1, high=5)
    padding: str = setting("valid", "Zero padding", choices=MODES, labels=PADDING_LABELS)
    stride: int = setting(1, "Stride", low=1, high=4)
    dilation: int = setting(1, "Dilation", low=1, high=3)


class ArithmeticGeometry:
    """Where the window of every output cell sits, for an :class:`ArithmeticSettings`.

    >>> g = ArithmeticGeometry(ArithmeticSettings(size=6, stride=2))
    >>> g.output, g.steps, g.uncovered, g.window(3)
    (2, 4, 1, ((2, 2), (1, 1)))
    """

    def __init__(self, settings: ArithmeticSettings):
        self.params = p = settings
        (self.before, self.after), _ = padding_for(p.padding, (p.kernel, p.kernel), p.dilation)
        self.padded = p.size + self.before + self.after
        self.span = (p.kernel - 1) * p.dilation + 1
        self.output = output_size(p.size, p.kernel, p.padding, p.stride, p.dilation)
        self.uncovered = uncovered_tail(p.size, p.kernel, p.padding, p.stride, p.dilation)

    @property
    def steps(self) -> int:
        """Number of output cells, one animation step each."""
        return self.output * self.output

    def window(self, step: int):
        """(top, left) of the window in padded-input cells, and the output cell (row, col), for a step."""
        row, col = divmod(step, self.output)
        return (row * self.params.stride, col * self.params.stride), (row, col)

    def taps(self, step: int):
        """Padded-input cells read by the kernel taps at a step."""
        (top, left), _ = self.window(step)
        d, k = self.params.dilation, self.params.kernel
        return [(top + a * d, left + b * d) for a in range(k) for b in range(k)]

    def step_text(self, step: int, revealed: bool) -> str:
        """What the window reads at a step ("of N" only once the output size is revealed).

        >>> ArithmeticGeometry(ArithmeticSettings()).step_text(0, False)
        'Step 1: output (row 1, col 1) reads padded rows 1–3, cols 1–3'
        """
        if not self.steps:
            return "The kernel span is larger than the padded input: no window fits."
        (top, left), (row, col) = self.window(step)
        total = f" of {self.steps}" if revealed else ""
        return (f"Step {step + 1}{total}: output (row {row + 1}, col {col + 1}) reads padded rows "
                f"{top + 1}–{top + self.span}, cols {left + 1}–{left + self.span}")

    def warning(self) -> str:
        """The note when the stride leaves the last rows and columns uncovered ("" otherwise)."""
        if not self.uncovered:
            return ""
        return (f"⚠ Stride {self.params.stride} does not divide evenly: the last {self.uncovered} padded row(s) "
                f"and column(s) of the input are never covered by a window.")

    def titles(self, revealed: bool) -> tuple[str, str]:
        """The input's and the output's description (the output size "?×?" until revealed)."""
        p = self.params
        padded = f"padded to {self.padded}×{self.padded}" if self.padded != p.size else "no padding"
        out = f"{self.output}×{self.output}" if revealed else "?×?"
        return f"input ({p.size}×{p.size}, {padded})", f"output ({out})"

    def computed_shape(self) -> tuple[int, int]:
        """The shape `correlate2d` returns for these settings (checks the formula against the engine)."""
        p = self.params
        return correlate2d(np.zeros((p.size, p.size)), np.ones((p.kernel, p.kernel)), p.padding, stride=p.stride,
                           dilation=p.dilation).shape
