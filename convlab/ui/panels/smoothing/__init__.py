"""Signal smoothing: a spaceship's noisy position averaged by a kernel w(a) (1-D convolution)."""
from .panel import SmoothingPanel

__all__ = ["SmoothingPanel"]
