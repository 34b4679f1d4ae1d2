"""The presets table: every row builds a session, and each failure fails the way its notice says.

Short runs (2000 patches, 100 L-BFGS steps, seed 0) already show each failure. Measured:
mean |log ρ̂ − log ρ| 0.07 for the classic vs 3.93 without sparsity; oriented filters 60 % for
the classic vs 0 % (β = 0) and 4 % (ρ = 0.5); reconstruction 0.361 for the classic vs 0.429
with 4 hidden units. At 400 steps on 10,000 patches: 0.101 vs 3.905, 96 % vs 0 % and 0 %,
0.318 vs 0.436.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from test_session import ORIENTED, orientation_selectivity

from explorer import datasets
from explorer.core import SparseAutoencoder
from explorer.training import Session
from explorer.training.presets import META_KEYS, PRESETS, preset, preset_params

PATCH_PRESETS = ("ufldl-patches", "no-sparsity", "rho-too-high", "too-few-hidden")
STEPS = 100
SESSION_KEYWORDS = set(inspect.signature(Session).parameters) | set(
    inspect.signature(SparseAutoencoder).parameters
)


def _session(name: str, **over) -> Session:
    return Session(random_state=0, **(preset_params(name) | {"n_samples": 2000} | over))


def _log_distance(session: Session) -> float:
    """Mean |log ρ̂ − log ρ| over the units: 0 when every unit sits at the target."""
    rho_hat = session.model.rho_hat_
    return float(np.mean(np.abs(np.log(rho_hat) - np.log(session.model.rho))))


@pytest.fixture(scope="module")
def trained() -> dict[str, Session]:
    sessions = {name: _session(name) for name in PATCH_PRESETS}
    for session in sessions.values():
        assert not session.step(STEPS).diverged
    return sessions


# ----------------------------------------------------------------------------- the table
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_row_holds_session_keywords_and_a_notice(name):
    row = PRESETS[name]
    assert set(row) - set(META_KEYS) <= SESSION_KEYWORDS, set(row) - SESSION_KEYWORDS
    assert isinstance(row["notice"], str) and row["notice"].endswith(".")
    assert isinstance(row["description"], str) and row["steps"] > 0


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_row_builds_a_session(name):
    settings = preset(name)
    assert settings.pop("steps") == PRESETS[name]["steps"]
    assert not set(settings) & {"description", "notice"}  # what the CLI passes to Session
    if settings["dataset"] == "mnist":  # the files are not shipped: a stand-in of MNIST's shape
        rng = np.random.default_rng(0)
        stand_in = rng.uniform(size=(50, 784))
        settings["dataset"] = datasets.Dataset("mnist", stand_in, (28, 28), "stand-in")
        settings["n_samples"] = None
    else:
        settings["n_samples"] = 300
    session = Session(**settings)
    assert session.model.n_hidden == PRESETS[name]["n_hidden"]


def test_preset_params_leave_nothing_of_earlier_settings():
    session = Session("bars", 300, loss="cross_entropy", penalty="l1", batch_size=None,
                      optimizer="adam", momentum=0.5, dtype="float32")  # fmt: skip
    session.set_params(**preset_params("ufldl-patches"))
    params = session.get_params()
    defaults = SparseAutoencoder().get_params()
    for key in ("loss", "decoder", "penalty", "momentum", "batch_size"):
        assert params[key] == defaults[key], key
    assert params["dtype"] == "float32"  # the caller's (a dashboard trains in float32)
    assert params["dataset"] == "natural-patches" and params["optimizer"] == "lbfgs"
    assert "steps" not in preset_params("ufldl-patches")
    with pytest.raises(ValueError, match="preset='nope' is not known"):
        preset_params("nope")


# ----------------------------------------------------------------------------- the failures
def test_without_sparsity_units_settle_far_from_rho(trained):
    classic, loose = _log_distance(trained["ufldl-patches"]), _log_distance(trained["no-sparsity"])
    assert classic < 0.2
    assert loose > 3.0 and loose > 10 * classic
    assert trained["no-sparsity"].model.rho_hat_.mean() > 0.3  # near 0.5: a dense code


def test_dense_codes_learn_no_edges(trained):
    oriented = {
        name: np.mean(orientation_selectivity(s.model.components_) > ORIENTED)
        for name, s in trained.items()
    }
    assert oriented["ufldl-patches"] >= 0.5, oriented
    assert oriented["no-sparsity"] < 0.2 and oriented["rho-too-high"] < 0.2, oriented
    # ρ = 0.5 is reached, so the failure is the target itself, not the optimisation.
    assert _log_distance(trained["rho-too-high"]) < 0.05


def test_too_few_hidden_units_reconstruct_poorly(trained):
    classic = trained["ufldl-patches"].model.last_terms_["reconstruction"]
    few = trained["too-few-hidden"].model.last_terms_["reconstruction"]
    assert few > 1.1 * classic, (few, classic)


def test_too_high_a_learning_rate_trips_the_divergence_guard_and_its_advice_works():
    session = _session("lr-too-high")
    report = session.step(20)
    assert report.diverged
    assert report.message == session.message
    assert report.message.startswith("Training diverged at step 3: the loss exploded")
    # The first giant step switched every unit off (ρ̂ ≈ 2e-16 at step 1), which no setting
    # undoes: the guard goes back to the seed's weights, says so, and shows their loss.
    assert "At step 1 every unit was already dead or saturated" in report.message
    assert session.n_steps == 0 and len(session.history) == 0
    np.testing.assert_array_equal(session.model.theta_, _session("lr-too-high").model.theta_)
    fresh = _session("lr-too-high")
    fresh.step(1)
    first_loss = fresh.history.terms["total"][0]  # the loss at the seed's weights
    assert session.model.last_terms_["total"] == pytest.approx(first_loss, rel=1e-9)
    assert f"where the loss is {first_loss:.4g}" in report.message
    assert "Lower the learning rate (now 10;" in report.message
    # The advice, followed exactly (a lower rate, Play; no Reset), trains: the units come
    # back to ρ (measured: mean |log ρ̂ − log ρ| 0.08 at step 120).
    session.set_params(learning_rate=0.05)
    report = session.step(120)
    assert not report.stopped and session.message == ""
    assert _log_distance(session) < 0.3
