"""What a training run remembers: loss terms at every step and thinned ρ̂ snapshots."""

from __future__ import annotations

import numpy as np

TERMS = ("reconstruction", "sparsity", "weight_decay", "total")


class History:
    """Loss terms per step, and ρ̂ snapshots whose spacing doubles as the run grows.

    Keeping every ρ̂ would cost n_hidden floats per step forever; doubling the stride whenever
    ``max_snapshots`` is reached keeps memory bounded while the whole run stays visible.
    """

    def __init__(self, max_snapshots: int = 1024) -> None:
        self.max_snapshots = max_snapshots
        self.clear()

    def clear(self) -> None:
        self.terms: dict[str, list[float]] = {name: [] for name in TERMS}
        self.snapshot_steps: list[int] = []
        self.snapshots: list[np.ndarray] = []
        self.stride = 1

    def restore(
        self,
        terms: dict[str, list[float]],
        stride: int,
        snapshot_steps: list[int],
        snapshots: list[np.ndarray],
    ) -> None:
        """Take a saved run's history (a session file's) in place of this one."""
        self.terms = {name: [float(v) for v in terms[name]] for name in TERMS}
        self.stride = int(stride)
        self.snapshot_steps = [int(s) for s in snapshot_steps]
        self.snapshots = [np.array(r) for r in snapshots]

    def __len__(self) -> int:
        return len(self.terms["total"])

    def record(self, terms: dict[str, float], rho_hat: np.ndarray) -> None:
        step = len(self)
        for name in TERMS:
            self.terms[name].append(float(terms[name]))
        if step % self.stride == 0:
            self.snapshot_steps.append(step)
            self.snapshots.append(np.array(rho_hat, dtype=np.float64))
            if len(self.snapshots) >= self.max_snapshots:
                self.stride *= 2
                keep = [i for i, s in enumerate(self.snapshot_steps) if s % self.stride == 0]
                self.snapshot_steps = [self.snapshot_steps[i] for i in keep]
                self.snapshots = [self.snapshots[i] for i in keep]

    def truncate(self, n_steps: int) -> None:
        """Forget every step from ``n_steps`` on (used when a bad step is rolled back)."""
        for name in TERMS:
            del self.terms[name][n_steps:]
        keep = [i for i, s in enumerate(self.snapshot_steps) if s < n_steps]
        self.snapshot_steps = [self.snapshot_steps[i] for i in keep]
        self.snapshots = [self.snapshots[i] for i in keep]

    def array(self, name: str) -> np.ndarray:
        """One loss term over all steps."""
        return np.asarray(self.terms[name], dtype=np.float64)

    def to_csv(self) -> str:
        """The loss terms as CSV text: a ``step,`` + TERMS header, then one row per step.

        Floats are written with ``repr``, the shortest text that reads back to the same
        float, so the file holds exactly the numbers in memory.
        """
        rows = zip(*(self.terms[name] for name in TERMS), strict=True)
        lines = [",".join(("step", *TERMS))]
        lines += [",".join((str(step), *map(repr, row))) for step, row in enumerate(rows)]
        return "\n".join(lines) + "\n"

    def rho_hat_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, ρ̂ snapshots as a (n_snapshots, n_hidden) array)."""
        if not self.snapshots:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0))
        return np.asarray(self.snapshot_steps), np.vstack(self.snapshots)
