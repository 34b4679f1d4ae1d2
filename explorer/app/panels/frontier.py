"""Frontier panel: sweep β, ρ or the penalty and see what each value buys, while the page
stays live.

Run trains one fresh session per value (``training.sweep``) with the dashboard's other
settings, its data and its seed, in the background of the kernel's event loop: a slice of
steps (``SLICE_SECONDS``), then a few turns of the loop for widget messages, so sliders, Play
and every other control keep working while it runs. Its sessions are its own; the
dashboard's is only measured, the same way (``training.sweep.measure``), to put its point on
the frontier as a star. The values are typed (numbers for β and ρ, penalty names) and read
strictly: what cannot be read or is out of range is refused under the box, saying why, and
the text stays as typed.
"""

from __future__ import annotations

import asyncio
import html
import math
import time
from typing import Any

import ipywidgets as widgets

from ...core.recovery import best_cosine_by_chance
from ...figures.frontier import FRONTIER_VIEW, Y_AXES, Frontier, format_value
from ...training.sweep import (
    SWEEPABLE,
    Point,
    Progress,
    Sweep,
    measure_session,
    parse_values,
    pca_baseline,
)
from .. import blas
from ..board import Board
from ..contract import SessionDashboard
from ..controls import control_values, label
from ..live import LOOP_TURNS, MUTED, STATUS_SECONDS, warning_html
from ..numberbox import NumberBox

#: How long the sweep trains before it gives the event loop its turns. Short enough that a
#: slider move waits no longer than a play-loop chunk does; long enough that limiting BLAS's
#: threads for it (~1.5 ms: ``blas.leave_a_core`` scans the loaded libraries) costs little.
SLICE_SECONDS = 0.04
#: Steps per run the panel offers (5 runs of 5,000 L-BFGS steps of 64-25 on 10,000 patches:
#: about 3 minutes in float32 here).
MAX_STEPS = 5000
DEFAULT_STEPS = 100
#: Table columns: (heading, the cell of a point).
COLUMNS = (
    ("L0", lambda p: f"{p.l0:.3g}"),
    ("explained variance", lambda p: f"{p.explained_variance:.3f}"),
    ("dead", lambda p: str(p.dead)),
    ("mean log10 ρ̂", lambda p: f"{p.mean_log10_rho_hat:.2f}"),
    ("max decoder cos", lambda p: f"{p.max_decoder_cosine:.3f}"),
    # No loss before the first step (the dashboard's run at step 0).
    ("loss", lambda p: f"{p.loss:.4g}" if math.isfinite(p.loss) else "–"),
)
CELL = "padding:1px 8px;text-align:right"
INTRO = (
    "Trains one run per value from the dashboard's weights at step 0 (same seed, same data, "
    "its other settings), and plots the explained variance of the reconstructions against "
    "L0, the active units per input: what each value buys. The dashed line is PCA with k "
    "components at L0 = k: the best dense linear code of k numbers per input. Beside it: "
    "dead units, mean log10 ρ̂, and the mean largest cosine between one unit's decoder and "
    "another's (redundant units), as SAEBench reports them; on data whose true features are "
    "known (bars, sparse dictionary), how many each run recovered, which the y axis can "
    "show. The dashboard keeps working meanwhile."
)


class FrontierPanel(widgets.VBox):
    """The panel of ``dash`` (an ``Explorer``): ``run()`` starts a sweep, ``stop()`` ends it.

    Its parts by name, in the order shown: ``intro``; ``setting``, ``values`` and ``steps``
    (what to sweep); ``problem`` (why what was typed cannot be swept); ``button`` (Run sweep /
    Stop), ``measure``, the progress ``bar`` and ``progress_line``; ``y`` (the chart's vertical
    axis, shown with a chart of data whose true features are known); the ``chart`` (holding
    ``board`` once drawn) beside the ``table``."""

    def __init__(self, dash: SessionDashboard) -> None:
        self.dash = dash
        self.intro = widgets.HTML(f"<span style='{MUTED}'>{INTRO}</span>")
        self._make_controls()
        self._make_outputs()
        self.board: Board | None = None  # made at the first draw: no chart nobody asked for
        self.runs: Sweep | None = None  # the last sweep started
        self.progress: Progress | None = None  # where it is
        self.task: asyncio.Task | None = None
        self._active = False  # from Run until the sweep's last draw
        self._stopping = False
        super().__init__(self._layout())
        self._wire()

    # ------------------------------------------------------------------ building
    def _make_controls(self) -> None:
        """What to sweep (``setting``, ``values``, ``steps``), and the two buttons."""
        # What can be swept (``SWEEPABLE``), each named as its control is.
        choices = [(label(self.dash.controls[name]), name) for name in SWEEPABLE]
        self.setting = widgets.Dropdown(options=choices, value="beta", description="sweep")
        #: What was typed for each setting: switching the setting shows its own list.
        self._texts = {name: row.example for name, row in SWEEPABLE.items()}
        self.values = widgets.Text(
            value=self._texts["beta"],
            description="values",
            continuous_update=False,
            tooltip="Numbers for β and ρ, names for the penalty, separated by spaces or commas",
        )
        self.steps = NumberBox(
            label="steps each",
            min=1,
            max=MAX_STEPS,
            value=DEFAULT_STEPS,
            tooltip="Training steps of every run",
        )
        self.button = widgets.Button(
            description="Run sweep",
            icon="play",
            button_style="success",
            tooltip="Train one run per value (Stop ends it)",
        )
        self.measure = widgets.Button(
            description="Update this run",
            icon="refresh",
            tooltip="Put the dashboard's run, as it is now, on the frontier",
        )
        self.y = widgets.Dropdown(
            options=[(axis.choice, key) for key, axis in Y_AXES.items()],
            value="explained_variance",
            description="y axis",
            tooltip="Recovery: the mean over the true features of their best cosine with a "
            "unit's decoder",
            layout=widgets.Layout(display="none"),  # until a chart has true features
        )

    def _make_outputs(self) -> None:
        """Where the panel answers: ``problem``, the progress, the ``table`` and the ``chart``."""
        self.problem = widgets.HTML()
        self.progress_line = widgets.HTML(f"<span style='{MUTED}'>No sweep run yet.</span>")
        self.bar = widgets.IntProgress(value=0, min=0, max=1, layout=widgets.Layout(width="240px"))
        self.table = widgets.HTML()
        self.chart = widgets.Box(
            layout=widgets.Layout(flex="1 1 460px", max_width="640px", min_width="0")
        )

    def _layout(self) -> list[widgets.Widget]:
        """The panel's rows, top to bottom, each wrapping on a narrow page."""
        return [
            self.intro,
            widgets.HBox(
                [self.setting, self.values, self.steps],
                layout=widgets.Layout(flex_flow="row wrap"),
            ),
            self.problem,
            widgets.HBox(
                [self.button, self.measure, self.bar, self.progress_line],
                layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
            ),
            self.y,
            widgets.HBox(
                [self.chart, self.table],
                layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"),
            ),
        ]

    def _wire(self) -> None:
        """A new setting shows its own values; new values are checked at once; the button
        runs or stops; Update this run redraws."""
        self.setting.observe(self._on_setting, names="value")
        self.values.observe(lambda _: self._check(), names="value")
        self.button.on_click(lambda _: self.stop() if self.running else self.run())
        self.measure.on_click(lambda _: self._guarded(self.draw))
        self.y.observe(lambda _: self._guarded(self.draw), names="value")

    # ------------------------------------------------------------------ input
    @property
    def running(self) -> bool:
        return self._active

    def _on_setting(self, change: dict) -> None:
        self._texts[change["old"]] = self.values.value
        self.values.value = self._texts[change["new"]]
        self._check()

    def _check(self) -> tuple | None:
        """The values typed, read; None (and why, under the box) if they cannot be."""
        try:
            values = parse_values(self.setting.value, self.values.value)
        except ValueError as exc:
            self.problem.value = warning_html(exc)
            return None
        self.problem.value = ""
        return values

    def _sweep(self, values: tuple) -> Sweep:
        """A sweep of ``values`` with the dashboard's other settings and data."""
        session, param = self.dash.session, self.setting.value
        params = session.get_params()
        seed = params.pop("random_state")
        for key in ("dataset", "n_samples", "data_options", param):
            del params[key]
        return Sweep(
            param,
            values,
            self.steps.value,
            dataset=session.dataset,
            n_samples=session.n_samples,
            random_state=seed,
            **params,
        )

    # ------------------------------------------------------------------ running
    def run(self) -> asyncio.Task | None:
        """Start a sweep of what the boxes say, in the background; None (and why) if they
        say something that cannot be swept."""
        if self.running:
            return self.task
        values = self._check()
        if values is None:
            return None
        try:
            runs = self._sweep(values)
        except (TypeError, ValueError) as exc:  # a value out of range, named by the model
            self.problem.value = warning_html(exc)
            return None
        self.runs, self.progress, self._stopping, self._active = runs, None, False, True
        self.bar.max, self.bar.value = runs.total, 0
        self.button.description, self.button.icon = "Stop", "stop"
        self.button.button_style = "warning"
        self.draw()
        self.task = asyncio.get_event_loop().create_task(self._run(runs))
        return self.task

    def stop(self) -> None:
        """End the sweep after the step it is taking; the runs finished stay drawn."""
        self._stopping = True

    async def _run(self, runs: Sweep) -> None:
        steps, start, shown = runs.runs(), time.perf_counter(), -float("inf")
        try:
            while not self._stopping:
                progress = self._slice(steps)
                if progress is None:
                    break
                self.progress = progress
                now = time.perf_counter()
                if progress.point is not None:
                    self.draw()
                if progress.point is not None or now - shown >= STATUS_SECONDS:
                    self._show_progress(now - start)
                    shown = now
                for _ in range(LOOP_TURNS):  # widget messages: slider moves, Play, Stop
                    await asyncio.sleep(0)
        except Exception as exc:  # shown in the panel; the dashboard is not touched
            self.problem.value = warning_html(exc)
        finally:
            self._active = False
            self.button.description, self.button.icon = "Run sweep", "play"
            self.button.button_style = "success"
            self.draw()
            self._show_progress(time.perf_counter() - start, finished=True)

    @staticmethod
    def _slice(steps: Any) -> Progress | None:
        """Train for SLICE_SECONDS (or to the end of a run); the last progress, or None at the
        end of the sweep. BLAS is limited for the slice only: a limit held across the awaits
        would be undone by the play loop's, or undo it, as they end in any order."""
        progress, until = None, time.perf_counter() + SLICE_SECONDS
        with blas.leave_a_core():  # the browser drawing the page needs a core too
            for progress in steps:
                if progress.point is not None or time.perf_counter() >= until:
                    return progress
        return None

    # ------------------------------------------------------------------ drawing
    @property
    def points(self) -> list[Point]:
        """The runs finished in the last sweep."""
        return list(self.runs.points) if self.runs else []

    def _current(self) -> tuple[Point, str]:
        """The dashboard's run, measured as a sweep's are, and what to say of it."""
        session = self.dash.session
        param = self.runs.param if self.runs else self.setting.value
        value = session.get_params()[param]
        note = f" (step {session.n_steps}, {SWEEPABLE[param].label} = {format_value(value)})"
        if self.runs is not None:
            ours = control_values(self.runs.settings())
            theirs = control_values(session.get_params())
            differ = [
                label(self.dash.controls[name]) for name in ours if ours[name] != theirs.get(name)
            ]
            if differ:
                note += f", other {', '.join(differ)} than the sweep"
        return measure_session(session, value), note

    def frontier(self) -> Frontier:
        """What the chart shows now: the last sweep's runs on its data (or, before any, the
        dashboard's data), with the PCA baseline and the true features of that data."""
        current, note = self._current()
        runs, session = self.runs, self.dash.session
        data, n_hidden = (
            (runs.dataset, runs.settings()["n_hidden"])
            if runs
            else (
                session.dataset,
                session.model.n_hidden,
            )
        )
        truth = data.true_features
        y = self.y.value
        if Y_AXES[y].needs_truth and truth is None:
            y = "explained_variance"
        extra = {
            "y": y,
            "pca": tuple(runs.pca if runs else pca_baseline(session.X, n_hidden)),
            "n_true": 0 if truth is None else len(truth),
            "chance": best_cosine_by_chance(n_hidden, data.X.shape[1])[0],
        }
        if runs is None:
            return Frontier(self.setting.value, (), self.steps.value, (), current, note, **extra)
        points = tuple(runs.points)
        return Frontier(runs.param, runs.values, runs.steps, points, current, note, **extra)

    def draw(self) -> None:
        """Redraw the chart and the table (the dashboard's run measured as it is now)."""
        state = self.frontier()
        # The axis choice where there is a choice: data whose true features are known.
        self.y.layout.display = "" if state.n_true else "none"
        if self.board is None:
            self.board = Board([FRONTIER_VIEW], picks=False, max_columns=1)
            self.board.on_error = lambda exc: setattr(self.problem, "value", warning_html(exc))
            self.chart.children = (self.board,)
        self.board.show(state)
        self.table.value = self._table(state)

    def _table(self, f: Frontier) -> str:
        row = SWEEPABLE[f.param]
        columns = (*COLUMNS, _recovered(f.n_true)) if f.n_true else COLUMNS
        head = f"<th style='{CELL};text-align:left'>{html.escape(row.label)}</th>" + "".join(
            f"<th style='{CELL}'>{html.escape(title)}</th>" for title, _ in columns
        )
        done = {p.value: p for p in f.points}
        rows = []
        for value in f.values:
            point = done.get(value)
            if point is not None:
                cells = "".join(f"<td style='{CELL}'>{cell(point)}</td>" for _, cell in columns)
                if point.message:
                    cells += f"<td style='{MUTED}'>stopped at step {point.steps}</td>"
            else:
                cells = f"<td colspan='{len(columns)}' style='{MUTED}'>{self._pending(value)}</td>"
            rows.append(
                f"<tr><td style='{CELL};text-align:left'>{format_value(value)}</td>{cells}</tr>"
            )
        if f.current is not None:
            cells = "".join(f"<td style='{CELL}'>{cell(f.current)}</td>" for _, cell in columns)
            rows.append(f"<tr><td style='{CELL};text-align:left'>★ this run</td>{cells}</tr>")
        return (
            f"<table style='border-collapse:collapse;font-size:12px'><thead><tr>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def _pending(self, value: Any) -> str:
        p = self.progress
        if self.running and p is not None and p.value == value and p.point is None:
            return f"training: step {p.step} of {self.runs.steps}"
        return "waiting" if self.running else "not run"

    def _show_progress(self, seconds: float, finished: bool = False) -> None:
        runs, p = self.runs, self.progress
        if runs is None:
            return
        label_ = SWEEPABLE[runs.param].label
        self.bar.value = p.done if p else 0
        n, total = len(runs.points), len(runs.values)
        if finished:
            what = "Stopped" if n < total else "Done"
            text = f"{what}: {n} of {total} runs of {runs.steps} steps in {seconds:.0f} s."
            stopped = [pt for pt in runs.points if pt.message]
            text += "".join(f" {label_} = {format_value(pt.value)}: {pt.message}" for pt in stopped)
        elif p is not None:
            text = (
                f"Training {label_} = {format_value(p.value)} ({p.index + 1} of {total}): "
                f"step {p.step} of {runs.steps} · {seconds:.0f} s"
            )
        else:
            text = "Starting…"
        self.progress_line.value = f"<span style='{MUTED}'>{html.escape(text)}</span>"
        self.table.value = self._table(self.frontier())

    def _guarded(self, action: Any) -> None:
        try:
            action()
        except Exception as exc:  # a callback must never raise into ipywidgets
            self.problem.value = warning_html(exc)


def _recovered(n_true: int) -> tuple[str, Any]:
    """The table's column of true features recovered (of ``n_true``), with the mean cosine."""
    return (
        "recovered",
        lambda p: "–" if p.recovery is None else f"{p.recovered} of {n_true} ({p.recovery:.2f})",
    )


def frontier_panel(dash: SessionDashboard) -> FrontierPanel:
    """The sweep's controls, its progress, the frontier chart and its table, for ``dash``."""
    return FrontierPanel(dash)
