"""The recording of a run: weights at evenly spaced steps, bounded in count and in bytes, and
what a scrubbed-back snapshot shows."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.figures import snapshot
from explorer.figures.mosaic import filter_mosaic
from explorer.training import TERMS, History, Session
from explorer.training.checkpoint import read_checkpoint, save_session
from explorer.training.recording import MAX_BYTES, MAX_SNAPSHOTS, Recording


def test_snapshots_stay_evenly_spaced_and_bounded_as_a_run_grows():
    rec = Recording(max_snapshots=8)
    theta = np.zeros(3)
    for step in range(0, 1000):
        rec.record(step, theta + step)
        assert len(rec) < 8
        gaps = set(np.diff(rec.steps))
        assert gaps == {rec.stride} or len(rec) == 1  # evenly spaced
        assert rec.steps[0] == 0
    assert rec.stride == 256 and rec.steps == [0, 256, 512, 768]
    for step, weights in zip(rec.steps, rec.weights, strict=True):
        assert weights[0] == step  # each holds the weights of its own step


def test_the_historys_rho_hat_snapshots_are_kept_as_the_weights_are():
    # One mechanism (training.thinned): the same steps kept for the same bound, and a
    # rollback to step n keeps the weights after n steps but only the ρ̂ measured before.
    history, rec = History(max_snapshots=8), Recording(max_snapshots=8)
    terms = dict.fromkeys(TERMS, 0.0)
    for step in range(1000):
        history.record(terms, np.full(2, step))
        rec.record(step, np.full(2, step))
    assert history.snapshot_steps == rec.steps == [0, 256, 512, 768]
    assert history.stride == rec.stride == 256
    history.truncate(512)
    rec.truncate(512)
    assert history.snapshot_steps == [0, 256] and rec.steps == [0, 256, 512]
    assert [r[0] for r in history.snapshots] == [0, 256] and len(history) == 512
    rec.record(512, np.zeros(2))  # kept already: not again
    rec.record(768, np.zeros(2))
    assert rec.steps == [0, 256, 512, 768]


def test_the_byte_budget_bounds_large_networks():
    big = np.zeros(2 * 784 * 196 + 196 + 784, dtype=np.float32)  # 784-196-784
    small = np.zeros(2 * 64 * 25 + 25 + 64, dtype=np.float32)  # 64-25-64
    assert Recording().capacity(small) == MAX_SNAPSHOTS
    assert Recording().capacity(big) == MAX_BYTES // big.nbytes == 34
    rec = Recording()
    for step in range(2000):
        rec.record(step, big)
    assert len(rec) < 34 and rec.nbytes() <= MAX_BYTES


def test_a_session_records_its_weights_and_forgets_a_rolled_back_future():
    session = Session("bars", 100, 0, n_hidden=6, optimizer="sgd", learning_rate=0.5)
    first = session.model.theta_.copy()
    session.step(20)
    rec = session.recording
    assert rec.steps == list(range(21))
    np.testing.assert_array_equal(rec.weights[0], first)
    np.testing.assert_array_equal(rec.weights[-1], session.model.theta_)
    session.reset()
    assert rec.steps == [0]
    session.set_params(learning_rate=1e6)  # diverges: rolled back
    report = session.step(50)
    assert report.diverged
    # Nothing after the step rolled back to; that step itself holds the weights kept.
    assert rec.steps == list(range(session.n_steps + 1))
    np.testing.assert_array_equal(rec.weights[-1], session.model.theta_)


def test_a_snapshot_at_a_recorded_step_shows_exactly_its_weights():
    session = Session("natural-patches", 500, 0, dtype="float32")
    session.step(30)
    at = 10
    snap = snapshot(session, unit=3, at=at)
    weights = session.recording.weights[at]
    model = session.model
    W1 = weights[: model.n_features_in_ * model.n_hidden].reshape(model.n_features_in_, -1)
    np.testing.assert_array_equal(snap.components, W1.T)
    expected = filter_mosaic(W1.T.astype(np.float64), (8, 8))
    np.testing.assert_array_equal(filter_mosaic(snap.components, (8, 8)), expected)
    # The loss up to there, and the unit's ρ̂ history up to there.
    assert len(snap.loss_terms["total"]) == at and snap.loss_steps[-1] == at - 1
    assert snap.unit_steps.max() < at
    live = snapshot(session, unit=3)
    assert len(live.loss_terms["total"]) == 30
    assert not np.array_equal(live.components, snap.components)


@pytest.mark.parametrize("at", [0, -1])
def test_the_ends_of_the_recording(at):
    session = Session("bars", 100, 0, n_hidden=6)
    session.step(5)
    snap = snapshot(session, at=at)
    if at == 0:
        assert len(snap.loss_terms["total"]) == 0
    else:
        np.testing.assert_array_equal(snap.components, snapshot(session).components)


def test_a_thinned_copy_fits_its_budget_evenly_spaced_and_keeps_the_step_shown():
    rec = Recording(max_snapshots=1000)
    theta = np.zeros(100)  # 800 bytes a snapshot
    for step in range(301):
        rec.record(step, theta)
    steps, stride = rec.thinned(8_000)  # room for 10
    assert steps == list(range(0, 301, 32)) and stride == 32  # halved until it fits
    steps, _ = rec.thinned(8_000, keep=45)
    assert 45 in steps and len(steps) == 11  # the step a timeline shows, whatever it costs
    assert rec.thinned(700) == ([], 512)  # not even step 0 fits
    assert rec.thinned(700, keep=7)[0] == [7]
    assert rec.thinned(10**6) == (rec.steps, 1)  # all of it fits: all of it


def test_a_session_file_with_part_of_the_recording_brings_it_back(tmp_path):
    session = Session("bars", 100, 0, n_hidden=6, optimizer="sgd", learning_rate=0.5)
    session.step(20)
    path = tmp_path / "copy.npz"
    save_session(session, path, recorded=([0, 8, 16], 8), view={"shown": 8}, compressed=False)
    saved = read_checkpoint(path)
    assert saved.recording_steps == [0, 8, 16] and saved.view == {"shown": 8}
    other = Session("bars", 100, 0, n_hidden=6, optimizer="sgd", learning_rate=0.5)
    other.load(saved)  # a Checkpoint already read, as the dashboard's keeper passes it
    assert other.recording.steps == [0, 8, 16] and other.recording.stride == 8
    for step, weights in zip(other.recording.steps, other.recording.weights, strict=True):
        np.testing.assert_array_equal(weights, session.recording.weights[step])
    other.step(4)  # records on at its stride: step 24
    assert other.recording.steps == [0, 8, 16, 24]
    session.save(path)  # a plain save holds no recording: it starts at the file's step
    other.load(path)
    assert other.recording.steps == [20] and read_checkpoint(path).view == {}
