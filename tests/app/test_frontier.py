"""The sparsity frontier: the metrics by hand, each point against ``fit``, bad input refused,
the frontier view and PNG, and the panel's sweep running beside a live dashboard."""

from __future__ import annotations

import asyncio
import io
import math

import numpy as np
import pytest
from PIL import Image
from threadpoolctl import threadpool_info

from explorer import Explorer, SparseAutoencoder, datasets
from explorer.app.panels.frontier import FrontierPanel
from explorer.core import metrics
from explorer.core.metrics import max_decoder_cosine, mean_log10_rho_hat
from explorer.core.recovery import best_cosine_by_chance, recovery
from explorer.figures import snapshot
from explorer.figures.frames import view_state
from explorer.figures.frontier import FRONTIER_VIEW, L0_FLOOR, Y_AXES, ZERO_L0, Frontier
from explorer.figures.frontier_png import frontier_png
from explorer.training.sweep import (
    PROBE,
    RECORD_KEYS,
    RECOVERY_KEYS,
    Point,
    Sweep,
    measure_session,
    parse_values,
    sweep,
)

FIXED = {"dataset": "bars", "n_samples": 300, "random_state": 0, "n_hidden": 16, "rho": 0.1}


def but(param: str, **extra) -> dict:
    """FIXED and ``extra``, without the setting swept."""
    return {k: v for k, v in (FIXED | extra).items() if k != param}


# ---------------------------------------------------------------------------- the metrics
def test_max_decoder_cosine_is_the_mean_largest_signed_cosine_with_another_unit():
    # Unit decoders a = (1, 0), b = (1, 1), c = (0, -1): cos(a, b) = 1/√2, cos(a, c) = 0,
    # cos(b, c) = −1/√2. Largest per unit: a 1/√2, b 1/√2, c 0 (its −1/√2 is not a twin).
    W2 = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, -1.0]])
    assert max_decoder_cosine(W2) == pytest.approx((2 / math.sqrt(2) + 0.0) / 3, abs=1e-15)
    # With |cos| it would be 1/√2 for every unit: the sign matters.
    assert max_decoder_cosine(W2) != pytest.approx(1 / math.sqrt(2))
    assert max_decoder_cosine(W2 * [[3.0], [0.1], [7.0]]) == pytest.approx(max_decoder_cosine(W2))
    assert max_decoder_cosine([[1.0, 2.0], [2.0, 4.0]]) == pytest.approx(1.0)  # twins
    assert max_decoder_cosine([[1.0, 0.0], [-1.0, 0.0]]) == pytest.approx(-1.0)  # opposites
    # A zero decoder has cosine 0 with every unit; one unit has no other to repeat.
    assert max_decoder_cosine([[1.0, 0.0], [0.0, 0.0]]) == 0.0
    assert max_decoder_cosine([[1.0, 2.0]]) == 0.0


def test_mean_log10_rho_hat_is_the_mean_decade_with_dead_units_at_the_floor():
    assert mean_log10_rho_hat([0.1, 0.001]) == pytest.approx(-2.0)
    assert mean_log10_rho_hat([0.1, 0.001, 0.0]) == pytest.approx((-1 - 3 - 10) / 3)
    assert metrics.LOG_FLOOR < metrics.DEAD  # the floor stands in for dead units only
    with pytest.raises(ValueError, match="rho_hat must be 1-D"):
        mean_log10_rho_hat([])


# ---------------------------------------------------------------------------- against fit
def fitted_point(value, param, steps, **settings):
    """What ``SparseAutoencoder(..., max_iter=steps).fit(X)`` with that setting gives, measured
    by the metric functions themselves."""
    s = dict(settings)
    data = datasets.load(
        s.pop("dataset"), n_samples=s.pop("n_samples"), random_state=s["random_state"]
    )
    model = SparseAutoencoder(**(s | {param: value, "max_iter": steps})).fit(data.X)
    X = np.asarray(data.X, dtype=model.dtype)
    H = model.transform(X[:500])
    found = recovery(data.true_features, model.params_["W2"], model.params_["W1"])
    return {
        "value": value,
        "l0": metrics.l0(H),
        "explained_variance": metrics.explained_variance(X[:500], model.reconstruct(X[:500])),
        "dead": metrics.dead_units(model.rho_hat_),
        "mean_log10_rho_hat": metrics.mean_log10_rho_hat(model.rho_hat_),
        "max_decoder_cosine": metrics.max_decoder_cosine(model.params_["W2"]),
        "loss": model.last_terms_["total"],
        "recovery": found.mean_cosine,  # bars: the true bars are known
        "recovered": found.recovered,
    }


@pytest.mark.parametrize(
    ("param", "values", "extra"),
    [
        ("beta", (0.0, 1.0, 3.0), {}),
        ("rho", (0.05, 0.2), {"optimizer": "adam", "batch_size": 64, "learning_rate": 0.01}),
        ("penalty", ("kl", "l1", "topk"), {"beta": 0.3, "dtype": "float32"}),
    ],
)
def test_each_frontier_point_equals_what_fit_gives_with_that_setting(param, values, extra):
    settings = but(param, **extra)
    points = sweep(param, values, 25, **settings)
    assert [p.record() for p in points] == [fitted_point(v, param, 25, **settings) for v in values]
    assert all(p.steps == 25 and not p.message for p in points)


def test_the_probe_is_the_dashboards_and_this_runs_point_is_what_its_views_show():
    app = Explorer(dataset="bars", n_samples=700, random_state=2)
    app.step(6)
    model, X = app.session.model, app.session.X
    # The loss of the weights the last step starts from: what that step reports.
    before, _ = model.loss_and_grad(X)
    app.step(1)
    point, snap = measure_session(app.session, 3.0), snapshot(app.session)
    # Both measure on the first PROBE training inputs, which is not what all 700 give (so a
    # program measuring either on other inputs would be seen).
    probe = X[:PROBE]
    ev = point.explained_variance
    assert (
        ev == snap.explained_variance == metrics.explained_variance(probe, model.reconstruct(probe))
    )
    assert ev != metrics.explained_variance(X, model.reconstruct(X))
    assert point.l0 == snap.l0 == metrics.l0(model.transform(probe))
    assert point.dead == metrics.dead_units(snap.rho_hat)
    assert point.loss == pytest.approx(before["total"], rel=1e-5)
    assert point.loss != pytest.approx(model.loss_and_grad(X)[0]["total"], rel=1e-5)


def test_a_record_has_exactly_the_frontier_keys():
    (point,) = sweep("beta", (1.0,), 2, **(FIXED | {"dataset": "digits"}))
    assert tuple(point.record()) == RECORD_KEYS == (
        "value", "l0", "explained_variance", "dead", "mean_log10_rho_hat",
        "max_decoder_cosine", "loss")  # fmt: skip
    # Data whose true features are known adds how well they were recovered.
    (point,) = sweep("beta", (1.0,), 2, **FIXED)
    assert tuple(point.record()) == RECORD_KEYS + RECOVERY_KEYS
    assert RECOVERY_KEYS == ("recovery", "recovered")


def by_projection(X, k):
    """The explained variance of ``X`` rebuilt from its top k principal components, found by
    an SVD of the centred inputs and used as a projection."""
    mean = X.mean(axis=0)
    V = np.linalg.svd(X - mean, full_matrices=False)[2][:k].T
    return metrics.explained_variance(X, mean + (X - mean) @ V @ V.T)


def test_the_pca_baseline_is_a_direct_svd_on_the_points_probe():
    runs = Sweep("beta", (1.0,), 2, **(FIXED | {"dtype": "float32"}))
    X = runs.session(1.0).X[:PROBE]  # the inputs the points' explained variance is on
    assert X.dtype == np.float32 and len(runs.pca) == FIXED["n_hidden"]
    expected = [by_projection(X.astype(np.float64), k) for k in range(1, 17)]
    np.testing.assert_allclose(runs.pca, expected, rtol=0, atol=1e-12)
    # PCA of a single component already explains more than a random guess, and all 16 less
    # than everything: the bars need more than 16 numbers per input to be rebuilt exactly.
    assert 0.05 < runs.pca[0] < runs.pca[-1] < 1


def test_runs_yield_progress_step_by_step_and_every_point_once():
    runs = Sweep("beta", (0.0, 3.0), 4, **FIXED)
    seen = list(runs.runs(chunk=1))
    assert [(p.index, p.step, p.done) for p in seen] == [
        (0, 1, 1), (0, 2, 2), (0, 3, 3), (0, 4, 4), (1, 1, 5), (1, 2, 6), (1, 3, 7), (1, 4, 8)
    ]  # fmt: skip
    assert [p.point for p in seen if p.point] == runs.points and len(runs.points) == 2
    assert all(p.total == 8 for p in seen)


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("param", "text", "words"),
    [
        ("lr", "1 2", ["param='lr' cannot be swept", "'beta', 'rho', 'penalty'"]),
        ("beta", "", ["no values of beta", "0 0.3 1 3 10"]),
        ("beta", " , ", ["no values of beta"]),
        ("beta", "0 abc", ["beta='abc' is not a number", "beta takes numbers"]),
        ("beta", "nan", ["beta='nan' is not a number"]),
        ("rho", "1_000", ["rho='1_000' is not a number"]),
        ("rho", "0x10", ["rho='0x10' is not a number"]),
    ],
)
def test_values_that_cannot_be_read_are_refused_naming_the_setting(param, text, words):
    with pytest.raises(ValueError) as info:
        parse_values(param, text)
    for word in words:
        assert word in str(info.value)


def test_values_are_read_as_typed():
    assert parse_values("beta", "0 0.3, 1,3  1e1") == (0.0, 0.3, 1.0, 3.0, 10.0)
    assert parse_values("rho", ["0.01", ".1"]) == (0.01, 0.1)
    assert parse_values("penalty", "kl, l1 topk") == ("kl", "l1", "topk")


@pytest.mark.parametrize(
    ("param", "values", "words"),
    [
        ("beta", (-1.0,), ["beta=-1.0 is not allowed", "beta must be a finite number >= 0"]),
        ("rho", (0.1, 1.5), ["rho=1.5 is not allowed", "rho must be a finite number in (0"]),
        ("penalty", ("kl", "l2"), ["penalty='l2' is not allowed", "'kl', 'l1', 'topk'"]),
        ("beta", (1.0, 1.0), ["beta=1.0 is given twice"]),
        ("beta", (), ["no values of beta"]),
    ],
)
def test_values_out_of_range_are_refused_before_any_training(param, values, words):
    with pytest.raises(ValueError) as info:
        Sweep(param, values, 10, **but(param))
    for word in words:
        assert word in str(info.value)


def test_a_swept_setting_given_as_a_setting_too_is_refused():
    with pytest.raises(ValueError, match=r"beta=3\.0 is given as a setting and swept too"):
        Sweep("beta", (0.0, 1.0), 5, beta=3.0, **FIXED)
    with pytest.raises(ValueError, match="steps=0 is not allowed"):
        Sweep("beta", (0.0,), 0, **FIXED)


# ---------------------------------------------------------------------------- view and PNG
def point(value, l0, ev, dead=0):
    return Point(value, l0, ev, dead, -1.5, 0.4, 0.3, steps=10)


def test_the_view_draws_each_run_and_this_run_apart_and_l0_zero_at_the_axis_edge():
    f = Frontier("beta", (0.0, 1.0, 30.0), 10,
                 (point(0.0, 12.0, 0.9), point(30.0, 0.0, 0.0, dead=16)),
                 current=point(3.0, 0.5, 0.6), current_note=" (step 7)")  # fmt: skip
    state = view_state(FRONTIER_VIEW, f)
    traces = [t["style"] | t["arrays"] for t in state["traces"]]
    pca, line, *per_value, current, zero = traces
    assert len(pca["x"]) == 0 and pca["name"] == ""  # no baseline given
    assert line["mode"] == "lines+markers" and list(line["x"]) == [12.0, L0_FLOOR]
    assert [len(t["x"]) for t in per_value] == [1, 0, 1]  # β = 1 has not run yet
    assert "β = 30: L0 0," in per_value[2]["hovertemplate"]  # its true L0, not the edge's
    assert per_value[2]["marker"]["symbol"] == "triangle-left"
    assert current["marker"]["symbol"] == "star" and current["name"].endswith("(step 7)")
    assert zero["name"] == ZERO_L0
    assert state["layout"]["xaxis"]["type"] == "log" and state["layout"]["xaxis"]["nice"]
    assert state["caption"].startswith("2 of 3 runs of 10 steps")
    # Penalties have no order: not joined by a line.
    g = Frontier("penalty", ("kl", "l1"), 10, (point("kl", 1.0, 0.5), point("l1", 2.0, 0.4)))
    assert view_state(FRONTIER_VIEW, g)["traces"][1]["style"]["mode"] == "markers"
    assert view_state(FRONTIER_VIEW, g)["traces"][-1]["style"]["name"] == ""  # none at 0
    # This run at L0 = 0 is still a star, at the edge: its own name says so.
    h = Frontier("beta", (0.0,), 10, (point(0.0, 12.0, 0.9),), current=point(3.0, 0.0, 0.0))
    *_, star, zero = (t["style"] for t in view_state(FRONTIER_VIEW, h)["traces"])
    assert star["name"].endswith("L0 = 0: at the axis' left edge") and zero["name"] == ""


def test_the_view_draws_the_pca_baseline_at_l0_k_and_the_recovery_axis():
    truth = {"n_true": 16, "chance": 0.3, "pca": (0.2, 0.35, 0.5)}
    p = Point(0.0, 12.0, 0.9, 0, -1.5, 0.4, 0.3, steps=10, recovery=0.8, recovered=9)
    q = Point(3.0, 2.0, 0.7, 0, -1.5, 0.4, 0.3, steps=10, recovery=0.95, recovered=15)
    f = Frontier("beta", (0.0, 3.0), 10, (p, q), **truth)
    traces = [t["style"] | t["arrays"] for t in view_state(FRONTIER_VIEW, f)["traces"]]
    assert list(traces[0]["x"]) == [1, 2, 3]  # k components at L0 = k
    np.testing.assert_allclose(traces[0]["y"], truth["pca"], rtol=1e-6)
    assert traces[0]["name"].startswith("PCA") and traces[0]["line"]["dash"] == "dash"
    assert list(traces[1]["y"]) == [np.float32(0.9), np.float32(0.7)]
    assert "recovered 9 of 16 (mean best cosine 0.80)" in traces[2]["hovertemplate"]
    state = view_state(FRONTIER_VIEW, f)
    assert state["layout"]["yaxis"]["title"]["text"] == "explained variance"
    assert "dashed: PCA with k components" in state["caption"]
    # The recovery axis: the points' mean best decoder cosine, and no PCA line (its
    # components are not meant to be the true features).
    g = Frontier("beta", (0.0, 3.0), 10, (p, q), y="recovery", **truth)
    state = view_state(FRONTIER_VIEW, g)
    traces = [t["style"] | t["arrays"] for t in state["traces"]]
    np.testing.assert_allclose(traces[1]["y"], [0.8, 0.95], rtol=1e-6)
    assert len(traces[0]["x"]) == 0 and traces[0]["name"] == ""
    assert state["layout"]["yaxis"]["title"]["text"] == Y_AXES["recovery"].title
    assert "16 true features" in state["caption"] and "random weights: 0.30" in state["caption"]


def test_the_png_is_a_chart_with_a_table_row_per_value():
    points = [point(0.0, 12.0, 0.9), point(0.3, 0.1, 0.4), point(10.0, 0.0, -0.01, dead=16)]
    png = frontier_png("beta", points, 10, {"dataset": "bars", "n_hidden": 16, "rho": 0.1})
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert image.format == "PNG" and image.size == (900, 486 + 64 + 22 * 4 + 16)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    blue = np.all(pixels == (0x00, 0x72, 0xB2), axis=2)
    assert blue.sum() > 100  # the points and the line between them


def grey(png: bytes) -> int:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    return int(np.all(pixels == (85, 85, 85), axis=2).sum())


def test_the_png_draws_the_pca_baseline_and_the_recovery_axis():
    points = [
        Point(0.0, 12.0, 0.9, 0, -1.5, 0.4, 0.3, steps=10, recovery=0.8, recovered=9),
        Point(3.0, 2.0, 0.7, 0, -1.5, 0.4, 0.3, steps=10, recovery=0.95, recovered=15),
    ]
    settings = {"dataset": "bars", "n_hidden": 16, "rho": 0.1}
    plain = frontier_png("beta", points, 10, settings)
    pca = frontier_png("beta", points, 10, settings, pca=np.linspace(0.1, 0.95, 16), n_true=16)
    found = frontier_png("beta", points, 10, settings, pca=(0.5,) * 16, y="recovery", n_true=16)
    # The grey baseline and its label add grey pixels; on the recovery axis there is none,
    # but the table has its recovered column (grey is the frame's and the subtitle's too).
    assert grey(pca) > grey(plain) + 300
    assert grey(found) < grey(pca) - 300
    assert Image.open(io.BytesIO(found)).size == Image.open(io.BytesIO(plain)).size


# ---------------------------------------------------------------------------- the panel
TITLE = "Sparsity frontier: sweep β, ρ or the penalty"


def frontier_of(app: Explorer) -> FrontierPanel:
    return app.panels[TITLE]


def dashboard_sweep(app: Explorer, param: str, values: tuple, steps: int) -> list[Point]:
    """The sweep run alone with the dashboard's settings as they are now."""
    params = app.session.get_params()
    seed = params.pop("random_state")
    for key in ("dataset", "n_samples", "data_options", param):
        del params[key]
    return sweep(param, values, steps, dataset=app.session.dataset,
                 n_samples=app.session.n_samples, random_state=seed, **params)  # fmt: skip


def test_the_panel_refuses_what_cannot_be_swept_saying_why_and_keeps_the_text():
    app = Explorer(dataset="bars", n_samples=300)
    panel = frontier_of(app)
    for setting, text, why in [
        ("beta", "0 abc", "beta=&#x27;abc&#x27; is not a number"),
        ("beta", "1 -2", "beta=-2.0 is not allowed"),
        ("penalty", "kl l2", "penalty=&#x27;l2&#x27; is not allowed"),
        ("rho", "", "no values of rho"),
    ]:
        panel.setting.value = setting
        panel.values.value = text
        assert panel.run() is None, text
        assert why in panel.problem.value and "⚠" in panel.problem.value
        assert panel.values.value == text and panel.task is None and panel.board is None
    panel.values.value = "0.05 0.1"
    assert panel.problem.value == ""  # said as soon as it reads


def test_each_setting_keeps_its_own_values_in_the_box():
    panel = frontier_of(Explorer(dataset="bars", n_samples=300))
    assert panel.values.value == "0 0.3 1 3 10"
    panel.values.value = "0 2"
    panel.setting.value = "penalty"
    assert panel.values.value == "kl l1 topk"
    panel.setting.value = "beta"
    assert panel.values.value == "0 2"


def test_a_slider_moved_mid_sweep_is_applied_before_it_ends_and_changes_no_point():
    app = Explorer(dataset="bars", n_samples=300, random_state=0)
    panel = frontier_of(app)
    panel.values.value, panel.steps.value = "0 1 3", 40
    expected = dashboard_sweep(app, "beta", (0.0, 1.0, 3.0), 40)
    moved: dict = {}

    async def drive() -> None:
        task = panel.run()
        assert task is not None and not task.done()  # Run returns at once
        while panel.progress is None:
            await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        # As the kernel handles a page's slider move: a callback on the event loop, which
        # runs only if the sweep gives the loop turns.
        loop.call_soon(lambda: setattr(app.controls["rho"], "value", 0.2))
        loop.call_soon(
            lambda: moved.update(
                done=panel.progress.done, ended=task.done(), rho=app.session.model.rho
            )
        )
        await task

    asyncio.run(asyncio.wait_for(drive(), timeout=120))
    assert moved["rho"] == 0.2  # applied to the dashboard's session...
    assert moved["done"] < panel.runs.total and not moved["ended"]  # ...mid-sweep
    assert app.session.model.rho == 0.2
    # The sweep's runs kept the settings they started with.
    assert [p.record() for p in panel.points] == [p.record() for p in expected]
    assert "Done: 3 of 3 runs" in panel.progress_line.value
    assert panel.button.description == "Run sweep"


def test_play_trains_on_while_a_sweep_runs_and_blas_is_left_as_it_was():
    app = Explorer(dataset="bars", n_samples=300, random_state=0)
    panel = frontier_of(app)
    panel.values.value, panel.steps.value = "0 1 3 10", 60
    threads = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    seen: list[tuple[int, int]] = []

    async def drive() -> None:
        app.controls["play"].value = True
        task = panel.run()
        while not task.done():
            seen.append((panel.progress.done if panel.progress else 0, app.session.n_steps))
            await asyncio.sleep(0)
        app.controls["play"].value = False
        await app._task

    asyncio.run(asyncio.wait_for(drive(), timeout=120))
    during = [steps for done, steps in seen if 0 < done < panel.runs.total]
    assert during and max(during) > min(during)  # the dashboard stepped mid-sweep
    assert len(panel.points) == 4
    assert [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"] == threads


def test_stop_ends_the_sweep_and_keeps_the_runs_finished():
    app = Explorer(dataset="bars", n_samples=300, random_state=0)
    panel = frontier_of(app)
    panel.values.value, panel.steps.value = "0 1 3", 30

    async def drive() -> None:
        task = panel.run()
        while not panel.points:
            await asyncio.sleep(0)
        panel.button.click()  # "Stop"
        await task

    asyncio.run(asyncio.wait_for(drive(), timeout=120))
    assert 1 <= len(panel.points) < 3
    assert "Stopped" in panel.progress_line.value and panel.button.description == "Run sweep"
    assert "not run" in panel.table.value


def test_the_panel_draws_the_frontier_with_this_run_as_a_star():
    app = Explorer(dataset="bars", n_samples=300, random_state=0)
    app.step(5)
    panel = frontier_of(app)
    panel.values.value, panel.steps.value = "0 3", 10

    async def drive() -> None:
        await panel.run()

    asyncio.run(asyncio.wait_for(drive(), timeout=120))
    traces = panel.board.traces("frontier")
    here = measure_session(app.session)
    assert traces[-2]["marker"]["symbol"] == "star"
    assert traces[-2]["x"][0] == np.float32(max(here.l0, L0_FLOOR))
    assert traces[-2]["y"][0] == np.float32(here.explained_variance)
    assert "(step 5, β = 3)" in traces[-2]["name"]
    assert [float(t["y"][0]) for t in traces[2:4]] == [
        float(np.float32(p.explained_variance)) for p in panel.points
    ]
    assert "★ this run" in panel.table.value
    app.controls["n_hidden"].value = 10  # this run is now another model than the sweep's
    panel.measure.click()
    assert "other hidden units than the sweep" in panel.board.traces("frontier")[-2]["name"]


def test_the_panel_offers_the_recovery_axis_on_data_with_true_features():
    app = Explorer(dataset="digits", n_samples=300, random_state=0)
    panel = frontier_of(app)
    panel.draw()
    assert panel.y.layout.display == "none" and "recovered" not in panel.table.value
    pca = panel.board.traces("frontier")[0]
    assert pca["name"].startswith("PCA") and list(pca["x"]) == list(range(1, 26))  # n_hidden 25
    app.controls["dataset"].value = "sparse-dictionary"
    app.step(3)
    panel.draw()
    assert panel.y.layout.display == "" and "recovered" in panel.table.value
    panel.y.value = "recovery"  # redraws
    here = measure_session(app.session)
    assert panel.board.traces("frontier")[-2]["y"][0] == np.float32(here.recovery)
    assert f"{here.recovered} of 20 ({here.recovery:.2f})" in panel.table.value
    layout = panel.board.layout("frontier")
    assert layout["yaxis"]["title"]["text"] == Y_AXES["recovery"].title
    chance = best_cosine_by_chance(25, 64)[0]
    assert f"random weights: {chance:.2f}" in panel.board.caption("frontier")
    # On data without true features the chart is back on explained variance.
    app.controls["dataset"].value = "digits"
    panel.draw()
    assert panel.board.layout("frontier")["yaxis"]["title"]["text"] == "explained variance"
    assert panel.y.layout.display == "none"
