"""How often the Explorer measures the derivation views' gradient (app.pacing.Remeasure): at
once for every change while paused, while playing only as often as its share of the loop
allows, and never for a mere click on another unit."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from explorer import Explorer
from explorer.app import explorer as explorer_module
from explorer.app import pacing
from explorer.training import forces


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def measured(monkeypatch) -> list[int | None]:
    """The ``at`` of every measurement the Explorer makes."""
    calls: list[int | None] = []

    def counting(session, at=None):
        calls.append(at)
        return forces.measure(session, at)

    monkeypatch.setattr(explorer_module, "measure", counting)
    return calls


def test_remeasure_waits_its_interval_and_its_share_of_the_loop() -> None:
    clock = FakeClock()
    remeasure = pacing.Remeasure(clock)
    assert remeasure.due()
    remeasure.measured(cost=0.005)  # cheap: the interval is the floor
    clock.now += pacing.DERIVATION_SECONDS * 0.9
    assert not remeasure.due()
    clock.now += pacing.DERIVATION_SECONDS * 0.2
    assert remeasure.due()
    remeasure.measured(cost=0.2)  # costly (784-196): at most 1/DERIVATION_SHARE of the time
    clock.now += pacing.DERIVATION_SHARE * 0.2 - 0.01
    assert not remeasure.due()
    clock.now += 0.02
    assert remeasure.due()


def test_paused_every_change_is_measured_and_a_unit_click_is_not(measured) -> None:
    app = Explorer(dataset="bars", n_samples=200, random_state=0)
    app.step(2)
    count = len(measured)
    app.controls["unit"].value = 5  # the units' pieces are all measured already
    assert len(measured) == count and "unit 5 ·" in app.board.caption("chain")
    app.controls["beta"].value = 1.0  # another objective: measured at once
    assert len(measured) == count + 1 and "β = 1" in app.board.caption("chain")
    app.timeline.show(1)  # a recorded step
    assert measured[-1] == 1 and "at step 1" in app.board.caption("chain")


def test_playing_measures_only_when_due(measured) -> None:
    app = Explorer(dataset="bars", n_samples=200, random_state=0, optimizer="adam")
    clock = FakeClock()
    app._remeasure = pacing.Remeasure(clock)  # frozen: due once, then not until moved
    frames: list[int] = []
    draw = app._draw  # the play loop's frame

    def counting_draw() -> None:
        frames.append(app.session.n_steps)
        draw()

    app._draw = counting_draw
    count = len(measured)

    async def scenario() -> None:
        app.controls["play"].value = True
        while len(frames) < 5:
            await asyncio.sleep(0)
        clock.now += pacing.DERIVATION_SECONDS  # due again
        seen = len(frames)
        while len(frames) < seen + 3:
            await asyncio.sleep(0)
        app.controls["play"].value = False
        await app._task

    asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    # Frames at five and more steps, but measured once before the clock moved and once after
    # (and once more when play stopped: a paused dashboard shows the latest step).
    assert len(set(frames)) >= 5
    assert len(measured) - count <= 3
    assert f"step {app.session.n_steps} followed" in app.board.caption("chain")


def test_the_board_keeps_a_derivation_views_state_while_its_key_stays(monkeypatch) -> None:
    """One measurement is drawn by many frames: the chain's data is built once per measurement
    and unit, and a frame of nothing new sends nothing for it."""
    app = Explorer(dataset="bars", n_samples=200, random_state=0)
    app.step(2)
    built: list[int] = []
    chain = app.board._views["chain"]

    def counting(snap):
        built.append(snap.unit)
        return chain.data(snap)

    app.board._views["chain"] = dataclasses.replace(chain, data=counting)
    app.refresh()  # same measurement, same unit: kept
    assert built == []
    app.controls["unit"].value = 3
    assert built == [3]
    app.refresh()
    assert built == [3]
    app.step(1)  # a new measurement
    assert built == [3, 3]
    app.board.relayout("chain", {})  # an override of its layout: built again
    assert built == [3, 3, 3]
