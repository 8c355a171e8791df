"""Reusable pyqtgraph widgets: feature-map grid, input image panel, products table, colour maps."""
import pyqtgraph as pg

# Row-major so (H, W) arrays show upright; antialiasing off for crisp pixels and speed.
pg.setConfigOptions(imageAxisOrder="row-major", antialias=False)

from convlab.ui.widgets.colormaps import (  # noqa: E402
    LevelTracker,
    diverging_lut,
    magnitude_levels,
    magnitude_lut,
    symmetric_levels,
)
from convlab.ui.widgets.feature_grid import FeatureGrid  # noqa: E402
from convlab.ui.widgets.image_panel import ImagePanel  # noqa: E402
from convlab.ui.widgets.kernel_thumb import KernelThumb  # noqa: E402
from convlab.ui.widgets.product_view import ProductView  # noqa: E402

__all__ = [
    "FeatureGrid",
    "ImagePanel",
    "KernelThumb",
    "LevelTracker",
    "ProductView",
    "diverging_lut",
    "magnitude_levels",
    "magnitude_lut",
    "symmetric_levels",
]
