"""Kernels in and out of the kernel editor: one kernel from or to a file (JSON, text or CSV), the whole
shared bank from or to a JSON file, and one kernel to or from the shared bank. Whatever is refused
changes nothing and says why, in red under its buttons and in the status bar."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog

from convlab.engine.kernel_ops import MAX_KERNEL_SIDE, apply_divisor_offset
from convlab.io.kernel_files import KernelFileError, kernel_file_filter, load_bank, load_kernel, save_bank, save_kernel
from convlab.lab.kernel_bank import KernelEntry

FILE_ACTIONS = ("load_kernel", "save_kernel", "load_bank", "save_bank")


class KernelTransfers:
    """Files and the shared bank for a KernelEditorPanel (its kernel, name, divisor, bank and notes)."""

    def __init__(self, panel):
        self.panel = panel

    def _name(self) -> str:
        return self.panel.column.name_edit.text().strip()

    # the shared bank
    def send_to_bank(self) -> bool:
        """Add the kernel ÷ divisor to the shared bank under the name in the name field."""
        name, panel = self._name(), self.panel
        if not name:
            panel.show_error("bank", "Type a name for the kernel before sending it to the bank.")
            return False
        params = panel.preview_settings()
        try:
            panel.bank.add(name, apply_divisor_offset(panel.kernel(), params.divisor))
        except ValueError as exc:
            panel.show_error("bank", f"Could not add it to the bank: {exc}.")
            return False
        panel.show_error("bank", "")
        no_bias = "; the offset is not stored: bank kernels have no bias" if params.offset else ""
        panel.message.emit(f"Added '{name}' to the kernel bank (now {len(panel.bank.entries())} kernels, used by the "
                           f"feature maps){no_bias}")
        return True

    def take_from_bank(self) -> None:
        """Edit the kernel chosen in the bank list (a colour kernel is summed over its channels)."""
        entries, index = self.panel.bank.entries(), self.panel.column.bank_combo.currentIndex()
        if 0 <= index < len(entries):
            self.use_kernel(entries[index].name, entries[index].kernel, "bank")

    def use_kernel(self, name, kernel, where) -> bool:
        """Edit a kernel from a file or the bank (``where``: the group whose red note says what went wrong)."""
        kernel = np.asarray(kernel, np.float64)
        note = ""
        if kernel.ndim == 3:
            kernel, note = kernel.sum(axis=2), f" (a colour kernel: summed over its {kernel.shape[2]} channels)"
        if max(kernel.shape) > MAX_KERNEL_SIDE:
            self.panel.show_error(where, f"'{name}' is {kernel.shape[0]} x {kernel.shape[1]}; the editor takes at "
                                         f"most {MAX_KERNEL_SIDE} x {MAX_KERNEL_SIDE}. Nothing changed.")
            return False
        self.panel.show_error(where, "")
        self.panel.column.name_edit.setText(name)
        self.panel.set_kernel(kernel, f"Editing '{name}'{note}")
        return True

    # files
    def ask(self, action: str) -> None:
        """Ask for a file, then do ``action`` (one of FILE_ACTIONS) with it."""
        save, bank = action.startswith("save"), action.endswith("bank")
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        name = "kernel-bank" if bank else self._name() or "kernel"
        title = self.panel.controls.buttons[action].text().rstrip("…")
        path, _ = dialog(self.panel, title, f"{name}.json" if save else "", kernel_file_filter(bank))
        if path:
            getattr(self, action)(path)

    def load_kernel(self, path) -> bool:
        """Load one kernel from a JSON/text/CSV file into the grid."""
        try:
            name, kernel = load_kernel(path)
        except KernelFileError as exc:
            self.panel.show_error("files", str(exc))
            return False
        return self.use_kernel(name, kernel, "files")

    def save_kernel(self, path) -> bool:
        """Save the kernel ÷ divisor (JSON, text or CSV by suffix; .json if none), atomically."""
        kernel = apply_divisor_offset(self.panel.kernel(), self.panel.preview_settings().divisor)
        return self._save(lambda to: save_kernel(to, kernel, self._name() or "kernel"), path)

    def load_bank(self, path) -> bool:
        """Replace the shared kernel bank with a bank file."""
        try:
            names, kernels = load_bank(path)
            with np.errstate(over="ignore"):  # too large for float32: inf, which the bank refuses
                entries = [KernelEntry(n, k.astype(np.float32)) for n, k in zip(names, kernels)]
            self.panel.bank.set_entries(entries, origin=Path(path).name)
        except ValueError as exc:  # KernelFileError, or a bank the KernelBank refuses
            self.panel.show_error("files", str(exc))
            return False
        self.panel.show_error("files", "")
        self.panel.message.emit(f"Loaded {len(names)} kernels from {Path(path).name} into the kernel bank")
        return True

    def save_bank(self, path) -> bool:
        """Save the whole shared bank as JSON, atomically."""
        entries = self.panel.bank.entries()
        return self._save(lambda to: save_bank(to, [e.name for e in entries], [e.kernel for e in entries]), path)

    def _save(self, write, path) -> bool:
        try:
            write(path if Path(path).suffix else Path(path).with_suffix(".json"))
        except (OSError, ValueError) as exc:
            self.panel.show_error("files", f"Could not save {Path(path).name}: {exc}")
            return False
        self.panel.show_error("files", "")
        self.panel.message.emit(f"Saved {Path(path).name}")
        return True
