"""convlab.lab: what each panel computes, without Qt.

One module per topic holds that panel's settings as a frozen dataclass (whose fields declare their
ranges and choices: see ``settings``) and the functions that turn settings and a frame into what
the panel shows. ``kernel_bank`` is the bank every panel shares. The UI (``convlab.ui``) builds its
controls from the settings classes and calls these functions; nothing here imports Qt.
"""
