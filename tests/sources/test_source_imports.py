"""Dependency direction: io and the non-Qt sources import neither Qt nor the UI."""
from __future__ import annotations

import subprocess
import sys


def test_io_and_sources_do_not_import_qt_or_ui():
    code = (
        "import sys, convlab.io, convlab.sources, convlab.resources_path\n"
        "from convlab.sources import open_sample, SAMPLE_NAMES\n"
        "[open_sample(name).read() for name in SAMPLE_NAMES]\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'convlab.ui')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
