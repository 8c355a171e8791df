"""The shared kernel bank: a plain model with subscribers (no Qt)."""
import numpy as np
import pytest

from convlab.lab.kernel_bank import MAX_KERNELS, KernelBank, KernelEntry


def test_bank_stacks_enabled_kernels_padded_to_one_size():
    bank = KernelBank()
    calls = []
    bank.subscribe(lambda: calls.append(1))
    bank.set_entries([KernelEntry("a", np.ones((3, 3))), KernelEntry("b", np.full((5, 5), 2.0)),
                      KernelEntry("c", np.ones((1, 1)), enabled=False)])
    assert calls == [1]
    names, kernels = bank.stacked()
    assert names == ["a", "b"] and kernels.shape == (2, 5, 5)
    assert kernels[0].sum() == 9 and kernels[0, 1:4, 1:4].sum() == 9
    bank.set_enabled(2, True)
    assert bank.stacked()[1].shape == (3, 5, 5) and calls == [1, 1]


def test_bank_keeps_one_kernel_enabled_and_mixes_colour():
    bank = KernelBank()
    bank.set_entries([KernelEntry("g", np.ones((3, 3))), KernelEntry("rgb", np.ones((3, 3, 3)))])
    names, kernels = bank.stacked()
    assert kernels.shape == (2, 3, 3, 3)
    np.testing.assert_allclose(kernels[0].sum(axis=2), 1.0)
    bank.set_enabled(0, False)
    bank.set_enabled(1, False)
    assert bank.enabled_count() == 1


@pytest.mark.parametrize("bad", [np.array([[np.nan]]), np.zeros((0, 3)), np.ones(3)])
def test_bank_refuses_bad_kernels_and_keeps_the_old_ones(bad):
    bank = KernelBank()
    bank.set_entries([KernelEntry("a", np.ones((3, 3)))])
    calls = []
    bank.subscribe(lambda: calls.append(1))
    with pytest.raises(ValueError):
        bank.set_entries([KernelEntry("bad", bad)])
    assert bank.stacked()[0] == ["a"] and calls == []


def test_add_drops_the_oldest_when_full_and_unsubscribe_stops_calls():
    bank = KernelBank()
    bank.set_from_arrays([f"k{i}" for i in range(MAX_KERNELS)], np.ones((MAX_KERNELS, 3, 3)), "full")
    calls = []

    def count():
        calls.append(1)

    bank.subscribe(count)
    bank.add("new", np.zeros((3, 3)))
    names = [e.name for e in bank.entries()]
    assert len(names) == MAX_KERNELS and names[0] == "k1" and names[-1] == "new" and bank.origin == "full"
    bank.unsubscribe(count)
    bank.add("newer", np.zeros((3, 3)))
    assert calls == [1]
