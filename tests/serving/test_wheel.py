"""The package as a user installs it: ``python -m build`` makes a wheel holding everything the
dashboard needs, and the dashboard serves from that wheel alone in a fresh virtual environment.

The wheel is built without build isolation (hatchling comes with the test extra) and installed
with ``--no-deps --no-index``, so nothing is downloaded: the fresh environment sees the test
environment's packages (its site-packages as plain paths, so the editable install of this
checkout, a ``.pth`` file there, is not among them) and their Jupyter data (``JUPYTER_PATH``:
Voila's base templates, the widget managers' page code). Everything of ours comes from the
wheel, which the test checks.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.serving.background import server_kernels_mb, voila_server
from explorer.serving.page import Dashboard

ROOT = Path(__file__).resolve().parents[2]
#: The environment the fresh environment's processes run in: no PYTHONPATH, which could name
#: this checkout.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
#: What the wheel must hold besides the Python modules: the page's code and style, the served
#: notebook, Voila's template with its static plotly.js and licence, and the kernel spec (read
#: from the package by ``serve``, and the board sends the same plotly.js), the template again as
#: shared data (for plain ``voila``), and the data sets with their licences. (And every other
#: file of the package: the first test.)
PACKAGED = (
    "explorer/app/static/board.js",
    "explorer/app/static/board.css",
    "explorer/app/static/numberbox.js",
    "explorer/serving/notebook/dashboard.ipynb",
    "explorer/serving/share/jupyter/voila/templates/explorer/index.html.j2",
    "explorer/serving/share/jupyter/voila/templates/explorer/conf.json",
    "explorer/serving/share/jupyter/voila/templates/explorer/static/plotly/plotly-basic.min.js",
    "explorer/serving/share/jupyter/voila/templates/explorer/static/plotly/LICENSE",
    "explorer/serving/share/jupyter/kernels/python3/kernel.json",
    "explorer/datasets/files/natural_images.npz",
    "explorer/datasets/files/digits.npz",
    "explorer/datasets/files/DATA-LICENSES",
)
SHARED_TEMPLATE = "share/jupyter/voila/templates/explorer/index.html.j2"
#: The plotly.js plain ``voila`` serves with the template.
SHARED_PLOTLY = "share/jupyter/voila/templates/explorer/static/plotly/plotly-basic.min.js"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("build", reason="building the wheel needs the test extra (build)")
    out = tmp_path_factory.mktemp("dist")
    argv = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)]
    subprocess.run([*argv, str(ROOT)], check=True, capture_output=True)
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> Iterator[Path]:
    """A fresh virtual environment with the wheel installed; yields its python."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(root)],
        check=True,
        env=CLEAN_ENV,
    )
    python = root / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        env=CLEAN_ENV,
    ).stdout.strip()
    # Plain paths: .pth files in them (this checkout's editable install) are not read.
    dependencies = [*site.getsitepackages(), sysconfig.get_paths()["purelib"]]
    (Path(purelib) / "test-environment.pth").write_text("\n".join(dict.fromkeys(dependencies)))
    install = [python, "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)]
    subprocess.run(install, check=True, capture_output=True, env=CLEAN_ENV)
    yield python


def test_the_wheel_holds_the_page_code_template_kernel_spec_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in PACKAGED if name not in names]
    assert missing == []
    files = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "explorer").rglob("*")
        if p.is_file() and p.suffix != ".pyc" and ".ipynb_checkpoints" not in p.parts
    ]
    assert [f for f in files if f not in names] == []
    for name in (SHARED_TEMPLATE, SHARED_PLOTLY):
        shared = [n for n in names if n.endswith(".data/data/" + name)]
        assert len(shared) == 1, sorted(n for n in names if ".data/" in n)
    # Not as shared data: installed into share/jupyter/kernels/python3 it would take the
    # place of ipykernel's own python3 kernel for every notebook of the environment.
    assert not [n for n in names if ".data/data/share/jupyter/kernels/" in n]


def test_the_fresh_environment_imports_explorer_from_the_wheel(venv: Path, tmp_path) -> None:
    where = subprocess.run(
        [venv, "-c", "import explorer, sysconfig; print(explorer.__file__); "
         "print(sysconfig.get_paths()['purelib'])"],
        cwd=tmp_path, check=True, capture_output=True, text=True, env=CLEAN_ENV,
    ).stdout.split()  # fmt: skip
    module, purelib = Path(where[0]), Path(where[1])
    assert module.is_relative_to(purelib), module  # not this checkout, editable or not
    assert not module.is_relative_to(ROOT)
    assert (venv.parents[1] / SHARED_TEMPLATE).is_file()  # plain `voila` finds our template


def test_the_dashboard_serves_from_the_wheel(browser, venv: Path, tmp_path) -> None:
    # Our Jupyter data comes from the wheel (``serve`` puts the package's first); the
    # dependencies' from the test environment, where they are installed.
    env = CLEAN_ENV | {"JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}
    with voila_server(notebook=None, python=str(venv), cwd=tmp_path, env=env) as url:
        dash = Dashboard.open(browser, url)
        try:
            kernels = server_kernels_mb(url)
            assert kernels, "no kernel of this server"
            for pid in kernels:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                assert Path(argv[0].decode()) == venv  # the fresh environment's python
            before = dash.views()
            dash.control("step").click()
            # The weights and the loss change with the first step (ρ̂, measured at the
            # weights a step starts from, from the second).
            dash.wait_for_views_to_change(before, ["filters", "loss"])
            # Its charts were drawn with the plotly.js the wheel's template served.
            marks = dash.page.evaluate("performance.getEntriesByType('mark').map(m => m.name)")
            assert "sae-plotly-served" in marks and "sae-plotly-asked" not in marks
            assert dash.errors == []
        finally:
            dash.close()
