"""A whole class on one machine: N students open the dashboard at once.

    python bench/classroom.py [--sizes 10 30 60] [--quick] [--serve-args ...]

For each class size N, starts ``python -m explorer serve --pool N`` (N kernels preheated with
the dashboard built), waits until the pool is warm and the machine quiet, then opens N
sessions at once. A session does what a browser must before the dashboard is there, without
the browser's own JavaScript (that would measure the client machine, not the server):

1. GET the page (Voila hands out a preheated kernel and sends the rendered notebook);
2. GET every file the page loads from the server: the list a real Chromium fetched when it
   opened the dashboard once, recorded at the start of the run (Voila's bundle, the widget
   managers', the fonts), six at a time as a browser does;
3. open the kernel's websocket and ask for every widget's state at once (the
   ``jupyter.widget.control`` comm's ``request_states``, as ipywidgets 8's manager does; it
   gives up after 4 s and falls back to asking widget by widget);
4. plotly.js: the page served with our template fetches it as one of the files of step 2;
   a page that did not (an older template) asks the board for it (its ``plotly`` message),
   which sends it as a binary message.

A session is ready when all of that has arrived. Prints, per N: ready time (median, max),
the resident memory of the students' kernels after the sessions (median, max), the
server's, and what would run out first beyond N: memory (what the machine had available
before the run, over a kernel's) or time (the slowest session, growing with N as the
sessions share the cores). ``--quick``: a class of 2, waiting briefly for quiet (a check that
the benchmark works, not a measurement).
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
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

from explorer.app.board import PLOTLY_JS
from explorer.serving.background import (
    resident_mb,
    server_kernels_mb,
    voila_server,
    wait_for_warm_kernels,
)

#: Parallel downloads a browser makes from one host (HTTP/1.1).
BROWSER_CONNECTIONS = 6
#: What a student waits at most, in seconds (issue 16's goal).
GOAL_S = 10.0
#: A --quick run's class, and its wait for a quiet machine (``wait_until_quiet``'s arguments).
QUICK_SIZE = 2
QUICK_QUIET = {"seconds": 1.0, "timeout": 10.0}


def mem_available_mb() -> float:
    text = Path("/proc/meminfo").read_text()
    return int(re.search(r"MemAvailable:\s+(\d+)", text).group(1)) / 1024


def page_files(url: str) -> list[str]:
    """The paths a real Chromium fetches from the server when it opens the dashboard."""
    from explorer.serving.page import Dashboard, chromium

    seen: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda r: seen.append(r.url) if r.resource_type != "websocket" else 0)
        dash = Dashboard(page)
        page.goto(url)
        dash.wait_until_drawn()
        page.close()
    host = urlsplit(url).netloc
    paths = [urlsplit(u).path for u in seen if urlsplit(u).netloc == host]
    return sorted({p for p in paths if p != "/"})


def wait_until_quiet(seconds: float = 5.0, idle: float = 0.8, timeout: float = 120.0) -> None:
    """Until the machine has been idle (``idle`` of its CPU time) for ``seconds``: the
    sessions then share the cores with nothing of the pool's start."""
    deadline = time.monotonic() + timeout

    def busy_idle() -> tuple[int, int]:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]

    while True:
        total0, idle0 = busy_idle()
        time.sleep(seconds)  # sampling the CPU's idle time over a window
        total1, idle1 = busy_idle()
        if (idle1 - idle0) >= idle * (total1 - total0):
            return
        if time.monotonic() > deadline:
            print(f"warning: the machine was still busy after {timeout:.0f} s; measuring anyway")
            return


#: The kernel websocket's protocol JupyterLab's and Voila's pages speak (binary frames).
PROTOCOL = "v1.kernel.websocket.jupyter.org"


def decode(raw: bytes) -> dict:
    """A kernel message as the server frames it in the v1 protocol: channel, the four JSON
    parts, then the buffers."""
    channel, parts = deserialize_msg_from_ws_v1(raw)
    header, parent, metadata, content = (json.loads(part) for part in parts[:4])
    return {"channel": channel, "header": header, "msg_type": header.get("msg_type"),
            "parent_header": parent, "metadata": metadata, "content": content,
            "buffers": parts[4:]}  # fmt: skip


def message(session: str, msg_type: str, content: dict, metadata: dict | None = None) -> bytes:
    header = {"msg_id": uuid.uuid4().hex, "username": "student", "session": session,
              "msg_type": msg_type, "version": "5.3", "date": ""}  # fmt: skip
    msg = {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content}
    return serialize_msg_to_ws_v1(msg, "shell", pack=lambda part: json.dumps(part).encode())


async def until(ws: aiohttp.ClientWebSocketResponse, wanted) -> dict:
    while True:
        frame = await ws.receive()
        if frame.type != aiohttp.WSMsgType.BINARY:
            raise RuntimeError(f"the kernel's websocket sent {frame.type!r}")
        msg = decode(frame.data)
        if wanted(msg):
            return msg


def comm_method(msg: dict, comm_id: str, method: str) -> bool:
    data = msg.get("content", {}).get("data", {})
    return (
        msg.get("msg_type") == "comm_msg"
        and msg["content"].get("comm_id") == comm_id
        and (data.get("method") == method)
    )


async def widgets_and_plotly(http: aiohttp.ClientSession, ws_url: str, ask_plotly: bool) -> None:
    ws = await http.ws_connect(ws_url, protocols=[PROTOCOL], max_msg_size=64 * 2**20)
    session, control = uuid.uuid4().hex, uuid.uuid4().hex

    async def send(msg_type: str, content: dict, metadata: dict | None = None) -> None:
        await ws.send_bytes(message(session, msg_type, content, metadata))

    # ipywidgets 8's control comm: the version is its protocol's, which the kernel checks.
    target = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
    await send("comm_open", target, {"version": "1.0.0"})
    await send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
    reply = await until(ws, lambda m: comm_method(m, control, "update_states"))
    states = reply["content"]["data"]["states"]
    if not ask_plotly:
        await ws.close()
        return
    board = next(k for k, s in states.items() if "max_columns" in s["state"])
    ask = {"method": "custom", "content": {"type": "plotly"}}
    await send("comm_msg", {"comm_id": board, "data": ask})
    plotly = await until(
        ws,
        lambda m: (
            comm_method(m, board, "custom")
            and m["content"]["data"]["content"].get("type") == "sae-plotly"
        ),
    )
    assert len(plotly["buffers"][0]) > 1_000_000, "plotly.js did not arrive whole"
    await ws.close()


async def student(url: str, files: list[str]) -> float:
    """Seconds until one student's dashboard has all it needs: one browser, which keeps its
    connections open (six for files, one for the websocket)."""
    start = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=BROWSER_CONNECTIONS + 1)
    timeout = aiohttp.ClientTimeout(total=900)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        async with http.get(url) as page:
            html = await page.text()
        config = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', html, re.S).group(1)
        kernel = json.loads(config)["kernelId"]
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))

        async def get(path: str) -> None:
            async with http.get(origin + path) as reply:  # a 404 too, as a browser takes it
                await reply.read()

        ws_url = url.replace("http", "ws", 1) + f"api/kernels/{kernel}/channels"
        served = any(p.endswith(f"/{PLOTLY_JS.name}") for p in files)  # step 4
        await asyncio.gather(*(get(p) for p in files), widgets_and_plotly(http, ws_url, not served))
    return time.perf_counter() - start


async def classroom(url: str, n: int, files: list[str]) -> list[float]:
    return await asyncio.gather(*(student(url, files) for _ in range(n)))


def beyond(n: int, ready: list[float], kernels_mb: list[float], available_mb: float) -> str:
    """What runs out first past ``n`` students: the slowest session grows about linearly
    with the class (the sessions share the cores), the kernels' memory exactly so."""
    by_memory = int(available_mb / statistics.median(kernels_mb))
    by_time = int(n * GOAL_S / max(ready))
    first = "time" if by_time < by_memory else "memory"
    return (f"{first} (≈{by_time} students within {GOAL_S:.0f} s; memory for ≈{by_memory} "
            "kernels)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30, 60])
    quick = f"a class of {QUICK_SIZE}, a short wait for quiet: checks that it runs"
    parser.add_argument("--quick", action="store_true", help=quick)
    parser.add_argument("--serve-args", nargs=argparse.REMAINDER, default=[],
                        help="more arguments for `python -m explorer serve`")  # fmt: skip
    args = parser.parse_args()
    sizes, quiet = ([QUICK_SIZE], QUICK_QUIET) if args.quick else (args.sizes, {})
    with voila_server(extra=args.serve_args) as url:
        files = page_files(url)
    print(f"a page loads {len(files)} files from the server besides itself")
    print(f"{'students':>9}{'pool warm (s)':>15}{'ready median (s)':>18}{'ready max (s)':>15}"
          f"{'kernel MB median':>18}{'kernel MB max':>15}{'server MB':>11}  beyond, runs out"
          " first")  # fmt: skip
    for n in sizes:
        available = mem_available_mb()
        with voila_server(extra=["--pool", str(n), *args.serve_args], timeout=900) as url:
            warm = wait_for_warm_kernels(url, n)
            wait_until_quiet(**quiet)
            students = set(server_kernels_mb(url))  # the pool; refills start after this
            ready = asyncio.run(classroom(url, n, files))
            mem = [mb for pid, mb in server_kernels_mb(url).items() if pid in students]
            port = f"--port\x00{urlsplit(url).port}\x00".encode()  # this server, not another's
            server = max(resident_mb(b"explorer\x00serve", port).values(), default=float("nan"))
        print(f"{n:>9}{warm:>15.1f}{statistics.median(ready):>18.2f}{max(ready):>15.2f}"
              f"{statistics.median(mem):>18.0f}{max(mem):>15.0f}{server:>11.0f}  "
              f"{beyond(n, ready, mem, available)}")  # fmt: skip
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
