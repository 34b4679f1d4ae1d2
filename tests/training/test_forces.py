"""explorer.training.forces: the gradient a step followed is measured where the optimiser
measured it (its start weights, its batch), the update is the one it made, recorded steps are
measured at their weights, and the force history stays bounded and follows rewinds."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.training import Session
from explorer.training.force_history import ForceHistory
from explorer.training.forces import encoder_weights, measure

SMALL = {"dataset": "bars", "n_samples": 100, "n_hidden": 8, "rho": 0.1, "random_state": 0}


def test_sgd_without_momentum_moves_by_minus_the_learning_rate_times_the_gradient():
    """ΔW1 = −η·∂L̂/∂W1 on the step's own mini-batch at its start weights: a gradient measured
    on other inputs or at other weights would not match."""
    session = Session(**SMALL, optimizer="sgd", momentum=0.0, learning_rate=0.5, batch_size=10)
    session.step(3)
    forces = measure(session)
    assert forces.step == 2 and forces.batch and forces.gradient.n_samples == 10
    np.testing.assert_allclose(forces.update, -0.5 * forces.gradient.total, rtol=1e-12)
    whole = session.model.encoder_gradient(session.X, session.last_step[0])
    assert not np.allclose(forces.update, -0.5 * whole.total, rtol=1e-3)
    # Its ρ̂ is the one the step saw, which the penalty view draws.
    np.testing.assert_allclose(forces.gradient.rho_hat, session.model.rho_hat_, rtol=1e-12)


def test_lbfgs_first_step_goes_down_the_whole_batch_gradient():
    session = Session(**SMALL)
    session.step(1)
    forces = measure(session)
    assert not forces.batch and forces.gradient.n_samples == session.X.shape[0]
    # L-BFGS's first direction is the negative gradient, scaled: ΔW1 ∥ −∂L̂/∂W1.
    u, g = forces.update.ravel(), forces.gradient.total.ravel()
    assert u @ -g / (np.linalg.norm(u) * np.linalg.norm(g)) == pytest.approx(1.0, abs=1e-12)


def test_before_the_first_step_and_after_a_rewind_there_is_no_update():
    session = Session(**SMALL)
    fresh = measure(session)
    assert fresh.step == 0 and fresh.update is None and not fresh.batch
    np.testing.assert_array_equal(
        fresh.gradient.total, session.model.encoder_gradient(session.X).total
    )
    session.step(4)
    assert measure(session).update is not None
    session.rewind(2)
    assert session.last_step == (None, None)
    assert measure(session).step == 2 and measure(session).update is None


def test_a_recorded_step_is_measured_at_its_weights_on_all_inputs():
    session = Session(**SMALL)
    session.step(5)
    rec = session.recording
    forces = measure(session, at=2)
    assert forces.step == rec.steps[2] == 2 and forces.update_steps == 1
    expected = session.model.encoder_gradient(session.X, rec.weights[2])
    np.testing.assert_array_equal(forces.gradient.total, expected.total)
    moved = encoder_weights(session.model, rec.weights[3]) - encoder_weights(
        session.model, rec.weights[2]
    )
    np.testing.assert_array_equal(forces.update, moved)
    assert measure(session, at=len(rec) - 1).update is None  # no later step recorded
    assert len(session.force_history) == 0  # the history is the latest steps' only


def test_a_sparse_recording_gives_the_mean_update_per_step():
    session = Session(**SMALL)
    session.recording.max_snapshots = 4
    session.step(12)
    rec = session.recording
    assert rec.stride > 1
    forces = measure(session, at=0)
    assert forces.update_steps == rec.steps[1]
    whole = encoder_weights(session.model, rec.weights[1] - rec.weights[0])
    np.testing.assert_allclose(forces.update * forces.update_steps, whole, rtol=1e-12)


def test_the_force_history_records_each_measured_step_and_follows_a_rewind():
    session = Session(**SMALL, beta=3.0)
    measure(session)  # step 0, at the current weights: replaced by the first step's
    for _ in range(4):
        session.step(1)
        forces = measure(session)
    history = session.force_history
    assert history.steps == [0, 1, 2, 3]
    steps, recon, sparse = history.unit(5)
    assert steps.tolist() == history.steps
    np.testing.assert_allclose(recon[-1], forces.gradient.norms("reconstruction")[5])
    np.testing.assert_allclose(sparse[-1], forces.gradient.norms("sparsity")[5])
    assert history.unit(5, until=1)[0].tolist() == [0, 1]
    # Measured again at the same step under another β: the newest measurement stays.
    session.set_params(beta=0.0)
    measure(session)
    assert history.steps == [0, 1, 2, 3] and history.unit(5)[2][-1] == 0.0
    session.rewind(2)
    assert history.steps == [0, 1, 2]
    session.reset()
    assert len(history) == 0


def test_the_force_history_is_bounded_and_keeps_the_newest():
    session = Session(**SMALL)
    gradient = measure(session).gradient
    history = ForceHistory(max_points=8)
    for step in range(100):
        history.record(step, gradient)
        assert len(history) <= 8 and history.steps[-1] == step
    gaps = np.diff(history.steps)
    assert gaps[:-1].min() >= history.stride // 2 and gaps.max() <= 4 * history.stride  # spread out
