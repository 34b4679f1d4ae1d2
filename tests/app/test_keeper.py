"""The run the page keeps (``app.keeper``): copies of the run within their bound, sent while it
changes and no faster than the bounds allow, brought back exactly, and refused with a clear
message (changing nothing) when they are not a run of this dashboard. And the kernel's side of
the page's heartbeat: pings answered, and a page back from a dropped connection not waited on.
"""

from __future__ import annotations

import asyncio
import io
import json
import zipfile

import numpy as np
import pytest

from explorer import Explorer, datasets
from explorer.app import keeper, pacing
from explorer.app.keeper import MAX_BYTES, RECORDING_BYTES, Keeper, page_copy
from explorer.training import Session
from explorer.training.checkpoint import read_checkpoint


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def talk(board) -> list[tuple[dict, list]]:
    """From now on, what ``board`` sends the page (content, buffers), instead of sending it."""
    out: list[tuple[dict, list]] = []
    board.send = lambda content, buffers=None: out.append((content, buffers or []))
    return out


def say(board, content: dict, buffers: list | None = None) -> None:
    """A message from the page, as static/*.js sends it."""
    board._on_page_message(board, content, buffers or [])


def of(sent: list[tuple[dict, list]], kind: str) -> list[tuple[dict, list]]:
    return [(c, b) for c, b in sent if c["type"] == kind]


@pytest.fixture
def app(make_explorer) -> Explorer:
    return make_explorer()


def watched(app: Explorer) -> list[tuple[dict, list]]:
    """``app`` with a page that said hello: what its board sends from now on."""
    sent = talk(app.board)
    say(app.board, {"type": "hello"})
    return sent


def trained(app: Explorer, steps: int = 30) -> bytes:
    """Train ``app``, move its view off the defaults, and return the copy the page keeps."""
    sent = watched(app)
    app.step(steps)
    app.controls["unit"].value = 3
    app.controls["speed"].value = 7
    app.controls["log_loss"].value = False
    app.timeline.show(12)
    app.keeper.send()
    (content, (copy,)), *_ = reversed(of(sent, "sae-keep"))
    assert content["step"] == steps and content["bytes"] == len(copy)
    return copy


# ---------------------------------------------------------------------------- bringing it back
def test_a_page_arriving_gets_its_frame_and_copy_then_the_heap_goes_back(app, monkeypatch):
    """A page's arrival is one-off work (every widget's state, the full frame, a copy of the
    run): ~4.5 MB of heap it freed went back to the system only then (``core.heap``)."""
    from explorer.app import board as board_module

    sent = talk(app.board)
    monkeypatch.setattr(board_module, "trim", lambda: sent.append(({"type": "trim"}, [])))
    say(app.board, {"type": "hello"})
    assert [c["type"] for c, _ in sent] == ["sae-frame", "sae-keep", "trim"]


def test_a_copy_sent_back_to_a_fresh_dashboard_brings_back_the_run_as_shown(make_explorer):
    source = make_explorer()
    copy = trained(source)
    fresh = make_explorer()
    sent = talk(fresh.board)
    say(fresh.board, {"type": "restore"}, [memoryview(copy)])
    assert [c for c, _ in of(sent, "sae-restored")] == [{"type": "sae-restored", "step": 30}]
    a, b = source.session, fresh.session
    assert b.n_steps == 30 and b.get_params() == a.get_params()
    assert b.model.theta_.tobytes() == a.model.theta_.tobytes()  # the same filter pixels
    assert b.history.terms == a.history.terms  # the loss history, exactly
    assert b.model.rng_state == a.model.rng_state
    assert {name: fresh.controls[name].value for name in ("unit", "speed", "log_loss")} == {
        "unit": 3,
        "speed": 7,
        "log_loss": False,
    }
    assert fresh.board.layout("loss")["yaxis"]["type"] == "linear"
    # The timeline shows the step it showed, with the weights recorded there.
    assert b.recording.steps[fresh.timeline.at] == 12
    np.testing.assert_array_equal(b.recording.weights[fresh.timeline.at], a.recording.weights[12])
    np.testing.assert_array_equal(
        fresh.board.traces("filters")[0]["z"], source.board.traces("filters")[0]["z"]
    )
    assert "Resumed from step 30." in fresh.status.value
    assert "loss 0." in fresh.status.value  # the last step's loss, not "not trained yet"
    fresh.step(1)  # and trains on from there
    assert b.n_steps == 31 and fresh.timeline.at is None


def copy_with(copy: bytes, **changes) -> bytes:
    """``copy`` with some of its arrays or its meta's entries replaced."""
    with np.load(io.BytesIO(copy)) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(str(arrays["meta"]))
    for key, value in changes.items():
        if key in arrays:
            arrays[key] = value
        else:
            meta[key] = value
    out = io.BytesIO()
    np.savez(out, **(arrays | {"meta": np.array(json.dumps(meta))}))
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("meta.npy", b"\0" * (MAX_BYTES + 1))
    return out.getvalue()


def bad_copies(copy: bytes) -> dict[str, tuple[bytes, str]]:
    """name -> (what the page sends back, a fragment of the refusal)."""
    with np.load(io.BytesIO(copy)) as f:
        w1 = f["W1"]
        meta = json.loads(str(f["meta"]))
    nan = w1.copy()
    nan[0, 0] = np.nan
    foreign = io.BytesIO()
    np.savez(foreign, a=np.arange(3))
    return {
        "random bytes": (np.random.default_rng(0).bytes(5000), "is not a saved run"),
        "truncated": (copy[: len(copy) // 2], "is not a saved run"),
        "foreign npz": (foreign.getvalue(), "no 'meta' entry"),
        "another format": (copy_with(copy, format="someone-else/3"), "unknown format"),
        "NaN weights": (copy_with(copy, W1=nan), "W1 contains NaN"),
        "wrong shape": (copy_with(copy, W1=w1[:, :3]), "W1 has shape"),
        "too large": (b"\0" * (MAX_BYTES + 1), "over the 8 MB a copy may take"),
        "zip bomb": (zip_bomb(), "would unpack to"),
        "bad recording": (
            copy_with(copy, recording_steps=np.arange(31)[::-1]),
            "recording_steps must rise",
        ),
        "bad unit": (copy_with(copy, view=meta["view"] | {"unit": 99}), "unit=99"),
        "bad shown": (copy_with(copy, view=meta["view"] | {"shown": 31}), "shown=31"),
        "bad rho": (copy_with(copy, params=meta["params"] | {"rho": 2.0}), "rho=2.0"),
    }


def test_a_corrupt_or_foreign_copy_is_refused_saying_why_and_nothing_changes(make_explorer):
    copy = trained(make_explorer())
    app = make_explorer(rho=0.2)
    app.step(4)
    before = (app.session.model.theta_.copy(), app.session.n_steps, app.value)
    for name, (bad, why) in bad_copies(copy).items():
        sent = talk(app.board)
        say(app.board, {"type": "restore"}, [memoryview(bad)])
        ((answer, _),) = of(sent, "sae-refused")
        assert why in answer["message"], (name, answer["message"])
        assert "could not be restored" in app.status.value, name
        theta, steps, shown = before
        assert app.session.model.theta_.tobytes() == theta.tobytes(), name
        assert app.session.n_steps == steps and app.value == shown, name
    say(app.board, {"type": "restore"}, [memoryview(copy)])  # a good one still restores
    assert app.session.n_steps == 30


def test_a_run_on_the_students_own_images_is_refused_where_they_are_not() -> None:
    base = datasets.load("natural-patches", n_samples=300, random_state=0)
    own = datasets.Dataset("your-images", base.X.copy(), base.image_shape, "uploaded")
    source = Explorer(own)
    copy = trained(source, steps=3)
    app = Explorer(n_samples=300)
    sent = talk(app.board)
    say(app.board, {"type": "restore"}, [memoryview(copy)])
    ((answer, _),) = of(sent, "sae-refused")
    assert "trained on the data set 'your-images'" in answer["message"]
    assert app.session.n_steps == 0


# ---------------------------------------------------------------------------- the bound
def big_session(steps: int = 40) -> Session:
    """784-196-784 as the dashboard trains it (float32), on synthetic 28×28 images."""
    X = np.random.default_rng(0).uniform(0.1, 0.9, (300, 784))
    own = datasets.Dataset("big", X, (28, 28), "synthetic")
    session = Session(own, None, 0, n_hidden=196, dtype="float32", optimizer="sgd")
    session.step(steps)
    return session


def test_a_784_196_copy_keeps_the_run_and_only_the_recorded_step_shown() -> None:
    session = big_session()
    assert len(session.recording) > 20  # ~1.2 MB each: far over the recording's budget
    live = read_checkpoint(io.BytesIO(page_copy(session, {"shown": None})))
    assert live.recording_steps == []  # not even step 0 fits in RECORDING_BYTES
    assert live.n_steps == 40 and len(live.terms["total"]) == 40
    copy = page_copy(session, {"shown": 16})
    assert len(copy) <= MAX_BYTES
    assert read_checkpoint(io.BytesIO(copy)).recording_steps == [16]  # the step shown


def test_a_64_25_copy_keeps_the_recording_evenly_thinned_within_its_budget(make_explorer):
    session = make_explorer(optimizer="sgd", steps=400).session
    each = session.model.theta_.nbytes
    assert session.recording.nbytes() > RECORDING_BYTES
    saved = read_checkpoint(io.BytesIO(page_copy(session, {"shown": 3})))
    steps = saved.recording_steps
    assert each * len(steps) <= RECORDING_BYTES + each  # the budget, and the step shown
    assert len(steps) >= RECORDING_BYTES // each // 2  # thinned by halves: at least half full
    assert 3 in steps and 0 in steps
    assert len(set(np.diff([s for s in steps if s != 3]))) == 1  # evenly spaced


def test_a_run_too_long_to_keep_is_said_once_and_not_sent(make_explorer, monkeypatch):
    app = make_explorer()
    sent = watched(app)
    monkeypatch.setattr(keeper, "MAX_BYTES", 2**15)  # a run of any length is "too long"
    app.step(1)
    app.keeper.send()
    assert [c["step"] for c, _ in of(sent, "sae-keep")] == [0]  # the hello's, none since
    assert "too long for the page to keep a copy" in app.status.value
    app.status.value = ""
    app.keeper.send()
    assert app.status.value == ""  # said once


# ---------------------------------------------------------------------------- when copies go
def test_copies_go_while_the_run_changes_at_most_every_few_seconds(app):
    clock = FakeClock()
    app.keeper = Keeper(app, app.board, clock)
    sent = talk(app.board)
    app.step(1)
    assert of(sent, "sae-keep") == []  # no page yet: nothing to keep it
    say(app.board, {"type": "hello"})
    assert len(of(sent, "sae-keep")) == 1  # a page: it gets a copy at once
    app.controls["unit"].value = 2
    app.step(1)
    assert len(of(sent, "sae-keep")) == 1  # within KEEP_SECONDS: waits
    clock.now += keeper.KEEP_SECONDS
    app.controls["unit"].value = 1
    assert len(of(sent, "sae-keep")) == 2
    clock.now += 1.0
    app.keeper.flush()  # at a step or a pause: at once, if anything changed
    assert len(of(sent, "sae-keep")) == 2  # nothing did
    app.step(1)  # changes, and flushes
    (content, _), *_ = reversed(of(sent, "sae-keep"))
    assert len(of(sent, "sae-keep")) == 3 and content["step"] == 3


def test_large_or_slow_copies_go_less_often(app, monkeypatch):
    clock = FakeClock()
    app.keeper = Keeper(app, app.board, clock, cpu=clock)
    watched(app)
    build = keeper.page_copy

    def slow(*args):
        clock.now += 0.5
        return build(*args)

    monkeypatch.setattr(keeper, "page_copy", slow)
    app.keeper.send()
    assert app.keeper._interval == pytest.approx(keeper.KEEP_SHARE * 0.5)  # 1/20 of the time
    monkeypatch.setattr(keeper, "page_copy", lambda *a: b"\0" * 4 * keeper.KEEP_RATE)
    app.keeper.send()
    assert app.keeper._interval == pytest.approx(4.0)  # KEEP_RATE bytes a second


def test_copies_go_on_their_own_while_playing(make_explorer):
    app = make_explorer()
    sent = watched(app)
    copies = lambda: of(sent, "sae-keep")  # noqa: E731

    async def scenario() -> None:
        app.controls["play"].value = True
        while app.session.n_steps < 5:
            await asyncio.sleep(0.01)
            app.board._drawn({"seq": app.board._encoder.seq})  # a page drawing every frame
        app.controls["play"].value = False
        await app._task
        while app.keeper._timer:  # the pause's copy, when the bandwidth bound allows
            await asyncio.sleep(0.05)

    asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    (content, _), *_ = reversed(copies())
    assert content["step"] == app.session.n_steps  # the pause sent the latest


# ---------------------------------------------------------------------------- the heartbeat
def test_pings_are_answered_with_how_long_the_kernel_may_be_silent(app):
    sent = talk(app.board)
    say(app.board, {"type": "ping", "n": 7})
    assert of(sent, "sae-pong") == [({"type": "sae-pong", "n": 7, "quiet": 0.0}, [])]
    app._quiet(0.4)
    app._quiet(0.1)  # a shorter stretch: the longer one is remembered, fading
    say(app.board, {"type": "ping", "n": 8})
    assert of(sent, "sae-pong")[-1][0]["quiet"] == pytest.approx(0.38)
    app._quiet(0.0)  # paused: nothing keeps the kernel from answering
    say(app.board, {"type": "ping", "n": 9})
    assert of(sent, "sae-pong")[-1][0]["quiet"] == 0.0


def test_a_page_back_from_a_dropped_connection_is_not_waited_on(app):
    """Frames sent while the connection was down are never acknowledged: a page that comes
    back says hello, and the play loop may send the next frame at once."""
    clock = FakeClock()
    app.pacer = pacing.FramePacer(clock)
    talk(app.board)
    for _ in range(pacing.MAX_IN_FLIGHT):
        app.step(1)
        app.pacer.sent(0.0, app.in_flight())
    clock.now += 1.0
    assert not app.pacer.due()  # three frames lost in the blip, waited for
    say(app.board, {"type": "hello"})
    assert app.in_flight() == 1  # only the hello's own frame, which the page will answer
    assert app.pacer.due()
