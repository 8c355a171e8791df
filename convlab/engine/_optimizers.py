"""Internals of `training`: gradient descent with momentum, and Adam, updating arrays in place.

Both follow torch's definitions exactly (``torch.optim.SGD`` with dampening 0, ``torch.optim.Adam``
with L2 weight decay added to the gradient), so the same weights and batches give the same steps.
Weight decay (Goodfellow et al., section 7.1.1) applies to the arrays named in `decayed` only:
kernels and read-out weights, never biases.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["OPTIMIZERS", "DEFAULT_LR", "make_optimizer"]

OPTIMIZERS = ("sgd", "adam")
DEFAULT_LR = {"sgd": 0.05, "adam": 1e-3}


class _Optimizer:
    def __init__(self, params, lr, weight_decay, decayed):
        self.params, self.lr, self.weight_decay = params, lr, weight_decay
        self.decayed = frozenset(decayed)
        self.steps = 0

    def _gradient(self, name, grad):
        """`grad` plus the weight decay term of `name` (a new array only when there is one)."""
        if self.weight_decay and name in self.decayed:
            return grad + self.weight_decay * self.params[name]
        return grad


class _SGD(_Optimizer):
    """``v = momentum * v + g; w -= lr * v`` (plain gradient descent when momentum is 0)."""

    def __init__(self, params, lr, weight_decay, decayed, momentum):
        super().__init__(params, lr, weight_decay, decayed)
        self.momentum = momentum
        self.velocity = {name: np.zeros_like(array) for name, array in params.items()}

    def step(self, grads):
        self.steps += 1
        for name, weights in self.params.items():
            grad = self._gradient(name, grads[name])
            if self.momentum:
                velocity = self.velocity[name]
                velocity *= weights.dtype.type(self.momentum)
                velocity += grad
                grad = velocity
            weights -= weights.dtype.type(self.lr) * grad


class _Adam(_Optimizer):
    """Adam (Kingma & Ba 2015): running means of g and g**2, bias-corrected, step lr * m / (sqrt(v) + eps)."""

    def __init__(self, params, lr, weight_decay, decayed, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr, weight_decay, decayed)
        self.betas, self.eps = betas, eps
        self.mean = {name: np.zeros_like(array) for name, array in params.items()}
        self.square = {name: np.zeros_like(array) for name, array in params.items()}

    def step(self, grads):
        self.steps += 1
        beta1, beta2 = self.betas
        correction1, correction2 = 1 - beta1 ** self.steps, 1 - beta2 ** self.steps
        for name, weights in self.params.items():
            grad = self._gradient(name, grads[name])
            mean, square = self.mean[name], self.square[name]
            mean *= beta1
            mean += (1 - beta1) * grad
            square *= beta2
            square += (1 - beta2) * np.square(grad)
            denominator = np.sqrt(square) / math.sqrt(correction2) + self.eps
            weights -= (self.lr / correction1) * mean / denominator


def make_optimizer(name, params, lr, momentum, weight_decay, decayed):
    """The optimizer `name` over `params` (name -> array, updated in place by ``step(grads)``)."""
    if name == "sgd":
        return _SGD(params, lr, weight_decay, decayed, momentum)
    return _Adam(params, lr, weight_decay, decayed)
