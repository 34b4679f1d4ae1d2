"""explorer.core.scratch: arrays on a memory map of their own, which goes when they do."""

from __future__ import annotations

import gc
import mmap
import weakref

import numpy as np

from explorer.core.scratch import ALIGN, scratch


def memory_map(array: np.ndarray) -> mmap.mmap | None:
    """The memory map under ``array``'s data, or None when its memory is not one."""
    base = array
    while base is not None and not isinstance(base, mmap.mmap):
        base = base.obj if isinstance(base, memoryview) else getattr(base, "base", None)
    return base


def test_scratch_arrays_have_their_shapes_start_aligned_and_do_not_overlap():
    arrays = scratch([(3, 5), (7,), (2, 2, 2), (0, 4)], np.float32)
    assert [a.shape for a in arrays] == [(3, 5), (7,), (2, 2, 2), (0, 4)]
    assert all(a.dtype == np.float32 and a.flags.writeable for a in arrays)
    assert all(a.ctypes.data % ALIGN == 0 for a in arrays)
    assert not any(a.any() for a in arrays)  # a fresh map is zeros
    for i, a in enumerate(arrays):
        a.fill(i + 1)
    assert [np.unique(a).tolist() for a in arrays] == [[1.0], [2.0], [3.0], []]


def test_the_map_goes_when_the_last_array_or_view_on_it_does():
    arrays = scratch([(100, 100), (100,)], np.float64)
    gone = weakref.ref(memory_map(arrays[0]))
    assert memory_map(arrays[1]) is gone()  # one map for all of them
    view = arrays[1][10:]
    del arrays
    gc.collect()
    assert gone() is not None  # the view still reads it
    del view
    assert gone() is None
