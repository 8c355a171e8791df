"""Training speed of convlab's NumPy network against torch CPU: same network, same weights, same batches.

    python benchmarks/bench_train.py [--epochs 3] [--rounds 2] [--train 8000] [--threads 2] [--no-mallopt]

Two networks of the lecture, on 28x28 digits, batch 64, SGD momentum 0.9, lr 0.05:

* net A: 16 kernels 5x5 'same' -> ReLU -> 2x2 max -> dense 10;
* net B: net A's block, then 32 kernels 3x3x16 'same' -> ReLU -> 2x2 max -> dense 10.

No MNIST is available offline: the digits are SYNTHETIC (`convlab.io.synthetic_digits`:
scikit-learn's 8x8 digits enlarged to 28x28 and distorted); test images come from source digits
no training image came from. torch's numbers on real MNIST were 96.5% (A) and 97.5% (B) after
3 epochs; these digits are another data set, so only the two columns of one run compare.

Each round trains a fresh copy of both implementations for `--epochs` epochs from the same
starting weights on the same batches (numpy first, then torch: interleaving single steps lets
torch's spinning OpenMP threads steal the cores), and reports ms per epoch (the best epoch over
all rounds, and the median), the ratio numpy / torch, and test accuracy after the last epoch.
torch runs with `--threads` intra-op threads; convlab splits each batch between two Python
threads with BLAS on one thread each (with ``--threads 1`` it does not split). The machine's
load average is printed before and after: above ~3 on these two cores other processes are
competing and the times mean little; a single busy process already takes one of the two cores.
"""
from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from convlab.engine.network import BlockSpec, NetworkSpec, init_network  # noqa: E402
from convlab.engine.training import train  # noqa: E402
from convlab.io.synthetic_digits import mnist_like_digits  # noqa: E402

NETS = {
    "A": NetworkSpec((28, 28), [BlockSpec(16, 5)], 10),
    "B": NetworkSpec((28, 28), [BlockSpec(16, 5), BlockSpec(32, 3)], 10),
}
BATCH, LR, MOMENTUM = 64, 0.05, 0.9


def tune_malloc():
    """Keep freed memory in the heap (no trimming, no mmap): no page faults on reallocation."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    m_trim_threshold, m_top_pad, m_mmap_max = -1, -2, -4
    return bool(libc.mallopt(m_mmap_max, 0) and libc.mallopt(m_trim_threshold, 2**30)
                and libc.mallopt(m_top_pad, 64 * 2**20))


def torch_model(torch, network):
    """A torch Sequential with the weights of `network` (NCHW; the read-out's rows reordered)."""
    nn, layers, channels = torch.nn, [], 1
    for block, kernels, biases in zip(network.spec.blocks, network.weights.kernels, network.weights.biases):
        conv = nn.Conv2d(channels, block.kernels, block.size, padding="same")
        conv.weight.data = torch.from_numpy(kernels.transpose(0, 3, 1, 2).copy())  # never a view of ours
        conv.bias.data = torch.from_numpy(biases.copy())
        layers += [conv, nn.ReLU(), nn.MaxPool2d(block.pool_size)]
        channels = block.kernels
    h, w, k = network.spec.shapes()[-1].out_shape
    dense = nn.Linear(h * w * k, network.spec.n_classes)
    readout = network.weights.readout_weights.reshape(h, w, k, -1).transpose(3, 2, 0, 1).reshape(-1, h * w * k)
    dense.weight.data = torch.from_numpy(readout.copy())
    dense.bias.data = torch.from_numpy(network.weights.readout_biases.copy())
    return nn.Sequential(*layers, nn.Flatten(), dense)


def torch_epochs(torch, model, images, labels, orders, test):
    """Train `model` on the batches of `orders` (one permutation per epoch); (seconds per epoch, accuracy)."""
    x, y = torch.from_numpy(images[:, None]), torch.from_numpy(labels)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    seconds = []
    for order in orders:
        started = time.perf_counter()
        for first in range(0, len(order), BATCH):
            chosen = torch.from_numpy(order[first:first + BATCH])
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(x[chosen]), y[chosen]).backward()
            optimizer.step()
        seconds.append(time.perf_counter() - started)
    with torch.no_grad():
        predicted = model(torch.from_numpy(test.images[:, None])).argmax(1).numpy()
    return seconds, float(np.mean(predicted == test.labels))


def numpy_epochs(network, images, labels, epochs, test):
    """Train with `convlab.engine.training.train` (seed 0 gives the orders of `orders_for`)."""
    result = train(network, images, labels, epochs=epochs, batch_size=BATCH, lr=LR, momentum=MOMENTUM, seed=0)
    return [report.seconds for report in result.epochs], network.accuracy(test.images, test.labels)


def orders_for(n, epochs):
    """The permutations `train` draws with seed 0, one per epoch."""
    rng = np.random.default_rng(0)
    return [rng.permutation(n) for _ in range(epochs)]


def bench_net(name, args, torch, train_set, test):
    """One table row for net `name`: best and median ms per epoch of each side, ratio, accuracies."""
    times, accuracy = {"numpy": [], "torch": []}, {}
    for _ in range(args.rounds):
        network = init_network(NETS[name], seed=0, threads=args.threads)
        model = torch_model(torch, network) if torch else None
        seconds, accuracy["numpy"] = numpy_epochs(network, train_set.images, train_set.labels, args.epochs, test)
        times["numpy"] += seconds
        if torch:
            time.sleep(0.2)  # let the other side's threads go quiet
            seconds, accuracy["torch"] = torch_epochs(torch, model, train_set.images, train_set.labels,
                                                      orders_for(args.train, args.epochs), test)
            times["torch"] += seconds
            time.sleep(0.2)
    cells = [f"{1e3 * min(times['numpy']):.0f}, {1e3 * statistics.median(times['numpy']):.0f}"]
    if torch:
        cells += [f"{1e3 * min(times['torch']):.0f}, {1e3 * statistics.median(times['torch']):.0f}",
                  f"{min(times['numpy']) / min(times['torch']):.2f}"]
    else:
        cells += ["-", "-"]
    cells += [f"{100 * accuracy['numpy']:.1f}%", f"{100 * accuracy['torch']:.1f}%" if torch else "-"]
    return f"| {name} | " + " | ".join(cells) + " |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--train", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=2, choices=(1, 2),
                        help="torch's threads; with 1, convlab does not split batches either")
    parser.add_argument("--nets", default="AB")
    parser.add_argument("--no-mallopt", action="store_true")
    args = parser.parse_args()
    if not args.no_mallopt:
        tune_malloc()
    try:
        import torch
        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
        print("torch is not installed (pip install .[bench]): convlab only")
    train_set, test = mnist_like_digits(args.train, seed=0), mnist_like_digits(2000, seed=1, part="test")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}; {args.train} synthetic "
          f"training digits, {len(test.labels)} test digits; threads {args.threads}")
    print("| net | convlab ms/epoch (best, median) | torch ms/epoch (best, median) | ratio (best) "
          "| convlab test acc | torch test acc |")
    print("|---|---|---|---|---|---|")
    for name in args.nets:
        print(bench_net(name, args, torch, train_set, test), flush=True)
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
