"""What every dashboard that trains live shares: guarded callbacks and the paced play loop.

A subclass has ``controls`` with "play" (a ToggleButton), "step" and "reset" (Buttons),
"speed" (steps per frame) and, where its boards pick units, "unit", and ``boards`` (run ->
``Board``, its live views); it calls ``_open()`` once they exist, and implements
``_layout()`` (its children, around ``status``), ``_wire()`` (its observers),
``_sessions() -> {run: Session}``, ``_snapshots() -> {run: Snapshot}``,
``_train(n) -> StepReport``, ``_set_status(message)``, ``_sync_controls()`` (every control
shows the value in use) and ``_where()`` (one sentence on the state kept when something
fails). Code that sets control values does it ``with self.quietly():``, so that the
observers do not take the change for the user's.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import ipywidgets as widgets

from ..figures import Snapshot
from ..training import Session
from ..training.session import StepReport
from . import blas
from .board import DASHBOARD_CLASS, LIVE_CLASS, Board
from .controls import control_values, is_snap_echo, not_allowed, role, to_param, unshowable
from .defaults import check_batch_size, params_for_optimizer
from .instructor import Instructor
from .keeper import Keeper
from .pacing import UNWATCHED_SECONDS, FramePacer

#: Text styles that stay readable in JupyterLab's dark theme (its CSS variables, with the light
#: theme's values as fallbacks for Voila and classic pages).
MUTED = "color:var(--jp-ui-font-color2, #555)"
#: Links look like links in Voila's page too (its CSS draws them as plain text).
LINK = "color:var(--jp-content-link-color, #0072B2);text-decoration:underline"
#: Warning text: 4.5:1 or more on white and on JupyterLab's dark background. No one colour is
#: (a vermillion dark enough for white is too dark for the dark theme): static/board.css sets
#: the variable per theme; the fallback is its light-theme value.
WARNING_LIGHT = "#b84a00"
WARNING = f"color:var(--sae-warning, {WARNING_LIGHT})"

#: Event-loop turns the play loop gives between training chunks. A widget message (the page's
#: "drawn", a slider move) takes several turns from its socket to its handler in ipykernel 7
#: (the shell thread forwards it, the main thread reads it, dispatches it, runs it): with one
#: turn per chunk, acknowledgements waited several chunks (measured: 4 frames/s where the page
#: could draw 20). An idle turn costs microseconds.
LOOP_TURNS = 10

#: How much of the longest stretch the kernel went without answering is remembered at the next
#: (``LiveDashboard._quiet``): a few dozen chunks.
QUIET_MEMORY = 0.95

#: The status line (step, steps/s, loss) changes at most this often while playing: 20 times a
#: second is unreadable, and each change re-lays out the page around it.
STATUS_SECONDS = 0.25

UNWATCHED = (
    f"Paused: no page has drawn the dashboard for {UNWATCHED_SECONDS:.0f} s (closed tab?). "
    "Press Play to go on."
)


def warning_html(exc: BaseException) -> str:
    """One line saying what went wrong, for a panel's own report line."""
    return f"<span style='{WARNING}'>⚠ {html.escape(str(exc))}</span>"


def column(title: str, children: list[widgets.Widget]) -> widgets.VBox:
    """A column of controls under a bold title; a slider with its readout box beside it."""
    rows = [
        widgets.HBox([c, c.box], layout=widgets.Layout(overflow="visible"))
        if hasattr(c, "box")
        else c
        for c in children
    ]
    return widgets.VBox(
        [widgets.HTML(f"<b>{title}</b>"), *rows], layout=widgets.Layout(margin="0 16px 0 0")
    )


def columns(boxes: list[widgets.Widget]) -> widgets.HBox:
    """Columns side by side, wrapping onto more rows in a narrow page."""
    return widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap"))


def action_buttons(controls: dict[str, widgets.Widget]) -> widgets.HBox:
    """Play, Step and Reset, three across in a column's width."""
    for name in ("play", "step", "reset"):
        controls[name].layout.width = "106px"
    return widgets.HBox([controls["play"], controls["step"], controls["reset"]])


def sidebar_layout(controls: widgets.Widget, views: list[widgets.Widget]) -> widgets.HBox:
    """The controls beside the views on a wide page, above them on a narrow one (a notebook
    output): one flex row that wraps. Growth 1 against 1000: side by side, the views take
    nearly all the spare width; wrapped onto lines of their own, each takes the whole width."""
    controls.layout.flex = "1 1 350px"
    main = widgets.VBox(views, layout=widgets.Layout(flex="1000 1 560px", min_width="0"))
    box = widgets.HBox(
        [controls, main],
        layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start", width="100%"),
    )
    box.add_class(DASHBOARD_CLASS)
    return box


class LiveDashboard(widgets.VBox):
    """Base of the dashboards: subclasses build controls and boards, then call ``_open()``."""

    _task: asyncio.Task | None = None
    _syncing = False  # True while code (not the user) sets control values: see quietly
    boards: dict[str, Board]
    #: Sends the page copies of the run to keep, if the dashboard can go on from one
    #: (``app.keeper``).
    keeper: Keeper | None = None
    #: Said in the status line after ``reset``.
    RESET_MESSAGE = "Reset to step 0."

    def _open(self) -> None:
        """Once the controls and boards exist: the status line, the pacer, instructor mode,
        the boards' callbacks, then the layout and the observers; draw every view and say
        where training is."""
        self.status = widgets.HTML()
        #: When the next frame may go to the page (the play loop's, and a replay's).
        self.pacer = FramePacer()
        #: What instructor mode locked and hid on the controls (``instructor.instruct``).
        self.instructor = Instructor()
        for board in self.boards.values():
            board.on_drawn = self._drawn
            board.on_pick = self.guarded(self._pick)
            board.on_error = self._show_error
        super().__init__(children=self._layout())
        # What the page freezes, and puts its banner over, when the kernel is lost.
        self.add_class(LIVE_CLASS)
        self._wire()
        self.refresh()
        self._set_status()

    def _observe_params(
        self,
        controls: dict[str, widgets.Widget],
        session: Session,
        apply: Callable[..., bool],
    ) -> None:
        """Each parameter control among ``controls`` (``controls.role`` "live" or "reset")
        moved in the page sets its parameter by ``apply(params, changed=name)``; ``session``
        holds the values in use."""
        for name, control in controls.items():
            if role(name) in ("live", "reset"):
                handler = functools.partial(self._on_param, control, session, apply, name)
                control.observe(self.guarded(handler), names="value")

    @staticmethod
    def _on_param(
        control: widgets.Widget,
        session: Session,
        apply: Callable[..., bool],
        name: str,
        change: dict,
    ) -> None:
        """A parameter control moved: apply what it now shows, unless the page only moved the
        value in use onto the control's grid (``controls.is_snap_echo``)."""
        in_use = control_values(session.get_params()).get(name)
        if is_snap_echo(control, in_use, change["new"]):
            return
        key, value = to_param(name, change["new"])
        apply({key: value}, changed=name)

    def _wire_actions(self) -> None:
        """Play, Step and Reset do what their labels say."""
        self.controls["play"].observe(self.guarded(self._on_play), names="value")
        self.controls["step"].on_click(self.guarded(lambda _: self.step(1)))
        self.controls["reset"].on_click(self.guarded(lambda _: self.reset()))

    @contextlib.contextmanager
    def quietly(self) -> Iterator[None]:
        """Within it, code sets control values: the controls' observers ignore the changes
        (they are not the user's)."""
        was, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = was

    # ------------------------------------------------------------------ subclass hooks
    def _layout(self) -> list[widgets.Widget]:
        raise NotImplementedError

    def _wire(self) -> None:
        raise NotImplementedError

    def _sessions(self) -> dict[str, Session]:
        raise NotImplementedError

    def _snapshots(self) -> dict[str, Snapshot]:
        raise NotImplementedError

    def _train(self, n: int) -> StepReport:
        raise NotImplementedError

    def _set_status(self, message: str = "") -> None:
        raise NotImplementedError

    def _sync_controls(self) -> None:
        raise NotImplementedError

    def _where(self) -> str:
        raise NotImplementedError

    def _show_latest(self) -> None:
        """The views show the latest step from now on (a dashboard with a timeline moves it
        there); called when training went on or started again."""

    # ------------------------------------------------------------------ actions
    def step(self, n: int = 1) -> None:
        """Run ``n`` training steps now and refresh every view (for scripts and tests)."""
        report = self._train(n)
        self._show_latest()  # training goes on from the latest step: show it
        self.refresh()
        self._set_status(report.message)
        if self.keeper:
            self.keeper.flush()

    def reset(self) -> None:
        """New weights from the seed, empty history, step 0."""
        for session in self._sessions().values():
            session.reset()
        self._show_latest()
        self.refresh()
        self._set_status(self.RESET_MESSAGE)

    # ------------------------------------------------------------------ applying
    def _checked(
        self, params: Mapping[str, Any], controls: list[dict[str, widgets.Widget]]
    ) -> dict[str, Any]:
        """``params`` as ``apply`` sets them: with what an optimiser switch brings
        (``defaults.params_for_optimizer``: its own learning rate; no mini-batches for L-BFGS),
        unless they say otherwise.

        Raises
        ------
        ValueError
            For a value that its control among ``controls`` could not show (the page would
            be out of step with training), or a batch size for a full-batch optimiser
            (``defaults.check_batch_size``; the controls are put back to the values in use).
            Nothing has changed.
        """
        params = dict(params)
        for some in controls:
            for name, value, allowed in unshowable(some, params):
                raise ValueError(not_allowed(name, value, allowed))
        if "optimizer" in params and "learning_rate" not in params:
            brought = params_for_optimizer(params["optimizer"])
            params |= {key: value for key, value in brought.items() if key not in params}
        in_use = next(iter(self._sessions().values())).get_params()["optimizer"]
        try:
            check_batch_size(params.get("optimizer", in_use), params.get("batch_size"))
        except ValueError:
            self._sync_controls()  # e.g. the batch size control, moved under L-BFGS
            raise
        return params

    # ------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        """Redraw every view from the sessions' current state (and keep a copy of it)."""
        self._draw()
        if self.keeper:
            self.keeper.changed()

    def _draw(self) -> None:
        for run, snap in self._snapshots().items():
            self.boards[run].show(snap)

    @property
    def _awaiting(self) -> set[str]:
        """The runs whose page has not yet drawn every frame it was sent."""
        return {run for run, board in self.boards.items() if board.in_flight}

    def in_flight(self) -> int:
        """Frames sent that the page has not drawn yet (the most any board waits for)."""
        return max(board.in_flight for board in self.boards.values())

    def _drawn(self) -> None:
        self.pacer.acknowledged(self.in_flight())

    def _pick(self, unit: int) -> None:
        self.controls["unit"].value = unit

    # ------------------------------------------------------------------ callbacks
    def guarded(self, handler: Callable) -> Callable:
        """Run a callback; show any error in the status line instead of losing it in a log."""

        @functools.wraps(handler)
        def run(*args: Any) -> None:
            if self._syncing:
                return
            try:
                handler(*args)
            except Exception as exc:  # the dashboard must survive any callback error
                self._show_error(exc)

        return run

    @staticmethod
    def _loss_text(session: Session) -> str:
        """The status line's loss: the last step's total and the terms it adds up."""
        terms = session.model.last_terms_
        if not terms:
            return "not trained yet"
        return (
            f"loss {terms['total']:.4f} = reconstruction {terms['reconstruction']:.4f} "
            f"+ β·Ω {terms['sparsity']:.4f} + weight decay {terms['weight_decay']:.4f}"
        )

    def show_message(self, text: str) -> None:
        """Show ``text`` under the status line (panels report through this)."""
        self._set_status(text)

    def show_error(self, exc: BaseException) -> None:
        """Show an error in the status line; training and settings stay as they were."""
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        self.status.value = (
            f"<div style='{WARNING};font-weight:bold'>⚠ {html.escape(str(exc))}</div>"
            f"<div style='{MUTED}'>Nothing was lost: {html.escape(self._where())}</div>"
        )

    # ------------------------------------------------------------------ play loop
    def _on_play(self, change: dict) -> None:
        running = self._task is not None and not self._task.done()
        if change["new"]:
            self._label_play("Pause")
            if not running:
                self._task = asyncio.get_event_loop().create_task(self._play())
        elif not running:
            self._label_play("Play")
        # else the loop offers Play once it has ended: its last frame, status line and kept
        # copy are sent by then, so a button saying Play means the page has the final state.

    def _label_play(self, action: str) -> None:
        """Label the play toggle with what pressing it does: "Play" or "Pause"."""
        play = self.controls["play"]
        play.description, play.icon = action, action.lower()

    async def _play(self) -> None:
        """Train in chunks, yielding to the event loop between them so that widget messages
        (slider moves, pause, the page's frame acknowledgements) are handled mid-run; draw
        when the pacer says the page is ready, always from the latest state."""
        with blas.leave_a_core():  # the browser drawing the page needs a core too
            pacer, message, status_shown = self.pacer, "", -float("inf")
            pacer.start()
            resumed = time.perf_counter()  # when the loop last gave the event loop its turns
            try:
                while self.controls["play"].value:
                    trained = time.perf_counter()
                    report = self._train(self.controls["speed"].value)
                    chunk = time.perf_counter() - trained
                    if report.stopped or pacer.unwatched():
                        message = report.message or UNWATCHED
                        break
                    self._quiet(time.perf_counter() - resumed)
                    # Messages first: a "drawn" that came in during the chunk lets this
                    # iteration send the next frame, not the one after the next chunk.
                    for _ in range(LOOP_TURNS):
                        await asyncio.sleep(0)
                    resumed = time.perf_counter()
                    if pacer.due(chunk) and self.controls["play"].value:
                        start = time.perf_counter()
                        self._draw()
                        if start - status_shown >= STATUS_SECONDS:
                            self._set_status()
                            status_shown = start
                        pacer.sent(time.perf_counter() - start, self.in_flight())
                        if self.keeper:  # a copy now and then, not counted as the frame's
                            self.keeper.changed()
            except Exception as exc:
                self.controls["play"].value = False
                self.refresh()
                self._show_error(exc)
                self._label_play("Play")
                return
            self.controls["play"].value = False
            self.refresh()
            self._set_status(message)
            self._quiet(0.0)
            if self.keeper:
                self.keeper.flush()
            self._label_play("Play")

    def _quiet(self, seconds: float) -> None:
        """Tell the pages how long the kernel may go without answering: about the longest
        of the last stretches the play loop kept the event loop waiting (a chunk of training
        and a frame), forgotten slowly (a page that pings hears it)."""
        for board in self.boards.values():
            board.quiet = max(seconds, QUIET_MEMORY * board.quiet) if seconds else 0.0
