"""Frames for the page (figures.frames): only what changed, as float32 buffers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from explorer.figures import VIEWS, FrameEncoder, Snapshot, snapshot, view_state
from explorer.training import Session


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    session = Session("bars", n_samples=200, random_state=0)
    session.step(3)
    return snapshot(session, unit=2)


def states_of(snap: Snapshot) -> dict[str, dict]:
    return {view.name: view_state(view, snap) for view in VIEWS}


def decoded(buffers: list[bytes], ref: dict) -> np.ndarray:
    """An array of a frame, as the page reads it."""
    return np.frombuffer(buffers[ref["buffer"]], np.float32).reshape(ref["shape"])


def test_a_second_frame_of_an_unchanged_state_is_none(snap: Snapshot) -> None:
    encoder = FrameEncoder()
    assert encoder.encode(states_of(snap)) is not None
    assert encoder.encode(states_of(snap)) is None  # the same state, computed afresh
    assert encoder.seq == 1  # nothing sent, nothing counted


def test_changing_one_array_sends_that_array_alone(snap: Snapshot) -> None:
    encoder = FrameEncoder()
    encoder.encode(states_of(snap))
    total = snap.loss_terms["total"] * 2.0
    changed = dataclasses.replace(snap, loss_terms=snap.loss_terms | {"total": total})
    content, buffers = encoder.encode(states_of(changed))
    assert content["seq"] == 2
    assert list(content["views"]) == ["loss"]  # no other view changed
    part = content["views"]["loss"]
    assert "reset" not in part and "caption" not in part and "layout" not in part
    first, *others = part["traces"]
    assert list(first) == ["y"] and others == [{}, {}, {}]  # the total line's y, nothing else
    assert len(buffers) == 1
    np.testing.assert_array_equal(decoded(buffers, first["y"]), total.astype(np.float32))


def test_a_changed_layout_sends_the_layout_alone(snap: Snapshot) -> None:
    encoder = FrameEncoder()
    encoder.encode(states_of(snap))
    loss = next(v for v in VIEWS if v.name == "loss")
    states = states_of(snap) | {"loss": view_state(loss, snap, {"yaxis": {"type": "linear"}})}
    content, buffers = encoder.encode(states)
    assert content["views"] == {"loss": {"layout": states["loss"]["layout"]}}
    assert content["views"]["loss"]["layout"]["yaxis"]["type"] == "linear"
    assert buffers == []


def test_after_forget_the_next_frame_carries_everything_afresh(snap: Snapshot) -> None:
    encoder = FrameEncoder()
    states = states_of(snap)
    encoder.encode(states)
    assert encoder.encode(states) is None
    encoder.forget()  # e.g. the page was reloaded
    content, buffers = encoder.encode(states)
    assert set(content["views"]) == {view.name for view in VIEWS}
    n_arrays = 0
    for name, part in content["views"].items():
        assert part["reset"] is True
        assert part["caption"] == states[name]["caption"]
        assert part["layout"] == states[name]["layout"]
        assert len(part["traces"]) == len(states[name]["traces"])
        for entry, trace in zip(part["traces"], states[name]["traces"], strict=True):
            assert entry["style"] == trace["style"]
            assert set(entry) - {"style"} == set(trace["arrays"])
            n_arrays += len(trace["arrays"])
    assert len(buffers) == n_arrays


def test_the_buffers_decode_to_the_state_arrays(snap: Snapshot) -> None:
    states = states_of(snap)
    content, buffers = FrameEncoder().encode(states)
    for name, part in content["views"].items():
        for entry, trace in zip(part["traces"], states[name]["traces"], strict=True):
            for key, array in trace["arrays"].items():
                assert array.dtype == np.float32
                got = decoded(buffers, entry[key])
                assert len(buffers[entry[key]["buffer"]]) == 4 * array.size
                np.testing.assert_array_equal(got, array)  # NaN (padding) included
    # And the state arrays are what the views drew, to float32 precision.
    bars = states["activations"]["traces"][0]["arrays"]["y"]
    np.testing.assert_allclose(bars, np.clip(snap.rho_hat, 1e-4, 1), rtol=1e-6)
    filters = states["filters"]["traces"][0]["arrays"]["z"]
    assert np.isnan(filters).any() and not np.isnan(filters).all()


def test_only_a_frame_carrying_every_view_whole_says_full(snap: Snapshot) -> None:
    """The page starts from a full frame only: a diff sent before it asked for everything
    builds on a state it never had."""
    encoder = FrameEncoder()
    first, _ = encoder.encode(states_of(snap))
    assert first["full"] and all(part.get("reset") for part in first["views"].values())
    moved = dataclasses.replace(snap, rho_hat=snap.rho_hat * 0.5)
    diff, _ = encoder.encode(states_of(moved))
    assert not diff["full"]
    encoder.forget()
    again, _ = encoder.encode(states_of(moved))
    assert again["full"] and set(again["views"]) == {v.name for v in VIEWS}
