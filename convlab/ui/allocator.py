"""Keep the live pipeline's memory flat: tell glibc's allocator how to handle large frame buffers.

Every frame allocates feature maps of several megabytes. With glibc's default dynamic mmap threshold
such blocks move onto the heap after the first free, and the heap fragments: the resident size of a
long session creeps upwards although no Python object leaks. A fixed mmap threshold hands large blocks
straight back to the system when they are freed. No effect (and no error) on other C libraries.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
LARGE_BLOCK_BYTES = 128 * 1024


def tune_allocator() -> bool:
    """Fix glibc's mmap and trim thresholds; returns True when they were set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    ok_mmap = mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES)
    ok_trim = mallopt(M_TRIM_THRESHOLD, 4 * LARGE_BLOCK_BYTES)
    return bool(ok_mmap and ok_trim)
