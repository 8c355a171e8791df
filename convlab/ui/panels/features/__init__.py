"""Feature maps: a CNN block (convolution -> nonlinearity -> pooling) live on the current source."""
from .panel import FeaturesPanel

__all__ = ["FeaturesPanel"]
