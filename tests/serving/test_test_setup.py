"""scripts/test_setup.py, which the README's test command runs first: it installs Chromium
only where it can (Debian, root), and JupyterHub's proxy with npm into deploy/node; anywhere
else it stops at once saying what to install."""

from __future__ import annotations

import importlib.util
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config import Config

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "test_setup.py"


@pytest.fixture
def setup(monkeypatch, tmp_path):
    """The script as a module, looking for Chromium at a path that does not exist, with the
    proxy already there (``no_proxy`` takes it away)."""
    monkeypatch.setenv("SAE_CHROMIUM", str(tmp_path / "no-chromium"))
    spec = importlib.util.spec_from_file_location("test_setup", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    proxy = tmp_path / "node" / "bin" / "configurable-http-proxy"
    proxy.parent.mkdir(parents=True)
    proxy.touch()
    monkeypatch.setattr(module, "PROXY", proxy)
    ran = []
    monkeypatch.setattr(module.subprocess, "run", lambda cmd, **kw: ran.append(cmd) or _done())
    module.ran = ran
    return module


def _done(returncode: int = 0) -> subprocess.CompletedProcess:
    return subprocess.CompletedProcess([], returncode)


def test_the_readme_test_command_runs_it_before_the_tests() -> None:
    readme = (SCRIPT.parent.parent / "README.md").read_text()
    command = readme.split("test-command", 1)[1].split("```bash\n", 1)[1].split("\n", 1)[0]
    assert command.startswith("python scripts/test_setup.py && ")
    assert command.endswith("python -m pytest")


@pytest.mark.parametrize(
    ("root", "debian", "says"),
    [(False, True, "sudo apt-get install chromium"), (True, False, "package manager"),
     (False, False, "package manager")],
)  # fmt: skip
def test_where_it_cannot_install_it_stops_at_once_and_says_what_to_install(
    setup, monkeypatch, capsys, root, debian, says
) -> None:
    monkeypatch.setattr(setup.os, "geteuid", lambda: 0 if root else 1000)
    monkeypatch.setattr(setup, "is_debian", lambda: debian)
    assert setup.main() == 1
    message = capsys.readouterr().err
    assert f"there is none at {setup.CHROMIUM}" in message
    assert says in message and "SAE_CHROMIUM" in message
    assert setup.ran == []  # nothing was attempted


def test_on_debian_as_root_it_installs_debians_chromium(setup, monkeypatch) -> None:
    monkeypatch.setattr(setup.os, "geteuid", lambda: 0)
    monkeypatch.setattr(setup, "is_debian", lambda: True)

    def apt_get(cmd, **kw):  # "installs" it: puts a file where the tests look
        setup.ran.append(cmd)
        Path(setup.CHROMIUM).touch()
        return _done()

    monkeypatch.setattr(setup.subprocess, "run", apt_get)
    assert setup.main() == 0
    assert setup.ran == [list(c) for c in setup.APT]
    assert setup.ran[-1][-1] == "chromium"


def test_a_failed_apt_get_stops_the_test_command(setup, monkeypatch, capsys) -> None:
    monkeypatch.setattr(setup.os, "geteuid", lambda: 0)
    monkeypatch.setattr(setup, "is_debian", lambda: True)
    monkeypatch.setattr(setup.subprocess, "run", lambda cmd, **kw: _done(100))
    assert setup.main() == 1
    assert "apt-get update -qq` failed" in capsys.readouterr().err


def test_a_chromium_already_there_installs_nothing(setup, monkeypatch) -> None:
    Path(setup.CHROMIUM).touch()
    monkeypatch.setattr(setup.os, "geteuid", lambda: 0)
    assert setup.main() == 0
    assert setup.ran == []


@pytest.mark.parametrize(
    ("text", "debian"),
    [('ID=debian\nVERSION_ID="12"\n', True), ('ID=ubuntu\nID_LIKE=debian\n', True),
     ('ID="fedora"\n', False), ("", False)],
)  # fmt: skip
def test_debian_and_its_derivatives_are_told_apart(setup, tmp_path, text, debian) -> None:
    release = tmp_path / "os-release"
    release.write_text(text)
    assert setup.is_debian(release) is debian
    assert setup.is_debian(tmp_path / "missing") is False


def test_it_runs_with_the_standard_library_alone() -> None:
    # It runs before `pip install`: python -I ignores site-packages' user paths and env. The
    # proxy is said to be there (this interpreter), so that nothing is installed here.
    run = (
        "import importlib.util, pathlib, sys\n"
        f"spec = importlib.util.spec_from_file_location('setup', {str(SCRIPT)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "module.PROXY = pathlib.Path(sys.executable)\n"
        "sys.exit(module.main())\n"
    )
    done = subprocess.run([sys.executable, "-I", "-S", "-c", run], capture_output=True,
                          text=True, check=False, env={"SAE_CHROMIUM": sys.executable})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Chromium for the browser tests: {sys.executable}" in done.stdout
    proxy = f"JupyterHub's proxy for tests/serving/test_jupyterhub.py: {sys.executable}"
    assert proxy in done.stdout


# ---------------------------------------------------------------------------- the proxy
@pytest.fixture
def no_proxy(setup, monkeypatch):
    """Chromium there, the proxy not yet."""
    Path(setup.CHROMIUM).touch()
    setup.PROXY.unlink()
    return setup


def test_without_npm_it_stops_at_once_and_says_to_install_node(no_proxy, monkeypatch, capsys):
    monkeypatch.setattr(no_proxy.shutil, "which", lambda name: None)
    monkeypatch.setattr(no_proxy.os, "geteuid", lambda: 1000)  # not root: it cannot install
    assert no_proxy.main() == 1
    message = capsys.readouterr().err
    assert "configurable-http-proxy" in message and "no npm" in message
    assert "Node.js" in message
    assert no_proxy.ran == []  # nothing was attempted


def test_without_npm_on_debian_as_root_it_installs_debians_npm_first(no_proxy, monkeypatch):
    monkeypatch.setattr(no_proxy.shutil, "which", lambda name: None)
    monkeypatch.setattr(no_proxy.os, "geteuid", lambda: 0)
    monkeypatch.setattr(no_proxy, "is_debian", lambda: True)

    def run(cmd, **kw):
        no_proxy.ran.append(cmd)
        if cmd[0] == "npm":
            no_proxy.PROXY.touch()
        return _done()

    monkeypatch.setattr(no_proxy.subprocess, "run", run)
    assert no_proxy.main() == 0
    assert no_proxy.ran[:2] == [list(c) for c in no_proxy.apt_commands("npm")]
    assert no_proxy.ran[2] == no_proxy.NPM


def test_with_npm_it_installs_the_proxy_into_the_project(no_proxy, monkeypatch) -> None:
    monkeypatch.setattr(no_proxy.shutil, "which", lambda name: f"/usr/bin/{name}")

    def npm(cmd, **kw):  # "installs" it: puts a file where the hub and the test look
        no_proxy.ran.append(cmd)
        no_proxy.PROXY.touch()
        return _done()

    monkeypatch.setattr(no_proxy.subprocess, "run", npm)
    assert no_proxy.main() == 0
    assert no_proxy.ran == [no_proxy.NPM]
    # Into deploy/node (git-ignored there), no root: npm's --global under our own prefix.
    command = no_proxy.NPM
    assert command[:3] == ["npm", "install", "--global"] and "sudo" not in command
    prefix = Path(command[command.index("--prefix") + 1])
    assert prefix == SCRIPT.parent.parent / "deploy" / "node"
    assert "/node/" in (SCRIPT.parent.parent / "deploy" / ".gitignore").read_text().split()


def test_it_installs_the_proxy_where_the_hub_config_looks_for_it() -> None:
    spec = importlib.util.spec_from_file_location("test_setup_paths", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    config = SCRIPT.parent.parent / "deploy" / "jupyterhub_config.py"
    hub = runpy.run_path(str(config), init_globals={"get_config": Config})
    assert hub["LOCAL_PROXY"] == module.PROXY
    assert module.PROXY == module.NODE_PREFIX / "bin" / "configurable-http-proxy"


def test_a_failed_npm_stops_the_test_command(no_proxy, monkeypatch, capsys) -> None:
    monkeypatch.setattr(no_proxy.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(no_proxy.subprocess, "run", lambda cmd, **kw: _done(1))
    assert no_proxy.main() == 1
    assert "configurable-http-proxy@4` failed" in capsys.readouterr().err


def test_no_chromium_stops_before_the_proxy(setup, monkeypatch) -> None:
    setup.PROXY.unlink()
    monkeypatch.setattr(setup.os, "geteuid", lambda: 1000)
    assert setup.main() == 1
    assert setup.ran == []  # no npm either
