"""Gradient check panel: backpropagation against central differences, on the live objective.

One click runs ``core.gradcheck.spot_check`` on the dashboard's *current* objective (weights,
ρ, β, λ, penalty, loss, decoder), on a float64 copy of the model, so the session never changes:
no step, no parameter change. It uses at most ``N_SAMPLES`` training inputs and at most
``N_COORDS`` coordinates of each parameter array, so that a click stays well under two seconds
even at 784-196 (~300k parameters, where the full check would take hours). This module only
shows it: the button, and the result as an HTML table.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ...core.gradcheck import BAR, N_COORDS, N_SAMPLES, SpotCheck, spot_check
from ...training import Session
from ..blas import one_thread
from ..contract import SessionDashboard


def check_session(session: Session) -> SpotCheck:
    """``core.gradcheck.spot_check`` of ``session``'s model on its data; one BLAS thread."""
    with one_thread():  # 20-row products: threads would only wait on each other
        return spot_check(session.model, session.X)


INTRO = (
    "Compares the backpropagated gradient g with central differences g<sub>num</sub> "
    "(seven-point stencil, float64) of the current objective on up to "
    f"{N_SAMPLES} training inputs, at up to {N_COORDS} random coordinates per parameter "
    f"array; it passes when ‖g<sub>num</sub> − g‖ / ‖g<sub>num</sub> + g‖ &lt; {BAR:g}."
)
PASS = "<span style='color:#009E73'>✓</span> pass"
FAIL = "<b><span style='color:#D55E00'>✗</span> fail</b>"
CELL = "padding:2px 10px"
COLUMNS = (
    ("parameter", "left"),
    ("relative error", "right"),
    ("coordinates checked", "right"),
    ("step ε", "right"),
    ("result", "left"),
)


def render(report: SpotCheck) -> str:
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


class GradcheckPanel(widgets.VBox):
    """The gradient check panel, its parts by name, in this order: ``intro``, the ``button``
    and the ``result`` table of the last check."""

    def __init__(
        self, *, intro: widgets.HTML, button: widgets.Button, result: widgets.HTML
    ) -> None:
        self.intro, self.button, self.result = intro, button, result
        super().__init__([intro, button, result])


def gradcheck_panel(dash: SessionDashboard) -> GradcheckPanel:
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
    return GradcheckPanel(intro=widgets.HTML(INTRO), button=button, result=result)
