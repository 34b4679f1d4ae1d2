"""The sizes of the two forces on each unit's encoder weights at the steps they were measured
(``training.forces.measure``): a bounded history for the selected unit's view."""

from __future__ import annotations

import numpy as np

from ..core.chain_rule import EncoderGradient

#: Points the force history keeps at most: 2·k floats each, 400 KB for 784-196-784.
MAX_POINTS = 256


class ForceHistory:
    """‖∂L/∂W_:,l‖ and β‖∂Ω/∂W_:,l‖ for every unit l at the steps they were measured (each
    frame of a watched run), at most ``max_points``.

    Points are kept ``stride`` steps apart or more, except the newest, which stands for its
    stretch until the next is due; when full, the stride doubles and the points too close for
    it go, so the points stay spread over the whole run. A step measured again (a setting
    changed while paused) keeps its newest measurement.
    """

    def __init__(self, max_points: int = MAX_POINTS) -> None:
        self.max_points = max_points
        self.clear()

    def clear(self) -> None:
        self.steps: list[int] = []
        self.reconstruction: list[np.ndarray] = []
        self.sparsity: list[np.ndarray] = []
        self.stride = 1

    def __len__(self) -> int:
        return len(self.steps)

    def record(self, step: int, gradient: EncoderGradient) -> None:
        self.truncate(step - 1)  # a later or the same step measured again replaces them
        if len(self.steps) >= 2 and step - self.steps[-2] < self.stride:
            self._drop([len(self.steps) - 1])  # the newest stands for its stretch
        self.steps.append(step)
        self.reconstruction.append(gradient.norms("reconstruction").astype(np.float64))
        self.sparsity.append(gradient.norms("sparsity").astype(np.float64))
        while len(self.steps) > self.max_points:
            self.stride *= 2
            last, drop = self.steps[0], []
            for i, s in enumerate(self.steps[1:-1], start=1):
                if s - last < self.stride:
                    drop.append(i)
                else:
                    last = s
            self._drop(drop)

    def _drop(self, indices: list[int]) -> None:
        for i in reversed(indices):
            del self.steps[i], self.reconstruction[i], self.sparsity[i]

    def truncate(self, step: int) -> None:
        """Forget the points after ``step`` (a rolled-back or abandoned future)."""
        keep = sum(1 for s in self.steps if s <= step)
        del self.steps[keep:], self.reconstruction[keep:], self.sparsity[keep:]

    def unit(self, unit: int, until: int | None = None) -> tuple[np.ndarray, ...]:
        """(steps, ‖∂L/∂W_:,l‖, β‖∂Ω/∂W_:,l‖) of ``unit`` at the steps up to ``until``."""
        n = len(self.steps) if until is None else sum(1 for s in self.steps if s <= until)
        steps = np.array(self.steps[:n], dtype=np.int64)
        pick = [r[unit] for r in self.reconstruction[:n]], [s[unit] for s in self.sparsity[:n]]
        return steps, np.array(pick[0], dtype=float), np.array(pick[1], dtype=float)
