"""The timeline: scrubbing back shows exactly the recorded weights, Replay steps through the
recording at the page's pace, Play goes on from the latest step, and Continue from here drops
the later ones."""

from __future__ import annotations

import asyncio
import contextlib

import ipywidgets as widgets
import numpy as np
import pytest

from explorer import Explorer
from explorer.app.pacing import FramePacer
from explorer.app.timeline import Host, Timeline
from explorer.figures.mosaic import filter_mosaic
from explorer.training import Session


@pytest.fixture
def app(make_explorer) -> Explorer:
    return make_explorer(n_samples=500, steps=40)


def recorded_filters(app: Explorer, position: int) -> np.ndarray:
    """The filter mosaic of the weights recorded at ``position``, built here by hand."""
    session = app.session
    n, k = session.model.n_features_in_, session.model.n_hidden
    W1 = session.recording.weights[position][: n * k].reshape(n, k)
    return filter_mosaic(W1.T.astype(np.float64), session.dataset.image_shape)


class BareHost:
    """Exactly what ``timeline.Host`` names, and nothing else of a dashboard."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.controls = {"play": widgets.ToggleButton()}
        self.pacer = FramePacer()
        self.said: list[str] = []
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1

    def show_message(self, text: str) -> None:
        self.said.append(text)

    def guarded(self, handler):
        return handler

    def quietly(self):
        return contextlib.nullcontext()

    def in_flight(self) -> int:
        return 0


def test_the_timeline_needs_of_its_dashboard_only_what_its_host_protocol_names(app):
    assert isinstance(app, Host) and not isinstance(object(), Host)
    session = Session("bars", n_samples=200, random_state=0)
    session.step(5)
    host = BareHost(session)
    timeline = Timeline(host)
    assert timeline.slider.max == 5 and timeline.at is None
    before = host.refreshed
    timeline.show(2)
    assert timeline.at == 2 and host.refreshed == before + 1
    timeline.continue_here()
    assert session.n_steps == 2 and host.said == ["Went back to step 2: steps 3–5 dropped."]


def test_scrubbing_back_shows_exactly_the_weights_recorded_at_that_step(app):
    timeline = app.timeline
    assert timeline.slider.max == 40 and timeline.at is None  # live, at the end
    for position in (12, 0, 25):
        timeline.show(position)
        assert timeline.at == position
        step = app.session.recording.steps[position]
        z = app.board.traces("filters")[0]["z"]
        np.testing.assert_allclose(z, recorded_filters(app, position), rtol=1e-6, atol=1e-7)
        # The loss up to there, and the label says which step it is.
        assert len(app.board.traces("loss")[0]["x"]) == step or step == 0
        assert f"showing step {step} of 40" in timeline.label.value
    assert app.session.n_steps == 40  # looking back trains nothing and forgets nothing
    timeline.show(40)
    assert timeline.at is None
    live = app.board.traces("filters")[0]["z"]
    np.testing.assert_allclose(live, recorded_filters(app, 40), rtol=1e-6, atol=1e-7)


def test_continue_from_here_drops_the_later_steps_and_trains_on_from_there(app):
    weights = app.session.recording.weights[15].copy()
    app.timeline.show(15)
    app.timeline.continue_here()
    session = app.session
    assert session.n_steps == 15 and len(session.history) == 15
    assert session.recording.steps == list(range(16))
    np.testing.assert_array_equal(session.model.theta_, weights)
    assert "Went back to step 15: steps 16–40 dropped." in app.status.value
    assert app.timeline.at is None and app.timeline.slider.max == 15
    app.step(1)
    assert session.n_steps == 16 and len(session.history) == 16


def test_a_step_or_a_reset_while_scrubbed_back_shows_the_latest(app):
    app.timeline.show(5)
    app.step(1)
    assert app.timeline.at is None and app.timeline.slider.max == 41
    app.timeline.show(5)
    app.reset()
    assert app.timeline.at is None and app.timeline.slider.max == 0
    assert app.timeline.slider.disabled  # nothing recorded to go back to


def acknowledge_every_frame(app: Explorer) -> None:
    """Stand in for the page: answer each frame as drawn at once."""
    send = app.board._send_frame

    def sent(states):
        out = send(states)
        app.board._drawn({"seq": app.board._encoder.seq})
        return out

    app.board._send_frame = sent


def test_replay_shows_every_recorded_step_in_order_then_the_latest(app):
    acknowledge_every_frame(app)
    shown: list[int | None] = []
    original = app._snapshots
    app._snapshots = lambda: (shown.append(app.timeline.at), original())[1]

    async def scenario() -> None:
        app.timeline.replay.value = True
        await app.timeline._task

    asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    assert shown[0] == 0 and shown[-1] is None  # from the first step to the latest
    assert shown[:-1] == list(range(40))  # each recorded step once, in order
    assert app.timeline.replay.value is False and app.timeline.replay.description == "Replay"
    assert app.session.n_steps == 40


def test_play_goes_on_from_the_latest_step_and_says_so(app):
    app.timeline.show(10)

    async def scenario() -> None:
        app.controls["play"].value = True
        assert app.timeline.at is None and app.timeline.slider.disabled
        assert "Play goes on from the latest step, 40" in app.status.value
        for _ in range(200):
            await asyncio.sleep(0)
            if app.session.n_steps > 42:
                break
        app.controls["play"].value = False
        await app._task

    asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    assert app.session.n_steps > 40 and app.session.history.terms["total"][:40]
    assert not app.timeline.slider.disabled and app.timeline.at is None
    assert app.timeline.slider.max == len(app.timeline.steps) - 1
