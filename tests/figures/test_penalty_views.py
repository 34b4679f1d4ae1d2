"""Switching the sparsity penalty in the dashboard, and the metrics shown for every penalty."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer import Explorer
from explorer.core import dead_units, explained_variance, kl_divergence, l0
from explorer.figures.state import PROBE
from explorer.figures.views import RHO_HAT_GRID


@pytest.fixture
def app(make_explorer) -> Explorer:
    return make_explorer(n_samples=1000, steps=10)


def caption(app: Explorer, view_title: str) -> str:
    """The live caption under the view titled ``view_title...``."""
    name = next(v["name"] for v in app.board.views if v["title"].startswith(view_title))
    return app.board.caption(name)


def test_penalty_switch_is_live_and_keeps_training(app: Explorer) -> None:
    app.controls["penalty"].value = "l1"
    assert app.session.model.penalty == "l1" and app.session.n_steps == 10
    before = app.session.history.array("sparsity")[-1]
    app.step(1)
    # β·Ω under L1 is β·Σ ρ̂ at the step's starting weights.
    assert app.session.history.array("sparsity")[-1] != before
    assert app.session.history.array("sparsity")[-1] == pytest.approx(
        app.session.model.beta * app.session.history.snapshots[-1].sum()
    )


def test_the_curve_panel_draws_the_active_penalty(app: Explorer) -> None:
    # The curve is drawn on RHO_HAT_GRID (sent as float32); its values are computed there.
    curve = app.board.traces("kl")[0]
    np.testing.assert_allclose(curve["x"], RHO_HAT_GRID, rtol=1e-6)
    np.testing.assert_allclose(curve["y"], kl_divergence(0.01, RHO_HAT_GRID), rtol=1e-6)
    assert "minimum 0 at ρ̂ = ρ" in caption(app, "Sparsity penalty")

    app.controls["penalty"].value = "l1"
    curve, units = app.board.traces("kl")[:2]
    np.testing.assert_allclose(curve["y"], curve["x"])  # L1 costs each unit its ρ̂
    np.testing.assert_allclose(units["y"], units["x"])
    assert "a pull to 0, ρ ignored" in caption(app, "Sparsity penalty")

    app.controls["penalty"].value = "topk"
    curve = app.board.traces("kl")[0]
    np.testing.assert_allclose(curve["x"], RHO_HAT_GRID, rtol=1e-6)
    np.testing.assert_allclose(curve["y"], kl_divergence(0.01, RHO_HAT_GRID), rtol=1e-6)
    assert "no per-unit curve" in caption(app, "Sparsity penalty")


@pytest.mark.parametrize("penalty", ["kl", "l1", "topk"])
def test_l0_explained_variance_and_dead_units_are_shown_for_every_penalty(
    make_explorer, penalty: str
) -> None:
    app = make_explorer(n_samples=1000, penalty=penalty, steps=15)
    model, probe = app.session.model, app.session.X[:PROBE]
    H = model.transform(probe)
    text = caption(app, "Units by log10 ρ̂")
    numbers = dict(re.findall(r"(L0|explained variance|dead \(ρ̂ < 0.0001\)) (-?[\d.]+)", text))
    assert float(numbers["L0"]) == pytest.approx(l0(H), abs=0.005)
    ev = explained_variance(probe, model.reconstruct(probe))
    assert float(numbers["explained variance"]) == pytest.approx(ev, abs=0.005)
    assert int(numbers["dead (ρ̂ < 0.0001)"]) == dead_units(model.rho_hat_)
    assert f"of {model.n_hidden} active per input" in text
