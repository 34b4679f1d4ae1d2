"""The weights of a run at evenly spaced steps, kept to scrub back, replay and film it.

A recording keeps the weights every ``stride`` steps, ``Thinned`` as the history's ρ̂
snapshots are: evenly spaced over the whole run, bounded however long it grows. Its bound
shrinks for large networks so that a recording never holds more than ``max_bytes``: 500
snapshots of 64-25-64 in float32 take 6.6 MB, while 784-196-784 (308,308 weights) gets 34
snapshots in its 40 MB.
"""

from __future__ import annotations

import numpy as np

from .thinned import Thinned

#: At most this many snapshots per run...
MAX_SNAPSHOTS = 500
#: ...and at most this many bytes of them (a kernel serving one student holds ~135 MB).
MAX_BYTES = 40 * 2**20


class Recording(Thinned):
    """Weights at evenly spaced steps of one run: ``steps[i]`` and ``weights[i]``, the weights
    after ``steps[i]`` steps (so ``truncate(step)`` keeps ``step`` itself)."""

    def __init__(self, max_snapshots: int = MAX_SNAPSHOTS, max_bytes: int = MAX_BYTES) -> None:
        self.max_snapshots = max_snapshots
        self.max_bytes = max_bytes
        super().__init__()

    @property
    def weights(self) -> list[np.ndarray]:
        return self.values

    def capacity(self, theta: np.ndarray) -> int:
        """How many snapshots of weights like ``theta`` fit (at least 2: the ends)."""
        return max(2, min(self.max_snapshots, self.max_bytes // max(theta.nbytes, 1)))

    def record(self, step: int, theta: np.ndarray) -> None:
        """Keep a copy of ``theta`` as the weights after ``step`` steps, if that step is due."""
        if self.due(step):
            self.add(step, theta.copy(), self.capacity(theta))

    def truncate(self, step: int) -> None:
        """Forget the snapshots after ``step`` (a rolled-back or abandoned future)."""
        self.forget_from(step + 1)

    def nbytes(self) -> int:
        return sum(w.nbytes for w in self.weights)

    def thinned(self, max_bytes: int, keep: int | None = None) -> tuple[list[int], int]:
        """The steps of a copy of this recording in ``max_bytes``, and their stride
        (``Thinned.within``); step ``keep`` (the one a timeline shows) whatever it costs."""
        each = self.weights[0].nbytes if self.weights else 1
        return self.within(max_bytes // each, keep)
