"""Keep the live pipeline fast and its memory flat: fixed thresholds for glibc's allocator.

Every frame allocates feature maps of several megabytes. With glibc's defaults such blocks are
mmapped and returned on free (page faults on every frame: the live view loses ~20% of its frame
rate), and the dynamic threshold then moves them onto a heap that fragments, so the resident size
of a long session creeps upwards although no Python object leaks. Fixed, high thresholds keep
blocks of up to 32 MB on the heap and keep freed memory for the next frame, which reuses it: no
page faults, and a resident size that reaches the working set and stays there.
No effect (and no error) with other C libraries.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024  # glibc's largest allowed value on 64-bit systems
TRIM_THRESHOLD_BYTES = 512 * 1024 * 1024


def tune_allocator() -> bool:
    """Fix glibc's mmap and trim thresholds; returns True when they were set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    ok_mmap = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    ok_trim = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    return bool(ok_mmap and ok_trim)
