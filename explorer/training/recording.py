"""The weights of a run at evenly spaced steps, kept to scrub back, replay and film it.

A recording keeps the weights every ``stride`` steps. When it holds ``max_snapshots`` it
doubles the stride and drops every other one, so the snapshots stay evenly spaced over the
whole run and memory stays bounded however long the run grows. ``max_snapshots`` shrinks
for large networks so that a recording never holds more than ``max_bytes``: 500 snapshots of
64-25-64 in float32 take 6.6 MB, while 784-196-784 (308,308 weights) gets 34 snapshots in
its 40 MB.
"""

from __future__ import annotations

import numpy as np

#: At most this many snapshots per run...
MAX_SNAPSHOTS = 500
#: ...and at most this many bytes of them (a kernel serving one student holds ~135 MB).
MAX_BYTES = 40 * 2**20


class Recording:
    """Weights at evenly spaced steps of one run: ``steps[i]`` and ``weights[i]``."""

    def __init__(self, max_snapshots: int = MAX_SNAPSHOTS, max_bytes: int = MAX_BYTES) -> None:
        self.max_snapshots = max_snapshots
        self.max_bytes = max_bytes
        self.clear()

    def clear(self) -> None:
        self.steps: list[int] = []
        self.weights: list[np.ndarray] = []
        self.stride = 1

    def __len__(self) -> int:
        return len(self.steps)

    def capacity(self, theta: np.ndarray) -> int:
        """How many snapshots of weights like ``theta`` fit (at least 2: the ends)."""
        return max(2, min(self.max_snapshots, self.max_bytes // max(theta.nbytes, 1)))

    def record(self, step: int, theta: np.ndarray) -> None:
        """Keep a copy of ``theta`` as the weights after ``step`` steps, if that step is due."""
        if step % self.stride or (self.steps and step <= self.steps[-1]):
            return
        self.steps.append(step)
        self.weights.append(theta.copy())
        if len(self.steps) >= self.capacity(theta):
            self.stride *= 2
            keep = [i for i, s in enumerate(self.steps) if s % self.stride == 0]
            self.steps = [self.steps[i] for i in keep]
            self.weights = [self.weights[i] for i in keep]

    def truncate(self, step: int) -> None:
        """Forget the snapshots after ``step`` (a rolled-back or abandoned future)."""
        keep = sum(1 for s in self.steps if s <= step)
        del self.steps[keep:], self.weights[keep:]

    def nbytes(self) -> int:
        return sum(w.nbytes for w in self.weights)
