"""Every benchmark in ``bench/`` runs in quick mode and prints the rows of its full run: a
benchmark that stopped working fails here (``bench/ui.py`` once looked for a label that had
changed, and nothing noticed). Times are not checked: speed is what the benchmarks report.

Each script runs as a user runs it, ``python bench/X.py --quick``, from the repository.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"

NUMBER = r"-?\d[\d,.]*"
#: A load's times in bench/ui.py: the first widget, the board, then plotly.js asked, arrived
#: and ready (a page that has plotly.js already may skip these), the first and every view.
TIMES = rf"( +{NUMBER}){{2}}( +({NUMBER}|nan)){{3}}( +{NUMBER}){{2}}"
#: script -> (arguments besides --quick, regular expressions for rows its output must have).
#: core.py is also given this checkout as ``--before``, so that path runs too.
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    "core.py": (
        ["--before", str(ROOT)],
        [
            r"^CPU: .+ logical CPUs",
            r"^NumPy SIMD: ",
            r"^peer: (torch \S+ \(\d+ threads\)|skipped, torch not installed)",
            *(
                rf"^ +{version} +{net} +256 +{dtype}( +{NUMBER}){{2}}( +({NUMBER}|nan)){{3}}"
                rf" +{NUMBER} +{NUMBER}%$"
                for version in ("before", "after")
                for net in ("64-25", "784-196")
                for dtype in ("float64", "float32")
            ),
            *(
                rf"^  {name} +{NUMBER} s +ratio to naive {NUMBER} +mean ρ̂ {NUMBER}"
                for name in ("before", "ours", "naive")
            ),
            *(
                rf"^  {name} +{NUMBER} s +\d+ steps, {NUMBER} ms a step; objective {NUMBER}"
                for name in ("before", "ours")
            ),
        ],
    ),
    "ui.py": (
        [],
        [
            r"^loads$",
            *(rf"^ +{load}{TIMES} +{NUMBER} +\d+ +\d+ +True$" for load in (1, 2)),
            r"^reloads of a page already open$",
            rf"^ +median{TIMES} +{NUMBER} +\d+ +\d+ +1/1$",
            rf"^  paused +median {NUMBER} +p95 {NUMBER} +max {NUMBER}$",
            rf"^  playing +median {NUMBER} +p95 {NUMBER} +max {NUMBER}$",
            *(
                rf"^64-25 {name}.*( +{NUMBER}){{3}} +\w+ {NUMBER} +\d+ms +\d+ms +\d+ frames$"
                for name in ("L-BFGS", "Adam")
            ),
            *(
                rf"^  {re.escape(goal)} .* {NUMBER} \S+ +(met|MISSED|-)$"
                for goal in (
                    "first view drawn (filters, penalty curve)",
                    "every view drawn",
                    "reload of a visited page: every view drawn",
                    "default play: new page states/s",
                    "default play: training steps/s",
                    "Adam batch 256: new page states/s",
                    "Adam batch 256: training steps/s",
                    "kernel memory after a load",
                    "ρ slider → redrawn minimum, paused, median",
                    "ρ slider → redrawn minimum, playing, median",
                )
            ),
        ],
    ),
    "classroom.py": (
        [],
        [
            r"^a page loads \d+ files from the server besides itself$",
            rf"^ +2( +{NUMBER}){{6}}  (time|memory) \(≈\d+ students within 10 s; memory for ≈\d+ "
            r"kernels\)$",
        ],
    ),
    "soak.py": (
        [],
        [
            r"^64-25 Adam, batches of 256, 20 steps a frame, 2 minutes$",
            *(rf"^{row} +{NUMBER}( +{NUMBER}){{6}}$" for row in ("start", "middle", "end")),
            *(
                rf"^  {re.escape(goal)} .* \+?{NUMBER}( MB|%) +(met|MISSED)$"
                for goal in (
                    "kernel memory growth",
                    "page heap growth",
                    "states/s, last fifth against first",
                )
            ),
        ],
    ),
}
#: The scripts that drive a served dashboard in Chromium (also browser tests).
IN_THE_BROWSER = {"ui.py", "classroom.py", "soak.py"}


def test_every_script_in_bench_has_a_quick_run_here() -> None:
    # A script is what runs as one; naive.py is a module core.py imports (and runs).
    scripts = {p.name for p in BENCH.glob("*.py") if "__main__" in p.read_text(encoding="utf-8")}
    assert scripts == set(EXPECTED)


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(name, marks=[pytest.mark.browser] if name in IN_THE_BROWSER else [])
        for name in EXPECTED
    ],
)
def test_quick_run_exits_cleanly_with_every_row(script: str) -> None:
    args, rows = EXPECTED[script]
    run = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = f"--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
    assert run.returncode == 0, output
    missing = [row for row in rows if not re.search(row, run.stdout, re.MULTILINE)]
    assert missing == [], output
    if "peer: torch" in run.stdout:  # with the peer installed, its columns are figures
        assert "nan" not in run.stdout, output
