"""The timeline over the views: scrub back through the recorded run, replay it, or go on
training from a step shown.

Its positions are the recorded steps (``training.recording``: evenly spaced, at most ~500)
and, last, the latest step. At the last position the views are live; at an earlier one
every view shows that step (the filters, ρ̂, the units on the curve, the reconstructions,
the loss up to there). While training plays, the timeline follows the latest step and
cannot be dragged. *Replay* steps through the recording at the page's pace (a frame when the
page has drawn the last: ``pacing.FramePacer``). Play always goes on from the latest step;
*Continue from here* instead drops the steps after the one shown and trains on from it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

import ipywidgets as widgets

from ..training import Session
from .live import MUTED
from .pacing import MAX_FPS, FramePacer


@runtime_checkable
class Host(Protocol):
    """What the timeline uses of the dashboard it is part of (``Explorer``, from
    ``live.LiveDashboard``)."""

    #: The run it scrubs through (``session.recording``), and rewinds.
    session: Session
    #: The dashboard's controls: the timeline follows its "play" toggle.
    controls: dict[str, widgets.Widget]
    #: Paces the page's frames: a replay waits for the page as the play loop does.
    pacer: FramePacer

    def refresh(self) -> None:
        """Redraw every view (at the step the timeline shows)."""
        ...

    def show_message(self, text: str) -> None:
        """Say ``text`` under the status line."""
        ...

    def guarded(self, handler: Callable) -> Callable:
        """``handler`` as a widget callback: an error goes to the status line."""
        ...

    def quietly(self) -> AbstractContextManager[None]:
        """Within it, values set on widgets are not taken for the user's moves."""
        ...

    def in_flight(self) -> int:
        """Frames sent that the page has not drawn yet."""
        ...


class Timeline:
    """The timeline of dashboard ``dash``: ``box`` is what to display."""

    def __init__(self, dash: Host) -> None:
        self.dash = dash
        self.slider = widgets.IntSlider(
            min=0,
            max=0,
            value=0,
            description="timeline",
            readout=False,
            continuous_update=True,
            style={"description_width": "64px"},
            layout=widgets.Layout(flex="1 1 auto", min_width="160px"),
        )
        self.replay = widgets.ToggleButton(
            description="Replay", icon="history", tooltip="Play the recorded run back"
        )
        self.here = widgets.Button(
            description="Continue from here",
            icon="code-branch",
            tooltip="Drop the steps after the one shown and train on from it",
            layout=widgets.Layout(width="auto"),
        )
        self.label = widgets.HTML()
        self.box = widgets.VBox(
            [
                widgets.HBox(
                    [self.slider, self.replay, self.here],
                    layout=widgets.Layout(width="100%", align_items="center"),
                ),
                self.label,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self._live = True  # at the end: the views are live and the timeline follows the run
        self._task: asyncio.Task | None = None
        # Guarded as every control is: an error is shown in the status line, never lost.
        self.slider.observe(dash.guarded(self._on_scrub), names="value")
        self.replay.observe(dash.guarded(self._on_replay), names="value")
        self.here.on_click(dash.guarded(lambda _: self.continue_here()))
        dash.controls["play"].observe(self._on_play, names="value")
        self.sync()

    # ------------------------------------------------------------------ positions
    @property
    def steps(self) -> list[int]:
        """The step at each position: the recorded ones, and the latest last."""
        session = self.dash.session
        recorded = session.recording.steps
        return recorded if recorded[-1] == session.n_steps else [*recorded, session.n_steps]

    @property
    def at(self) -> int | None:
        """The recording index the views show, or None for the latest (live) state."""
        # A recording that shrank under the timeline (a reset, a loaded file) is shown live.
        if self._live or self.slider.value >= len(self.dash.session.recording):
            return None
        return self.slider.value

    def sync(self) -> None:
        """Follow the session: the range grows with the run, and a timeline at its end stays
        at the end (called a few times a second while playing, and after every action)."""
        last = len(self.steps) - 1
        self._live = self._live or self.slider.value >= last
        with self.dash.quietly():  # not the user's move: _on_scrub hears nothing
            self.slider.max = last
            if self._live:
                self.slider.value = last
        self._say()

    def follow(self) -> None:
        """Show the latest step from now on (training went on, or started again)."""
        self._live = True
        self.sync()

    def _say(self) -> None:
        steps, session = self.steps, self.dash.session
        latest, stride = session.n_steps, session.recording.stride
        every = f"recorded every {stride} step{'s' if stride > 1 else ''}"
        if self.at is None:
            text = f"step {latest} (latest) · {every}: drag back to see an earlier step"
        else:
            shown = steps[self.slider.value]
            text = (
                f"showing step {shown} of {latest} · {every}. Play goes on from step "
                f"{latest}; Continue from here drops steps {shown + 1}–{latest}."
            )
        self.label.value = f"<span style='{MUTED}'>{text}</span>"
        playing = self.dash.controls["play"].value
        self.slider.disabled = playing or len(steps) < 2
        self.here.disabled = playing or self.at is None
        self.replay.disabled = playing or len(steps) < 2

    # ------------------------------------------------------------------ the user's moves
    def _on_scrub(self, change: dict) -> None:
        self._live = change["new"] >= self.slider.max
        self._say()
        self.dash.refresh()

    def show(self, position: int) -> None:
        """Show the step at ``position`` (as dragging the timeline there does)."""
        self.slider.value = min(max(position, 0), self.slider.max)

    def continue_here(self) -> None:
        """Forget every step after the one shown; training goes on from it."""
        at = self.at
        if at is None:
            return
        step, latest = self.steps[at], self.dash.session.n_steps
        self.dash.session.rewind(step)
        self.follow()
        self.dash.refresh()
        self.dash.show_message(f"Went back to step {step}: steps {step + 1}–{latest} dropped.")

    def _on_play(self, change: dict) -> None:
        if change["new"]:
            self.replay.value = False
            if self.at is not None:
                self.dash.show_message(
                    f"Play goes on from the latest step, {self.dash.session.n_steps} (use "
                    "Continue from here to train on from an earlier one)."
                )
            self.follow()
        self._say()

    # ------------------------------------------------------------------ replay
    def _on_replay(self, change: dict) -> None:
        self.replay.icon = "stop" if change["new"] else "history"
        self.replay.description = "Stop" if change["new"] else "Replay"
        if change["new"] and (self._task is None or self._task.done()):
            self._task = asyncio.get_event_loop().create_task(self._replay())

    async def _replay(self) -> None:
        """Show each recorded step in turn, each as soon as the page has drawn the last."""
        dash, pacer = self.dash, self.dash.pacer
        pacer.start()
        if self.at is None:
            self.show(0)
        try:
            while self.replay.value and self.slider.value < self.slider.max:
                if not pacer.due():
                    await asyncio.sleep(1 / MAX_FPS)  # the page's answer comes meanwhile
                    continue
                start = time.perf_counter()
                self.show(self.slider.value + 1)
                pacer.sent(time.perf_counter() - start, dash.in_flight())
        finally:
            self.replay.value = False
