"""Figures: pure functions from a training session's state to each view's data and frames."""

from .frames import FrameEncoder, spec, view_state
from .mosaic import filter_mosaic
from .state import Snapshot, snapshot
from .views import VIEWS, View

__all__ = [
    "VIEWS",
    "FrameEncoder",
    "Snapshot",
    "View",
    "filter_mosaic",
    "snapshot",
    "spec",
    "view_state",
]
