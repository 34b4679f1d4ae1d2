"""Scratch arrays on an anonymous memory map of their own, whose memory goes back to the system
as soon as the last of them is gone.

Why not ``np.empty``: NumPy takes array memory from the C library's ``malloc``, and glibc's serves
a block of a megabyte or more from its heap once its mmap threshold has risen (it rises to the
size of any large block freed, up to 32 MB: a kernel has freed such blocks long before a
dashboard trains). Freed, such a block stays in the process as free heap: measured in a served
dashboard kernel, dropping the model's 10 MB workspace (64-25 on 10,000 patches) left its
resident memory exactly where it was. A map of its own is unmapped when its arrays are freed.
"""

from __future__ import annotations

import mmap
from collections.abc import Sequence

import numpy as np

#: Each array starts at a multiple of this many bytes (a cache line: SIMD loads stay aligned).
ALIGN = 64


def scratch(shapes: Sequence[tuple[int, ...]], dtype: np.dtype) -> list[np.ndarray]:
    """Arrays of ``shapes`` and ``dtype`` (zeros: a fresh map is), side by side on one anonymous
    memory map of their own, unmapped once every one of them (and every view of them) is gone."""
    dtype = np.dtype(dtype)
    counts = [int(np.prod(shape)) for shape in shapes]
    offsets, end = [], 0
    for count in counts:
        offsets.append(end)
        end += -(-count * dtype.itemsize // ALIGN) * ALIGN
    block = mmap.mmap(-1, max(end, 1))  # anonymous, read-write; pages come as they are touched
    return [
        np.frombuffer(block, dtype, count, offset).reshape(shape)
        for shape, count, offset in zip(shapes, counts, offsets, strict=True)
    ]
