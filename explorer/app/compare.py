"""A/B mode: two runs on the same data and seed, trained in lockstep, their views paired.

Each run has its own live controls (ρ, β, the penalty, the learning rate, λ); the data set,
the network size, the optimiser and the seed are shared, so the only differences between the
two rows of plots are the ones the student chose (ρ = 0.01 vs 0.1, KL vs L1, β = 0 vs 3, ...).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets

from ..figures import VIEWS, Snapshot, snapshot
from ..training import Session
from ..training.session import StepReport
from .board import Board
from .controls import build_controls, control_values, label
from .defaults import dashboard_params
from .live import MUTED, WARNING, LiveDashboard, action_buttons, column, columns, sidebar_layout

RUNS = ("A", "B")
#: Controls each run has its own of; they apply at the next step.
RUN_CONTROLS = ("rho", "beta", "penalty", "learning_rate", "weight_decay")
#: Controls both runs share; changing one restarts both.
SHARED_CONTROLS = ("dataset", "n_hidden", "optimizer", "seed")
ACTIONS = ("play", "step", "reset", "speed")
#: The views shown for each run, side by side in one row per run (on a wide page).
PAIRED = ("kl", "activations", "histogram", "filters", "loss")
#: What B differs in when the caller says nothing: the classic lesson on ρ.
DEFAULT_B = {"rho": 0.1}


class Comparison(LiveDashboard):
    """Two sparse autoencoders trained side by side (an ipywidgets container; display it).

    Parameters
    ----------
    a, b : dict, optional
        Session keywords of run A and run B (e.g. ``{"rho": 0.01}`` and ``{"rho": 0.1}``);
        they override the shared ones. By default A uses the shared settings and B also sets
        ρ = 0.1.
    dataset, n_samples, random_state, **shared
        As for ``Explorer``: the data, the seed and the settings both runs share.

    Attributes
    ----------
    sessions : dict
        ``{"A": Session, "B": Session}``.
    controls : dict of widgets
        The shared controls and buttons by name.
    run_controls : dict
        ``{"A": {...}, "B": {...}}``: each run's live controls by name.
    instructor : instructor.Instructor
        What instructor mode locked and hid on ``controls``.
    boards : dict
        ``{"A": Board, "B": Board}``: each run's views; ``boards["A"].traces("kl")`` is what
        run A's curve panel was last sent.
    """

    RESET_MESSAGE = "Both runs reset to step 0."

    def __init__(
        self,
        a: dict[str, Any] | None = None,
        b: dict[str, Any] | None = None,
        dataset: Any = "natural-patches",
        n_samples: int | None = None,
        random_state: int = 0,
        **shared: Any,
    ) -> None:
        own = {"A": dict(a or {}), "B": dict(DEFAULT_B if b is None else b)}
        self.sessions = {}
        for run in RUNS:
            params = dashboard_params(shared | own[run])
            self.sessions[run] = Session(dataset, n_samples, random_state, **params)
        refuse = lambda message: self._show_error(ValueError(message))  # noqa: E731
        first = control_values(self.sessions["A"].get_params())
        self.controls = build_controls(first | {"speed": 1}, refuse, SHARED_CONTROLS + ACTIONS)
        self.run_controls = {
            run: build_controls(control_values(s.get_params()), refuse, RUN_CONTROLS)
            for run, s in self.sessions.items()
        }
        paired = tuple(v for v in VIEWS if v.name in PAIRED)
        self.boards = {  # no unit inspector here: clicks pick nothing
            run: Board(paired, prefix=f"{run}: ", picks=False).follow(self.run_controls[run]["rho"])
            for run in RUNS
        }
        self._open()

    # ------------------------------------------------------------------ layout and wiring
    def _layout(self) -> list[widgets.Widget]:
        c = self.controls
        runs = [column(f"Run {run} (live)", list(self.run_controls[run].values())) for run in RUNS]
        both = column("Both runs", [action_buttons(c), c["speed"]])
        shared = column("Both runs (⟲ restarts)", [c[name] for name in SHARED_CONTROLS])
        controls = columns([both, *runs, shared])
        return [sidebar_layout(controls, [self.status, *self.boards.values()])]

    def _wire(self) -> None:
        """A shared control sets both runs; a run's own control, its run."""
        self._observe_params(self.controls, self.sessions["A"], self.apply)
        for run, controls in self.run_controls.items():
            apply = functools.partial(self.apply, runs=(run,))
            self._observe_params(controls, self.sessions[run], apply)
        self._wire_actions()

    def apply(
        self,
        params: Mapping[str, Any],
        runs: tuple[str, ...] = RUNS,
        changed: str | None = None,
    ) -> bool:
        """Apply session parameters to ``runs`` (default both) as if set in the page; return
        True if training restarted.

        A value no control could show is refused, and so is a batch size under L-BFGS
        (``LiveDashboard._checked``); a switch of optimiser puts both runs on the full batch,
        so they stay comparable. On a refused value nothing changes; a value a session
        refuses leaves the controls at the values in use, and the ValueError/TypeError
        propagates (callbacks show it in the status line).
        """
        unknown = [run for run in runs if run not in RUNS]
        if unknown:
            raise ValueError(f"runs={unknown!r} is not allowed: runs must be some of {RUNS}.")
        params = self._checked(params, [self.controls, *(self.run_controls[r] for r in runs)])
        if "optimizer" in params:
            params.setdefault("batch_size", None)  # both runs full batch: still comparable
        restarted = []
        try:
            for run in runs:
                if self.sessions[run].set_params(**params):
                    restarted.append(run)
        finally:
            self._sync_controls()
        self.refresh()
        what = label(self.controls[changed]) if changed in self.controls else ", ".join(params)
        note = f"Changing {what} restarted run {' and '.join(restarted)}." if restarted else ""
        self._set_status(note)
        return bool(restarted)

    def _sync_controls(self) -> None:
        """Make every control show its session's value (without re-triggering)."""
        with self.quietly():
            for run, controls in self.run_controls.items():
                for name, value in control_values(self.sessions[run].get_params()).items():
                    if name in controls:
                        controls[name].value = value
            for name, value in control_values(self.sessions["A"].get_params()).items():
                if name in SHARED_CONTROLS:
                    self.controls[name].value = value

    # ------------------------------------------------------------------ training
    def _sessions(self) -> dict[str, Session]:
        return self.sessions

    def _snapshots(self) -> dict[str, Snapshot]:
        # The paired views draw no derivation: no gradient pass per run and frame.
        return {run: snapshot(s, forces=False) for run, s in self.sessions.items()}

    def _train(self, n: int) -> StepReport:
        reports = {run: s.step(n) for run, s in self.sessions.items()}
        failed = [f"Run {run}: {r.message}" for run, r in reports.items() if r.diverged]
        steps = min(r.steps for r in reports.values())
        if failed:
            return StepReport(steps, True, " ".join(failed))
        if all(r.converged or r.stuck for r in reports.values()):  # one waits for the other
            if any(r.stuck for r in reports.values()):
                said = " ".join(f"Run {run}: {r.message}" for run, r in reports.items())
                return StepReport(steps, stuck=True, message=said)
            said = "Both runs have converged: change a setting and press Play to go on, or Reset."
            return StepReport(steps, converged=True, message=said)
        return StepReport(steps)

    @property
    def value(self) -> dict[str, dict[str, Any]]:
        """Each run's settings in use."""
        return {run: s.get_params() for run, s in self.sessions.items()}

    def _where(self) -> str:
        steps = ", ".join(f"run {run} at step {s.n_steps}" for run, s in self.sessions.items())
        return f"{steps}, with the settings shown."

    # ------------------------------------------------------------------ status
    def _run_line(self, run: str) -> str:
        session = self.sessions[run]
        model = session.model
        setting = f"ρ {model.rho:.3g} · β {model.beta:.3g} · {model.penalty}"
        loss = self._loss_text(session)
        return f"<b>{run}</b> {html.escape(setting + f' · step {session.n_steps} · {loss}')}"

    def _set_status(self, message: str = "") -> None:
        messages = [message] if message else [s.message for s in self.sessions.values()]
        text = html.escape(" ".join(m for m in messages if m))
        diverged = any(s.message for s in self.sessions.values())
        lines = "".join(f"<div>{self._run_line(run)}</div>" for run in RUNS)
        self.status.value = f"<div style='font-family:monospace'>{lines}</div>" + (
            f"<div style='{WARNING if diverged else MUTED}'>{text}</div>" if text else ""
        )
