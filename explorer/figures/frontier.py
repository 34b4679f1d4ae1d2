"""The sparsity frontier as a view: explained variance against L0, one point per swept value,
with the dashboard's own run as a star.

A chart ``View`` like those of ``figures.views`` (same page, same frames), whose data
function takes a ``Frontier`` (what a sweep has found so far) instead of a ``Snapshot``. Its
axes are "nice" (the page picks a range around the points, changing only now and then); L0
is on a log axis, as SAEBench draws it: runs differ in L0 by factors, not by units.
The page paints markers and lines but no text, so each point's value is in its hover text and
in the table the panel shows beside the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.metrics import ACTIVE
from ..training.sweep import PROBE, SWEEPABLE, Point
from .views import COLORS, View


@dataclass(frozen=True)
class Frontier:
    """What the frontier view draws."""

    param: str  # the swept setting, a key of training.sweep.SWEEPABLE
    values: tuple  # every value of the sweep, in the order given
    steps: int  # per run
    points: tuple[Point, ...]  # the runs finished so far
    current: Point | None = None  # the dashboard's own run, measured the same way
    #: What to say of the current run in its legend entry (its step, how it differs).
    current_note: str = ""


def format_value(value: float | str) -> str:
    """A swept value as the page writes it (0.3, not 0.30000000000000004)."""
    return value if isinstance(value, str) else f"{value:g}"


#: L0 below this is 0 (no probe input has an active unit: the smallest L0 above 0 is
#: 1/PROBE). The L0 axis is logarithmic, as SAEBench draws it, with no place for 0: such a
#: run is drawn at L0_FLOOR, the axis' left edge, as a triangle pointing off it.
L0_FLOOR = 0.5 / PROBE
ZERO_L0 = "L0 = 0: at the axis' left edge"
MARKER = {"color": COLORS["blue"], "size": 10, "line": {"width": 1}}
OFF_AXIS_MARKER = MARKER | {"symbol": "triangle-left", "size": 14}


def _x(p: Point) -> float:
    return max(p.l0, L0_FLOOR)


def _hover(p: Point) -> str:
    # Numbers written in, not %{x}: a point at the axis' edge is not at its true L0.
    return (
        f"L0 {p.l0:.3g}, explained variance {p.explained_variance:.3g}<extra>dead "
        f"{p.dead} · mean log10 ρ̂ {p.mean_log10_rho_hat:.2f} · max decoder cos "
        f"{p.max_decoder_cosine:.2f}</extra>"
    )


def _point_trace(f: Frontier, value: float | str) -> dict[str, Any]:
    label = SWEEPABLE[f.param].label
    done = [p for p in f.points if p.value == value]
    off = bool(done) and done[0].l0 < L0_FLOOR
    # One trace per value, so that its hover text can name it; unnamed: no legend entry.
    return {
        "type": "scatter",
        "name": "",
        "mode": "markers",
        "x": [_x(p) for p in done],
        "y": [p.explained_variance for p in done],
        "marker": OFF_AXIS_MARKER if off else MARKER,
        "hovertemplate": f"{label} = {format_value(value)}: " + (_hover(done[0]) if done else ""),
    }


def _frontier_data(f: Frontier) -> list[dict[str, Any]]:
    row = SWEEPABLE[f.param]
    # Joined in the order of the values (sorted, for a setting that has an order): the line
    # shows what raising the setting does.
    order = sorted(f.points, key=lambda p: p.value) if row.ordered else list(f.points)
    sweep_name = f"{row.label} = {', '.join(format_value(v) for v in f.values)}"
    current = [f.current] if f.current is not None else []
    off = [p for p in f.points if p.l0 < L0_FLOOR]  # the star says it in its own name
    edge = ", L0 = 0: at the axis' left edge" if any(p.l0 < L0_FLOOR for p in current) else ""
    return [
        {
            "type": "scatter",
            "name": sweep_name,
            "mode": "lines+markers" if row.ordered else "markers",
            "x": [_x(p) for p in order],
            "y": [p.explained_variance for p in order],
            "line": {"color": COLORS["blue"]},
            "hoverinfo": "skip",
            "marker": MARKER,
        },
        *(_point_trace(f, value) for value in f.values),
        {
            "type": "scatter",
            "name": f"this dashboard's run{f.current_note}{edge}",
            "mode": "markers",
            "x": [_x(p) for p in current],
            "y": [p.explained_variance for p in current],
            "marker": {
                "symbol": "star",
                "color": COLORS["vermillion"],
                "size": 18,
                "line": {"width": 1},
            },
            "hovertemplate": "this dashboard's run: " + (_hover(f.current) if current else ""),
        },
        # Named only while there are some (no legend entry for what is not there).
        {
            "type": "scatter",
            "name": ZERO_L0 if off else "",
            "mode": "markers",
            "x": [],
            "y": [],
            "hoverinfo": "skip",
            "marker": OFF_AXIS_MARKER,
        },
    ]


def _frontier_caption(f: Frontier) -> str:
    row = SWEEPABLE[f.param]
    if not f.values:
        return (
            f"no sweep yet: press Run sweep\nL0 and explained variance on the first {PROBE} "
            "training inputs"
        )
    return (
        f"{len(f.points)} of {len(f.values)} runs of {f.steps} steps, each from the same "
        f"weights\nL0 and explained variance on the first {PROBE} training inputs"
        + (f" · joined in order of {row.label}" if row.ordered else "")
    )


FRONTIER_VIEW = View(
    name="frontier",
    title="Sparsity frontier: explained variance against L0",
    kind="chart",
    data=_frontier_data,
    layout={
        "xaxis": {
            "title": {"text": f"L0: active units per input (h > {ACTIVE:g})"},
            "type": "log",
            "nice": True,
        },
        "yaxis": {"title": {"text": "explained variance"}, "nice": True},
    },
    caption=_frontier_caption,
)
