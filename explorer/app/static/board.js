// The live views of the sparse autoencoder explorer, drawn in the page (see board.py).
//
// Kept small on purpose: anywidget gives this module ~2 s to load and initialise or the widget
// is silently dead, so plotly.js (4.8 MB) is not imported here but asked of the kernel after
// the first render, once per page. Frames arrive as binary float32 arrays carrying only what
// changed; the newest state of each view is drawn on the next animation frame, then the kernel
// hears "drawn" and may send the next frame.

// The penalty curves the page draws for a ρ of its own (copies of core.penalties' curves,
// tested against them to 1e-6). ρ̂ is kept inside [eps, 1 − eps] as core.penalties._guard does.
const EPS = 2.220446049250313e-16;
const clip = (r) => Math.min(Math.max(r, EPS), 1 - EPS);
const CURVES = {
  kl: (rho, r) => {
    const q = clip(r);
    return rho * Math.log(rho / q) + (1 - rho) * Math.log((1 - rho) / (1 - q));
  },
  l1: (rho, r) => r,
};

// How a trace that says "follow" depends on ρ (figures/views.py documents the roles). A trace
// with a rho_hat array drew its points elsewhere than at their ρ̂ (at a log axis' edge): its
// penalty is that of the true ρ̂.
const FOLLOW = {
  curve: (t, rho, f) => ({ y: Float64Array.from(t.rho_hat ?? t.x, (x) => f(rho, x)) }),
  target: (t, rho, f) => ({ x: [rho], y: [f(rho, rho)] }),
  level: (t, rho) => ({ y: Array.from(t.y, () => rho) }),
  log_level: (t, rho) => ({ x: Array.from(t.x, () => Math.log10(rho)) }),
};

// Redrawing more charts' axes than this many milliseconds' worth in one animation frame would
// drop frames: the rest wait for the next one (a plotly redraw costs 10-40 ms here).
const FRAME_BUDGET_MS = 24;
const DASHES = { solid: "", dot: "2,3", dash: "6,3", dashdot: "6,3,2,3" };
// Triangle markers, by the direction their tip points (canvas angles: y grows downwards).
const TRIANGLES = { "triangle-up": -Math.PI / 2, "triangle-down": Math.PI / 2,
                    "triangle-left": Math.PI, "triangle-right": 0 };
// The overlay canvas reaches this many pixels past the plot area on every side, so that a
// marker at the area's edge (a unit off a ρ̂ axis) is drawn whole; lines and bars stay inside.
const PAD = 8;

function trianglePoints(symbol, x, y, r) {
  const tip = TRIANGLES[symbol];
  return [0, 1, 2].map((k) => [x + r * Math.cos(tip + (2 * Math.PI * k) / 3),
                               y + r * Math.sin(tip + (2 * Math.PI * k) / 3)]);
}

// ---------------------------------------------------------------------------- plotly.js
function loadPlotly(model) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__saePlotly) {
    window.__saePlotly = new Promise((resolve, reject) => {
      const onMessage = (msg, buffers) => {
        if (msg.type !== "sae-plotly") return;
        performance.mark("sae-plotly-arrived");
        model.off("msg:custom", onMessage);
        // plotly.min.js is UMD: hide any CommonJS `module` of the host page so that it
        // defines window.Plotly.
        const code = new Blob(["(function (module) {\n", buffers[0], "\n})();"], {
          type: "text/javascript",
        });
        const script = document.createElement("script");
        script.src = URL.createObjectURL(code);
        script.onload = () => {
          performance.mark("sae-plotly-ready");
          URL.revokeObjectURL(script.src);
          resolve(window.Plotly);
        };
        script.onerror = () => reject(new Error("plotly.js did not load"));
        document.head.appendChild(script);
      };
      model.on("msg:custom", onMessage);
      model.send({ type: "plotly" });
      performance.mark("sae-plotly-asked");
    });
  }
  return window.__saePlotly;
}

// ---------------------------------------------------------------------------- theme
function readTheme(el) {
  const css = getComputedStyle(el);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    ink: v("--jp-ui-font-color1", "rgba(0, 0, 0, 0.87)"),
    muted: v("--jp-ui-font-color2", "rgba(0, 0, 0, 0.54)"),
    grid: v("--jp-border-color2", "#e0e0e0"),
    font: v("--jp-ui-font-family", "system-ui, sans-serif"),
  };
}

function inked(value, ink) {
  if (value === "ink") return ink;
  if (Array.isArray(value) || value === null || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = inked(v, ink);
  return out;
}

// ---------------------------------------------------------------------------- legend
function swatch(style, ink) {
  const color = inked(style.marker?.color ?? style.line?.color, ink) ?? ink;
  const svg = (body) => `<svg width="26" height="14" aria-hidden="true">${body}</svg>`;
  if (style.type === "bar") return svg(`<rect x="6" y="2" width="14" height="10" fill="${color}"/>`);
  if ((style.mode ?? "").includes("lines")) {
    const dash = DASHES[style.line?.dash ?? "solid"] ?? "";
    const dot = style.mode.includes("markers") ? `<circle cx="13" cy="7" r="2.5" fill="${color}"/>` : "";
    return svg(`<line x1="1" y1="7" x2="25" y2="7" stroke="${color}" stroke-width="2.5"
                 stroke-dasharray="${dash}"/>${dot}`);
  }
  const symbol = style.marker?.symbol ?? "circle";
  if (symbol in TRIANGLES) {
    const points = trianglePoints(symbol, 13, 7, 6).map((p) => p.join(",")).join(" ");
    return svg(`<polygon fill="${color}" stroke="${ink}" stroke-width="1" points="${points}"/>`);
  }
  if (symbol === "star")
    return svg(`<polygon fill="${color}" points="13,1 14.8,5.2 19.5,5.5 15.9,8.5 17,13 13,10.6 9,13 10.1,8.5 6.5,5.5 11.2,5.2"/>`);
  if (symbol.endsWith("-open"))
    return svg(`<circle cx="13" cy="7" r="5" fill="none" stroke="${color}" stroke-width="2"/>`);
  return svg(`<circle cx="13" cy="7" r="4" fill="${color}" stroke="${ink}" stroke-width="1"/>`);
}

// A plotly hovertemplate filled in for one point of an overlay trace ("%{x:.3g}" and the like;
// "<extra>…</extra>" becomes a trailing hint).
function hoverText(t, i) {
  const value = { x: t.x[i], y: t.y[i], pointNumber: i, rho_hat: t.rho_hat?.[i] };
  return (t.hovertemplate ?? t.name ?? "")
    .replace(/%\{(\w+)(?::\.(\d)g)?\}/g, (_, key, digits) =>
      digits ? Number(value[key]).toPrecision(Number(digits)).replace(/\.?0+(e|$)/, "$1")
             : String(value[key]))
    .replace(/<extra>(.*?)<\/extra>/, (_, hint) => (hint ? ` · ${hint}` : ""));
}

// An axis range around `values` that changes only now and then as they move, so the axes are
// not redrawn in every frame: whole decades on a log axis (in log10 units, as plotly wants),
// else from 0 (or a nice negative) up to the next of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ.
const NICE = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
function niceCeiling(v) {
  const decade = 10 ** Math.floor(Math.log10(v));
  return NICE.map((m) => m * decade).find((m) => m >= v * (1 - 1e-12));
}
function niceRange(values, log) {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (!finite.length) return null;
  const lo = Math.min(...finite), hi = Math.max(...finite);
  if (log) {
    const a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
    return [a, b > a ? b : a + 1];
  }
  return [lo < 0 ? -niceCeiling(-lo) : 0, hi > 0 ? niceCeiling(hi) : 1];
}

// Setting a canvas's size reallocates and clears it even when the size is the same: only do
// it when the size changes (the callers clear or repaint all of it anyway).
function sizeCanvas(canvas, width, height) {
  const [w, h] = [Math.round(width), Math.round(height)];
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
}

// The axis range kept from the last frame while the new one fits inside it and spans at least
// 40 % of it: data wobbling across a step of the nice scale does not redraw the axes.
function steadyRange(panel, key, range) {
  const kept = (panel.ranges ??= {})[key];
  const inside = kept && range && range[0] >= kept[0] && range[1] <= kept[1];
  if (inside && range[1] - range[0] >= 0.4 * (kept[1] - kept[0])) return kept;
  panel.ranges[key] = range;
  return range;
}

// ---------------------------------------------------------------------------- one board
class BoardView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.panels = new Map();
    this.dirty = new Set();
    this.pendingAck = null;
    this.raf = 0;
    this.Plotly = window.Plotly ?? null;
    el.classList.add("sae-board");
    el.style.setProperty("--sae-max-columns", model.get("max_columns"));
    for (const spec of model.get("views")) this.panels.set(spec.name, this.buildPanel(spec));
    this.theme = null; // read at the first draw: a page not yet attached has no theme variables

    this.onMessage = (msg, buffers) => msg.type === "sae-frame" && this.merge(msg, buffers);
    this.onRho = () => this.followRho();
    model.on("msg:custom", this.onMessage);
    model.on("change:rho", this.onRho);
    this.resizer = new ResizeObserver(() => this.markAll());
    this.resizer.observe(el);
    // JupyterLab switches themes by changing attributes of <body>: redraw in the new colours.
    this.themer = new MutationObserver(() => {
      this.theme = null;
      this.markAll();
    });
    this.themer.observe(document.body, { attributes: true });

    model.send({ type: "hello" });
    loadPlotly(model).then((Plotly) => {
      this.Plotly = Plotly;
      this.markAll();
    });
  }

  buildPanel(spec) {
    const section = document.createElement("section");
    section.className = `sae-view sae-${spec.kind}`;
    section.dataset.view = spec.name;
    section.dataset.draws = "0";
    const heading = document.createElement("h3");
    heading.textContent = spec.title;
    const caption = document.createElement("p");
    caption.className = "sae-caption";
    const plot = document.createElement(spec.kind === "image" ? "canvas" : "div");
    plot.className = "sae-plot";
    const legend = document.createElement("ul");
    legend.className = "sae-legend";
    // A chart's box holds its plotly graph and the canvas of its overlay traces.
    const box = spec.kind === "image" ? plot : document.createElement("div");
    if (box !== plot) {
      box.className = "sae-plotbox";
      box.append(plot);
    }
    section.append(heading, caption, box, legend);
    this.el.append(section);
    const panel = { spec, section, caption, plot, legend, traces: [], layout: {}, legendKey: "" };
    if (spec.kind === "image") this.listenToCanvas(panel);
    return panel;
  }

  // ------------------------------------------------------------------ frames
  merge(msg, buffers) {
    // Frames sent before this view asked for everything ("hello") build on a state it never
    // had (e.g. a cell that steps the dashboard right after displaying it): wait for the whole.
    if (!this.synced && !msg.full) return;
    this.synced = true;
    const array = (ref) => {
      const view = buffers[ref.buffer];
      // Copied: a DataView's offset into the message need not be float-aligned.
      const data = new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
      return { data, shape: ref.shape };
    };
    for (const [name, part] of Object.entries(msg.views)) {
      const panel = this.panels.get(name);
      if (!panel) continue;
      if (part.reset) panel.traces = [];
      if ("caption" in part) panel.captionText = part.caption;
      if ("layout" in part) panel.layout = part.layout;
      (part.traces ?? []).forEach((entry, i) => {
        const trace = (panel.traces[i] ??= { style: {}, arrays: {} });
        if (entry.style) trace.style = entry.style;
        for (const key of ["x", "y", "z", "rho_hat"])
          if (entry[key]) trace.arrays[key] = array(entry[key]);
      });
      this.dirty.add(name);
    }
    this.pendingAck = msg.seq;
    this.el.dataset.idle = "false";
    this.schedule();
  }

  followRho() {
    for (const panel of this.panels.values())
      if (panel.traces.some((t) => t.style.follow)) this.dirty.add(panel.spec.name);
    this.schedule();
  }

  markAll() {
    for (const [name, panel] of this.panels) {
      panel.layoutKey = null; // redraw the axes too (new size, new theme, plotly.js arrived)
      this.dirty.add(name);
    }
    this.schedule();
  }

  schedule() {
    if (!this.raf) this.raf = requestAnimationFrame(() => this.draw());
  }

  draw() {
    this.raf = 0;
    this.theme ??= readTheme(this.el);
    const start = performance.now();
    const drawn = [];
    for (const [name, panel] of this.panels) {
      if (!this.dirty.has(name) || panel.traces.length === 0) continue;
      if (panel.spec.kind === "chart") {
        // Drawn once plotly.js has arrived, and later when the frame's budget allows.
        if (!this.Plotly || !this.drawChart(panel, start)) continue;
      } else {
        this.drawImage(panel);
      }
      panel.caption.textContent = panel.captionText ?? "";
      panel.section.dataset.draws = String(Number(panel.section.dataset.draws) + 1);
      this.dirty.delete(name);
      drawn.push(name);
    }
    // Left for the next animation frame: charts whose axes did not fit in this one's budget
    // (charts waiting for plotly.js are drawn when it arrives).
    const waiting = [...this.dirty].some((n) => this.Plotly || this.panels.get(n).spec.kind === "image");
    // For tests and benchmarks: what was drawn, and whether the newest frame is now complete.
    this.el.dataset.idle = String(!waiting);
    if (drawn.length && !performance.getEntriesByName("sae-first-draw").length)
      performance.mark("sae-first-draw");
    if (drawn.length) {
      const detail = { views: drawn, t: performance.now(), seq: this.pendingAck, complete: !waiting };
      this.el.dispatchEvent(new CustomEvent("sae-drawn", { bubbles: true, detail }));
    }
    if (waiting) this.schedule();
    else if (this.pendingAck !== null) {
      this.model.send({ type: "drawn", seq: this.pendingAck });
      this.pendingAck = null;
    }
  }

  // ------------------------------------------------------------------ charts
  // Plotly draws a chart's axes, ticks and grid, only when they change (a plotly redraw costs
  // 10-40 ms here); the traces are painted on a canvas over the plot area, on plotly's axes,
  // in about a millisecond, in every frame (docs/drawing.md).

  // A trace as drawn: its style in the theme's ink, its arrays, and what follows ρ.
  drawnTrace(trace) {
    const { follow, curve, ...style } = trace.style;
    const out = inked(style, this.theme.ink);
    for (const [key, value] of Object.entries(trace.arrays)) out[key] = value.data;
    if (follow) Object.assign(out, FOLLOW[follow](out, this.model.get("rho"), CURVES[curve]));
    return out;
  }

  chartLayout(panel, traces) {
    const { ink, muted, grid, font } = this.theme;
    const axis = (settings = {}, key) => {
      const { nice, ...rest } = settings;
      const values = nice ? traces.flatMap((t) => Array.from(t[key])) : [];
      const log = rest.type === "log";
      // With no data yet (before the first step), the axis' own range, else a plain one.
      const empty = rest.range ?? (log ? [-1, 1] : [0, 1]);
      const range = nice ? steadyRange(panel, `${key}:${log}`, niceRange(values, log) ?? empty) : null;
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

  // Returns false when the axes had to be redrawn but the frame's budget is spent.
  drawChart(panel, start) {
    const traces = panel.traces.map((t) => this.drawnTrace(t));
    const layout = this.chartLayout(panel, traces);
    const key = JSON.stringify([layout, panel.plot.clientWidth]);
    if (key !== panel.layoutKey) {
      if (performance.now() - start > FRAME_BUDGET_MS) return false;
      this.Plotly.react(panel.plot, [], layout, { displayModeBar: false, staticPlot: true });
      panel.layoutKey = key;
    }
    panel.section._saeTraces = traces; // what the view shows, for tests and benchmarks
    this.paintTraces(panel, traces);
    this.drawLegend(panel);
    return true;
  }

  paintTraces(panel, traces) {
    const full = panel.plot._fullLayout;
    const xa = full.xaxis, ya = full.yaxis;
    const canvas = (panel.overlay ??= this.buildOverlay(panel));
    const dpr = window.devicePixelRatio || 1;
    const [w, h] = [xa._length, ya._length];
    Object.assign(canvas.style, { left: `${xa._offset - PAD}px`, top: `${ya._offset - PAD}px`,
                                  width: `${w + 2 * PAD}px`, height: `${h + 2 * PAD}px` });
    sizeCanvas(canvas, (w + 2 * PAD) * dpr, (h + 2 * PAD) * dpr);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, PAD * dpr, PAD * dpr); // (0, 0): the plot area's corner
    ctx.clearRect(-PAD, -PAD, w + 2 * PAD, h + 2 * PAD);
    const px = (x) => xa.c2p(x), py = (y) => ya.c2p(y);
    const bottom = ya.type === "log" ? h : Math.min(h, py(0));
    panel.points = [];
    traces.forEach((t, index) => {
      const color = t.marker?.color ?? t.line?.color ?? this.theme.ink;
      const xs = Array.from(t.x, px), ys = Array.from(t.y, py);
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, 0, w, h);
      ctx.clip(); // lines and bars inside the plot area, markers (below) whole
      if (t.type === "bar") {
        const step = t.x.length > 1 ? Math.abs(t.x[1] - t.x[0]) : 1;
        const width = Math.abs(px(t.x[0] + step) - px(t.x[0])) * 0.9;
        ctx.fillStyle = color;
        xs.forEach((x, i) => Number.isFinite(ys[i]) && ctx.fillRect(x - width / 2, ys[i], width, bottom - ys[i]));
      }
      if ((t.mode ?? "").includes("lines")) {
        ctx.save();
        ctx.strokeStyle = t.line?.color ?? color;
        ctx.lineWidth = t.line?.width ?? 2;
        ctx.setLineDash((DASHES[t.line?.dash ?? "solid"] ?? "").split(",").filter(Boolean).map(Number));
        ctx.beginPath();
        let drawing = false;
        xs.forEach((x, i) => {
          const ok = Number.isFinite(x) && Number.isFinite(ys[i]);
          if (ok) drawing ? ctx.lineTo(x, ys[i]) : ctx.moveTo(x, ys[i]);
          drawing = ok;
        });
        ctx.stroke();
        ctx.restore();
      }
      ctx.restore();
      if ((t.mode ?? "").includes("markers")) {
        const marker = { ...t.marker, color: t.marker?.color ?? color };
        xs.forEach((x, i) => Number.isFinite(x) && Number.isFinite(ys[i]) && this.paintMarker(ctx, marker, x, ys[i]));
      }
      if (t.hoverinfo !== "skip")
        xs.forEach((x, i) => Number.isFinite(x) && Number.isFinite(ys[i])
                             && panel.points.push({ x, y: ys[i], trace: index, point: i, t }));
    });
  }

  paintMarker(ctx, marker, x, y) {
    const r = (marker.size ?? 6) / 2;
    ctx.beginPath();
    if (marker.symbol in TRIANGLES) {
      for (const [px, py] of trianglePoints(marker.symbol, x, y, r)) ctx.lineTo(px, py);
      ctx.closePath();
    } else if (marker.symbol === "star") {
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5, rk = k % 2 ? r * 0.45 : r;
        ctx.lineTo(x + rk * Math.cos(a), y + rk * Math.sin(a));
      }
      ctx.closePath();
    } else {
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    if ((marker.symbol ?? "circle").endsWith("-open")) {
      ctx.strokeStyle = marker.color;
      ctx.lineWidth = marker.line?.width ?? 2;
      ctx.stroke();
      return;
    }
    ctx.fillStyle = marker.color;
    ctx.fill();
    if (marker.line?.width) {
      ctx.strokeStyle = this.theme.ink;
      ctx.lineWidth = marker.line.width;
      ctx.stroke();
    }
  }

  buildOverlay(panel) {
    const canvas = document.createElement("canvas");
    canvas.className = "sae-overlay";
    panel.plot.parentElement.append(canvas);
    const nearest = (e) => {
      const box = canvas.getBoundingClientRect();
      const x = e.clientX - box.left - PAD, y = e.clientY - box.top - PAD;
      let best = null, distance = 12; // px: what counts as "on" a point
      for (const p of panel.points ?? []) {
        // A bar is hit anywhere over its column, a point within a few pixels.
        const d = p.t.type === "bar" ? Math.abs(p.x - x) * 3 : Math.hypot(p.x - x, p.y - y);
        if (d < distance) [best, distance] = [p, d];
      }
      return best;
    };
    canvas.addEventListener("mousemove", (e) => {
      const p = nearest(e);
      canvas.title = p ? hoverText(p.t, p.point) : "";
      canvas.style.cursor = p && panel.spec.clickable ? "pointer" : "default";
    });
    if (panel.spec.clickable)
      canvas.addEventListener("click", (e) => {
        const p = nearest(e);
        if (p) this.model.send({ type: "click", view: panel.spec.name, a: p.trace, b: p.point });
      });
    return canvas;
  }

  drawLegend(panel) {
    const key = JSON.stringify([this.theme.ink, panel.traces.map((t) => t.style)]);
    if (key === panel.legendKey) return;
    panel.legendKey = key;
    panel.legend.innerHTML = "";
    for (const { style } of panel.traces) {
      if (!style.name) continue;
      const item = document.createElement("li");
      item.innerHTML = swatch(style, this.theme.ink);
      item.append(style.name);
      panel.legend.append(item);
    }
  }

  // ------------------------------------------------------------------ images
  drawImage(panel) {
    const { style, arrays } = panel.traces[0];
    const { data: z, shape: [h, w] } = arrays.z;
    const [lo, hi] = style.range;
    const pixels = new ImageData(w, h);
    for (let i = 0; i < z.length; i++) {
      const v = z[i];
      if (v !== v) continue; // NaN: a gap between tiles, left transparent
      const g = Math.round(255 * Math.min(Math.max((v - lo) / (hi - lo), 0), 1));
      pixels.data.set([g, g, g, 255], 4 * i);
    }
    const source = (panel.source ??= document.createElement("canvas"));
    sizeCanvas(source, w, h);
    source.getContext("2d").putImageData(pixels, 0, 0);

    // Whole screen pixels per data pixel when it fits (crisp), else a smooth downscale.
    const canvas = panel.plot;
    const box = panel.section.clientWidth - 22 || w; // inside the padding; w while hidden
    const tall = parseFloat(getComputedStyle(canvas).maxHeight) || 320;
    const fit = Math.min(box / w, tall / h);
    const scale = fit >= 1 ? Math.floor(fit) : fit;
    const dpr = window.devicePixelRatio || 1;
    canvas.style.width = `${w * scale}px`;
    canvas.style.height = `${h * scale}px`;
    sizeCanvas(canvas, w * scale * dpr, h * scale * dpr);
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = scale < 1;
    ctx.clearRect(0, 0, canvas.width, canvas.height); // the gaps between tiles stay transparent
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    if (style.ring) {
      const [top, left, rh, rw] = style.ring;
      const s = (scale * dpr);
      ctx.strokeStyle = "#D55E00";
      ctx.lineWidth = Math.max(2, s / 3);
      ctx.strokeRect(left * s - ctx.lineWidth / 2, top * s - ctx.lineWidth / 2,
                     rw * s + ctx.lineWidth, rh * s + ctx.lineWidth);
    }
    panel.pixel = { z, w, h, label: style.label };
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", style.name ?? panel.spec.title);
  }

  listenToCanvas(panel) {
    const at = (e) => {
      const p = panel.pixel;
      if (!p) return null;
      const box = panel.plot.getBoundingClientRect();
      const col = Math.floor(((e.clientX - box.left) / box.width) * p.w);
      const row = Math.floor(((e.clientY - box.top) / box.height) * p.h);
      return row >= 0 && row < p.h && col >= 0 && col < p.w ? { row, col, v: p.z[row * p.w + col] } : null;
    };
    panel.plot.addEventListener("mousemove", (e) => {
      const hit = at(e);
      const hint = panel.spec.clickable ? " · click to inspect" : "";
      panel.plot.title = hit && hit.v === hit.v ? `${panel.pixel.label} = ${hit.v.toFixed(2)}${hint}` : "";
    });
    if (panel.spec.clickable)
      panel.plot.addEventListener("click", (e) => {
        const hit = at(e);
        if (hit) this.model.send({ type: "click", view: panel.spec.name, a: hit.row, b: hit.col });
      });
  }

  destroy() {
    this.model.off("msg:custom", this.onMessage);
    this.model.off("change:rho", this.onRho);
    this.resizer.disconnect();
    this.themer.disconnect();
    cancelAnimationFrame(this.raf);
    if (this.Plotly) for (const p of this.panels.values()) if (p.spec.kind === "chart") this.Plotly.purge(p.plot);
  }
}

function render({ model, el }) {
  performance.mark("sae-render"); // for benchmarks: when the page first ran this module
  const board = new BoardView(model, el);
  return () => board.destroy();
}

export default { render };
