"""One file per panel; the main window composes them."""
