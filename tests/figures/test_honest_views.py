"""The views say what is true: a unit off a ρ̂ axis (dead, ρ̂ < 10⁻⁴) is drawn at the axis'
edge with a marker and a legend entry of its own, at its true penalty on the curve, with its
true ρ̂ in the hover text; before the first step the step axes run from 0 and say to press
Play or Step."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer import Explorer
from explorer.figures.views import RHO_HAT_FLOOR, VIEWS

#: What the legend says of units off a ρ̂ axis, and the hint before the first step.
OFF_AXIS = "off the axis"
PRESS_PLAY = "press Play or Step"

DEAD = 3  # the unit made dead below
PICKS = {v.name: v.pick for v in VIEWS}


def by_name(app: Explorer, view: str) -> dict[str, dict]:
    return {t["name"]: t for t in app.board.traces(view) if t.get("name")}


@pytest.fixture
def app(make_explorer) -> Explorer:
    """A dashboard whose unit DEAD never fires: ρ̂ ≈ 1e-26, far below the axes' 1e-4."""
    app = make_explorer()
    app.session.model.params_["b1"][DEAD] = -60.0
    app.step(3)
    app.controls["unit"].value = DEAD
    assert app.session.model.rho_hat_[DEAD] < 1e-20
    return app


def caption_penalty(app: Explorer) -> float:
    return float(re.search(r"its penalty ([\d.e+-]+)", app.board.caption("unit_history"))[1])


def test_a_dead_unit_is_drawn_on_the_curve_at_its_penalty_marked_off_the_axis(app) -> None:
    penalty = caption_penalty(app)  # what the unit's caption says it costs
    assert penalty > 0.2  # KL(0.01 ‖ ~0) ≈ 0.30; at the axis' floor it would be 0.036
    rho_hat = app.session.model.rho_hat_[DEAD]
    traces = app.board.traces("kl")
    units, ring = traces[1], traces[3]
    # Drawn at the axis' left edge, at that penalty; its hover says its true ρ̂.
    left_edge = 10.0 ** app.board.layout("kl")["xaxis"]["range"][0]
    assert units["y"][DEAD] == pytest.approx(penalty, rel=1e-2)
    assert units["x"][DEAD] == pytest.approx(left_edge, rel=1e-6)
    assert units["rho_hat"][DEAD] == pytest.approx(rho_hat, rel=1e-5)
    assert "%{rho_hat" in units["hovertemplate"] and "%{x" not in units["hovertemplate"]
    # Marked there as off the axis: a marker and a legend entry of its own, for it alone.
    off = traces[4]
    assert off["x"].tolist() == [pytest.approx(left_edge, rel=1e-6)]
    assert off["y"].tolist() == [pytest.approx(penalty, rel=1e-2)]
    assert OFF_AXIS in off["name"] and "penalty" in off["name"]
    assert off["marker"]["symbol"] != units["marker"].get("symbol", "circle")
    # The page redraws both for a new ρ from the true ρ̂, not from where they are drawn.
    assert units["follow"] == off["follow"] == "curve"
    assert off["rho_hat"].tolist() == [pytest.approx(rho_hat, rel=1e-5)]
    # The y axis reaches it, a click on it picks it, and the selected unit's ring sits on it.
    low, high = app.board.layout("kl")["yaxis"]["range"]
    assert low < penalty < high
    assert PICKS["kl"](app._snapshots()[""], 1, DEAD) == DEAD
    assert ring["x"][0] == pytest.approx(left_edge) and ring["y"][0] == pytest.approx(off["y"][0])
    assert ring["rho_hat"][0] == pytest.approx(rho_hat, rel=1e-5)


def test_a_dead_unit_is_marked_below_the_bars_axis_and_its_hover_says_its_rho_hat(app) -> None:
    bars, *_, off = app.board.traces("activations")
    rho_hat = app.session.model.rho_hat_
    # Its bar has no height (it sits at the axis' floor) but its hover text tells the truth.
    assert bars["y"][DEAD] == pytest.approx(RHO_HAT_FLOOR)
    assert "%{rho_hat" in bars["hovertemplate"] and "%{y" not in bars["hovertemplate"]
    np.testing.assert_allclose(bars["rho_hat"], rho_hat, rtol=1e-5)
    # A marker pointing off the axis shows where it went, named in the legend.
    assert off["x"].tolist() == [DEAD] and off["y"].tolist() == [pytest.approx(RHO_HAT_FLOOR)]
    assert off["marker"]["symbol"] == "triangle-down" and OFF_AXIS in off["name"]


def test_the_unit_history_marks_the_steps_its_unit_spent_off_the_axis(app) -> None:
    line, *_, off = app.board.traces("unit_history")
    assert line["y"] == pytest.approx(RHO_HAT_FLOOR)  # every step of it at the floor...
    assert "%{rho_hat" in line["hovertemplate"]  # ...saying its true ρ̂
    assert (line["rho_hat"] < RHO_HAT_FLOOR).all()
    np.testing.assert_array_equal(off["x"], line["x"])  # ...and marked at every one
    assert off["marker"]["symbol"] == "triangle-down" and OFF_AXIS in off["name"]
    assert "off the axes" in app.board.caption("unit_history")


def test_no_legend_entry_for_units_off_the_axis_while_there_are_none(make_explorer) -> None:
    app = make_explorer(steps=2)
    assert app.session.model.rho_hat_.min() > RHO_HAT_FLOOR
    for view in ("kl", "activations", "unit_history"):
        assert not any(OFF_AXIS in name for name in by_name(app, view)), view


def test_before_the_first_step_the_step_axes_start_at_0_and_say_what_to_do(make_explorer) -> None:
    app = make_explorer()
    for view in ("loss", "unit_history"):
        # Not the page's default for an axis with no data (−1 to 1, or −1 to 6): steps from 0
        # to a few.
        low, high = app.board.layout(view)["xaxis"]["range"]
        assert low == 0 and 1 <= high <= 20, view
        assert PRESS_PLAY in app.board.caption(view), view
    target = app.board.traces("unit_history")[1]
    assert target["x"].tolist() == [0, high]  # the target line spans the empty axis
    app.step(1)
    for view in ("loss", "unit_history"):
        # Once there is data the page fits the axis to it, and the hint goes.
        assert "range" not in app.board.layout(view)["xaxis"], view
        assert PRESS_PLAY not in app.board.caption(view), view
