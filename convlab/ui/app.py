"""Start convlab: parse the command line, build the window, optionally take a screenshot and exit."""
from __future__ import annotations

import argparse
import sys
import time

from convlab.ui.panels import PANEL_KEYS

SETTLE_S = 0.8  # --screenshot: time given to the window after the wanted frames were displayed
# Qt Multimedia reports every optional library it probes for (PipeWire, VA-API) and the FFmpeg
# version on start-up: harmless on any machine, but it reads like an error to a user. Real warnings
# of the FFmpeg back end still show; QT_LOGGING_RULES set by the user overrides these rules.
QUIET_QT_RULES = "qt.multimedia.symbolsresolver=false\nqt.multimedia.ffmpeg.info=false"



def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python main.py``."""
    p = argparse.ArgumentParser(
        prog="convlab", description="A visual lab for convolutional neural networks: convolution, "
        "nonlinearity and pooling live on a camera, a video or an image.",
        epilog="'convlab compare --help' (python main.py compare ...) compares random, hand-designed and "
               "k-means kernels on a labelled image set without opening a window.")
    p.add_argument("--panel", choices=PANEL_KEYS, default=None, help="panel to open (default: the last one)")
    p.add_argument("--source", metavar="SPEC", default=None,
                   help="an image or video path, 'sample:NAME' (china, flower, edges, checkerboard, text, "
                        "'moving shapes') or 'camera[:INDEX]'; default: the last source, else a camera, "
                        "else a photo")
    p.add_argument("--screenshot", metavar="OUT.png", default=None,
                   help="process the source, save a PNG of the window and exit")
    p.add_argument("--frames", type=int, default=None, metavar="N",
                   help="with --screenshot: frames to display first (default 1 for an image, 15 for a video)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="with --screenshot: give up after this long (default 30)")
    p.add_argument("--scale", type=_scale_arg, default=1.0, metavar="S",
                   help="with --screenshot: pixels per window pixel, 0.25 to 8 (2 = twice as wide and high, "
                        "drawn sharp; default 1)")
    p.add_argument("--size", default="1500x900", metavar="WxH", help="window size (default 1500x900)")
    p.add_argument("--no-settings", action="store_true", help="neither read nor write remembered settings")
    p.add_argument("--lesson", metavar="FILE", default=None,
                   help="open a lesson file (.convlab: panel, source, kernel bank and settings) first; "
                        "--panel and --source still override it; a bad lesson exits with code 2")
    p.add_argument("--set", action="append", default=[], metavar="PANEL.FIELD=VALUE", dest="assignments",
                   help="set one setting of a panel, as its control would (repeatable; after --lesson), e.g. "
                        "--set features.stride=2 --set smoothing.kind=box; a bad one exits with code 2 and "
                        "lists what the panel allows")
    return p


def apply_assignments(window, assignments) -> None:
    """Apply ``PANEL.FIELD=VALUE`` settings (``--set``) to the window's panels, in order.

    Raises ValueError naming the panel, the field and what is allowed, before anything else changes
    for that assignment.
    """
    from convlab.lab.settings import parse_assignment, setting_fields

    panels = {panel.key: panel for panel in window.panels}
    for text in assignments:
        key, _, rest = text.partition(".")
        panel = panels.get(key)
        if panel is None or not rest:
            raise ValueError(f"'{text}' must start with a panel ({', '.join(panels)}), a dot and field=value")
        name = rest.partition("=")[0].strip()
        objects = panel.current_settings()
        target = next((s for s in objects if name in {n for n, _, _ in setting_fields(s)}), None)
        if target is None:
            fields = ", ".join(n for s in objects for n, _, _ in setting_fields(s)) or "none"
            raise ValueError(f"the panel '{key}' has no setting '{name}'; its settings are: {fields}")
        panel.apply_settings(parse_assignment(target, rest))


def _parse_size(text: str):
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"convlab: --size must look like 1500x900, got {text!r}")
    return w, h


def _scale_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.25 <= value <= 8:
        raise argparse.ArgumentTypeError(f"must be a number from 0.25 to 8, got {text!r}")
    return value


def _install_excepthook(window_ref: list):
    """Log an exception escaping a slot (or a thread) and show a short message instead of dying."""
    from convlab.ui.error_handler import install_exception_handler

    def report(text: str) -> None:
        if window_ref:
            window_ref[0].show_message(text, error=True)
    return install_exception_handler(report)


def _take_screenshot(app, window, args) -> int:
    from convlab.ui.export import save_image_atomic
    from convlab.ui.export_view import render_widget
    from convlab.ui.source_controller import is_video_path

    spec = window.sources.spec
    wanted = args.frames or (15 if is_video_path(spec.partition(":")[2] or spec) or spec == "sample:moving shapes"
                             else 1)
    panel = window.current_panel()
    deadline = time.monotonic() + args.timeout
    while panel.frames_displayed() < wanted and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    if panel.frames_displayed() == 0:
        print(f"convlab: no frame was displayed within {args.timeout:g} s from {spec!r}.", file=sys.stderr)
        return 1
    settle = time.monotonic() + SETTLE_S  # rate-limited views (e.g. the shift curves) catch up
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.005)
    try:
        save_image_atomic(render_widget(window, args.scale), args.screenshot)
    except OSError as exc:
        print(f"convlab: {exc}", file=sys.stderr)
        return 1
    print(f"convlab: saved {args.screenshot} ({panel.frames_displayed()} frames displayed)")
    return 0


def main(argv=None) -> int:
    """Run convlab; returns the process exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["compare"]:
        from convlab.compare_cli import main as compare_main

        return compare_main(argv[1:])
    args = build_parser().parse_args(argv)
    size = _parse_size(args.size)
    from convlab.ui.allocator import tune_allocator

    tune_allocator()
    from PySide6.QtCore import QLoggingCategory, QSettings
    from PySide6.QtWidgets import QApplication

    QLoggingCategory.setFilterRules(QUIET_QT_RULES)

    import pyqtgraph as pg

    pg.setConfigOptions(imageAxisOrder="row-major")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("convlab")
    app.setApplicationName("convlab")
    from convlab.ui.main_window import MainWindow

    use_settings = not (args.no_settings or args.screenshot)
    window = MainWindow(settings=QSettings() if use_settings else None)
    window_ref = [window]
    _install_excepthook(window_ref)
    if args.screenshot or not use_settings:
        window.resize(*size)
    if args.lesson:
        from convlab.ui.lesson_menu import open_lesson_from_command_line

        if not open_lesson_from_command_line(window, args.lesson):
            window.close()
            return 2
    if args.assignments:
        try:
            apply_assignments(window, args.assignments)
        except ValueError as exc:
            print(f"convlab: --set: {exc}", file=sys.stderr)
            window.close()
            return 2
    if args.panel:
        window.show_panel(args.panel)
    window.show()
    if args.source:
        if not window.open_spec(args.source):
            print(f"convlab: {window.source_bar.banner.text()}", file=sys.stderr)
            if args.screenshot:
                return 2
            window.start()
    elif not (args.lesson and window.sources.source is not None):
        note = window.source_bar.banner.text() if args.lesson else ""
        window.start()
        if note:  # a lesson without a source of its own: keep its note in view, not the photo's name
            window.show_message(note)
    if args.screenshot:
        code = _take_screenshot(app, window, args)
        window.close()
        return code
    return app.exec()
