"""What the page can draw: the drawing contract, stated once and read by both sides.

The views (``figures.views``) write every trace within it. The page (``js/src/board``) gets it
from the board's ``contract`` trait (``page_contract()``): it takes the array keys, the dash
patterns, the colour maps and the push segments' shape from it, and checks when it starts that
it implements every kind of view, trace type, mode, marker symbol, follow role, penalty curve
and hover format named here, refusing to start otherwise. ``problems(trace, kind)`` says what
in a trace lies outside; tests/figures/test_contract.py walks every view with it.

A chart trace is a Plotly-like dict, of which the page understands only:

- ``type`` (``TRACE_TYPES``), ``name`` (its legend entry; "" for none), ``mode`` (``MODES``);
- the arrays ``x``, ``y`` and ``rho_hat`` (``ARRAY_KEYS``: sent as binary float32; a NaN
  point is not drawn and breaks a line);
- ``line``: ``color``, ``width``, ``dash`` (``DASHES``); ``marker``: ``color``, ``size``,
  ``symbol`` (``SYMBOLS``), ``angleref`` ("previous": an oriented symbol turned along the line
  into its point), ``line.width`` (an outline in ink); a colour is ``#rrggbb`` or ``INK``;
- ``hovertemplate`` (``HOVER``) or ``hoverinfo: "skip"`` (no hover, no click);
- ``follow`` and ``curve``: the trace is redrawn by the page for the ρ slider's value
  (``FOLLOW`` says what each role needs; ``CURVES`` are the penalty curves the page has).

An image trace (one per image view): ``z`` (a 2-D array; NaN pixels transparent), ``range``
(the values at the colour map's ends), ``colormap`` (``COLORMAPS``; "grey" if not given),
``ring`` (top, left, height, width of a tile to frame, or None), ``label`` (what a pixel's
hover calls its value), ``labels`` (text under the image's tiles: [left, width, text] each,
in the image's columns, left to right) and ``name`` (the canvas's accessible name).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

#: The kinds of view, each drawn by its painter (js/src/board/painters.js).
KINDS = ("chart", "image")
#: Trace properties sent as binary float32 arrays; everything else is the trace's style.
#: ``rho_hat`` is the true ρ̂ of points drawn elsewhere (at a ρ̂ axis' edge): hover text shows
#: it, and a trace that follows the penalty curve is redrawn from it.
ARRAY_KEYS = ("x", "y", "z", "rho_hat")
#: The trace types of each kind of view.
TRACE_TYPES = {"chart": ("scatter", "bar"), "image": ("image",)}
MODES = ("lines", "markers", "lines+markers")
SYMBOLS = (
    "circle",
    "circle-open",
    "star",
    "triangle-up",
    "triangle-down",
    "triangle-left",
    "triangle-right",
    # An arrowhead at its point, turned along the line into it (plotly's "arrow" with
    # ``angleref`` "previous", the only angle reference the page knows); none at a line's
    # first point.
    "arrow",
)
#: Dash styles: px on, px off, ... (the page's canvas dash pattern and legend swatch).
DASHES = {"solid": (), "dot": (2, 3), "dash": (6, 3), "dashdot": (6, 3, 2, 3)}
#: The theme's text colour (black in the light theme, near-white in the dark one): the page
#: puts it wherever a trace names ``INK``, so "black" lines stay visible on a dark page.
INK = "ink"
#: How the page paints an image's values from its range's low end to its high end, through
#: these colours, evenly spaced: "grey" for intensities; "diverging" for signed values on a
#: symmetric range, white at 0, so a sign is told by lightness as well as hue (Okabe–Ito blue
#: and vermillion).
COLORMAPS = {
    "grey": ("#000000", "#FFFFFF"),
    "diverging": ("#0072B2", "#FFFFFF", "#D55E00"),
}
#: The penalty curves (and their slopes ∂Ω/∂ρ̂) the page has copies of, to redraw the traces
#: that follow ρ without the kernel (js/src/board/follow.js; tested against core.penalties).
CURVES = ("kl", "l1")
#: The follow roles, each with the keys a trace of that role must also have. "curve":
#: y = penalty(ρ, x), or of the trace's ``rho_hat`` where it has one; "target": the point
#: (ρ, penalty(ρ, ρ)); "level": y = ρ; "log_level": x = log10 ρ; "tangent": the push
#: segments (``tangent_segments``) from each unit's ``rho_hat``, where the kernel drew one.
FOLLOW = {
    "curve": ("curve",),
    "target": ("curve",),
    "level": (),
    "log_level": (),
    "tangent": ("curve", "rho_hat"),
}
#: The push segment of a unit on the penalty curve: from its dot along the curve's tangent
#: (slope s = ∂Ω/∂ρ̂ at its ρ̂), downhill, across TANGENT_DECADES·|s|/(|s| + TANGENT_HALF)
#: decades of ρ̂: long where the curve is steep, nothing at its minimum.
TANGENT_DECADES = 0.4
TANGENT_HALF = 1.0
#: Hover templates: text with fields ``%{k}`` (a whole number, as is), ``%{k:.Ng}`` (N
#: significant digits) or ``%{k:.Nf}`` (N decimals), each written as Python's
#: ``format(value, spec)`` writes it, and at most one trailing ``<extra>hint</extra>`` (shown
#: after " · "; empty: nothing). The fields a point has:
HOVER_FIELDS = ("x", "y", "rho_hat", "pointNumber")
#: The formats (the spec's type letter; "" for a whole number as is).
HOVER_FORMATS = ("", "g", "f")
HOVER_FIELD = re.compile(r"%\{(\w+)(?::\.(\d{1,2})([a-z]))?\}")
HOVER_EXTRA = re.compile(r"<extra>(.*?)</extra>$")


def page_contract() -> dict[str, Any]:
    """The contract as the page reads it (JSON)."""
    return {
        "kinds": list(KINDS),
        "array_keys": list(ARRAY_KEYS),
        "trace_types": sorted({t for types in TRACE_TYPES.values() for t in types}),
        "modes": list(MODES),
        "symbols": list(SYMBOLS),
        "dashes": {name: list(pattern) for name, pattern in DASHES.items()},
        "colormaps": {name: [_rgb(c) for c in colors] for name, colors in COLORMAPS.items()},
        "curves": list(CURVES),
        "follow": {role: list(needs) for role, needs in FOLLOW.items()},
        "tangent": {"decades": TANGENT_DECADES, "half": TANGENT_HALF},
        "hover": {"fields": list(HOVER_FIELDS), "formats": list(HOVER_FORMATS)},
    }


def _rgb(color: str) -> list[int]:
    return [int(color[i : i + 2], 16) for i in (1, 3, 5)]


# ---------------------------------------------------------------------------- hover text
def hover_text(template: str, values: dict[str, float]) -> str:
    """``template`` filled in for one point, as the page writes it (js/src/board/hover.js),
    with Python's formatting; ``values`` by field."""

    def field(match: re.Match) -> str:
        key, digits, kind = match.groups()
        value = values[key]
        return str(int(value)) if kind is None else format(value, f".{digits}{kind}")

    text = HOVER_FIELD.sub(field, template)
    return HOVER_EXTRA.sub(lambda m: f" · {m[1]}" if m[1] else "", text)


def template_problems(template: str) -> list[str]:
    """What in a hover template lies outside the grammar."""
    out = []
    for match in HOVER_FIELD.finditer(template):
        key, _, kind = match.groups()
        if key not in HOVER_FIELDS:
            out.append(f"hover field {key!r} is not one of {HOVER_FIELDS}")
        if (kind or "") not in HOVER_FORMATS:
            out.append(f"hover format {match[0]!r}: the page writes only .Ng and .Nf")
    rest = HOVER_EXTRA.sub("", HOVER_FIELD.sub("", template))
    for stray in ("%{", "<extra>", "</extra>"):
        if stray in rest:
            out.append(f"{stray!r} outside the hover grammar in {template!r}")
    return out


# ---------------------------------------------------------------------------- checking traces
Check = Callable[[Any], str | None]


def _one_of(allowed: Any) -> Check:
    return lambda v: None if v in allowed else f"{v!r} is not one of {tuple(allowed)}"


def _a(kind: type | tuple[type, ...], what: str) -> Check:
    def check(v: Any) -> str | None:
        ok = isinstance(v, kind) and not isinstance(v, bool)
        return None if ok else f"{v!r} is not {what}"

    return check


def _color(v: Any) -> str | None:
    ok = v == INK or (isinstance(v, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", v))
    return None if ok else f"{v!r} is not a colour (#rrggbb or {INK!r})"


def _array(ndim: int) -> Check:
    def check(v: Any) -> str | None:
        try:
            a = np.asarray(v, dtype=np.float64)
        except (TypeError, ValueError):
            return f"{type(v).__name__} is not an array of numbers"
        return None if a.ndim == ndim else f"an array of {a.ndim} dimensions, not {ndim}"

    return check


def _template(v: Any) -> str | None:
    if not isinstance(v, str):
        return f"{v!r} is not a hover template"
    return "; ".join(template_problems(v)) or None


def _range(v: Any) -> str | None:
    ok = isinstance(v, (list, tuple)) and len(v) == 2 and float(v[0]) < float(v[1])
    return None if ok else f"{v!r} is not a range [low, high]"


def _ring(v: Any) -> str | None:
    ok = v is None or (isinstance(v, (list, tuple)) and len(v) == 4)
    return None if ok else f"{v!r} is not None or (top, left, height, width)"


def _labels(v: Any) -> str | None:
    ok = isinstance(v, (list, tuple)) and all(
        isinstance(item, (list, tuple))
        and len(item) == 3
        and all(isinstance(n, int) and n >= 0 for n in item[:2])
        and isinstance(item[2], str)
        for item in v
    )
    return None if ok else f"{v!r} is not a list of [left, width, text]"


_NUMBER = _a((int, float, np.integer, np.floating), "a number")
_TEXT = _a(str, "text")
#: The keys of each trace type, with what each may hold (a dict: the keys inside).
SCHEMAS: dict[str, dict[str, Any]] = {
    "scatter": {
        "type": _one_of(("scatter",)),
        "name": _TEXT,
        "mode": _one_of(MODES),
        "x": _array(1),
        "y": _array(1),
        "rho_hat": _array(1),
        "line": {"color": _color, "width": _NUMBER, "dash": _one_of(DASHES)},
        "marker": {
            "color": _color,
            "size": _NUMBER,
            "symbol": _one_of(SYMBOLS),
            "angleref": _one_of(("previous",)),
            "line": {"width": _NUMBER},
        },
        "hovertemplate": _template,
        "hoverinfo": _one_of(("skip",)),
        "follow": _one_of(FOLLOW),
        "curve": _one_of(CURVES),
    },
    "image": {
        "type": _one_of(("image",)),
        "name": _TEXT,
        "z": _array(2),
        "range": _range,
        "ring": _ring,
        "label": _TEXT,
        "colormap": _one_of(COLORMAPS),
        "labels": _labels,
    },
}
SCHEMAS["bar"] = SCHEMAS["scatter"] | {"type": _one_of(("bar",))}
#: What every trace of a type must have.
REQUIRED = {"scatter": ("x", "y", "mode"), "bar": ("x", "y"), "image": ("z", "range")}


def _walk(value: dict, schema: dict, where: str) -> list[str]:
    out = []
    for key, v in value.items():
        if key not in schema:
            out.append(f"{where}{key}: not in the contract")
        elif isinstance(schema[key], dict):
            if isinstance(v, dict):
                out += _walk(v, schema[key], f"{where}{key}.")
            else:
                out.append(f"{where}{key}: {v!r} is not a dict")
        elif (problem := schema[key](v)) is not None:
            out.append(f"{where}{key}: {problem}")
    return out


def problems(trace: dict[str, Any], kind: str) -> list[str]:
    """Everything in ``trace`` (a trace of a view of ``kind``) that the page cannot draw as
    asked; [] when it can."""
    if kind not in KINDS:
        return [f"view kind {kind!r} is not one of {KINDS}"]
    kind_type = trace.get("type")
    if kind_type not in TRACE_TYPES[kind]:
        return [f"type {kind_type!r} is not one of {TRACE_TYPES[kind]} (a {kind} view)"]
    out = _walk(trace, SCHEMAS[kind_type], "")
    out += [f"{key}: missing" for key in REQUIRED[kind_type] if key not in trace]
    role = trace.get("follow")
    if role in FOLLOW:
        out += [f"follow {role!r} needs {key!r}" for key in FOLLOW[role] if key not in trace]
    elif "curve" in trace:
        out.append("curve: names a curve, but the trace follows nothing")
    if "hovertemplate" in trace and trace.get("hoverinfo") == "skip":
        out.append("hovertemplate with hoverinfo 'skip': the template is never shown")
    return out
