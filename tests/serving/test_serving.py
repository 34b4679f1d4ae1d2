"""Serving without a browser: the serve command's settings and errors, the Voila template,
the shipped dashboard notebook, the Binder files and the README's badges."""

from __future__ import annotations

import json
import re
import socket
import tomllib
from pathlib import Path

import nbformat
import pytest
from jupyter_core.paths import jupyter_path

from explorer import cli
from explorer.serving import voila

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = voila.DATA_DIR / "voila" / "templates" / "explorer"


def test_plan_serves_loopback_with_culling_and_no_browser_when_asked():
    p = voila.plan(port=0, cull_idle=300, open_browser=False)
    assert "--Voila.ip=127.0.0.1" in p.argv
    assert "--no-browser" in p.argv
    assert "--MappingKernelManager.cull_idle_timeout=300" in p.argv
    assert "--MappingKernelManager.cull_interval=60" in p.argv
    port = int(re.search(r"--port=(\d+)", " ".join(p.argv)).group(1))
    assert port > 0 and p.url == f"http://localhost:{port}/"
    assert p.argv[0] == str(voila.DASHBOARD)
    assert p.login is None and not any("token" in a for a in p.argv)


def test_plan_without_culling_keeps_kernels():
    argv = voila.plan(port=0, cull_idle=0).argv
    assert not any("cull" in a for a in argv)


def test_plan_keeps_a_pool_of_ready_kernels_unless_told_not_to():
    argv = voila.plan(port=0).argv
    assert {"--preheat_kernel=True", "--pool_size=1"} <= set(argv)
    # One user's replacement starts once the page that took the kernel is drawn, a class's once
    # the class has opened its pages: not while they load (bench/ui.py, bench/classroom.py).
    assert "--VoilaKernelManager.fill_delay=3" in argv
    assert "--VoilaKernelManager.fill_delay=30" in voila.plan(port=0, pool=30).argv
    assert "--VoilaKernelManager.fill_delay=0" in voila.plan(port=0, refill_delay=0).argv
    assert "--pool_size=3" in voila.plan(port=0, pool=3).argv
    assert not any("preheat" in a or "pool" in a for a in voila.plan(port=0, pool=0).argv)


def test_served_pages_skip_the_jupyterlab_extensions_no_dashboard_uses():
    """plotly's renders plotly outputs (4.8 MB of each page's 10.2), pygments' colours code:
    a dashboard has neither."""
    argv = voila.plan(port=0).argv
    denied = "['jupyterlab-plotly', 'jupyterlab_pygments']"
    assert f"--VoilaConfiguration.extension_denylist={denied}" in argv


def test_plan_requires_a_login_beyond_this_machine(monkeypatch):
    monkeypatch.delenv("JUPYTER_TOKEN", raising=False)
    p = voila.plan(host="0.0.0.0", port=0)
    assert "--Voila.ip=0.0.0.0" in p.argv
    token = next(a.split("=", 1)[1] for a in p.argv if a.startswith("--Voila.token="))
    assert len(token) >= 40 and voila.TOKEN.fullmatch(token)
    assert p.url.endswith(f"/?token={token}") and "localhost" not in p.url
    assert "host='0.0.0.0' with a login" in p.login
    assert token != voila.plan(host="0.0.0.0", port=0).argv[-1].split("=", 1)[1]  # fresh


def test_plan_takes_the_token_given_or_jupyters_environment_variable(monkeypatch):
    given = "a-classroom-token-0123456789"
    assert f"--Voila.token={given}" in voila.plan(host="0.0.0.0", port=0, token=given).argv
    monkeypatch.setenv("JUPYTER_TOKEN", given)
    p = voila.plan(host="0.0.0.0", port=0)
    assert f"--Voila.token={given}" in p.argv and p.url.endswith(f"?token={given}")
    on_loopback = voila.plan(port=0)  # a token given is used on loopback too
    assert f"--Voila.token={given}" in on_loopback.argv and on_loopback.login is None


@pytest.mark.parametrize("token", ["", "short-token", "a token with spaces in it", "é" * 20])
def test_plan_refuses_a_token_it_cannot_serve_without_repeating_it(token):
    with pytest.raises(ValueError, match=r"token \(of \d+ characters\) is not allowed") as exc:
        voila.plan(host="0.0.0.0", port=0, token=token)
    assert "at least 16" in str(exc.value)
    assert not token or token not in str(exc.value)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "70000"], "port=70000"),
        (["--port", "-1"], "port=-1"),
        (["--cull-idle", "-5"], "cull_idle=-5"),
        (["--pool", "-1"], "pool=-1"),
        (["--refill-delay", "-1"], "refill_delay=-1"),
        (["--notebook", "missing.ipynb"], "notebook='missing.ipynb' does not exist"),
        (["--host", "0.0.0.0", "--token", "abc"], "token (of 3 characters) is not allowed"),
    ],
)
def test_serve_rejects_bad_settings_naming_them(argv, message, capsys):
    assert cli.main(["serve", "--no-browser", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err


def test_serve_rejects_a_port_in_use(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["serve", "--no-browser", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"port={port}" in err and "--port" in err


def test_template_filters_the_cdn_lines_that_voilas_lab_template_has():
    ours = (TEMPLATE / "index.html.j2").read_text()
    assert "extends 'lab/index.html.j2'" in ours
    assert json.loads((TEMPLATE / "conf.json").read_text()) == {"base_template": "lab"}
    # The filter must still have something to filter after a Voila upgrade (the browser
    # test then checks that the page requests nothing from other hosts).
    lab = next(
        Path(d) / "lab" / "index.html.j2"
        for d in jupyter_path("voila", "templates")
        if (Path(d) / "lab" / "index.html.j2").is_file()
    )
    links = [line for line in lab.read_text().splitlines() if 'href="https://' in line]
    assert links and all("cdn.jsdelivr.net" in line for line in links)
    assert "'cdn.jsdelivr.net' not in line" in ours


def test_template_is_installed_as_shared_data_and_selected_by_the_notebooks():
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]
    shared = build["targets"]["wheel"]["shared-data"]
    source = TEMPLATE.relative_to(ROOT).as_posix()
    assert shared[source] == "share/jupyter/voila/templates/explorer"
    for path in [voila.DASHBOARD, *(ROOT / "notebooks").glob("*.ipynb")]:
        meta = nbformat.read(path, as_version=4).metadata
        assert meta["voila"]["template"] == "explorer", path.name


def test_packaged_dashboard_is_the_explorer_notebook():
    packaged = nbformat.read(voila.DASHBOARD, as_version=4)
    shown = nbformat.read(ROOT / "notebooks" / "explorer.ipynb", as_version=4)
    assert [c.source for c in packaged.cells] == [c.source for c in shown.cells]


def requirement_names(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_binder_pins_every_dependency_exactly():
    pins = requirement_names((ROOT / "binder" / "requirements.txt").read_text().splitlines())
    assert all(pins.values()), [n for n, v in pins.items() if not v]  # every line is name==x
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"]:
        name = re.sub(r"[-_.]+", "-", re.split(r"[<>=!~ \[]", dep)[0]).lower()
        assert name in pins, f"{name} is a dependency but not pinned in binder/requirements.txt"


def test_binder_installs_this_package_and_python_matches_the_pins():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert post_build.startswith("#!/bin/bash")
    assert "pip install --no-deps ." in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111  # executable
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_readme_badges_open_lab_and_the_voila_dashboard_on_existing_notebooks():
    readme = (ROOT / "README.md").read_text()
    badges = re.findall(r"mybinder\.org/v2/gh/([^/\s]+/[^/\s]+)/main\?urlpath=([^)\s]+)", readme)
    # A template for the repository's address once published, not a link to a guessed one
    # that does not exist: in a code block, outside of which the README links no Binder.
    assert [repo for repo, _ in badges] == ["OWNER/REPO"] * 2, badges
    assert "mybinder.org/v2" not in re.sub(r"```.*?```", "", readme, flags=re.DOTALL)
    lab, dashboard = targets = [target for _, target in badges]
    assert lab.startswith("lab/tree/") and dashboard.startswith("voila/render/")
    for target in targets:
        notebook = target.split("/", 2)[2]
        assert (ROOT / notebook).is_file(), notebook


def test_the_packaged_notebook_folder_holds_no_python_modules() -> None:
    """Voila starts the kernel in the notebook's folder, which comes first on sys.path: a
    module there shadows an installed one (serving/voila.py once hid the real voila, and the
    page's address was silently ignored)."""
    assert not list(voila.DASHBOARD.parent.glob("*.py"))
    assert not [
        p for p in voila.DASHBOARD.parent.iterdir() if p.is_dir() and p.name != ".ipynb_checkpoints"
    ]
