"""JupyterHub for a class on one machine: a login per student, a server each, and the dashboard
at /user/<name>/voila/render/notebooks/explorer.ipynb straight after logging in.

    cd /srv/sae-hub && jupyterhub -f /path/to/checkout/deploy/jupyterhub_config.py

(deploy/README.md has the steps.) The choices, each a plain setting below:

- Login: PAM, the machine's own accounts; only members of the Unix group ``students`` (and
  the admins) may log in. Each student's server runs as that student (LocalProcessSpawner),
  so the operating system keeps students' files and processes apart.
- Content: every server's root is one folder holding ``notebooks/explorer.ipynb`` (this
  checkout unless ``SAE_HUB_CONTENT`` names another), readable by all. The dashboard writes
  nothing there; what a student changes lives in their kernel.
- The servers run on this hub's Python (the explorer must be installed into it), with the
  dashboard's Voila template and kernel first on the Jupyter path, as ``python -m explorer
  serve`` has them.
- Idle culling at two levels: each server shuts down kernels idle for ``KERNEL_IDLE``
  seconds (singleuser_config.py), and jupyterhub-idle-culler (a hub service) stops servers
  idle for ``SERVER_IDLE``, freeing their memory. A dashboard left playing pauses itself
  30 s after no page draws it, so an abandoned tab counts as idle.
"""

import os
import sys
from pathlib import Path

try:
    from explorer.serving.voila import DATA_DIR
except ImportError as exc:
    raise ImportError(
        f"the explorer is not installed in the hub's Python ({sys.executable}), which runs the "
        "students' servers: pip install the checkout there (deploy/README.md)"
    ) from exc

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

HERE = Path(__file__).resolve().parent
#: The folder every student's server opens; it must hold the dashboard's notebook.
CONTENT = Path(os.environ.get("SAE_HUB_CONTENT", HERE.parent)).resolve()
DASHBOARD = "notebooks/explorer.ipynb"
#: Seconds without activity before a server is stopped (its kernels go after
#: singleuser_config.KERNEL_IDLE).
SERVER_IDLE = 900
#: How often (seconds) the culler looks (its default, 600, would let a server idle 25 min).
CULL_EVERY = 60
#: The proxy scripts/test_setup.py installs here with npm, else one on the PATH.
LOCAL_PROXY = HERE / "node" / "bin" / "configurable-http-proxy"

if not (CONTENT / DASHBOARD).is_file():
    raise FileNotFoundError(
        f"SAE_HUB_CONTENT={str(CONTENT)!r} holds no {DASHBOARD}: point SAE_HUB_CONTENT at a "
        "folder with the explorer's notebooks/ (a checkout of the repository)"
    )

# Every address of this machine, port 8000. Put HTTPS in front (or set
# c.JupyterHub.ssl_cert and ssl_key): passwords cross the network here.
c.JupyterHub.bind_url = "http://:8000/"
if LOCAL_PROXY.is_file():
    c.ConfigurableHTTPProxy.command = [str(LOCAL_PROXY)]

c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {"students"}
c.JupyterHub.spawner_class = "localprocess"

c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = str(CONTENT)
c.Spawner.default_url = f"/voila/render/{DASHBOARD}"
# Only what a server needs passes from the hub's environment (Spawner.env_keep), so ours is
# set here: the template `explorer` (no CDN), which the notebook's metadata selects, and the
# kernel spec `python3` with the dashboard's start-up step (explorer/serving/kernel.py).
c.Spawner.environment = {"JUPYTER_PATH": str(DATA_DIR)}
# Voila's settings for a server (template, kernel culling, upload room), in a file of its own
# that the Kubernetes image uses too.
c.Spawner.args = [f"--config={HERE / 'singleuser_config.py'}"]

c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            *(sys.executable, "-m", "jupyterhub_idle_culler"),
            f"--timeout={SERVER_IDLE}",
            f"--cull-every={CULL_EVERY}",
        ],
    }
]
# The culler's scopes, as jupyterhub-idle-culler's README gives them: see who is idle, stop
# their servers, nothing more.
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
