"""Open the dashboard with the settings in the page's address (``?rho=0.05&beta=3&lock=beta``).

The served notebook builds the dashboard, then calls ``from_query(dashboard)``. Under Voila
with ``--preheat_kernel`` the notebook runs before anyone asks for the page, so the address is
not known yet: ``wait_for_request`` blocks until the page's request arrives and puts its query
in ``QUERY_STRING``. Anywhere else (JupyterLab, a script) there is no query.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
import warnings

from ..core.heap import trim
from .contract import Dashboard, SessionDashboard
from .instructor import instruct
from .settings import SESSION_KEYS, apply_settings, parse_query

#: A query asking for the A/B page: mode=compare, or a run's own setting (a.rho=…).
COMPARE = re.compile(r"(^|[?&])(mode=compare|[ab]\.)")


def request_query() -> str:
    """The query string of the page's request ("" outside Voila)."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        # A pool's kernel may wait long for its page: it holds no more than the dashboard
        # built (the building freed ~4 MB of heap glibc keeps otherwise; ``core.heap``).
        trim()
        wait_for_request()
    return os.environ.get("QUERY_STRING", "")


def wait_for_request() -> None:
    """Voila's ``voila.utils.wait_for_request``, without importing ``voila``: that imports
    Voila's whole server (43 MB of every dashboard kernel's ~135). A preheated kernel opens a
    websocket to the server's ``voila/query/<kernel id>``, which sends the request's
    environment (``QUERY_STRING`` and more) as one JSON message when the page is asked for.
    The addresses are the environment variables Voila gives its kernels (``voila<0.6``)."""
    env = os.environ.get
    server = f"{env('VOILA_APP_IP', '127.0.0.1')}:{env('VOILA_APP_PORT', '8866')}"
    base = env("VOILA_WS_BASE_URL", env("VOILA_SERVER_URL", "/"))
    url = f"{env('VOILA_WS_PROTOCOL', 'ws')}://{server}{base}voila/query/{env('VOILA_KERNEL_ID')}"

    async def receive() -> str | None:
        # tornado: ipykernel's own server library, already loaded.
        from tornado.httpclient import HTTPClientError
        from tornado.websocket import websocket_connect

        try:
            ws = await websocket_connect(url, connect_timeout=5)
        except (OSError, HTTPClientError) as exc:  # as Voila: the page opens, on its defaults
            warnings.warn(f"Failed to connect to {url}: {exc}", stacklevel=1)
            return None
        try:
            return await ws.read_message()
        finally:
            ws.close()

    reply: list[str | None] = []
    # In a thread with a loop of its own: the kernel's loop is busy running this notebook.
    waiter = threading.Thread(target=lambda: reply.append(asyncio.run(receive())))
    waiter.start()
    waiter.join()
    if reply and reply[0] is not None:
        os.environ.update(json.loads(reply[0]))


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
