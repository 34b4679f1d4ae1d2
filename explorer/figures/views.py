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

from ..core.penalties import kl_divergence
from .mosaic import filter_mosaic, tile_images
from .state import Snapshot

#: ρ̂ axis of the KL curve: log-spaced, since ρ is small and the minimum sits near 0.
RHO_HAT_GRID = np.logspace(-4, np.log10(0.9999), 400)
RHO_HAT_FLOOR = 1e-4  # dead units are drawn here on log axes (log 0 is off the chart)
DEAD, SATURATED = 1e-4, 0.9
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


def _json_safe(image: np.ndarray) -> list:
    # 2-D arrays reach the page as JSON, where NaN is invalid: blank pixels become None.
    return np.where(np.isnan(image), None, np.round(image, 4)).tolist()


def _units_on_curve(s: Snapshot) -> np.ndarray:
    # Kept off ρ̂ = 0 (log axis) and ρ̂ = 1 (where KL is infinite) so every unit can be drawn.
    return np.clip(s.rho_hat, RHO_HAT_FLOOR, 1.0 - 1e-6)


def _kl_data(s: Snapshot) -> list[dict[str, Any]]:
    units = _units_on_curve(s)
    return [
        {"type": "scatter", "name": "KL(ρ‖ρ̂)", "mode": "lines", "x": RHO_HAT_GRID,
         "y": kl_divergence(s.rho, RHO_HAT_GRID), "line": {"color": COLORS["blue"]}},
        {"type": "scatter", "name": "hidden units", "mode": "markers", "x": units,
         "y": kl_divergence(s.rho, units), "text": [f"unit {i}" for i in range(len(units))],
         "marker": {"color": COLORS["orange"], "size": 8, "line": {"width": 1}}},
        {"type": "scatter", "name": "minimum ρ̂ = ρ", "mode": "markers", "x": [s.rho],
         "y": [0.0], "marker": {"symbol": "star", "size": 14, "color": COLORS["vermillion"]}},
    ]  # fmt: skip


def _kl_yaxis(s: Snapshot) -> dict[str, Any]:
    # The curve shoots to ~log(1/(1 − ρ̂)) near ρ̂ = 1; scale the axis to where the units and
    # the minimum are, so a student sees them slide down, not a flat line.
    units = _units_on_curve(s)
    near = [RHO_HAT_FLOOR, min(0.999, 20 * s.rho), *units]
    top = 1.15 * float(np.max(kl_divergence(s.rho, near)))
    return {"range": [-0.05 * top, top]}


def _activation_data(s: Snapshot) -> list[dict[str, Any]]:
    k = len(s.rho_hat)
    return [
        {"type": "bar", "name": "ρ̂ per unit", "x": np.arange(k),
         "y": np.clip(s.rho_hat, RHO_HAT_FLOOR, 1.0), "marker": {"color": COLORS["sky"]}},
        {"type": "scatter", "name": "target ρ", "mode": "lines", "x": [-0.5, k - 0.5],
         "y": [s.rho, s.rho], "line": {"color": COLORS["vermillion"], "dash": "dash"}},
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
    dead = int(np.sum(s.rho_hat < DEAD))
    saturated = int(np.sum(s.rho_hat > SATURATED))
    return f"dead (ρ̂ < {DEAD:g}): {dead} · saturated (ρ̂ > {SATURATED:g}): {saturated}"


def _filter_data(s: Snapshot) -> list[dict[str, Any]]:
    mosaic = filter_mosaic(s.components, s.image_shape)
    return [
        {"type": "heatmap", "name": "filters W/max|W|", "z": _json_safe(mosaic[::-1]),
         "zmin": -1, "zmax": 1, "colorscale": GRAY, "showscale": False,
         "hovertemplate": "w = %{z:.2f}<extra></extra>"},
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
    ("reconstruction", "reconstruction", COLORS["blue"]),
    ("sparsity", "β·Ω (sparsity)", COLORS["orange"]),
    ("weight_decay", "(λ/2)‖W‖²", COLORS["green"]),
)


def _loss_data(s: Snapshot) -> list[dict[str, Any]]:
    return [
        {"type": "scatter", "name": label, "mode": "lines", "x": s.loss_steps,
         "y": s.loss_terms[term], "line": {"color": color}}
        for term, label, color in LOSS_LINES
    ]  # fmt: skip


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
    View("kl", "KL penalty Ω(ρ̂) — minimum at ρ̂ = ρ", (1, 1), _kl_data,
         {"type": "log", "title": "ρ̂ (mean activation)"}, {"title": "KL(ρ‖ρ̂)"},
         yaxis_live=_kl_yaxis),
    View("activations", "Mean activation per hidden unit", (1, 2), _activation_data,
         {"title": "hidden unit"}, {"type": "log", "title": "ρ̂", "range": [-4, 0]}),
    View("filters", "Learned filters (W₁ rows, each / max|w|)", (1, 3), _filter_data,
         _IMAGE_AXES, _IMAGE_AXES | {"scaleanchor": "x3"}),
    View("loss", "Loss terms", (2, 1), _loss_data, {"title": "step"},
         {"title": "loss", "type": "log"}),
    View("histogram", "Units by log10 ρ̂", (2, 2), _histogram_data,
         {"title": "log10 ρ̂", "range": [-6, 0]}, {"title": "units"}, _histogram_caption),
    View("reconstructions", "Inputs (top) and reconstructions (bottom)", (2, 3),
         _reconstruction_data, _IMAGE_AXES, _IMAGE_AXES | {"scaleanchor": "x6"}),
)  # fmt: skip
