"""Serve the dashboard with Voila: loopback by default, our CDN-free template, idle kernels culled.

``serve`` runs Voila in this process (the ``python -m explorer serve`` command);
``running`` starts the same command in the background and yields its URL (tests, benchmarks,
the screenshot script).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..core.validation import Interval, check_param

HERE = Path(__file__).resolve().parent
#: Jupyter data directory holding our Voila template (also installed as shared data).
DATA_DIR = HERE / "share" / "jupyter"
#: The dashboard notebook shipped in the package, so ``serve`` works from any directory.
DASHBOARD = HERE / "dashboard.ipynb"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Kernels are checked this often (seconds) for the idle timeout.
CULL_INTERVAL = 60


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def check_port_free(host: str, port: int) -> None:
    with socket.socket() as s:
        # Like Tornado: a port whose last connections linger in TIME_WAIT is free to listen on.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ValueError(
                f"port={port} on host={host!r} is not available ({exc.strerror}); "
                "choose another with --port (0 picks a free one)"
            ) from None


def voila_argv(
    notebook: Path, host: str, port: int, cull_idle: int, open_browser: bool
) -> list[str]:
    """Voila's command line for our defaults.

    Kernels of closed or abandoned pages are shut down after ``cull_idle`` seconds without
    activity (each holds ~140 MB); 0 keeps them forever.
    """
    argv = [str(notebook), f"--Voila.ip={host}", f"--port={port}"]
    if not open_browser:
        argv.append("--no-browser")
    if cull_idle:
        argv += [
            f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
            f"--MappingKernelManager.cull_interval={min(CULL_INTERVAL, cull_idle)}",
        ]
    return argv


def voila_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` with our template's data directory first on JUPYTER_PATH (works uninstalled too)."""
    env = dict(os.environ if env is None else env)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(DATA_DIR), env.get("JUPYTER_PATH")) if p)
    return env


def serve(
    notebook: str | Path = DASHBOARD,
    host: str = "127.0.0.1",
    port: int = 8866,
    cull_idle: int = 600,
    open_browser: bool = True,
) -> int:
    """Serve ``notebook`` with Voila until interrupted; return Voila's exit status."""
    notebook = Path(notebook)
    if not notebook.is_file():
        raise FileNotFoundError(f"notebook={str(notebook)!r} does not exist")
    check_param("port", port, Interval(0, 65535, integer=True))
    check_param("cull_idle", cull_idle, Interval(0, None, integer=True))
    port = port or free_port(host)
    check_port_free(host, port)
    if host not in LOOPBACK:
        print(
            f"warning: serving on host={host!r} lets anyone who can reach this machine run the "
            "dashboard's kernels; Voila has no login. Put it behind JupyterHub or a "
            "reverse proxy with authentication for a class.",
            file=sys.stderr,
        )
    url = f"http://{'localhost' if host in LOOPBACK else host}:{port}/"
    print(f"Sparse Autoencoder Explorer: {url}  (Ctrl-C stops the server)", flush=True)
    os.environ.update(voila_env())
    from voila.app import Voila  # heavy: imported only when serving

    Voila.launch_instance(argv=voila_argv(notebook, host, port, cull_idle, open_browser))
    return 0


@contextmanager
def running(
    notebook: str | Path = DASHBOARD, extra: Sequence[str] = (), timeout: float = 120.0
) -> Iterator[str]:
    """Run ``python -m explorer serve`` on a free loopback port; yield its URL once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    # The log goes to a file: a pipe nobody reads would fill up and block the server.
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "voila.log"
        with log.open("w") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "explorer", "serve", "--notebook", str(notebook),
                 "--port", str(port), "--no-browser", *extra],
                cwd=HERE.parents[1], stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            # Any answer will do, and a missing page starts no kernel (the notebook URL would).
            wait_until_up(server, url + "up", timeout, log)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def wait_until_up(server: subprocess.Popen, url: str, timeout: float, log: Path) -> None:
    """Poll ``url`` until it answers; fail with the server's ``log`` if the server exits."""
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
