"""The recovery views: each true feature's best cosine, the matched pairs side by side, shown
only on data whose true features are known; and the pair mosaic they are drawn with."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.recovery import THRESHOLD, best_cosine_by_chance
from explorer.figures import VIEWS, FrameEncoder, snapshot, spec, view_state
from explorer.figures.mosaic import (
    PAIR_GAP,
    by_largest,
    pair_at,
    pair_grid,
    pair_mosaic,
    pair_origin,
)
from explorer.training import Session

RECOVERY = {v.name: v for v in VIEWS if v.name in ("recovery", "recovery_pairs")}


def session(dataset: str, **params) -> Session:
    return Session(dataset, 200, 0, **({"n_hidden": 25} | params))


def traces(view: str, snap) -> list[dict]:
    return [t["style"] | t["arrays"] for t in view_state(RECOVERY[view], snap)["traces"]]


@pytest.fixture(scope="module")
def dictionary_decoder():
    """A session on the sparse dictionary whose decoder columns are the atoms themselves
    (feature i in unit ORDER[i], scaled): every true feature recovered."""
    s = session("sparse-dictionary")
    order = np.random.default_rng(0).permutation(25)[:20]
    s.model.params_["W2"][order] = 3.0 * s.dataset.true_features
    return s, order


# ---------------------------------------------------------------------------- shown or not
def test_only_data_with_true_features_shows_them():
    assert set(RECOVERY) == {"recovery", "recovery_pairs"}
    for name in ("natural-patches", "digits"):
        state = view_state(RECOVERY["recovery"], snapshot(session(name), forces=False))
        assert state == {"traces": [], "caption": "", "layout": {}, "hidden": True}
    for name in ("bars", "sparse-dictionary"):
        for view in RECOVERY.values():
            state = view_state(view, snapshot(session(name), forces=False))
            assert not state["hidden"] and state["traces"]
    # The page builds them hidden until a frame shows them; every other view is always shown.
    assert {v["name"] for v in spec(VIEWS) if v["optional"]} == set(RECOVERY)
    assert all(v.shown is None for v in VIEWS if v.name not in RECOVERY)


def test_a_frame_shows_and_hides_them_when_the_data_changes():
    s = session("digits")
    encoder = FrameEncoder()
    states = lambda: {v.name: view_state(v, snapshot(s, forces=False)) for v in RECOVERY.values()}  # noqa: E731
    first, _ = encoder.encode(states())
    assert first["views"]["recovery"]["hidden"] is True
    s.set_params(dataset="sparse-dictionary")
    shown, _ = encoder.encode(states())
    part = shown["views"]["recovery"]
    assert part["hidden"] is False and part["reset"] and len(part["traces"]) == 5
    s.set_params(dataset="natural-patches")
    hidden, _ = encoder.encode(states())
    part = hidden["views"]["recovery"]
    assert part["hidden"] is True and part["traces"] == []


# ---------------------------------------------------------------------------- the score chart
def test_the_chart_draws_each_features_best_cosines_and_the_two_levels(dictionary_decoder):
    s, order = dictionary_decoder
    snap = snapshot(s, unit=int(order[4]), forces=False)
    decoder, encoder, threshold, chance, selected = traces("recovery", snap)
    assert list(decoder["x"]) == list(range(20)) and decoder["type"] == "bar"
    np.testing.assert_allclose(decoder["y"], 1.0, atol=1e-6)
    np.testing.assert_allclose(encoder["y"], snap.truth.score.encoder_cosine, rtol=1e-6)
    assert list(threshold["y"]) == [np.float32(THRESHOLD)] * 2
    assert chance["y"][0] == np.float32(best_cosine_by_chance(25, 64)[0])
    assert list(selected["x"]) == [4]  # the feature the selected unit recovered
    caption = view_state(RECOVERY["recovery"], snap)["caption"]
    assert caption.startswith("recovered 20 of 20 (cosine > 0.9) by a decoder column")
    assert "mean best cosine 1.00 (decoder)" in caption


def test_fresh_weights_score_about_chance_and_recover_nothing():
    snap = snapshot(session("sparse-dictionary"), forces=False)
    assert snap.truth.score.recovered == 0
    mean, std = best_cosine_by_chance(25, 64)
    assert abs(snap.truth.score.mean_cosine - mean) < 5 * std / np.sqrt(20)
    assert "recovered 0 of 20" in view_state(RECOVERY["recovery"], snap)["caption"]


def test_a_click_on_a_feature_selects_its_best_unit(dictionary_decoder):
    s, order = dictionary_decoder
    snap = snapshot(s, forces=False)
    pick = RECOVERY["recovery"].pick
    assert pick(snap, 0, 7) == order[7]  # its bar: the best decoder unit
    assert pick(snap, 1, 7) == snap.truth.score.encoder_unit[7]  # its dot: the best filter's
    assert pick(snap, 2, 0) is None and pick(snap, 0, 20) is None


# ---------------------------------------------------------------------------- the pairs
def test_the_pairs_show_each_feature_above_its_matched_decoder_column(dictionary_decoder):
    s, order = dictionary_decoder
    snap = snapshot(s, unit=int(order[9]), forces=False)
    (image,) = traces("recovery_pairs", snap)
    z, (h, w) = image["z"], snap.image_shape
    for i in range(20):
        top, left = pair_origin(i, 20, (h, w))
        upper, lower = (
            z[top : top + h, left : left + w],
            z[top + h + 1 : top + 2 * h + 1, left : left + w],
        )
        expected = by_largest(s.dataset.true_features[i : i + 1]).reshape(h, w)
        np.testing.assert_allclose(upper, expected, atol=1e-6)
        np.testing.assert_allclose(lower, upper, atol=1e-6)  # the decoder is the feature
    assert list(image["range"]) == [-1, 1]
    # The selected unit's pair is framed, both images.
    assert image["ring"] == [*pair_origin(9, 20, (h, w)), 2 * h + 1, w]
    top, left = pair_origin(9, 20, (h, w))
    assert RECOVERY["recovery_pairs"].pick(snap, top + h + 3, left + 2) == order[9]


def test_on_bars_a_trained_unit_would_be_matched_to_its_bar():
    s = session("bars", n_hidden=20)
    # Unit 5's decoder is horizontal bar 2 (positive there, negative elsewhere, as a sigmoid
    # decoder's column is): the best match of bar 2, above the threshold.
    bar = s.dataset.true_features[2]
    s.model.params_["W2"][5] = 4 * bar - 0.1
    snap = snapshot(s, unit=5, forces=False)
    assert snap.truth.score.decoder_unit[2] == 5
    assert snap.truth.score.decoder_cosine[2] > THRESHOLD
    assert snap.truth.score.recovered == 1


# ---------------------------------------------------------------------------- the mosaic
@pytest.mark.parametrize(("n", "grid"), [(1, (1, 1)), (16, (2, 8)), (20, (3, 7)), (3, (1, 3))])
def test_pair_grid_is_about_twice_as_wide_as_tall(n, grid):
    assert pair_grid(n) == grid


@pytest.mark.parametrize("n", [1, 5, 16, 20])
def test_pair_at_finds_every_pixel_of_every_pair_and_none_between(n):
    shape = (3, 4)
    top = np.arange(n * 12, dtype=float).reshape(n, 12)
    z = pair_mosaic(top, -top - 1, shape)
    for i in range(n):
        y, x = pair_origin(i, n, shape)
        assert pair_at(y, x, n, shape) == i and pair_at(y + 6, x + 3, n, shape) == i
        assert z[y, x] == top[i, 0] and z[y + 4, x] == -top[i, 0] - 1
        assert np.isnan(z[y + 3, x])  # the gap inside a pair
    # Between pairs: the column after each, the rows between rows of pairs.
    assert all(pair_at(r, 4, n, shape) is None for r in range(z.shape[0]))
    if pair_grid(n)[0] > 1:
        assert np.isnan(z[7 : 7 + PAIR_GAP]).all()
        assert all(pair_at(7, c, n, shape) is None for c in range(z.shape[1]))
    assert pair_at(-1, 0, n, shape) is None
