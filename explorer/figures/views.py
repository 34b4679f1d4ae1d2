"""The dashboard's views, as a table: each knows what it draws, from one function.

A view is a name, a title, a kind and one function ``data(snapshot)`` returning a list of
trace property dicts. Chart views ("chart") return Plotly traces (NaN in a scatter trace's x or
y: a point not drawn, a gap in a line, as in Plotly); image views ("image") return
one ``{"type": "image", "z": 2-D array, "range": (lo, hi), "ring": (top, left, h, w)}`` that
the page paints on a ``<canvas>`` (NaN pixels stay transparent). The same function builds
the first frame and every later one (``figures.frames`` sends only what changed), so what
is drawn first and what is drawn live can never disagree.

Plotly draws a chart's axes; the page paints its traces on a canvas over them, in every frame
(a plotly redraw costs 10-40 ms here: docs/drawing.md). So every chart axis has a fixed
``range`` (here or from ``layout_live``) or says ``"nice": True``: the page then picks a range
around the data that changes only now and then (whole decades on a log axis), or the
axis' ``range`` while there is no data yet.

Every trace stays within what the page can draw, the drawing contract (``figures.contract``:
trace types, marks, hover formats, follow roles, colour maps), tested against every view.

Traces that depend on ρ say how with ``"follow"``: the page redraws them itself when the ρ
slider moves, with no kernel round trip (``"curve"``: y = penalty(ρ, x), or of the trace's
``rho_hat`` array where it has one, its points' true ρ̂ when drawn at a ρ̂ axis' edge;
``"target"``: the point (ρ, penalty(ρ, ρ)); ``"level"``: y = ρ; ``"log_level"``: x = log10 ρ;
``"tangent"``: from each of the trace's ``rho_hat``, a segment along the curve's tangent
(``tangent_segments``)), using the penalty curve named by ``"curve"`` and its slope (the page's
copies of ``core.penalties``' curves and slopes, tested against them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.metrics import DEAD, SATURATED, dead_units, saturated_units
from ..core.penalties import PENALTIES, kl_divergence
from ..core.recovery import THRESHOLD
from .contract import CURVES, INK, TANGENT_DECADES, TANGENT_HALF
from .mosaic import (
    by_largest,
    filter_mosaic,
    grid_shape,
    pair_at,
    pair_mosaic,
    pair_origin,
    tile_at,
    tile_images,
    tile_origin,
)
from .state import N_TOP as N_TOP_SHOWN
from .state import Derivation, Snapshot

#: ρ̂ axis of the KL curve: log-spaced, since ρ is small and the minimum sits near 0.
RHO_HAT_GRID = np.logspace(-4, np.log10(0.9999), 400)
#: The low end of every ρ̂ axis (log: ρ̂ = 0 has no place on it). A unit below it (dead, or
#: nearly) is *off the axis*: it is drawn at the axis' edge with a marker of its own, pointing
#: off the axis, and said so in the legend; the KL curve draws it at its true penalty.
RHO_HAT_FLOOR = 1e-4
#: The legend entry of the units off a ρ̂ axis (shown only while there are some).
OFF_AXIS = "ρ̂ < 10⁻⁴: off the axis"
#: The loss and unit-history views before the first step: steps 0 to this, and what to do.
EMPTY_STEPS = 10
NO_STEPS = "no steps yet: press Play or Step"
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
#: How the selected unit is marked in every chart: a ring, so colour is not the only cue.
SELECTED = {
    "marker": {"symbol": "circle-open", "size": 18, "color": INK, "line": {"width": 3}},
    "hoverinfo": "skip",
}


def _off_axis(rho_hat: np.ndarray) -> np.ndarray:
    """Which ρ̂ lie below the ρ̂ axes' low end."""
    return np.asarray(rho_hat) < RHO_HAT_FLOOR


def _off_axis_name(rho_hat: np.ndarray) -> str:
    # No legend entry for what is not there.
    return OFF_AXIS if _off_axis(rho_hat).any() else ""


def _off_axis_marker(symbol: str, color: str, size: int) -> dict[str, Any]:
    """How units off a ρ̂ axis are drawn: a triangle pointing off it, no hover of its own."""
    return {
        "hoverinfo": "skip",
        "marker": {"symbol": symbol, "color": color, "size": size, "line": {"width": 1}},
    }


def tangent_segments(
    rho: float,
    rho_hat: np.ndarray,
    curve: Callable[[float, Any], np.ndarray],
    slope: Callable[[float, Any], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of the push segments: per unit, its dot (ρ̂, Ω(ρ̂)), the tip (ρ̂·10^(∓d),
    Ω(ρ̂) + s·(tip − ρ̂)) on the tangent, and a NaN gap; d = TANGENT_DECADES·|s|/(|s| +
    TANGENT_HALF), the tip downhill (left where s > 0). Units off the ρ̂ axis get none."""
    r = np.asarray(rho_hat, dtype=np.float64)
    s = slope(rho, r)
    y = curve(rho, r)
    tip = r * 10.0 ** (-np.sign(s) * TANGENT_DECADES * np.abs(s) / (np.abs(s) + TANGENT_HALF))
    gap = np.full_like(r, np.nan)
    xs = np.column_stack([r, tip, gap])
    ys = np.column_stack([y, y + s * (tip - r), gap])
    xs[_off_axis(r)] = ys[_off_axis(r)] = np.nan
    return xs.ravel(), ys.ravel()


def _curve(s: Snapshot) -> Callable[[float, Any], np.ndarray]:
    """The active penalty's per-unit curve; KL for reference when it has none (TopK)."""
    return PENALTIES[s.penalty].curve or kl_divergence


#: What the curve panel says under its title, per penalty (the penalty's description otherwise).
CURVE_CAPTIONS = {
    "kl": "KL(ρ‖ρ̂): minimum 0 at ρ̂ = ρ",
    "l1": "L1 costs ρ̂: a pull to 0, ρ ignored (try β ≈ 0.01)",
    "topk": "TopK has no per-unit curve: KL for reference",
}


#: The second line of the curve panel's caption: what the push segments are, or why none.
PUSH_CAPTIONS = {
    True: "each line: the slope ∂Ω/∂ρ̂ at a unit, downhill: where the penalty pushes its ρ̂",
    False: "no ∂Ω/∂ρ̂ to draw: an input's ranking of its units, not ρ̂, sets what it pays",
}


def _curve_caption(s: Snapshot) -> str:
    first = CURVE_CAPTIONS.get(s.penalty, PENALTIES[s.penalty].description)
    return f"{first}\n{PUSH_CAPTIONS[PENALTIES[s.penalty].slope is not None]}"


def _push_trace(s: Snapshot) -> dict[str, Any]:
    """The push segments of every unit (none for a penalty with no ∂Ω/∂ρ̂: TopK)."""
    slope = PENALTIES[s.penalty].slope
    trace = {
        "type": "scatter",
        "name": "",
        "mode": "lines+markers",
        "x": np.zeros(0),
        "y": np.zeros(0),
        "rho_hat": s.rho_hat,
        "line": {"color": INK, "width": 1.5},
        # An arrowhead at each segment's tip (plotly: oriented along the segment).
        "marker": {"symbol": "arrow", "angleref": "previous", "size": 7, "color": INK},
        "hoverinfo": "skip",
    }
    if slope is None:
        return trace
    x, y = tangent_segments(s.rho, s.rho_hat, _curve(s), slope)
    name = "∂Ω/∂ρ̂: the push on each unit"
    follow = {"follow": "tangent", "curve": s.penalty} if s.penalty in CURVES else {}
    return trace | {"name": name, "x": x, "y": y, **follow}


def _page_curve(s: Snapshot) -> str | None:
    """The curve the page redraws for a new ρ: the penalty's own, or KL for one that has none
    (TopK: KL for reference, as ``_curve``); None for a curve the page cannot draw (a
    penalty added to the table: the kernel's next frame redraws it)."""
    name = s.penalty if PENALTIES[s.penalty].curve else "kl"
    return name if name in CURVES else None


def _kl_data(s: Snapshot) -> list[dict[str, Any]]:
    curve, page_curve = _curve(s), _page_curve(s)
    follow = {"follow": "curve", "curve": page_curve} if page_curve else {}
    target = {"follow": "target", "curve": page_curve} if page_curve else {}
    # Every unit at its true penalty, a unit off the axis at the axis' left edge (marked by
    # the last trace); the page redraws them for a new ρ from their true ρ̂ ("rho_hat").
    units = np.clip(s.rho_hat, RHO_HAT_FLOOR, 1.0)
    penalties = curve(s.rho, s.rho_hat)
    selected = slice(s.unit, s.unit + 1)
    off = _off_axis(s.rho_hat)
    return [
        {
            "type": "scatter",
            "name": "penalty per unit",
            "mode": "lines",
            "x": RHO_HAT_GRID,
            "y": curve(s.rho, RHO_HAT_GRID),
            "line": {"color": COLORS["blue"]},
            "hoverinfo": "skip",
            **follow,
        },
        {
            "type": "scatter",
            "name": "hidden units",
            "mode": "markers",
            "x": units,
            "y": penalties,
            "rho_hat": s.rho_hat,
            "hovertemplate": "unit %{pointNumber}: ρ̂ = %{rho_hat:.3g}, penalty %{y:.3g}"
            "<extra>click to inspect</extra>",
            "marker": {"color": COLORS["orange"], "size": 8, "line": {"width": 1}},
            **follow,
        },
        {
            "type": "scatter",
            "name": "target ρ̂ = ρ",
            "mode": "markers",
            "x": [s.rho],
            "y": curve(s.rho, np.array([s.rho])),
            "hoverinfo": "skip",
            "marker": {"symbol": "star", "size": 14, "color": COLORS["vermillion"]},
            **target,
        },
        {
            "type": "scatter",
            "name": "selected unit",
            "mode": "markers",
            "x": units[selected],
            "y": penalties[selected],
            "rho_hat": s.rho_hat[selected],
            **SELECTED,
            **follow,
        },
        # Over the units off the axis: a triangle pointing off it, as large as their dots.
        {
            "type": "scatter",
            "name": _off_axis_name(s.rho_hat) and f"{OFF_AXIS}, at its penalty",
            "mode": "markers",
            "x": units[off],
            "y": penalties[off],
            "rho_hat": s.rho_hat[off],
            **_off_axis_marker("triangle-left", COLORS["orange"], 18),
            **follow,
        },
        _push_trace(s),
    ]


def _kl_layout(s: Snapshot) -> dict[str, Any]:
    # The curve shoots to ~log(1/(1 − ρ̂)) near ρ̂ = 1; scale the axis to where the units (at
    # their true penalties, off the axis too) and the minimum are, so a student sees them
    # slide down, not a flat line.
    curve = _curve(s)
    near = curve(s.rho, np.array([RHO_HAT_FLOOR, min(0.999, 20 * s.rho), *s.rho_hat]))
    top = _nice_ceiling(1.15 * float(np.max(near)))
    return {"yaxis": {"range": [-0.05 * top, top]}}


def _nice_ceiling(value: float) -> float:
    """The next of 1, 2, 5 × 10ⁿ at or above ``value``: an axis range that changes only now and
    then as the units move, so the chart is not redrawn in every frame (docs/drawing.md)."""
    decade = 10.0 ** np.floor(np.log10(value))
    return float(next(m * decade for m in (1, 2, 5, 10) if m * decade >= value * (1 - 1e-12)))


def _activation_data(s: Snapshot) -> list[dict[str, Any]]:
    k, off = len(s.rho_hat), _off_axis(s.rho_hat)
    return [
        # A bar off the axis has no height; the marker below shows it, the hover its ρ̂.
        {
            "type": "bar",
            "name": "ρ̂ per unit",
            "x": np.arange(k),
            "y": np.clip(s.rho_hat, RHO_HAT_FLOOR, 1.0),
            "rho_hat": s.rho_hat,
            "marker": {"color": COLORS["sky"]},
            "hovertemplate": "unit %{x}: ρ̂ = %{rho_hat:.3g}<extra>click to inspect</extra>",
        },
        {
            "type": "scatter",
            "name": "target ρ",
            "mode": "lines",
            "x": [-0.5, k - 0.5],
            "y": [s.rho, s.rho],
            "line": {"color": COLORS["vermillion"], "dash": "dash"},
            "hoverinfo": "skip",
            "follow": "level",
        },
        {
            "type": "scatter",
            "name": "selected unit",
            "mode": "markers",
            "x": [s.unit],
            "y": np.clip(s.rho_hat[s.unit : s.unit + 1], RHO_HAT_FLOOR, 1.0),
            **SELECTED,
        },
        {
            "type": "scatter",
            "name": _off_axis_name(s.rho_hat),
            "mode": "markers",
            "x": np.flatnonzero(off),
            "y": np.full(off.sum(), RHO_HAT_FLOOR),
            **_off_axis_marker("triangle-down", COLORS["sky"], 11),
        },
    ]


def _activation_layout(s: Snapshot) -> dict[str, Any]:
    return {"xaxis": {"range": [-0.5, len(s.rho_hat) - 0.5]}}


def _histogram_data(s: Snapshot) -> list[dict[str, Any]]:
    logs = np.log10(np.clip(s.rho_hat, 1e-6, 1.0))
    counts, _ = np.histogram(logs, bins=HIST_EDGES)
    centers = 0.5 * (HIST_EDGES[1:] + HIST_EDGES[:-1])
    return [
        {
            "type": "bar",
            "name": "units",
            "x": centers,
            "y": counts,
            "marker": {"color": COLORS["green"]},
            "hovertemplate": "log10 ρ̂ ≈ %{x:.1f}: %{y} units<extra></extra>",
        },
        {
            "type": "scatter",
            "name": "log10 ρ",
            "mode": "lines",
            "x": [np.log10(s.rho)] * 2,
            "y": [0, max(1, int(counts.max()))],
            "hoverinfo": "skip",
            "line": {"color": COLORS["vermillion"], "dash": "dash"},
            "follow": "log_level",
        },
    ]


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
    colormap: str = "grey",
    labels: tuple[tuple[int, int, str], ...] = (),
) -> dict[str, Any]:
    """An image trace, painted by the page in ``colormap`` (a key of ``contract.COLORMAPS``:
    "grey" from black at the range's low end to white at its top, or "diverging" through
    white at 0, for a symmetric range); ``label`` names a pixel's value in its hover text,
    ``labels`` are (left, width, text) in pixels: text under the image's tiles."""
    return {
        "type": "image",
        "name": name,
        "z": z,
        "range": list(value_range),
        "ring": list(ring) if ring else None,
        "label": label,
        "colormap": colormap,
        "labels": [list(item) for item in labels],
    }


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
        {
            "type": "scatter",
            "name": label,
            "mode": "lines",
            "x": s.loss_steps,
            "y": s.loss_terms[term],
            "line": {"color": color, "dash": dash},
            "hovertemplate": f"step %{{x}}: {label} %{{y:.4g}}<extra></extra>",
        }
        for (term, label, color), dash in zip(LOSS_LINES, LOSS_DASHES, strict=True)
    ]


def _steps_layout(steps: np.ndarray) -> dict[str, Any]:
    """Before the first step a step axis has no data to fit: steps 0 to EMPTY_STEPS (the page
    picks a nice range around the data once there is some)."""
    return {} if len(steps) else {"xaxis": {"range": [0, EMPTY_STEPS]}}


def _loss_caption(s: Snapshot) -> str:
    return "" if len(s.loss_steps) else NO_STEPS


def _unit_history_data(s: Snapshot) -> list[dict[str, Any]]:
    steps = s.unit_steps if len(s.unit_steps) else np.array([0, EMPTY_STEPS])
    off = _off_axis(s.unit_rho_hat)
    return [
        {
            "type": "scatter",
            "name": "ρ̂ of the selected unit",
            "mode": "lines+markers",
            "x": s.unit_steps,
            "y": np.clip(s.unit_rho_hat, RHO_HAT_FLOOR, 1.0),
            "rho_hat": s.unit_rho_hat,
            "marker": {"size": 4},
            "line": {"color": INK},
            "hovertemplate": "step %{x}: ρ̂ = %{rho_hat:.3g}<extra></extra>",
        },
        {
            "type": "scatter",
            "name": "target ρ",
            "mode": "lines",
            "x": [steps[0], steps[-1]],
            "y": [s.rho, s.rho],
            "line": {"color": COLORS["vermillion"], "dash": "dash"},
            "hoverinfo": "skip",
            "follow": "level",
        },
        {
            "type": "scatter",
            "name": _off_axis_name(s.unit_rho_hat),
            "mode": "markers",
            "x": s.unit_steps[off],
            "y": np.full(off.sum(), RHO_HAT_FLOOR),
            "hoverinfo": "skip",
            "marker": {"symbol": "triangle-down", "color": INK, "size": 9},
        },
    ]


def _unit_caption(s: Snapshot) -> str:
    rho_hat = float(s.rho_hat[s.unit])
    cost = float(_curve(s)(s.rho, np.array([rho_hat]))[0])
    where = " (off the axes)" if rho_hat < RHO_HAT_FLOOR else ""
    text = f"unit {s.unit} · ρ̂ = {rho_hat:.3g}{where} · its penalty {cost:.3g}"
    text += " · click a filter or bar"
    return text if len(s.unit_steps) else f"{text}\n{NO_STEPS}"


def _unit_filter_data(s: Snapshot) -> list[dict[str, Any]]:
    w = s.components[s.unit]
    scale = float(np.abs(w).max()) or 1.0
    return [
        _image(
            "filter of the selected unit", (w / scale).reshape(s.image_shape), (-1, 1), label="w"
        )
    ]


def _top_inputs_data(s: Snapshot) -> list[dict[str, Any]]:
    cols = grid_shape(N_TOP_SHOWN)[1]
    out = tile_images(s.top_inputs, s.image_shape, cols=cols)
    return [_image("inputs exciting the selected unit most", out, (0, 1), label="x")]


def _top_inputs_caption(s: Snapshot) -> str:
    a = s.top_activations
    return f"h from {a.max():.2f} down to {a.min():.2f}" if len(a) else ""


# ---------------------------------------------------------------------------- the derivation
#: The chain rule's images for the selected unit, left to right in the seed's order: (its
#: piece of ``Derivation.pieces``, or "update"; its symbol; True where it is one of the three
#: forces, which share one colour scale so that they compare at a glance). ∂ρ̂/∂W (a direction,
#: not a force) and ΔW (a step, not a gradient) are each on a scale of their own.
CHAIN = (
    ("rho_hat_grad", "∂ρ̂/∂W", False),
    ("sparsity", "β·∂Ω/∂W", True),
    ("reconstruction", "∂L/∂W", True),
    ("total", "∂L̂/∂W", True),
    ("update", "ΔW", False),
)
#: Blank pixels between the chain's images.
CHAIN_PAD = 2


def _chain_images(d: Derivation) -> list[np.ndarray | None]:
    """The selected unit's CHAIN images as flat arrays (None: no update known)."""
    return [d.update if piece == "update" else d.pieces[piece] for piece, _, _ in CHAIN]


def _largest(a: np.ndarray | None) -> float:
    return 0.0 if a is None else float(np.abs(a).max())


def _chain_scales(d: Derivation) -> list[float]:
    """The |value| each CHAIN image's colour scale ends at (1 for an image all 0)."""
    images = _chain_images(d)
    forces = max(_largest(a) for a, (_, _, force) in zip(images, CHAIN, strict=True) if force)
    scales = [
        forces if force else _largest(a) for a, (_, _, force) in zip(images, CHAIN, strict=True)
    ]
    return [scale or 1.0 for scale in scales]


def _chain_data(s: Snapshot) -> list[dict[str, Any]]:
    d = s.derivation
    blank = np.full(s.components.shape[1], np.nan)
    images, scales = _chain_images(d), _chain_scales(d)
    tiles = [blank if a is None else a / scale for a, scale in zip(images, scales, strict=True)]
    strip = tile_images(np.vstack(tiles), s.image_shape, cols=len(CHAIN), pad=CHAIN_PAD)
    width = s.image_shape[1]
    labels = tuple(
        (i * (width + CHAIN_PAD), width, f"{symbol}\n{_norm_text(a)}")
        for i, (a, (_, symbol, _)) in enumerate(zip(images, CHAIN, strict=True))
    )
    name = "the chain rule for the selected unit's weights"
    style = {"label": "value / its scale", "colormap": "diverging", "labels": labels}
    return [_image(name, strip, (-1, 1), **style)]


def _norm_text(a: np.ndarray | None) -> str:
    """An image's norm as its label says it ("‖·‖ 0.0103"; "none yet" for no update)."""
    return "none yet" if a is None else f"‖·‖ {np.linalg.norm(a):.3g}"


def _push_words(slope: float) -> str:
    """Which way a slope ∂Ω/∂ρ̂ pushes ρ̂ (gradient descent goes against it)."""
    return "no push: ρ̂ = ρ" if slope == 0 else f"pushes ρ̂ {'up' if slope < 0 else 'down'}"


def _chain_caption(s: Snapshot) -> str:
    d = s.derivation
    inputs = f"its batch of {d.n_inputs:,}" if d.batch else f"all {d.n_inputs:,}"
    followed = d.live and d.update is not None
    gradient = f"the gradient step {d.step + 1} followed" if followed else f"at step {d.step}"
    if d.slope is None:
        link = "∂Ω/∂ρ̂: none (TopK charges each input's units outside its top K)"
    else:
        link = f"∂Ω/∂ρ̂ = {d.slope:+.3g}: {_push_words(d.slope)} · β = {d.beta:g}"
    decay = np.linalg.norm(d.pieces["weight_decay"])
    scales = f"blue −, red +; the forces on one scale (±{_chain_scales(d)[1]:.2g})"
    if d.update_steps > 1:
        scales += f" · ΔW: the mean of {d.update_steps} steps"
    lines = [f"unit {s.unit} · {gradient}, on {inputs} inputs", link]
    return "\n".join([*lines, f"∂L̂/∂W includes λW (‖·‖ {decay:.3g}) · {scales}"])


def _derivation_key(s: Snapshot) -> tuple[int, int]:
    """The derivation views draw one measurement (``Derivation.serial``) for one unit."""
    return s.derivation.serial, s.unit


def _tug_points(d: Derivation) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's (‖∂L/∂W_:,l‖, β‖∂Ω/∂W_:,l‖), NaN where one is 0 (no place on a log axis)."""
    x, y = d.reconstruction_norms, d.sparsity_norms
    drawn = (x > 0) & (y > 0)
    return np.where(drawn, x, np.nan), np.where(drawn, y, np.nan)


#: Where the tug of war's balance line runs (log10) while no unit has a place on its axes.
TUG_EMPTY = (-3.0, 1.0)


def _tug_decades(d: Derivation) -> tuple[float, float]:
    """log10 of the whole decades around every unit's two forces: where the balance line
    runs, so that the page's axes (whole decades around all they show) span the same decades
    and the line runs corner to corner."""
    x, y = _tug_points(d)
    both = np.concatenate([x, y])
    finite = both[np.isfinite(both)]
    if not len(finite):
        return TUG_EMPTY
    lo, hi = np.floor(np.log10(finite.min())), np.ceil(np.log10(finite.max()))
    return float(lo), float(max(hi, lo + 1))


def _tug_data(s: Snapshot) -> list[dict[str, Any]]:
    x, y = _tug_points(s.derivation)
    ends = 10.0 ** np.array(_tug_decades(s.derivation))
    selected = slice(s.unit, s.unit + 1)
    return [
        {
            "type": "scatter",
            "name": "hidden units",
            "mode": "markers",
            "x": x,
            "y": y,
            "marker": {"color": COLORS["orange"], "size": 8, "line": {"width": 1}},
            "hovertemplate": "unit %{pointNumber}: ‖∂L/∂W‖ %{x:.3g}, β‖∂Ω/∂W‖ %{y:.3g}"
            "<extra>click to inspect</extra>",
        },
        {
            "type": "scatter",
            "name": "balance: β‖∂Ω/∂W‖ = ‖∂L/∂W‖",
            "mode": "lines",
            "x": ends,
            "y": ends,
            "line": {"color": INK, "dash": "dash"},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "name": "selected unit",
            "mode": "markers",
            "x": x[selected],
            "y": y[selected],
            **SELECTED,
        },
    ]


def _tug_caption(s: Snapshot) -> str:
    d = s.derivation
    if not d.beta:
        return "β = 0: no sparsity force"
    x, y = _tug_points(d)
    above, below = int(np.count_nonzero(y > x)), int(np.count_nonzero(y <= x))
    text = f"above the line sparsity pulls harder: {above} units · below, reconstruction: {below}"
    zero = len(x) - above - below
    return f"{text}\n{zero} units with a force of 0, not drawn" if zero else text


#: The selected unit's force history: (name, Derivation attribute, colour, dash), in the loss
#: view's colours for the same terms.
FORCE_LINES = (
    ("‖∂L/∂W‖ (reconstruction)", "history_reconstruction", COLORS["purple"], "dot"),
    ("β‖∂Ω/∂W‖ (sparsity)", "history_sparsity", COLORS["orange"], "dash"),
)


def _forces_history_data(s: Snapshot) -> list[dict[str, Any]]:
    d = s.derivation
    traces = []
    for name, attribute, color, dash in FORCE_LINES:
        values = getattr(d, attribute)
        short = name.split(" ")[0]
        traces.append(
            {
                "type": "scatter",
                "name": name,
                "mode": "lines",
                "x": d.history_steps,
                "y": np.where(values > 0, values, np.nan),  # 0 has no place on a log axis
                "line": {"color": color, "dash": dash},
                "hovertemplate": f"step %{{x}}: {short} %{{y:.3g}}<extra></extra>",
            }
        )
    return traces


def _forces_history_caption(s: Snapshot) -> str:
    text = f"unit {s.unit} · measured at the steps the board showed while training"
    return text if len(s.derivation.history_steps) else f"{text}\n{NO_STEPS}"


def _recovery_data(s: Snapshot) -> list[dict[str, Any]]:
    t = s.truth
    score, n = t.score, len(t.features)
    features, edges = np.arange(n), [-0.5, n - 0.5]
    mine = score.decoder_unit == s.unit  # the features the selected unit is the best match of
    return [
        {
            "type": "bar",
            "name": "best cosine with a unit's decoder",
            "x": features,
            "y": score.decoder_cosine,
            "marker": {"color": COLORS["sky"]},
            "hovertemplate": "true feature %{x}: decoder cosine %{y:.2g}"
            "<extra>click to inspect its unit</extra>",
        },
        {
            "type": "scatter",
            "name": "best cosine with a unit's encoder filter",
            "mode": "markers",
            "x": features,
            "y": score.encoder_cosine,
            "marker": {"color": COLORS["orange"], "size": 8, "line": {"width": 1}},
            "hovertemplate": "true feature %{x}: filter cosine %{y:.2g}"
            "<extra>click to inspect its unit</extra>",
        },
        {
            "type": "scatter",
            "name": f"recovered: cosine > {THRESHOLD:g}",
            "mode": "lines",
            "x": edges,
            "y": [THRESHOLD, THRESHOLD],
            "line": {"color": COLORS["vermillion"], "dash": "dash"},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "name": "random weights, on average",
            "mode": "lines",
            "x": edges,
            "y": [t.chance, t.chance],
            "line": {"color": INK, "dash": "dot", "width": 1.5},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "name": "matched by the selected unit",
            "mode": "markers",
            "x": features[mine],
            "y": score.decoder_cosine[mine],
            **SELECTED,
        },
    ]


def _recovery_caption(s: Snapshot) -> str:
    score, n = s.truth.score, len(s.truth.features)
    return (
        f"recovered {score.recovered} of {n} (cosine > {THRESHOLD:g}) by a decoder column, "
        f"{score.encoder_recovered} by an encoder filter\nmean best cosine "
        f"{score.mean_cosine:.2f} (decoder), {score.encoder_mean_cosine:.2f} (encoder) · "
        f"random weights {s.truth.chance:.2f}"
    )


def _recovery_pick(s: Snapshot, clicked_trace: int, point: int) -> int | None:
    """A click on a feature's bar picks its best decoder unit; on its dot, its best filter's."""
    units = {0: s.truth.score.decoder_unit, 1: s.truth.score.encoder_unit}.get(clicked_trace)
    return int(units[point]) if units is not None and 0 <= point < len(units) else None


def _pairs_data(s: Snapshot) -> list[dict[str, Any]]:
    t = s.truth
    n = len(t.features)
    z = pair_mosaic(by_largest(t.features), by_largest(t.matched), s.image_shape)
    mine = np.flatnonzero(t.score.decoder_unit == s.unit)
    h, w = s.image_shape
    # The first pair the selected unit is the best match of, framed (both of its images).
    ring = (*pair_origin(int(mine[0]), n, s.image_shape), 2 * h + 1, w) if len(mine) else None
    return [_image("true features above their best decoder columns", z, (-1, 1), ring, "w")]


def _pairs_pick(s: Snapshot, row: int, col: int) -> int | None:
    pair = pair_at(row, col, len(s.truth.features), s.image_shape)
    return None if pair is None else int(s.truth.score.decoder_unit[pair])


def _pairs_caption(s: Snapshot) -> str:
    score = s.truth.score
    worst = int(np.argmin(score.decoder_cosine))
    return (
        "each / max|·| · click a pair to inspect its unit\nworst matched: true feature "
        f"{worst}, cosine {score.decoder_cosine[worst]:.2f} with unit {score.decoder_unit[worst]}"
    )


def _has_truth(s: Snapshot) -> bool:
    return s.truth is not None


def _unit_of_point(*traces: int) -> Callable[[Snapshot, int, int], int | None]:
    """A chart's click handler: a click on point p of one of ``traces`` picks unit p."""

    def pick(s: Snapshot, clicked_trace: int, point: int) -> int | None:
        return point if clicked_trace in traces and 0 <= point < len(s.rho_hat) else None

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
    #: Whether the view has anything to show for a snapshot (None: always). The page hides
    #: it while not (``figures.frames``), and ``data`` is not asked.
    shown: Callable[[Snapshot], bool] | None = None
    #: What the view's drawing depends on, where that is cheaper to tell than the drawing
    #: (None: anything): while ``key(snapshot)`` stays the same, the board keeps the view's
    #: last state instead of building it again (the derivation views: one measurement of the
    #: gradient is drawn by many frames).
    key: Callable[[Snapshot], Any] | None = None


def _axes(x: dict[str, Any], y: dict[str, Any]) -> dict[str, Any]:
    return {"xaxis": x, "yaxis": y}


def _titled(text: str, **axis: Any) -> dict[str, Any]:
    return {"title": {"text": text}, **axis}


VIEWS: tuple[View, ...] = (
    View(
        name="kl",
        title="Sparsity penalty per unit",
        kind="chart",
        data=_kl_data,
        layout=_axes(_titled("ρ̂ (mean activation)", type="log", range=[-4, 0]), _titled("penalty")),
        caption=_curve_caption,
        layout_live=_kl_layout,
        pick=_unit_of_point(1),
    ),
    View(
        name="filters",
        title="Filters: W₁ rows, each / max|w|",
        kind="image",
        data=_filter_data,
        pick=_filter_pick,
    ),
    View(
        name="activations",
        title="Mean activation ρ̂ per unit",
        kind="chart",
        data=_activation_data,
        layout=_axes(_titled("hidden unit"), _titled("ρ̂", type="log", range=[-4, 0])),
        layout_live=_activation_layout,
        pick=_unit_of_point(0),
    ),
    View(
        name="loss",
        title="Loss terms",
        kind="chart",
        data=_loss_data,
        layout=_axes(_titled("step", nice=True), _titled("loss", type="log", nice=True)),
        caption=_loss_caption,
        layout_live=lambda s: _steps_layout(s.loss_steps),
    ),
    View(
        name="histogram",
        title="Units by log10 ρ̂",
        kind="chart",
        data=_histogram_data,
        layout=_axes(_titled("log10 ρ̂", range=[-6, 0]), _titled("units", nice=True)),
        caption=_histogram_caption,
    ),
    View(
        name="reconstructions",
        title="Inputs (top) and reconstructions (bottom)",
        kind="image",
        data=_reconstruction_data,
    ),
    View(
        name="unit_history",
        title="Selected unit: ρ̂ during training",
        kind="chart",
        data=_unit_history_data,
        layout=_axes(_titled("step", nice=True), _titled("ρ̂", type="log", range=[-4, 0])),
        caption=_unit_caption,
        layout_live=lambda s: _steps_layout(s.unit_steps),
    ),
    View(
        name="unit_filter",
        title="Selected unit: its filter",
        kind="image",
        data=_unit_filter_data,
    ),
    View(
        name="unit_top",
        title="Selected unit: inputs that excite it most",
        kind="image",
        data=_top_inputs_data,
        caption=_top_inputs_caption,
    ),
    View(
        name="unit_forces",
        title="Selected unit: the two forces during training",
        kind="chart",
        data=_forces_history_data,
        layout=_axes(_titled("step", nice=True), _titled("size ‖·‖", type="log", nice=True)),
        caption=_forces_history_caption,
        layout_live=lambda s: _steps_layout(s.derivation.history_steps),
        key=_derivation_key,
    ),
    View(
        name="chain",
        title="Selected unit: ∂L̂/∂W by the chain rule",
        kind="image",
        data=_chain_data,
        caption=_chain_caption,
        key=_derivation_key,
    ),
    View(
        name="tug",
        title="Tug of war: the two forces on every unit",
        kind="chart",
        data=_tug_data,
        layout=_axes(
            _titled("‖∂L/∂W‖ (reconstruction)", type="log", nice=True),
            _titled("β‖∂Ω/∂W‖ (sparsity)", type="log", nice=True),
        ),
        caption=_tug_caption,
        key=_derivation_key,
        pick=_unit_of_point(0),
    ),
    View(
        name="recovery",
        title="Recovery: each true feature's best cosine with a unit",
        kind="chart",
        data=_recovery_data,
        layout=_axes(_titled("true feature"), _titled("cosine", range=[0, 1])),
        caption=_recovery_caption,
        layout_live=lambda s: {"xaxis": {"range": [-0.5, len(s.truth.features) - 0.5]}},
        pick=_recovery_pick,
        shown=_has_truth,
    ),
    View(
        name="recovery_pairs",
        title="Recovery: true features (top) above their best decoder columns",
        kind="image",
        data=_pairs_data,
        caption=_pairs_caption,
        pick=_pairs_pick,
        shown=_has_truth,
    ),
)
