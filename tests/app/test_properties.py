"""Property-based tests (hypothesis) over the whole slider ranges, and a storm of actions
while the play loop runs. Whatever a student sets, nothing raises past the dashboard, no
NaN or inf reaches a view, and a divergence is rolled back, paused and explained."""

from __future__ import annotations

import asyncio
import math
import random

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from explorer import Explorer, SparseAutoencoder  # noqa: E402
from explorer.app.controls import BATCH_SIZES, UI_DATASETS  # noqa: E402
from explorer.figures import snapshot  # noqa: E402

# Every control's full range, as the page offers it.
SLIDERS = {
    "rho": st.floats(1e-3, 0.5),
    "beta": st.floats(0.0, 10.0),
    "learning_rate": st.floats(1e-4, 10.0),
    "weight_decay": st.floats(1e-6, 1e-1),
    "n_hidden": st.integers(1, 40),  # the slider goes to 200; 40 keeps examples fast
    "batch_size": st.sampled_from([v for _, v in BATCH_SIZES]),
    "optimizer": st.sampled_from(["lbfgs", "adam", "sgd"]),
    "loss": st.sampled_from(["squared", "cross_entropy"]),
    "dataset": st.sampled_from(list(UI_DATASETS)),
    "seed": st.integers(0, 2**31 - 1),
}
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(sorted(SLIDERS)), st.just(None)).flatmap(
            lambda pair: st.tuples(st.just(pair[0]), SLIDERS[pair[0]])
        ),
        st.tuples(st.just("step"), st.integers(1, 15)),
        st.tuples(st.just("reset"), st.none()),
    ),
    min_size=1,
    max_size=8,
)


def view_numbers(app: Explorer) -> list[float]:
    """Every number the views send to the page: the traces' arrays (NaN in an image marks a
    blank pixel between tiles, and in a scatter trace's x or y a point not drawn, a gap in a
    line, as in Plotly: both fine, ±inf never) and the numbers in their styles and layouts."""
    out: list[float] = []

    def numbers(value: object) -> None:  # every number inside plain JSON
        if isinstance(value, dict):
            for v in value.values():
                numbers(v)
        elif isinstance(value, list):
            for v in value:
                numbers(v)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(float(value))

    for view in app.board.views:
        for trace in app.board.traces(view["name"]):
            for key, values in trace.items():
                if isinstance(values, np.ndarray):
                    flat = values.astype(float).ravel()
                    gaps = (trace["type"], key) in {
                        ("image", "z"),
                        ("scatter", "x"),
                        ("scatter", "y"),
                    }
                    if gaps:
                        flat = flat[~np.isnan(flat)]
                    out.extend(flat.tolist())
                else:
                    numbers(values)
        numbers(app.board.layout(view["name"]))
    return out


def assert_consistent(app: Explorer) -> None:
    session = app.session
    assert np.isfinite(session.model.theta_).all()
    assert all(math.isfinite(v) for v in view_numbers(app))
    assert len(session.history) == session.n_steps
    # The bars show the session's ρ̂ (clipped to the log axis' floor).
    bars = app.board.traces("activations")[0]["y"]
    np.testing.assert_allclose(bars, np.clip(snapshot(session).rho_hat, 1e-4, 1), rtol=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS, data_seed=st.integers(0, 3))
def test_any_setting_in_range_keeps_the_dashboard_consistent(actions, data_seed):
    app = Explorer(dataset="bars", n_samples=300, random_state=data_seed)
    for name, value in actions:
        if name == "step":
            app.step(value)
        elif name == "reset":
            app.reset()
        else:
            app.controls[name].value = value
        status = app.status.value
        if "⚠" in status:
            # The only setting the dashboard refuses in range: mini-batches with L-BFGS.
            assert "L-BFGS is full-batch" in status, status
        assert_consistent(app)
        if app.session.message:  # the guard fired: explained, and training is paused
            assert "learning rate" in app.session.message or "diverged" in app.session.message
            assert app.controls["play"].value is False


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(1, 30),
    cols=st.integers(1, 12),
    hidden=st.integers(1, 10),
    rho=st.floats(1e-3, 0.5),
    beta=st.floats(0.0, 10.0),
    lam=st.floats(0.0, 0.1),
    scale=st.sampled_from([1e-6, 1.0, 1e3]),
    seed=st.integers(0, 1000),
)
def test_the_objective_is_finite_for_any_finite_data(
    rows, cols, hidden, rho, beta, lam, scale, seed
):
    """Linear decoder, any finite data (tiny, unit, huge scale): loss and gradient finite."""
    X = np.random.default_rng(seed).standard_normal((rows, cols)) * scale
    model = SparseAutoencoder(
        n_hidden=hidden, rho=rho, beta=beta, weight_decay=lam, decoder="linear", random_state=seed
    )
    terms, grads = model.loss_and_grad(X)
    assert all(math.isfinite(v) for v in terms.values())
    assert all(np.isfinite(g).all() for g in grads.values())


@settings(max_examples=15, deadline=None)
@given(lr=st.floats(50.0, 1e6), optimizer=st.sampled_from(["sgd", "adam"]))
def test_far_too_high_learning_rates_are_caught_rolled_back_and_explained(lr, optimizer):
    app = Explorer(dataset="bars", n_samples=200, random_state=0, optimizer=optimizer)
    app.step(3)
    app.session.model.set_params(learning_rate=lr)  # beyond the slider: the guard's job
    app.step(200)
    assert_consistent(app)
    if app.session.message:
        assert "learning rate" in app.status.value


# ---------------------------------------------------------------------------- typed values
#: Every box a student can type into: the number boxes and the sliders' readouts.
BOXES = ("seed", "unit", "rho", "beta", "learning_rate", "weight_decay", "n_hidden", "speed")
#: What students type: decimals, exponents, signs, words, blanks, and numbers near the ends.
TYPED = st.one_of(
    st.integers(-10, 300).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(-20, 20).map(lambda v: f"{v:.3g}"),
    st.tuples(st.integers(1, 9), st.integers(-8, 3)).map(lambda t: f"{t[0]}e{t[1]}"),
    st.sampled_from(["", " ", "abc", "0.5x", "1e30", "-5", "3.7", "+7", ".5", "5.", "1,5",
                     "0x10", "1_000", "٣", "NaN", "-0", " 12 ", "2147483648"]),
    st.text(max_size=6),
)  # fmt: skip


def box_of(app: Explorer, name: str):
    control = app.controls[name]
    return getattr(control, "box", control)


def in_use(app: Explorer, name: str):
    """The value the dashboard uses for the setting box ``name`` types into."""
    if name in ("unit", "speed"):
        return app.controls[name].value
    key = "random_state" if name == "seed" else name
    return app.session.get_params()[key]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed=st.lists(st.tuples(st.sampled_from(BOXES), TYPED), min_size=1, max_size=6))
@example(typed=[("beta", "1E-3"), ("beta", "0")])  # 0 is 0.001 on β's grid: not an echo
def test_what_is_typed_in_any_box_is_taken_exactly_or_refused_and_changes_nothing(typed):
    from explorer.app.numberbox import read

    app = Explorer(dataset="bars", n_samples=200, random_state=1, optimizer="adam")
    app.step(2)
    for name, text in typed:
        box = box_of(app, name)
        before = {b: in_use(app, b) for b in BOXES}
        steps, weights = app.session.n_steps, app.session.model.theta_.copy()
        number = read(text, box.min, box.max, box.fmt == "d")
        taken = box.type(text)
        assert taken == (not isinstance(number, str)), (name, text, number)
        if taken:
            assert in_use(app, name) == number, (name, text)
        else:  # refused: said in the page, and nothing else changed
            assert {b: in_use(app, b) for b in BOXES} == before, (name, text)
            assert app.session.n_steps == steps
            np.testing.assert_array_equal(app.session.model.theta_, weights)
            assert "⚠" in app.status.value and "It stays" in app.status.value
        assert_consistent(app)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    clicks=st.lists(
        st.tuples(
            st.sampled_from(
                ["ufldl-patches", "no-sparsity", "rho-too-high", "lr-too-high", "too-few-hidden"]
            ),
            st.integers(0, 6),
        ),
        min_size=1,
        max_size=4,
    ),
    seed=st.integers(0, 3),
)
def test_a_preset_click_after_any_training_starts_from_the_seeds_weights(clicks, seed):
    from explorer.training.presets import preset_params

    app = Explorer(dataset="bars", n_samples=200, random_state=seed)
    panel = app.panels["Presets and failure gallery"]
    buttons = {b.description: b for b in panel.buttons.values()}
    for name, steps in clicks:
        if steps:
            app.step(steps)
        buttons[name].click()
        session = app.session
        assert session.n_steps == 0 and len(session.history) == 0, name
        fresh = SparseAutoencoder(**session.model.get_params()).initialize(session.X.shape[1])
        np.testing.assert_array_equal(session.model.theta_, fresh.theta_)
        params = session.get_params()
        for key, value in preset_params(name).items():
            assert params[key] == value, (name, key)
        assert params["random_state"] == seed and params["dtype"] == "float32"
        assert f"Preset {name} loaded" in app.status.value


# ---------------------------------------------------------------------------- storm
def test_a_storm_of_actions_while_playing_leaves_a_consistent_dashboard():
    """Thousands of clicks and slider moves interleaved with the running play loop."""
    app = Explorer(dataset="bars", n_samples=300, random_state=0, optimizer="adam")
    rng = random.Random(0)
    live = {
        "rho": lambda: 10 ** rng.uniform(-3, math.log10(0.5)),
        "beta": lambda: round(rng.uniform(0, 10), 1),
        "learning_rate": lambda: 10 ** rng.uniform(-4, -1),
        "weight_decay": lambda: 10 ** rng.uniform(-6, -1),
        "speed": lambda: rng.randint(1, 100),
    }
    last: dict[str, float] = {}
    errors: list[BaseException] = []
    loop_errors: list[dict] = []

    async def storm() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _, ctx: loop_errors.append(ctx))
        for i in range(3000):
            kind = rng.random()
            try:
                if kind < 0.05:
                    app.controls["play"].value = not app.controls["play"].value
                elif kind < 0.10:
                    app.controls["step"].click()
                elif kind < 0.12:
                    app.controls["reset"].click()
                elif kind < 0.17:  # a student typing into a box, sense or nonsense
                    name = rng.choice(("rho", "beta", "speed", "unit"))
                    text = rng.choice(("5", "abc", "-1", "1e-3", "0.2", "7", "3.5", ""))
                    if getattr(app.controls[name], "box", app.controls[name]).type(text):
                        if name in live:
                            last[name] = float(text)
                else:
                    name = rng.choice(sorted(live))
                    app.controls[name].value = last[name] = live[name]()
            except BaseException as exc:  # nothing may escape a control
                errors.append(exc)
            if i % 3 == 0:
                await asyncio.sleep(0)  # let the play loop and its frames run in between
        app.controls["play"].value = False
        if app._task is not None:
            await app._task

    asyncio.run(asyncio.wait_for(storm(), timeout=300))
    assert errors == [] and loop_errors == []
    assert "⚠" not in app.status.value
    assert app._task is None or app._task.done()  # no loop left running: no backlog
    assert_consistent(app)
    params = app.session.get_params()
    for name, value in last.items():  # the last value set is the one in use
        in_use = app.controls["speed"].value if name == "speed" else params[name]
        assert in_use == pytest.approx(app.controls[name].value)
        assert app.controls[name].value == pytest.approx(value, rel=0.03)  # slider rounding
