"""A/B panel: open two runs side by side (the ``Comparison`` dashboard) with one click.

Served by Voila the comparison is the same page with ``?mode=compare&a.…&b.…``; in
JupyterLab it is ``notebooks/compare.ipynb`` or ``Comparison(a={...}, b={...})`` in a cell.
"""

from __future__ import annotations

import html
import os
from typing import Any

import ipywidgets as widgets

from ..contract import SessionDashboard
from ..live import LINK
from ..settings import to_query

#: (what the pair teaches, run A's settings, run B's settings)
PAIRS = (
    (
        "ρ = 0.01 against ρ = 0.1: each run's units settle at its own target",
        {"rho": 0.01},
        {"rho": 0.1},
    ),
    (
        "KL against L1 (β = 0.01): L1 pulls every unit toward 0 and ignores ρ",
        {"penalty": "kl"},
        {"penalty": "l1", "beta": 0.01},
    ),
    (
        "β = 0 against β = 3: without the penalty nothing makes the code sparse",
        {"beta": 0.0},
        {"beta": 3.0},
    ),
)


def compare_link(a: dict[str, Any], b: dict[str, Any]) -> str:
    """The relative address of the comparison page of runs ``a`` and ``b``."""
    parts = [
        f"{run}.{item}"
        for run, settings in (("a", a), ("b", b))
        for item in to_query(settings).split("&")
        if item
    ]
    return "?mode=compare&" + "&".join(parts)


def compare_panel(dash: SessionDashboard) -> widgets.HTML:
    """Links to comparison pages under Voila; the code to run elsewhere."""
    served = "VOILA_KERNEL_ID" in os.environ or "VOILA_BASE_URL" in os.environ
    items = []
    for lesson, a, b in PAIRS:
        if served:
            href = html.escape(compare_link(a, b))
            item = f"<a href='{href}' target='_blank' style='{LINK}'>{lesson}</a>"
        else:
            item = f"{lesson}: <code>Comparison(a={a!r}, b={b!r})</code>"
        items.append(f"<li>{item}</li>")
    where = (
        "Each opens in a new tab"
        if served
        else "Run the line in a cell (<code>from explorer.app import Comparison</code>), or "
        "open <code>notebooks/compare.ipynb</code>"
    )
    return widgets.HTML(
        "<p>Two runs on the same data from the same initial weights, trained in lockstep, "
        f"one row of plots each. {where}:</p><ul>{''.join(items)}</ul>"
    )
