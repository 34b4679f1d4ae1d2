"""Install what the tests need beyond Python packages: a Chromium for the browser tests, and
JupyterHub's proxy (configurable-http-proxy, from npm) for tests/serving/test_jupyterhub.py.

The README's test command runs this first (standard library only: it runs before anything is
installed). Where a Chromium is there (``SAE_CHROMIUM``, else Debian's ``/usr/bin/chromium``)
it does nothing; on Debian as root it installs Debian's package; anywhere else it stops at
once, saying what to install, so the test run never gets as far as failing in the browser.
(Playwright cannot download its own browser here: the machines reach only package
registries.) The proxy goes into deploy/node (git-ignored) with npm, no root needed; without
npm it stops, saying to install Node.js.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

#: Where the browser tests look (``explorer/serving/page.py`` reads the same variable).
CHROMIUM = os.environ.get("SAE_CHROMIUM", "/usr/bin/chromium")


def apt_commands(package: str) -> tuple[list[str], list[str]]:
    return ["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]


APT = apt_commands("chromium")
#: Where the proxy goes, and where deploy/jupyterhub_config.py and the test look for it.
NODE_PREFIX = Path(__file__).resolve().parent.parent / "deploy" / "node"
PROXY = NODE_PREFIX / "bin" / "configurable-http-proxy"
NPM = ["npm", "install", "--global", "--prefix", str(NODE_PREFIX), "--no-audit", "--no-fund",
       "configurable-http-proxy@4"]  # fmt: skip


def is_debian(os_release: Path = Path("/etc/os-release")) -> bool:
    """Debian itself, or a system built on it (Ubuntu's ``ID_LIKE=debian``)."""
    try:
        fields = dict(
            line.split("=", 1) for line in os_release.read_text().splitlines() if "=" in line
        )
    except OSError:
        return False
    names = {
        fields.get("ID", "").strip('"'),
        *fields.get("ID_LIKE", "").strip('"').split(),
    }
    return "debian" in names


def what_to_install(root: bool, debian: bool) -> str | None:
    """None where this script can install Chromium itself, else what the user must do."""
    if root and debian:
        return None
    how = (
        "Install it as root (`sudo apt-get install chromium`), or point SAE_CHROMIUM at a "
        "Chromium or Chrome binary"
        if debian
        else "Install Chromium or Google Chrome with your system's package manager, and point "
        "SAE_CHROMIUM at its binary"
    )
    return (
        f"The browser tests need Chromium, and there is none at {CHROMIUM}. {how}; then run "
        "the test command again."
    )


def main() -> int:
    return install_chromium() or install_proxy()


def install_proxy() -> int:
    if PROXY.is_file():
        print(f"JupyterHub's proxy for tests/serving/test_jupyterhub.py: {PROXY}")
        return 0
    if shutil.which("npm") is None:
        if not (os.geteuid() == 0 and is_debian()):
            print(
                "tests/serving/test_jupyterhub.py needs JupyterHub's proxy, "
                "configurable-http-proxy, which this script installs with npm, and there is no "
                "npm on the PATH. Install "
                "Node.js (with npm: `sudo apt-get install npm` on Debian), then run the test "
                "command again.",
                file=sys.stderr,
            )
            return 1
        print("Installing Debian's npm for JupyterHub's proxy (apt-get) ...", flush=True)
        if apt_install("npm"):
            return 1
    print("Installing configurable-http-proxy into deploy/node (npm) ...", flush=True)
    if subprocess.run(NPM, check=False, stdout=subprocess.DEVNULL).returncode:
        print(f"`{' '.join(NPM)}` failed: see its message above.", file=sys.stderr)
        return 1
    if not PROXY.is_file():
        print(f"npm installed configurable-http-proxy, but {PROXY} is missing.", file=sys.stderr)
        return 1
    return 0


def install_chromium() -> int:
    if Path(CHROMIUM).is_file():
        print(f"Chromium for the browser tests: {CHROMIUM}")
        return 0
    if missing := what_to_install(os.geteuid() == 0, is_debian()):
        print(missing, file=sys.stderr)
        return 1
    print("Installing Debian's chromium for the browser tests (apt-get) ...", flush=True)
    if apt_install("chromium"):
        return 1
    if not Path(CHROMIUM).is_file():
        print(
            f"apt-get installed chromium, but {CHROMIUM} is still missing.",
            file=sys.stderr,
        )
        return 1
    return 0


def apt_install(package: str) -> int:
    """Debian's ``package`` (as root); 1, having said why, if apt-get fails."""
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    for command in apt_commands(package):
        if subprocess.run(command, check=False, env=env, stdout=subprocess.DEVNULL).returncode:
            print(f"`{' '.join(command)}` failed: see its message above.", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
