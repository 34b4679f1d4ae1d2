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
def app(monkeypatch) -> Explorer:
    app = Explorer(dataset="bars", n_samples=300, random_state=2, n_hidden=9)
    app.step(3)
    return app


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
    assert sent == [{"type": "taken", "value": 37}]
    assert "Changing seed restarted training from step 0." in app.status.value


@pytest.mark.parametrize(("text", "why"), [("99", "99 is outside the range"),
                                           ("-1", "-1 is outside the range"),
                                           ("2.5", "'2.5' is not a whole number")])  # fmt: skip
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
    from explorer.app.settings import instruct

    instruct(app, lock=["seed"])
    box = app.controls["seed"]
    assert box.disabled
    box._on_page_message(box, {"type": "typed", "text": "5"}, [])
    assert app.session.model.random_state == 2
