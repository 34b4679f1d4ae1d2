"""The dashboard figure: every view in one Plotly figure, built once and mutated in place.

One figure with subplots rather than one figure per view: each Plotly FigureWidget ships
plotly's whole widget bundle to the page and must boot within anywidget's ~2 s deadline, or
it silently stops updating (see shared/STACK-NOTES.md). One widget boots once.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .state import Snapshot
from .views import VIEWS, View

TRACE_TYPES = {"scatter": go.Scatter, "bar": go.Bar, "heatmap": go.Heatmap}
#: Only these properties change from frame to frame; styles are sent once, at build time.
LIVE_KEYS = ("x", "y", "z", "text")
ROWS, COLS = 3, 3
LEGEND_VIEWS = ("kl", "loss")


def _title(view: View, snap: Snapshot) -> str:
    return f"{view.title}<br><sup>{view.caption(snap)}</sup>" if view.caption else view.title


def _by_cell() -> list[View]:
    return sorted(VIEWS, key=lambda v: v.cell)


def build_figure(snap: Snapshot, height: int = 1020) -> go.Figure:
    """A ``go.Figure`` holding every view's traces, drawn from ``snap``."""
    fig = make_subplots(
        rows=ROWS,
        cols=COLS,
        subplot_titles=[_title(v, snap) for v in _by_cell()],
        horizontal_spacing=0.07,
        vertical_spacing=0.11,
    )
    for view in VIEWS:
        row, col = view.cell
        for props in view.data(snap):
            props = dict(props)
            trace = TRACE_TYPES[props.pop("type")](
                **props, legendgroup=view.name, showlegend=view.name in LEGEND_VIEWS
            )
            fig.add_trace(trace, row=row, col=col)
        fig.update_xaxes(view.xaxis, row=row, col=col)
        fig.update_yaxes(view.yaxis, row=row, col=col)
        if view.yaxis_live:
            fig.update_yaxes(view.yaxis_live(snap), row=row, col=col)
    fig.update_layout(
        height=height,
        margin={"l": 50, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -0.06, "x": 0.0},
        template="plotly_white",
        bargap=0.1,
        uirevision="keep",  # user zoom survives live updates
    )
    return fig


def update_figure(fig: go.Figure, snap: Snapshot) -> None:
    """Refresh every view's live data in one ``batch_update``."""
    titles = {v.name: i for i, v in enumerate(_by_cell())}
    with fig.batch_update():
        for view in VIEWS:
            for trace, props in zip(view_traces(fig, view.name), view.data(snap), strict=True):
                trace.update({k: props[k] for k in LIVE_KEYS if k in props})
            if view.caption:
                fig.layout.annotations[titles[view.name]].text = _title(view, snap)
            if view.yaxis_live:
                fig.update_yaxes(view.yaxis_live(snap), row=view.cell[0], col=view.cell[1])


def set_log_loss(fig: go.Figure, log: bool) -> None:
    """Switch the loss panel's y axis between linear and log scale."""
    row, col = next(v.cell for v in VIEWS if v.name == "loss")
    fig.update_yaxes(type="log" if log else "linear", row=row, col=col)


def view_traces(fig: Any, name: str) -> list[Any]:
    """The traces of view ``name`` in ``fig``, in the order its ``data`` function lists them.

    Each trace carries its view's name as ``legendgroup`` (set in ``build_figure``).
    """
    return [t for t in fig.data if t.legendgroup == name]
