"""Bad (and odd but valid) input files, generated on the fly for the hardening tests."""
import io
import struct
import zipfile
import zlib

import numpy as np
from numpy.lib import format as npy_format
from PIL import Image

KERNEL_HEADER = b'{"format": "convlab-kernels", "version": 1, "kernels": '


def _png(image, **options) -> bytes:
    stream = io.BytesIO()
    image.save(stream, format="PNG", **options)
    return stream.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height RGB pixels but holds 100 bytes of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0" * 100))
            + _chunk(b"IEND", b""))


def photo(height=48, width=64) -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray((rng.random((height, width, 3)) * 255).astype(np.uint8))


def bad_images(folder) -> dict:
    """name -> path of image files that must be refused."""
    good_png = _png(photo())
    jpeg = io.BytesIO()
    photo().save(jpeg, format="JPEG", quality=90)
    files = {"zero-byte.png": b"", "truncated.png": good_png[: len(good_png) // 2],
             "truncated.jpg": jpeg.getvalue()[: len(jpeg.getvalue()) // 2], "text.png": b"not a picture\n",
             "claims-100000x100000.png": png_claiming(100000, 100000)}
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    paths["a-folder.png"] = folder / "a-folder.png"
    paths["a-folder.png"].mkdir()
    paths["missing.png"] = folder / "missing.png"
    return paths


def odd_images(folder) -> dict:
    """name -> (path, (H, W)) of unusual images that must open."""
    rng = np.random.default_rng(1)
    rgba = photo().convert("RGBA")
    rgba.putalpha(128)
    images = {"16-bit.png": Image.fromarray((rng.random((40, 50)) * 65535).astype(np.uint16)),
              "palette.png": photo().convert("P", palette=Image.Palette.ADAPTIVE), "rgba.png": rgba,
              "gray.png": photo().convert("L"), "1x1.png": Image.new("RGB", (1, 1), (200, 30, 30)),
              "2x2.png": Image.fromarray((rng.random((2, 2, 3)) * 255).astype(np.uint8)),
              "ünïcødé 图像 ✓.png": photo(30, 40)}
    paths = {}
    for name, image in images.items():
        image.save(folder / name)
        paths[name] = (folder / name, image.size[::-1])
    return paths


def bad_kernel_files(folder) -> dict:
    """name -> path of kernel files load_bank must refuse."""
    files = {
        "zero-byte.json": b"", "text.json": b"hello", "binary.txt": bytes(range(256)),
        "truncated.json": KERNEL_HEADER + b'[{"name": "a", "shape": [3, 3], "wei',
        "nan.json": KERNEL_HEADER + b'[{"name": "a", "shape": [1, 2], "weights": [[NaN, 1]]}]}',
        "infinity.json": KERNEL_HEADER + b'[{"name": "a", "shape": [1, 2], "weights": [[Infinity, 1]]}]}',
        "overflow.json": KERNEL_HEADER + b'[{"name": "a", "shape": [1, 1], "weights": [[1e400]]}]}',
        "0x0.json": KERNEL_HEADER + b'[{"name": "a", "shape": [0, 0], "weights": []}]}',
        "no-kernels.json": KERNEL_HEADER + b"[]}",
        "newer.json": b'{"format": "convlab-kernels", "version": 99, "kernels": []}',
        "inf.csv": b"1,inf,2\n", "nan.txt": b"1 nan\n2 3\n", "empty-cells.csv": b"1,,2\n3,4,5\n",
        "ragged.csv": b"1,2,3\n4,5\n", "words.csv": b"a,b\nc,d\n", "300-wide.csv": (",".join(["1"] * 300)).encode(),
        "1e300.csv": b"1e300,1\n1,1\n",  # finite in float64, infinite once the bank stores float32
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    paths["a-folder.json"] = folder / "a-folder.json"
    paths["a-folder.json"].mkdir()
    paths["missing.json"] = folder / "missing.json"
    return paths


def _npz(path, **arrays) -> None:
    np.savez(path, **arrays)


def _npz_with_header(path, key, shape) -> None:
    """An .npz whose member `key` claims `shape` (float32) but holds no data."""
    header = io.BytesIO()
    npy_format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": shape})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{key}.npy", header.getvalue())
        labels = io.BytesIO()
        np.save(labels, np.arange(shape[0]) % 2)
        archive.writestr("labels.npy", labels.getvalue())


def bad_datasets(folder) -> dict:
    """name -> path of labelled .npz sets load_npz_images must refuse."""
    rng = np.random.default_rng(2)
    images, labels = rng.random((6, 8, 8)), np.array([0, 0, 1, 1, 2, 2])
    paths = {name: folder / name for name in (
        "zero-byte.npz", "text.npz", "truncated.npz", "single-array.npz", "no-labels.npz", "objects.npz",
        "nan.npz", "one-class.npz", "count-mismatch.npz", "4-d.npz", "claims-huge.npz", "tiny-images.npz")}
    paths["zero-byte.npz"].write_bytes(b"")
    paths["text.npz"].write_text("images,labels\n")
    _npz(folder / "whole.npz", images=images, labels=labels)
    whole = (folder / "whole.npz").read_bytes()
    paths["truncated.npz"].write_bytes(whole[: len(whole) // 2])
    with open(paths["single-array.npz"], "wb") as stream:
        np.save(stream, images)
    _npz(paths["no-labels.npz"], images=images)
    _npz(paths["objects.npz"], images=np.array([images[0], "x"], dtype=object), labels=labels[:2])
    nan_images = images.copy()
    nan_images[0, 0, 0] = np.nan
    _npz(paths["nan.npz"], images=nan_images, labels=labels)
    _npz(paths["one-class.npz"], images=images, labels=np.zeros(6, int))
    _npz(paths["count-mismatch.npz"], images=images, labels=labels[:4])
    _npz(paths["4-d.npz"], images=images[..., None], labels=labels)
    _npz_with_header(paths["claims-huge.npz"], "images", (100000, 1000, 1000))
    _npz(paths["tiny-images.npz"], images=images[:, :2, :2], labels=labels)
    paths["a-folder.npz"] = folder / "a-folder.npz"
    paths["a-folder.npz"].mkdir()
    paths["missing.npz"] = folder / "missing.npz"
    return paths


def bad_signals(folder) -> dict:
    """name -> path of signal files read_signal must refuse."""
    files = {"zero-byte.csv": b"", "binary.csv": bytes(range(256)) * 4, "nan.csv": b"1\n2\nnan\n4\n",
             "inf.csv": b"1\ninf\n", "words.csv": b"1\ntwo\n3\n", "one-number.csv": b"42\n",
             "header-only.csv": b"time,position\n", "empty-cell.csv": b"1,2\n3,\n5,6\n", "comments.csv": b"# x\n# y\n"}
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    paths["65-MB.csv"] = folder / "65-MB.csv"
    with open(paths["65-MB.csv"], "wb") as stream:
        stream.truncate(65 * 2**20)  # sparse: refused by its size before reading
    paths["a-folder.csv"] = folder / "a-folder.csv"
    paths["a-folder.csv"].mkdir()
    paths["missing.csv"] = folder / "missing.csv"
    return paths


def write_video(path, frames=60, size=(120, 160), faststart=True) -> None:
    """A small H.264 MP4 of a moving white bar (PyAV)."""
    import av

    with av.open(str(path), "w", options={"movflags": "faststart"} if faststart else {}) as container:
        stream = container.add_stream("libx264", rate=30)
        stream.height, stream.width = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            image = np.zeros(size + (3,), np.uint8)
            image[:, (4 * i) % size[1]:(4 * i) % size[1] + 20] = 255
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode(None))
