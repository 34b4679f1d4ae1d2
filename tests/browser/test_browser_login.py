"""The login off loopback, for real: ``serve --host 0.0.0.0`` with a token refuses the page
and a kernel's websocket (Voila serves no other kernel API) to whoever lacks it, and with it
the dashboard is live in the browser."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from tornado.httpclient import HTTPClientError
from tornado.websocket import websocket_connect

from explorer.serving.background import voila_server
from explorer.serving.page import Dashboard

TOKEN = "a-test-token-of-the-classroom-0123"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with voila_server(extra=["--host", "0.0.0.0", "--token", TOKEN]) as url:
        yield url


def status(url: str) -> tuple[int, str]:
    """The first answer's status and where it redirects (redirects are not followed)."""

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(Stay).open(url, timeout=120) as reply:
            return reply.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", "")


def refused(url: str) -> bool:
    """Answered 403, or sent to the login page: nothing of the server's is given out."""
    code, where = status(url)
    return code == 403 or (code == 302 and where.startswith("/login"))


def kernel_id(server: str) -> str:
    with urllib.request.urlopen(f"{server}?token={TOKEN}", timeout=120) as reply:
        html = reply.read().decode()
    config = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', html, re.S).group(1)
    return json.loads(config)["kernelId"]


def opens_websocket(url: str) -> bool:
    async def attempt() -> bool:
        try:
            ws = await websocket_connect(url)
        except HTTPClientError as exc:
            assert exc.code == 403, exc
            return False
        ws.close()
        return True

    return asyncio.run(attempt())


def test_without_the_token_the_page_is_refused(server):
    assert refused(server)
    assert refused(f"{server}?token=wrong-token-0123456789")
    assert status(f"{server}?token={TOKEN}")[0] == 200


def test_a_kernels_websocket_opens_only_with_the_token(server):
    channels = server.replace("http", "ws", 1) + f"api/kernels/{kernel_id(server)}/channels"
    assert not opens_websocket(channels)
    assert opens_websocket(f"{channels}?token={TOKEN}")


def test_with_the_token_the_dashboard_is_live(browser, server):
    dash = Dashboard.open(browser, f"{server}?token={TOKEN}")
    try:
        dash.button("Step").click()
        assert dash.wait_for_step_above(0) >= 1
    finally:
        dash.close()


def test_the_login_page_takes_the_token(browser, server):
    """A student who has only the token types it into the login page and gets the dashboard."""
    page = browser.new_page()
    try:
        page.goto(server, timeout=120_000)
        assert "/login" in page.url
        # Jupyter's page offers to set a password with the token: not on a classroom server.
        assert page.get_by_text("Setup a Password").count() == 0
        page.fill("input[type=password]", TOKEN)
        page.keyboard.press("Enter")
        page.wait_for_selector(".sae-board", timeout=120_000)
    finally:
        page.close()
