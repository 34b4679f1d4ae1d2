"""The dashboard's recovery views: shown with the data's true features, clickable."""

from __future__ import annotations

from explorer import Explorer
from explorer.core.recovery import recovery


def click(app: Explorer, view: str, a: int, b: int) -> None:
    app.board._on_page_message(app.board, {"type": "click", "view": view, "a": a, "b": b}, [])


def test_the_board_shows_recovery_with_true_features_and_a_click_picks_the_unit():
    app = Explorer(dataset="natural-patches", n_samples=300, random_state=0)
    assert app.board.hidden("recovery") and app.board.traces("recovery") == []
    app.controls["dataset"].value = "sparse-dictionary"
    app.step(2)
    assert not app.board.hidden("recovery") and not app.board.hidden("recovery_pairs")
    assert app.board.caption("recovery").startswith("recovered ")
    truth = app.session.dataset.true_features
    W2 = app.session.model.params_["W2"]
    unit = int(recovery(truth, W2, app.session.model.params_["W1"]).decoder_unit[5])
    click(app, "recovery", 0, 5)  # feature 5's bar
    assert app.controls["unit"].value == unit
    assert 5 in app.board.traces("recovery")[4]["x"]  # the selected unit's feature, ringed
    app.controls["dataset"].value = "digits"
    assert app.board.hidden("recovery") and app.board.hidden("recovery_pairs")
