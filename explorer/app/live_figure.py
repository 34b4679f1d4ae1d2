"""The dashboard's figure widget: plotly's FigureWidget, told when the page has drawn an update.

The page answers every update with the trace properties it filled in by default
(``_js2py_traceDeltas``). plotly's own handler of that answer merges them into the Python-side
figure, and raises when a trace holds numpy arrays (plotly.py#4160: ``if not input_val`` on an
array), which our traces do (arrays travel to the page as compact typed arrays). The exception
ends the notification, so no other observer ever hears of the answer, and it is logged only
in the kernel's log. We never use those defaults: this handler just records the answer.
"""

from __future__ import annotations

from collections.abc import Callable

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
