"""Equivariance and invariance: shift the input, compare the feature maps and the pooled outputs."""
from .panel import TranslationPanel

__all__ = ["TranslationPanel"]
