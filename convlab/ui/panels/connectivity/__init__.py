"""Sparse interactions, parameter sharing and the variants of convolution (stride, padding, dilation)."""
from .panel import ConnectivityPanel

__all__ = ["ConnectivityPanel"]
