"""The shared kernel bank as the panels see it: the lab's model with a Qt ``changed`` signal."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from convlab.lab.kernel_bank import KernelBank as BankModel

__all__ = ["KernelBank"]


class KernelBank(QObject):
    """A Qt face for :class:`convlab.lab.kernel_bank.KernelBank`.

    Reads and changes go to the model (``bank.entries()``, ``bank.set_from_arrays(...)``,
    ``bank.origin``); every change of the model emits ``changed`` on the GUI side.
    """

    changed = Signal()

    def __init__(self, parent=None, model: BankModel | None = None):
        super().__init__(parent)
        self.model = model if model is not None else BankModel()
        self.model.subscribe(self.changed.emit)

    def __getattr__(self, name):
        # only reached for names the QObject does not have: the model's methods and `origin`
        if name == "model":
            raise AttributeError(name)
        return getattr(self.model, name)
