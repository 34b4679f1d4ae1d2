"""The dashboard's views, as a table: each knows what it draws, from one function.

A view is a name, a title, a kind and one function ``data(snapshot)`` returning a list of
trace property dicts. Chart views ("chart") return Plotly traces; image views ("image") return
one ``{"type": "image", "z": 2-D array, "range": (lo, hi), "ring": (top, left, h, w)}`` that
the page paints on a ``<canvas>`` (NaN pixels stay transparent). The same function builds
the first frame and every later one (``figures.frames`` sends only what changed), so what
is drawn first and what is drawn live can never disagree.

Plotly draws a chart's axes; the page paints its traces on a canvas over them, in every frame
(a plotly redraw costs 10-40 ms here: docs/drawing.md). So every chart axis has a fixed
``range`` (here or from ``layout_live``) or says ``"nice": True``: the page then picks a range
around the data that changes only now and then (whole decades on a log axis).

Traces that depend on ρ say how with ``"follow"``: the page redraws them itself when the ρ
slider moves, with no kernel round trip (``"curve"``: y = penalty(ρ, x); ``"target"``:
the point (ρ, penalty(ρ, ρ)); ``"level"``: y = ρ; ``"log_level"``: x = log10 ρ), using the
penalty curve named by ``"curve"`` (the page's copies of ``core.penalties``' curves, tested
against them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.metrics import DEAD, SATURATED, dead_units, saturated_units
from ..core.penalties import PENALTIES, kl_divergence
from .mosaic import filter_mosaic, grid_shape, tile_at, tile_images, tile_origin
from .state import N_TOP as N_TOP_SHOWN
from .state import Snapshot

#: ρ̂ axis of the KL curve: log-spaced, since ρ is small and the minimum sits near 0.
RHO_HAT_GRID = np.logspace(-4, np.log10(0.9999), 400)
RHO_HAT_FLOOR = 1e-4  # dead units are drawn here on log axes (log 0 is off the chart)
HIST_EDGES = np.linspace(-6.0, 0.0, 31)

COLORS = {  # Okabe–Ito: distinguishable with every common colour-vision deficiency
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "black": "#000000",
}
#: The theme's text colour (black in the light theme, near-white in the dark one): the page
#: puts it wherever a trace names ``INK``, so "black" lines stay visible on a dark page.
INK = "ink"
#: How the selected unit is marked in every chart: a ring, so colour is not the only cue.
SELECTED = {"marker": {"symbol": "circle-open", "size": 18, "color": INK,
                       "line": {"width": 3}}, "hoverinfo": "skip"}  # fmt: skip
#: Which penalty curve the page draws for each penalty (TopK has none: KL for reference).
PAGE_CURVES = {name: (name if p.curve else "kl") for name, p in PENALTIES.items()}


def _units_on_curve(s: Snapshot) -> np.ndarray:
    # Kept off ρ̂ = 0 (log axis) and ρ̂ = 1 (where KL is infinite) so every unit can be drawn.
    return np.clip(s.rho_hat, RHO_HAT_FLOOR, 1.0 - 1e-6)


def _curve(s: Snapshot) -> Callable[[float, Any], np.ndarray]:
    """The active penalty's per-unit curve; KL for reference when it has none (TopK)."""
    return PENALTIES[s.penalty].curve or kl_divergence


#: What the curve panel says under its title, per penalty (the penalty's description otherwise).
CURVE_CAPTIONS = {
    "kl": "KL(ρ‖ρ̂): minimum 0 at ρ̂ = ρ",
    "l1": "L1 costs ρ̂: a pull to 0, ρ ignored (try β ≈ 0.01)",
    "topk": "TopK has no per-unit curve: KL for reference",
}


def _curve_caption(s: Snapshot) -> str:
    return CURVE_CAPTIONS.get(s.penalty, PENALTIES[s.penalty].description)


def _kl_data(s: Snapshot) -> list[dict[str, Any]]:
    units, curve, page_curve = _units_on_curve(s), _curve(s), PAGE_CURVES[s.penalty]
    follow = {"follow": "curve", "curve": page_curve}
    return [
        {"type": "scatter", "name": "penalty per unit", "mode": "lines", "x": RHO_HAT_GRID,
         "y": curve(s.rho, RHO_HAT_GRID), "line": {"color": COLORS["blue"]},
         "hoverinfo": "skip", **follow},
        {"type": "scatter", "name": "hidden units", "mode": "markers", "x": units,
         "y": curve(s.rho, units), "hovertemplate":
         "unit %{pointNumber}: ρ̂ = %{x:.3g}<extra>click to inspect</extra>",
         "marker": {"color": COLORS["orange"], "size": 8, "line": {"width": 1}}, **follow},
        {"type": "scatter", "name": "target ρ̂ = ρ", "mode": "markers", "x": [s.rho],
         "y": curve(s.rho, np.array([s.rho])), "hoverinfo": "skip",
         "marker": {"symbol": "star", "size": 14, "color": COLORS["vermillion"]},
         "follow": "target", "curve": page_curve},
        {"type": "scatter", "name": "selected unit", "mode": "markers",
         "x": units[s.unit : s.unit + 1], "y": curve(s.rho, units[s.unit : s.unit + 1]),
         **SELECTED, **follow},
    ]  # fmt: skip


def _kl_layout(s: Snapshot) -> dict[str, Any]:
    # The curve shoots to ~log(1/(1 − ρ̂)) near ρ̂ = 1; scale the axis to where the units and
    # the minimum are, so a student sees them slide down, not a flat line.
    units = _units_on_curve(s)
    near = [RHO_HAT_FLOOR, min(0.999, 20 * s.rho), *units]
    top = _nice_ceiling(1.15 * float(np.max(_curve(s)(s.rho, np.asarray(near)))))
    return {"yaxis": {"range": [-0.05 * top, top]}}


def _nice_ceiling(value: float) -> float:
    """The next of 1, 2, 5 × 10ⁿ at or above ``value``: an axis range that changes only now and
    then as the units move, so the chart is not redrawn in every frame (docs/drawing.md)."""
    decade = 10.0 ** np.floor(np.log10(value))
    return float(next(m * decade for m in (1, 2, 5, 10) if m * decade >= value * (1 - 1e-12)))


def _activation_data(s: Snapshot) -> list[dict[str, Any]]:
    k = len(s.rho_hat)
    return [
        {"type": "bar", "name": "ρ̂ per unit", "x": np.arange(k),
         "y": np.clip(s.rho_hat, RHO_HAT_FLOOR, 1.0), "marker": {"color": COLORS["sky"]},
         "hovertemplate": "unit %{x}: ρ̂ = %{y:.3g}<extra>click to inspect</extra>"},
        {"type": "scatter", "name": "target ρ", "mode": "lines", "x": [-0.5, k - 0.5],
         "y": [s.rho, s.rho], "line": {"color": COLORS["vermillion"], "dash": "dash"},
         "hoverinfo": "skip", "follow": "level"},
        {"type": "scatter", "name": "selected unit", "mode": "markers", "x": [s.unit],
         "y": np.clip(s.rho_hat[s.unit : s.unit + 1], RHO_HAT_FLOOR, 1.0), **SELECTED},
    ]  # fmt: skip


def _activation_layout(s: Snapshot) -> dict[str, Any]:
    return {"xaxis": {"range": [-0.5, len(s.rho_hat) - 0.5]}}


def _histogram_data(s: Snapshot) -> list[dict[str, Any]]:
    logs = np.log10(np.clip(s.rho_hat, 1e-6, 1.0))
    counts, _ = np.histogram(logs, bins=HIST_EDGES)
    centers = 0.5 * (HIST_EDGES[1:] + HIST_EDGES[:-1])
    return [
        {"type": "bar", "name": "units", "x": centers, "y": counts,
         "marker": {"color": COLORS["green"]},
         "hovertemplate": "log10 ρ̂ ≈ %{x:.1f}: %{y} units<extra></extra>"},
        {"type": "scatter", "name": "log10 ρ", "mode": "lines", "x": [np.log10(s.rho)] * 2,
         "y": [0, max(1, int(counts.max()))], "hoverinfo": "skip",
         "line": {"color": COLORS["vermillion"], "dash": "dash"}, "follow": "log_level"},
    ]  # fmt: skip


def _histogram_caption(s: Snapshot) -> str:
    return (
        f"L0 {s.l0:.2f} of {len(s.rho_hat)} active per input · explained variance "
        f"{s.explained_variance:.2f}\ndead (ρ̂ < {DEAD:g}) {dead_units(s.rho_hat)} · "
        f"saturated (ρ̂ > {SATURATED:g}) {saturated_units(s.rho_hat)}"
    )


def _image(
    name: str,
    z: np.ndarray,
    value_range: tuple[float, float],
    ring: tuple[int, int, int, int] | None = None,
    label: str = "",
) -> dict[str, Any]:
    return {"type": "image", "name": name, "z": z, "range": list(value_range),
            "ring": list(ring) if ring else None, "label": label}  # fmt: skip


def _filter_data(s: Snapshot) -> list[dict[str, Any]]:
    mosaic = filter_mosaic(s.components, s.image_shape)
    top, left = tile_origin(s.unit, len(s.components), s.image_shape)
    ring = (top, left, *s.image_shape)  # the selected unit's tile, framed
    return [_image("filters W/max|W|", mosaic, (-1, 1), ring, "w")]


def _filter_pick(s: Snapshot, row: int, col: int) -> int | None:
    return tile_at(row, col, len(s.components), s.image_shape)


def _reconstruction_data(s: Snapshot) -> list[dict[str, Any]]:
    # Top row: inputs; bottom row: their reconstructions.
    both = np.vstack([s.inputs, s.reconstructions])
    out = tile_images(both, s.image_shape, cols=len(s.inputs))
    return [_image("inputs / reconstructions", out, (0, 1), label="x")]


LOSS_LINES = (
    ("total", "total", INK),
    ("reconstruction", "reconstruction", COLORS["purple"]),
    ("sparsity", "β·Ω (sparsity)", COLORS["orange"]),
    ("weight_decay", "(λ/2)‖W‖²", COLORS["green"]),
)
#: Dash patterns, so the loss terms differ by more than hue.
LOSS_DASHES = ("solid", "dot", "dash", "dashdot")


def _loss_data(s: Snapshot) -> list[dict[str, Any]]:
    return [
        {"type": "scatter", "name": label, "mode": "lines", "x": s.loss_steps,
         "y": s.loss_terms[term], "line": {"color": color, "dash": dash},
         "hovertemplate": f"step %{{x}}: {label} %{{y:.4g}}<extra></extra>"}
        for (term, label, color), dash in zip(LOSS_LINES, LOSS_DASHES, strict=True)
    ]  # fmt: skip


def _unit_history_data(s: Snapshot) -> list[dict[str, Any]]:
    steps = s.unit_steps if len(s.unit_steps) else np.zeros(1)
    return [
        {"type": "scatter", "name": "ρ̂ of the selected unit", "mode": "lines+markers",
         "x": s.unit_steps, "y": np.clip(s.unit_rho_hat, RHO_HAT_FLOOR, 1.0),
         "marker": {"size": 4}, "line": {"color": INK},
         "hovertemplate": "step %{x}: ρ̂ = %{y:.3g}<extra></extra>"},
        {"type": "scatter", "name": "target ρ", "mode": "lines", "x": [steps[0], steps[-1]],
         "y": [s.rho, s.rho], "line": {"color": COLORS["vermillion"], "dash": "dash"},
         "hoverinfo": "skip", "follow": "level"},
    ]  # fmt: skip


def _unit_caption(s: Snapshot) -> str:
    rho_hat = float(s.rho_hat[s.unit])
    cost = float(_curve(s)(s.rho, np.array([rho_hat]))[0])
    return f"unit {s.unit} · ρ̂ = {rho_hat:.3g} · its penalty {cost:.3g} · click a filter or bar"


def _unit_filter_data(s: Snapshot) -> list[dict[str, Any]]:
    w = s.components[s.unit]
    scale = float(np.abs(w).max()) or 1.0
    return [_image("filter of the selected unit", (w / scale).reshape(s.image_shape), (-1, 1),
                   label="w")]  # fmt: skip


def _top_inputs_data(s: Snapshot) -> list[dict[str, Any]]:
    cols = grid_shape(N_TOP_SHOWN)[1]
    out = tile_images(s.top_inputs, s.image_shape, cols=cols)
    return [_image("inputs exciting the selected unit most", out, (0, 1), label="x")]


def _top_inputs_caption(s: Snapshot) -> str:
    a = s.top_activations
    return f"h from {a.max():.2f} down to {a.min():.2f}" if len(a) else ""


def _unit_of_point(trace: int) -> Callable[[Snapshot, int, int], int | None]:
    """A chart's click handler: a click on point p of trace ``trace`` picks unit p."""

    def pick(s: Snapshot, clicked_trace: int, point: int) -> int | None:
        return point if clicked_trace == trace and 0 <= point < len(s.rho_hat) else None

    return pick


@dataclass(frozen=True)
class View:
    """One panel of the dashboard."""

    name: str
    title: str
    kind: str  # "chart" (Plotly traces) or "image" (one array on a canvas)
    data: Callable[[Snapshot], list[dict[str, Any]]]
    #: Plotly layout of a chart (its axes), merged with ``layout_live`` at every frame.
    layout: dict[str, Any] = field(default_factory=dict)
    #: Live part of the title (e.g. counts), shown under it; lines split at "\n".
    caption: Callable[[Snapshot], str] | None = None
    #: Live layout (e.g. an axis range that follows ρ).
    layout_live: Callable[[Snapshot], dict[str, Any]] | None = None
    #: The unit a click selects, or None: ``pick(snapshot, a, b)`` with (row, col) of the
    #: pixel for an image, (trace, point) for a chart.
    pick: Callable[[Snapshot, int, int], int | None] | None = None


def _axes(x: dict[str, Any], y: dict[str, Any]) -> dict[str, Any]:
    return {"xaxis": x, "yaxis": y}


def _titled(text: str, **axis: Any) -> dict[str, Any]:
    return {"title": {"text": text}, **axis}


VIEWS: tuple[View, ...] = (
    View("kl", "Sparsity penalty per unit", "chart", _kl_data,
         _axes(_titled("ρ̂ (mean activation)", type="log", range=[-4, 0]), _titled("penalty")),
         _curve_caption, _kl_layout, pick=_unit_of_point(1)),
    View("filters", "Filters: W₁ rows, each / max|w|", "image", _filter_data,
         pick=_filter_pick),
    View("activations", "Mean activation ρ̂ per unit", "chart", _activation_data,
         _axes(_titled("hidden unit"), _titled("ρ̂", type="log", range=[-4, 0])),
         layout_live=_activation_layout, pick=_unit_of_point(0)),
    View("loss", "Loss terms", "chart", _loss_data,
         _axes(_titled("step", nice=True), _titled("loss", type="log", nice=True))),
    View("histogram", "Units by log10 ρ̂", "chart", _histogram_data,
         _axes(_titled("log10 ρ̂", range=[-6, 0]), _titled("units", nice=True)),
         _histogram_caption),
    View("reconstructions", "Inputs (top) and reconstructions (bottom)", "image",
         _reconstruction_data),
    View("unit_history", "Selected unit: ρ̂ during training", "chart", _unit_history_data,
         _axes(_titled("step", nice=True), _titled("ρ̂", type="log", range=[-4, 0])),
         _unit_caption),
    View("unit_filter", "Selected unit: its filter", "image", _unit_filter_data),
    View("unit_top", "Selected unit: inputs that excite it most", "image", _top_inputs_data,
         caption=_top_inputs_caption),
)  # fmt: skip
