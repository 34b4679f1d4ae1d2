"""How a preheated kernel learns its page's address: Voila's request-info websocket, spoken
without importing Voila (tests/browser/test_browser.py checks it against the real server)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
import tornado.web
import tornado.websocket

from explorer.app import query
from explorer.serving.voila import free_port

KERNEL = "0c0ffee0-1234"
REQUEST = {"QUERY_STRING": "rho=0.05&beta=3", "SCRIPT_NAME": "/", "SERVER_NAME": "localhost"}


@pytest.fixture
def voila_query_server() -> Iterator[tuple[int, list[str]]]:
    """A stand-in for Voila's ``voila/query/<kernel id>`` handler: sends the request once."""
    opened: list[str] = []

    class Handler(tornado.websocket.WebSocketHandler):
        def open(self, kernel_id: str) -> None:
            opened.append(kernel_id)
            self.write_message(json.dumps(REQUEST))

    port = free_port()
    ready = threading.Event()
    loop: list[asyncio.AbstractEventLoop] = []

    def serve() -> None:
        async def main() -> None:
            app = tornado.web.Application([(r"/voila/query/(.*)", Handler)])
            app.listen(port, address="127.0.0.1")
            loop.append(asyncio.get_running_loop())
            ready.set()
            await asyncio.Event().wait()

        try:
            asyncio.run(main())
        except RuntimeError:  # the loop stopped by the fixture's teardown
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    yield port, opened
    loop[0].call_soon_threadsafe(loop[0].stop)


def test_a_preheated_kernel_gets_its_pages_query_from_the_server(voila_query_server, monkeypatch):
    port, opened = voila_query_server
    for name, value in {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": str(port),
                        "VOILA_KERNEL_ID": KERNEL, "VOILA_SERVER_URL": "/"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    assert query.request_query() == "rho=0.05&beta=3"
    assert opened == [KERNEL]


def test_without_the_server_the_page_opens_on_its_defaults(monkeypatch):
    for name, value in {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": str(free_port()),
                        "VOILA_KERNEL_ID": KERNEL}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    with pytest.warns(UserWarning, match="Failed to connect to ws://127.0.0.1:"):
        assert query.request_query() == ""


def test_a_preheated_kernel_gives_back_its_free_heap_before_it_waits(monkeypatch):
    """A pool's kernel may wait long for its page: it holds what the dashboard needs, not
    the heap its building freed (``core.heap``)."""
    done = []
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(query, "trim", lambda: done.append("trim"))
    monkeypatch.setattr(query, "wait_for_request", lambda: done.append("wait"))
    query.request_query()
    assert done == ["trim", "wait"]


def test_outside_a_preheated_kernel_nothing_waits(monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")  # a Voila kernel started for its page
    monkeypatch.setenv("QUERY_STRING", "beta=3")
    assert query.request_query() == "beta=3"


def test_the_dashboard_kernel_does_not_import_voila_or_pillow():
    """Importing voila costs a dashboard kernel 43 MB (its whole server); Pillow 3.5 MB, for
    the PNGs, movies and uploads most kernels never make (imported with the first)."""
    code = (
        "import sys; from explorer import Explorer; from explorer.app.query import from_query;"
        "from_query(Explorer(n_samples=300)); print('voila' in sys.modules, 'PIL' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
