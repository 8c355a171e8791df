"""Explain one feature-map value: which input pixels it reads, and the sum of products it is.

Examples
--------
>>> import numpy as np
>>> from convlab.engine.block import cnn_block_stages
>>> img = np.arange(16, dtype=np.float32).reshape(4, 4) / 16
>>> k = np.ones((1, 3, 3), np.float32)
>>> stages = cnn_block_stages(img, k, pool_kind=None)
>>> e = explain_value(stages, k, 0, 1, 1, stage="conv")
>>> bool(np.isclose(e.products.sum(), stages.conv[0, 1, 1]))
True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_choice
from .block import BlockStages, match_kernels_to_input
from .receptive import patch_products, receptive_field

__all__ = ["EXPLAIN_STAGES", "Explanation", "explain_value"]

EXPLAIN_STAGES = ("conv", "activated", "pooled")


@dataclass(frozen=True)
class Explanation:
    """Why a feature-map pixel has its value.

    Attributes
    ----------
    conv_index : (int, int)
        The convolution-output pixel whose products are shown (for a pooled pixel: the one the pooling
        picked, or the window's first one for avg/l2).
    window : list of (int, int)
        Every convolution-output pixel that the shown value depends on.
    patch, kernel, products : ndarray (kh, kw) or (kh, kw, C)
        Input values read by the kernel, the kernel, and their products (per channel for colour).
    total : float
        The sum of the products: the convolution output at ``conv_index``.
    value : float
        The value shown in the chosen stage.
    rows, cols : (int, int)
        Inclusive bounds of the receptive field in input coordinates (may reach into the padding).
    """

    conv_index: tuple
    window: list
    patch: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    total: float
    value: float
    rows: tuple
    cols: tuple


def _pool_window(stages, k, i, j, pool_kind, pool_size, pool_stride):
    size, stride = pool_size, pool_stride or pool_size
    act = stages.activated[k]
    r0, c0 = i * stride, j * stride
    block = act[r0:r0 + size, c0:c0 + size]
    window = [(r0 + a, c0 + b) for a in range(block.shape[0]) for b in range(block.shape[1])]
    if pool_kind in ("max", "min"):
        pick = np.argmax(block) if pool_kind == "max" else np.argmin(block)
        a, b = np.unravel_index(pick, block.shape)
        return window, (r0 + int(a), c0 + int(b))
    return window, (r0, c0)


def _products(image, kernel, index, conv_kwargs):
    if image.ndim == 2:
        p = patch_products(image, kernel, index, **conv_kwargs)
        return p.patch, p.kernel, p.products, float(p.total)
    parts = [patch_products(image[:, :, c], kernel[:, :, c], index, **conv_kwargs) for c in range(image.shape[2])]
    patch, kern, products = (np.stack([getattr(p, a) for p in parts], axis=2) for a in ("patch", "kernel", "products"))
    return patch, kern, products, float(products.sum())


def explain_value(stages: BlockStages, kernels, k, i, j, stage="pooled", *, mode="same", boundary="fill",
                  stride=1, dilation=1, pool_kind="max", pool_size=2, pool_stride=None) -> Explanation:
    """Explain pixel (i, j) of feature map ``k`` in the given stage.

    Parameters
    ----------
    stages : BlockStages
        The result of :func:`convlab.engine.cnn_block_stages` with the same parameters.
    kernels : ndarray (K, kh, kw) or (K, kh, kw, C)
        The bank that produced ``stages``.
    k, i, j : int
        Map index, row and column in the chosen stage.
    stage : {"conv", "activated", "pooled"}

    Returns
    -------
    Explanation
    """
    check_choice("stage", stage, EXPLAIN_STAGES)
    image = stages.input
    bank = match_kernels_to_input(kernels, image.shape[2] if image.ndim == 3 else 0)
    shown = {"conv": stages.conv, "activated": stages.activated, "pooled": stages.pooled}[stage]
    if stage == "pooled" and pool_kind is not None and stages.pooled is not stages.activated:
        window, index = _pool_window(stages, k, i, j, pool_kind, pool_size, pool_stride)
    else:
        window, index = [(i, j)], (i, j)
    conv_kwargs = dict(mode=mode, boundary=boundary, stride=stride, dilation=dilation)
    patch, kern, products, total = _products(image, bank[k], index, conv_kwargs)
    rows, cols = [], []
    for w in window:
        r, c = receptive_field(w, image.shape[:2], bank[k].shape[:2], mode=mode, stride=stride, dilation=dilation)
        rows.extend((r.min(), r.max()))
        cols.extend((c.min(), c.max()))
    return Explanation(index, window, patch, kern, products, total, float(shown[k, i, j]),
                       (int(min(rows)), int(max(rows))), (int(min(cols)), int(max(cols))))
