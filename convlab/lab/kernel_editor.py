"""The kernel editor: a hand-made kernel applied both ways (cross-correlation and convolution) to a picture.

What the kernel-editor panel computes, without Qt: its settings (the preset that fills the grid,
:class:`PresetSettings`; how the kernel is applied, :class:`PreviewSettings`), the preview itself
(:func:`compute_preview`), and the sentences and captions that explain it.

>>> import numpy as np
>>> gray = np.zeros((6, 8), np.float32); gray[:, 4:] = 1.0
>>> name, kernel = PresetSettings().preset_kernel()
>>> result = compute_preview(gray, kernel, PreviewSettings(divisor=4.0))
>>> name, result.output.shape, float(result.output.max())
('sobel_x', (6, 8), 1.0)
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from convlab.engine import kernel_ops as ops
from convlab.engine.block import prepare_input
from convlab.engine.conv import BOUNDARIES, MODES
from convlab.engine.correlation_switch import OPERATIONS, apply_operation
from convlab.engine.kernels import PRESET_NAMES, gabor_kernel, preset_kernel
from convlab.io.lesson_fields import check_fields, number_grid, text
from convlab.lab.kernel_bank import MAX_ABS_WEIGHT
from convlab.lab.numbers import format_value
from convlab.lab.settings import as_section, checkers, setting, setting_fields, settled

__all__ = ["EDIT_ACTIONS", "EditorSection", "KernelEdit", "OPERATION_LABELS", "PREVIEW_MAX_SIDE", "PresetSettings",
           "PreviewJob", "PreviewResult", "PreviewSettings", "TRANSFORMS", "comparison_sentence", "compute_preview",
           "display_levels", "edit_kernel", "editor_from_section", "editor_section", "preview_gray", "product_caption",
           "run_preview", "view_titles"]

WHERE = "Kernel editor"
PREVIEW_MAX_SIDE = 480  # the preview picture's long side
MAX_STEP = 8  # the largest stride and dilation the preview offers
OPERATION_LABELS = {"correlation": "cross-correlation (as CNN libraries)",
                    "convolution": "convolution (kernel rotated 180°)"}
GABOR_FIELDS = ("gabor_orientation", "gabor_frequency", "gabor_sigma")
TRANSFORMS = {"rotate": ops.rotate90, "transpose": ops.transpose, "flip_h": ops.flip_horizontal,
              "flip_v": ops.flip_vertical}
EDIT_ACTIONS = {"normalise": "Normalise (÷ sum)", "rotate": "Rotate 90° left", "transpose": "Transpose",
                "flip_h": "Flip left-right", "flip_v": "Flip up-down", "random": "Random fill"}


@dataclass(frozen=True)
class PresetSettings:
    """The preset that fills the grid (with its size and, for "gabor", its three sliders) and the seed of
    Random fill.

    >>> PresetSettings(preset="gabor", gabor_orientation=45.0).preset_kernel()[0]
    'gabor 45°'
    """

    preset: str = setting("sobel_x", "Preset", choices=PRESET_NAMES)
    preset_size: int = setting(3, "Size", low=1, high=ops.MAX_KERNEL_SIDE)
    gabor_orientation: float = setting(0.0, "Gabor orientation", low=0.0, high=180.0, step=1.0, decimals=0,
                                       suffix="°")
    gabor_frequency: float = setting(0.25, "Gabor frequency", low=0.05, high=0.5, step=0.01, decimals=2,
                                     suffix=" cycles/pixel")
    gabor_sigma: float = setting(1.5, "Gabor sigma", low=0.5, high=8.0, step=0.1, decimals=1, suffix=" pixels")
    random_seed: int = setting(0, "Random seed", low=0, high=99999)

    def settled(self) -> "PresetSettings":
        """The Gabor values on their sliders' steps (what the sliders can show).

        >>> PresetSettings(gabor_frequency=0.234).settled().gabor_frequency
        0.23
        """
        return dataclasses.replace(self, **{name: _snap(getattr(self, name), meta.step)
                                            for name, meta, _ in setting_fields(self) if name in GABOR_FIELDS})

    def changed_from(self, previous: "PresetSettings") -> "PresetSettings":
        """A user's change: moving a Gabor slider picks the Gabor preset.

        >>> PresetSettings(gabor_sigma=2.0).changed_from(PresetSettings()).preset
        'gabor'
        """
        moved = any(getattr(self, n) != getattr(previous, n) for n in GABOR_FIELDS)
        return dataclasses.replace(self, preset="gabor") if moved and self.preset != "gabor" else self

    def shapes_kernel(self, previous: "PresetSettings") -> bool:
        """Whether going from ``previous`` to these settings refills the grid (all but the seed do)."""
        return dataclasses.replace(self, random_seed=previous.random_seed) != previous

    def preset_kernel(self) -> tuple[str, np.ndarray]:
        """``(suggested name, kernel (size, size) float64)``; ValueError if the preset cannot have this size."""
        if self.preset != "gabor":
            return self.preset, preset_kernel(self.preset, self.preset_size)
        kernel = gabor_kernel(self.preset_size, np.deg2rad(self.gabor_orientation), self.gabor_frequency,
                              self.gabor_sigma)
        return f"gabor {self.gabor_orientation:.0f}°", kernel


@dataclass(frozen=True, eq=False)
class KernelEdit:
    """What an edit action made: the new kernel (None: unchanged), a note for the status bar, and an
    error for the red note under the buttons ("" when it worked)."""

    kernel: np.ndarray | None
    note: str = ""
    error: str = ""


def edit_kernel(action: str, kernel, seed: int = 0) -> KernelEdit:
    """Apply one of EDIT_ACTIONS to ``kernel`` (rows, cols): normalise, a rotation or flip, or random
    weights (zero mean, unit norm) from ``seed``.

    >>> edit_kernel("normalise", np.ones((2, 2))).kernel
    array([[0.25, 0.25],
           [0.25, 0.25]])
    >>> edit_kernel("normalise", np.array([[-1.0, 1.0]])).error[:24]
    'The weights sum to 0, so'
    """
    if action == "normalise":
        result = ops.normalise(kernel)
        return KernelEdit(result.kernel, result.message, "" if result.divided else result.message)
    if action == "random":
        try:
            return KernelEdit(ops.random_kernel(*np.shape(kernel), seed=seed), f"Random weights with seed {seed}")
        except ValueError as exc:
            return KernelEdit(None, error=f"{exc}.")
    return KernelEdit(TRANSFORMS[action](kernel), f"{EDIT_ACTIONS[action]}: done")


def _snap(value: float, step: float) -> float:
    scale = max(1, round(1 / step))
    return round(value * scale) / scale


@dataclass(frozen=True)
class PreviewSettings:
    """How the edited kernel is applied to the preview picture: output = operation ÷ divisor + offset."""

    operation: str = setting("correlation", "Operation", choices=OPERATIONS, labels=OPERATION_LABELS)
    mode: str = setting("same", "Padding mode", choices=MODES)
    boundary: str = setting("fill", "Border values", choices=BOUNDARIES)
    stride: int = setting(1, "Stride", low=1, high=MAX_STEP)
    dilation: int = setting(1, "Dilation", low=1, high=MAX_STEP)
    divisor: float = setting(1.0, "Divisor (output ÷)", low=-MAX_ABS_WEIGHT, high=MAX_ABS_WEIGHT, decimals=6,
                             nonzero=True)
    offset: float = setting(0.0, "Offset (bias, output +)", low=-MAX_ABS_WEIGHT, high=MAX_ABS_WEIGHT, decimals=6)


@dataclass(frozen=True, eq=False)
class PreviewResult:
    """Everything the preview shows: float arrays (H, W) for the input, the rest (out_h, out_w)."""

    gray: np.ndarray
    kernel: np.ndarray
    params: PreviewSettings
    output: np.ndarray
    relu: np.ndarray
    difference: np.ndarray  # convolution minus cross-correlation, both divided by the divisor


def compute_preview(gray, kernel, params: PreviewSettings) -> PreviewResult:
    """Apply ``kernel`` to ``gray`` both ways: output = operation / divisor + offset, then ReLU.

    Raises ValueError for weights beyond MAX_ABS_WEIGHT (their sums of products would overflow float32).
    """
    options = dict(mode=params.mode, boundary=params.boundary, stride=params.stride, dilation=params.dilation)
    if np.abs(kernel).max(initial=0.0) > MAX_ABS_WEIGHT:
        raise ValueError(f"weights larger than {MAX_ABS_WEIGHT:g} in size cannot be computed; use smaller weights")
    kernel = np.asarray(kernel, np.float32)
    both = {op: apply_operation(gray, kernel, op, **options) for op in OPERATIONS}
    output = ops.apply_divisor_offset(both[params.operation], params.divisor, params.offset)
    difference = ops.apply_divisor_offset(both["convolution"] - both["correlation"], params.divisor)
    return PreviewResult(gray, kernel, params, output, np.maximum(output, 0), difference)


@dataclass(frozen=True, eq=False)
class PreviewJob:
    """One preview to compute: the source frame it came from (None: the sample picture), its gray
    picture, the kernel and the settings."""

    frame: object
    gray: np.ndarray
    kernel: np.ndarray
    params: PreviewSettings


def run_preview(job: PreviewJob) -> PreviewResult | str:
    """:func:`compute_preview` of a job (on the panel's worker thread): the result, or why there is none.

    >>> run_preview(PreviewJob(None, np.zeros((4, 4), np.float32), np.full((3, 3), 1e31), PreviewSettings()))
    'weights larger than 1e+30 in size cannot be computed; use smaller weights'
    """
    try:
        return compute_preview(job.gray, job.kernel, job.params)
    except ValueError as exc:
        return str(exc)


def preview_gray(rgb, max_side: int = PREVIEW_MAX_SIDE) -> np.ndarray:
    """Gray float32 image in [0, 1], reduced by an integer box average until its long side is <= max_side.

    The same reduction as ``prepare_input(shrink_to(rgb, max_side), "gray")`` (up to the rounding of
    shrink_to's uint8 result), but 15-20x faster: gray first, then a sum of f*f strided slices.

    >>> preview_gray(np.full((960, 1280, 3), 255, np.uint8)).shape
    (320, 426)
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


def view_titles(result: PreviewResult) -> dict[str, str]:
    """The titles above the four views ("input", "output", "relu", "difference")."""
    p = result.params
    names = {"correlation": "cross-correlation", "convolution": "convolution"}
    extra = f" ÷ {format_value(p.divisor)} + {format_value(p.offset)}" if (p.divisor, p.offset) != (1, 0) else ""
    return {"input": f"input (gray, {result.gray.shape[0]} x {result.gray.shape[1]})",
            "output": f"output: {names[p.operation]}{extra} ({result.output.shape[0]} x {result.output.shape[1]})",
            "relu": "output after ReLU: max(0, output)",
            "difference": "convolution − cross-correlation"}


def comparison_sentence(result: PreviewResult) -> str:
    """One plain sentence on how cross-correlation and convolution differ for this kernel."""
    if result.output.size == 0:
        return "The output is empty: in 'valid' mode the kernel span must fit inside the image."
    k, p = result.kernel, result.params
    biggest = float(np.max(np.abs(result.difference)))
    rounding = 1e-5 * max(float(np.max(np.abs(result.output))), 1e-12)
    spans = [(n - 1) * p.dilation + 1 for n in k.shape]
    even_same = p.mode == "same" and any(s % 2 == 0 for s in spans)
    if biggest <= rounding:
        return ("This kernel equals itself rotated by 180°, so cross-correlation and convolution give the "
                "same output (the difference map is blank).")
    if ops.is_rotation_symmetric(k) and even_same:
        return ("This kernel equals itself rotated by 180°, but with an even size 'same' mode places the "
                "convolution window one pixel up/left: the two outputs are shifted by one pixel.")
    text = (f"Convolution slides the kernel rotated by 180°, cross-correlation slides it as drawn: here the "
            f"outputs differ by up to {format_value(biggest)} (right: convolution − cross-correlation).")
    if np.allclose(ops.to_convolution(k), -k, atol=1e-7):
        text += " The rotated kernel is minus the kernel, so convolution flips the sign of every edge response."
    return text


def display_levels(values) -> tuple[float, float]:
    """Symmetric levels (-m, m), m the 99.5th percentile of |values| (a few extreme pixels saturate).

    >>> display_levels(np.array([-2.0, 1.0]))
    (-1.995, 1.995)
    """
    magnitude = np.abs(values)
    scale = float(np.percentile(magnitude, 99.5)) or float(magnitude.max())
    scale = max(scale, 1e-12)
    return -scale, scale


# lesson files: the kernel and its name, then the fields of both settings
@dataclass(frozen=True, eq=False)
class EditorSection:
    """The editor's part of a lesson file, checked: both settings, and the kernel and name if given."""

    presets: PresetSettings
    preview: PreviewSettings
    kernel: np.ndarray | None = None
    name: str | None = None


def editor_section(presets: PresetSettings, preview: PreviewSettings, kernel, name: str) -> dict:
    """The editor's part of a lesson file (the kernel as rows of float).

    >>> sorted(editor_section(PresetSettings(), PreviewSettings(), np.eye(2), "me"))[:4]
    ['boundary', 'dilation', 'divisor', 'gabor_frequency']
    """
    return {"kernel": np.asarray(kernel, np.float64).tolist(), "name": name, **as_section(presets),
            **as_section(preview)}


def editor_from_section(section) -> tuple[EditorSection, list[str]]:
    """Settings from a lesson's section (missing fields: defaults); ValueError naming a bad field.

    >>> section, notes = editor_from_section({"operation": "convolution", "kernel": [[1, 2]]})
    >>> section.preview.operation, section.kernel.shape, section.name, notes
    ('convolution', (1, 2), None, [])
    """
    extra = {"kernel": number_grid(ops.MAX_KERNEL_SIDE), "name": text(200)}
    values, warnings = check_fields(section, {**checkers(PresetSettings), **checkers(PreviewSettings), **extra},
                                    WHERE)
    parts = []
    for cls in (PresetSettings, PreviewSettings):
        names = {n for n, _, _ in setting_fields(cls)}
        parts.append(settled(cls(**{n: v for n, v in values.items() if n in names})))
    kernel = np.array(values["kernel"], np.float64) if "kernel" in values else None
    return EditorSection(*parts, kernel, values.get("name")), warnings
