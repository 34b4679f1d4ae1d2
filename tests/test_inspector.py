"""The unit inspector without a browser: pick a unit, assert on what its row of views shows."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from explorer import Explorer
from explorer.figures import view_traces
from explorer.figures.mosaic import filter_mosaic, grid_shape, tile_at, tile_origin
from explorer.figures.state import PROBE


@pytest.fixture
def app() -> Explorer:
    app = Explorer(dataset="natural-patches", n_samples=1000, random_state=0)
    app.step(5)
    return app


def click(app: Explorer, view: str, trace: int, x: float, y: float, index: object) -> None:
    """What plotly's front end reports for a click on one point (see plotly basewidget)."""
    points = SimpleNamespace(xs=[x], ys=[y], point_inds=[index])
    view_traces(app.figure, view)[trace]._dispatch_on_click(points, None)


def mosaic_click(app: Explorer, unit: int, dy: int = 3, dx: int = 2) -> None:
    """Click pixel (dy, dx) inside ``unit``'s tile of the (flipped) filter mosaic."""
    model, shape = app.session.model, app.session.dataset.image_shape
    top, left = tile_origin(unit, model.n_hidden, shape)
    rows = len(view_traces(app.figure, "filters")[0].z)
    y = rows - 1 - (top + dy)
    click(app, "filters", 0, left + dx, y, [y, left + dx])


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
    click(app, "activations", 0, 7, 0.1, 7)
    assert app.controls["unit"].value == 7
    click(app, "kl", 1, 0.1, 0.1, 4)
    assert app.controls["unit"].value == 4
    mosaic_click(app, 13)
    assert app.controls["unit"].value == 13
    mosaic_click(app, 21, dy=0, dx=0)  # a tile's corner pixel
    assert app.controls["unit"].value == 21


def test_clicking_padding_between_filters_changes_nothing(app: Explorer) -> None:
    app.controls["unit"].value = 3
    mosaic_click(app, 13, dy=8)  # the padding row under tile 13
    assert app.controls["unit"].value == 3


def test_the_inspector_row_shows_the_selected_unit(app: Explorer) -> None:
    app.step(20)
    model = app.session.model
    for unit in (0, 11, 24):
        app.controls["unit"].value = unit
        # Its filter, scaled by its largest weight, drawn flipped like every image.
        w = model.components_[unit]
        z = np.asarray(view_traces(app.figure, "unit_filter")[0].z, dtype=float)[::-1]
        np.testing.assert_allclose(z.ravel(), np.round(w / np.abs(w).max(), 4))
        # Its ρ̂ at every recorded step.
        steps, snaps = app.session.history.rho_hat_matrix()
        line = view_traces(app.figure, "unit_history")[0]
        np.testing.assert_array_equal(line.x, steps)
        np.testing.assert_allclose(line.y, np.clip(snaps[:, unit], 1e-4, 1))
        # The ring on the KL curve and on the bars sits on this unit's ρ̂.
        rho_hat = np.clip(model.rho_hat_[unit], 1e-4, 1)
        assert view_traces(app.figure, "kl")[3].x == pytest.approx([rho_hat])
        assert view_traces(app.figure, "activations")[2].x == (unit,)
        # The caption names it.
        titles = [a.text for a in app.figure.layout.annotations]
        assert any(f"unit {unit} ·" in t for t in titles)


def test_top_inputs_are_the_probe_inputs_with_the_largest_activation(app: Explorer) -> None:
    app.controls["unit"].value = 6
    probe = app.session.X[:PROBE]
    h = app.session.model.transform(probe)[:, 6]
    best = probe[np.argsort(h)[::-1][:8]]
    z = np.asarray(view_traces(app.figure, "unit_top")[0].z, dtype=float)[::-1]
    cols = grid_shape(8)[1]
    for i, image in enumerate(best):
        top, left = (i // cols) * 9, (i % cols) * 9
        np.testing.assert_allclose(z[top : top + 8, left : left + 8].ravel(), np.round(image, 4))
    caption = next(a.text for a in app.figure.layout.annotations if "excite" in a.text)
    assert f"h from {h.max():.2f} down to {np.sort(h)[-8]:.2f}" in caption


def test_unit_range_follows_the_number_of_hidden_units(app: Explorer) -> None:
    app.controls["unit"].value = 24
    app.controls["n_hidden"].value = 10
    assert app.controls["unit"].max == 9 and app.controls["unit"].value == 9
    assert view_traces(app.figure, "activations")[2].x == (9,)
    with pytest.raises(Exception, match="unit=10 is not allowed"):
        app.controls["unit"].value = 10
    assert app.controls["unit"].value == 9
