"""scripts/test_setup.py, which the README's test command runs first: it installs Chromium
only where it can (Debian, root), and anywhere else stops at once saying what to install."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "test_setup.py"


@pytest.fixture
def setup(monkeypatch, tmp_path):
    """The script as a module, looking for Chromium at a path that does not exist."""
    monkeypatch.setenv("SAE_CHROMIUM", str(tmp_path / "no-chromium"))
    spec = importlib.util.spec_from_file_location("test_setup", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
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
    # It runs before `pip install`: python -I ignores site-packages' user paths and env.
    done = subprocess.run([sys.executable, "-I", "-S", str(SCRIPT)], capture_output=True,
                          text=True, check=False, env={"SAE_CHROMIUM": sys.executable})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Chromium for the browser tests: {sys.executable}" in done.stdout
