"""The dashboard figures: views placed on a grid of one Plotly figure, built once, mutated in place.

One figure with subplots rather than one figure per view: each Plotly FigureWidget ships
plotly's whole widget bundle to the page and must boot within anywidget's ~2 s deadline, or
it silently stops updating (see shared/STACK-NOTES.md). One widget boots once.

A *placement* puts one view, drawn from one snapshot, in one grid cell, under a trace group
name (``legendgroup``): the single-run dashboard places every view once under its own name;
the A/B comparison places some views once per run, as ``"A:kl"``, ``"B:kl"``, ...
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Placement:
    group: str  # the traces' legendgroup, by which view_traces finds them
    view: View
    cell: tuple[int, int]
    run: str = ""  # which snapshot it draws; also prefixes its title


SINGLE = tuple(Placement(v.name, v, v.cell) for v in VIEWS)


def _title(p: Placement, snap: Snapshot) -> str:
    title = f"{p.run}: {p.view.title}" if p.run else p.view.title
    if not p.view.caption:
        return title
    lines = p.view.caption(snap).split("\n")
    return "".join([title, *(f"<br><sup>{line}</sup>" for line in lines)])


def _by_cell(placements: tuple[Placement, ...]) -> list[Placement]:
    return sorted(placements, key=lambda p: p.cell)


def _x_axis(cell: tuple[int, int], cols: int) -> str:
    index = (cell[0] - 1) * cols + cell[1]
    return "x" if index == 1 else f"x{index}"


def build_grid(
    placements: tuple[Placement, ...],
    snaps: dict[str, Snapshot],
    shape: tuple[int, int],
    height: int,
    legend: tuple[str, ...] = LEGEND_VIEWS,
    vertical_spacing: float = 0.14,
) -> go.Figure:
    """A ``go.Figure`` holding every placement's traces on a ``shape`` (rows, cols) grid."""
    rows, cols = shape
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[_title(p, snaps[p.run]) for p in _by_cell(placements)],
        horizontal_spacing=0.07,
        vertical_spacing=vertical_spacing,  # room for titles of up to three lines
    )
    for p in placements:
        snap, (row, col) = snaps[p.run], p.cell
        for props in p.view.data(snap):
            props = dict(props)
            trace = TRACE_TYPES[props.pop("type")](
                **props, legendgroup=p.group, showlegend=p.group in legend
            )
            fig.add_trace(trace, row=row, col=col)
        yaxis = dict(p.view.yaxis)
        if yaxis.get("scaleanchor") == "x":  # square pixels: anchor to its own x axis
            yaxis["scaleanchor"] = _x_axis(p.cell, cols)
        fig.update_xaxes(p.view.xaxis, row=row, col=col)
        fig.update_yaxes(yaxis, row=row, col=col)
        if p.view.yaxis_live:
            fig.update_yaxes(p.view.yaxis_live(snap), row=row, col=col)
    fig.update_layout(
        height=height,
        margin={"l": 50, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "y": -0.2 / rows, "x": 0.0},
        template="plotly_white",
        bargap=0.1,
        uirevision="keep",  # user zoom survives live updates
    )
    return fig


def update_grid(
    fig: go.Figure, placements: tuple[Placement, ...], snaps: dict[str, Snapshot]
) -> None:
    """Refresh every placement's live data in one ``batch_update``."""
    titles = {p.group: i for i, p in enumerate(_by_cell(placements))}
    with fig.batch_update():
        for p in placements:
            snap = snaps[p.run]
            for trace, props in zip(view_traces(fig, p.group), p.view.data(snap), strict=True):
                trace.update({k: props[k] for k in LIVE_KEYS if k in props})
            if p.view.caption:
                fig.layout.annotations[titles[p.group]].text = _title(p, snap)
            if p.view.yaxis_live:
                fig.update_yaxes(p.view.yaxis_live(snap), row=p.cell[0], col=p.cell[1])


def build_figure(snap: Snapshot, height: int = 1080) -> go.Figure:
    """The single-run dashboard: every view, drawn from ``snap``."""
    return build_grid(SINGLE, {"": snap}, (ROWS, COLS), height)


def update_figure(fig: go.Figure, snap: Snapshot) -> None:
    """Refresh the single-run dashboard from ``snap``."""
    update_grid(fig, SINGLE, {"": snap})


def set_log_loss(fig: go.Figure, log: bool) -> None:
    """Switch the loss panel's y axis between linear and log scale."""
    row, col = next(v.cell for v in VIEWS if v.name == "loss")
    fig.update_yaxes(type="log" if log else "linear", row=row, col=col)


def view_traces(fig: Any, name: str) -> list[Any]:
    """The traces of view (or placement group) ``name`` in ``fig``, in the order its ``data``
    function lists them. Each trace carries that name as ``legendgroup`` (see ``build_grid``).
    """
    return [t for t in fig.data if t.legendgroup == name]
