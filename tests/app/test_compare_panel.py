"""The A/B panel: its links open comparison pages that the query parser reads back."""

from __future__ import annotations

from explorer import Explorer
from explorer.app.panels.compare import PAIRS, compare_link, compare_panel
from explorer.app.query import from_query
from explorer.app.settings import parse_query


def test_each_link_reads_back_as_its_two_runs() -> None:
    for _, a, b in PAIRS:
        settings = parse_query(compare_link(a, b))
        assert settings["mode"] == "compare" and settings["a"] == a and settings["b"] == b


def test_a_link_opens_a_comparison_of_exactly_those_runs() -> None:
    _, a, b = PAIRS[1]  # KL against L1
    shown = from_query(Explorer(n_samples=300), compare_link(a, b))
    assert shown.sessions["A"].model.penalty == "kl"
    assert shown.sessions["B"].model.penalty == "l1" and shown.sessions["B"].model.beta == 0.01


def test_the_panel_links_under_voila_and_shows_code_elsewhere(monkeypatch) -> None:
    app = Explorer(n_samples=300)
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    monkeypatch.delenv("VOILA_BASE_URL", raising=False)
    assert "<a href" not in compare_panel(app).value
    assert "Comparison(a={'rho': 0.01}, b={'rho': 0.1})" in compare_panel(app).value
    monkeypatch.setenv("VOILA_KERNEL_ID", "k")
    html = compare_panel(app).value
    assert html.count("<a href='?mode=compare&amp;a.") == len(PAIRS)
