"""Network files: a trained `Network` as a plain ``.npz`` archive, saved atomically, loaded with checks.

The archive (``numpy.savez``, nothing pickled) holds one ``.npy`` array per weight, named as
`NetworkWeights.arrays` names them (``block1.kernels``, ``block1.biases``, ...,
``readout.weights``, ``readout.biases``), and ``header``: a JSON text ::

    {"format": "convlab-network", "version": 1, "dtype": "float32", "spec": {...}}

with the `NetworkSpec` (`NetworkSpec.to_dict`). Saving writes a temporary file and renames it
(`convlab.io.atomic`), so a failed save never destroys the previous file. Loading refuses
anything that is not exactly such a file (not a zip archive, truncated, another format or
version, a missing or extra array, a wrong shape or dtype, NaN or infinite weights) with a
`NetworkFileError` naming the file and the problem; arrays are read with ``allow_pickle=False``.

Examples
--------
>>> from convlab.engine.network import BlockSpec, NetworkSpec, init_network
>>> net = init_network(NetworkSpec((8, 8), [BlockSpec(4, 3)], n_classes=10), seed=0)
>>> _ = save_network("digits-net.npz", net)
>>> loaded = load_network("digits-net.npz")
>>> loaded.spec == net.spec, bool(np.array_equal(loaded.weights.kernels[0], net.weights.kernels[0]))
(True, True)
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from convlab.io.atomic import write_bytes_atomic
from convlab.io.checked_files import check_regular_file

__all__ = ["FORMAT", "VERSION", "NetworkFileError", "load_network", "save_network"]

FORMAT = "convlab-network"
VERSION = 1
MAX_FILE_BYTES = 1 << 30
_DTYPES = ("float32", "float64")


class NetworkFileError(ValueError):
    """A network file could not be loaded; the message names the file and the problem."""


def _error(path, reason):
    return NetworkFileError(f"Cannot load network file '{path}': {reason}.")


def save_network(path, network):
    """Write `network` (spec and weights) to `path` as an ``.npz`` archive, atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Written exactly as given (no suffix is added).
    network : Network

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        If a weight is NaN or infinite (nothing is written).
    """
    arrays = network.weights.arrays()
    for name, array in arrays.items():
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} holds NaN or infinity; only finite weights are saved")
    header = {"format": FORMAT, "version": VERSION, "dtype": str(network.dtype), "spec": network.spec.to_dict()}
    buffer = io.BytesIO()
    np.savez(buffer, header=np.array(json.dumps(header)), **arrays)
    return write_bytes_atomic(path, buffer.getvalue())


def _read_arrays(path):
    """Every array of the archive by name (pickles refused), or NetworkFileError."""
    check_regular_file(path, _error, "a network file", MAX_FILE_BYTES)
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as stream:
            zipped = stream.read(4) == b"PK\x03\x04"
        raise _error(path, "it is truncated or damaged (a zip archive without its table of contents)" if zipped
                     else "it is not an .npz archive (not a zip file)")
    arrays, name = {}, None
    try:
        with np.load(path, allow_pickle=False) as archive:
            for name in archive.files:
                arrays[name] = archive[name]
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise _error(path, f"'{name}' holds Python objects (pickled data is never loaded)") from None
        raise _error(path, f"'{name}' is damaged or truncated ({exc})") from None
    except (OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise _error(path, f"it is damaged or truncated ({type(exc).__name__}: {exc})") from None
    return arrays


def _read_header(path, arrays):
    """(spec, dtype) from the archive's header, or NetworkFileError."""
    from convlab.engine.network_spec import NetworkSpec

    header = arrays.pop("header", None)
    if header is None or header.ndim != 0 or header.dtype.kind != "U":
        raise _error(path, "it has no convlab network header (not saved by save_network)")
    try:
        data = json.loads(str(header))
    except ValueError as exc:
        raise _error(path, f"its header is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _error(path, f"it is not a {FORMAT} file")
    if data.get("version") != VERSION:
        raise _error(path, f"it has format version {data.get('version')!r}; this convlab reads version {VERSION}")
    if data.get("dtype") not in _DTYPES:
        raise _error(path, f"its dtype must be one of {', '.join(_DTYPES)}; got {data.get('dtype')!r}")
    try:
        return NetworkSpec.from_dict(data.get("spec")), np.dtype(data["dtype"])
    except (ValueError, TypeError, AttributeError) as exc:
        raise _error(path, f"its network spec is invalid ({exc})") from None


def _check_arrays(path, arrays, expected, dtype):
    """NetworkFileError unless `arrays` are exactly the `expected` names (-> shapes), of `dtype`, all finite."""
    missing = [name for name in expected if name not in arrays]
    if missing:
        raise _error(path, f"it has no {', '.join(missing)} array (the spec needs {', '.join(expected)})")
    extra = sorted(set(arrays) - set(expected))
    if extra:
        raise _error(path, f"it holds arrays the spec does not use: {', '.join(extra)}")
    for name, shape in expected.items():
        found = arrays[name]
        if found.shape != shape:
            raise _error(path, f"{name} has shape {found.shape}; the spec needs {shape}")
        if found.dtype != dtype:
            raise _error(path, f"{name} has dtype {found.dtype}; the header says {dtype}")
        if not np.all(np.isfinite(found)):
            raise _error(path, f"{name} holds NaN or infinite values")


def load_network(path):
    """Read a network written by `save_network`.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Network

    Raises
    ------
    NetworkFileError
        (a ValueError) naming the file and the problem; see the module docstring.
    """
    from convlab.engine.network import Network, NetworkWeights

    path = Path(path)
    arrays = _read_arrays(path)
    spec, dtype = _read_header(path, arrays)
    _check_arrays(path, arrays, spec.weight_shapes(), dtype)
    return Network(spec, NetworkWeights.from_arrays(arrays, len(spec.blocks)))
