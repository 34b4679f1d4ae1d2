"""The loss history stays bounded however long a run grows: every step's terms while the run is
short, then evenly spaced steps and always the latest; what the views draw, session files and
the CSV export follow it."""

from __future__ import annotations

import io

import numpy as np

from explorer.figures import snapshot
from explorer.training import TERMS, History, Session
from explorer.training import session as session_module
from explorer.training.checkpoint import read_checkpoint


def terms(step: int) -> dict[str, float]:
    return {name: float(step) + k / 10 for k, name in enumerate(TERMS)}


def test_terms_are_kept_at_evenly_spaced_steps_and_the_latest():
    history = History(max_steps=8)
    for step in range(30):
        history.record(terms(step), np.zeros(2))
        assert len(history.steps) <= 8 and history.steps[-1] == step  # bounded, latest in
        assert len(history) == step + 1
    assert history.steps == [0, 8, 16, 24, 29] and history.terms_stride == 8
    assert history.terms["total"] == [0.3, 8.3, 16.3, 24.3, 29.3]
    steps, at = history.at(np.array([0, 4]))
    assert steps.tolist() == [0, 29] and at["reconstruction"].tolist() == [0.0, 29.0]
    assert history.before(16) == 2 and history.before(30) == 5
    assert history.to_csv().splitlines()[1:3] == ["0,0.0,0.1,0.2,0.3", "8,8.0,8.1,8.2,8.3"]


def test_a_truncated_history_goes_on_from_where_it_was_cut():
    history = History(max_steps=8)
    for step in range(30):
        history.record(terms(step), np.zeros(2))
    history.truncate(25)  # step 24 is kept: it is the latest
    assert len(history) == 25 and history.steps == [0, 8, 16, 24]
    history.truncate(23)  # step 22 was not kept: the latest is known again at the next step
    assert len(history) == 23 and history.steps == [0, 8, 16]
    history.record(terms(23), np.zeros(2))
    assert history.steps == [0, 8, 16, 23] and len(history) == 24


def small_session(**params) -> Session:
    session = Session("bars", 100, 0, n_hidden=6, optimizer="sgd", learning_rate=0.5, **params)
    session.history = History(max_steps=16)
    return session


def test_a_long_run_keeps_a_bounded_history_that_files_and_views_follow():
    session = small_session()
    session.step(100)
    history = session.history
    assert len(history) == 100 and len(history.steps) <= 16 and history.steps[-1] == 99
    snap = snapshot(session)  # the loss view draws the steps kept, up to the latest
    assert snap.loss_steps.tolist() == history.steps
    assert snap.loss_terms["total"].tolist() == history.terms["total"]
    file = io.BytesIO()
    session.save(file)
    file.seek(0)
    saved = read_checkpoint(file)
    assert saved.term_steps == history.steps and saved.n_steps == 100
    other = small_session()
    file.seek(0)
    other.load(file)
    assert other.history.steps == history.steps and other.history.terms == history.terms
    assert other.history.terms_stride == history.terms_stride
    session.step(20)
    other.step(20)  # both keep the same steps from there on
    assert other.history.steps == session.history.steps


def test_a_file_from_before_the_history_was_thinned_holds_every_step(tmp_path):
    session = Session("bars", 100, 0, n_hidden=6, optimizer="sgd", learning_rate=0.5)
    session.step(5)
    session.save(tmp_path / "new.npz")
    with np.load(tmp_path / "new.npz") as f:
        arrays = {k: f[k] for k in f.files if k != "terms_steps"}  # as files were written
    np.savez(tmp_path / "old.npz", **arrays)
    other = Session("bars", 100, 0, n_hidden=6, optimizer="sgd", learning_rate=0.5)
    other.load(tmp_path / "old.npz")
    assert other.history.steps == [0, 1, 2, 3, 4] and other.history.terms == session.history.terms


def test_the_models_loss_curve_keeps_the_latest_steps_and_rolls_back_with_them(monkeypatch):
    monkeypatch.setattr(session_module, "MAX_STEPS", 8)
    session = small_session()
    session.step(40)
    curve = session.model.loss_curve_
    assert 8 <= len(curve) <= 16  # bounded
    assert curve[-1] == session.history.terms["total"][-1]  # the latest step's total
    latest = list(curve)
    session._restore(session.model.theta_, 38)  # as a rollback of two steps does
    assert session.model.loss_curve_ == latest[:-2] and session.n_steps == 38
