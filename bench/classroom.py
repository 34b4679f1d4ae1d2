"""A whole class on one machine: N students open the dashboard at once.

    python bench/classroom.py [--sizes 10 20 30]

For each class size N, starts ``python -m explorer serve --pool N`` (N kernels preheated with
the dashboard built), waits until the pool is warm, then opens N sessions at once from the
server's point of view, without browsers (the browsers' own JavaScript would measure the
client machine, not the server):

1. GET the dashboard page (Voila hands out a preheated kernel and renders the HTML);
2. open that kernel's websocket and ask for the widgets (``comm_info_request`` for
   ``jupyter.widget``), as the page's widget manager does first.

A session is ready when the reply lists the dashboard's widgets. Prints, per N: ready time
per session (median, max), and the kernels' resident memory (median, max) and the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
import uuid

from tornado.httpclient import AsyncHTTPClient
from tornado.websocket import websocket_connect

from explorer.serving.background import resident_mb, voila_kernels_mb, voila_server

WARM_MB = 120  # a preheated kernel past this has imported plotly and built the dashboard


def wait_until_warm(n: int, timeout: float = 600.0) -> float:
    start = time.monotonic()
    while (warm := sum(mb > WARM_MB for mb in voila_kernels_mb().values())) < n:
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"only {warm} of {n} kernels warmed up")
        time.sleep(0.5)  # polling the pool as it fills
    return time.monotonic() - start


async def session(url: str) -> float:
    """Seconds until one student's dashboard is ready."""
    start = time.perf_counter()
    page = await AsyncHTTPClient().fetch(url, request_timeout=300)
    html = page.body.decode()
    config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', html,
                                  re.S).group(1))  # fmt: skip
    ws_url = url.replace("http", "ws", 1) + f"api/kernels/{config['kernelId']}/channels"
    ws = await websocket_connect(ws_url)
    msg_id = uuid.uuid4().hex
    await ws.write_message(json.dumps({
        "header": {"msg_id": msg_id, "username": "student", "session": uuid.uuid4().hex,
                   "msg_type": "comm_info_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"target_name": "jupyter.widget"},
    }))  # fmt: skip
    while True:
        raw = await ws.read_message()
        if raw is None:
            raise RuntimeError("the kernel's websocket closed")
        if isinstance(raw, bytes):
            continue  # binary frames carry widget buffers, not the reply
        reply = json.loads(raw)
        if reply.get("parent_header", {}).get("msg_id") == msg_id and reply["msg_type"] == (
            "comm_info_reply"
        ):
            assert reply["content"]["comms"], "the kernel holds no widgets"
            ws.close()
            return time.perf_counter() - start


async def classroom(url: str, n: int) -> list[float]:
    return await asyncio.gather(*(session(url) for _ in range(n)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 30])
    args = parser.parse_args()
    print(f"{'students':>9}{'pool warm (s)':>15}{'ready median (s)':>18}{'ready max (s)':>15}"
          f"{'kernel MB median':>18}{'kernel MB max':>15}{'server MB':>11}")  # fmt: skip
    for n in args.sizes:
        with voila_server(extra=["--pool", str(n)], timeout=600) as url:
            warm = wait_until_warm(n)
            ready = asyncio.run(classroom(url, n))
            mem = list(voila_kernels_mb().values())
            server = max(resident_mb(b"explorer\x00serve").values(), default=float("nan"))
        print(f"{n:>9}{warm:>15.1f}{statistics.median(ready):>18.2f}{max(ready):>15.2f}"
              f"{statistics.median(mem):>18.0f}{max(mem):>15.0f}{server:>11.0f}")  # fmt: skip
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
