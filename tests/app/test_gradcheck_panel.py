"""The gradient check panel: click, read the table, and make sure the session was not touched."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np
import pytest

from explorer import Explorer
from explorer.app.panels import PANELS
from explorer.app.panels import gradcheck as panel
from explorer.app.panels.gradcheck import gradcheck_panel
from explorer.core import PENALTIES, SparseAutoencoder, gradient_errors
from explorer.core.gradcheck import EPSILON, N_COORDS, ORDER, SMALL_STEP

PARAMS = ("W1", "b1", "W2", "b2")


@pytest.fixture
def app(make_explorer) -> Explorer:
    return make_explorer(n_samples=500)


class _Cells(HTMLParser):
    """Rows of table cells, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in_cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


def _parts(app: Explorer) -> tuple[widgets.Button, widgets.HTML, widgets.HTML]:
    panel = app.panels["Gradient check"]
    assert isinstance(panel.button, widgets.Button) and isinstance(panel.result, widgets.HTML)
    return panel.button, panel.result, panel.intro


def _table(result: widgets.HTML) -> dict[str, dict[str, str]]:
    parser = _Cells()
    parser.feed(result.value)
    head, *rows = parser.rows
    return {row[0]: dict(zip(head, row, strict=True)) for row in rows}


def _click(app: Explorer) -> dict[str, dict[str, str]]:
    button, result, _ = _parts(app)
    button.click()
    return _table(result)


def _state(app: Explorer) -> tuple:
    model = app.session.model
    return (
        app.session.n_steps,
        model.theta_.copy(),
        model.get_params(),
        len(app.session.history),
        model.rho_hat_.copy(),
    )


def _assert_unchanged(app: Explorer, before: tuple) -> None:
    steps, theta, params, history, rho_hat = before
    model = app.session.model
    assert app.session.n_steps == steps and len(app.session.history) == history
    np.testing.assert_array_equal(model.theta_, theta)
    np.testing.assert_array_equal(model.rho_hat_, rho_hat)
    assert model.get_params() == params


def test_panel_is_registered():
    assert ("Gradient check", gradcheck_panel) in PANELS


def test_button_and_explanation(app: Explorer) -> None:
    button, result, intro = _parts(app)
    assert button.description == "Check gradient" and button.icon == "check"
    assert "central differences" in intro.value and "backpropagated" in intro.value
    assert "1e-09" in intro.value
    assert "Not checked yet" in result.value


def test_click_checks_the_current_objective_and_changes_nothing(
    app: Explorer, make_explorer
) -> None:
    app.step(5)  # trained weights, not the initial ones
    before = _state(app)
    table = _click(app)
    assert list(table) == [*PARAMS, "all"]
    for name in PARAMS:
        error = float(table[name]["relative error"])
        assert error < 1e-9, f"{name}: {error:.3g}"
        assert table[name]["result"].strip() == "✓ pass"
    assert table["all"]["result"].strip() == "✓ pass"
    # 64-25: every array but b1 (25 entries) is sampled.
    coords = {name: table[name]["coordinates checked"] for name in table}
    assert coords == {
        "W1": "30 of 1,600",
        "b1": "25 of 25",
        "W2": "30 of 1,600",
        "b2": "30 of 64",
        "all": "115 of 3,289",
    }
    _, result, _ = _parts(app)
    assert "Step 5:" in result.value and "20 inputs" in result.value
    _assert_unchanged(app, before)
    # Training goes on exactly as if nobody had clicked.
    twin = make_explorer(n_samples=500, steps=5)  # as ``app``
    app.step(3)
    twin.step(3)
    np.testing.assert_array_equal(app.session.model.theta_, twin.session.model.theta_)


@pytest.mark.parametrize("penalty", ["l1", "topk"])
def test_every_penalty_passes(app: Explorer, penalty: str) -> None:
    app.apply({"penalty": penalty, "beta": 0.3})
    app.step(5)
    before = _state(app)
    table = _click(app)
    for name in [*PARAMS, "all"]:
        assert float(table[name]["relative error"]) < 1e-9, name
    assert f"penalty {penalty}" in _parts(app)[1].value
    _assert_unchanged(app, before)


def test_a_broken_penalty_gradient_shows_as_a_failure(app: Explorer, monkeypatch) -> None:
    right = PENALTIES["kl"]

    def grad(H, rho_hat, rho):
        return 1.01 * right.grad(H, rho_hat, rho)

    monkeypatch.setitem(PENALTIES, "kl", dataclasses.replace(right, grad=grad))
    app.step(2)
    before = _state(app)
    table = _click(app)
    for name in ("W1", "b1", "all"):
        assert float(table[name]["relative error"]) > 1e-9, name
        assert table[name]["result"].strip() == "✗ fail", name
    # The decoder's gradient does not involve the penalty.
    assert table["W2"]["result"].strip() == "✓ pass"
    assert "FAILED" in app.status.value
    _assert_unchanged(app, before)


def test_the_check_follows_live_settings(app: Explorer) -> None:
    app.step(2)
    app.controls["rho"].value = 0.05
    app.controls["beta"].value = 1.5
    _click(app)
    caption = _parts(app)[1].value
    assert re.search(r"ρ = 0\.05, β = 1\.5", caption)


def test_float32_session_is_checked_in_float64(make_explorer, monkeypatch) -> None:
    app = make_explorer(dataset="bars", dtype="float32", n_hidden=8, steps=3)
    before = _state(app)
    table = _click(app)
    assert all(float(table[name]["relative error"]) < 1e-9 for name in PARAMS)
    _assert_unchanged(app, before)
    assert app.session.model.theta_.dtype == np.float32


def test_an_error_is_shown_not_raised(app: Explorer, monkeypatch) -> None:
    def boom(session):
        raise ValueError("the check could not run")

    monkeypatch.setattr(panel, "check_session", boom)
    button, _, _ = _parts(app)
    button.click()  # must not raise into ipywidgets
    assert "the check could not run" in app.status.value
    assert not button.disabled


def test_the_check_runs_on_one_blas_thread_and_restores_them(app: Explorer, monkeypatch) -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads() -> list[int]:
        pools = threadpoolctl.threadpool_info()
        return [pool["num_threads"] for pool in pools if pool["user_api"] == "blas"]

    before, seen = blas_threads(), []
    check = panel.spot_check

    def spy(model, X):
        seen.extend(blas_threads())
        return check(model, X)

    monkeypatch.setattr(panel, "spot_check", spy)
    _click(app)
    assert seen and set(seen) == {1}
    assert blas_threads() == before


def _near_tie(margin: float) -> SimpleNamespace:
    """A TopK model (k = 4, K = 2) whose 2nd and 3rd units differ by ``margin`` on every input."""
    X = np.random.default_rng(0).uniform(0.05, 0.95, (50, 8))
    model = SparseAutoencoder(n_hidden=4, rho=0.5, beta=3.0, penalty="topk", random_state=0)
    model.initialize(8)
    model.params_["W1"][...] *= 1e-4  # activations barely vary from input to input
    h = np.array([0.7, 0.5 + margin, 0.5, 0.2])
    model.params_["b1"][...] = np.log(h / (1 - h)) - X.mean(axis=0) @ model.params_["W1"]
    return SimpleNamespace(model=model, X=X, n_steps=0)


def test_topk_near_a_kink_is_checked_with_a_step_that_cannot_cross_it() -> None:
    session = _near_tie(5e-3)
    report = panel.check_session(session)
    assert report.passed
    steps = {row.name: row.epsilon for row in report.rows}
    assert steps["W2"] == steps["b2"] == EPSILON
    assert steps["W1"] == steps["b1"] < EPSILON
    assert "TopK is piecewise linear" in report.note and "rounding" not in report.note
    # The kink is real: with the large step everywhere, W1 and b1 fail by far.
    X = session.X[:20]
    flat = gradient_errors(session.model, X, EPSILON, N_COORDS, 0, order=ORDER)
    assert flat["W1"] > 1e-4 and flat["b1"] > 1e-4


def test_topk_at_a_near_tie_warns_that_rounding_may_fail_it() -> None:
    report = panel.check_session(_near_tie(1e-6))
    steps = {row.name: row.epsilon for row in report.rows}
    assert steps["W1"] < SMALL_STEP
    assert "rounding error can exceed the bar" in report.note
    html = panel.render(report)
    assert "rounding error can exceed the bar" in html
