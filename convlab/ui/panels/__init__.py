"""One package per panel; the main window composes them in this order (keys 1..9)."""
from __future__ import annotations

import importlib

# (key, module, class): imported lazily so that one panel's import cost is paid only when the window opens.
PANEL_SPECS = (
    ("features", "convlab.ui.panels.features.panel", "FeaturesPanel"),
    ("editor", "convlab.ui.panels.kernel_editor.panel", "KernelEditorPanel"),
    ("smoothing", "convlab.ui.panels.smoothing.panel", "SmoothingPanel"),
    ("translation", "convlab.ui.panels.translation.panel", "TranslationPanel"),
    ("connectivity", "convlab.ui.panels.connectivity.panel", "ConnectivityPanel"),
    ("learning", "convlab.ui.panels.learning.panel", "LearningPanel"),
)
PANEL_KEYS = tuple(key for key, _, _ in PANEL_SPECS)


def panel_classes():
    """The panel classes, in tab order."""
    return [getattr(importlib.import_module(module), name) for _, module, name in PANEL_SPECS]
