"""Fetch the plotly.js bundle the page draws its charts' axes with, from npm, into the package.

    python scripts/fetch_plotly.py

The page needs plotly.js only for cartesian axes (its traces are painted on canvases), so it
ships plotly's official partial bundle ``plotly.js-basic-dist-min`` (1.2 MB; the full bundle
the plotly package installs is 4.8 MB and took five times as long to evaluate here), at
``board.PLOTLY_VERSION``: the plotly.js version of the plotly package installed (a test checks
all three agree). The file is committed with its licence, so nothing is downloaded when the
package is installed, tested or served. Run this after raising ``PLOTLY_VERSION``; it needs
npm (``npm pack`` checks the tarball's integrity against the registry's).
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from pathlib import Path

from explorer.app.board import PLOTLY_JS, PLOTLY_LICENSE, PLOTLY_PACKAGE, PLOTLY_VERSION


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        spec = f"{PLOTLY_PACKAGE}@{PLOTLY_VERSION}"
        out = subprocess.run(
            ["npm", "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True, text=True
        )
        tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as tar:
            for member, target in ((PLOTLY_JS.name, PLOTLY_JS), ("LICENSE", PLOTLY_LICENSE)):
                source = tar.extractfile(f"package/{member}")
                if source is None:
                    raise RuntimeError(f"{spec} has no file {member}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read())
                print(f"{spec}: {member} -> {target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
