"""The Qt face of the shared kernel bank: one `changed` signal per change of the model."""
import numpy as np

from convlab.lab.kernel_bank import KernelEntry
from convlab.ui.bank_signals import KernelBank


def test_changes_of_the_model_emit_changed_and_reads_go_to_the_model(qtbot):
    bank = KernelBank()
    with qtbot.waitSignal(bank.changed):
        bank.model.set_entries([KernelEntry("a", np.ones((3, 3)))], "direct")
    with qtbot.waitSignal(bank.changed):
        bank.set_from_arrays(["b", "c"], np.ones((2, 5, 5)), "adapter")
    assert bank.origin == "adapter" and [e.name for e in bank.entries()] == ["b", "c"]
    with qtbot.assertNotEmitted(bank.changed):
        bank.set_enabled(0, True)  # already enabled: no change, no signal
