"""``core.heap.trim``: the C library's free heap goes back to the system."""

from __future__ import annotations

import ctypes
import platform
import re
import sys
from pathlib import Path

import pytest

from explorer.core import heap

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def resident_kb() -> int:
    return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_trim_gives_back_free_heap_that_glibc_keeps():
    """Blocks freed below one still in use stay in the process (free cannot shrink the heap
    past a live block): 24 MB of them, until ``trim``."""
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    size, count = 64 * 1024, 384  # under glibc's smallest mmap threshold: heap blocks
    blocks = [libc.malloc(size) for _ in range(count)]
    for block in blocks:
        ctypes.memset(block, 1, size)  # touched: resident
    for block in blocks[:-1]:
        libc.free(block)
    kept = resident_kb()
    heap.trim()
    given_back = kept - resident_kb()
    libc.free(blocks[-1])
    assert given_back > 0.8 * size * (count - 1) / 1024


def test_trim_is_glibc_malloc_trim_and_elsewhere_nothing(monkeypatch):
    if GLIBC:
        assert heap._MALLOC_TRIM is not None
    monkeypatch.setattr(heap, "_MALLOC_TRIM", None)  # a C library without malloc_trim
    heap.trim()
