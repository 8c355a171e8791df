"""Network files: a saved network loads back bit for bit; every damaged or foreign file is refused
with a NetworkFileError naming the file and the problem."""
import json

import numpy as np
import pytest

from convlab.engine.network import BlockSpec, NetworkSpec, init_network
from convlab.io.network_files import NetworkFileError, load_network, save_network

SPEC = NetworkSpec((10, 9, 3), [BlockSpec(4, 3), BlockSpec(5, (2, 3), activation="tanh", pool="avg")], 3)


@pytest.fixture
def saved(tmp_path):
    network = init_network(SPEC, seed=7)
    return save_network(tmp_path / "net.npz", network), network


def rewrite(path, change):
    """Save the arrays of `path` again after `change(arrays)` (a dict it edits in place)."""
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    change(arrays)
    np.savez(path, **arrays)
    return path


def set_header(arrays, **fields):
    header = json.loads(str(arrays["header"]))
    header.update(fields)
    arrays["header"] = np.array(json.dumps(header))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_keeps_spec_weights_and_predictions(tmp_path, dtype):
    network = init_network(SPEC, seed=3, dtype=dtype)
    path = save_network(tmp_path / "a network.npz", network)
    loaded = load_network(path)
    assert loaded.spec == network.spec and loaded.dtype == dtype
    for name, array in network.weights.arrays().items():
        np.testing.assert_array_equal(loaded.weights.arrays()[name], array)
    images = np.random.default_rng(0).random((4, 10, 9, 3))
    np.testing.assert_array_equal(loaded.forward(images), network.forward(images))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a network.npz"]  # no temporary file left


def test_a_truncated_file_is_refused(saved):
    path, _ = saved
    data = path.read_bytes()
    for size in (len(data) // 2, len(data) - 30):
        path.write_bytes(data[:size])
        with pytest.raises(NetworkFileError, match=rf"Cannot load network file '{path}': it is truncated or damaged"):
            load_network(path)


def test_a_damaged_array_is_refused(saved):
    path, _ = saved
    data = bytearray(path.read_bytes())
    start = data.index(b"readout.weights.npy") + 200  # inside that member's data: its CRC no longer matches
    data[start:start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(NetworkFileError, match="damaged or truncated"):
        load_network(path)


def test_a_missing_array_is_refused(saved):
    path, _ = saved
    rewrite(path, lambda arrays: arrays.pop("block2.biases"))
    with pytest.raises(NetworkFileError, match=r"net.npz': it has no block2.biases array \(the spec needs"):
        load_network(path)


def test_another_version_or_format_is_refused(saved):
    path, _ = saved
    rewrite(path, lambda arrays: set_header(arrays, version=2))
    with pytest.raises(NetworkFileError, match="it has format version 2; this convlab reads version 1"):
        load_network(path)
    rewrite(path, lambda arrays: set_header(arrays, format="convlab-kernels"))
    with pytest.raises(NetworkFileError, match="it is not a convlab-network file"):
        load_network(path)


def test_a_nan_weight_is_refused_and_never_saved(saved):
    path, network = saved
    rewrite(path, lambda arrays: arrays["block1.kernels"].__setitem__((0, 1, 1, 2), np.nan))
    with pytest.raises(NetworkFileError, match="block1.kernels holds NaN or infinite values"):
        load_network(path)
    before = path.read_bytes()
    network.weights.readout_biases[1] = np.inf
    with pytest.raises(ValueError, match="readout.biases holds NaN or infinity; only finite weights are saved"):
        save_network(path, network)
    assert path.read_bytes() == before  # the previous file is untouched


@pytest.mark.parametrize("change, message", [
    (lambda a: a.__setitem__("readout.weights", a["readout.weights"][:-1]),
     r"readout.weights has shape \(19, 3\); the spec needs \(20, 3\)"),
    (lambda a: a.__setitem__("block1.biases", a["block1.biases"].astype(np.float64)), "block1.biases has dtype"),
    (lambda a: a.__setitem__("extra", np.zeros(2)), "it holds arrays the spec does not use: extra"),
    (lambda a: a.__setitem__("extra", np.array([{"x": 1}], dtype=object)), "'extra' holds Python objects"),
    (lambda a: a.pop("header"), "it has no convlab network header"),
    (lambda a: set_header(a, spec={"blocks": []}), "its network spec is invalid"),
], ids=["shape", "dtype", "extra array", "pickled object", "no header", "bad spec"])
def test_foreign_contents_are_refused(saved, change, message):
    path, _ = saved
    rewrite(path, change)
    with pytest.raises(NetworkFileError, match=message):
        load_network(path)


def test_files_that_are_not_archives_are_refused(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("weights")
    with pytest.raises(NetworkFileError, match="it is not an .npz archive"):
        load_network(text)
    with pytest.raises(NetworkFileError, match="the file does not exist"):
        load_network(tmp_path / "missing.npz")
    with pytest.raises(NetworkFileError, match="it is a folder"):
        load_network(tmp_path)
