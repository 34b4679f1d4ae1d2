"""The ipywidgets dashboard (the only layer that knows widgets exist)."""

from .compare import Comparison
from .explorer import Explorer

__all__ = ["Comparison", "Explorer"]
