"""The sparsity frontier as a PNG (the command line's ``frontier.png``), drawn with Pillow.

The page's frontier view on paper: explained variance against L0 (log axis, a run with L0 = 0
at its left edge as a triangle), one point per swept value, labelled with it, joined in the
order of the values, and under the chart a table of every record. Text is ASCII ("beta",
"rho"): the fallback font Pillow ships has no Greek.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from ..core.metrics import ACTIVE
from ..training.sweep import PROBE, SWEEPABLE, Point
from .frontier import L0_FLOOR, format_value
from .views import COLORS

WIDTH = 900
PLOT = (90, 86, WIDTH - 40, 486)  # left, top, right, bottom of the plot area, in pixels
ROW = 22  # table row height
INK, MUTED, GRID = (0, 0, 0), (85, 85, 85), (225, 225, 225)
#: What the PNG calls each setting (ASCII: see the module's docstring).
NAMES = {"beta": "beta", "rho": "rho", "penalty": "penalty"}
TABLE = (
    ("", 90),
    ("L0", 90),
    ("explained var.", 130),
    ("dead", 70),
    ("mean log10 rho_hat", 170),
    ("max decoder cos", 150),
    ("loss", 100),
)
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
    """(low, high, tick step) of the explained-variance axis: from 0 (or below, if a run is
    worse than the mean input) to 1, or past it."""
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
    param: str, points: Sequence[Point], steps: int, settings: dict[str, Any]
) -> bytes:
    """PNG bytes of the frontier of ``points`` (a sweep of ``param``, ``steps`` steps each;
    ``settings``: the runs' other settings, for the subtitle)."""
    name, ordered = NAMES[param], SWEEPABLE[param].ordered
    height = PLOT[3] + 64 + ROW * (len(points) + 1) + 16
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    _draw_titles(draw, name, ordered, points, steps, settings)

    xs = [max(p.l0, L0_FLOOR) for p in points]  # a run with L0 = 0 at the left edge
    a, b = _x_decades(xs)
    y_lo, y_hi, y_step = _y_range([p.explained_variance for p in points])
    scale = _Scale(a, b, y_lo, y_hi, y_step)
    _draw_axes(image, draw, scale)
    centres = [
        (scale.px(x), scale.py(p.explained_variance)) for x, p in zip(xs, points, strict=True)
    ]
    taken = _draw_points(draw, centres, points, ordered)
    _draw_labels(draw, centres, points, name, taken)
    _draw_table(draw, name, points)

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
) -> None:
    """The title (the values swept) and two lines under it: the runs' other settings, and
    what was measured."""
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
    measured = f"L0 and explained variance on the first {PROBE} training inputs" + (
        f"; points joined in order of {name}" if ordered else ""
    )
    draw.text((x, 58), measured, fill=MUTED, font=_font(13))


def _draw_axes(image: Image.Image, draw: ImageDraw.ImageDraw, scale: _Scale) -> None:
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
        ((bottom - top) / 2, 10), "explained variance", fill=INK, font=_font(13), anchor="mm"
    )
    image.paste(axis_title.rotate(90, expand=True), (left - 82, top))


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


def _draw_table(draw: ImageDraw.ImageDraw, name: str, points: Sequence[Point]) -> None:
    """Under the chart, a row per point: its value (the first column, headed by the setting's
    name), then the measures of ``TABLE``."""
    y = PLOT[3] + 56
    x = PLOT[0] - 70
    for title, width in ((name, TABLE[0][1]), *TABLE[1:]):
        draw.text((x, y), title, fill=INK, font=_font(13, bold=True))
        x += width
    for p in points:
        y += ROW
        x = PLOT[0] - 70
        for text, (_, width) in zip(_table_row(p), TABLE, strict=True):
            draw.text((x, y), text, fill=INK, font=_font(13))
            x += width


def _table_row(p: Point) -> tuple[str, ...]:
    """The cells of ``p``'s row of the table, in the order of ``TABLE``."""
    return (
        format_value(p.value),
        f"{p.l0:.3g}",
        f"{p.explained_variance:.3f}",
        str(p.dead),
        f"{p.mean_log10_rho_hat:.2f}",
        f"{p.max_decoder_cosine:.3f}",
        f"{p.loss:.4g}",
    )
