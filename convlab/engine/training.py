"""Training a `Network` by minibatch gradient descent: seeded, reported batch by batch, cancellable.

Every epoch visits the training images in a new random order (seeded) in batches of
`batch_size` (the last one may be smaller), takes one optimizer step per batch (SGD with
momentum or Adam, as torch defines them) and reports progress. `train_steps` is a generator of
those reports (a user interface can advance it one batch at a time); `train` runs it to the end
and hands every report to a callback, which stops the run by returning True.

Examples
--------
>>> from convlab.engine.network import BlockSpec, NetworkSpec, init_network
>>> rng = np.random.default_rng(0)
>>> images, labels = rng.random((40, 6, 6), dtype=np.float32), rng.integers(0, 2, 40)
>>> net = init_network(NetworkSpec((6, 6), [BlockSpec(2, 3)], n_classes=2), seed=0)
>>> result = train(net, images, labels, epochs=2, batch_size=16, val=(images, labels))
>>> [report.epoch for report in result.epochs], result.stopped
([1, 2], False)
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_choice, check_finite, check_positive_int
from ._conv_grad import _one_blas_thread
from ._optimizers import DEFAULT_LR, OPTIMIZERS, make_optimizer

__all__ = ["OPTIMIZERS", "BatchProgress", "EpochReport", "TrainingResult", "train", "train_steps"]


@dataclass(frozen=True)
class BatchProgress:
    """After one optimizer step.

    Attributes
    ----------
    epoch : int
        1-based.
    batch, n_batches : int
        1-based index of the batch in the epoch, and the number of batches per epoch.
    step : int
        Optimizer steps so far in the whole run.
    loss : float
        Mean cross-entropy of the batch (before the step).
    accuracy : float
        Fraction of the batch classified correctly (before the step).
    """

    epoch: int
    batch: int
    n_batches: int
    step: int
    loss: float
    accuracy: float


@dataclass(frozen=True)
class EpochReport:
    """After one pass over the training images.

    Attributes
    ----------
    epoch : int
        1-based.
    loss : float
        Mean of the batch losses of the epoch, weighted by batch size.
    train_accuracy : float
        Fraction of the training images classified correctly when their batch was seen (while
        the weights changed: a running figure, no extra pass).
    val_accuracy : float or None
        Accuracy on the validation images after the epoch (None without `val`).
    seconds : float
        Time of the epoch's training steps.
    val_seconds : float
        Time of the validation pass.
    """

    epoch: int
    loss: float
    train_accuracy: float
    val_accuracy: float | None
    seconds: float
    val_seconds: float = 0.0


@dataclass
class TrainingResult:
    """What `train` did: one `EpochReport` per finished epoch, and whether the callback stopped it."""

    epochs: list = field(default_factory=list)
    stopped: bool = False
    steps: int = 0


def _check_options(optimizer, lr, momentum, weight_decay, epochs, batch_size):
    """Validated (optimizer, lr, momentum, weight_decay, epochs, batch_size)."""
    check_choice("optimizer", optimizer, OPTIMIZERS)
    lr = DEFAULT_LR[optimizer] if lr is None else check_finite("lr", lr, 0, strict=True)
    momentum = check_finite("momentum", momentum, 0)
    if momentum >= 1:
        raise ValueError(f"momentum must be a finite number >= 0 and < 1; got {momentum!r}")
    return (optimizer, lr, momentum, check_finite("weight_decay", weight_decay, 0),
            check_positive_int("epochs", epochs), check_positive_int("batch_size", batch_size))


def _check_val(network, val):
    if val is None:
        return None
    if not isinstance(val, (tuple, list)) or len(val) != 2:
        raise ValueError(f"val must be a pair (images, labels) or None; got {type(val).__name__}")
    images = network.check_images(val[0])
    return images, network.check_labels(val[1], len(images))


def train_steps(network, images, labels, *, epochs=1, batch_size=64, optimizer="sgd", lr=None, momentum=0.9,
                weight_decay=0.0, seed=0, val=None, freeze=False):
    """Train `network` in place, yielding a `BatchProgress` after every step and an `EpochReport`
    after every epoch (see `train` for the parameters). Stop iterating to stop training.

    Examples
    --------
    >>> from convlab.engine.network import BlockSpec, NetworkSpec, init_network
    >>> net = init_network(NetworkSpec((6, 6), [BlockSpec(2, 3)], n_classes=2), seed=0)
    >>> images, labels = np.zeros((10, 6, 6)), np.arange(10) % 2
    >>> [type(r).__name__ for r in train_steps(net, images, labels, batch_size=8)]
    ['BatchProgress', 'BatchProgress', 'EpochReport']
    """
    optimizer, lr, momentum, weight_decay, epochs, batch_size = _check_options(
        optimizer, lr, momentum, weight_decay, epochs, batch_size)
    x = network.check_images(images)
    y = network.check_labels(labels, len(x))
    val = _check_val(network, val)
    params = network.weights.arrays()
    trained = [name for name in params if name.startswith("readout")] if freeze else list(params)
    decayed = [name for name in trained if name.endswith(("kernels", "weights"))]
    opt = make_optimizer(optimizer, {name: params[name] for name in trained}, lr, momentum, weight_decay, decayed)
    grads = network.weights.zeros_like()
    rng = np.random.default_rng(seed)
    n_batches = -(-len(x) // batch_size)
    buffer = np.empty((min(batch_size, len(x)), *x.shape[1:]), x.dtype)
    for epoch in range(1, epochs + 1):
        order, started, total_loss, total_correct = rng.permutation(len(x)), time.perf_counter(), 0.0, 0
        for batch in range(n_batches):
            chosen = order[batch * batch_size:(batch + 1) * batch_size]
            batch_x = np.take(x, chosen, axis=0, out=buffer[:len(chosen)])
            loss, correct = network.gradient_step(batch_x, y[chosen], grads, readout_only=freeze)
            opt.step(grads.arrays())
            total_loss, total_correct = total_loss + loss * len(chosen), total_correct + correct
            yield BatchProgress(epoch, batch + 1, n_batches, opt.steps, loss, correct / len(chosen))
        seconds = time.perf_counter() - started
        val_accuracy, val_started = None, time.perf_counter()
        if val is not None:
            val_accuracy = float(np.mean(network.predict(val[0]) == val[1]))
        yield EpochReport(epoch, total_loss / len(x), total_correct / len(x), val_accuracy, seconds,
                          time.perf_counter() - val_started)


def train(network, images, labels, *, epochs=1, batch_size=64, optimizer="sgd", lr=None, momentum=0.9,
          weight_decay=0.0, seed=0, val=None, freeze=False, callback=None):
    """Train `network` in place by minibatch gradient descent.

    Parameters
    ----------
    network : Network
        Its weights are updated in place.
    images : array_like, (N, H, W) or (N, H, W, C)
        Scaled to about 0..1 (the starting weights assume inputs of that size).
    labels : array_like of int, (N,)
        Classes 0..n_classes-1.
    epochs : int, default 1
    batch_size : int, default 64
    optimizer : {"sgd", "adam"}, default "sgd"
        ``sgd``: ``v = momentum * v + g; w -= lr * v``; ``adam``: betas (0.9, 0.999), eps 1e-8.
    lr : float, optional
        Learning rate; default 0.05 for sgd, 0.001 for adam.
    momentum : float in [0, 1), default 0.9
        SGD only.
    weight_decay : float, default 0
        L2 penalty ``weight_decay * w`` added to the gradients of kernels and read-out weights
        (not biases).
    seed : int, default 0
        Seeds the order of the images: the same network, data and seed give the same run.
    val : (images, labels), optional
        Scored after every epoch.
    freeze : bool, default False
        Train the read-out only: the kernels and biases of the blocks stay bit-identical (and
        their gradients are not computed).
    callback : callable ``callback(step, report)``, optional
        Called with the step count and every `BatchProgress` and `EpochReport`; returning True
        stops training after that report.

    Returns
    -------
    TrainingResult
    """
    result = TrainingResult()
    with _one_blas_thread(True):
        for report in train_steps(network, images, labels, epochs=epochs, batch_size=batch_size,
                                  optimizer=optimizer, lr=lr, momentum=momentum, weight_decay=weight_decay,
                                  seed=seed, val=val, freeze=freeze):
            if isinstance(report, EpochReport):
                result.epochs.append(report)
            else:
                result.steps = report.step
            if callback is not None and callback(result.steps, report):
                result.stopped = True
                break
    return result
