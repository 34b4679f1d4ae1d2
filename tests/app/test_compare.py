"""A/B mode without a browser: two runs on the same data and seed, views paired."""

from __future__ import annotations

import html

import numpy as np
import pytest

from explorer import Explorer
from explorer.app import pacing
from explorer.app.compare import PAIRED, RUNS, Comparison
from explorer.app.live import LiveDashboard


@pytest.fixture
def ab() -> Comparison:
    return Comparison(a={"rho": 0.01}, b={"rho": 0.1}, n_samples=1000, random_state=3)


def test_both_runs_share_data_and_initial_weights(ab: Comparison) -> None:
    a, b = ab.sessions["A"], ab.sessions["B"]
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.model.theta_, b.model.theta_)
    assert a.model.rho == 0.01 and b.model.rho == 0.1
    differing = {k for k in a.get_params() if a.get_params()[k] != b.get_params()[k]}
    assert differing == {"rho"}


def test_views_are_paired_and_each_row_draws_its_own_run(ab: Comparison) -> None:
    ab.step(30)
    assert set(ab.boards) == {"A", "B"}
    for run, rho in (("A", 0.01), ("B", 0.1)):
        session, board = ab.sessions[run], ab.boards[run]
        assert {v["name"] for v in board.views} == set(PAIRED)
        assert all(v["title"].startswith(f"{run}: ") for v in board.views)
        assert board.traces("kl")[2]["x"].tolist() == [np.float32(rho)]  # the target star
        bars = board.traces("activations")[0]["y"]
        np.testing.assert_allclose(bars, np.clip(session.model.rho_hat_, 1e-4, 1), rtol=1e-6)
        assert len(board.traces("loss")[0]["y"]) == 30
        for name in PAIRED:
            assert board.traces(name)
    # The lesson of this pair: each run's mean activation settles near its own ρ.
    mean_a = ab.sessions["A"].model.rho_hat_.mean()
    mean_b = ab.sessions["B"].model.rho_hat_.mean()
    assert mean_a < 0.03 < 0.06 < mean_b


def test_the_status_line_says_each_runs_loss_as_the_explorer_says_its_own(ab) -> None:
    status = html.unescape(ab.status.value)
    assert status.count("not trained yet") == 2
    ab.step(2)
    status = html.unescape(ab.status.value)
    for session in ab.sessions.values():
        t = session.model.last_terms_
        assert (
            f"loss {t['total']:.4f} = reconstruction {t['reconstruction']:.4f} "
            f"+ β·Ω {t['sparsity']:.4f} + weight decay {t['weight_decay']:.4f}"
        ) in status
    app = Explorer(dataset="bars", n_samples=200)
    app.step(1)
    assert LiveDashboard._loss_text(app.session) in html.unescape(app.status.value)


def test_a_run_control_changes_only_its_run(ab: Comparison) -> None:
    ab.step(2)
    ab.run_controls["B"]["penalty"].value = "l1"
    ab.run_controls["A"]["beta"].value = 0.0
    assert ab.sessions["A"].model.penalty == "kl" and ab.sessions["B"].model.penalty == "l1"
    assert ab.sessions["A"].model.beta == 0.0 and ab.sessions["B"].model.beta == 3.0
    assert [s.n_steps for s in ab.sessions.values()] == [2, 2]  # live: nothing restarted


def test_a_shared_control_restarts_both_runs_with_equal_weights(ab: Comparison) -> None:
    ab.step(2)
    ab.controls["n_hidden"].value = 9
    a, b = ab.sessions["A"], ab.sessions["B"]
    assert a.model.n_hidden == b.model.n_hidden == 9 and a.n_steps == b.n_steps == 0
    np.testing.assert_array_equal(a.model.theta_, b.model.theta_)
    assert b.model.rho == 0.1  # B keeps its own setting
    assert "restarted run A and B" in ab.status.value


def test_bad_values_are_refused_and_change_nothing(ab: Comparison) -> None:
    with pytest.raises(Exception, match=r"rho=5.0 is not allowed: rho must be"):
        ab.run_controls["A"]["rho"].value = 5
    assert ab.sessions["A"].model.rho == 0.01
    assert "rho=5.0 is not allowed" in ab.status.value
    with pytest.raises(ValueError, match="rho=2"):
        Comparison(b={"rho": 2.0}, n_samples=200)


def test_divergence_in_one_run_is_reported_by_name() -> None:
    ab = Comparison(b={"learning_rate": 1e4}, optimizer="sgd", n_samples=500)
    report = ab._train(20)
    assert report.diverged and report.message.startswith("Run B: Training diverged")
    assert not ab.sessions["A"].message


def test_a_page_snapping_a_run_value_to_its_slider_grid_changes_nothing() -> None:
    ab = Comparison(a={"rho": 0.05}, n_samples=300)  # e.g. from a link: a.rho=0.05
    ab.run_controls["A"]["rho"].set_state({"value": 10 ** (-3 + 170 * 0.01)})  # the echo
    assert ab.sessions["A"].model.rho == 0.05
    ab.run_controls["A"]["rho"].value = 10 ** (-3 + 171 * 0.01)  # one step on: the user's
    assert ab.sessions["A"].model.rho == pytest.approx(0.0513, rel=1e-3)


def test_the_pacer_hears_a_frame_drawn_once_both_runs_drew_it(ab: Comparison) -> None:
    now = [100.0]
    ab.pacer = pacing.FramePacer(lambda: now[0])
    for _ in range(pacing.MAX_IN_FLIGHT):
        ab.step(1)  # a frame for each run's board
    ab.pacer.sent(cost=0.0, in_flight=ab.in_flight())
    now[0] += 1.0
    assert ab._awaiting == {"A", "B"} and not ab.pacer.due()
    for run in RUNS:
        assert not ab.pacer.due()  # until both pages have drawn their frames
        board = ab.boards[run]
        board._on_page_message(board, {"type": "drawn", "seq": board._encoder.seq}, [])
    assert ab.pacer.due() and not ab._awaiting
