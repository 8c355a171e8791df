"""The kernel bank every panel shares: a plain model that announces changes to its subscribers.

It holds no Qt: the UI adapts ``subscribe`` to a Qt signal (``convlab.ui.bank_signals``).

>>> import numpy as np
>>> bank = KernelBank()
>>> seen = []
>>> bank.subscribe(lambda: seen.append(bank.enabled_count()))
>>> bank.set_from_arrays(["a", "b"], np.ones((2, 3, 3)), "demo")
>>> seen
[2]
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

__all__ = ["MAX_ABS_WEIGHT", "MAX_KERNELS", "KernelBank", "KernelEntry"]

MAX_KERNELS = 64  # the most kernels a bank holds (the live grid shows at most this many maps)
MAX_ABS_WEIGHT = 1e30  # larger weights make sums of products overflow float32 (3.4e38) on 0..255 inputs


@dataclass(frozen=True)
class KernelEntry:
    """One kernel of the bank: a name, the weights (kh, kw) or (kh, kw, C), and whether it is used."""

    name: str
    kernel: np.ndarray
    enabled: bool = True


def _pad_to(kernel: np.ndarray, kh: int, kw: int) -> np.ndarray:
    """Zero-pad a kernel to (kh, kw), keeping its centre."""
    top = (kh - kernel.shape[0]) // 2
    left = (kw - kernel.shape[1]) // 2
    out = np.zeros((kh, kw) + kernel.shape[2:], np.float32)
    out[top:top + kernel.shape[0], left:left + kernel.shape[1]] = kernel
    return out


def _as_float32(kernels, what: str) -> np.ndarray:
    """float32 copy of finite weights; ValueError for weights beyond MAX_ABS_WEIGHT (float32 would overflow)."""
    array = np.asarray(kernels, dtype=np.float64)
    if array.size and np.nanmax(np.abs(np.where(np.isinf(array), 0.0, array)), initial=0.0) > MAX_ABS_WEIGHT:
        raise ValueError(f"{what} has weights larger than {MAX_ABS_WEIGHT:g} in size; its sums of products "
                         "would overflow")
    return array.astype(np.float32)


class KernelBank:
    """The current kernel bank; every panel reads it and any panel may replace it.

    Every change calls the subscribed callbacks (no arguments), in the order they subscribed.
    """

    def __init__(self):
        self._entries: list[KernelEntry] = []
        self._subscribers: list = []
        self.origin = ""

    def subscribe(self, callback) -> None:
        """Call ``callback()`` after every change of the bank."""
        self._subscribers.append(callback)

    def unsubscribe(self, callback) -> None:
        """Stop calling ``callback`` (no error if it was not subscribed)."""
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def _announce(self) -> None:
        for callback in list(self._subscribers):
            callback()

    def entries(self) -> list[KernelEntry]:
        """All kernels, enabled or not."""
        return list(self._entries)

    def set_entries(self, entries, origin: str = "") -> None:
        """Replace the whole bank (at most MAX_KERNELS kernels)."""
        entries = list(entries)
        if not entries:
            raise ValueError("a kernel bank needs at least one kernel")
        if len(entries) > MAX_KERNELS:
            raise ValueError(f"a kernel bank holds at most {MAX_KERNELS} kernels, got {len(entries)}")
        for e in entries:
            if e.kernel.ndim not in (2, 3) or 0 in e.kernel.shape or not np.all(np.isfinite(e.kernel)):
                raise ValueError(f"kernel {e.name!r} must be a finite, non-empty 2-D (or 2-D x channels) array")
            if np.abs(e.kernel).max() > MAX_ABS_WEIGHT:
                raise ValueError(f"kernel {e.name!r} has weights larger than {MAX_ABS_WEIGHT:g} in size; its sums "
                                 "of products would overflow")
        self._entries = entries
        self.origin = origin
        self._announce()

    def set_from_arrays(self, names, kernels, origin: str = "") -> None:
        """Replace the bank from a list of names and an array (K, kh, kw[, C])."""
        kernels = _as_float32(kernels, "kernels")
        self.set_entries([KernelEntry(n, k) for n, k in zip(names, kernels)], origin)

    def add(self, name: str, kernel) -> None:
        """Append one kernel (the oldest is dropped when the bank is full)."""
        entries = self._entries + [KernelEntry(name, _as_float32(kernel, f"kernel {name!r}"))]
        self.set_entries(entries[-MAX_KERNELS:], self.origin)

    def set_enabled(self, index: int, enabled: bool) -> None:
        """Use or skip one kernel; at least one stays enabled."""
        if self._entries[index].enabled == enabled:
            return
        if not enabled and sum(e.enabled for e in self._entries) <= 1:
            return
        self._entries[index] = replace(self._entries[index], enabled=enabled)
        self._announce()

    def enabled_count(self) -> int:
        """How many kernels are used."""
        return sum(e.enabled for e in self._entries)

    def stacked(self):
        """Names and a float32 array (K, kh, kw[, C]) of the enabled kernels, zero-padded to one size.

        Gray and colour kernels mixed: the gray ones are replicated over the channels and divided by
        their number.
        """
        used = [e for e in self._entries if e.enabled]
        channels = max((e.kernel.shape[2] for e in used if e.kernel.ndim == 3), default=0)
        kh = max(e.kernel.shape[0] for e in used)
        kw = max(e.kernel.shape[1] for e in used)
        arrays = []
        for e in used:
            k = e.kernel.astype(np.float32)
            if channels and k.ndim == 2:
                k = np.repeat(k[:, :, None], channels, axis=2) / channels
            arrays.append(_pad_to(k, kh, kw))
        return [e.name for e in used], np.stack(arrays)
