"""Internals of `network`: a block (conv -> activation -> pooling) and the softmax read-out, batched.

A `Stack` is the whole network for one thread: its blocks' layers (with their buffers) and the
read-out. `network.Network` keeps one stack per worker thread and splits a batch between them.

With max pooling after ReLU (or no activation) the block pools first and applies the activation
to the pooled maps: ``max(relu(x)) == relu(max(x))`` and, ties included, the gradient takes the
same path (the first maximum of a window is the first maximum after ReLU wherever the window's
maximum is positive; elsewhere ReLU's derivative is 0), with a quarter of the activation work.
"""
from __future__ import annotations

import numpy as np

from ._network_layers import BatchSpaces, ConvLayer
from ._network_pool import PoolLayer
from .activation import activate
from .gradients import activate_grad

__all__ = ["BlockLayers", "Stack", "softmax"]

_POOL_FIRST = ("relu", "identity")  # activations that commute with max pooling, gradient included


def _activation_forward(z, name, out):
    """``activate(z, name)`` into `out` (may be `z`)."""
    if name == "relu":
        return np.maximum(z, 0, out=out)
    if name == "identity":
        if out is not z:
            np.copyto(out, z)
        return out
    return activate(z, name, out=out)


def _activation_backward(x, name, grad_out, out, space):
    """``activate_grad(x, name, grad_out)`` into `out`; for relu and identity `x` may also be the
    activation's output (positive at the same places)."""
    if name == "relu":
        positive = np.greater(x, 0, out=space.get("positive", x.shape, dtype=bool))
        return np.multiply(grad_out, positive, out=out)
    if name == "identity":
        if out is not grad_out:
            np.copyto(out, grad_out)
        return out
    np.copyto(out, activate_grad(x, name, grad_out))
    return out


class BlockLayers:
    """The layers of one block (`network_spec.BlockSpec`) on inputs (N, H, W, C) of `in_shape`.

    `plain` keeps the convolution's maps in plain (N, H', W', K) order and computes all of them,
    for reading them out (`Network.features`); training uses the position-major order.
    """

    def __init__(self, spec, in_shape, dtype, plain=False):
        self.spec, self.dtype = spec, np.dtype(dtype)
        tiled = spec.pool is not None and spec.pool_size == spec.pool_stride and not plain
        self.conv = ConvLayer(in_shape, spec.kernels, spec.size, spec.mode, spec.stride, spec.dilation, dtype,
                              blocking=spec.pool_size if tiled else (1, 1))
        self.pool = None
        if spec.pool is not None:
            self.pool = PoolLayer(self.conv.out_shape, spec.pool, spec.pool_size, spec.pool_stride, dtype, tiled)
        self.pool_first = spec.pool == "max" and spec.activation in _POOL_FIRST
        self.out_shape = self.conv.out_shape if self.pool is None else self.pool.out_shape
        self._space, self._z = BatchSpaces(dtype), None

    def _plain(self, maps):
        """Maps as (N, H', W', K) unless they are position-major for tiled pooling."""
        return maps.reshape(maps.shape[2:]) if self.conv.blocking == (1, 1) else maps

    def forward(self, x, kernels, biases, stage="output"):
        """Block output (N, H', W', K) of `x` (N, H, W, C); ``stage="conv"`` stops after the
        convolution (plain order only with `plain`). Views of buffers: copy them to keep them."""
        name = self.spec.activation
        z = self._z = self.conv.forward(x, kernels, biases)
        if stage == "conv":
            return self._plain(z)
        if self.pool_first:
            pooled = self.pool.forward(self._plain(z))
            return _activation_forward(pooled, name, out=pooled)
        in_place = name in _POOL_FIRST  # their backward needs only the output: z may be overwritten
        a = _activation_forward(z, name, out=z if in_place else self._space(x.shape[0]).get("a", z.shape))
        return self._plain(a) if self.pool is None else self.pool.forward(self._plain(a))

    def backward(self, grad_out, input_grad=True):
        """(grad_x or None, grad_kernels, grad_biases) of the last forward, from `grad_out` (N, H', W', K)."""
        name, z = self.spec.activation, self._z
        space = self._space(z.shape[2])
        if self.pool_first:
            pooled = self.pool.last_output  # after the activation, in place: > 0 where it was
            grad_pooled = _activation_backward(pooled, name, grad_out, space.get("grad_pooled", pooled.shape), space)
            grad_z = self.pool.backward(grad_pooled).reshape(z.shape)
        else:
            grad_a = (grad_out if self.pool is None else self.pool.backward(grad_out)).reshape(z.shape)
            grad_z = _activation_backward(z, name, grad_a, space.get("grad_z", z.shape), space)
        return self.conv.backward(grad_z, input_grad)


def softmax(logits):
    """Row-wise softmax of `logits` (N, n_classes), shifted by the row maximum (no overflow)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


class Stack:
    """Blocks plus the dense softmax read-out for one thread's share of the batches."""

    def __init__(self, spec, dtype, plain=False):
        shape = spec.input_channels_last
        self.blocks = []
        for block in spec.blocks:
            self.blocks.append(BlockLayers(block, shape, dtype, plain))
            shape = self.blocks[-1].out_shape
        self.dtype, self._features = np.dtype(dtype), None

    def forward(self, images, weights, upto=None, stage="output"):
        """Logits (N, n_classes) of images (N, H, W, C); with `upto`, the maps of that block instead."""
        x = images
        for index, (layers, (kernels, biases)) in enumerate(zip(self.blocks, weights.blocks)):
            x = layers.forward(x, kernels, biases, stage if index == upto else "output")
            if index == upto:
                return x
        self._features = x.reshape(x.shape[0], -1)
        return self._features @ weights.readout_weights + weights.readout_biases

    def loss_and_grads(self, images, labels, weights, grads, scale, readout_only=False):
        """Sum of the cross-entropy losses of the batch times `scale`, and the number of correct
        predictions; the gradients of that scaled sum are written into `grads` (a `NetworkWeights`)."""
        logits = self.forward(images, weights)
        probabilities = softmax(logits)
        rows = np.arange(len(labels))
        picked = probabilities[rows, labels]
        loss = -np.log(np.maximum(picked, np.finfo(self.dtype).tiny)).sum() * scale
        correct = int((probabilities.argmax(axis=1) == labels).sum())
        grad_logits = probabilities
        grad_logits[rows, labels] -= 1
        grad_logits *= self.dtype.type(scale)
        np.matmul(self._features.T, grad_logits, out=grads.readout_weights)
        np.sum(grad_logits, axis=0, out=grads.readout_biases)
        if not readout_only:
            grad_features = grad_logits @ weights.readout_weights.T
            self._backward_blocks(grad_features.reshape(len(labels), *self.blocks[-1].out_shape), grads)
        return float(loss), correct

    def _backward_blocks(self, grad, grads):
        for index in range(len(self.blocks) - 1, -1, -1):
            grad, grad_kernels, grad_biases = self.blocks[index].backward(grad, input_grad=index > 0)
            np.copyto(grads.kernels[index], grad_kernels)
            np.copyto(grads.biases[index], grad_biases)
