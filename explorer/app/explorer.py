"""The dashboard: controls beside the live views, a status line, and a non-blocking play loop."""

from __future__ import annotations

import functools
import html
import time
import zlib
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets

from .. import datasets
from ..core.validation import Interval, check_param
from ..figures import VIEWS, Snapshot, snapshot
from ..training import Session
from ..training.checkpoint import Checkpoint
from ..training.forces import Forces, measure
from ..training.session import StepReport
from .board import Board
from .controls import UI_DATASETS, build_controls, control_values, label, role
from .defaults import dashboard_params, is_full_batch
from .keeper import Keeper
from .live import MUTED, WARNING, LiveDashboard, action_buttons, column, columns, sidebar_layout
from .pacing import Remeasure
from .panels import PANELS
from .sections import sections, stack
from .timeline import Timeline

#: The controls that choose what is shown, not how the run trains: kept with the run.
VIEW_CONTROLS = ("unit", "speed", "log_loss")


class Explorer(LiveDashboard):
    """Interactive sparse-autoencoder explorer (an ipywidgets container; display it yourself).

    Parameters
    ----------
    dataset : str
        ``"natural-patches"``, ``"digits"`` or ``"bars"`` (or a ``datasets.Dataset``).
    n_samples : int or None
        Samples to load (None: the data set's default).
    random_state : int
        Seed of the data sample, the weights and the mini-batches.
    **model_params
        ``SparseAutoencoder`` keywords: ``rho``, ``beta``, ``learning_rate``,
        ``weight_decay``, ``n_hidden``, ``optimizer``, ``loss``, ``batch_size``, ...

    Attributes
    ----------
    controls : dict of widgets
        Sliders, dropdowns and buttons by name; setting ``controls[name].value`` from code
        does exactly what moving it in the page does.
    board : Board
        The live views, each in its own panel; ``board.traces("kl")`` is what the curve
        panel was last sent.
    session : training.Session
        The live training session (``session.model`` is the ``SparseAutoencoder``).
    panels : dict of widgets
        The feature panels (presets, A/B, sparsity frontier, gradient check, share, export,
        your images) by title, from ``panels.PANELS``.
    timeline : Timeline
        The step slider over the views: ``timeline.show(i)`` shows recorded step i
        (``session.recording``), as dragging it there does.
    keeper : Keeper
        Sends the page copies of the run to keep; the page sends one back to ``resume`` from
        after its kernel was lost (``app.keeper``).
    instructor : instructor.Instructor
        What instructor mode locked and hid on ``controls`` (``instructor.instruct``).
    """

    def __init__(
        self,
        dataset: Any = "natural-patches",
        n_samples: int | None = None,
        random_state: int = 0,
        **model_params: Any,
    ) -> None:
        self.session = Session(dataset, n_samples, random_state, **dashboard_params(model_params))
        #: Data sets given as ``Dataset`` objects (yours, uploads), by name, so that the data set
        #: control can offer them and switch back to them.
        self._own_data: dict[str, datasets.Dataset] = {}
        views = {"speed": 1, "log_loss": True, "unit": 0}
        initial = control_values(self.session.get_params()) | views
        initial["dataset"] = UI_DATASETS[0]  # the control offers an own data set below
        self.controls = build_controls(
            initial, on_refusal=lambda message: self._show_error(ValueError(message))
        )
        if isinstance(dataset, datasets.Dataset):
            self._offer(dataset)
        self.controls["dataset"].value = self.session.dataset.name
        self.board = Board(VIEWS).follow(self.controls["rho"])
        self.boards = {"": self.board}
        self._sync_unit_range()
        self.timeline = Timeline(self)
        self.keeper = Keeper(self, self.board)
        self._rate = (time.perf_counter(), 0)  # (time, step) of the last steps/s reading
        self._remeasure = Remeasure()
        self._forces: tuple[tuple, Forces] | None = None  # (what it was measured for, it)
        self._steps_per_second = 0.0
        self._open()
        self._sync_enabled()

    # ------------------------------------------------------------------ layout
    def _layout(self) -> list[widgets.Widget]:
        c = self.controls
        controls = columns(
            [
                column("Training", [action_buttons(c), c["speed"], c["unit"], c["log_loss"]]),
                column("Sparsity (live)", [c["rho"], c["beta"], c["penalty"]]),
                column(
                    "Optimisation (live)", [c["learning_rate"], c["weight_decay"], c["batch_size"]]
                ),
                column(
                    "Model and data (⟲ restarts)",
                    [c["dataset"], c["n_hidden"], c["loss"], c["optimizer"], c["seed"]],
                ),
            ]
        )
        # The feature panels, each under a header button (keyboard-operable, unlike an
        # Accordion's headers), closed at first.
        self.panels = {title: build(self) for title, build in PANELS}
        self.sections = sections(self.panels.items())
        # The timeline over the views, not under them: dragging it, the views it moves are in
        # sight (under them it sat ~1,500 px down a 768 px screen).
        main = [self.status, self.timeline.box, self.board]
        return [sidebar_layout(controls, main), stack(self.sections.values())]

    # ------------------------------------------------------------------ wiring
    def _wire(self) -> None:
        self._observe_params(self.controls, self.session, self.apply)
        for name, control in self.controls.items():
            if role(name) == "view":
                handler = functools.partial(self._on_view, name)
                control.observe(self.guarded(handler), names="value")
        self._wire_actions()

    def use_dataset(self, dataset: datasets.Dataset) -> None:
        """Train on ``dataset`` from step 0, and offer it in the data set control from now on."""
        if not isinstance(dataset, datasets.Dataset):
            raise TypeError(f"dataset={dataset!r} is not allowed: it must be a datasets.Dataset.")
        self._offer(dataset)
        self.apply({"dataset": dataset}, changed="dataset")

    def _offer(self, dataset: datasets.Dataset) -> None:
        self._own_data[dataset.name] = dataset
        control = self.controls["dataset"]
        if dataset.name not in control.options:
            with self.quietly():  # a Dropdown may re-select while its options change
                control.options = (*control.options, dataset.name)

    def apply(self, params: Mapping[str, Any], changed: str | None = None) -> bool:
        """Apply session parameters as if set in the page; return True if training restarted.

        A value no control could show is refused, and so is a batch size under L-BFGS
        (``LiveDashboard._checked``). On a rejected value nothing changes, the controls go
        back to the values in use and the ValueError/TypeError propagates (callbacks show it
        in the status line).
        """
        params = self._checked(params, [self.controls])
        name = params.get("dataset")
        if isinstance(name, str) and name in self._own_data:  # as the data set control says it
            params["dataset"] = self._own_data[name]
        try:
            was_reset = self.session.set_params(**params)
        except (TypeError, ValueError):
            self._sync_controls()  # put the controls back to the values in use
            raise
        self._sync_controls()
        self._sync_enabled()
        self._sync_unit_range()
        if was_reset:
            self._show_latest()
        self.refresh()
        what = label(self.controls[changed]) if changed in self.controls else ", ".join(params)
        self._set_status(f"Changing {what} restarted training from step 0." if was_reset else "")
        return was_reset

    def _on_view(self, name: str, change: dict) -> None:
        if name == "log_loss":
            self.board.relayout("loss", {"yaxis": {"type": "log" if change["new"] else "linear"}})
        if name == "unit":
            self.refresh()

    def _param(self, name: str) -> Any:
        return self.session.get_params()[name]

    def _sync_controls(self) -> None:
        """Make every parameter control show the session's value (without re-triggering)."""
        with self.quietly():
            for name, value in control_values(self.session.get_params()).items():
                self.controls[name].value = value

    def _sync_unit_range(self) -> None:
        """The unit control's range follows the number of hidden units."""
        unit, last = self.controls["unit"], self.session.model.n_hidden - 1
        with self.quietly():
            unit.max = max(last, 0)
            unit.value = min(unit.value, last)

    def _sync_enabled(self) -> None:
        """No batch size to choose for a full-batch optimiser (L-BFGS)."""
        self.controls["batch_size"].disabled = is_full_batch(self._param("optimizer"))

    # ------------------------------------------------------------------ training
    def _show_latest(self) -> None:
        self.timeline.follow()

    def _sessions(self) -> dict[str, Session]:
        return {"": self.session}

    def _snapshots(self) -> dict[str, Snapshot]:
        at = self.timeline.at
        forces = self._measured(at)
        return {"": snapshot(self.session, self.controls["unit"].value, at, forces)}

    def _measured(self, at: int | None) -> Forces:
        """The derivation views' forces for the step shown (``training.forces.measure``):
        measured again when the weights shown, the step or a setting changed; while playing,
        only as often as ``pacing.Remeasure`` allows (the frames between show the last)."""
        session = self.session
        weights = session.model.theta_ if at is None else session.recording.weights[at]
        shape = (at, weights.size, session.model.n_hidden)  # what the views index it by
        key = (*shape, session.n_steps, zlib.crc32(weights), repr(session.get_params()))
        if self._forces is not None:
            then, forces = self._forces
            waits = self.controls["play"].value and not self._remeasure.due()
            if then == key or (waits and then[: len(shape)] == shape):
                return forces
        start = time.thread_time()
        forces = measure(session, at)
        self._remeasure.measured(time.thread_time() - start)
        self._forces = (key, forces)
        return forces

    @property
    def value(self) -> dict[str, Any]:
        """The settings in use (the session's hyper-parameters)."""
        return self.session.get_params()

    def _train(self, n: int) -> StepReport:
        return self.session.step(n)

    def _where(self) -> str:
        return f"training is at step {self.session.n_steps} with the settings shown."

    # ------------------------------------------------------------------ the run kept
    def view(self) -> dict[str, Any]:
        """What the dashboard shows besides the session: the step the timeline shows (None:
        the latest) and the view controls' values (``keeper.Kept``)."""
        at = self.timeline.at
        shown = None if at is None else self.session.recording.steps[at]
        return {"shown": shown} | {name: self.controls[name].value for name in VIEW_CONTROLS}

    def resume(self, saved: Checkpoint) -> None:
        """Go on from ``saved`` (a session file with the view it was shown with, such as the
        copy the page keeps) as it was shown: its session, timeline position and view
        controls. Raises ValueError, changing nothing, for a file that does not restore here
        (``Session.restore``) or a view no control could show."""
        view = self._checked_view(saved)
        self.session.load(saved)
        with self.quietly():
            for name in VIEW_CONTROLS:
                self.controls[name].value = view[name]
        self.board.relayout("loss", {"yaxis": {"type": "log" if view["log_loss"] else "linear"}})
        self._sync_controls()
        self._sync_enabled()
        self._sync_unit_range()
        self.timeline.follow()
        if view["shown"] is not None:
            self.timeline.show(self.session.recording.steps.index(view["shown"]))
        self.refresh()
        self._rate, self._steps_per_second = (time.perf_counter(), saved.n_steps), 0.0
        self._set_status(f"Resumed from step {saved.n_steps}.")

    def _checked_view(self, saved: Checkpoint) -> dict[str, Any]:
        view = {"shown": None} | {name: self.controls[name].value for name in VIEW_CONTROLS}
        view |= {k: v for k, v in saved.view.items() if k in view}
        n_hidden = int(saved.params.get("n_hidden", 1))
        check_param("unit", view["unit"], Interval(0, n_hidden - 1, integer=True))
        speed = self.controls["speed"]
        check_param("speed", view["speed"], Interval(speed.min, speed.max, integer=True))
        if not isinstance(view["log_loss"], bool):
            value = view["log_loss"]
            raise TypeError(f"log_loss={value!r} is not allowed: it must be True or False.")
        shown = view["shown"]
        if shown is not None and shown not in saved.recording_steps:
            raise ValueError(
                f"shown={shown!r} is not allowed: the timeline can show only a recorded step "
                f"of the run kept, one of {saved.recording_steps[:3]} … ."
            )
        return view

    # ------------------------------------------------------------------ status
    def _set_status(self, message: str = "") -> None:
        self.timeline.sync()  # as often as the status line: a few times a second in play
        now, step = time.perf_counter(), self.session.n_steps
        then, step0 = self._rate
        if now - then >= 0.5 or step < step0:
            self._steps_per_second = max(step - step0, 0) / (now - then)
            self._rate = (now, step)
        loss = self._loss_text(self.session)
        style = WARNING if self.session.message else MUTED
        text = html.escape(message or self.session.message)
        self.status.value = (
            f"<div style='font-family:monospace'>step {step} · "
            f"{self._steps_per_second:.0f} steps/s · {loss}</div>"
            + (f"<div style='{style}'>{text}</div>" if text else "")
        )
