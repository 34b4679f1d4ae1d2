"""The page's options come from the core's tables: a penalty, a loss or an optimiser added to
``PENALTIES``, ``LOSSES`` or ``OPTIMIZERS`` is offered by the dashboards, can be chosen,
trained, shared in a link and swept, with no other edit (the rows are added here, in the
test, as a developer would add them to the table)."""

from __future__ import annotations

import asyncio
import dataclasses

import numpy as np
import pytest

from explorer import Explorer
from explorer.app import settings
from explorer.app.compare import Comparison
from explorer.app.query import from_query
from explorer.core.losses import LOSSES, Loss, squared_error
from explorer.core.optimizers import OPTIMIZERS, SGD
from explorer.core.penalties import PENALTIES
from explorer.training.sweep import parse_values

SWEEP = "Sparsity frontier: sweep β, ρ or the penalty"
SMALL = {"dataset": "bars", "n_samples": 200, "random_state": 0, "n_hidden": 8}


def twice_l1() -> object:
    """The L1 penalty, doubled: its own value, gradient and curve, under a label of its own."""
    l1 = PENALTIES["l1"]
    return dataclasses.replace(
        l1,
        value=lambda H, rho_hat, rho: 2 * l1.value(H, rho_hat, rho),
        grad=lambda H, rho_hat, rho: 2 * l1.grad(H, rho_hat, rho),
        curve=lambda rho, rho_hat: 2 * l1.curve(rho, rho_hat),
        description="2 Σ_l ρ̂_l",
        label="L1, doubled",
    )


def half_squared(xhat, x, decoder, out=None, scratch=None):
    value, delta = squared_error(xhat, x, decoder, out=out, scratch=scratch)
    delta *= 0.5
    return 0.5 * value, delta


class HeavyBall(SGD):
    """SGD by another name: built with the model's ``momentum``, as its row says."""

    label = "heavy ball"


@pytest.fixture
def rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PENALTIES, "l1x2", twice_l1())
    monkeypatch.setitem(LOSSES, "half", Loss(half_squared, ("sigmoid",), label="half squared"))
    monkeypatch.setitem(OPTIMIZERS, "heavy", HeavyBall)


def sweep_points(app: Explorer, setting: str, steps: int = 2) -> list:
    """Run the frontier panel's sweep of ``setting`` on the values it offers by default."""
    panel = app.panels[SWEEP]
    panel.setting.value = setting
    panel.steps.value = steps

    async def run() -> None:
        task = panel.run()
        assert task is not None, panel.problem.value
        await task

    asyncio.run(asyncio.wait_for(run(), timeout=120))
    return panel.points


@pytest.mark.usefixtures("rows")
def test_a_penalty_added_to_the_table_is_offered_chosen_shared_and_swept() -> None:
    app = Explorer(**SMALL)
    control = app.controls["penalty"]
    assert ("L1, doubled", "l1x2") in control.options  # offered, by its label
    control.value = "l1x2"  # chosen, as in the page
    assert app.session.model.penalty == "l1x2"
    app.step(2)
    model = app.session.model
    assert model.last_terms_["sparsity"] == pytest.approx(2 * model.beta * model.rho_hat_.sum())
    # The page cannot draw this curve itself for a new ρ: the kernel's frames draw it.
    curve = app.board.traces("kl")[0]
    assert "follow" not in curve
    np.testing.assert_allclose(curve["y"], 2 * np.asarray(curve["x"]), rtol=1e-6)
    # Shared: a link opens a fresh dashboard on it.
    link = settings.to_query(settings.shareable(app)[0])
    assert "penalty=l1x2" in link
    assert from_query(Explorer(**SMALL), link).session.model.penalty == "l1x2"
    # Swept: offered among the penalty sweep's values, and run.
    assert parse_values("penalty", app.panels[SWEEP]._texts["penalty"]) == (
        "kl", "l1", "topk", "l1x2")  # fmt: skip
    points = sweep_points(app, "penalty")
    assert [p.value for p in points] == ["kl", "l1", "topk", "l1x2"]
    assert all(np.isfinite(p.loss) and not p.failed for p in points)
    # A/B offers it to each run.
    ab = Comparison(a={"penalty": "l1x2"}, **SMALL)
    assert ("L1, doubled", "l1x2") in ab.run_controls["B"]["penalty"].options
    assert ab.sessions["A"].model.penalty == "l1x2"


@pytest.mark.usefixtures("rows")
def test_a_loss_added_to_the_table_is_offered_chosen_shared_and_swept_with() -> None:
    app = Explorer(**SMALL)
    assert ("half squared", "half") in app.controls["loss"].options
    app.controls["loss"].value = "half"
    assert app.session.model.loss == "half" and app.session.n_steps == 0  # ⟲ restarts
    app.step(1)
    X = app.session.X
    terms, _ = app.session.model.loss_and_grad(X)
    Xhat = app.session.model.reconstruct(X)
    assert terms["reconstruction"] == pytest.approx(0.25 * np.sum((Xhat - X) ** 2) / len(X))
    link = settings.to_query(settings.shareable(app)[0])
    assert "loss=half" in link
    assert from_query(Explorer(**SMALL), link).session.model.loss == "half"
    points = sweep_points(app, "beta")  # the sweep's runs train with the dashboard's loss
    assert app.panels[SWEEP].runs.settings()["loss"] == "half" and len(points) == 5


@pytest.mark.usefixtures("rows")
def test_an_optimizer_added_to_the_table_is_built_with_the_settings_its_row_names() -> None:
    app = Explorer(**SMALL, momentum=0.5)
    assert ("heavy ball", "heavy") in app.controls["optimizer"].options
    app.controls["optimizer"].value = "heavy"
    model = app.session.model
    assert model.optimizer == "heavy"
    assert app.controls["learning_rate"].value == HeavyBall.default_learning_rate
    assert not app.controls["batch_size"].disabled  # it takes mini-batches
    app.step(2)
    # Its row names momentum as a setting it is built with: the model's, not the default.
    assert isinstance(model._opt, HeavyBall) and model._opt.momentum == 0.5
    link = settings.to_query(settings.shareable(app)[0])
    assert "optimizer=heavy" in link
    assert from_query(Explorer(**SMALL), link).session.model.optimizer == "heavy"
    points = sweep_points(app, "rho")
    assert app.panels[SWEEP].runs.settings()["optimizer"] == "heavy" and len(points) == 4
