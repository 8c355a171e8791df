"""The shape of a small convolutional network: its blocks and its read-out, checked once.

A `NetworkSpec` is what the lecture draws: 1 to 3 blocks, each a convolution (K kernels of
kh x kw over all C input channels, eq. 9.7), an activation and a pooling stage, then a dense
softmax read-out over the last block's maps. It holds no weights (see `network.Network`); it is
frozen, compared by value and saved as JSON (`to_dict` / `from_dict`).

Examples
--------
>>> spec = NetworkSpec((28, 28), [BlockSpec(16, 5), BlockSpec(32, 3)], n_classes=10)
>>> [block.out_shape for block in spec.shapes()], spec.n_features
([(14, 14, 16), (7, 7, 32)], 1568)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

from ._bank_plan import plan_geometry
from ._checks import as_pair, check_choice, check_int, check_positive_int
from .activation import ACTIVATIONS

__all__ = ["CONV_MODES", "MAX_BLOCKS", "NETWORK_POOLS", "BlockShapes", "BlockSpec", "NetworkSpec"]

CONV_MODES = ("same", "valid")
NETWORK_POOLS = ("max", "avg", None)
MAX_BLOCKS = 3


@dataclass(frozen=True)
class BlockSpec:
    """One block: convolution -> activation -> pooling.

    Parameters
    ----------
    kernels : int, >= 1
        Number of kernels K (feature maps out).
    size : int or (int, int)
        Kernel height and width; every kernel spans all C input channels: (kh, kw, C).
    stride : int, default 1
        Step of the convolution (every `stride`-th row and column of the output).
    mode : {"same", "valid"}
        ``same``: zero padding keeps H x W (even kernels pad one less before than after, as
        ``conv_bank`` and torch do); ``valid``: only windows inside the image.
    dilation : int, default 1
        Spacing of the kernel taps.
    activation : {"identity", "relu", "leaky_relu", "abs", "tanh", "sigmoid"}, default "relu"
    pool : {"max", "avg", None}, default "max"
        None: no pooling (`pool_size` and `pool_stride` are then stored as None).
    pool_size : int or (int, int), default 2
    pool_stride : int or (int, int), optional
        Defaults to `pool_size`. Windows that do not fit are dropped (torch's ``max_pool2d``).

    Examples
    --------
    >>> BlockSpec(8, (3, 5), pool=None)
    BlockSpec(kernels=8, size=(3, 5), stride=1, mode='same', dilation=1, activation='relu', \
pool=None, pool_size=None, pool_stride=None)
    """

    kernels: int
    size: tuple
    stride: int = 1
    mode: str = "same"
    dilation: int = 1
    activation: str = "relu"
    pool: str | None = "max"
    pool_size: tuple | None = 2
    pool_stride: tuple | None = None

    def __post_init__(self):
        fix = object.__setattr__  # frozen: normalise once, here
        fix(self, "kernels", check_positive_int("kernels", self.kernels))
        fix(self, "size", as_pair("size", self.size))
        fix(self, "stride", check_positive_int("stride", self.stride))
        check_choice("mode", self.mode, CONV_MODES)
        fix(self, "dilation", check_positive_int("dilation", self.dilation))
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("pool", self.pool, NETWORK_POOLS)
        if self.pool is None:
            fix(self, "pool_size", None)
            fix(self, "pool_stride", None)
            return
        fix(self, "pool_size", as_pair("pool_size", self.pool_size))
        stride = self.pool_size if self.pool_stride is None else self.pool_stride
        fix(self, "pool_stride", as_pair("pool_stride", stride))


class BlockShapes(NamedTuple):
    """Map shapes (H, W, K) after a block's convolution and after its pooling."""

    conv_shape: tuple
    out_shape: tuple


def _block_shapes(block, in_shape):
    """`BlockShapes` of `block` on maps (H, W, C), or ValueError when nothing is left."""
    h, w, c = in_shape
    g = plan_geometry(h, w, c, *block.size, block.mode, block.stride, block.dilation)
    conv_shape = (g.out_h, g.out_w, block.kernels)
    out_shape = conv_shape
    if block.pool is not None:
        out_shape = tuple((n - z) // t + 1 if n >= z else 0
                          for n, z, t in zip(conv_shape[:2], block.pool_size, block.pool_stride)) + (block.kernels,)
    return BlockShapes(conv_shape, out_shape)


@dataclass(frozen=True)
class NetworkSpec:
    """A sequential CNN: 1 to `MAX_BLOCKS` blocks, then a dense softmax read-out.

    Parameters
    ----------
    input_shape : (H, W) or (H, W, C)
        Gray images are (H, W) (stored as such); colour images carry C channels last.
    blocks : sequence of BlockSpec
    n_classes : int, >= 2

    Raises
    ------
    ValueError
        Bad sizes, no block or too many, or a block that leaves no feature map (the message
        names the block and the map size it gets).

    Examples
    --------
    >>> NetworkSpec((8, 8), [BlockSpec(4, 3, mode="valid", pool=None)], 10).shapes()[0].out_shape
    (6, 6, 4)
    """

    input_shape: tuple
    blocks: tuple
    n_classes: int

    def __post_init__(self):
        shape = tuple(self.input_shape) if hasattr(self.input_shape, "__len__") else (self.input_shape,)
        if len(shape) not in (2, 3):
            raise ValueError(f"input_shape must be (H, W) or (H, W, C); got {self.input_shape!r}")
        object.__setattr__(self, "input_shape", tuple(check_positive_int("input_shape", n) for n in shape))
        blocks = tuple(self.blocks)
        if not 1 <= len(blocks) <= MAX_BLOCKS or not all(isinstance(b, BlockSpec) for b in blocks):
            raise ValueError(f"blocks must be 1 to {MAX_BLOCKS} BlockSpec; got {self.blocks!r}")
        object.__setattr__(self, "blocks", blocks)
        object.__setattr__(self, "n_classes", check_int("n_classes", self.n_classes, minimum=2))
        self.shapes()

    @property
    def input_channels_last(self):
        """The input shape as (H, W, C) (C = 1 for gray images)."""
        return self.input_shape if len(self.input_shape) == 3 else (*self.input_shape, 1)

    def shapes(self):
        """`BlockShapes` of every block, in order."""
        shapes, shape = [], self.input_channels_last
        for index, block in enumerate(self.blocks):
            result = _block_shapes(block, shape)
            if 0 in result.out_shape:
                raise ValueError(f"blocks[{index}] leaves no feature map: its {shape[0]}x{shape[1]} input "
                                 f"gives {result.conv_shape[0]}x{result.conv_shape[1]} maps after the convolution "
                                 f"and {result.out_shape[0]}x{result.out_shape[1]} after pooling")
            shapes.append(result)
            shape = result.out_shape
        return shapes

    @property
    def n_features(self):
        """Number of inputs of the read-out: H' * W' * K of the last block."""
        h, w, k = self.shapes()[-1].out_shape
        return h * w * k

    def weight_shapes(self):
        """Name -> shape of every weight array, in order (the names of `NetworkWeights.arrays`).

        Examples
        --------
        >>> NetworkSpec((8, 8), [BlockSpec(4, 3)], 10).weight_shapes()
        {'block1.kernels': (4, 3, 3, 1), 'block1.biases': (4,), 'readout.weights': (64, 10), 'readout.biases': (10,)}
        """
        shapes, channels = {}, self.input_channels_last[2]
        for index, block in enumerate(self.blocks):
            shapes[f"block{index + 1}.kernels"] = (block.kernels, *block.size, channels)
            shapes[f"block{index + 1}.biases"] = (block.kernels,)
            channels = block.kernels
        shapes.update({"readout.weights": (self.n_features, self.n_classes), "readout.biases": (self.n_classes,)})
        return shapes

    def to_dict(self):
        """Plain lists, ints and strings (JSON), read back by `from_dict`.

        Examples
        --------
        >>> spec = NetworkSpec((8, 8), [BlockSpec(4, 3)], 10)
        >>> NetworkSpec.from_dict(spec.to_dict()) == spec
        True
        """
        return {"input_shape": list(self.input_shape), "n_classes": self.n_classes,
                "blocks": [{key: list(value) if isinstance(value, tuple) else value
                            for key, value in asdict(block).items()} for block in self.blocks]}

    @classmethod
    def from_dict(cls, data):
        """The spec written by `to_dict` (ValueError for anything else)."""
        try:
            blocks = [BlockSpec(**block) for block in data["blocks"]]
            return cls(data["input_shape"], blocks, data["n_classes"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a network spec: {type(exc).__name__}: {exc}") from None
