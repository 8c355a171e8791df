"""Soak benchmark: the live pipeline for N minutes on a looping video with the heaviest settings, switching
panels and presets every few seconds; memory must stay flat and the frame rate steady.

    python benchmarks/bench_soak.py [--minutes 10] [--warmup 240] [--switch 5] [--source VIDEO]

The window runs offscreen with its real event loop and worker threads. The feature-maps panel holds 64
random 11x11 kernels (a new seed on every visit, so the bank is rebuilt again and again) and is on screen
every other switch; in between, the other panels take turns and the kernel editor steps its preset
(PageDown). After the warm-up, every minute prints the frames displayed, the fps and the resident memory
(RSS); the end prints RSS at the start and the end, the growth in percent and the Python object count.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

HEAVY_KERNELS, HEAVY_SIZE = 64, 11


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


class Soak:
    """Drives the window: panel and preset switches, a frame counter, per-minute samples."""

    def __init__(self, window, features_key="features"):
        self.window = window
        self.features = next(p for p in window.panels if p.key == features_key)
        self.others = [i for i, p in enumerate(window.panels) if p is not self.features]
        self.frames = 0
        self.switches = 0
        self.seed = 0
        self.samples = []  # (seconds since start, frames, rss MB)
        for panel in window.panels:
            panel.frame_displayed.connect(self._count)

    def _count(self, _frame) -> None:
        self.frames += 1

    def heavy_bank(self) -> None:
        """64 random 11x11 kernels with a new seed, ReLU and 2x2 max pooling."""
        from convlab.lab.features import BankRequest

        self.seed += 1
        self.features.apply_settings(BankRequest("random", HEAVY_SIZE, HEAVY_KERNELS, self.seed))

    def switch(self) -> None:
        """Every other switch back to the heavy feature maps; otherwise the next other panel."""
        self.switches += 1
        window = self.window
        if self.switches % 2 == 0 or not self.others:
            window.tabs.setCurrentIndex(window.panels.index(self.features))
            self.heavy_bank()
            stage = ("pooled", "activated", "conv")[(self.switches // 2) % 3]
            self.features.controls.params_form.change(stage=stage)
        else:
            index = self.others[(self.switches // 2) % len(self.others)]
            window.tabs.setCurrentIndex(index)
            if window.current_panel().key == "editor":
                window.presentation.step_preset(+1)

    def sample(self, t0: float) -> None:
        self.samples.append((time.perf_counter() - t0, self.frames, rss_mb()))


def run(video, minutes: float, warmup: float, switch_seconds: float) -> dict:
    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from convlab.ui.main_window import MainWindow

    pg.setConfigOptions(imageAxisOrder="row-major")
    app = QApplication.instance() or QApplication([])
    from convlab.ui.allocator import tune_allocator

    print(f"allocator thresholds fixed: {tune_allocator()}", flush=True)
    window = MainWindow(settings=None)
    window.resize(1500, 900)
    window.show()
    soak = Soak(window)
    soak.heavy_bank()
    if not window.open_spec(str(video)):
        raise SystemExit(f"bench_soak: could not open {video}: {window.source_bar.banner.text()}")
    switcher = QTimer(interval=int(switch_seconds * 1000))
    switcher.timeout.connect(soak.switch)
    switcher.start()
    state = {}

    def start_measuring():
        gc.collect()
        state["objects0"] = len(gc.get_objects())
        state["t0"] = time.perf_counter()
        state["dropped0"] = soak.features.worker.dropped
        soak.sample(state["t0"])
        sampler.start()
        QTimer.singleShot(int(minutes * 60_000), app.quit)

    sampler = QTimer(interval=60_000)
    sampler.timeout.connect(lambda: (soak.sample(state["t0"]), report_minute(soak)))
    QTimer.singleShot(int(warmup * 1000), start_measuring)
    app.exec()
    soak.sample(state["t0"])
    gc.collect()
    result = {"samples": soak.samples, "objects": (state["objects0"], len(gc.get_objects())),
              "switches": soak.switches, "dropped": soak.features.worker.dropped - state["dropped0"],
              "decoded": getattr(window.sources.source, "frames_decoded", 0)}
    window.close()
    return result


def report_minute(soak: Soak) -> None:
    (t_a, f_a, _), (t_b, f_b, rss) = soak.samples[-2], soak.samples[-1]
    print(f"| {len(soak.samples) - 1} | {f_b - f_a} | {(f_b - f_a) / (t_b - t_a):.1f} | {rss:.0f} |", flush=True)


def summary(result: dict) -> str:
    samples = result["samples"]
    (t0, f0, rss0), (t1, f1, rss1) = samples[0], samples[-1]
    growth = 100.0 * (rss1 - rss0) / rss0
    rates = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(samples, samples[1:]) if b[0] - a[0] > 30]
    steady = f"{min(rates):.1f} .. {max(rates):.1f}" if rates else "n/a"
    objects0, objects1 = result["objects"]
    return "\n".join([
        f"measured {(t1 - t0) / 60:.1f} min after the warm-up; {result['switches']} panel/preset switches in all",
        f"frames displayed: {f1 - f0} ({(f1 - f0) / (t1 - t0):.1f} fps; per minute {steady} fps); "
        f"frames dropped by the feature worker: {result['dropped']}",
        f"RSS start {rss0:.0f} MB, end {rss1:.0f} MB, growth {growth:+.1f} % "
        f"({'flat' if abs(growth) < 5 else 'NOT flat'}: the target is under 5 %)",
        f"Python objects: {objects0} -> {objects1} ({objects1 - objects0:+d})"])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=10.0, help="measured minutes after the warm-up (default 10)")
    p.add_argument("--warmup", type=float, default=240.0,
                   help="seconds before the start measurement: every panel visited and the heap at its "
                        "working set (default 240)")
    p.add_argument("--switch", type=float, default=5.0, help="seconds between panel/preset switches (default 5)")
    p.add_argument("--source", help="a video file (default: a generated 640x480 30 fps video, played in a loop)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.source:
            video = args.source
        else:
            from bench_live import make_video

            video = make_video(Path(tmp) / "shapes.mp4", seconds=10)
        print(f"soak: {HEAVY_KERNELS} kernels {HEAVY_SIZE}x{HEAVY_SIZE}, ReLU, 2x2 max pooling, switching every "
              f"{args.switch:g} s, {args.warmup:g} s warm-up, {args.minutes:g} min measured", flush=True)
        print("| minute | frames displayed | fps | RSS MB |\n|---|---|---|---|", flush=True)
        print(summary(run(video, args.minutes, args.warmup, args.switch)))


if __name__ == "__main__":
    main()
