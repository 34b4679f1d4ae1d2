"""What a training run remembers: loss terms at every step and thinned ρ̂ snapshots."""

from __future__ import annotations

import numpy as np

from .thinned import Thinned

TERMS = ("reconstruction", "sparsity", "weight_decay", "total")


class History:
    """Loss terms per step, and ρ̂ snapshots whose spacing doubles as the run grows.

    Keeping every ρ̂ would cost n_hidden floats per step forever; the snapshots are
    ``Thinned`` to at most ``max_snapshots``, so memory stays bounded while the whole run stays
    visible. Entry i of the terms is step i's (the loss of the weights after i steps, as the
    step from there measured it), so ``truncate(n)`` keeps entries 0 … n − 1.
    """

    def __init__(self, max_snapshots: int = 1024) -> None:
        self.max_snapshots = max_snapshots
        self._rho_hat = Thinned()
        self.clear()

    def clear(self) -> None:
        self.terms: dict[str, list[float]] = {name: [] for name in TERMS}
        self._rho_hat.clear()

    @property
    def snapshot_steps(self) -> list[int]:
        """The steps whose ρ̂ is kept."""
        return self._rho_hat.steps

    @property
    def snapshots(self) -> list[np.ndarray]:
        """ρ̂ at each of ``snapshot_steps``."""
        return self._rho_hat.values

    @property
    def stride(self) -> int:
        """Steps between two snapshots."""
        return self._rho_hat.stride

    def restore(
        self,
        terms: dict[str, list[float]],
        stride: int,
        snapshot_steps: list[int],
        snapshots: list[np.ndarray],
    ) -> None:
        """Take a saved run's history (a session file's) in place of this one."""
        self.terms = {name: [float(v) for v in terms[name]] for name in TERMS}
        self._rho_hat.restore(snapshot_steps, [np.array(r) for r in snapshots], stride)

    def __len__(self) -> int:
        return len(self.terms["total"])

    def record(self, terms: dict[str, float], rho_hat: np.ndarray) -> None:
        """Add the next step's loss terms, and its ρ̂ if a snapshot is due."""
        step = len(self)
        for name in TERMS:
            self.terms[name].append(float(terms[name]))
        if self._rho_hat.due(step):
            self._rho_hat.add(step, np.array(rho_hat, dtype=np.float64), self.max_snapshots)

    def truncate(self, n_steps: int) -> None:
        """Forget every step from ``n_steps`` on (used when a bad step is rolled back)."""
        for name in TERMS:
            del self.terms[name][n_steps:]
        self._rho_hat.forget_from(n_steps)

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
