"""Facts about the Qt stack that a live view depends on."""
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFontInfo


class _Emitter(QObject):
    fired = Signal(int)


def test_signal_emit_does_not_leak_bool_references(qtbot):
    """PySide6 6.12.0 on Python 3.11 dropped a reference to True on every emit and crashed."""
    e = _Emitter()
    seen = []
    e.fired.connect(seen.append)
    before = sys.getrefcount(True)
    for i in range(10_000):
        e.fired.emit(i)
    assert len(seen) == 10_000
    assert abs(sys.getrefcount(True) - before) < 100


def test_a_font_is_available(qapp):
    assert QFontInfo(qapp.font()).family()


def test_allocator_thresholds_are_fixed_on_glibc():
    import platform

    from convlab.ui.allocator import tune_allocator

    expected = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert tune_allocator() is expected
