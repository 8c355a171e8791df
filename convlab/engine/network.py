"""A small convolutional network that trains: blocks of conv -> activation -> pooling, then softmax.

`Network` holds a `NetworkSpec` and its weights (`NetworkWeights`: per block kernels
(K, kh, kw, C) and biases (K,), then the read-out's (D, n_classes) weights and biases). A batch
goes through every layer at once, channels last (N, H, W, K): each convolution is one im2col
matrix times the kernels (in row tiles), each pooling the max or mean of a few contiguous blocks,
and the backward pass is their exact adjoint (see `_network_layers`). Feature maps of one image
equal `conv_bank`, `activate` and `pool2d` of that image; gradients equal `conv_bank_grad`,
`activate_grad` and `pool2d_grad` (max-pool ties go to the FIRST maximum of a window, as torch).

The read-out flattens the last maps in (H', W', K) order into softmax units (Goodfellow et al.,
section 6.2.2.3); the loss is the mean cross-entropy ``-log p[label]`` of the batch. With
``threads=2`` (the default) batches of 16 and more are split between two threads (BLAS on one
thread each): the gradients are the same sums, added in another order. ``threads=1`` computes
on the calling thread only (better when the other core is busy with another program).

Examples
--------
>>> spec = NetworkSpec((8, 8), [BlockSpec(4, 3)], n_classes=3)
>>> net = init_network(spec, seed=0)
>>> images = np.random.default_rng(0).random((5, 8, 8), dtype=np.float32)
>>> net.forward(images).shape, net.predict(images).shape
((5, 3), (5,))
>>> loss, grads = net.loss_and_grads(images, [0, 1, 2, 0, 1])
>>> grads.kernels[0].shape == net.weights.kernels[0].shape
True
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_choice, check_int, check_real_dtype
from ._conv_grad import _one_blas_thread
from ._mec import run_tasks
from ._network_blocks import Stack, softmax
from ._network_init import INITS, first_kernels, random_weights
from .network_spec import BlockSpec, NetworkSpec

__all__ = ["Network", "NetworkWeights", "init_network", "BlockSpec", "NetworkSpec"]

_SPLIT_BATCH = 16     # batches from this size on are split between two threads
_EVAL_CHUNK = 256     # images per forward pass when evaluating


@dataclass(eq=False)
class NetworkWeights:
    """The trainable arrays of a network (all of one float dtype).

    Attributes
    ----------
    kernels : list of ndarray, (K, kh, kw, C) per block
    biases : list of ndarray, (K,) per block
    readout_weights : ndarray, (D, n_classes)
        D = H' * W' * K of the last block's maps, flattened in (H', W', K) order.
    readout_biases : ndarray, (n_classes,)
    """

    kernels: list
    biases: list
    readout_weights: np.ndarray
    readout_biases: np.ndarray
    names: tuple = field(init=False, repr=False)

    def __post_init__(self):
        self.names = tuple(name for index in range(len(self.kernels))
                           for name in (f"block{index + 1}.kernels", f"block{index + 1}.biases")) \
            + ("readout.weights", "readout.biases")

    @property
    def blocks(self):
        """(kernels, biases) of every block."""
        return list(zip(self.kernels, self.biases))

    def arrays(self):
        """The arrays by name: ``block1.kernels``, ``block1.biases``, ..., ``readout.weights``, ``readout.biases``
        (the live arrays, in this order)."""
        flat = [array for pair in self.blocks for array in pair] + [self.readout_weights, self.readout_biases]
        return dict(zip(self.names, flat))

    @classmethod
    def from_arrays(cls, arrays, n_blocks):
        """The weights of `arrays` (a mapping with the names of `arrays`)."""
        return cls([arrays[f"block{i + 1}.kernels"] for i in range(n_blocks)],
                   [arrays[f"block{i + 1}.biases"] for i in range(n_blocks)],
                   arrays["readout.weights"], arrays["readout.biases"])

    def astype(self, dtype):
        """A copy in `dtype`."""
        return NetworkWeights.from_arrays({name: np.array(array, dtype) for name, array in self.arrays().items()},
                                          len(self.kernels))

    def zeros_like(self):
        """Arrays of zeros of the same shapes and dtype (gradient buffers)."""
        return NetworkWeights.from_arrays({name: np.zeros_like(array) for name, array in self.arrays().items()},
                                          len(self.kernels))


def _check_weights(spec, weights):
    """ValueError unless `weights` has the shapes `spec` asks for and one float dtype."""
    expected, arrays = spec.weight_shapes(), weights.arrays()
    if list(arrays) != list(expected):
        raise ValueError(f"weights must hold {', '.join(expected)}; got {', '.join(arrays)}")
    for name, shape in expected.items():
        if arrays[name].shape != shape:
            raise ValueError(f"{name} must have shape {shape}; got {arrays[name].shape}")
    dtypes = {array.dtype for array in arrays.values()}
    if len(dtypes) != 1 or next(iter(dtypes)).kind != "f":
        raise ValueError(f"weights must all have one floating dtype; got {sorted(map(str, dtypes))}")


class Network:
    """A `NetworkSpec` with its weights; forward and backward over batches of images.

    Parameters
    ----------
    spec : NetworkSpec
    weights : NetworkWeights
        Of the shapes of `spec` and one float dtype (float32 normally; float64 for checks).
    threads : {1, 2}, default 2
        Threads a batch is split between (an attribute: it may be changed at any time; a run is
        reproduced exactly with the same value).

    Notes
    -----
    The network keeps buffers for the batch sizes it has seen and is not thread-safe: use one
    network per thread. Training (`training.train`) updates `weights` in place.
    """

    def __init__(self, spec, weights, threads=2):
        if not isinstance(spec, NetworkSpec):
            raise ValueError(f"spec must be a NetworkSpec; got {type(spec).__name__}")
        _check_weights(spec, weights)
        self.spec, self.weights, self.threads = spec, weights, check_int("threads", threads, 1, 2)
        self._stacks, self._part_grads = {}, []  # layers per (thread, plain); gradients per batch part

    @property
    def dtype(self):
        """The float dtype of the weights and of every computation."""
        return self.weights.readout_weights.dtype

    def astype(self, dtype):
        """A copy of the network computing in `dtype` (e.g. float64 for gradient checks)."""
        return Network(self.spec, self.weights.astype(dtype), self.threads)

    def copy(self):
        """An independent copy (weights copied)."""
        return self.astype(self.dtype)

    def _stack(self, plain=False):
        """The calling thread's layers (plain: maps in plain order, all of them, for `features`)."""
        key = (threading.get_ident(), plain)
        stack = self._stacks.get(key)
        if stack is None:
            stack = self._stacks[key] = Stack(self.spec, self.dtype, plain)
        return stack

    def check_images(self, images):
        """`images` as an array (N, H, W, C) of the network's dtype, or ValueError naming the shapes
        (gray images may be (N, H, W) or (N, H, W, 1))."""
        images = check_real_dtype("images", images)
        shape = self.spec.input_shape
        if images.shape[1:] not in (shape, self.spec.input_channels_last) or images.shape[0] == 0:
            raise ValueError(f"images must have shape (N, {', '.join(map(str, shape))}) with N >= 1; "
                             f"got {images.shape}")
        return images.astype(self.dtype, copy=False).reshape(images.shape[0], *self.spec.input_channels_last)

    def check_labels(self, labels, count):
        """`labels` as int64 (count,) in 0..n_classes-1, or ValueError."""
        labels = check_real_dtype("labels", labels)
        if labels.shape != (count,) or labels.dtype.kind not in "iu":
            raise ValueError(f"labels must be {count} integers (one per image); got {labels.dtype} {labels.shape}")
        if labels.min() < 0 or labels.max() >= self.spec.n_classes:
            raise ValueError(f"labels must be from 0 to {self.spec.n_classes - 1}; got {labels.min()}..{labels.max()}")
        return labels.astype(np.int64, copy=False)

    def _chunks(self, x, compute, plain=False):
        """``compute(stack, chunk)`` for chunks of `_EVAL_CHUNK` images of `x` on `threads` threads,
        each thread with its own layers (`plain` ones for `features`), concatenated along the images."""
        starts = range(0, len(x), _EVAL_CHUNK)
        results = [None] * len(starts)

        def run_one(index):
            results[index] = compute(self._stack(plain), x[starts[index]:starts[index] + _EVAL_CHUNK]).copy()

        self._run(run_one, len(starts))
        return np.concatenate(results)

    def _run(self, run_one, count):
        """``run_one(i)`` for i < `count`, on `threads` threads, BLAS on one thread each."""
        with _one_blas_thread(True):
            if self.threads == 1:
                for index in range(count):
                    run_one(index)
            else:
                run_tasks(run_one, count, float("inf"))

    def forward(self, images):
        """Class probabilities (N, n_classes) of images (N, H, W) or (N, H, W, C) (the spec's shape)."""
        logits = self._chunks(self.check_images(images), lambda stack, x: stack.forward(x, self.weights))
        return softmax(logits)

    def predict(self, images):
        """The most probable class of each image, int64 (N,)."""
        return self.forward(images).argmax(axis=1)

    def accuracy(self, images, labels):
        """Fraction of `images` whose predicted class is their label."""
        predicted = self.predict(images)
        return float(np.mean(predicted == self.check_labels(labels, len(predicted))))

    def features(self, images, upto=-1, stage="output"):
        """Feature maps (N, K, H', W') of block `upto` (0-based; -1 the last) for read-outs and displays.

        ``stage="output"``: after activation and pooling; ``"conv"``: the convolution plus bias.

        Examples
        --------
        >>> net = init_network(NetworkSpec((8, 8), [BlockSpec(4, 3)], n_classes=2))
        >>> net.features(np.zeros((3, 8, 8)), stage="conv").shape, net.features(np.zeros((3, 8, 8))).shape
        ((3, 4, 8, 8), (3, 4, 4, 4))
        """
        upto = check_int("upto", upto, -len(self.spec.blocks), len(self.spec.blocks) - 1) % len(self.spec.blocks)
        check_choice("stage", stage, ("output", "conv"))
        maps = self._chunks(self.check_images(images),
                            lambda stack, x: stack.forward(x, self.weights, upto, stage), plain=True)
        return maps.transpose(0, 3, 1, 2)

    def gradient_step(self, x, labels, grads, readout_only=False):
        """Mean loss and correct count of a checked batch; its gradients written into `grads`
        (a `NetworkWeights` of buffers). Split in two halves from `_SPLIT_BATCH` images with 2 `threads`."""
        n = len(x)
        parts = [slice(0, n)] if n < _SPLIT_BATCH or self.threads == 1 else [slice(0, n // 2), slice(n // 2, n)]
        while len(self._part_grads) < len(parts):
            self._part_grads.append(self.weights.zeros_like())
        results = [None] * len(parts)

        def run_one(index):
            part = parts[index]
            results[index] = self._stack().loss_and_grads(x[part], labels[part], self.weights,
                                                          self._part_grads[index], 1.0 / n, readout_only)

        self._run(run_one, len(parts))
        for target, *sources in zip(grads.arrays().values(),
                                    *(g.arrays().values() for g in self._part_grads[:len(parts)])):
            np.copyto(target, sources[0])
            for source in sources[1:]:
                target += source
        return sum(r[0] for r in results), sum(r[1] for r in results)

    def loss_and_grads(self, images, labels):
        """Mean cross-entropy of a batch and its gradient with respect to every weight.

        Returns
        -------
        loss : float
        grads : NetworkWeights
            Same names and shapes as `weights`.
        """
        x = self.check_images(images)
        labels = self.check_labels(labels, len(x))
        grads = self.weights.zeros_like()
        loss, _ = self.gradient_step(x, labels, grads)
        return loss, grads


def init_network(spec, seed=0, init="random", images=None, dtype=np.float32, threads=2):
    """A network of `spec` with seeded starting weights.

    Parameters
    ----------
    spec : NetworkSpec
    seed : int, default 0
        Seeds every random weight (the same seed gives the same network).
    init : {"random", "hand", "kmeans"} or array_like, default "random"
        The first block's kernels: ``random`` (He for the ReLU family, Glorot otherwise),
        ``hand`` (the hand-designed bank: edges, corners, Gabor), ``kmeans`` (centroids of
        whitened patches of `images`), or kernels (K, kh, kw) / (K, kh, kw, C) used as given
        (e.g. k-means centroids from `centroids_to_kernels`). Hand and k-means kernels are
        scaled to the norm of a random kernel. Other layers are random in every case (the
        same draws for the same seed).
    images : array_like, (N, H, W) or (N, H, W, C), optional
        Needed by ``kmeans`` only.
    dtype : float dtype, default float32
    threads : {1, 2}, default 2
        See `Network`.

    Returns
    -------
    Network

    Examples
    --------
    >>> spec = NetworkSpec((8, 8), [BlockSpec(4, 3)], n_classes=10)
    >>> init_network(spec, init="hand").weights.kernels[0].shape
    (4, 3, 3, 1)
    """
    if not isinstance(spec, NetworkSpec):
        raise ValueError(f"spec must be a NetworkSpec; got {type(spec).__name__}")
    if isinstance(init, str):
        check_choice("init", init, INITS)
    rng = np.random.default_rng(check_int("seed", seed))
    kernels, biases, readout_weights, readout_biases = random_weights(spec, rng)
    if not (isinstance(init, str) and init == "random"):
        kernels[0] = first_kernels(spec, init, seed, images)
    weights = NetworkWeights(kernels, biases, readout_weights, readout_biases)
    return Network(spec, weights.astype(np.dtype(dtype)), threads)
