"""The ipywidgets dashboard (the only layer that knows widgets exist)."""

from .explorer import Explorer

__all__ = ["Explorer"]
