"""Values kept at evenly spaced steps of a run, bounded however long the run grows: the one
mechanism behind a run's ρ̂ snapshots (``history``) and its recorded weights (``recording``).

One value is kept every ``stride`` steps. When ``capacity`` values are held the stride
doubles and every other value goes, so what is kept stays evenly spaced over the whole run
(step 0 always among it) while memory stays bounded.
"""

from __future__ import annotations

import bisect
from typing import Any


class Thinned:
    """Values at evenly spaced steps: ``steps[i]`` and ``values[i]``, every ``stride``."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.steps: list[int] = []
        self.values: list[Any] = []
        self.stride = 1

    def __len__(self) -> int:
        return len(self.steps)

    def due(self, step: int) -> bool:
        """Is ``step`` one to keep: on the stride, and after every step kept?"""
        return step % self.stride == 0 and not (self.steps and step <= self.steps[-1])

    def add(self, step: int, value: Any, capacity: int) -> None:
        """Keep ``value`` at ``step`` (a ``due`` one); at ``capacity`` values, thin them."""
        self.steps.append(step)
        self.values.append(value)
        if len(self.steps) >= capacity:
            self.stride *= 2
            keep = [i for i, s in enumerate(self.steps) if s % self.stride == 0]
            self.steps = [self.steps[i] for i in keep]
            self.values = [self.values[i] for i in keep]

    def forget_from(self, step: int) -> None:
        """Forget the values kept at ``step`` and after (a rolled-back or abandoned future)."""
        keep = bisect.bisect_left(self.steps, step)
        del self.steps[keep:], self.values[keep:]

    def restore(self, steps: list[int], values: list[Any], stride: int) -> None:
        """Take what a saved run kept in place of this."""
        self.steps, self.values, self.stride = [int(s) for s in steps], list(values), int(stride)

    def within(self, count: int, keep: int | None = None) -> tuple[list[int], int]:
        """The steps of a copy of at most ``count`` values, and their stride: thinned as ``add``
        thins (the stride doubled until they fit), none if not even step 0 alone fits. Step
        ``keep``, if kept here, is in the copy whatever the count."""
        stride = self.stride
        steps = self.steps
        while len(steps) > max(count, 1):
            stride *= 2
            steps = [s for s in self.steps if s % stride == 0]
        steps = steps if len(steps) <= count else []
        if keep in self.steps and keep not in steps:
            steps = sorted([*steps, keep])
        return list(steps), stride
