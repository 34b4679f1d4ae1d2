"""The dashboard kernel's start-up step (``explorer.serving.kernel.start_up``): what it keeps
out of a Voila kernel, and what it leaves to a JupyterLab one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = (
    "from explorer.serving.kernel import start_up; start_up();"
    "import IPython.core.completer as c, ipykernel.debugger as d, jsonschema, sys;"
    "print(c.JEDI_INSTALLED, 'rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'],"
    "d._is_debugpy_available)"
)


def started(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VOILA_")}
    out = subprocess.run([sys.executable, "-c", PROBE], env=clean | env, capture_output=True,
                         text=True, check=True)  # fmt: skip
    return out.stdout.strip()


def test_a_voila_kernel_starts_without_jedi_the_rfc3987_parser_or_the_debugger():
    assert started(VOILA_PREHEAT="True") == "False None False"
    assert started(VOILA_PREHEAT="False") == "False None False"  # a kernel Voila started for a page


def test_a_jupyterlab_kernel_keeps_jedi_for_completion_and_its_debugger():
    pytest.importorskip("jedi")
    pytest.importorskip("debugpy")
    assert started().split() == ["True", "None", "True"]
