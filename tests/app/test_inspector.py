"""The unit inspector without a browser: pick a unit, assert on what its row of views shows."""

from __future__ import annotations

import numpy as np
import pytest

from explorer import Explorer
from explorer.figures.mosaic import filter_mosaic, grid_shape, tile_at, tile_origin
from explorer.figures.state import PROBE


@pytest.fixture
def app(make_explorer) -> Explorer:
    return make_explorer(n_samples=1000, steps=5)


def click(app: Explorer, view: str, a: int, b: int) -> None:
    """What the page reports for a click on ``view`` (board.js): (trace, point) on a chart,
    (row, col) of the pixel on an image."""
    app.board._on_page_message(app.board, {"type": "click", "view": view, "a": a, "b": b}, [])


def mosaic_click(app: Explorer, unit: int, dy: int = 3, dx: int = 2) -> None:
    """Click pixel (dy, dx) inside ``unit``'s tile of the filter mosaic (row 0 at the top)."""
    model, shape = app.session.model, app.session.dataset.image_shape
    top, left = tile_origin(unit, model.n_hidden, shape)
    assert app.board.traces("filters")[0]["z"].shape[0] > top + dy  # on the mosaic drawn
    click(app, "filters", top + dy, left + dx)


@pytest.mark.parametrize("n_tiles", [1, 7, 25, 30, 196])
def test_tile_at_inverts_tile_origin_and_ignores_padding(n_tiles: int) -> None:
    shape = (8, 6)
    mosaic = filter_mosaic(np.ones((n_tiles, 48)), shape)
    for index in range(n_tiles):
        top, left = tile_origin(index, n_tiles, shape)
        assert tile_at(top + 7, left + 5, n_tiles, shape) == index
        assert not np.isnan(mosaic[top + 7, left + 5])
    # Every NaN pixel (padding, unused cells) maps to no tile; every other pixel to one.
    for row, col in np.ndindex(mosaic.shape):
        assert (tile_at(row, col, n_tiles, shape) is None) == bool(np.isnan(mosaic[row, col]))


def test_clicking_a_bar_a_kl_dot_or_a_filter_selects_that_unit(app: Explorer) -> None:
    click(app, "activations", 0, 7)
    assert app.controls["unit"].value == 7
    click(app, "kl", 1, 4)
    assert app.controls["unit"].value == 4
    mosaic_click(app, 13)
    assert app.controls["unit"].value == 13
    mosaic_click(app, 21, dy=0, dx=0)  # a tile's corner pixel
    assert app.controls["unit"].value == 21


def test_clicking_padding_between_filters_changes_nothing(app: Explorer) -> None:
    app.controls["unit"].value = 3
    mosaic_click(app, 13, dy=8)  # the padding row under tile 13
    assert app.controls["unit"].value == 3
    top, left = tile_origin(13, app.session.model.n_hidden, app.session.dataset.image_shape)
    assert np.isnan(app.board.traces("filters")[0]["z"][top + 8, left + 2])  # drawn blank


def test_the_inspector_row_shows_the_selected_unit(app: Explorer) -> None:
    app.step(20)
    model = app.session.model
    for unit in (0, 11, 24):
        app.controls["unit"].value = unit
        # Its filter, scaled by its largest weight (row 0 of the image at the top).
        w = model.components_[unit]
        z = app.board.traces("unit_filter")[0]["z"]
        assert z.shape == app.session.dataset.image_shape
        np.testing.assert_allclose(z.ravel(), w / np.abs(w).max(), rtol=1e-6)
        # Its ρ̂ at every recorded step.
        steps, snaps = app.session.history.rho_hat_matrix()
        line = app.board.traces("unit_history")[0]
        np.testing.assert_array_equal(line["x"], steps)
        np.testing.assert_allclose(line["y"], np.clip(snaps[:, unit], 1e-4, 1), rtol=1e-6)
        # The ring on the KL curve and on the bars sits on this unit's ρ̂; the filter
        # mosaic frames its tile.
        rho_hat = np.clip(model.rho_hat_[unit], 1e-4, 1)
        assert app.board.traces("kl")[3]["x"].tolist() == pytest.approx([rho_hat], rel=1e-6)
        assert app.board.traces("activations")[2]["x"].tolist() == [unit]
        shape = app.session.dataset.image_shape
        top, left = tile_origin(unit, model.n_hidden, shape)
        assert app.board.traces("filters")[0]["ring"] == [top, left, *shape]
        # The caption names it.
        assert f"unit {unit} ·" in app.board.caption("unit_history")


def test_top_inputs_are_the_probe_inputs_with_the_largest_activation(app: Explorer) -> None:
    app.controls["unit"].value = 6
    probe = app.session.X[:PROBE]
    h = app.session.model.transform(probe)[:, 6]
    best = probe[np.argsort(h)[::-1][:8]]
    z = app.board.traces("unit_top")[0]["z"]
    cols = grid_shape(8)[1]
    for i, image in enumerate(best):
        top, left = (i // cols) * 9, (i % cols) * 9
        np.testing.assert_allclose(z[top : top + 8, left : left + 8].ravel(), image, rtol=1e-6)
    caption = app.board.caption("unit_top")
    assert f"h from {h.max():.2f} down to {np.sort(h)[-8]:.2f}" in caption


def test_unit_range_follows_the_number_of_hidden_units(app: Explorer) -> None:
    app.controls["unit"].value = 24
    app.controls["n_hidden"].value = 10
    assert app.controls["unit"].max == 9 and app.controls["unit"].value == 9
    assert app.board.traces("activations")[2]["x"].tolist() == [9]
    with pytest.raises(Exception, match="unit=10 is not allowed"):
        app.controls["unit"].value = 10
    assert app.controls["unit"].value == 9
