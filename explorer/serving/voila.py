"""Serve the dashboard with Voila: loopback by default, our CDN-free template, idle kernels culled.

``plan`` checks the settings and spells out Voila's command line (no side effects);
``serve`` runs it in this process (the ``python -m explorer serve`` command);
``background.voila_server`` runs the same command in the background.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
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
#: Addresses meaning "every interface": the URL printed names this machine instead.
ANY_HOST = ("0.0.0.0", "::", "")
#: Seconds before a taken pool kernel is replaced (``default_refill_delay`` says why).
ONE_USER_REFILL, CLASS_REFILL = 3, 30
#: What a token may be: it travels in the URL's query, so URL-safe characters only, and long
#: enough not to be guessed (a generated one is 43 characters, 256 random bits).
TOKEN = re.compile(r"[A-Za-z0-9_.~-]{16,}")
#: Kernels are checked this often (seconds) for the idle timeout.
CULL_INTERVAL = 60
#: JupyterLab extensions a served page does not load. plotly's renders plotly figures in
#: outputs, which the dashboards have none of (the board brings its own plotly.js): it was
#: 4.8 MB of the 10.2 MB each student's browser fetched, and half the server's work per page.
#: jupyterlab_pygments colours highlighted code, which a dashboard shows none of: three
#: requests fewer of each page's ~115 for the server (no change in the page's times measurable).
DENIED_EXTENSIONS = ["jupyterlab-plotly", "jupyterlab_pygments"]
#: Tornado drops a websocket message over 10 MiB without a word, and an upload of several
#: photos travels as one message: room for the upload panel's 8 files of 10 MB each.
TORNADO_SETTINGS = {"websocket_max_message_size": 100 * 2**20}


@dataclass(frozen=True)
class Plan:
    argv: list[str]  # Voila's arguments
    url: str  # where users open the dashboard (with the token, when there is a login)
    login: str | None  # said before serving when there is a login: how students get in


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
    token: str | None = None,
    refill_delay: int | None = None,
) -> Plan:
    """Validate the settings and build Voila's command line.

    Kernels of pages closed or abandoned for ``cull_idle`` seconds are shut down (each holds
    ~85-100 MB); 0 keeps them forever. ``port`` 0 picks a free port. ``pool`` kernels are kept
    started with the dashboard already built, so a page opens without waiting for a kernel
    (each costs its memory while it waits); 0 starts a kernel per page. Voila replaces each
    kernel taken ``refill_delay`` seconds later (None: ``default_refill_delay(pool)``).

    Off loopback the dashboard needs a login: Jupyter Server's token, ``token`` if given,
    else the ``JUPYTER_TOKEN`` environment variable (as ``jupyter lab`` reads it), else one
    generated here; the URL carries it, and the page keeps it in a cookie after the first
    visit. On loopback there is a token only when one is given.
    """
    notebook = Path(notebook)
    if not notebook.is_file():
        raise FileNotFoundError(f"notebook={str(notebook)!r} does not exist")
    check_param("port", port, Interval(0, 65535, integer=True))
    check_param("cull_idle", cull_idle, Interval(0, None, integer=True))
    check_param("pool", pool, Interval(0, 100, integer=True))
    if refill_delay is None:
        refill_delay = default_refill_delay(pool)
    check_param("refill_delay", refill_delay, Interval(0, 3600, integer=True))
    port = port or free_port(host)
    check_port_free(host, port)
    argv = [str(notebook), f"--Voila.ip={host}", f"--port={port}"]
    argv.append(f"--VoilaConfiguration.extension_denylist={DENIED_EXTENSIONS!r}")
    if not open_browser:
        argv.append("--no-browser")
    if cull_idle:
        argv += [
            f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
            f"--MappingKernelManager.cull_interval={min(CULL_INTERVAL, cull_idle)}",
        ]
    if pool:
        argv += ["--preheat_kernel=True", f"--pool_size={pool}"]
        argv.append(f"--VoilaKernelManager.fill_delay={refill_delay}")
    token = _token(host, token)
    login = None
    if token:
        # No password change: Jupyter's login page would let anyone with the token set a
        # password of their own for the server.
        argv += [f"--Voila.token={token}", "--PasswordIdentityProvider.allow_password_change=False"]
    name = "localhost" if host in LOOPBACK else socket.gethostname() if host in ANY_HOST else host
    url = f"http://{name}:{port}/" + (f"?token={token}" if token else "")
    if token and host not in LOOPBACK:
        login = (
            f"Serving on host={host!r} with a login: a page without the token is refused. "
            "Give students the URL below (it carries the token), or the token to type in."
        )
    return Plan(argv, url, login)


def default_refill_delay(pool: int) -> int:
    """Seconds before Voila replaces a pool kernel taken. A replacement's start (imports,
    building the dashboard: ~3 s of a core) competes with whatever runs then. A pool of one
    (one user) refills once the page that took the kernel is drawn: started at 1 s, Voila's
    own delay, it made that page's first view 0.25 s later (1.70 against 1.45 s on a 2-core
    Xeon, docs/drawing.md); a reload within these seconds waits for it. A larger pool is a
    class: its replacements wait until the students still arriving have: 30 students at once
    were ready in 73 s with a 1 s delay and in 8.4 s with 30 s (``bench/classroom.py``)."""
    return ONE_USER_REFILL if pool <= 1 else CLASS_REFILL


def _token(host: str, token: str | None) -> str | None:
    """The login token to serve with (None: no login, on loopback only)."""
    if token is None:
        token = os.environ.get("JUPYTER_TOKEN") or None
    if token is None:
        return None if host in LOOPBACK else secrets.token_urlsafe(32)
    if not TOKEN.fullmatch(token):
        # The token itself is not repeated: it may be a real secret typed by mistake.
        raise ValueError(
            f"token (of {len(token)} characters) is not allowed: a token is at least 16 "
            "letters, digits or any of _ . ~ - (it travels in the page's URL); leave it out "
            "to have one generated"
        )
    return token


def serve(notebook: str | Path = DASHBOARD, **settings) -> int:
    """Serve ``notebook`` with Voila until interrupted (settings as for ``plan``)."""
    p = plan(notebook, **settings)
    if p.login:
        print(p.login, flush=True)
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
