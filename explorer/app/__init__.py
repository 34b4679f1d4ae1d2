"""The ipywidgets dashboard (the only layer that knows widgets exist)."""

import sys

# Importing plotly imports nbformat, hence jsonschema, whose format checkers build a whole
# RFC 3987 parser at import time when the optional rfc3987-syntax is installed (jupyter-events
# pulls it in): 2-5 s of every dashboard kernel's start on this machine, for IRI validation
# that nothing in a dashboard kernel does. Declaring the module absent (unless something
# already imported it) makes jsonschema skip that checker; the package itself is untouched.
sys.modules.setdefault("rfc3987_syntax", None)

from .compare import Comparison  # noqa: E402
from .explorer import Explorer  # noqa: E402

__all__ = ["Comparison", "Explorer"]
