"""Gradient check panel: backpropagation against central differences, on the live objective.

One click checks the dashboard's *current* objective (weights, ρ, β, λ, penalty, loss,
decoder) on a float64 copy of the model, so the session never changes: no step, no parameter
change. It uses at most ``N_SAMPLES`` training inputs and at most ``N_COORDS`` coordinates of
each parameter array, so that a click stays well under two seconds even at 784-196 (~300k
parameters, where the full check would take hours).
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np

from ...core import float64_copy, gradient_errors, topk_margin
from ..blas import one_thread

#: Training inputs the objective is evaluated on (a seeded random draw).
N_SAMPLES = 20
#: Coordinates checked per parameter array (all of an array that has fewer): at most
#: 4 × 30 coordinates × 6 objective evaluations = 720 evaluations per click.
N_COORDS = 30
#: The seven-point stencil (error O(ε⁶)) with a large step. Rounding error grows as u·|f|/ε
#: and is what limits the check on big or trained models: with the five-point stencil at
#: ε = 1e-4, W2 at 784-196 (squared error, 20 steps) is at ~1e-8, ten times over the bar, and
#: still ~1e-9 at ε = 1e-3. Seven points at ε = 2e-2 measured ≤ 3e-10 on every case tried,
#: with truncation error still ≤ 1e-11 (it shows from ε ≈ 3e-2).
ORDER, EPSILON = 6, 2e-2
#: DESIGN.md's bar on ‖g_num − g‖/‖g_num + g‖.
BAR = 1e-9
#: Seeds the choice of inputs and coordinates: the same state gives the same check.
SEED = 0
#: Candidate inputs screened for TopK's ranking gaps (a forward pass over this many).
PROBE = 1000
#: Below this step the check's own rounding error can reach the bar (measured: W1 at 784-196
#: with cross-entropy is at ~1e-9 with ε = 1e-3).
SMALL_STEP = 1e-3
#: The smallest step taken, when every input has two units tied at its K boundary.
MIN_STEP = 1e-6
PARAMS = ("W1", "b1", "W2", "b2")


@dataclass(frozen=True)
class Row:
    """One line of the table: a parameter array (or ``"all"``) and how it fared."""

    name: str
    error: float
    checked: int
    size: int
    epsilon: float | None  # the step used (None for the "all" row)

    @property
    def passed(self) -> bool:
        return self.error < BAR


@dataclass(frozen=True)
class Report:
    """The result of one check of a session's objective."""

    rows: tuple[Row, ...]
    n_samples: int
    step: int
    settings: str  # the objective's hyper-parameters, as checked
    seconds: float
    note: str = ""

    @property
    def passed(self) -> bool:
        return all(row.passed for row in self.rows)


def _plan(X: np.ndarray, model: Any) -> tuple[np.ndarray, dict[str, float], str]:
    """The inputs to check on, the step ε for each parameter array, and a note on them."""
    order = np.random.default_rng(SEED).permutation(X.shape[0])[:PROBE]
    steps = dict.fromkeys(PARAMS, EPSILON)
    if model.penalty != "topk" or not model.beta:
        return np.sort(order[:N_SAMPLES]), steps, ""
    # TopK is piecewise linear: finite differences are wrong where a perturbation changes an
    # input's top-K selection. W2 and b2 do not move activations. Moving one coordinate of W1
    # or b1 by up to (ORDER/2)·ε moves one unit's pre-activation by Δz ≤ max(1, |x|)·(ORDER/2)·ε
    # and its activation by at most g′(z)·e^Δz·Δz (g′ changes by at most e^|t| over t). So
    # for W1 and b1 take a step at which that move is at most half of every unit's margin
    # (the factor 2 covers e^Δz, Δz ≤ 0.06), on the inputs that allow the largest step. A unit
    # saturated to exactly 0 or 1 (g′ = 0) cannot move and limits nothing.
    H = np.asarray(model.transform(X[order]), dtype=np.float64)
    margin = topk_margin(H, model.rho)
    move = H * (1.0 - H) * max(1.0, float(np.abs(X).max())) * (ORDER // 2)  # per unit of ε
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = np.where(move > 0, margin / (2.0 * move), np.inf).min(axis=1)
    widest = np.argsort(limit)[::-1][:N_SAMPLES]
    safe = max(float(limit[widest].min()), MIN_STEP)
    note = ""
    if safe < EPSILON:
        steps["W1"] = steps["b1"] = safe
        note = (
            f"TopK is piecewise linear: W1 and b1 were checked with ε = {safe:.1e}, on the "
            "inputs whose top-K selection is farthest from changing, so that no perturbation "
            "can swap a unit across the K boundary (W2 and b2 do not move it)."
        )
        if safe < SMALL_STEP:
            note += (
                " At so small a step, rounding error can exceed the bar: here a ✗ on W1 or b1 "
                "does not prove the gradient wrong."
            )
    return np.sort(order[widest]), steps, note


def check_session(session: Any) -> Report:
    """Gradient check of ``session``'s current objective, on a float64 copy of its model."""
    with one_thread():  # 20-row products: threads would only wait on each other
        return _check(session)


def _check(session: Any) -> Report:
    start = time.perf_counter()
    model = session.model
    twin = float64_copy(model)
    rows, steps, note = _plan(session.X, model)
    X = np.asarray(session.X[rows], dtype=np.float64)
    errors = gradient_errors(twin, X, steps, N_COORDS, random_state=SEED, order=ORDER)
    # gradient_errors checks min(N_COORDS, size) coordinates of each array.
    table = [Row(name, errors[name], min(N_COORDS, p.size), p.size, steps[name])
             for name, p in twin.params_.items()]  # fmt: skip
    checked = sum(row.checked for row in table)
    table.append(Row("all", errors["all"], checked, twin.theta_.size, None))
    settings = (
        f"ρ = {twin.rho:g}, β = {twin.beta:g}, λ = {twin.weight_decay:g}, penalty "
        f"{twin.penalty}, loss {twin.loss}, decoder {twin.decoder}"
    )
    seconds = time.perf_counter() - start
    return Report(tuple(table), len(rows), session.n_steps, settings, seconds, note)


INTRO = (
    "Compares the backpropagated gradient g with central differences g<sub>num</sub> "
    "(seven-point stencil, float64) of the current objective on up to "
    f"{N_SAMPLES} training inputs, at up to {N_COORDS} random coordinates per parameter "
    f"array; it passes when ‖g<sub>num</sub> − g‖ / ‖g<sub>num</sub> + g‖ &lt; {BAR:g}."
)
PASS = "<span style='color:#009E73'>✓</span> pass"
FAIL = "<b><span style='color:#D55E00'>✗</span> fail</b>"
CELL = "padding:2px 10px"
COLUMNS = (("parameter", "left"), ("relative error", "right"), ("coordinates checked", "right"),
           ("step ε", "right"), ("result", "left"))  # fmt: skip


def render(report: Report) -> str:
    """The result table as HTML: every verdict in words and a symbol, never colour alone."""
    head = "".join(
        f"<th style='text-align:{align};{CELL}'>{title}</th>" for title, align in COLUMNS
    )
    body = "".join(
        f"<tr><td style='{CELL}'>{row.name}</td>"
        f"<td style='text-align:right;{CELL};font-family:monospace'>{row.error:.2e}</td>"
        f"<td style='text-align:right;{CELL}'>{row.checked:,} of {row.size:,}</td>"
        f"<td style='text-align:right;{CELL}'>"
        f"{'' if row.epsilon is None else f'{row.epsilon:.1e}'}</td>"
        f"<td style='{CELL}'>{PASS if row.passed else FAIL}</td></tr>"
        for row in report.rows
    )
    verdict = "all pass" if report.passed else "FAILED"
    caption = (
        f"Step {report.step}: {report.settings}; {report.n_samples} inputs; {verdict}; "
        f"{report.seconds:.2f} s."
    )
    note = f"<div>{html.escape(report.note)}</div>" if report.note else ""
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<div>{html.escape(caption)}</div>{note}"
    )


def gradcheck_panel(dash: Any) -> widgets.Widget:
    """A "Check gradient" button and the table of its last result."""
    button = widgets.Button(
        description="Check gradient",
        icon="check",
        tooltip="Compare backpropagation with finite differences at the current weights "
        "(training is not touched)",
    )
    result = widgets.HTML("<i>Not checked yet.</i>")

    def on_click(_: Any) -> None:
        button.disabled = True
        try:
            report = check_session(dash.session)
            result.value = render(report)
            worst = max(row.error for row in report.rows)
            dash.show_message(
                f"Gradient check at step {report.step}: "
                + ("every parameter passes" if report.passed else "FAILED")
                + f" (largest relative error {worst:.1e}, bar {BAR:g})."
            )
        except Exception as exc:  # a callback must never raise into ipywidgets
            dash.show_error(exc)
        finally:
            button.disabled = False

    button.on_click(on_click)
    return widgets.VBox([widgets.HTML(INTRO), button, result])
