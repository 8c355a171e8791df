"""The CNN block of the lecture: convolution -> nonlinearity -> pooling, keeping every stage.

The live feature-maps panel shows any of the three stages, so :func:`cnn_block_stages` returns all of
them; :func:`prepare_input` turns a camera frame into the array the kernels are applied to.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_choice
from .activation import activate
from .bank import conv_bank
from .pooling import pool2d

__all__ = ["INPUT_KINDS", "BlockStages", "cnn_block_stages", "match_kernels_to_input", "prepare_input", "shrink_to"]

INPUT_KINDS = ("gray", "color")


@dataclass(frozen=True)
class BlockStages:
    """All stages of one CNN block.

    Attributes
    ----------
    input : ndarray, float32, (H, W) or (H, W, 3)
        The image the kernels were applied to, scaled to [0, 1].
    conv : ndarray, float32, (K, H', W')
        Feature maps after the convolution (cross-correlation, as CNN libraries compute).
    activated : ndarray, float32, (K, H', W')
        Feature maps after the nonlinearity.
    pooled : ndarray, float32, (K, H'', W'')
        Feature maps after pooling (``activated`` itself when there is no pooling).
    """

    input: np.ndarray
    conv: np.ndarray
    activated: np.ndarray
    pooled: np.ndarray


def prepare_input(rgb, kind="gray"):
    """Turn an RGB frame into the float32 input of the block.

    Parameters
    ----------
    rgb : ndarray, (H, W, 3) uint8 or float in [0, 1], or (H, W)
        The frame.
    kind : {"gray", "color"}
        ``gray`` gives (H, W) luminance (ITU-R BT.601 weights); ``color`` gives (H, W, 3).

    Returns
    -------
    ndarray, float32, values in [0, 1].

    Examples
    --------
    >>> prepare_input(np.full((2, 2, 3), 255, np.uint8)).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    check_choice("kind", kind, INPUT_KINDS)
    x = np.asarray(rgb)
    scale = np.float32(1.0 / 255.0) if x.dtype == np.uint8 else np.float32(1.0)
    if x.ndim == 2:
        gray = x.astype(np.float32) * scale
        return gray if kind == "gray" else np.repeat(gray[:, :, None], 3, axis=2)
    if x.ndim != 3 or x.shape[2] not in (3, 4):
        raise ValueError(f"rgb must have shape (H, W), (H, W, 3) or (H, W, 4); got shape {x.shape}")
    if kind == "color":
        return np.ascontiguousarray(x[:, :, :3], dtype=np.float32) * scale
    # Weigh first, scale after: folding 1/255 into the weights made white 1.0000001, above 1.
    gray = x[:, :, :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    gray *= scale
    return gray


def match_kernels_to_input(kernels, channels):
    """Make a kernel bank fit an input with ``channels`` channels (0 for a gray image).

    Gray kernels (K, kh, kw) on a colour input are replicated over the channels and divided by their
    number (so a colour image gives the response of its channel mean); colour kernels
    (K, kh, kw, C) on a gray input are summed over channels (as if R = G = B).

    Examples
    --------
    >>> match_kernels_to_input(np.ones((1, 3, 3)), 3).shape
    (1, 3, 3, 3)
    """
    k = np.asarray(kernels, dtype=np.float32)
    if k.ndim == 3 and channels:
        return np.repeat(k[..., None], channels, axis=3) / np.float32(channels)
    if k.ndim == 4 and not channels:
        return k.sum(axis=3)
    return k


def cnn_block_stages(image, kernels, *, mode="same", boundary="fill", stride=1, dilation=1,
                     activation="relu", pool_kind="max", pool_size=2, pool_stride=None):
    """Run conv -> activation -> pooling and keep every stage.

    Parameters
    ----------
    image : ndarray, float32, (H, W) or (H, W, C)
    kernels : ndarray, (K, kh, kw) or (K, kh, kw, C)
        Fitted to the image with :func:`match_kernels_to_input` if the channel counts differ.
    mode, boundary, stride, dilation
        As :func:`convlab.engine.conv_bank`.
    activation : str
        One of :data:`convlab.engine.ACTIVATIONS`.
    pool_kind : str or None
        One of :data:`convlab.engine.POOL_KINDS`, or None for no pooling.
    pool_size, pool_stride : int
        Window size and stride of the pooling (stride defaults to the size); 'valid' pooling.

    Returns
    -------
    BlockStages

    Examples
    --------
    >>> s = cnn_block_stages(np.ones((4, 4), np.float32), np.ones((1, 3, 3)))
    >>> s.conv.shape, s.pooled.shape
    ((1, 4, 4), (1, 2, 2))
    """
    image = np.asarray(image, dtype=np.float32)
    channels = image.shape[2] if image.ndim == 3 else 0
    bank = match_kernels_to_input(kernels, channels)
    conv = conv_bank(image, bank, mode=mode, boundary=boundary, stride=stride, dilation=dilation)
    activated = activate(conv, activation)
    if pool_kind is None or pool_size in (None, 1) and pool_stride in (None, 1):
        pooled = activated
    elif min(activated.shape[1:]) < pool_size:
        pooled = activated[:, :0, :0]
    else:
        pooled = pool2d(activated, pool_size, pool_stride, kind=pool_kind)
    return BlockStages(image, conv, activated, pooled)


def shrink_to(rgb, max_side=640):
    """Reduce a frame by an integer factor (box average) until its long side is <= ``max_side``.

    Parameters
    ----------
    rgb : ndarray, (H, W) or (H, W, C), uint8
    max_side : int or None
        None keeps the frame as it is.

    Returns
    -------
    ndarray, same dtype; the input itself when no reduction is needed.

    Examples
    --------
    >>> shrink_to(np.zeros((1080, 1920, 3), np.uint8), 640).shape
    (360, 640, 3)
    """
    x = np.asarray(rgb)
    if max_side is None or max(x.shape[:2]) <= max_side:
        return x
    f = -(-max(x.shape[:2]) // int(max_side))
    h, w = x.shape[0] // f, x.shape[1] // f
    acc = np.zeros((h, w) + x.shape[2:], np.float32)
    for a in range(f):
        for b in range(f):
            acc += x[a:h * f:f, b:w * f:f]
    acc *= np.float32(1.0 / (f * f))
    if np.issubdtype(x.dtype, np.integer):
        acc += np.float32(0.5)
    return acc.astype(x.dtype)
