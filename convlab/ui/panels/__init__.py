"""One file per panel; the main window composes them in this order (keys 1..9)."""
from __future__ import annotations

import importlib

# (key, module, class): imported lazily so that one panel's import cost is paid only when the window opens.
PANEL_SPECS = (
    ("features", "convlab.ui.panels.features", "FeaturesPanel"),
    ("editor", "convlab.ui.panels.kernel_editor", "KernelEditorPanel"),
    ("smoothing", "convlab.ui.panels.smoothing", "SmoothingPanel"),
    ("translation", "convlab.ui.panels.translation", "TranslationPanel"),
    ("connectivity", "convlab.ui.panels.connectivity", "ConnectivityPanel"),
    ("learning", "convlab.ui.panels.learning", "LearningPanel"),
)
PANEL_KEYS = tuple(key for key, _, _ in PANEL_SPECS)


def panel_classes():
    """The panel classes, in tab order."""
    return [getattr(importlib.import_module(module), name) for _, module, name in PANEL_SPECS]
