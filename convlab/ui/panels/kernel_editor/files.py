"""The kernel editor's file actions: one kernel (JSON, text or CSV) into the grid or out of it, and the
whole shared bank (JSON) in or out. A bad file changes nothing and says why, in red under the file
buttons and in the status bar."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog

from convlab.engine.kernel_ops import apply_divisor_offset
from convlab.io.kernel_files import KernelFileError, kernel_file_filter, load_bank, load_kernel, save_bank, save_kernel
from convlab.lab.kernel_bank import KernelEntry

ACTIONS = ("load_kernel", "save_kernel", "load_bank", "save_bank")


class KernelFiles:
    """Load and save for a KernelEditorPanel (its kernel, name, divisor, bank and messages)."""

    def __init__(self, panel):
        self.panel = panel

    def _name(self) -> str:
        return self.panel.column.name_edit.text().strip()

    def ask(self, action: str) -> None:
        """Ask for a file, then do ``action`` (one of ACTIONS) with it."""
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
        return self.panel.use_kernel(name, kernel, "files")

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
