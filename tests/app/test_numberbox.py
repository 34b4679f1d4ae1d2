"""The number boxes (seed, inspect unit) take what was typed or refuse it, saying why, and keep
the value in use: never a silent rewrite ("3.7" read as 37, "-5" as 0)."""

from __future__ import annotations

import html

import numpy as np
import pytest

from explorer import Explorer
from explorer.app.numberbox import NumberBox, read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        (" 12 ", 12),
        ("+3", 3),
        ("0", 0),
        ("2147483647", 2147483647),
        ("3.7", "'3.7' is not a whole number"),
        ("3.0", "'3.0' is not a whole number"),
        ("1e30", "'1e30' is not a whole number"),
        ("1e3", "'1e3' is not a whole number"),
        ("-5", "-5 is outside the range"),
        ("2147483648", "2147483648 is outside the range"),
        ("abc", "'abc' is not a whole number"),
        ("", "nothing is not a whole number"),
        ("   ", "nothing is not a whole number"),
        ("0x10", "'0x10' is not a whole number"),
        ("1_000", "'1_000' is not a whole number"),
        ("٣", "'٣' is not a whole number"),  # int() would take an Arabic-Indic three
    ],
)
def test_read_takes_whole_numbers_in_range_and_says_why_not(text, expected):
    got = read(text, 0, 2**31 - 1)
    if isinstance(expected, int):
        assert got == expected and isinstance(got, int)
    else:
        assert isinstance(got, str) and got.startswith(expected), got
        assert got.endswith("type a whole number from 0 to 2147483647")


class Sent(list):
    """Messages a box sent to its page."""

    def __call__(self, content, buffers=None):
        self.append(content)


@pytest.fixture
def app(make_explorer) -> Explorer:
    return make_explorer(dataset="bars", random_state=2, n_hidden=9, steps=3)


def watch(box: NumberBox, monkeypatch) -> Sent:
    sent = Sent()
    monkeypatch.setattr(box, "send", sent)
    return sent


@pytest.mark.parametrize("text", ["3.7", "1e30", "-5", "abc", "", "2147483648"])
def test_a_refused_seed_changes_nothing_and_says_why_in_the_page(app, monkeypatch, text):
    box = app.controls["seed"]
    sent = watch(box, monkeypatch)
    weights = app.session.model.theta_.copy()
    assert box.type(text) is False
    assert box.value == 2 and app.session.model.random_state == 2
    assert app.session.n_steps == 3  # training did not restart
    np.testing.assert_array_equal(app.session.model.theta_, weights)
    (reply,) = sent
    assert reply["type"] == "refused" and reply["value"] == 2
    # Named as the page labels it, with what was typed, what is allowed, what stays.
    assert reply["message"].startswith("seed: ")
    assert "type a whole number from 0 to 2147483647" in reply["message"]
    assert reply["message"].endswith("It stays 2.")
    assert html.escape(reply["message"]) in app.status.value
    assert "Nothing was lost" in app.status.value


def test_a_typed_seed_is_taken_exactly_and_restarts(app, monkeypatch):
    sent = watch(app.controls["seed"], monkeypatch)
    assert app.controls["seed"].type(" 37 ")
    assert app.session.model.random_state == 37 and app.session.n_steps == 0
    assert sent == [{"type": "taken", "value": 37, "snapped": 37}]
    assert "Changing seed restarted training from step 0." in app.status.value


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("99", "99 is outside the range"),
        ("-1", "-1 is outside the range"),
        ("2.5", "'2.5' is not a whole number"),
    ],
)
def test_the_inspect_unit_box_refuses_a_unit_the_network_lacks(app, monkeypatch, text, why):
    box = app.controls["unit"]
    box.type("4")
    sent = watch(box, monkeypatch)
    assert box.type(text) is False
    assert box.value == 4 and "unit 4 ·" in app.board.caption("unit_history")
    (reply,) = sent
    # 9 hidden units: 0 to 8.
    assert reply["message"] == f"inspect unit: {why}: type a whole number from 0 to 8. It stays 4."


def test_the_unit_box_range_follows_the_hidden_units(app):
    box = app.controls["unit"]
    box.type("8")
    app.controls["n_hidden"].value = 5
    assert (box.min, box.max, box.value) == (0, 4, 4)
    assert box.type("8") is False and box.value == 4


def test_a_locked_box_takes_nothing_typed(app, monkeypatch):
    from explorer.app.instructor import instruct

    instruct(app, lock=["seed"])
    box = app.controls["seed"]
    assert box.disabled
    box._on_page_message(box, {"type": "typed", "text": "5"}, [])
    assert app.session.model.random_state == 2


# ----------------------------------------------------------------------------- slider readouts
@pytest.mark.parametrize(
    ("name", "text", "why"),
    [
        ("rho", "5", "5 is outside the range: type a number from 0.001 to 0.5"),
        ("rho", "abc", "'abc' is not a number: type a number from 0.001 to 0.5"),
        ("rho", "0.5x", "'0.5x' is not a number"),  # parseFloat would have read 0.5
        ("rho", "1e-5", "1e-5 is outside the range"),
        ("beta", "-3", "-3 is outside the range: type a number from 0 to 10"),
        ("learning_rate", "nan", "'nan' is not a number"),
        ("learning_rate", "inf", "'inf' is not a number"),
        ("n_hidden", "3.7", "'3.7' is not a whole number: type a whole number from 1 to 200"),
        ("n_hidden", "500", "500 is outside the range"),
        ("speed", "0", "0 is outside the range: type a whole number from 1 to 100"),
    ],
)
def test_a_slider_readout_refuses_what_the_slider_cannot_take(app, monkeypatch, name, text, why):
    slider = app.controls[name]
    box = slider.box
    sent = watch(box, monkeypatch)
    before, steps = app.session.get_params(), app.session.n_steps
    assert box.type(text) is False
    assert app.session.get_params() == before and app.session.n_steps == steps
    (reply,) = sent
    assert reply["type"] == "refused" and reply["value"] == slider.value
    assert reply["message"].startswith(f"{slider.plain_label}: {why}"), reply["message"]
    assert reply["message"].endswith(f"It stays {slider.value:{box.fmt}}.")
    assert html.escape(reply["message"]) in app.status.value


def test_a_slider_readout_sets_the_slider_as_dragging_would(app, monkeypatch):
    sent = watch(app.controls["rho"].box, monkeypatch)
    assert app.controls["rho"].box.type("0.05")
    assert app.session.model.rho == 0.05 and app.session.n_steps == 3  # live: no restart
    # The page's slider moves 0.05 onto its grid: the page is told, to show 0.05 meanwhile.
    (taken,) = sent
    assert taken["type"] == "taken" and taken["value"] == 0.05
    assert taken["snapped"] == pytest.approx(10**-1.3, rel=1e-12) != 0.05
    assert app.controls["rho"].box.type(" 5e-1 ") and app.session.model.rho == 0.5  # the end
    assert app.controls["n_hidden"].box.type("7")
    assert app.session.model.n_hidden == 7 and app.session.n_steps == 0


def test_a_slider_readout_is_locked_and_hidden_with_its_slider(app):
    from explorer.app.instructor import instruct

    box = app.controls["beta"].box
    instruct(app, lock=["beta"], hide=["rho"])
    assert box.disabled and app.controls["rho"].box.layout.display == "none"
    box._on_page_message(box, {"type": "typed", "text": "5"}, [])
    assert app.session.model.beta == 3.0
    instruct(app, lock=[], hide=[])
    assert not box.disabled and app.controls["rho"].box.layout.display is None


def test_only_the_page_echoing_a_value_onto_its_grid_is_ignored(app):
    rho, beta = app.controls["rho"], app.controls["beta"]
    rho.value = 0.05  # from code (a link): the page puts the slider on its grid point 0.0501
    rho.set_state({"value": 10**-1.3})  # and sends that back, as the page does
    assert app.session.model.rho == 0.05  # the run keeps the value chosen
    # From code or a readout, 0 after 0.001 is a choice, though 0 is 0.001 on β's grid.
    assert beta.box.type("0.001") and app.session.model.beta == 0.001
    assert beta.box.type("0") and app.session.model.beta == 0.0
    beta.value = 0.001
    beta.value = 0.0
    assert app.session.model.beta == 0.0
    rho.set_state({"value": 0.2})  # a real move in the page is taken
    assert app.session.model.rho == 0.2
