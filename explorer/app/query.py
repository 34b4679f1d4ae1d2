"""Open the dashboard with the settings in the page's address (``?rho=0.05&beta=3&lock=beta``).

The served notebook builds the dashboard, then calls ``from_query(dashboard)``. Under Voila
with ``--preheat_kernel`` the notebook runs before anyone asks for the page, so the address is
not known yet: ``voila.utils.wait_for_request`` blocks until the page's request arrives and
puts its query in ``QUERY_STRING``. Anywhere else (JupyterLab, a script) it returns at once
and there is no query.
"""

from __future__ import annotations

import os
import re

from .contract import Dashboard, SessionDashboard
from .settings import SESSION_KEYS, apply_settings, instruct, parse_query

#: A query asking for the A/B page: mode=compare, or a run's own setting (a.rho=…).
COMPARE = re.compile(r"(^|[?&])(mode=compare|[ab]\.)")


def request_query() -> str:
    """The query string of the page's request ("" outside Voila)."""
    from voila.utils import wait_for_request  # returns at once outside a preheated kernel

    wait_for_request()
    return os.environ.get("QUERY_STRING", "")


def from_query(dash: SessionDashboard, query: str | None = None) -> Dashboard:
    """Apply the settings of ``query`` (default: the page's address) to ``dash``; return the
    widget to display.

    ``mode=compare`` returns a ``Comparison`` of the runs ``a.…`` and ``b.…`` sharing the
    unprefixed settings; otherwise ``dash``. A bad query never stops the page from opening:
    the error is shown in ``dash``'s status line and the defaults stay.
    """
    if query is None:
        query = request_query()  # once: a preheated kernel hears of its request only once
    try:
        settings = parse_query(query, dash.controls)
        if settings.get("mode") != "compare":
            apply_settings(dash, settings)
            return dash
        from .compare import Comparison  # built only for a comparison page

        shared = {k: v for k, v in settings.items() if k in SESSION_KEYS}
        comparison = Comparison(a=settings["a"], b=settings["b"], **shared)
        if "lock" in settings or "hide" in settings:
            instruct(comparison, settings.get("lock"), settings.get("hide"))
        return comparison
    except Exception as exc:  # the page must open whatever the address holds
        if COMPARE.search(query):
            exc = ValueError(
                f"{exc} The comparison this link asks for could not open, so this "
                "is the single-run dashboard, on its defaults."
            )
        dash.show_error(exc)
        return dash
