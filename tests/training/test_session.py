"""Tests for explorer.training.Session: learning real structure, stepping, live parameters,
the divergence guard and checkpoints."""

from __future__ import annotations

import io
import json
import re
import zipfile

import numpy as np
import pytest

from explorer.core import kl_divergence
from explorer.training import Session
from explorer.training.presets import preset
from explorer.training.session import STUCK_STEPS, StepReport

SMALL = {"dataset": "bars", "n_samples": 100, "n_hidden": 8, "rho": 0.1}


def small_session(**params):
    return Session(**({"random_state": 0} | SMALL | params))


def snapshot(session):
    """Everything a failed call must leave alone."""
    return {
        "params": session.get_params(),
        "theta": session.model.theta_.copy(),
        "n_steps": session.n_steps,
        "history": {k: list(v) for k, v in session.history.terms.items()},
        "X": session.X.copy(),
    }


def assert_unchanged(session, before):
    assert session.get_params() == before["params"]
    np.testing.assert_array_equal(session.model.theta_, before["theta"])
    assert session.n_steps == before["n_steps"]
    assert session.history.terms == before["history"]
    np.testing.assert_array_equal(session.X, before["X"])


# --------------------------------------------------------------------------- real structure
def cosine(a, b):
    """Cosine similarity of every row of ``a`` with every row of ``b``."""
    a = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-300)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


# Threshold for "this filter is that bar": the cosine between a filter's positive part and
# the bar's 8-pixel mask. 0.9 means at least 81 % of the positive part's energy lies along
# the bar. A filter covering two parallel bars scores at most 1/√2 ≈ 0.71 and two crossing
# bars (15 pixels) 8/√120 ≈ 0.73, so 0.9 demands a single bar; random initial filters reach
# about 0.5. Trained with the settings below, the worst-matched bar scores 0.998 (seed 0;
# ≥ 0.99 for seeds 0-7).
BAR_MATCH = 0.9


def best_bar_matches(session):
    filters = np.maximum(session.model.components_, 0.0)
    return cosine(filters, session.dataset.true_features).max(axis=0)  # one value per true bar


@pytest.fixture(scope="module")
def bars_session():
    session = Session("bars", n_samples=2000, random_state=0, n_hidden=20, rho=0.1, beta=3.0,
                      weight_decay=1e-4, optimizer="lbfgs")  # fmt: skip
    untrained = best_bar_matches(session)
    report = session.step(300)
    assert not report.diverged and session.n_steps == 300
    return session, untrained


def test_bars_every_true_bar_is_learned(bars_session):
    session, untrained = bars_session
    assert session.dataset.true_features.shape == (16, 64)
    matches = best_bar_matches(session)
    assert matches.shape == (16,)
    assert matches.min() > BAR_MATCH, np.round(matches, 3)
    # Without training (step 0, the same seed) the criterion fails, for most bars at once.
    assert untrained.max() < BAR_MATCH
    assert np.sum(untrained > BAR_MATCH) == 0
    assert abs(session.model.rho_hat_.mean() - 0.1) < 0.02


def orientation_selectivity(filters, shape=(8, 8)):
    """|Σ P(f)·e^{2iθ(f)}| / Σ P(f) over each filter's 2-D power spectrum P (DC removed).

    θ(f) is the direction of spatial frequency f; doubling it makes f and −f (the same
    orientation) add up. An edge or grating puts its power along one direction and scores
    near 1; a blob or white noise spreads it over all directions and scores near 0.
    """
    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.fftfreq(shape[1])[None, :]
    phase = np.exp(2j * np.arctan2(fy, fx))
    out = []
    for f in filters:
        power = np.abs(np.fft.fft2(f.reshape(shape) - f.mean())) ** 2
        power[0, 0] = 0.0
        out.append(abs(np.sum(power * phase)) / np.sum(power))
    return np.array(out)


# An oriented filter: selectivity > 0.5. Measured (seed 0, 400 L-BFGS steps): 24 of 25
# trained filters pass (median 0.92), 0 of 25 random initial filters (max 0.38).
ORIENTED = 0.5


@pytest.fixture(scope="module")
def patches_session():
    settings = preset("ufldl-patches")
    steps = settings.pop("steps")
    assert steps == 400 and settings["rho"] == 0.01 and settings["n_hidden"] == 25
    session = Session(random_state=0, **settings)
    initial = session.model.components_.copy()
    report = session.step(steps)
    assert not report.diverged and session.n_steps == steps
    return session, initial


def test_natural_patches_reach_the_target_sparsity(patches_session):
    session, _ = patches_session
    rho_hat = session.model.rho_hat_
    assert abs(rho_hat.mean() - 0.01) < 0.2 * 0.01
    assert np.all(rho_hat < 0.05)  # every unit is sparse, not just on average


def test_natural_patches_learn_oriented_filters(patches_session):
    session, initial = patches_session
    trained = orientation_selectivity(session.model.components_)
    untrained = orientation_selectivity(initial)
    assert np.mean(trained > ORIENTED) >= 0.8, np.round(np.sort(trained), 2)
    assert np.mean(untrained > ORIENTED) < 0.2, np.round(np.sort(untrained), 2)
    # The measure itself: a pure edge scores ~1, a centred blob ~0.
    yy, xx = np.mgrid[0:8, 0:8]
    edge = (xx >= 4).astype(float).ravel()
    blob = np.exp(-((xx - 3.5) ** 2 + (yy - 3.5) ** 2) / 4).ravel()
    assert orientation_selectivity(np.array([edge]))[0] > 0.95
    assert orientation_selectivity(np.array([blob]))[0] < 0.05


# --------------------------------------------------------------------------- stepping
def test_step_adds_history_entries():
    session = small_session()
    report = session.step(5)
    assert report.steps == 5 and not report.diverged and report.message == ""
    assert session.n_steps == 5 and len(session.history) == 5
    assert all(len(v) == 5 for v in session.history.terms.values())
    np.testing.assert_array_equal(session.history.array("total"), session.model.loss_curve_)
    session.step(3)
    assert session.n_steps == 8 and len(session.history) == 8
    steps, snapshots = session.history.rho_hat_matrix()
    assert snapshots.shape == (8, 8) and list(steps) == list(range(8))
    with pytest.raises(ValueError, match="n=0"):
        session.step(0)
    assert session.n_steps == 8


def test_reset_restores_step_zero_and_initial_weights():
    session = small_session()
    initial = session.model.theta_.copy()
    session.step(6)
    assert not np.array_equal(session.model.theta_, initial)
    session.reset()
    assert session.n_steps == 0 and len(session.history) == 0
    assert session.model.loss_curve_ == []
    np.testing.assert_array_equal(session.model.theta_, initial)
    # And training from there repeats the first run exactly.
    first = small_session()
    first.step(6)
    session.step(6)
    np.testing.assert_array_equal(session.model.theta_, first.model.theta_)


def test_same_seed_same_run_different_seed_different_run():
    a, b = small_session(random_state=3), small_session(random_state=3)
    c = small_session(random_state=4)
    for s in (a, b, c):
        s.step(20)
    np.testing.assert_array_equal(a.model.theta_, b.model.theta_)
    assert a.history.terms == b.history.terms
    assert not np.allclose(a.model.theta_, c.model.theta_)
    assert not np.array_equal(a.X, c.X)


# --------------------------------------------------------------------------- live parameters
def test_live_rho_change_does_not_reset_and_applies_next_step():
    session = small_session()
    session.step(3)
    theta = session.model.theta_.copy()
    assert session.set_params(rho=0.05) is False
    assert session.n_steps == 3 and session.get_params()["rho"] == 0.05
    np.testing.assert_array_equal(session.model.theta_, theta)
    rho_hat = session.model.transform(session.X).mean(axis=0)
    session.step(1)
    assert session.n_steps == 4
    expected = 3.0 * kl_divergence(0.05, rho_hat).sum()
    assert session.history.terms["sparsity"][-1] == pytest.approx(expected, rel=1e-12)
    # Setting the same value again is not a change.
    assert session.set_params(rho=0.05) is False and session.n_steps == 4


def test_beta_zero_switches_the_sparsity_term_off():
    session = small_session()
    session.step(2)
    assert session.set_params(beta=0.0) is False
    session.step(1)
    assert session.history.terms["sparsity"][-1] == 0.0
    assert session.history.terms["sparsity"][0] > 0.0


def test_shape_change_resets():
    session = small_session()
    session.step(3)
    assert session.set_params(n_hidden=10) is True
    assert session.n_steps == 0 and len(session.history) == 0
    assert session.model.params_["W1"].shape == (64, 10)
    assert session.model.rho_hat_.shape == (10,)
    session.step(2)
    assert session.n_steps == 2


def test_a_float32_session_keeps_its_data_once_in_float32():
    """The model trains on the data set's own array: no float64 original beside it (4.9 MB of
    10,000 patches in every dashboard's kernel)."""
    session = small_session(dtype="float32")
    assert session.dataset.X.dtype == np.float32
    assert session.X is session.dataset.X
    session.set_params(n_hidden=10)  # a reset keeps it so
    assert session.X is session.dataset.X
    # what it holds is the float64 data, rounded once
    full = small_session(dtype="float64")
    np.testing.assert_array_equal(session.X, full.X.astype(np.float32))


def test_another_dtype_loads_the_data_again_at_its_precision():
    session = small_session(dtype="float32")
    assert session.set_params(dtype="float64") is True
    np.testing.assert_array_equal(session.X, small_session(dtype="float64").X)
    assert session.X.dtype == np.float64 and session.X is session.dataset.X
    session.set_params(dtype="float32")
    assert session.X.dtype == np.float32 and session.X is session.dataset.X


def test_a_float64_file_restored_beside_a_float32_session_trains_on_float64_data(tmp_path):
    """``like``'s data serves a restored run only when it is precise enough for it."""
    run = small_session(dtype="float64")
    run.step(2)
    run.save(tmp_path / "run.npz")
    restored = Session.restore(tmp_path / "run.npz", like=small_session(dtype="float32"))
    assert restored.model.dtype == "float64"
    np.testing.assert_array_equal(restored.X, run.X)


def test_loading_data_gives_the_heap_it_freed_back(monkeypatch):
    """A load frees several times the data's size (``core.heap``): a seed change in a
    dashboard left up to 15 MB of free heap resident before."""
    from explorer.training import session as module

    trims = []
    monkeypatch.setattr(module, "trim", lambda: trims.append(1))
    session = small_session()
    assert trims == [1]
    session.set_params(random_state=1)
    assert trims == [1, 1]
    session.set_params(rho=0.2)  # no new data: nothing to give back
    assert trims == [1, 1]


def test_a_ready_data_set_in_the_model_dtype_is_shared_not_copied():
    """Sweeps and restores hand a session's data set to new sessions: they train on it."""
    session = small_session(dtype="float32")
    twin = Session(session.dataset, SMALL["n_samples"], 0, n_hidden=4, dtype="float32")
    assert twin.X is session.X


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"rho": 2}, "rho=2"),
        ({"rho": 0.05, "beta": -1}, "beta=-1"),  # a valid value next to a bad one
        ({"n_hidden": 0}, "n_hidden=0"),
        ({"optimizer": "adam", "batch_size": 0}, "batch_size=0"),
        ({"dataset": "nope"}, "dataset='nope' is not allowed"),
        ({"batch_size": 10}, r"batch_size=10.*lbfgs"),
    ],
)
def test_rejected_value_changes_nothing(change, pattern):
    session = small_session()
    session.step(2)
    before = snapshot(session)
    with pytest.raises(ValueError, match=pattern):
        session.set_params(**change)
    assert_unchanged(session, before)
    session.step(1)  # and the session still works
    assert session.n_steps == 3


# --------------------------------------------------------------------------- divergence guard
def weights_after(n_steps, **params):
    twin = small_session(**params)
    for _ in range(n_steps):
        assert not twin.step(1).diverged
    return twin.model.theta_.copy()


@pytest.mark.parametrize("learning_rate", [1e6, 1e3])
def test_divergence_is_rolled_back(learning_rate):
    params = {"optimizer": "sgd", "learning_rate": learning_rate}
    session = small_session(**params)
    report = session.step(50)
    assert report.diverged and report.steps < 50
    assert re.search("learning rate", report.message)
    assert report.message == session.message
    model = session.model
    assert np.isfinite(model.theta_).all()
    assert len(session.history) == model.n_steps_ == len(model.loss_curve_)
    assert np.isfinite(session.history.array("total")).all()
    # The weights are exactly those of an earlier step of the same run.
    np.testing.assert_array_equal(model.theta_, weights_after(model.n_steps_, **params))
    # The loss shown is the loss of the weights kept, not the one that exploded.
    kept, _ = model.loss_and_grad(session.X)
    assert model.last_terms_ == kept
    assert f"where the loss is {kept['total']:.4g}" in report.message
    # Lowering the learning rate lets training continue from there.
    assert session.set_params(learning_rate=0.5) is False
    steps = session.n_steps
    report = session.step(10)
    assert not report.diverged and report.message == "" and session.message == ""
    assert session.n_steps == steps + 10
    assert session.history.array("total")[-1] < session.history.array("total")[steps]


# --------------------------------------------------------------------------- stuck runs
def switched_off(bias: float, **params) -> Session:
    """A session whose units all start far below 0.5: every pre-activation ≈ ``bias``."""
    session = small_session(**params)
    session.model.params_["W1"][...] *= 0.01
    session.model.params_["b1"][...] = bias
    return session


def test_a_run_whose_units_are_all_dead_and_still_is_stopped_and_explained():
    # Pre-activations ≈ −1000: h = 0 to float64 precision, so no gradient reaches the units.
    session = switched_off(-1000.0, optimizer="adam", learning_rate=0.01)
    report = session.step(200)
    assert report.stuck and report.stopped and not report.diverged
    # Detected once no ρ̂ has moved for STUCK_STEPS steps, not later.
    assert session.n_steps == STUCK_STEPS + 1 and report.steps == STUCK_STEPS + 1
    k = session.model.n_hidden
    assert report.message.startswith(f"Stuck at step {session.n_steps}: all {k} units are dead")
    assert "Press Reset" in report.message and session.message == report.message
    assert session.step(1).stuck  # still stuck: Play again stops again, saying so again
    session.reset()  # fresh weights: alive
    assert not session.step(STUCK_STEPS + 5).stopped and session.message == ""


@pytest.mark.parametrize("bias", [-10.0, -40.0])
def test_dead_units_that_are_coming_back_are_not_called_stuck(bias):
    # ρ̂ ≈ 4.5e-5 and 4e-18 (dead), but the KL penalty pulls each pre-activation up by ≈ β·ρ
    # whatever ρ̂ is: under Adam the logit moves ≈ 0.4 a step.
    session = switched_off(bias, optimizer="adam", learning_rate=0.01)
    assert session.model.transform(session.X).mean(axis=0).max() < 1e-4
    report = session.step(3 * STUCK_STEPS)
    assert not report.stopped and session.n_steps == 3 * STUCK_STEPS


def test_lbfgs_converged_on_dead_units_says_stuck_not_change_a_setting():
    session = switched_off(-1000.0)
    report = session.step(200)
    assert report.stuck and session.n_steps < STUCK_STEPS
    assert "L-BFGS has converged there" in report.message and "Press Reset" in report.message


# --------------------------------------------------------------------------- convergence
def test_lbfgs_convergence_is_reported_and_is_no_guard_failure():
    session = small_session(n_samples=300, dtype="float32")
    for _ in range(3000):
        report = session.step(1)
        if report.converged:
            break
        assert report == StepReport(1)  # nothing to say until then
    else:
        pytest.fail(f"no convergence in {session.n_steps} steps")
    assert not report.diverged and report.steps == 1
    assert report.message.startswith(f"L-BFGS converged at step {session.n_steps}:")
    assert "Change a setting and press Play to go on, or Reset." in report.message
    assert session.message == ""  # convergence is not a failure of the guard
    assert len(session.history) == session.n_steps


def test_step_n_stops_at_convergence_until_a_setting_changes():
    session = small_session(n_samples=300, dtype="float32")
    report = session.step(5000)
    assert report.converged and not report.diverged
    assert 0 < report.steps == session.n_steps < 5000
    assert f"converged at step {session.n_steps}:" in report.message and session.message == ""
    weights, calls = session.model.theta_.copy(), []
    objective = session.model._objective
    session.model._objective = lambda theta, X: (calls.append(1), objective(theta, X))[1]
    report = session.step(10)
    assert report.converged and not report.diverged and session.message == ""
    assert calls == []  # nothing left to evaluate
    np.testing.assert_array_equal(session.model.theta_, weights)
    session.set_params(rho=0.05)  # a new objective: training goes on
    report = session.step(10)
    assert report == StepReport(10)
    assert calls and not np.array_equal(session.model.theta_, weights)


# --------------------------------------------------------------------------- save / load
def test_save_load_round_trip_is_exact(tmp_path):
    session = small_session(optimizer="adam", batch_size=20, beta=2.0, rho=0.07)
    session.step(7)
    path = tmp_path / "s.npz"
    session.save(path)
    other = Session("bars", n_samples=50, random_state=1, n_hidden=5)  # different everything
    other.load(path)
    assert other.get_params() == session.get_params()
    assert other.n_steps == 7 and other.model.n_steps_ == 7
    for name in ("W1", "b1", "W2", "b2"):
        a, b = other.model.params_[name], session.model.params_[name]
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert other.history.terms == session.history.terms
    assert other.model.loss_curve_ == session.model.loss_curve_
    for a, b in zip(other.history.rho_hat_matrix(), session.history.rho_hat_matrix(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(other.model.rho_hat_, session.model.rho_hat_)
    np.testing.assert_array_equal(other.X, session.X)  # the same data, reloaded from the seed
    assert other.model.rng_state == session.model.rng_state
    with np.load(path) as f:  # plain arrays other tools can read
        assert f["W1"].shape == (64, 8) and f["b2"].shape == (64,)


def test_continuing_after_load_matches_continuing_the_original(tmp_path):
    # SGD without momentum has no optimiser state, which the file does not hold; what is left
    # is the weights and the mini-batch generator, and both must come back exactly.
    params = {"optimizer": "sgd", "momentum": 0.0, "learning_rate": 0.5, "batch_size": 10}
    original = small_session(**params)
    original.step(5)
    original.save(tmp_path / "s.npz")
    loaded = small_session()
    loaded.load(tmp_path / "s.npz")
    original.step(5)
    loaded.step(5)
    np.testing.assert_array_equal(loaded.model.theta_, original.model.theta_)
    assert loaded.history.terms == original.history.terms


def test_two_loads_continue_identically_with_adam(tmp_path):
    # Adam's moments are not saved: a loaded session restarts them, so compare two loads.
    original = small_session(optimizer="adam", batch_size=10)
    original.step(5)
    original.save(tmp_path / "s.npz")
    a, b = small_session(), small_session(n_hidden=3)
    a.load(tmp_path / "s.npz")
    b.load(tmp_path / "s.npz")
    a.step(5)
    b.step(5)
    np.testing.assert_array_equal(a.model.theta_, b.model.theta_)
    assert a.history.terms == b.history.terms
    assert a.n_steps == 10


def saved_arrays(session, tmp_path):
    path = tmp_path / "good.npz"
    session.save(path)
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def bad_files(session, tmp_path):
    """name -> (path, expected message fragment)."""
    good = tmp_path / "good.npz"
    session.save(good)
    raw = good.read_bytes()
    files = {}

    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(raw[: len(raw) // 2])
    files["truncated"] = (truncated, "not a readable .npz file")

    noise = tmp_path / "noise.npz"
    noise.write_bytes(np.random.default_rng(0).bytes(4096))
    files["random bytes"] = (noise, "not a readable .npz file")

    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, a=np.arange(3), b=np.ones((2, 2)))
    files["foreign npz"] = (foreign, "no 'meta' entry")

    arrays = saved_arrays(session, tmp_path)
    wrong = tmp_path / "wrong_shape.npz"
    np.savez(wrong, **(arrays | {"W1": np.zeros((64, 9))}))
    files["wrong-shape W1"] = (wrong, r"W1 has shape \(64, 9\), expected \(64, 8\)")

    nan = arrays["W2"].copy()
    nan[0, 0] = np.nan
    nan_file = tmp_path / "nan.npz"
    np.savez(nan_file, **(arrays | {"W2": nan}))
    files["NaN weights"] = (nan_file, "W2 contains NaN")

    meta = json.loads(str(arrays["meta"]))
    meta["params"]["rho"] = 2.0
    bad_meta = tmp_path / "bad_params.npz"
    np.savez(bad_meta, **(arrays | {"meta": np.array(json.dumps(meta))}))
    files["invalid rho in file"] = (bad_meta, "rho=2.0")
    return files


def test_bad_files_raise_and_change_nothing(tmp_path):
    source = small_session()
    source.step(3)
    session = small_session(rho=0.2, beta=1.0)
    session.step(4)
    before = snapshot(session)
    for name, (path, pattern) in bad_files(source, tmp_path).items():
        with pytest.raises(ValueError, match="cannot load session file") as info:
            session.load(path)
        assert re.search(pattern, str(info.value)), (name, str(info.value))
        assert str(path) in str(info.value)
        assert_unchanged(session, before)
    with pytest.raises(FileNotFoundError):
        session.load(tmp_path / "missing.npz")
    assert_unchanged(session, before)
    session.step(1)  # still usable
    assert session.n_steps == 5


def test_good_file_loads_after_bad_ones(tmp_path):
    source = small_session()
    source.step(3)
    session = small_session(rho=0.2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("meta.npy", b"not an array")
    (tmp_path / "zip.npz").write_bytes(buffer.getvalue())
    with pytest.raises(ValueError, match="cannot load session file"):
        session.load(tmp_path / "zip.npz")
    source.save(tmp_path / "ok.npz")
    session.load(tmp_path / "ok.npz")
    np.testing.assert_array_equal(session.model.theta_, source.model.theta_)
    assert session.get_params()["rho"] == 0.1


def test_weights_trained_on_own_data_load_only_where_that_data_is() -> None:
    """Uploaded images are not in the saved file: a session on other data must say so, by
    name, and stay as it was; a session training on the same own data takes the file."""
    from explorer import datasets

    base = datasets.load("natural-patches", n_samples=300, random_state=0)
    own = datasets.Dataset("your-images", base.X.copy(), base.image_shape, "uploaded")
    trained = Session(own)
    trained.step(3)
    file = io.BytesIO()
    trained.save(file)

    other = Session("natural-patches", n_samples=300)
    before = other.model.theta_.copy()
    file.seek(0)
    with pytest.raises(ValueError, match=r"'in memory'.*trained on the data set 'your-images'"):
        other.load(file)
    np.testing.assert_array_equal(other.model.theta_, before)
    assert other.dataset.name == "natural-patches"

    same = Session(own)
    file.seek(0)
    same.load(file)
    assert same.n_steps == 3
    np.testing.assert_array_equal(same.model.theta_, trained.model.theta_)
