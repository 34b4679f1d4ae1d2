"""The sparsity frontier as a view: explained variance (or, on data whose true features are
known, their recovery) against L0, one point per swept value, with the dashboard's own run as a
star and the PCA baseline as a dashed line.

A chart ``View`` like those of ``figures.views`` (same page, same frames), whose data
function takes a ``Frontier`` (what a sweep has found so far) instead of a ``Snapshot``. Its
axes are "nice" (the page picks a range around the points, changing only now and then); L0
is on a log axis, as SAEBench draws it: runs differ in L0 by factors, not by units.
The page paints markers and lines but no text, so each point's value is in its hover text and
in the table the panel shows beside the chart.

The PCA baseline is the explained variance of the top k principal components of the same
probe inputs, for k = 1 .. n_hidden (``training.sweep.pca_baseline``), drawn at L0 = k: PCA
codes every input with k numbers, an autoencoder run with L0 units active of n_hidden. The
distance between a point and the line under it is what the run's nonlinear, sparse code buys
(above) or costs (below) against the best dense linear code as long as its L0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.metrics import ACTIVE
from ..core.recovery import THRESHOLD
from ..training.sweep import PROBE, SWEEPABLE, Point
from .views import COLORS, INK, View


@dataclass(frozen=True)
class YAxis:
    """What the frontier's vertical axis can show."""

    title: str  # the axis title
    choice: str  # as a drop-down offers it
    of: Callable[[Point], float | None]  # a point's value (None: not measured)
    #: Only on data whose true features are known.
    needs_truth: bool = False


Y_AXES: dict[str, YAxis] = {
    "explained_variance": YAxis(
        "explained variance", "explained variance", lambda p: p.explained_variance
    ),
    "recovery": YAxis(
        "recovery (mean best cosine)",
        "recovery of the true features",
        lambda p: p.recovery,
        needs_truth=True,
    ),
}


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
    #: The vertical axis, a key of ``Y_AXES``.
    y: str = "explained_variance"
    #: The PCA baseline: EV(k) for k = 1, 2, … (``training.sweep.pca_baseline``).
    pca: tuple[float, ...] = ()
    #: How many true features the data has (0: none known), and what random weights recover
    #: on average (``core.recovery.best_cosine_by_chance``).
    n_true: int = 0
    chance: float = 0.0


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


def _y(f: Frontier, p: Point) -> float:
    value = Y_AXES[f.y].of(p)
    return np.nan if value is None else value  # not drawn


def _hover(f: Frontier, p: Point) -> str:
    # Numbers written in, not %{x}: a point at the axis' edge is not at its true L0.
    found = (
        f", recovered {p.recovered} of {f.n_true} (mean best cosine {p.recovery:.2f})"
        if p.recovery is not None
        else ""
    )
    return (
        f"L0 {p.l0:.3g}, explained variance {p.explained_variance:.3g}{found}<extra>dead "
        f"{p.dead} · mean log10 ρ̂ {p.mean_log10_rho_hat:.2f} · max decoder cos "
        f"{p.max_decoder_cosine:.2f}</extra>"
    )


def _pca_trace(f: Frontier) -> dict[str, Any]:
    # Explained variance only: PCA's components are not meant to be the true features.
    shown = f.y == "explained_variance" and len(f.pca) > 0
    k = np.arange(1, len(f.pca) + 1) if shown else []
    return {
        "type": "scatter",
        "name": "PCA: top k components, at L0 = k" if shown else "",
        "mode": "lines",
        "x": k,
        "y": list(f.pca) if shown else [],
        "line": {"color": INK, "dash": "dash", "width": 1.5},
        "hovertemplate": "PCA, %{x} components: explained variance %{y:.3g}"
        "<extra>k numbers per input, every one used</extra>",
    }


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
        "y": [_y(f, p) for p in done],
        "marker": OFF_AXIS_MARKER if off else MARKER,
        "hovertemplate": f"{label} = {format_value(value)}: "
        + (_hover(f, done[0]) if done else ""),
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
        _pca_trace(f),
        {
            "type": "scatter",
            "name": sweep_name,
            "mode": "lines+markers" if row.ordered else "markers",
            "x": [_x(p) for p in order],
            "y": [_y(f, p) for p in order],
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
            "y": [_y(f, p) for p in current],
            "marker": {
                "symbol": "star",
                "color": COLORS["vermillion"],
                "size": 18,
                "line": {"width": 1},
            },
            "hovertemplate": "this dashboard's run: " + (_hover(f, f.current) if current else ""),
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


def _measured(f: Frontier) -> str:
    """What the axes measure, on what (the caption's last line)."""
    if f.y == "recovery":
        return (
            f"recovery: the mean over the {f.n_true} true features of their best cosine with "
            f"a unit's decoder ({THRESHOLD:g}: recovered; random weights: {f.chance:.2f})"
        )
    return (
        f"L0 and explained variance on the first {PROBE} training inputs; dashed: PCA with "
        "k components (k numbers per input) at L0 = k"
    )


def _frontier_caption(f: Frontier) -> str:
    row = SWEEPABLE[f.param]
    if not f.values:
        return f"no sweep yet: press Run sweep\n{_measured(f)}"
    return (
        f"{len(f.points)} of {len(f.values)} runs of {f.steps} steps, each from the same "
        "weights" + (f", joined in order of {row.label}" if row.ordered else "")
    ) + f"\n{_measured(f)}"


def _frontier_layout(f: Frontier) -> dict[str, Any]:
    return {"yaxis": {"title": {"text": Y_AXES[f.y].title}}}


FRONTIER_VIEW = View(
    name="frontier",
    title="Sparsity frontier: what each run buys at its L0",
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
    layout_live=_frontier_layout,
)
