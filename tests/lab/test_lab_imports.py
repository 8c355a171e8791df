"""Dependency direction: every convlab.lab module loads without Qt, pyqtgraph or the UI."""
from __future__ import annotations

import pkgutil
import subprocess
import sys

import convlab.lab


def lab_modules():
    return sorted(f"convlab.lab.{m.name}" for m in pkgutil.iter_modules(convlab.lab.__path__))


def test_there_are_lab_modules_to_check():
    assert {"convlab.lab.kernel_bank", "convlab.lab.settings"} <= set(lab_modules())


def test_lab_modules_do_not_import_qt_or_the_ui():
    code = (
        "import importlib, sys\n"
        f"for name in {lab_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'shiboken6', 'convlab.ui')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
