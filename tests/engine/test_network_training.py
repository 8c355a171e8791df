"""Training the network: torch gives the same losses step by step, digits are learned, seeds and
freezing behave, the first layer starts from chance, by hand, k-means or given kernels."""
import numpy as np
import pytest

from convlab.engine import BatchProgress, EpochReport, train, train_steps
from convlab.engine.network import BlockSpec, NetworkSpec, init_network
from convlab.io.synthetic_digits import mnist_like_digits

NET_A = NetworkSpec((28, 28), [BlockSpec(16, 5)], 10)
NET_B = NetworkSpec((28, 28), [BlockSpec(16, 5), BlockSpec(32, 3)], 10)
STEPS, BATCH = 20, 64


@pytest.fixture(scope="module")
def digits28():
    return mnist_like_digits(STEPS * BATCH, seed=3)


@pytest.fixture(scope="module")
def digits8():
    """scikit-learn's 8x8 digits in 0..1 with a shuffled 80/20 split (they are stored in writer order)."""
    from sklearn.datasets import load_digits

    data = load_digits()
    order = np.random.default_rng(0).permutation(len(data.target))
    images, labels = (data.images / 16.0).astype(np.float32)[order], data.target[order]
    return images[:1437], labels[:1437], images[1437:], labels[1437:]


def torch_model(torch, network):
    """torch layers with the network's weights (NCHW; the read-out's inputs reordered from (H, W, K))."""
    nn, layers, channels = torch.nn, [], network.spec.input_channels_last[2]
    for block, kernels, biases in zip(network.spec.blocks, network.weights.kernels, network.weights.biases):
        conv = nn.Conv2d(channels, block.kernels, block.size, padding=block.mode)
        conv.weight.data = torch.tensor(kernels.transpose(0, 3, 1, 2).copy())
        conv.bias.data = torch.tensor(biases.copy())
        layers += [conv, nn.ReLU(), nn.MaxPool2d(block.pool_size)]
        channels = block.kernels
    h, w, k = network.spec.shapes()[-1].out_shape
    dense = nn.Linear(h * w * k, network.spec.n_classes)
    readout = network.weights.readout_weights.reshape(h, w, k, -1).transpose(3, 2, 0, 1).reshape(-1, h * w * k)
    dense.weight.data = torch.tensor(readout.copy())
    dense.bias.data = torch.tensor(network.weights.readout_biases.copy())
    return nn.Sequential(*layers, nn.Flatten(), dense)


def torch_losses(torch, model, images, labels, optimizer, steps=STEPS):
    """Losses of `steps` steps on the batches `train` takes with seed 0 in its first epoch."""
    order = np.random.default_rng(0).permutation(len(labels))
    x, y = torch.tensor(images[:, None]), torch.tensor(labels)
    losses = []
    for step in range(steps):
        chosen = torch.tensor(order[step * BATCH:(step + 1) * BATCH])
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x[chosen]), y[chosen])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return np.array(losses)


def our_losses(network, images, labels, steps=STEPS, **options):
    reports = train_steps(network, images, labels, batch_size=BATCH, seed=0, **options)
    return np.array([r.loss for r in reports if isinstance(r, BatchProgress)][:steps])


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-10), (np.float32, 1e-3)], ids=["float64", "float32"])
@pytest.mark.parametrize("spec", [NET_A, NET_B], ids=["1 block", "2 blocks"])
def test_sgd_momentum_gives_torchs_losses_step_by_step(torch, digits28, spec, dtype, rtol):
    network = init_network(spec, seed=0, dtype=dtype)
    model = torch_model(torch, network)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    images = digits28.images.astype(dtype)
    expected = torch_losses(torch, model, images, digits28.labels, optimizer)
    np.testing.assert_allclose(our_losses(network, images, digits28.labels, lr=0.05), expected, rtol=rtol)


def test_adam_and_weight_decay_of_weights_only_give_torchs_losses(torch, digits28):
    network = init_network(NET_A, seed=1, dtype=np.float64)
    model = torch_model(torch, network)
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    optimizer = torch.optim.Adam([{"params": weights, "weight_decay": 0.01}, {"params": biases}], lr=2e-3)
    images = digits28.images.astype(np.float64)
    expected = torch_losses(torch, model, images, digits28.labels, optimizer, steps=10)
    found = our_losses(network, images, digits28.labels, steps=10, optimizer="adam", lr=2e-3, weight_decay=0.01)
    np.testing.assert_allclose(found, expected, rtol=1e-10)


def test_digits_are_learned_to_90_percent_in_a_few_epochs(digits8):
    train_x, train_y, test_x, test_y = digits8
    network = init_network(NetworkSpec((8, 8), [BlockSpec(16, 3)], 10), seed=0)
    result = train(network, train_x, train_y, epochs=6, batch_size=32, val=(test_x, test_y))
    assert [report.epoch for report in result.epochs] == list(range(1, 7))
    assert result.epochs[-1].val_accuracy >= 0.9
    assert network.accuracy(test_x, test_y) == result.epochs[-1].val_accuracy
    assert result.epochs[-1].loss < result.epochs[0].loss and result.steps == 6 * 45


def test_the_same_seed_reproduces_a_run_exactly_and_another_does_not(digits8):
    train_x, train_y = digits8[0][:400], digits8[1][:400]
    spec = NetworkSpec((8, 8), [BlockSpec(4, 3), BlockSpec(6, 2, pool=None)], 10)
    runs = []
    for seed in (5, 5, 6):
        network = init_network(spec, seed=seed)
        result = train(network, train_x, train_y, epochs=2, batch_size=50, seed=seed)
        runs.append((network.weights.arrays(), [r.loss for r in result.epochs]))
    assert runs[0][1] == runs[1][1] and runs[0][1] != runs[2][1]
    for name, array in runs[0][0].items():
        np.testing.assert_array_equal(array, runs[1][0][name])
        assert not np.array_equal(array, runs[2][0][name])


def test_freeze_trains_the_readout_only(digits8):
    train_x, train_y = digits8[0][:300], digits8[1][:300]
    network = init_network(NetworkSpec((8, 8), [BlockSpec(8, 3), BlockSpec(8, 3)], 10), seed=0, init="hand")
    before = {name: array.copy() for name, array in network.weights.arrays().items()}
    train(network, train_x, train_y, epochs=2, freeze=True, weight_decay=0.1)
    for name, array in network.weights.arrays().items():
        if name.startswith("block"):
            np.testing.assert_array_equal(array, before[name])  # bit-identical
        else:
            assert not np.array_equal(array, before[name])


def test_the_callback_sees_every_report_and_stops_the_run(digits8):
    seen = []

    def callback(step, report):
        seen.append((step, type(report).__name__))
        return step == 3

    network = init_network(NetworkSpec((8, 8), [BlockSpec(2, 3)], 10), seed=0)
    result = train(network, digits8[0], digits8[1], epochs=3, batch_size=100, callback=callback)
    assert result.stopped and result.steps == 3 and result.epochs == []
    assert seen == [(1, "BatchProgress"), (2, "BatchProgress"), (3, "BatchProgress")]
    reports = list(train_steps(network, digits8[0][:150], digits8[1][:150], epochs=1, batch_size=100))
    assert [type(r) for r in reports] == [BatchProgress, BatchProgress, EpochReport]
    assert reports[1].batch == reports[1].n_batches == 2


@pytest.mark.parametrize("init", ["hand", "kmeans", "given"])
def test_first_kernels_from_hand_kmeans_or_given_others_random_and_shared(init, digits8):
    spec = NetworkSpec((8, 8), [BlockSpec(6, 3), BlockSpec(4, 3)], 10)
    given = np.random.default_rng(9).standard_normal((6, 3, 3))
    start = given if init == "given" else init
    network = init_network(spec, seed=2, init=start, images=digits8[0] if init == "kmeans" else None)
    random = init_network(spec, seed=2)
    first = network.weights.kernels[0]
    if init == "given":
        np.testing.assert_allclose(first[..., 0], given.astype(np.float32))
    else:  # rescaled to the norm of a He-initialised kernel: sqrt(2 / 9) * 3
        np.testing.assert_allclose(np.linalg.norm(first.reshape(6, -1), axis=1), np.sqrt(2.0), rtol=1e-5)
        assert not np.allclose(first, random.weights.kernels[0])
    np.testing.assert_array_equal(network.weights.kernels[1], random.weights.kernels[1])
    np.testing.assert_array_equal(network.weights.readout_weights, random.weights.readout_weights)


def test_init_and_train_check_their_arguments(digits8):
    spec = NetworkSpec((8, 8), [BlockSpec(2, (3, 2))], 10)
    with pytest.raises(ValueError, match="init='hand' needs square kernels"):
        init_network(spec, init="hand")
    with pytest.raises(ValueError, match="init must be one of 'random', 'hand', 'kmeans'; got 'gabor'"):
        init_network(spec, init="gabor")
    with pytest.raises(ValueError, match="init='kmeans' needs images"):
        init_network(NetworkSpec((8, 8), [BlockSpec(2, 3)], 10), init="kmeans")
    network = init_network(spec)
    with pytest.raises(ValueError, match="optimizer must be one of 'sgd', 'adam'; got 'rmsprop'"):
        train(network, digits8[0], digits8[1], optimizer="rmsprop")
    with pytest.raises(ValueError, match="momentum must be a finite number >= 0 and < 1; got 1.0"):
        train(network, digits8[0], digits8[1], momentum=1.0)
    with pytest.raises(ValueError, match="lr must be a finite number > 0; got 0"):
        train(network, digits8[0], digits8[1], lr=0)
