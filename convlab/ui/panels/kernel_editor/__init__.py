"""Kernel editor: type a kernel, see cross-correlation against convolution and the sum of products."""
from .panel import KernelEditorPanel

__all__ = ["KernelEditorPanel"]
