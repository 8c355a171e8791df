"""What the translation panel's test files share: a panel on the default bank, and waiting for results."""
from convlab.engine.kernel_banks import make_bank
from convlab.ui.bank_signals import KernelBank
from convlab.ui.panels.translation.panel import TranslationPanel


def default_bank():
    """The shared bank with the default 3x3 kernels."""
    bank = KernelBank()
    bank.set_from_arrays(*make_bank("default", 3), origin="default 3x3")
    return bank


def shown_panel(qtbot, bank):
    """A shown, synchronous translation panel, after its first result."""
    panel = TranslationPanel(bank, synchronous=True)
    qtbot.addWidget(panel)
    panel.resize(1500, 850)
    panel.show()
    qtbot.waitUntil(lambda: panel.image_mode.results_shown() >= 1, timeout=10000)
    return panel


def settle(qtbot, panel):
    """Let the coalescing timer fire and the synchronous worker deliver."""
    before = panel.image_mode.results_shown()
    qtbot.waitUntil(lambda: panel.image_mode.results_shown() > before, timeout=5000)


def choose(combo, data):
    """Pick the item of ``combo`` whose data is ``data``."""
    combo.setCurrentIndex(combo.findData(data))
