"""The dashboard's figure widget: plotly's FigureWidget, told when the page has drawn an update.

The page answers every update with the trace properties it filled in by default
(``_js2py_traceDeltas``). plotly's own handler of that answer merges them into the Python-side
figure, and raises when a trace holds numpy arrays (plotly.py#4160: ``if not input_val`` on an
array), which our traces do (arrays travel to the page as compact typed arrays). The exception
ends the notification, so no other observer ever hears of the answer, and it is logged only
in the kernel's log. We never use those defaults: this handler just records the answer.

Second, plotly syncs the figure's data (``_widget_data``, ``_widget_layout``) only as it was
built and sends every later change as a one-off message; a page that connects after a change
(a preheated Voila kernel that applied the page's address, ``app.step(100)`` before ``app`` in
JupyterLab) drew the figure as built. ``get_state`` here gives a connecting page the figure
as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import Any, ClassVar

import plotly.graph_objects as go
from traitlets import observe


class LiveFigure(go.FigureWidget):
    """A FigureWidget that calls ``on_drawn()`` each time the page has drawn an update."""

    on_drawn: Callable[[], None] = staticmethod(lambda: None)

    @observe("_js2py_traceDeltas")
    def _handler_js2py_traceDeltas(self, change: dict) -> None:  # replaces plotly's handler
        answer = change["new"]
        if not answer:
            return
        if answer["trace_edit_id"] == self._last_trace_edit_id:
            # What plotly's handler does once the latest edit has landed (minus the merge).
            self._trace_edit_in_process = False
            if not self._layout_edit_in_process:
                while self._waiting_edit_callbacks:
                    self._waiting_edit_callbacks.pop()()
        self._js2py_traceDeltas = None
        self.on_drawn()

    #: Synced state -> what it holds now.
    _CURRENT: ClassVar[dict[str, str]] = {"_widget_data": "_data", "_widget_layout": "_layout"}

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict:
        state = super().get_state(key, drop_defaults)
        for name, attribute in self._CURRENT.items():
            # (The widget opens, and states itself, before plotly has set up the figure.)
            if name in state and hasattr(self, attribute):
                to_json = self.trait_metadata(name, "to_json", self._trait_to_json)
                state[name] = to_json(deepcopy(getattr(self, attribute)), self)
        return state
