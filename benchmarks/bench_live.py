"""Live pipeline benchmark: a video file through the real window, offscreen (source -> engine -> display).

    python benchmarks/bench_live.py [--source VIDEO] [--seconds 10] [--kernels 16] [--size 7]

Without --source, a 640x480 30 fps H.264 video of moving shapes is written to a temporary folder first.
Prints frames decoded, frames displayed, displayed fps, frames dropped and the latency from a frame's
arrival to its display (median and 95th percentile).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def make_video(path, seconds=10.0, size=(480, 640), fps=30):
    """Write an H.264 video of the moving-shapes scene (needs PyAV)."""
    import av

    from convlab.sources.synthetic import MovingShapesSource

    scene = MovingShapesSource(size=size, fps=fps)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "23"}
        for i in range(int(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(scene.frame_at(i / fps), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def run(video, seconds, kernels, size, pool):
    """Play ``video`` through the feature-maps panel for ``seconds``; returns the measurements."""
    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from convlab.lab.features import BankRequest, FeatureParams
    from convlab.ui.main_window import MainWindow

    pg.setConfigOptions(imageAxisOrder="row-major")
    app = QApplication.instance() or QApplication([])
    from convlab.ui.allocator import tune_allocator

    tune_allocator()  # as convlab's main() does
    window = MainWindow(settings=None)
    window.resize(1500, 900)
    window.show()
    panel = window.panels[0]
    panel.apply_settings(BankRequest("random", size, kernels, 0))
    panel.apply_settings(FeatureParams(activation="relu", pool_kind="max" if pool else "none", pool_size=2,
                                       pool_stride=2, stage="pooled"))
    if not window.open_spec(str(video)):
        raise SystemExit(f"bench_live: could not open {video}")
    source = window.sources.source
    t0 = time.perf_counter()
    while window.sources.last_frame is None and time.perf_counter() - t0 < 10:
        app.processEvents()
    panel.latencies_ms.clear()
    decoded0, shown0, dropped0 = source.frames_decoded, panel.frames_displayed(), panel.worker.dropped
    t0 = time.perf_counter()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()  # the real event loop, as a user's session runs it
    elapsed = time.perf_counter() - t0
    lat = sorted(panel.latencies_ms)
    result = {
        "frames decoded": source.frames_decoded - decoded0,
        "frames displayed": panel.frames_displayed() - shown0,
        "displayed fps": (panel.frames_displayed() - shown0) / elapsed,
        "frames dropped": panel.worker.dropped - dropped0,
        "latency median ms": statistics.median(lat) if lat else float("nan"),
        "latency p95 ms": lat[int(0.95 * (len(lat) - 1))] if lat else float("nan"),
    }
    window.close()
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", help="video file (default: a generated 640x480 30 fps video)")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--kernels", type=int, default=16)
    p.add_argument("--size", type=int, default=7)
    p.add_argument("--no-pool", action="store_true")
    p.add_argument("--also-heavy", action="store_true", help="also run 64 kernels of 11x11")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        video = args.source or make_video(Path(tmp) / "shapes.mp4", seconds=12)
        workloads = [(args.kernels, args.size)] + ([(64, 11)] if args.also_heavy else [])
        print("| workload | decoded | displayed | displayed fps | dropped | latency median | latency p95 |")
        print("|---|---|---|---|---|---|---|")
        for k, s in workloads:
            r = run(video, args.seconds, k, s, not args.no_pool)
            print(f"| {k} x {s}x{s}, ReLU, 2x2 max | {r['frames decoded']} | {r['frames displayed']} | "
                  f"{r['displayed fps']:.1f} | {r['frames dropped']} | {r['latency median ms']:.1f} ms | "
                  f"{r['latency p95 ms']:.1f} ms |", flush=True)


if __name__ == "__main__":
    main()
