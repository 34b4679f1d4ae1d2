"""The derivation views' data (figures.views: the push on the curve, "chain", "tug",
"unit_forces"): drawn from the gradient the optimiser received, for the selected unit, at the
step the timeline shows."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core import PENALTIES
from explorer.figures import snapshot, view_state
from explorer.figures.views import CHAIN, CHAIN_PAD, RHO_HAT_FLOOR, VIEWS, tangent_segments
from explorer.training import Session
from explorer.training.forces import measure

SMALL = {"dataset": "bars", "n_samples": 100, "n_hidden": 8, "rho": 0.1, "random_state": 0}
BY_NAME = {v.name: v for v in VIEWS}


def traces(name, snap):
    return [t["style"] | t["arrays"] for t in view_state(BY_NAME[name], snap)["traces"]]


def caption(name, snap):
    return view_state(BY_NAME[name], snap)["caption"]


def tiles(snap):
    """The chain strip's images, each flat, in CHAIN's order (float32, as sent)."""
    (strip,) = traces("chain", snap)
    w = snap.image_shape[1]
    return [
        strip["z"][:, i * (w + CHAIN_PAD) : i * (w + CHAIN_PAD) + w].ravel()
        for i in range(len(CHAIN))
    ]


# --------------------------------------------------------------------------- the push
@pytest.mark.parametrize("penalty", ["kl", "l1"])
def test_push_segments_lie_on_the_tangent_and_point_downhill(penalty):
    p, rho = PENALTIES[penalty], 0.05
    rho_hat = np.array([1e-3, 0.01, 0.05, 0.2, 0.9, 1e-6])
    x, y = tangent_segments(rho, rho_hat, p.curve, p.slope)
    x, y = x.reshape(-1, 3), y.reshape(-1, 3)
    np.testing.assert_allclose(x[:5, 0], rho_hat[:5])
    np.testing.assert_allclose(y[:5, 0], p.curve(rho, rho_hat[:5]))
    slope = p.slope(rho, rho_hat[:5])
    with np.errstate(invalid="ignore"):  # the unit at the minimum has a segment of length 0
        drawn = (y[:5, 1] - y[:5, 0]) / (x[:5, 1] - x[:5, 0])
    moving = slope != 0
    np.testing.assert_allclose(drawn[moving], slope[moving], rtol=1e-9)
    # Downhill: the tip is lower on the curve's tangent, and left where the slope is positive.
    assert np.all(np.sign(x[:5, 1] - x[:5, 0])[moving] == -np.sign(slope[moving]))
    assert np.all(y[:5, 1][moving] < y[:5, 0][moving])
    assert np.isnan(x[:, 2]).all()  # a gap between units
    assert np.isnan(x[5]).all() and rho_hat[5] < RHO_HAT_FLOOR  # off the axis: none
    if penalty == "kl":  # steeper further from ρ: longer; none at ρ itself
        decades = np.abs(np.log10(x[:5, 1] / x[:5, 0]))
        assert decades[0] > decades[1] > decades[2] == 0.0 and decades[4] > decades[3]


@pytest.mark.parametrize("penalty", ["kl", "l1", "topk"])
def test_the_penalty_view_draws_the_push_of_every_unit_or_says_why_not(penalty):
    session = Session(**SMALL, penalty=penalty)
    session.step(3)
    snap = snapshot(session)
    push = traces("kl", snap)[-1]
    if PENALTIES[penalty].slope is None:
        assert len(push["x"]) == 0 and "follow" not in push and not push["name"]
        assert "no ∂Ω/∂ρ̂" in caption("kl", snap)
        return
    assert push["follow"] == "tangent" and push["curve"] == penalty
    np.testing.assert_allclose(push["rho_hat"], snap.rho_hat, rtol=1e-6)
    x, y = push["x"].reshape(-1, 3), push["y"].reshape(-1, 3)
    slope = PENALTIES[penalty].slope(snap.rho, snap.rho_hat)
    np.testing.assert_allclose((y[:, 1] - y[:, 0]) / (x[:, 1] - x[:, 0]), slope, rtol=1e-3)
    assert "the slope ∂Ω/∂ρ̂" in caption("kl", snap)


# --------------------------------------------------------------------------- the chain rule
def test_the_chain_shows_the_selected_units_pieces_on_one_scale_for_the_forces():
    session = Session(**SMALL, beta=3.0, weight_decay=1e-3)
    session.step(4)
    snap = snapshot(session, unit=5)
    g = session.model.encoder_gradient(session.X, session.last_step[0])
    images = tiles(snap)
    pieces = {"update": snap.derivation.update} | {
        name: getattr(g, name)[:, 5] for name, _, _ in CHAIN if name != "update"
    }
    forces = max(np.abs(pieces[name]).max() for name, _, force in CHAIN if force)
    for image, (name, _, force) in zip(images, CHAIN, strict=True):
        scale = forces if force else np.abs(pieces[name]).max()
        np.testing.assert_allclose(image, pieces[name] / scale, rtol=1e-5, atol=1e-7)
    assert max(np.abs(images[i]).max() for i, (_, _, f) in enumerate(CHAIN) if f) == 1.0
    (strip,) = traces("chain", snap)
    assert strip["colormap"] == "diverging" and strip["range"] == [-1, 1]
    text = caption("chain", snap)
    assert "unit 5 · the gradient step 4 followed, on all 100 inputs" in text
    assert f"∂Ω/∂ρ̂ = {g.slope[5]:+.3g}" in text
    # Under each image: its symbol and norm, across the image's own columns.
    w = snap.image_shape[1]
    labels = zip(strip["labels"], CHAIN, strict=True)
    for i, ((left, width, label), (name, symbol, _)) in enumerate(labels):
        assert (left, width) == (i * (w + CHAIN_PAD), w)
        assert label == f"{symbol}\n‖·‖ {np.linalg.norm(pieces[name]):.3g}"


def test_the_chain_follows_the_selected_unit():
    session = Session(**SMALL)
    session.step(2)
    two, six = tiles(snapshot(session, unit=2)), tiles(snapshot(session, unit=6))
    assert not np.allclose(two[1], six[1])
    assert "unit 6 ·" in caption("chain", snapshot(session, unit=6))


def test_the_chain_of_an_sgd_step_shows_the_update_it_made():
    """SGD without momentum: ΔW_:,l = −η·∂L̂/∂W_:,l, so the two images are each other's
    negative (each on its own scale) and their norms η apart."""
    session = Session(**SMALL, optimizer="sgd", momentum=0.0, learning_rate=0.5, batch_size=20)
    session.step(3)
    snap = snapshot(session, unit=1)
    images = tiles(snap)
    total, update = images[3], images[4]
    np.testing.assert_allclose(update, -total / np.abs(total).max(), rtol=1e-5, atol=1e-7)
    d = snap.derivation
    assert d.batch and d.n_inputs == 20
    assert np.linalg.norm(d.update) == pytest.approx(0.5 * np.linalg.norm(d.pieces["total"]))
    assert "on its batch of 20 inputs" in caption("chain", snap)


def test_before_the_first_step_the_update_is_blank_and_said_so():
    snap = snapshot(Session(**SMALL))
    assert np.isnan(tiles(snap)[4]).all()
    assert "at step 0, on all 100 inputs" in caption("chain", snap)
    assert traces("chain", snap)[0]["labels"][-1][2] == "ΔW\nnone yet"


def test_topk_has_no_slope_and_says_so():
    session = Session(**(SMALL | {"rho": 0.3}), penalty="topk", beta=3.0)
    session.step(2)
    snap = snapshot(session)
    assert snap.derivation.slope is None
    assert "∂Ω/∂ρ̂: none (TopK" in caption("chain", snap)
    assert np.isfinite(tiles(snap)[1]).all()  # β·∂Ω/∂W is there, summed input by input


def test_a_recorded_step_shows_its_own_gradient_and_the_update_after_it():
    session = Session(**SMALL)
    session.step(6)
    rec = session.recording
    snap = snapshot(session, unit=3, at=2)
    d = snap.derivation
    expected = session.model.encoder_gradient(session.X, rec.weights[2])
    np.testing.assert_allclose(d.pieces["total"], expected.total[:, 3], rtol=1e-12)
    assert d.step == 2 and not d.live
    assert "at step 2, on all 100 inputs" in caption("chain", snap)
    np.testing.assert_allclose(snap.rho_hat, expected.rho_hat, rtol=1e-12)


# --------------------------------------------------------------------------- the tug of war
def test_the_tug_of_war_plots_every_units_two_forces_with_the_balance_line():
    session = Session(**SMALL, beta=3.0)
    session.step(5)
    snap = snapshot(session, unit=4)
    g = measure(session).gradient
    units, balance, selected = traces("tug", snap)
    np.testing.assert_allclose(units["x"], g.norms("reconstruction"), rtol=1e-6)
    np.testing.assert_allclose(units["y"], g.norms("sparsity"), rtol=1e-6)
    assert selected["x"][0] == units["x"][4] and selected["y"][0] == units["y"][4]
    # The balance line y = x spans the whole decades around every point: the page's log axes
    # (whole decades around all they show) then span the same on both, corner to corner.
    layout = view_state(BY_NAME["tug"], snap)["layout"]
    assert layout["xaxis"]["nice"] and layout["yaxis"]["nice"]
    np.testing.assert_array_equal(balance["x"], balance["y"])
    decades = np.log10(balance["x"].astype(float))
    np.testing.assert_allclose(decades, np.round(decades), atol=1e-6)
    points = np.concatenate([units["x"], units["y"]])
    assert balance["x"][0] <= points.min() and points.max() <= balance["x"][1]
    above = int(np.sum(units["y"] > units["x"]))
    assert f"sparsity pulls harder: {above} units" in caption("tug", snap)
    assert BY_NAME["tug"].pick(snap, 0, 6) == 6 and BY_NAME["tug"].pick(snap, 1, 0) is None


def test_the_tug_of_war_with_beta_zero_says_there_is_no_sparsity_force():
    session = Session(**SMALL, beta=0.0)
    session.step(2)
    snap = snapshot(session)
    units = traces("tug", snap)[0]
    assert np.isnan(units["y"]).all()  # 0 has no place on a log axis
    assert caption("tug", snap) == "β = 0: no sparsity force"


# --------------------------------------------------------------------------- the history
def test_the_force_history_grows_with_each_frame_and_follows_the_timeline():
    session = Session(**SMALL, beta=3.0)
    for _ in range(5):
        session.step(2)
        snap = snapshot(session, unit=3)
    recon, sparse = traces("unit_forces", snap)
    np.testing.assert_array_equal(recon["x"], [1, 3, 5, 7, 9])
    _, r, s = session.force_history.unit(3)
    np.testing.assert_allclose(recon["y"], r, rtol=1e-6)
    np.testing.assert_allclose(sparse["y"], s, rtol=1e-6)
    assert sparse["y"][-1] == pytest.approx(np.linalg.norm(snap.derivation.pieces["sparsity"]))
    # Scrubbed back to step 4: the points up to there.
    back = snapshot(session, unit=3, at=4)
    np.testing.assert_array_equal(traces("unit_forces", back)[0]["x"], [1, 3])


def test_the_force_history_before_any_frame_says_what_to_do():
    session = Session(**SMALL)
    session.force_history.clear()
    snap = snapshot(session, at=0)  # a recorded step adds nothing to the history
    assert len(traces("unit_forces", snap)[0]["x"]) == 0
    assert "no steps yet" in caption("unit_forces", snap)
