"""convlab.ui: everything Qt (application, main window, widgets, one file per panel)."""
