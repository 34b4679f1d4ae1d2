"""The dashboard's feature panels, as a table: title -> builder(dashboard) -> widget.

Each panel is one module; adding a panel is adding a row. A builder gets the ``Explorer`` and
uses only what ``contract.SessionDashboard`` promises: ``session``, ``controls``,
``apply(params)``, ``reset()``, ``use_dataset(dataset)``, ``refresh()``,
``show_message(text)`` and ``show_error(exc)``. A panel with parts names them
(``SharePanel.restore``, ``PresetsPanel.buttons``, ...). Panels sit under the main
controls, each under a header button (``app.sections``), closed at first, so the page opens
as compact as before.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from ..contract import SessionDashboard
from .compare import compare_panel
from .export import export_panel
from .frontier import frontier_panel
from .gradcheck import gradcheck_panel
from .presets import presets_panel
from .share import share_panel
from .upload import upload_panel

Builder = Callable[[SessionDashboard], widgets.Widget]

PANELS: tuple[tuple[str, Builder], ...] = (
    ("Presets and failure gallery", presets_panel),
    ("Compare two runs (A/B)", compare_panel),
    ("Sparsity frontier: sweep β, ρ or the penalty", frontier_panel),
    ("Gradient check", gradcheck_panel),
    ("Share and instructor mode", share_panel),
    ("Export", export_panel),
    ("Your images", upload_panel),
)
