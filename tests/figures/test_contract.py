"""The drawing contract (figures/contract.py): every trace of every view stays within it, and
the page (js/src/board, run in Node.js) implements all of it: its hover texts are Python's
formatting of the same values, its penalty curves and push segments the core's."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from jsnode import run, src

from explorer.core.penalties import PENALTIES
from explorer.datasets import NAMES
from explorer.figures import VIEWS, snapshot
from explorer.figures.contract import (
    HOVER_FIELD,
    INK,
    hover_text,
    page_contract,
    problems,
    template_problems,
)
from explorer.figures.frontier import FRONTIER_VIEW, Frontier
from explorer.figures.views import View, tangent_segments
from explorer.training import Session
from explorer.training.sweep import Point

#: Data sets whose images differ in shape (MNIST needs its files: 28×28 like none of these).
DATASETS = tuple(name for name in NAMES if name != "mnist")
HIDDEN = 12


@functools.cache
def snapshots(dataset: str, penalty: str) -> list:
    """What the views are drawn from in every state a student meets: before the first step,
    after steps (the inspector on the first unit and on the last), a recorded step (the
    timeline), and without the forces (the comparison's boards)."""
    session = Session(dataset, n_samples=200, n_hidden=HIDDEN, penalty=penalty)
    before = [snapshot(session), snapshot(session, forces=False)]
    session.step(3)
    return [
        *before,
        snapshot(session),
        snapshot(session, unit=HIDDEN - 1),
        snapshot(session, unit=HIDDEN - 1, at=0),
        snapshot(session, forces=False),
    ]


def point(value: float | str, l0: float, ev: float) -> Point:
    return Point(value, l0, ev, 0, -1.5, 0.4, 0.3, steps=10)


FRONTIERS = (
    Frontier("beta", (0.0, 1.0), 10, ()),
    Frontier("beta", (0.0, 1.0, 30.0), 10, (point(0.0, 12.0, 0.9), point(30.0, 0.0, 0.0)),
             current=point(3.0, 0.5, 0.6), current_note=" (step 7)"),
    Frontier("penalty", ("kl", "l1"), 10, (point("kl", 1.0, 0.5),)),
    # Data with true features: the PCA baseline, the recovered counts, the recovery axis.
    *(Frontier("beta", (0.0, 1.0), 10, (Point(0.0, 3.0, 0.9, 0, -1.5, 0.4, 0.3, steps=10,
                                              recovery=0.95, recovered=15),),
               pca=(0.2, 0.35, 0.5), n_true=16, chance=0.3, y=y)
      for y in ("explained_variance", "recovery")),
)  # fmt: skip


def states() -> list[tuple[View, object]]:
    """Every view with every state it is drawn for."""
    out = [(FRONTIER_VIEW, f) for f in FRONTIERS]
    for dataset in DATASETS:
        for penalty in PENALTIES:
            for snap in snapshots(dataset, penalty):
                # A board without the forces draws only the views that do not need them, and
                # no board draws a view with nothing to show (View.shown: it is hidden).
                out += [
                    (v, snap)
                    for v in VIEWS
                    if (snap.derivation or v.name not in NEEDS_FORCES)
                    and (v.shown is None or v.shown(snap))
                ]
    return out


#: The views that draw the forces (a snapshot without them is for boards without these).
NEEDS_FORCES = ("unit_forces", "chain", "tug")


def hover_values(trace: dict, i: int) -> dict[str, float]:
    values = {"pointNumber": i}
    for key in ("x", "y", "rho_hat"):
        if key in trace and len(trace[key]) > i:
            values[key] = float(np.float32(trace[key][i]))  # as the page has it: float32
    return values


@functools.cache
def walked() -> tuple[list[str], list[tuple[str, dict]]]:
    """(everything outside the contract, each hover template with the values of its points)."""
    outside, hovers = [], []
    for view, state in states():
        for trace in view.data(state):
            where = f"{view.name} {trace.get('name')!r}"
            outside += [f"{where}: {p}" for p in problems(trace, view.kind)]
            template = trace.get("hovertemplate")
            if template is None:
                continue
            for i in range(len(trace["x"])):
                values = hover_values(trace, i)
                if not all(math.isfinite(v) for v in values.values()):
                    continue  # not drawn, so never hovered
                for key, _, kind in HOVER_FIELD.findall(template):
                    if not kind and values[key] != int(values[key]):
                        outside.append(f"{where}: %{{{key}}} holds {values[key]}, not whole")
                hovers.append((template, values))
    return outside, hovers


def test_every_trace_of_every_view_is_within_the_contract() -> None:
    outside, hovers = walked()
    assert outside == []
    # The walk saw every view and every format the views use.
    assert {v.name for v, _ in states()} == {v.name for v in VIEWS} | {"frontier"}
    assert {kind for t, _ in hovers for *_, kind in HOVER_FIELD.findall(t)} == {"", "g", "f"}


@pytest.mark.parametrize(
    ("trace", "kind", "complaint"),
    [
        ({"type": "heatmap", "z": [[1]]}, "chart", "type 'heatmap'"),
        ({"type": "scatter", "mode": "markers", "x": [1], "y": [1],
          "marker": {"symbol": "diamond"}}, "chart", "marker.symbol"),
        ({"type": "scatter", "mode": "lines", "x": [1], "y": [1],
          "line": {"dash": "longdash"}}, "chart", "line.dash"),
        ({"type": "scatter", "mode": "text", "x": [1], "y": [1]}, "chart", "mode"),
        ({"type": "bar", "x": [1], "y": [1], "hovertemplate": "%{y:.2e}"}, "chart", ".Ng"),
        ({"type": "bar", "x": [1], "y": [1], "hovertemplate": "%{z}"}, "chart", "hover field"),
        ({"type": "bar", "x": [1], "y": [1], "hovertemplate": "%{y:,}"}, "chart", "'%{'"),
        ({"type": "bar", "x": [1], "y": [1], "opacity": 0.5}, "chart", "opacity"),
        ({"type": "bar", "x": [1], "y": [1], "marker": {"color": "red"}}, "chart", "colour"),
        ({"type": "scatter", "mode": "lines", "x": [1], "y": [1], "follow": "curve"},
         "chart", "needs 'curve'"),
        ({"type": "scatter", "mode": "lines", "x": [1], "y": [1], "follow": "level",
          "curve": "huber"}, "chart", "curve"),
        ({"type": "image", "z": [[1.0]], "range": [0, 1], "colormap": "viridis"},
         "image", "colormap"),
        ({"type": "image", "z": [1.0], "range": [0, 1]}, "image", "dimensions"),
        ({"type": "scatter", "mode": "lines", "x": [1], "y": [1]}, "image", "type 'scatter'"),
    ],
)  # fmt: skip
def test_what_lies_outside_the_contract_is_named(trace: dict, kind: str, complaint: str) -> None:
    found = problems(trace, kind)
    assert any(complaint in p for p in found), found


def test_the_page_implements_everything_the_contract_names() -> None:
    contract = page_contract()
    script = f'import {{ missing }} from "{src("board/contract.js")}";\noutput(missing(input));'
    assert run(script, contract) == []
    # And it would say so of a contract asking for more.
    more = contract | {"symbols": [*contract["symbols"], "hexagon"], "curves": ["huber"]}
    assert run(script, more) == ['symbols "hexagon"', 'curves "huber"']
    assert INK == "ink"  # the page's theme.js replaces this colour by the theme's text colour


def page_hover(cases: list[tuple[str, dict]]) -> list[str]:
    """The page's hover texts (hover.js) for (template, the values of a point) pairs: each
    point at its own index (pointNumber) of a trace of its own."""
    script = f"""
import {{ hoverText }} from "{src("board/hover.js")}";
output(input.map(([template, v]) => {{
  const i = v.pointNumber ?? 0;
  const at = (value) => {{ const a = new Array(i + 1).fill(NaN); a[i] = value; return a; }};
  const t = {{ hovertemplate: template, x: at(v.x), y: at(v.y) }};
  if ("rho_hat" in v) t.rho_hat = at(v.rho_hat);
  return hoverText(t, i);
}}));
"""
    return run(script, [[t, v] for t, v in cases])


def test_every_views_hover_text_is_what_python_writes() -> None:
    _, hovers = walked()
    unique = {(t, tuple(sorted(v.items()))) for t, v in hovers}
    cases = [(t, dict(v)) for t, v in sorted(unique)]
    assert page_hover(cases) == [hover_text(t, v) for t, v in cases]


NUMBERS = (1000, 1010, 0.5, 1e-5, -1e-5, 0, -0.0, -3.14159, -1000, 123456789, 0.000123456,
           2.5, 0.125, 9.5, 99.95, 1.5e-7, 1 / 3, 12345.678, 2.675)  # fmt: skip
SPECS = (".1g", ".3g", ".4g", ".6g", ".0f", ".1f", ".2f", ".3f")


@pytest.mark.parametrize("spec", SPECS)
def test_hover_numbers_are_written_as_python_writes_them(spec: str) -> None:
    cases = [(f"y = %{{y:{spec}}}", {"x": 0.0, "y": v}) for v in NUMBERS]
    assert page_hover(cases) == [f"y = {format(v, spec)}" for v in NUMBERS]


def test_hover_extra_becomes_a_hint_and_whole_numbers_stay_as_they_are() -> None:
    cases = [
        ("unit %{x}: %{y:.3g}<extra>click to inspect</extra>", {"x": 7.0, "y": 0.25}),
        ("step %{x}: %{y:.4g}<extra></extra>", {"x": 1000.0, "y": 1000.0}),
    ]
    assert page_hover(cases) == ["unit 7: 0.25 · click to inspect", "step 1000: 1000"]
    assert template_problems("%{x:.1f} %{y:.4g}<extra>hint</extra>") == []


def test_the_pages_curves_slopes_and_push_segments_are_the_cores() -> None:
    rho_hat = np.concatenate([np.logspace(-6, np.log10(0.999), 50), [0.0, 1.0]])
    rhos = (0.001, 0.01, 0.1, 0.5)
    script = f"""
import {{ CURVES, FOLLOW }} from "{src("board/follow.js")}";
const {{ rhos, rho_hat, curves, contract, segments }} = input;
const nan = (a) => a.map((v) => v ?? NaN); // JSON has no NaN: null stands for it
output({{
  curves: curves.map((c) => rhos.map((rho) => rho_hat.map((r) => CURVES[c].curve(rho, r)))),
  slopes: curves.map((c) => rhos.map((rho) => rho_hat.map((r) => CURVES[c].slope(rho, r)))),
  pushes: segments.map(([c, rho, t]) => {{
    const sent = {{ x: nan(t.x), y: nan(t.y), rho_hat: t.rho_hat }};
    const {{ x, y }} = FOLLOW.tangent(sent, rho, CURVES[c], contract);
    return [Array.from(x, (v) => (Number.isNaN(v) ? null : v)),
            Array.from(y, (v) => (Number.isNaN(v) ? null : v))];
  }}),
}});
"""
    curves = page_contract()["curves"]
    units = np.array([1e-6, 2e-3, 0.01, 0.3, 0.9])  # one off the ρ̂ axis (below 1e-4)
    segments, expected = [], []
    for name in curves:
        penalty = PENALTIES[name]
        # What the kernel sends, drawn for ρ = 0.05; the page redraws it for ρ.
        sent_x, sent_y = tangent_segments(0.05, units, penalty.curve, penalty.slope)
        for rho in rhos:
            trace = {"x": nan_free(sent_x), "y": nan_free(sent_y), "rho_hat": units.tolist()}
            segments.append([name, rho, trace])
            expected.append(tangent_segments(rho, units, penalty.curve, penalty.slope))
    data = {"rhos": rhos, "rho_hat": rho_hat.tolist(), "curves": curves,
            "contract": page_contract(), "segments": segments}  # fmt: skip
    page = run(script, data)
    for c, name in enumerate(curves):
        for r, rho in enumerate(rhos):
            core = PENALTIES[name]
            np.testing.assert_allclose(page["curves"][c][r], core.curve(rho, rho_hat), rtol=1e-6)
            np.testing.assert_allclose(page["slopes"][c][r], core.slope(rho, rho_hat), rtol=1e-6)
    for (x, y), (want_x, want_y) in zip(page["pushes"], expected, strict=True):
        np.testing.assert_allclose(np.array(x, dtype=float), want_x, rtol=1e-9)
        np.testing.assert_allclose(np.array(y, dtype=float), want_y, rtol=1e-9)


def nan_free(a: np.ndarray) -> list:
    """An array as JSON carries it to the page's test (NaN as null, read back as NaN)."""
    return [None if math.isnan(v) else float(v) for v in a]
