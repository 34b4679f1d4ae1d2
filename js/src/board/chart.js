// The chart painter. Plotly draws a chart's axes, ticks and grid, only when they change (a
// plotly redraw costs 10-40 ms here); the traces are painted on a canvas over the plot area,
// on plotly's axes, in about a millisecond, in every frame (docs/drawing.md).
import { sizeCanvas } from "./canvas.js";
import { followed } from "./follow.js";
import { hoverText, nearestPoint } from "./hover.js";
import { drawLegend } from "./legend.js";
import { SYMBOLS, paintMarker } from "./marks.js";
import { plotArea } from "./plotly.js";
import { niceRange, steadyRange } from "./ranges.js";
import { inked } from "./theme.js";

// Redrawing more charts' axes than this many milliseconds' worth in one animation frame would
// drop frames: the rest wait for the next one (a plotly redraw costs 10-40 ms here).
const FRAME_BUDGET_MS = 24;
// The overlay canvas reaches this many pixels past the plot area on every side, so that a
// marker at the area's edge (a unit off a ρ̂ axis) is drawn whole; lines and bars stay inside.
const PAD = 8;

// A trace as drawn: its style in the theme's ink, its arrays, and what follows ρ.
function drawnTrace(trace, ink, rho, contract) {
  const { follow, curve, ...style } = trace.style;
  const out = inked(style, ink);
  for (const [key, value] of Object.entries(trace.arrays)) out[key] = value.data;
  if (follow) Object.assign(out, followed(out, follow, curve, rho, contract));
  return out;
}

function chartLayout(panel, traces, theme) {
  const { ink, muted, grid, font } = theme;
  const axis = (settings = {}, key) => {
    const { nice, ...rest } = settings;
    const values = nice ? traces.flatMap((t) => Array.from(t[key])) : [];
    const log = rest.type === "log";
    // With no data yet (before the first step), the axis' own range, else a plain one.
    const empty = rest.range ?? (log ? [-1, 1] : [0, 1]);
    const range = nice ? steadyRange(panel, `${key}:${log}`, niceRange(values, log) ?? empty, log) : null;
    return {
      gridcolor: grid, zerolinecolor: grid, linecolor: muted, automargin: true,
      exponentformat: "power", // 10⁻⁴, not plotly's SI "100µ"
      // Log axes: a label per decade (plotly's "2" and "5" between decades are 9 px).
      ...(rest.type === "log" ? { dtick: 1 } : {}),
      ...rest,
      ...(range ? { range, autorange: false } : {}),
      title: { font: { size: 12 }, standoff: 6, ...rest.title },
    };
  };
  return {
    margin: { l: 52, r: 10, t: 6, b: 40 },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: font, size: 12, color: ink },
    showlegend: false, hovermode: false, dragmode: false,
    xaxis: axis(panel.layout.xaxis, "x"), yaxis: axis(panel.layout.yaxis, "y"),
  };
}

const finite = (x, y) => Number.isFinite(x) && Number.isFinite(y);

// What a trace paints, in this order: each part of its type, or of a mode its mode names
// ("lines+markers": both). Bars and lines are clipped to the plot area, markers drawn whole.
// `xs`, `ys`: the trace's points in px. A new kind of mark is a new row.
export const PARTS = [
  {
    type: "bar",
    clip: true,
    paint(ctx, t, xs, ys, { area, bottom, color }) {
      const step = t.x.length > 1 ? Math.abs(t.x[1] - t.x[0]) : 1;
      const width = Math.abs(area.x(t.x[0] + step) - area.x(t.x[0])) * 0.9;
      ctx.fillStyle = color;
      xs.forEach((x, i) => Number.isFinite(ys[i]) && ctx.fillRect(x - width / 2, ys[i], width, bottom - ys[i]));
    },
  },
  {
    mode: "lines",
    clip: true,
    paint(ctx, t, xs, ys, { color, dashes }) {
      ctx.strokeStyle = t.line?.color ?? color;
      ctx.lineWidth = t.line?.width ?? 2;
      ctx.setLineDash(dashes[t.line?.dash ?? "solid"]);
      ctx.beginPath();
      let drawing = false; // a gap (a non-finite point) ends a line; the next point starts one
      xs.forEach((x, i) => {
        const ok = finite(x, ys[i]);
        if (ok) drawing ? ctx.lineTo(x, ys[i]) : ctx.moveTo(x, ys[i]);
        drawing = ok;
      });
      ctx.stroke();
    },
  },
  {
    mode: "markers",
    clip: false,
    paint(ctx, t, xs, ys, { color, ink }) {
      const marker = { ...t.marker, color: t.marker?.color ?? color };
      const oriented = SYMBOLS[marker.symbol ?? "circle"].oriented;
      xs.forEach((x, i) => {
        if (!finite(x, ys[i])) return;
        if (!oriented) return paintMarker(ctx, marker, x, ys[i], ink);
        // Along the line from the point before: none at a line's first point, nor at the end
        // of a line of length 0 (a unit at the penalty's minimum has no push).
        const [dx, dy] = [x - xs[i - 1], ys[i] - ys[i - 1]];
        if (Math.hypot(dx, dy) > 0.5) paintMarker(ctx, marker, x, ys[i], ink, Math.atan2(dy, dx));
      });
    },
  },
];
const paints = (part, t) =>
  part.type ? t.type === part.type : (t.mode ?? "").split("+").includes(part.mode);

function paintTraces(panel, traces, area, { ink, dashes }) {
  const canvas = (panel.overlay ??= buildOverlay(panel));
  const dpr = window.devicePixelRatio || 1;
  const { width: w, height: h } = area;
  Object.assign(canvas.style, { left: `${area.left - PAD}px`, top: `${area.top - PAD}px`,
                                width: `${w + 2 * PAD}px`, height: `${h + 2 * PAD}px` });
  sizeCanvas(canvas, (w + 2 * PAD) * dpr, (h + 2 * PAD) * dpr);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, PAD * dpr, PAD * dpr); // (0, 0): the plot area's corner
  ctx.clearRect(-PAD, -PAD, w + 2 * PAD, h + 2 * PAD);
  const bottom = area.ylog ? h : Math.min(h, area.y(0));
  panel.points = [];
  traces.forEach((t, index) => {
    const color = t.marker?.color ?? t.line?.color ?? ink;
    const xs = Array.from(t.x, area.x), ys = Array.from(t.y, area.y);
    for (const part of PARTS.filter((p) => paints(p, t))) {
      ctx.save();
      if (part.clip) {
        ctx.beginPath();
        ctx.rect(0, 0, w, h);
        ctx.clip();
      }
      part.paint(ctx, t, xs, ys, { area, bottom, color, ink, dashes });
      ctx.restore();
    }
    if (t.hoverinfo !== "skip")
      xs.forEach((x, i) => finite(x, ys[i]) && panel.points.push({ x, y: ys[i], trace: index, point: i, t }));
  });
}

function buildOverlay(panel) {
  const canvas = document.createElement("canvas");
  canvas.className = "sae-overlay";
  panel.plot.parentElement.append(canvas);
  const nearest = (e) => {
    const box = canvas.getBoundingClientRect();
    return nearestPoint(panel.points ?? [], e.clientX - box.left - PAD, e.clientY - box.top - PAD);
  };
  canvas.addEventListener("mousemove", (e) => {
    const p = nearest(e);
    canvas.title = p ? hoverText(p.t, p.point) : "";
    canvas.style.cursor = p && panel.spec.clickable ? "pointer" : "default";
  });
  if (panel.spec.clickable)
    canvas.addEventListener("click", (e) => {
      const p = nearest(e);
      if (p) panel.pick(p.trace, p.point);
    });
  return canvas;
}

export const chartPainter = {
  traceTypes: ["scatter", "bar"],

  // A chart's box holds its plotly graph and the canvas of its overlay traces.
  mount(panel) {
    const box = document.createElement("div");
    box.className = "sae-plotbox";
    panel.plot = document.createElement("div");
    panel.plot.className = "sae-plot";
    box.append(panel.plot);
    return box;
  },

  // Drawn once plotly.js has arrived.
  ready: (board) => board.Plotly !== null,
  waiting: "Loading plotly.js to draw the axes…",

  // False when the axes had to be redrawn but the animation frame's budget is spent.
  draw(panel, board, start) {
    const { theme, contract } = board;
    const rho = board.model.get("rho");
    const traces = panel.traces.map((t) => drawnTrace(t, theme.ink, rho, contract));
    const layout = chartLayout(panel, traces, theme);
    const key = JSON.stringify([layout, panel.plot.clientWidth]);
    if (key !== panel.layoutKey) {
      if (performance.now() - start > FRAME_BUDGET_MS) return false;
      board.Plotly.react(panel.plot, [], layout, { displayModeBar: false, staticPlot: true });
      panel.layoutKey = key;
    }
    panel.section._saeTraces = traces; // what the view shows, for tests and benchmarks
    const area = plotArea(board.Plotly, panel.plot);
    paintTraces(panel, traces, area, { ink: theme.ink, dashes: contract.dashes });
    drawLegend(panel, theme.ink, contract.dashes);
    return true;
  },

  destroy(panel, board) {
    board.Plotly?.purge(panel.plot);
  },
};
