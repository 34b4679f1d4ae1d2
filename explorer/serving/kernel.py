"""The kernel ``python -m explorer serve`` starts for each page: ipykernel, after a start-up
step of the dashboard's own (``start_up``).

``voila.serve`` puts ``share/jupyter`` first on the Jupyter path, where ``kernels/python3``
names this module in place of ``ipykernel_launcher`` (jupyter_client runs ``python`` as the
server's own interpreter). Kernels started otherwise (JupyterLab, plain ``voila``) are plain
ipykernel.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: What the kernel's command line names (``background.voila_kernels_mb`` looks for it).
MODULE = "explorer.serving.kernel"


def start_up() -> None:
    """What a dashboard kernel does before it runs the notebook.

    Importing plotly imports nbformat, hence jsonschema, whose format checkers build a whole
    RFC 3987 parser at import time when the optional rfc3987-syntax is installed (jupyter-events
    pulls it in): 2-5 s of every dashboard kernel's start on this machine, for IRI validation
    that nothing in a dashboard kernel does. Declaring the module absent (unless something
    already imported it) makes jsonschema skip that checker; the package itself is untouched.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
    if "VOILA_PREHEAT" in os.environ:  # Voila sets it for its kernels, True or False
        # Voila's kernel websocket passes no completion requests, so IPython's completer
        # has no use for jedi, which it imports whole at start-up when installed.
        sys.modules.setdefault("jedi", None)
        # Nor does a Voila page debug: ipykernel imports debugpy (pydevd, ~100 modules) only
        # to offer a debugger, 7.7 MB of every served kernel's memory and ~45 ms of its start.
        sys.modules.setdefault("debugpy", None)


def main() -> None:
    # As ipykernel_launcher: the kernel's folder (the notebook's) leaves sys.path while ipykernel
    # loads, so that no module there shadows an installed one; the kernel puts it back.
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]
    start_up()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
