"""Serve the dashboard with Voila: loopback by default, our CDN-free template, idle kernels culled.

``plan`` checks the settings and spells out Voila's command line (no side effects);
``serve`` runs it in this process (the ``python -m explorer serve`` command);
``background.voila_server`` runs the same command in the background.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from ..core.validation import Interval, check_param

HERE = Path(__file__).resolve().parent
#: Jupyter data directory holding our Voila template (also installed as shared data).
DATA_DIR = HERE / "share" / "jupyter"
#: The dashboard notebook shipped in the package, so ``serve`` works from any directory. In a
#: folder of its own: Voila starts its kernel in the notebook's folder, whose modules then
#: shadow installed ones (this folder's voila.py hid the real ``voila`` from the kernel).
DASHBOARD = HERE / "notebook" / "dashboard.ipynb"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Kernels are checked this often (seconds) for the idle timeout.
CULL_INTERVAL = 60
#: Tornado drops a websocket message over 10 MiB without a word, and an upload of several
#: photos travels as one message: room for the upload panel's 8 files of 10 MB each.
TORNADO_SETTINGS = {"websocket_max_message_size": 100 * 2**20}


@dataclass(frozen=True)
class Plan:
    argv: list[str]  # Voila's arguments
    url: str  # where users open the dashboard
    warning: str | None  # said before serving, if anything is risky


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


def plan(
    notebook: str | Path = DASHBOARD,
    host: str = "127.0.0.1",
    port: int = 8866,
    cull_idle: int = 600,
    open_browser: bool = True,
    pool: int = 1,
) -> Plan:
    """Validate the settings and build Voila's command line.

    Kernels of pages closed or abandoned for ``cull_idle`` seconds are shut down (each holds
    ~170 MB); 0 keeps them forever. ``port`` 0 picks a free port. ``pool`` kernels are kept
    started with the dashboard already built, so a page opens without waiting for a kernel
    (each costs its memory while it waits); 0 starts a kernel per page.
    """
    notebook = Path(notebook)
    if not notebook.is_file():
        raise FileNotFoundError(f"notebook={str(notebook)!r} does not exist")
    check_param("port", port, Interval(0, 65535, integer=True))
    check_param("cull_idle", cull_idle, Interval(0, None, integer=True))
    check_param("pool", pool, Interval(0, 100, integer=True))
    port = port or free_port(host)
    check_port_free(host, port)
    argv = [str(notebook), f"--Voila.ip={host}", f"--port={port}"]
    if not open_browser:
        argv.append("--no-browser")
    if cull_idle:
        argv += [
            f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
            f"--MappingKernelManager.cull_interval={min(CULL_INTERVAL, cull_idle)}",
        ]
    if pool:
        argv += ["--preheat_kernel=True", f"--pool_size={pool}"]
    warning = None
    if host not in LOOPBACK:
        warning = (
            f"warning: serving on host={host!r} lets anyone who can reach this machine run "
            "the dashboard's kernels; Voila has no login. For a class, put it behind "
            "JupyterHub or a reverse proxy with authentication."
        )
    url = f"http://{'localhost' if host in LOOPBACK else host}:{port}/"
    return Plan(argv, url, warning)


def serve(notebook: str | Path = DASHBOARD, **settings) -> int:
    """Serve ``notebook`` with Voila until interrupted (settings as for ``plan``)."""
    p = plan(notebook, **settings)
    if p.warning:
        print(p.warning, file=sys.stderr)
    print(f"Sparse Autoencoder Explorer: {p.url}  (Ctrl-C stops the server)", flush=True)
    # Our template and kernel first on Voila's search path: works even when the package's
    # shared data was not installed (e.g. running from a checkout), and kernels inherit it
    # harmlessly. The kernel (share/jupyter/kernels/python3) is ipykernel after the
    # dashboard's start-up, ``kernel.start_up``.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        path for path in (str(DATA_DIR), os.environ.get("JUPYTER_PATH")) if path
    )
    from voila.app import Voila  # heavy: imported only when serving

    Voila.launch_instance(argv=p.argv, tornado_settings=TORNADO_SETTINGS)
    return 0
