"""The dashboard's views, as a table: each knows its traces and how to refresh them.

A view is a name, a grid cell, axis settings and one function ``data(snapshot)`` returning a
list of trace property dicts. The same function builds the traces (``go.<type>(**props)``)
and updates them (``trace.update(props)``), so what is drawn first and what is drawn live can
never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.metrics import DEAD, SATURATED, dead_units, saturated_units
from ..core.penalties import PENALTIES, kl_divergence
from .mosaic import filter_mosaic, grid_shape, tile_images, tile_origin
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
GRAY = [[0.0, "#000000"], [1.0, "#ffffff"]]
#: How the selected unit is marked in every view: a ring, so colour is not the only cue.
SELECTED = {"marker": {"symbol": "circle-open", "size": 18, "color": COLORS["black"],
                       "line": {"width": 3}}, "hoverinfo": "skip"}  # fmt: skip


def _json_safe(image: np.ndarray) -> list:
    # 2-D arrays reach the page as JSON, where NaN is invalid: blank pixels become None.
    return np.where(np.isnan(image), None, np.round(image, 4)).tolist()


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
    units, curve = _units_on_curve(s), _curve(s)
    return [
        {"type": "scatter", "name": "penalty per unit", "mode": "lines", "x": RHO_HAT_GRID,
         "y": curve(s.rho, RHO_HAT_GRID), "line": {"color": COLORS["blue"]}},
        {"type": "scatter", "name": "hidden units", "mode": "markers", "x": units,
         "y": curve(s.rho, units), "text": [f"unit {i}" for i in range(len(units))],
         "marker": {"color": COLORS["orange"], "size": 8, "line": {"width": 1}}},
        {"type": "scatter", "name": "target ρ̂ = ρ", "mode": "markers", "x": [s.rho],
         "y": curve(s.rho, np.array([s.rho])),
         "marker": {"symbol": "star", "size": 14, "color": COLORS["vermillion"]}},
        {"type": "scatter", "name": "selected unit", "mode": "markers",
         "x": units[s.unit : s.unit + 1], "y": curve(s.rho, units[s.unit : s.unit + 1]),
         **SELECTED},
    ]  # fmt: skip


def _kl_yaxis(s: Snapshot) -> dict[str, Any]:
    # The curve shoots to ~log(1/(1 − ρ̂)) near ρ̂ = 1; scale the axis to where the units and
    # the minimum are, so a student sees them slide down, not a flat line.
    units = _units_on_curve(s)
    near = [RHO_HAT_FLOOR, min(0.999, 20 * s.rho), *units]
    top = 1.15 * float(np.max(_curve(s)(s.rho, np.asarray(near))))
    return {"range": [-0.05 * top, top]}


def _activation_data(s: Snapshot) -> list[dict[str, Any]]:
    k = len(s.rho_hat)
    return [
        {"type": "bar", "name": "ρ̂ per unit", "x": np.arange(k),
         "y": np.clip(s.rho_hat, RHO_HAT_FLOOR, 1.0), "marker": {"color": COLORS["sky"]}},
        {"type": "scatter", "name": "target ρ", "mode": "lines", "x": [-0.5, k - 0.5],
         "y": [s.rho, s.rho], "line": {"color": COLORS["vermillion"], "dash": "dash"}},
        {"type": "scatter", "name": "selected unit", "mode": "markers", "x": [s.unit],
         "y": np.clip(s.rho_hat[s.unit : s.unit + 1], RHO_HAT_FLOOR, 1.0), **SELECTED},
    ]  # fmt: skip


def _histogram_data(s: Snapshot) -> list[dict[str, Any]]:
    logs = np.log10(np.clip(s.rho_hat, 1e-6, 1.0))
    counts, _ = np.histogram(logs, bins=HIST_EDGES)
    centers = 0.5 * (HIST_EDGES[1:] + HIST_EDGES[:-1])
    return [
        {"type": "bar", "name": "units", "x": centers,
         "y": counts, "marker": {"color": COLORS["green"]}},
        {"type": "scatter", "name": "log10 ρ", "mode": "lines", "x": [np.log10(s.rho)] * 2,
         "y": [0, max(1, int(counts.max()))],
         "line": {"color": COLORS["vermillion"], "dash": "dash"}},
    ]  # fmt: skip


def _histogram_caption(s: Snapshot) -> str:
    return (
        f"L0 {s.l0:.2f} of {len(s.rho_hat)} active per input · explained variance "
        f"{s.explained_variance:.2f}\ndead (ρ̂ < {DEAD:g}) {dead_units(s.rho_hat)} · "
        f"saturated (ρ̂ > {SATURATED:g}) {saturated_units(s.rho_hat)}"
    )


def _filter_data(s: Snapshot) -> list[dict[str, Any]]:
    mosaic = filter_mosaic(s.components, s.image_shape)
    # The selected unit's tile, framed. Rows are drawn flipped (row 0 at the top).
    (h, w), top_row = s.image_shape, mosaic.shape[0]
    top, left = tile_origin(s.unit, len(s.components), s.image_shape)
    x0, x1, y0, y1 = left - 0.5, left + w - 0.5, top_row - top - h - 0.5, top_row - top - 0.5
    return [
        {"type": "heatmap", "name": "filters W/max|W|", "z": _json_safe(mosaic[::-1]),
         "zmin": -1, "zmax": 1, "colorscale": GRAY, "showscale": False,
         "hovertemplate": "w = %{z:.2f}<extra>click to inspect</extra>"},
        {"type": "scatter", "name": "selected unit", "mode": "lines", "hoverinfo": "skip",
         "x": [x0, x1, x1, x0, x0], "y": [y0, y0, y1, y1, y0],
         "line": {"color": COLORS["vermillion"], "width": 3}},
    ]  # fmt: skip


def _reconstruction_data(s: Snapshot) -> list[dict[str, Any]]:
    # Top row: inputs; bottom row: their reconstructions.
    both = np.vstack([s.inputs, s.reconstructions])
    out = tile_images(both, s.image_shape, cols=len(s.inputs))
    return [
        {"type": "heatmap", "name": "inputs / reconstructions", "z": _json_safe(out[::-1]),
         "zmin": 0, "zmax": 1, "colorscale": GRAY, "showscale": False,
         "hovertemplate": "x = %{z:.2f}<extra></extra>"},
    ]  # fmt: skip


LOSS_LINES = (
    ("total", "total", COLORS["black"]),
    ("reconstruction", "reconstruction", COLORS["purple"]),
    ("sparsity", "β·Ω (sparsity)", COLORS["orange"]),
    ("weight_decay", "(λ/2)‖W‖²", COLORS["green"]),
)


def _loss_data(s: Snapshot) -> list[dict[str, Any]]:
    return [
        {"type": "scatter", "name": label, "mode": "lines", "x": s.loss_steps,
         "y": s.loss_terms[term], "line": {"color": color}}
        for term, label, color in LOSS_LINES
    ]  # fmt: skip


def _unit_history_data(s: Snapshot) -> list[dict[str, Any]]:
    steps = s.unit_steps if len(s.unit_steps) else np.zeros(1)
    return [
        {"type": "scatter", "name": "ρ̂ of the selected unit", "mode": "lines+markers",
         "x": s.unit_steps, "y": np.clip(s.unit_rho_hat, RHO_HAT_FLOOR, 1.0),
         "marker": {"size": 4}, "line": {"color": COLORS["black"]}},
        {"type": "scatter", "name": "target ρ", "mode": "lines", "x": [steps[0], steps[-1]],
         "y": [s.rho, s.rho], "line": {"color": COLORS["vermillion"], "dash": "dash"}},
    ]  # fmt: skip


def _unit_caption(s: Snapshot) -> str:
    rho_hat = float(s.rho_hat[s.unit])
    cost = float(_curve(s)(s.rho, np.array([rho_hat]))[0])
    return f"unit {s.unit} · ρ̂ = {rho_hat:.3g} · its penalty {cost:.3g} · click a filter or bar"


def _unit_filter_data(s: Snapshot) -> list[dict[str, Any]]:
    w = s.components[s.unit]
    scale = float(np.abs(w).max()) or 1.0
    image = (w / scale).reshape(s.image_shape)
    return [
        {"type": "heatmap", "name": "filter of the selected unit", "z": _json_safe(image[::-1]),
         "zmin": -1, "zmax": 1, "colorscale": GRAY, "showscale": False,
         "hovertemplate": "w = %{z:.2f}<extra></extra>"},
    ]  # fmt: skip


def _top_inputs_data(s: Snapshot) -> list[dict[str, Any]]:
    cols = grid_shape(N_TOP_SHOWN)[1]
    out = tile_images(s.top_inputs, s.image_shape, cols=cols)
    return [
        {"type": "heatmap", "name": "inputs exciting the selected unit most",
         "z": _json_safe(out[::-1]), "zmin": 0, "zmax": 1, "colorscale": GRAY,
         "showscale": False, "hovertemplate": "x = %{z:.2f}<extra></extra>"},
    ]  # fmt: skip


def _top_inputs_caption(s: Snapshot) -> str:
    a = s.top_activations
    return f"h from {a.max():.2f} down to {a.min():.2f}" if len(a) else ""


@dataclass(frozen=True)
class View:
    """One panel of the dashboard figure."""

    name: str
    title: str
    cell: tuple[int, int]
    data: Callable[[Snapshot], list[dict[str, Any]]]
    xaxis: dict[str, Any] = field(default_factory=dict)
    yaxis: dict[str, Any] = field(default_factory=dict)
    #: Live part of the title (e.g. counts), appended to ``title`` at every refresh.
    caption: Callable[[Snapshot], str] | None = None
    #: Live y-axis settings (e.g. a range that follows ρ), applied at every refresh.
    yaxis_live: Callable[[Snapshot], dict[str, Any]] | None = None


_IMAGE_AXES = {"showticklabels": False, "showgrid": False, "zeroline": False}

VIEWS: tuple[View, ...] = (
    View("kl", "Sparsity penalty per unit", (1, 1), _kl_data,
         {"type": "log", "title": "ρ̂ (mean activation)"}, {"title": "penalty"},
         _curve_caption, _kl_yaxis),
    View("activations", "Mean activation ρ̂ per unit", (1, 2), _activation_data,
         {"title": "hidden unit"}, {"type": "log", "title": "ρ̂", "range": [-4, 0]}),
    View("filters", "Filters: W₁ rows, each / max|w|", (1, 3), _filter_data,
         _IMAGE_AXES, _IMAGE_AXES | {"scaleanchor": "x"}),
    View("loss", "Loss terms", (2, 1), _loss_data, {"title": "step"},
         {"title": "loss", "type": "log"}),
    View("histogram", "Units by log10 ρ̂", (2, 2), _histogram_data,
         {"title": "log10 ρ̂", "range": [-6, 0]}, {"title": "units"}, _histogram_caption),
    View("reconstructions", "Inputs (top) and reconstructions (bottom)", (2, 3),
         _reconstruction_data, _IMAGE_AXES, _IMAGE_AXES | {"scaleanchor": "x"}),
    View("unit_history", "Selected unit: ρ̂ during training", (3, 1), _unit_history_data,
         {"title": "step"}, {"type": "log", "title": "ρ̂", "range": [-4, 0]}, _unit_caption),
    View("unit_filter", "Selected unit: its filter", (3, 2), _unit_filter_data, _IMAGE_AXES,
         _IMAGE_AXES | {"scaleanchor": "x"}),
    View("unit_top", "Selected unit: inputs that excite it most", (3, 3), _top_inputs_data,
         _IMAGE_AXES, _IMAGE_AXES | {"scaleanchor": "x"}, _top_inputs_caption),
)  # fmt: skip
