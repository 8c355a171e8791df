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

from ._network_layers import ConvLayer, PoolLayer, activation_backward, activation_forward

__all__ = ["BlockLayers", "Stack", "softmax"]

_POOL_FIRST = ("relu", "identity")  # activations that commute with max pooling, gradient included


class BlockLayers:
    """The layers of one block (`network_spec.BlockSpec`) on inputs (N, H, W, C) of `in_shape`."""

    def __init__(self, spec, in_shape, dtype):
        self.spec, self.dtype = spec, np.dtype(dtype)
        self.conv = ConvLayer(in_shape, spec.kernels, spec.size, spec.mode, spec.stride, spec.dilation, dtype)
        self.pool = None
        if spec.pool is not None:
            self.pool = PoolLayer(self.conv.out_shape, spec.pool, spec.pool_size, spec.pool_stride, dtype)
        self.pool_first = spec.pool == "max" and spec.activation in _POOL_FIRST
        self.out_shape = self.conv.out_shape if self.pool is None else self.pool.out_shape
        self._buffers, self._z = {}, None

    def _buffer(self, name, shape):
        array = self._buffers.get(name)
        if array is None or array.shape != shape:
            array = self._buffers[name] = np.empty(shape, self.dtype)
        return array

    def forward(self, x, kernels, biases, stage="output"):
        """Block output (N, H', W', K) of `x` (N, H, W, C); ``stage="conv"`` stops after the convolution
        (a view of a buffer: copy it to keep it)."""
        name = self.spec.activation
        z = self._z = self.conv.forward(x, kernels, biases)
        if stage == "conv":
            return z
        if self.pool_first:
            pooled = self.pool.forward(z)
            return activation_forward(pooled, name, out=pooled)
        in_place = name in _POOL_FIRST  # their backward needs only the output: z may be overwritten
        a = activation_forward(z, name, out=z if in_place else self._buffer("a", z.shape))
        return a if self.pool is None else self.pool.forward(a)

    def backward(self, grad_out, input_grad=True):
        """(grad_x or None, grad_kernels, grad_biases) of the last forward, from `grad_out` (N, H', W', K)."""
        name = self.spec.activation
        if self.pool_first:
            pooled = self.pool._last[1]  # after the activation, in place: > 0 where it was
            grad_z = self.pool.backward(activation_backward(pooled, name, grad_out, out=grad_out))
        else:
            grad_a = grad_out if self.pool is None else self.pool.backward(grad_out)
            grad_z = activation_backward(self._z, name, grad_a, out=self._buffer("grad_z", grad_a.shape))
        return self.conv.backward(grad_z, input_grad)


def softmax(logits):
    """Row-wise softmax of `logits` (N, n_classes), shifted by the row maximum (no overflow)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


class Stack:
    """Blocks plus the dense softmax read-out for one thread's share of the batches."""

    def __init__(self, spec, dtype):
        shape = spec.input_channels_last
        self.blocks = []
        for block in spec.blocks:
            self.blocks.append(BlockLayers(block, shape, dtype))
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
        predictions; the gradients of that scaled sum are written into `grads` (a `Weights` of buffers)."""
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
            self._backward_blocks(grad_logits @ weights.readout_weights.T, grads)
        return float(loss), correct

    def _backward_blocks(self, grad_features, grads):
        grad = grad_features.reshape(grad_features.shape[0], *self.blocks[-1].out_shape)
        for index in range(len(self.blocks) - 1, -1, -1):
            grad, grad_kernels, grad_biases = self.blocks[index].backward(grad, input_grad=index > 0)
            np.copyto(grads.blocks[index][0], grad_kernels)
            np.copyto(grads.blocks[index][1], grad_biases)
