"""The sparsity frontier as a PNG (the command line's ``frontier.png``), drawn with Pillow.

The page's frontier view on paper: explained variance (or the recovery of the true features,
``figures.frontier.Y_AXES``) against L0 (log axis, a run with L0 = 0 at its left edge as a
triangle), one point per swept value, labelled with it, joined in the order of the values, the
PCA baseline as a grey line (explained variance only), and under the chart a table of every
record. Text is ASCII ("beta", "rho"): the fallback font Pillow ships has no Greek.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from ..core.metrics import ACTIVE
from ..core.recovery import THRESHOLD
from ..training.sweep import PROBE, SWEEPABLE, Point
from .frontier import L0_FLOOR, Y_AXES, format_value
from .views import COLORS

WIDTH = 900
PLOT = (90, 86, WIDTH - 40, 486)  # left, top, right, bottom of the plot area, in pixels
ROW = 22  # table row height
INK, MUTED, GRID = (0, 0, 0), (85, 85, 85), (225, 225, 225)
#: What the PNG calls each setting (ASCII: see the module's docstring).
NAMES = {"beta": "beta", "rho": "rho", "penalty": "penalty"}
#: The table's columns: (heading, width in pixels, a point's cell); the first column, the
#: swept value, is headed by the setting's name.
TABLE: tuple[tuple[str, int, Callable[[Point], str]], ...] = (
    ("", 90, lambda p: format_value(p.value)),
    ("L0", 80, lambda p: f"{p.l0:.3g}"),
    ("explained var.", 120, lambda p: f"{p.explained_variance:.3f}"),
    ("dead", 60, lambda p: str(p.dead)),
    ("mean log10 rho_hat", 150, lambda p: f"{p.mean_log10_rho_hat:.2f}"),
    ("max decoder cos", 130, lambda p: f"{p.max_decoder_cosine:.3f}"),
    ("loss", 90, lambda p: f"{p.loss:.4g}"),
)
#: The column added on data whose true features are known: how many have a decoder cosine
#: above ``core.recovery.THRESHOLD``, and the mean best cosine.
RECOVERED = (f"recovered ({THRESHOLD:g})", 110)
#: The DejaVu font most Linux systems have; Pillow's own otherwise.
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_FILES[bold], size)
    except OSError:
        try:
            return ImageFont.load_default(size=size)
        except TypeError:  # Pillow < 10.1: a bitmap font of one size
            return ImageFont.load_default()


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def _nice_step(span: float, ticks: int = 5) -> float:
    """1, 2 or 5 × 10ⁿ: about ``ticks`` ticks over ``span``."""
    raw = span / ticks
    decade = 10.0 ** math.floor(math.log10(raw))
    return next(m * decade for m in (1, 2, 5, 10) if m * decade >= raw)


def _y_range(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, tick step) of the vertical axis (explained variance or a cosine): from 0 (or
    below, if a run is worse than the mean input) to 1, or past it."""
    lo, hi = min(0.0, *values), max(1.0, *values)
    step = _nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _x_decades(values: Sequence[float]) -> tuple[int, int]:
    """Whole decades around the L0s, with room on the right for a label beside the last."""
    lo, hi = min(values), max(values)
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi * 1.3))
    return a, b if b > a else a + 1


def _overlaps(box: tuple[float, ...], others: list[tuple[float, ...]]) -> bool:
    return any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in others)


@dataclass(frozen=True)
class _Scale:
    """Where a (L0, explained variance) pair falls in the plot area: L0 on a log axis over the
    decades ``a`` to ``b``, explained variance from ``y_lo`` to ``y_hi`` in ticks of ``y_step``."""

    a: int
    b: int
    y_lo: float
    y_hi: float
    y_step: float

    def px(self, x: float) -> float:
        left, _, right, _ = PLOT
        return left + (math.log10(x) - self.a) / (self.b - self.a) * (right - left)

    def py(self, y: float) -> float:
        _, top, _, bottom = PLOT
        return bottom - (y - self.y_lo) / (self.y_hi - self.y_lo) * (bottom - top)


def frontier_png(
    param: str,
    points: Sequence[Point],
    steps: int,
    settings: dict[str, Any],
    pca: Sequence[float] = (),
    y: str = "explained_variance",
    n_true: int = 0,
) -> bytes:
    """PNG bytes of the frontier of ``points`` (a sweep of ``param``, ``steps`` steps each;
    ``settings``: the runs' other settings, for the subtitle), with the PCA baseline ``pca``
    (EV(k) for k = 1, 2, …), ``y`` a key of ``Y_AXES``, on data of ``n_true`` known true
    features (0: none)."""
    name, ordered = NAMES[param], SWEEPABLE[param].ordered
    pca = list(pca) if y == "explained_variance" else []  # PCA is not scored on recovery
    columns = (*TABLE, (*RECOVERED, _recovered(n_true))) if n_true else TABLE
    height = PLOT[3] + 64 + ROW * (len(points) + 1) + 16
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    measured = (
        f"L0 and explained variance on the first {PROBE} training inputs"
        + ("; grey: PCA with k components at L0 = k" if pca else "")
        if y == "explained_variance"
        else f"L0 on the first {PROBE} training inputs; recovery: mean best decoder cosine of "
        f"{n_true} true features"
    )
    _draw_titles(draw, name, ordered, points, steps, settings, measured)

    xs = [max(p.l0, L0_FLOOR) for p in points]  # a run with L0 = 0 at the left edge
    ks = list(range(1, len(pca) + 1))
    a, b = _x_decades(xs + ks)
    ys = [Y_AXES[y].of(p) for p in points]
    y_lo, y_hi, y_step = _y_range([v for v in ys if v is not None] + pca)
    scale = _Scale(a, b, y_lo, y_hi, y_step)
    _draw_axes(image, draw, scale, Y_AXES[y].title)
    taken = _draw_pca(draw, scale, pca)
    drawn = [(x, v, p) for x, v, p in zip(xs, ys, points, strict=True) if v is not None]
    centres = [(scale.px(x), scale.py(v)) for x, v, _ in drawn]
    shown = [p for _, _, p in drawn]
    taken += _draw_points(draw, centres, shown, ordered)
    _draw_labels(draw, centres, shown, name, taken)
    _draw_table(draw, name, points, columns)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw_titles(
    draw: ImageDraw.ImageDraw,
    name: str,
    ordered: bool,
    points: Sequence[Point],
    steps: int,
    settings: dict[str, Any],
    measured: str,
) -> None:
    """The title (the values swept) and two lines under it: the runs' other settings, and
    what was ``measured`` (with the order of the points)."""
    x = PLOT[0] - 70
    values = ", ".join(format_value(p.value) for p in points)
    title = f"Sparsity frontier: {name} = {values}"
    draw.text((x, 14), title, fill=INK, font=_font(18, bold=True))
    shape = f"{settings.get('n_hidden')} hidden units"
    fixed = [settings.get("dataset"), shape] + [
        f"{NAMES.get(k, k)} {format_value(settings[k])}"
        for k in ("rho", "beta", "penalty", "optimizer")
        if k in settings
    ]
    seed = settings.get("random_state")
    runs = f"{', '.join(map(str, fixed))}; {steps} steps each from the same weights (seed {seed})"
    draw.text((x, 40), runs, fill=MUTED, font=_font(13))
    if ordered:
        measured += f"; points joined in order of {name}"
    draw.text((x, 58), measured, fill=MUTED, font=_font(13))


def _draw_axes(image: Image.Image, draw: ImageDraw.ImageDraw, scale: _Scale, y_title: str) -> None:
    """The grid, a tick label per decade of L0 and per step of explained variance, the frame,
    and the two axis titles (the vertical one drawn upright, then turned)."""
    left, top, right, bottom = PLOT
    small = _font(12)
    for d in range(scale.a, scale.b + 1):  # a tick and a grid line per decade
        x = scale.px(10.0**d)
        draw.line([(x, top), (x, bottom)], fill=GRID)
        draw.text((x, bottom + 6), f"{10.0**d:g}", fill=INK, font=small, anchor="ma")
    ticks = round((scale.y_hi - scale.y_lo) / scale.y_step)
    for i in range(ticks + 1):
        y = scale.y_lo + i * scale.y_step
        draw.line([(left, scale.py(y)), (right, scale.py(y))], fill=GRID)
        draw.text((left - 8, scale.py(y)), f"{y:.4g}", fill=INK, font=small, anchor="rm")
    draw.rectangle([left, top, right, bottom], outline=MUTED)
    draw.text(
        ((left + right) / 2, bottom + 26),
        f"L0: active units per input (h > {ACTIVE:g}), log scale",
        fill=INK,
        font=_font(13),
        anchor="ma",
    )
    axis_title = Image.new("RGB", (bottom - top, 20), "white")
    ImageDraw.Draw(axis_title).text(
        ((bottom - top) / 2, 10), y_title, fill=INK, font=_font(13), anchor="mm"
    )
    image.paste(axis_title.rotate(90, expand=True), (left - 82, top))


def _draw_pca(
    draw: ImageDraw.ImageDraw, scale: _Scale, pca: Sequence[float]
) -> list[tuple[float, ...]]:
    """The PCA baseline, EV(k) at L0 = k, as a grey line labelled at its end; the box its label
    takes (none without a baseline)."""
    if not pca:
        return []
    line = [(scale.px(k), scale.py(ev)) for k, ev in enumerate(pca, start=1)]
    if len(line) > 1:
        draw.line(line, fill=MUTED, width=2)
    x, y = line[-1]
    text = f"PCA, {len(pca)} components"
    w = draw.textlength(text, font=_font(12))
    spot = (min(x - w / 2, PLOT[2] - w - 2), y + 6)
    draw.text(spot, text, fill=MUTED, font=_font(12))
    return [(spot[0], spot[1], spot[0] + w, spot[1] + 16)]


def _draw_points(
    draw: ImageDraw.ImageDraw,
    centres: list[tuple[float, float]],
    points: Sequence[Point],
    ordered: bool,
) -> list[tuple[float, ...]]:
    """The line joining the points in the order of their values (if the setting has one),
    then a dot per point, or a triangle at the left edge for L0 = 0; the boxes they take."""
    blue = _rgb(COLORS["blue"])
    order = sorted(range(len(points)), key=lambda i: points[i].value) if ordered else []
    if len(order) > 1:
        draw.line([centres[i] for i in order], fill=blue, width=2)
    taken: list[tuple[float, ...]] = []
    for (cx, cy), p in zip(centres, points, strict=True):
        if p.l0 < L0_FLOOR:  # at the axis' edge, pointing off it
            draw.polygon([(cx - 8, cy), (cx + 5, cy - 7), (cx + 5, cy + 7)], fill=blue, outline=INK)
        else:
            draw.ellipse([cx - 5, cy - 5, cx + 5, cy + 5], fill=blue, outline=INK)
        taken.append((cx - 6, cy - 6, cx + 6, cy + 6))
    return taken


def _draw_labels(
    draw: ImageDraw.ImageDraw,
    centres: list[tuple[float, float]],
    points: Sequence[Point],
    name: str,
    taken: list[tuple[float, ...]],
) -> None:
    """Each point labelled with its value, where the label hides no point and no other label
    (``taken``, which grows by each label drawn)."""
    font = _font(13)
    for (cx, cy), p in zip(centres, points, strict=True):
        text = f"{name} {format_value(p.value)}"
        w = draw.textlength(text, font=font)
        x, y = _label_spot(cx, cy, w, taken)
        taken.append((x, y, x + w, y + 16))
        draw.text((x, y), text, fill=INK, font=font)


def _label_spot(
    cx: float, cy: float, w: float, taken: list[tuple[float, ...]]
) -> tuple[float, float]:
    """Top-left corner of a label ``w`` wide beside the point at (``cx``, ``cy``): right, left,
    above, below, then higher or lower on the right; the first inside the plot that overlaps
    nothing ``taken``, else the first inside, else the first."""
    left, top, right, bottom = PLOT
    spots = [
        (cx + 9, cy - 8),
        (cx - 9 - w, cy - 8),
        (cx - w / 2, cy - 24),
        (cx - w / 2, cy + 8),
        (cx + 9, cy - 22),
        (cx + 9, cy + 6),
    ]
    inside = [
        s
        for s in spots
        if left <= s[0] and s[0] + w <= right and top <= s[1] and s[1] + 16 <= bottom
    ]
    free = [s for s in inside if not _overlaps((s[0], s[1], s[0] + w, s[1] + 16), taken)]
    return (free or inside or spots)[0]


def _recovered(n_true: int) -> Callable[[Point], str]:
    """The recovered column's cell: how many of the ``n_true`` features, the mean cosine."""
    return lambda p: "-" if p.recovery is None else f"{p.recovered}/{n_true} ({p.recovery:.2f})"


def _draw_table(
    draw: ImageDraw.ImageDraw,
    name: str,
    points: Sequence[Point],
    columns: Sequence[tuple[str, int, Callable[[Point], str]]],
) -> None:
    """Under the chart, a row per point: its value (the first column, headed by the setting's
    name), then the measures of ``columns``."""
    y = PLOT[3] + 56
    x = PLOT[0] - 70
    for i, (title, width, _) in enumerate(columns):
        draw.text((x, y), name if i == 0 else title, fill=INK, font=_font(13, bold=True))
        x += width
    for p in points:
        y += ROW
        x = PLOT[0] - 70
        for _, width, cell in columns:
            draw.text((x, y), cell(p), fill=INK, font=_font(13))
            x += width
