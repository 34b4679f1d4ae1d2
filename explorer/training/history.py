"""What a training run remembers: its loss terms and its ρ̂, both at evenly spaced steps."""

from __future__ import annotations

import bisect

import numpy as np

from .thinned import Thinned

TERMS = ("reconstruction", "sparsity", "weight_decay", "total")
#: Steps whose loss terms are kept (every step, up to this many: a run of 64-25 at 500 steps/s
#: passes it in two minutes, and kept every step it grew ~140 bytes a step for ever; the views
#: draw at most a few hundred points of it).
MAX_STEPS = 2**16


class History:
    """Loss terms and ρ̂ snapshots whose spacing doubles as the run grows.

    Both are ``Thinned``: the terms of every step up to ``max_steps`` of them, the ρ̂ of at
    most ``max_snapshots`` steps, so that memory stays bounded however long the run grows while
    the whole run stays visible. Entry i of the terms is step i's (the loss of the weights after
    i steps, as the step from there measured it), so ``truncate(n)`` keeps entries 0 … n − 1.
    The latest entry is always at hand (``steps`` ends with it) whether it is due or not.
    """

    def __init__(self, max_snapshots: int = 1024, max_steps: int = MAX_STEPS) -> None:
        self.max_snapshots = max_snapshots
        self.max_steps = max_steps
        self._terms = Thinned()
        self._rho_hat = Thinned()
        self.clear()

    def clear(self) -> None:
        self._terms.clear()
        self._rho_hat.clear()
        self._n = 0
        self._latest: tuple[int, tuple[float, ...]] | None = None  # (step, terms), if known

    @property
    def steps(self) -> list[int]:
        """The steps whose loss terms are kept: every one while the run is short, evenly spaced
        (``terms_stride`` apart) after ``max_steps``, and the latest."""
        return [*self._terms.steps, *self._extra()[:1]]

    def _extra(self) -> tuple:
        """(step, terms) of the latest step if it is known and not kept, else ()."""
        kept = self._terms.steps
        if self._latest is None or (kept and kept[-1] == self._latest[0]):
            return ()
        return self._latest

    @property
    def terms_stride(self) -> int:
        """Steps between two kept loss terms (1 while the run is short)."""
        return self._terms.stride

    @property
    def terms(self) -> dict[str, list[float]]:
        """Each loss term at ``steps`` (a copy: built when asked)."""
        rows = self._rows()
        return {name: [row[i] for row in rows] for i, name in enumerate(TERMS)}

    def _rows(self) -> list[tuple[float, ...]]:
        return [*self._terms.values, *self._extra()[1:]]

    def before(self, step: int) -> int:
        """How many of ``steps`` come before ``step``."""
        extra = self._extra()
        return bisect.bisect_left(self._terms.steps, step) + bool(extra and extra[0] < step)

    def at(self, positions: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The steps at ``positions`` of ``steps``, and each loss term there (gathered point by
        point: a view's frame must not cost more as the run grows)."""
        kept, values, extra = self._terms.steps, self._terms.values, self._extra()
        n = len(kept)
        steps = np.array([kept[i] if i < n else extra[0] for i in positions], dtype=np.int64)
        rows = [values[i] if i < n else extra[1] for i in positions]
        return steps, {
            name: np.array([row[k] for row in rows], dtype=float) for k, name in enumerate(TERMS)
        }

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
        steps: list[int] | None = None,
        terms_stride: int = 1,
    ) -> None:
        """Take a saved run's history (a session file's) in place of this one: its terms at
        ``steps`` (None: every step), ``terms_stride`` apart but for the latest."""
        rows = list(zip(*(map(float, terms[name]) for name in TERMS), strict=True))
        steps = list(range(len(rows))) if steps is None else [int(s) for s in steps]
        due = [i for i, s in enumerate(steps) if s % terms_stride == 0]
        self._terms.restore([steps[i] for i in due], [rows[i] for i in due], terms_stride)
        self._n = steps[-1] + 1 if steps else 0
        self._latest = (steps[-1], rows[-1]) if steps else None
        self._rho_hat.restore(snapshot_steps, [np.array(r) for r in snapshots], stride)

    def __len__(self) -> int:
        """Steps recorded (kept or not)."""
        return self._n

    def record(self, terms: dict[str, float], rho_hat: np.ndarray) -> None:
        """Add the next step's loss terms, and its ρ̂ if a snapshot is due."""
        step = self._n
        self._latest = (step, tuple(float(terms[name]) for name in TERMS))
        if self._terms.due(step):
            self._terms.add(step, self._latest[1], self.max_steps)
        self._n += 1
        if self._rho_hat.due(step):
            self._rho_hat.add(step, np.array(rho_hat, dtype=np.float64), self.max_snapshots)

    def truncate(self, n_steps: int) -> None:
        """Forget every step from ``n_steps`` on (used when a bad step is rolled back)."""
        if n_steps >= self._n:
            return
        self._terms.forget_from(n_steps)
        self._n = n_steps
        kept = self._terms.steps
        # The latest step left is known if it was kept (otherwise from its next record on).
        known = kept and kept[-1] == n_steps - 1
        self._latest = (kept[-1], self._terms.values[-1]) if known else None
        self._rho_hat.forget_from(n_steps)

    def array(self, name: str) -> np.ndarray:
        """One loss term at ``steps``."""
        return np.asarray(self.terms[name], dtype=np.float64)

    def to_csv(self) -> str:
        """The loss terms as CSV text: a ``step,`` + TERMS header, then one row per step kept
        (every step of a run shorter than ``max_steps``).

        Floats are written with ``repr``, the shortest text that reads back to the same
        float, so the file holds exactly the numbers in memory.
        """
        lines = [",".join(("step", *TERMS))]
        rows = zip(self.steps, self._rows(), strict=True)
        lines += [",".join((str(step), *map(repr, row))) for step, row in rows]
        return "\n".join(lines) + "\n"

    def rho_hat_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, ρ̂ snapshots as a (n_snapshots, n_hidden) array)."""
        if not self.snapshots:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0))
        return np.asarray(self.snapshot_steps), np.vstack(self.snapshots)
