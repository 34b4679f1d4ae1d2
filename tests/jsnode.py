"""Run the page's own JavaScript (js/src, ES modules) in Node.js and get its answer back.

``run(script, data)`` runs ``script`` as an ES module with ``data`` (JSON) in ``input`` and the
sources importable by path (``src("board/hover.js")``); the script prints its answer with
``output(value)``. Node.js is what builds the page's code; the README's test command installs it
with npm (scripts/test_setup.py), so a missing node fails the test, saying so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SRC = Path(__file__).resolve().parents[1] / "js" / "src"

PRELUDE = """
import { readFileSync } from "node:fs";
const input = JSON.parse(readFileSync(0, "utf8"));
const output = (value) => process.stdout.write(JSON.stringify(value));
"""


def src(module: str) -> str:
    """The import specifier of a module of js/src."""
    return (SRC / module).as_uri()


def run(script: str, data: Any = None) -> Any:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "These tests run the page's JavaScript in Node.js, and there is no node on the "
            "PATH: install Node.js (scripts/test_setup.py does, with npm)."
        )
    done = subprocess.run(
        [node, "--input-type=module", "-e", PRELUDE + script],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
