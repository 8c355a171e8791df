"""Features without supervision: k-means kernels from image patches, and what each feature set is worth."""
from .panel import LearningPanel

__all__ = ["LearningPanel"]
