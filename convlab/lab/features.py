"""Feature maps: one CNN block (convolution -> nonlinearity -> pooling) of the whole kernel bank on a frame.

What the feature-maps panel computes, without Qt: its settings (:class:`FeatureParams`, and the
ready-made bank to build, :class:`BankRequest`), the block on one frame (:func:`compute_job`, run on
the panel's worker thread), and the explanation of one shown value (:func:`explain_pixel`).

>>> import numpy as np
>>> from convlab.sources.base import Frame
>>> names, kernels = BankRequest(choice="edges").build()
>>> frame = Frame(np.zeros((48, 64, 3), np.uint8), 0, 0.0)
>>> rgb, stages = compute_job(FeatureJob(frame, FeatureParams(), tuple(names), kernels))
>>> stage_maps(stages, "pooled").shape
(7, 24, 32)
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from convlab.engine.activation import ACTIVATIONS, activate, is_signed_activation
from convlab.engine.block import INPUT_KINDS, cnn_block_stages, prepare_input, shrink_to
from convlab.engine.conv import BOUNDARIES, MODES
from convlab.engine.explain import EXPLAIN_STAGES, Explanation, explain_value
from convlab.engine.kernel_banks import BANK_CHOICES, BANK_LABELS, make_bank
from convlab.engine.kernel_ops import MAX_KERNEL_SIDE
from convlab.engine.pooling import POOL_KINDS
from convlab.lab.kernel_bank import MAX_KERNELS
from convlab.lab.settings import from_section, setting

__all__ = ["BankRequest", "FeatureJob", "FeatureParams", "PROCESS_MAX_SIDE", "STAGES", "STAGE_LABELS",
           "compute_job", "empty_maps_note", "explain_pixel", "features_from_section", "features_section",
           "is_signed", "stage_maps"]

PROCESS_MAX_SIDE = 640  # frames are shrunk to this long side before the block runs
MAX_STEP = 8  # the largest stride, dilation and pooling window the controls offer
STAGES = EXPLAIN_STAGES
STAGE_LABELS = {"conv": "after convolution", "activated": "after nonlinearity", "pooled": "after pooling"}
POOLINGS = ("none",) + tuple(POOL_KINDS)
WHERE = "Feature maps"


@dataclass(frozen=True)
class FeatureParams:
    """Everything that decides what the feature-maps panel computes and shows.

    >>> sorted(FeatureParams(pool_kind="none").inactive())
    ['pool_size', 'pool_stride']
    """

    input_kind: str = setting("gray", "Input", choices=INPUT_KINDS)
    mode: str = setting("same", "Padding mode", choices=MODES)
    boundary: str = setting("fill", "Boundary", choices=BOUNDARIES)
    stride: int = setting(1, "Stride", low=1, high=MAX_STEP)
    dilation: int = setting(1, "Dilation", low=1, high=MAX_STEP)
    activation: str = setting("relu", "Activation", choices=ACTIVATIONS)
    pool_kind: str = setting("max", "Pooling", choices=POOLINGS)
    pool_size: int = setting(2, "Pool size", low=1, high=MAX_STEP)
    pool_stride: int = setting(2, "Pool stride", low=1, high=MAX_STEP)
    stage: str = setting("pooled", "Show maps", choices=STAGES, labels=STAGE_LABELS)
    per_map_scale: bool = setting(True, "one colour scale per map")

    def inactive(self) -> set:
        """Without pooling, its window size and stride do nothing."""
        return {"pool_size", "pool_stride"} if self.pool_kind == "none" else set()

    @property
    def pooling(self) -> str | None:
        """The engine's pooling kind (None for no pooling)."""
        return None if self.pool_kind == "none" else self.pool_kind


@dataclass(frozen=True)
class BankRequest:
    """Which ready-made bank to build (see :func:`convlab.engine.kernel_banks.make_bank`).

    >>> BankRequest(choice="gabor", size=7).origin
    'gabor 7x7'
    """

    choice: str = setting("default", "Bank", choices=BANK_CHOICES, labels=BANK_LABELS)
    size: int = setting(3, "Kernel size", low=1, high=MAX_KERNEL_SIDE)
    count: int = setting(16, "Random kernels", low=1, high=MAX_KERNELS)
    seed: int = setting(0, "Random seed", low=0, high=99999)

    def inactive(self) -> set:
        """Only a random bank has a kernel count and a seed."""
        return set() if self.choice == "random" else {"count", "seed"}

    @property
    def origin(self) -> str:
        """How the bank says where its kernels came from."""
        return f"{self.choice} {self.size}x{self.size}"

    def build(self):
        """``(names, kernels)`` of the bank; ValueError if it cannot have this size."""
        return make_bank(self.choice, self.size, self.count, self.seed)


@dataclass(frozen=True)
class FeatureJob:
    """One frame with the parameters and the (enabled) kernels to apply to it."""

    frame: object
    params: FeatureParams
    names: tuple
    kernels: np.ndarray


def compute_job(job: FeatureJob):
    """Run the block on a job's frame (on the worker thread): ``(shown input (H, W, 3) uint8, BlockStages)``."""
    p = job.params
    rgb = shrink_to(job.frame.image, PROCESS_MAX_SIDE)
    stages = cnn_block_stages(prepare_input(rgb, p.input_kind), job.kernels, mode=p.mode, boundary=p.boundary,
                              stride=p.stride, dilation=p.dilation, activation=p.activation, pool_kind=p.pooling,
                              pool_size=p.pool_size, pool_stride=p.pool_stride)
    return rgb, stages


def stage_maps(stages, stage: str) -> np.ndarray:
    """The maps (K, H, W) of one stage ("conv", "activated" or "pooled") of a BlockStages."""
    return {"conv": stages.conv, "activated": stages.activated, "pooled": stages.pooled}[stage]


def is_signed(params: FeatureParams) -> bool:
    """Whether the shown maps take both signs (a blue-white-red colour scale) or not (viridis)."""
    return params.stage == "conv" or is_signed_activation(params.activation)


def empty_maps_note(params: FeatureParams, maps_shape, image_shape) -> str:
    """What to say when the maps of the shown stage have no pixels."""
    return (f"The maps {STAGE_LABELS[params.stage]} are empty ({maps_shape[1]}x{maps_shape[2]}): the image "
            f"({image_shape[1]}x{image_shape[0]}) is smaller than the kernel or the pooling window. Choose 'same' "
            "or 'full' padding, a smaller kernel or a larger image.")


def explain_pixel(job: FeatureJob, stages, k: int, i: int, j: int) -> tuple[Explanation, str] | None:
    """Why pixel (i, j) of map k (in the shown stage) has its value: the explanation and its caption.

    None when (k, i, j) lies outside the shown maps.
    """
    p = job.params
    maps = stage_maps(stages, p.stage)
    if not (0 <= k < maps.shape[0] and 0 <= i < maps.shape[1] and 0 <= j < maps.shape[2]):
        return None
    e = explain_value(stages, job.kernels, k, i, j, p.stage, mode=p.mode, boundary=p.boundary, stride=p.stride,
                      dilation=p.dilation, pool_kind=p.pooling, pool_size=p.pool_size, pool_stride=p.pool_stride)
    return e, _caption(job, e, k, i, j)


def _caption(job: FeatureJob, e: Explanation, k: int, i: int, j: int) -> str:
    p = job.params
    ci, cj = e.conv_index
    text = f"convolution output of map {k} '{job.names[k]}' at (row {ci}, col {cj})"
    if p.stage != "conv":
        after = float(activate(np.array([e.total], np.float32), p.activation)[0])
        text += f"; {p.activation} gives {after:.4g}"
    if p.stage == "pooled" and p.pooling is not None:
        text += f"; {p.pool_kind} pooling over {len(e.window)} values gives {e.value:.4g}"
    return text + f" = the value shown at (row {i}, col {j}) {STAGE_LABELS[p.stage]}"


# lesson files: the FeatureParams fields, and the BankRequest under "bank_request"
def features_section(params: FeatureParams, bank: BankRequest) -> dict:
    """The panel's part of a lesson file.

    >>> features_section(FeatureParams(), BankRequest())["bank_request"]
    {'choice': 'default', 'size': 3, 'count': 16, 'seed': 0}
    """
    return {**dataclasses.asdict(params), "bank_request": dataclasses.asdict(bank)}


def features_from_section(section) -> tuple[FeatureParams, BankRequest, list[str]]:
    """Settings from a lesson's section, checked against the declarations (missing fields: defaults).

    Raises ValueError naming the field when a value is bad; unknown fields become warnings.

    >>> params, bank, notes = features_from_section({"stride": 2, "bank_request": {"choice": "edges"}})
    >>> params.stride, bank.choice, notes
    (2, 'edges', [])
    """
    section = dict(section) if isinstance(section, dict) else section
    request = section.pop("bank_request", {}) if isinstance(section, dict) else {}
    params, warnings = from_section(FeatureParams, section, WHERE)
    bank, more = from_section(BankRequest, request, f"{WHERE}, bank choice")
    return params, bank, warnings + more
