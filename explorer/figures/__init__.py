"""Figures: pure functions from a training session's state to Plotly figures, and updaters."""

from .dashboard import build_figure, set_log_loss, update_figure, view_traces
from .mosaic import filter_mosaic
from .state import Snapshot, snapshot
from .views import VIEWS

__all__ = [
    "VIEWS",
    "Snapshot",
    "build_figure",
    "filter_mosaic",
    "set_log_loss",
    "snapshot",
    "update_figure",
    "view_traces",
]
