"""Start-up cost: the window with the default photo loads neither scikit-learn nor scipy.signal/stats.

Importing scikit-learn (its datasets pull in scipy.stats) and scipy.signal took about 1 s of the
2.3 s start-up; convlab loads them on first use (k-means, the comparison, sigmoid), so the window
shows the photo in about 1.5 s.
"""
from __future__ import annotations

import os
import subprocess
import sys

STARTUP = """
import sys
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication
pg.setConfigOptions(imageAxisOrder="row-major")
app = QApplication([])
from convlab.ui.main_window import MainWindow
window = MainWindow(settings=None)
window.resize(1280, 800)
window.show()
assert window.open_spec("sample:china")
for _ in range(20):
    app.processEvents()
heavy = sorted({".".join(m.split(".")[:2]) for m in sys.modules if m.split(".")[0] == "sklearn"
                or m.startswith(("scipy.signal", "scipy.stats", "scipy.optimize"))})
print(",".join(heavy))
"""


def test_window_with_the_default_photo_loads_no_heavy_scientific_modules():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True, env=env,
                         timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"loaded at start-up: {out.stdout.strip()}"


def test_engine_functions_still_load_their_libraries_on_first_use():
    code = ("import numpy as np, sys\n"
            "from convlab.engine import activate, learn_centroids, preset_kernel\n"
            "assert 'sklearn' not in sys.modules\n"
            "print(float(activate(np.array([0.0]), 'sigmoid')[0]))\n"
            "x = np.random.default_rng(0).normal(size=(200, 4)).astype(np.float32)\n"
            "print(learn_centroids(x, 3, seed=0).centroids.shape)\n"
            "print(preset_kernel('laplacian', 5).sum().round(12) + 0.0)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["0.5", "(3, 4)", "0.0"]
