"""What the connectivity panel's test files share: a shown panel on a small random bank."""
import numpy as np

from convlab.ui.bank_signals import KernelBank
from convlab.ui.panels.connectivity.panel import ConnectivityPanel


def random_bank(shape=(3, 3), count=4):
    """A shared bank of `count` random kernels of `shape`."""
    bank = KernelBank()
    rng = np.random.default_rng(0)
    bank.set_from_arrays([f"k{i}" for i in range(count)], rng.standard_normal((count,) + shape), "test")
    return bank


def shown_panel(qtbot):
    """A shown, synchronous connectivity panel."""
    panel = ConnectivityPanel(random_bank(), synchronous=True)
    qtbot.addWidget(panel)
    panel.resize(1500, 850)
    panel.show()
    qtbot.waitExposed(panel)
    return panel
