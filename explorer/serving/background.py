"""Servers in the background for tests, benchmarks and scripts: start, wait until they answer,
yield the URL, stop; and what their processes hold in memory.

``voila_server`` runs the project's own ``python -m explorer serve`` (what users run),
``plain_voila`` Voila's own command;
``lab_server`` runs JupyterLab without a token on loopback (as Binder and students do);
``resident_mb`` and ``voila_kernels_mb`` read processes' memory from /proc (Linux), and
``server_kernels_mb`` those of one server's kernels, and ``wait_for_warm_kernels`` waits for
a server's pool to have built the dashboard.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from .kernel import MODULE as KERNEL
from .voila import DASHBOARD, HERE, free_port


@contextmanager
def voila_server(
    notebook: str | Path | None = DASHBOARD,
    extra: Sequence[str] = (),
    timeout: float = 120.0,
    python: str = sys.executable,
    cwd: str | Path = HERE.parents[1],
    env: dict[str, str] | None = None,
    port: int = 0,
) -> Iterator[str]:
    """``python -m explorer serve`` on a loopback port (0: a free one; a given one restarts a
    server where its pages expect it), run by ``python`` in ``cwd`` (``notebook`` None:
    serve's own, the one installed with the package)."""
    port = port or free_port()
    argv = [python, "-m", "explorer", "serve", "--no-browser", "--port", str(port)]
    argv += ["--notebook", str(notebook)] if notebook is not None else []
    argv += extra
    # Any answer will do, and a missing page starts no kernel (the notebook's URL would).
    url = f"http://127.0.0.1:{port}/"
    with _running(argv, url, "up", timeout, cwd=cwd, env=env) as url:
        yield url


@contextmanager
def plain_voila(notebook: str | Path, timeout: float = 120.0) -> Iterator[str]:
    """Plain ``voila NOTEBOOK`` on a free loopback port, as a user who installed the package
    may run it (the notebook's metadata selects our template)."""
    port = free_port()
    argv = [sys.executable, "-m", "voila", str(notebook), "--no-browser"]
    argv += [f"--port={port}", "--Voila.ip=127.0.0.1"]
    with _running(argv, f"http://127.0.0.1:{port}/", "voila/static/", timeout) as url:
        yield url


@contextmanager
def lab_server(
    root: Path, python: str = sys.executable, timeout: float = 120.0, theme: str | None = None
) -> Iterator[str]:
    """JupyterLab from ``python``'s environment, serving ``root``, no token, loopback only;
    ``theme`` (e.g. "JupyterLab Dark") is set in a settings folder of its own."""
    port = free_port()
    # --allow-root: CI runs as root in a container.
    argv = [python, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--allow-root"]
    argv += ["--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password="]
    argv.append(f"--ServerApp.root_dir={root}")
    # Lab saves its workspace (open tabs) on its own: keep that out of ``root`` and ~.
    with tempfile.TemporaryDirectory() as workspaces, tempfile.TemporaryDirectory() as settings:
        env = os.environ | {"JUPYTERLAB_WORKSPACES_DIR": workspaces}
        if theme:
            themes = Path(settings) / "@jupyterlab" / "apputils-extension"
            themes.mkdir(parents=True)
            (themes / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))
            env["JUPYTERLAB_SETTINGS_DIR"] = settings
        with _running(argv, f"http://127.0.0.1:{port}/", "api", timeout, env=env) as url:
            yield url


@contextmanager
def _running(argv: list[str], url: str, probe: str, timeout: float, **popen) -> Iterator[str]:
    # The log goes to a file: a pipe nobody reads would fill up and block the server.
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        with log.open("w") as out:
            server = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, **popen)
        try:
            _wait_until_up(server, url + probe, timeout, log)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def _wait_until_up(server: subprocess.Popen, url: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # an error status is an answer: the server is up
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer from {url} within {timeout:.0f} s") from None
            time.sleep(0.2)  # polling a server that is still starting


def resident_mb(*parts: bytes) -> dict[int, float]:
    """Resident memory (MB) by pid of the processes whose command line holds every one of
    ``parts`` (arguments are NUL-separated in /proc)."""
    rss = {}
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if all(part in cmdline for part in parts):
                status = (proc / "status").read_text()
                rss[int(proc.name)] = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
        except (OSError, ValueError, AttributeError):
            continue  # not a process, or gone meanwhile
    return rss


def kernel_pid(kernel_id: str) -> int:
    """The process of the kernel whose id is ``kernel_id`` (its connection file names it)."""
    for proc in Path("/proc").iterdir():
        try:
            if kernel_id.encode() in (proc / "cmdline").read_bytes():
                return int(proc.name)
        except (OSError, ValueError):
            continue  # not a process, or gone meanwhile
    raise LookupError(f"no process of kernel {kernel_id} on this machine")


def voila_kernels_mb() -> dict[int, float]:
    """Resident memory (MB) of every Voila kernel on this machine (their connection files
    live in Voila's ``voila_*`` directories), by pid: ``serve``'s (``kernel.MODULE``) and
    plain ipykernel ones."""
    ours = resident_mb(KERNEL.encode(), b"voila_")
    return ours | resident_mb(b"ipykernel_launcher", b"voila_")


#: A preheated kernel past this resident memory has built the dashboard (a bare kernel holds
#: 57-60 MB, one that built the dashboard ~75 MB served, ~85 MB in plain Voila's ipykernel).
WARM_MB = 68


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, seconds) process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def server_kernels_mb(url: str) -> dict[int, float]:
    """``voila_kernels_mb`` of the kernels the server at ``url`` started (``voila_server`` or
    ``plain_voila``: the parent process serving that port), not those of other servers on the
    machine."""
    port = urlsplit(url).port
    marks = (f"--port\x00{port}\x00".encode(), f"--port={port}\x00".encode())
    ours = {}
    for pid, mb in voila_kernels_mb().items():
        try:
            server = Path(f"/proc/{_parent(pid)}/cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        if any(mark in server for mark in marks):
            ours[pid] = mb
    return ours


def wait_for_warm_kernels(
    url: str, n: int, exclude: Collection[int] = (), timeout: float = 900.0, settle: float = 1.0
) -> float:
    """Wait until ``n`` kernels of the server at ``url`` (besides the pids in ``exclude``:
    kernels pages took) have built the dashboard: past ``WARM_MB`` and using no CPU for
    ``settle`` seconds (its memory passes WARM_MB a little before it is done). Returns the
    seconds waited."""
    start = time.monotonic()
    idle_since: dict[int, tuple[float, float]] = {}  # pid -> (CPU seconds, since when)
    while True:
        now, warm = time.monotonic(), 0
        for pid, mb in server_kernels_mb(url).items():
            if pid in exclude or mb <= WARM_MB:
                continue
            try:
                used = cpu_seconds(pid)
            except OSError:
                continue  # gone meanwhile
            if idle_since.get(pid, (None,))[0] != used:
                idle_since[pid] = (used, now)
            warm += now - idle_since[pid][1] >= settle
        if warm >= n:
            return now - start
        if now - start > timeout:
            raise TimeoutError(f"only {warm} of {n} kernels warmed up within {timeout:.0f} s")
        time.sleep(0.2)  # polling the pool as it fills
