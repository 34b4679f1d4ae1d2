// Built by js/build.mjs from js/src/board/index.js and what it imports: do not edit, rebuild.
// sources sha256 c874846fe0e64ca3a530f99185ad5c429ac99c655cb9a221f4a21ba73195289d
// bundle sha256 f98121e9522c74bf5f607ccfa88a98d7a480de8dff270d580e722c6596d1db2b
// src/board/canvas.js
function sizeCanvas(canvas, width, height) {
  const [w, h] = [Math.round(width), Math.round(height)];
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
}

// src/board/follow.js
var EPS = 2220446049250313e-31;
var clip = (r) => Math.min(Math.max(r, EPS), 1 - EPS);
var CURVES = {
  kl: {
    curve: (rho, r) => {
      const q = clip(r);
      return rho * Math.log(rho / q) + (1 - rho) * Math.log((1 - rho) / (1 - q));
    },
    slope: (rho, r) => {
      const q = clip(r);
      return -rho / q + (1 - rho) / (1 - q);
    }
  },
  l1: { curve: (rho, r) => r, slope: () => 1 }
};
function tangent(t, rho, { curve, slope }, { decades, half }) {
  const x = Float64Array.from(t.x), y = Float64Array.from(t.y);
  Array.from(t.rho_hat).forEach((r, i) => {
    if (!Number.isFinite(t.x[3 * i])) return;
    const s = slope(rho, r), at = curve(rho, r);
    const tip = r * 10 ** (-Math.sign(s) * decades * Math.abs(s) / (Math.abs(s) + half));
    [x[3 * i], y[3 * i], x[3 * i + 1], y[3 * i + 1]] = [r, at, tip, at + s * (tip - r)];
  });
  return { x, y };
}
var FOLLOW = {
  curve: (t, rho, p) => ({ y: Float64Array.from(t.rho_hat ?? t.x, (x) => p.curve(rho, x)) }),
  target: (t, rho, p) => ({ x: [rho], y: [p.curve(rho, rho)] }),
  level: (t, rho) => ({ y: Array.from(t.y, () => rho) }),
  log_level: (t, rho) => ({ x: Array.from(t.x, () => Math.log10(rho)) }),
  tangent: (t, rho, p, contract) => tangent(t, rho, p, contract.tangent)
};
function followed(t, follow, curve, rho, contract) {
  return FOLLOW[follow](t, rho, CURVES[curve], contract);
}

// src/board/format.js
var EXTRA = 30;
function cut(text, digits) {
  const [whole, frac = ""] = text.split(".");
  const tie = frac[digits] === "5" && /^0*$/.test(frac.slice(digits + 1));
  return { kept: digits ? `${whole}.${frac.slice(0, digits)}` : whole, tie };
}
function evenTies(rounded, exact, digits) {
  const { kept, tie } = cut(exact, digits);
  return tie && Number(kept.at(-1)) % 2 === 0 ? kept : rounded;
}
function fixed(x, digits) {
  return evenTies(x.toFixed(digits), x.toFixed(Math.min(100, digits + EXTRA)), digits);
}
function exponential(x, digits) {
  const [exactMantissa, exactExponent] = x.toExponential(Math.min(100, digits + EXTRA)).split("e");
  const rounded = x.toExponential(digits);
  const even = evenTies(rounded.split("e")[0], exactMantissa, digits);
  const [mantissa, exponent] = even === rounded.split("e")[0] ? rounded.split("e") : [even, exactExponent];
  return [mantissa, Number(exponent)];
}
var stripZeros = (text) => text.includes(".") ? text.replace(/\.?0+$/, "") : text;
function general(x, precision) {
  const p = precision || 1;
  if (x === 0) return "0";
  const [mantissa, exponent] = exponential(x, p - 1);
  if (exponent >= -4 && exponent < p) return stripZeros(fixed(x, p - 1 - exponent));
  const sign = exponent < 0 ? "-" : "+";
  return `${stripZeros(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}
var FORMATS = { g: general, f: fixed };
function formatNumber(value, digits, kind) {
  const v = Number(value);
  if (Number.isNaN(v)) return "nan";
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  if (!Number.isFinite(v)) return `${sign}inf`;
  return sign + FORMATS[kind](Math.abs(v), digits);
}

// src/board/hover.js
function hoverText(t, i) {
  const value = { x: t.x[i], y: t.y[i], pointNumber: i, rho_hat: t.rho_hat?.[i] };
  return (t.hovertemplate ?? t.name ?? "").replace(/%\{(\w+)(?::\.(\d{1,2})([a-z]))?\}/g, (_, key, digits, kind) => kind ? formatNumber(value[key], Number(digits), kind) : String(value[key])).replace(/<extra>(.*?)<\/extra>$/, (_, hint) => hint ? ` · ${hint}` : "");
}
function nearestPoint(points, x, y) {
  let best = null, distance = 12;
  for (const p of points) {
    const d = p.t.type === "bar" ? Math.abs(p.x - x) * 3 : Math.hypot(p.x - x, p.y - y);
    if (d < distance) [best, distance] = [p, d];
  }
  return best;
}

// src/board/marks.js
var svg = (body) => `<svg width="26" height="14" aria-hidden="true">${body}</svg>`;
function corners(x, y, r, angle, count, inner = 1) {
  return Array.from({ length: count }, (_, k) => {
    const a = angle + 2 * Math.PI * k / count, rk = k % 2 ? r * inner : r;
    return [x + rk * Math.cos(a), y + rk * Math.sin(a)];
  });
}
var polygon = (points) => (ctx) => {
  for (const [px, py] of points) ctx.lineTo(px, py);
  ctx.closePath();
};
var triangle = (tip) => ({
  trace: (ctx, x, y, r) => polygon(corners(x, y, r, tip, 3))(ctx),
  legend: (color, ink) => {
    const points = corners(13, 7, 6, tip, 3).map((p) => p.join(",")).join(" ");
    return svg(`<polygon fill="${color}" stroke="${ink}" stroke-width="1" points="${points}"/>`);
  }
});
var SYMBOLS = {
  circle: {
    trace: (ctx, x, y, r) => ctx.arc(x, y, r, 0, 2 * Math.PI),
    legend: (color, ink) => svg(`<circle cx="13" cy="7" r="4" fill="${color}" stroke="${ink}" stroke-width="1"/>`)
  },
  "circle-open": {
    open: true,
    trace: (ctx, x, y, r) => ctx.arc(x, y, r, 0, 2 * Math.PI),
    legend: (color) => svg(`<circle cx="13" cy="7" r="5" fill="none" stroke="${color}" stroke-width="2"/>`)
  },
  star: {
    trace: (ctx, x, y, r) => polygon(corners(x, y, r, -Math.PI / 2, 10, 0.45))(ctx),
    legend: (color) => svg(`<polygon fill="${color}" points="13,1 14.8,5.2 19.5,5.5 15.9,8.5 17,13 13,10.6 9,13 10.1,8.5 6.5,5.5 11.2,5.2"/>`)
  },
  "triangle-up": triangle(-Math.PI / 2),
  "triangle-down": triangle(Math.PI / 2),
  "triangle-left": triangle(Math.PI),
  "triangle-right": triangle(0),
  // An arrowhead with its tip at the point (plotly's "arrow" with angleref "previous").
  arrow: {
    oriented: true,
    trace: (ctx, x, y, r, angle) => polygon([[x, y], ...[2.6, -2.6].map((a) => [
      x + 2 * r * Math.cos(angle + a),
      y + 2 * r * Math.sin(angle + a)
    ])])(ctx),
    legend: (color) => svg(`<polygon fill="${color}" points="24,7 16,3 16,11"/>`),
    onLine: (color) => `<polygon fill="${color}" points="25,7 18,3 18,11"/>`
  }
};
function paintMarker(ctx, marker, x, y, ink, angle = 0) {
  const symbol = SYMBOLS[marker.symbol ?? "circle"];
  ctx.beginPath();
  symbol.trace(ctx, x, y, (marker.size ?? 6) / 2, angle);
  if (symbol.open) {
    ctx.strokeStyle = marker.color;
    ctx.lineWidth = marker.line?.width ?? 2;
    ctx.stroke();
    return;
  }
  ctx.fillStyle = marker.color;
  ctx.fill();
  if (marker.line?.width) {
    ctx.strokeStyle = ink;
    ctx.lineWidth = marker.line.width;
    ctx.stroke();
  }
}

// src/board/theme.js
function readTheme(el) {
  const css = getComputedStyle(el);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    ink: v("--jp-ui-font-color1", "rgba(0, 0, 0, 0.87)"),
    muted: v("--jp-ui-font-color2", "rgba(0, 0, 0, 0.54)"),
    grid: v("--jp-border-color2", "#e0e0e0"),
    font: v("--jp-ui-font-family", "system-ui, sans-serif")
  };
}
function inked(value, ink) {
  if (value === "ink") return ink;
  if (Array.isArray(value) || value === null || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = inked(v, ink);
  return out;
}

// src/board/legend.js
function swatch(style, ink, dashes) {
  const color = inked(style.marker?.color ?? style.line?.color, ink) ?? ink;
  if (style.type === "bar") return svg(`<rect x="6" y="2" width="14" height="10" fill="${color}"/>`);
  if ((style.mode ?? "").includes("lines")) {
    const dash = dashes[style.line?.dash ?? "solid"].join(",");
    const onLine = SYMBOLS[style.marker?.symbol ?? "circle"].onLine ?? ((c) => `<circle cx="13" cy="7" r="2.5" fill="${c}"/>`);
    const dot = style.mode.includes("markers") ? onLine(color) : "";
    return svg(`<line x1="1" y1="7" x2="25" y2="7" stroke="${color}" stroke-width="2.5"
                 stroke-dasharray="${dash}"/>${dot}`);
  }
  return SYMBOLS[style.marker?.symbol ?? "circle"].legend(color, ink);
}
function drawLegend(panel, ink, dashes) {
  const key = JSON.stringify([ink, panel.traces.map((t) => t.style)]);
  if (key === panel.legendKey) return;
  panel.legendKey = key;
  panel.legend.innerHTML = "";
  for (const { style } of panel.traces) {
    if (!style.name) continue;
    const item = document.createElement("li");
    item.innerHTML = swatch(style, ink, dashes);
    item.append(style.name);
    panel.legend.append(item);
  }
}

// src/board/plotly.js
var DB = "sae-explorer";
var STORE = "plotly";
var MARK = "sae-explorer-plotly";
function marked() {
  try {
    return localStorage.getItem(MARK);
  } catch {
    return null;
  }
}
function openStore() {
  return new Promise((resolve) => {
    try {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = request.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}
function stored(db, id) {
  return new Promise((resolve) => {
    try {
      const get = db.transaction(STORE).objectStore(STORE).get(id);
      get.onsuccess = () => resolve(get.result ?? null);
      get.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}
function store(db, id, bytes) {
  try {
    const tx = db.transaction(STORE, "readwrite");
    const bundles = tx.objectStore(STORE);
    bundles.clear();
    bundles.put(bytes, id);
    tx.oncomplete = () => {
      try {
        localStorage.setItem(MARK, id);
      } catch {
      }
    };
  } catch {
  }
}
function ask(model) {
  return new Promise((resolve) => {
    const onMessage = (msg, buffers) => {
      if (msg.type !== "sae-plotly") return;
      performance.mark("sae-plotly-arrived");
      model.off("msg:custom", onMessage);
      const view = buffers[0];
      resolve(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    };
    model.on("msg:custom", onMessage);
    model.send({ type: "plotly" });
    performance.mark("sae-plotly-asked");
  });
}
function evaluate(bytes) {
  return new Promise((resolve, reject) => {
    const had = Object.hasOwn(window, "Plotly");
    const before = window.Plotly;
    const code = new Blob(["(function (module) {\n", bytes, "\n})();"], { type: "text/javascript" });
    const script = document.createElement("script");
    script.src = URL.createObjectURL(code);
    script.onload = () => {
      const Plotly = window.Plotly;
      if (had) window.Plotly = before;
      else delete window.Plotly;
      URL.revokeObjectURL(script.src);
      if (!Plotly) {
        reject(new Error("plotly.js ran but defined no Plotly"));
        return;
      }
      performance.mark("sae-plotly-ready");
      resolve(Plotly);
    };
    script.onerror = () => reject(new Error("plotly.js did not load"));
    document.head.appendChild(script);
  });
}
var versionOf = (id) => id.split("@")[1]?.split("+")[0];
async function load(model) {
  const id = model.get("plotly");
  const served = await window.__saePlotlyServed;
  if (served && served.version === versionOf(id)) {
    performance.mark("sae-plotly-served");
    return served;
  }
  if (marked() === id) {
    const db2 = await openStore();
    const kept = db2 && await stored(db2, id);
    if (kept) {
      performance.mark("sae-plotly-stored");
      try {
        return await evaluate(kept);
      } catch {
      }
    }
  }
  const asked = ask(model);
  const db = await openStore();
  const bytes = await asked;
  if (db) store(db, id, bytes);
  return evaluate(bytes);
}
function loadPlotly(model) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  window.__saePlotly ??= load(model);
  return window.__saePlotly;
}
var PLOTLY_MAJOR = 4;
function plotArea(Plotly, gd) {
  const major = Number(String(Plotly.version).split(".")[0]);
  if (major !== PLOTLY_MAJOR)
    throw new Error(`the charts are drawn over plotly.js ${PLOTLY_MAJOR}.x, and this page loaded plotly.js ${Plotly.version}`);
  const axes = [gd._fullLayout?.xaxis, gd._fullLayout?.yaxis];
  for (const axis of axes)
    if (!Number.isFinite(axis?._offset) || !Number.isFinite(axis?._length) || typeof axis?.c2p !== "function")
      throw new Error(`plotly.js ${Plotly.version} has no _offset, _length or c2p on its axes`);
  const [xa, ya] = axes;
  return {
    left: xa._offset,
    top: ya._offset,
    width: xa._length,
    height: ya._length,
    x: (v) => xa.c2p(v),
    y: (v) => ya.c2p(v),
    ylog: ya.type === "log"
  };
}

// src/board/ranges.js
var NICE = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
function niceCeiling(v) {
  const decade = 10 ** Math.floor(Math.log10(v));
  return NICE.map((m) => m * decade).find((m) => m >= v * (1 - 1e-12));
}
function niceRange(values, log) {
  const finite2 = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (!finite2.length) return null;
  const lo = Math.min(...finite2), hi = Math.max(...finite2);
  if (log) {
    const a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
    return [a, b > a ? b : a + 1];
  }
  return [lo < 0 ? -niceCeiling(-lo) : 0, hi > 0 ? niceCeiling(hi) : 1];
}
function steadyRange(panel, key, range, log) {
  const kept = (panel.ranges ??= {})[key];
  const inside = kept && range && range[0] >= kept[0] && range[1] <= kept[1];
  if (inside && range[1] - range[0] >= 0.4 * (kept[1] - kept[0])) return kept;
  const grows = kept && range && !log && range[0] === kept[0] && range[1] > kept[1];
  panel.ranges[key] = grows ? [range[0], niceCeiling(2 * range[1])] : range;
  return panel.ranges[key];
}

// src/board/chart.js
var FRAME_BUDGET_MS = 24;
var PAD = 8;
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
    const empty = rest.range ?? (log ? [-1, 1] : [0, 1]);
    const range = nice ? steadyRange(panel, `${key}:${log}`, niceRange(values, log) ?? empty, log) : null;
    return {
      gridcolor: grid,
      zerolinecolor: grid,
      linecolor: muted,
      automargin: true,
      exponentformat: "power",
      // 10⁻⁴, not plotly's SI "100µ"
      // Log axes: a label per decade (plotly's "2" and "5" between decades are 9 px).
      ...rest.type === "log" ? { dtick: 1 } : {},
      ...rest,
      ...range ? { range, autorange: false } : {},
      title: { font: { size: 12 }, standoff: 6, ...rest.title }
    };
  };
  return {
    margin: { l: 52, r: 10, t: 6, b: 40 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: font, size: 12, color: ink },
    showlegend: false,
    hovermode: false,
    dragmode: false,
    xaxis: axis(panel.layout.xaxis, "x"),
    yaxis: axis(panel.layout.yaxis, "y")
  };
}
var finite = (x, y) => Number.isFinite(x) && Number.isFinite(y);
var PARTS = [
  {
    type: "bar",
    clip: true,
    paint(ctx, t, xs, ys, { area, bottom, color }) {
      const step = t.x.length > 1 ? Math.abs(t.x[1] - t.x[0]) : 1;
      const width = Math.abs(area.x(t.x[0] + step) - area.x(t.x[0])) * 0.9;
      ctx.fillStyle = color;
      xs.forEach((x, i) => Number.isFinite(ys[i]) && ctx.fillRect(x - width / 2, ys[i], width, bottom - ys[i]));
    }
  },
  {
    mode: "lines",
    clip: true,
    paint(ctx, t, xs, ys, { color, dashes }) {
      ctx.strokeStyle = t.line?.color ?? color;
      ctx.lineWidth = t.line?.width ?? 2;
      ctx.setLineDash(dashes[t.line?.dash ?? "solid"]);
      ctx.beginPath();
      let drawing = false;
      xs.forEach((x, i) => {
        const ok = finite(x, ys[i]);
        if (ok) drawing ? ctx.lineTo(x, ys[i]) : ctx.moveTo(x, ys[i]);
        drawing = ok;
      });
      ctx.stroke();
    }
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
        const [dx, dy] = [x - xs[i - 1], ys[i] - ys[i - 1]];
        if (Math.hypot(dx, dy) > 0.5) paintMarker(ctx, marker, x, ys[i], ink, Math.atan2(dy, dx));
      });
    }
  }
];
var paints = (part, t) => part.type ? t.type === part.type : (t.mode ?? "").split("+").includes(part.mode);
function paintTraces(panel, traces, area, { ink, dashes }) {
  const canvas = panel.overlay ??= buildOverlay(panel);
  const dpr = window.devicePixelRatio || 1;
  const { width: w, height: h } = area;
  Object.assign(canvas.style, {
    left: `${area.left - PAD}px`,
    top: `${area.top - PAD}px`,
    width: `${w + 2 * PAD}px`,
    height: `${h + 2 * PAD}px`
  });
  sizeCanvas(canvas, (w + 2 * PAD) * dpr, (h + 2 * PAD) * dpr);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, PAD * dpr, PAD * dpr);
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
var chartPainter = {
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
    panel.section._saeTraces = traces;
    const area = plotArea(board.Plotly, panel.plot);
    paintTraces(panel, traces, area, { ink: theme.ink, dashes: contract.dashes });
    drawLegend(panel, theme.ink, contract.dashes);
    return true;
  },
  destroy(panel, board) {
    board.Plotly?.purge(panel.plot);
  }
};

// src/board/image.js
function colorAt(stops, t) {
  const at = t * (stops.length - 1), i = Math.min(Math.floor(at), stops.length - 2), f = at - i;
  return stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * f));
}
var LEVELS = 1024;
var TABLES = /* @__PURE__ */ new WeakMap();
function table(stops) {
  let colors = TABLES.get(stops);
  if (!colors) {
    colors = new Uint32Array(LEVELS);
    const bytes = new Uint8ClampedArray(colors.buffer);
    for (let i = 0; i < LEVELS; i++) bytes.set([...colorAt(stops, i / (LEVELS - 1)), 255], 4 * i);
    TABLES.set(stops, colors);
  }
  return colors;
}
function drawTileLabels(panel, labels, scale, w) {
  const key = JSON.stringify([labels, w * scale]);
  if (key === panel.labelsKey) return;
  panel.labelsKey = key;
  let right = 0;
  panel.legend.replaceChildren(...labels.map(([left, width, text]) => {
    const item = document.createElement("li");
    item.className = "sae-tile-label";
    item.textContent = text;
    item.style.width = `${width * scale}px`;
    item.style.marginLeft = `${(left - right) * scale}px`;
    right = left + width;
    return item;
  }));
  panel.legend.classList.toggle("sae-tile-labels", labels.length > 0);
  panel.legend.style.width = labels.length ? `${w * scale}px` : "";
}
function listen(panel) {
  const at = (e) => {
    const p = panel.pixel;
    if (!p) return null;
    const box = panel.plot.getBoundingClientRect();
    const col = Math.floor((e.clientX - box.left) / box.width * p.w);
    const row = Math.floor((e.clientY - box.top) / box.height * p.h);
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
      if (hit) panel.pick(hit.row, hit.col);
    });
}
var imagePainter = {
  traceTypes: ["image"],
  mount(panel) {
    panel.plot = document.createElement("canvas");
    panel.plot.className = "sae-plot";
    listen(panel);
    return panel.plot;
  },
  // Needs nothing but the page: drawn before plotly.js arrives.
  ready: () => true,
  draw(panel, board) {
    const { style, arrays } = panel.traces[0];
    const { data: z, shape: [h, w] } = arrays.z;
    const [lo, hi] = style.range;
    const colors = table(board.contract.colormaps[style.colormap ?? "grey"]);
    const pixels = new ImageData(w, h);
    const out = new Uint32Array(pixels.data.buffer);
    const perLevel = (LEVELS - 1) / (hi - lo);
    for (let i = 0; i < z.length; i++) {
      const v = z[i];
      if (v !== v) continue;
      const k = Math.round((v - lo) * perLevel);
      out[i] = colors[k < 0 ? 0 : k >= LEVELS ? LEVELS - 1 : k];
    }
    const source = panel.source ??= document.createElement("canvas");
    sizeCanvas(source, w, h);
    source.getContext("2d").putImageData(pixels, 0, 0);
    const canvas = panel.plot;
    const box = panel.section.clientWidth - 22 || w;
    const tall = parseFloat(getComputedStyle(canvas).maxHeight) || 320;
    const fit = Math.min(box / w, tall / h);
    const scale = fit >= 1 ? Math.floor(fit) : fit;
    const dpr = window.devicePixelRatio || 1;
    canvas.style.width = `${w * scale}px`;
    canvas.style.height = `${h * scale}px`;
    sizeCanvas(canvas, w * scale * dpr, h * scale * dpr);
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = scale < 1;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    if (style.ring) {
      const [top, left, rh, rw] = style.ring;
      const s = scale * dpr;
      ctx.strokeStyle = "#D55E00";
      ctx.lineWidth = Math.max(2, s / 3);
      ctx.strokeRect(
        left * s - ctx.lineWidth / 2,
        top * s - ctx.lineWidth / 2,
        rw * s + ctx.lineWidth,
        rh * s + ctx.lineWidth
      );
    }
    drawTileLabels(panel, style.labels ?? [], scale, w);
    panel.pixel = { z, w, h, label: style.label };
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", style.name ?? panel.spec.title);
    return true;
  },
  destroy() {
  }
};

// src/board/painters.js
var PAINTERS = {
  chart: chartPainter,
  image: imagePainter
};

// src/board/contract.js
var CAN = {
  kinds: (name) => name in PAINTERS,
  trace_types: (name) => Object.values(PAINTERS).some((p) => p.traceTypes.includes(name)),
  modes: (name) => name.split("+").every((mode) => PARTS.some((p) => p.mode === mode)),
  symbols: (name) => name in SYMBOLS,
  curves: (name) => name in CURVES,
  follow: (name) => name in FOLLOW,
  formats: (name) => name === "" || name in FORMATS
};
function missing(contract) {
  const asked = {
    kinds: contract.kinds,
    trace_types: contract.trace_types,
    modes: contract.modes,
    symbols: contract.symbols,
    curves: contract.curves,
    follow: Object.keys(contract.follow),
    formats: contract.hover.formats
  };
  return Object.entries(asked).flatMap(([list, names]) => names.filter((name) => !CAN[list](name)).map((name) => `${list} ${JSON.stringify(name)}`));
}

// src/board/frames.js
var MAX_WAITING = 1;
function merge(panels, msg, buffers, arrayKeys) {
  const array = (ref) => {
    const view = buffers[ref.buffer];
    const data = new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    return { data, shape: ref.shape };
  };
  const changed = [];
  for (const [name, part] of Object.entries(msg.views)) {
    const panel = panels.get(name);
    if (!panel) continue;
    if ("hidden" in part) panel.section.style.display = part.hidden ? "none" : "";
    if (part.reset) panel.traces = [];
    if ("caption" in part) panel.captionText = part.caption;
    if ("layout" in part) panel.layout = part.layout;
    (part.traces ?? []).forEach((entry, i) => {
      const trace = panel.traces[i] ??= { style: {}, arrays: {} };
      if (entry.style) trace.style = entry.style;
      for (const key of arrayKeys) if (entry[key]) trace.arrays[key] = array(entry[key]);
    });
    changed.push(name);
  }
  return changed;
}
var FrameLoop = class {
  constructor(board) {
    this.board = board;
    this.dirty = /* @__PURE__ */ new Set();
    this.queue = [];
    this.pendingAck = null;
    this.raf = 0;
    this.synced = false;
  }
  receive(msg, buffers) {
    if (!this.synced && !msg.full) return;
    this.synced = true;
    this.queue.push([msg, buffers]);
    this.board.el.dataset.idle = "false";
    this.schedule();
  }
  // Views changed by a frame and not yet drawn, which can be drawn (charts wait for plotly.js).
  drawing() {
    const { board } = this;
    return [...this.dirty].some((n) => board.canPaint(board.panels.get(n)));
  }
  // Merges the oldest waiting frame, and older ones than MAX_WAITING behind the newest.
  takeNext() {
    const { panels, contract } = this.board;
    while (this.queue.length) {
      const [msg, buffers] = this.queue.shift();
      for (const name of merge(panels, msg, buffers, contract.array_keys)) this.dirty.add(name);
      this.pendingAck = msg.seq;
      if (this.queue.length <= MAX_WAITING) break;
    }
  }
  mark(names) {
    for (const name of names) this.dirty.add(name);
    this.schedule();
  }
  schedule() {
    if (!this.raf) this.raf = requestAnimationFrame(() => this.tick());
  }
  tick() {
    this.raf = 0;
    const { board } = this;
    const start = performance.now();
    if (!this.drawing()) this.takeNext();
    const drawn = [];
    for (const [name, panel] of board.panels) {
      if (!this.dirty.has(name)) continue;
      if (panel.traces.length === 0) {
        this.dirty.delete(name);
        continue;
      }
      let painted;
      try {
        painted = board.paint(panel, start);
      } catch (error) {
        board.fail(panel, error);
        this.dirty.delete(name);
        continue;
      }
      if (!painted) continue;
      this.dirty.delete(name);
      drawn.push(name);
    }
    const waiting = this.drawing();
    board.el.dataset.idle = String(!waiting && !this.queue.length);
    if (drawn.length && !performance.getEntriesByName("sae-first-draw").length)
      performance.mark("sae-first-draw");
    if (drawn.length) {
      const detail = { views: drawn, t: performance.now(), seq: this.pendingAck, complete: !waiting };
      board.el.dispatchEvent(new CustomEvent("sae-drawn", { bubbles: true, detail }));
    }
    if (!waiting && this.pendingAck !== null) {
      board.model.send({ type: "drawn", seq: this.pendingAck });
      this.pendingAck = null;
    }
    if (waiting || this.queue.length) this.schedule();
  }
  stop() {
    cancelAnimationFrame(this.raf);
  }
};

// src/board/banner.js
var banners = /* @__PURE__ */ new WeakMap();
var stashed = /* @__PURE__ */ new WeakMap();
function dashboardOf(el) {
  return el.closest(".sae-live") ?? el;
}
function showBanner(root, { tone, title, text = "", actions = [] }) {
  let banner = banners.get(root);
  if (!banner) {
    banner = document.createElement("div");
    banner.className = "sae-banner";
    banners.set(root, banner);
    root.parentElement?.insertBefore(banner, root);
  }
  banner.dataset.tone = tone;
  banner.setAttribute("role", tone === "lost" ? "alert" : "status");
  banner.replaceChildren();
  const words = document.createElement("div");
  words.className = "sae-banner-words";
  const heading = document.createElement("strong");
  heading.textContent = title;
  words.append(heading);
  if (text) {
    const body = document.createElement("span");
    body.textContent = ` ${text}`;
    words.append(body);
  }
  banner.append(words);
  for (const { label, onClick, primary, disabled } of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = primary ? "sae-banner-button sae-primary" : "sae-banner-button";
    button.textContent = label;
    button.disabled = Boolean(disabled);
    button.addEventListener("click", onClick);
    banner.append(button);
  }
  return banner;
}
function hideBanner(root) {
  banners.get(root)?.remove();
  banners.delete(root);
}
function freeze(root, frozen) {
  root.classList.toggle("sae-frozen", frozen);
  document.body.classList.toggle("sae-lost", frozen);
  root.inert = frozen;
  for (const icon of root.querySelectorAll("button .fa-pause")) {
    const button = icon.closest("button");
    if (frozen && !stashed.has(button)) {
      stashed.set(button, { html: button.innerHTML, active: button.classList.contains("mod-active") });
      icon.classList.replace("fa-pause", "fa-play");
      button.lastChild.textContent = "Play";
      button.classList.remove("mod-active");
      button.setAttribute("aria-pressed", "false");
    }
  }
  if (!frozen) {
    for (const button of root.querySelectorAll("button")) {
      const was = stashed.get(button);
      if (!was) continue;
      button.innerHTML = was.html;
      button.classList.toggle("mod-active", was.active);
      stashed.delete(button);
    }
  }
}

// src/board/connection.js
var PING_MS = 250;
var SILENCE_MS = 1e3;
var PROBE_TIMEOUT_MS = 1500;
var RETRY_MS = 1e3;
var LOST_RETRY_MS = 2e3;
var DEAD = /* @__PURE__ */ new Set(["restarting", "autorestarting", "dead"]);
var LOST = /* @__PURE__ */ new Set(["kernel-lost", "server-lost"]);
function pageConfig() {
  const node = document.getElementById("jupyter-config-data");
  try {
    return node ? JSON.parse(node.textContent) : {};
  } catch {
    return {};
  }
}
var Connection = class {
  // `onChange(state, reason)` hears every change of state: "live", "reconnecting", "offline",
  // "kernel-lost" (reason "stopped" or "server-restarted") or "server-lost".
  constructor(model, onChange) {
    this.model = model;
    this.onChange = onChange;
    this.state = "live";
    this.final = false;
    this.lastHeard = performance.now();
    this.unanswered = null;
    this.quietMs = 0;
    this.probing = false;
    this.nextProbe = 0;
    this.n = 0;
    this.unloading = false;
    const config = pageConfig();
    this.kernel = model.widget_manager?.kernel ?? null;
    this.baseUrl = this.kernel?.serverSettings?.baseUrl ?? config.baseUrl ?? "/";
    this.kernelId = this.kernel?.id ?? config.kernelId ?? null;
    this.onMessage = (msg) => this.heard(msg);
    model.on("msg:custom", this.onMessage);
    const later = (handle) => (_, status) => setTimeout(() => this.unloading || handle(status));
    this.onStatus = later((status) => {
      if (DEAD.has(status) && this.state !== "server-lost") this.lose("kernel-lost", "stopped", true);
    });
    this.onConnection = later((status) => {
      if (this.final) return;
      if (status === "connecting" && this.state === "live") this.set("reconnecting");
      if (status === "connected") this.ping();
      if (status === "disconnected") this.probe();
    });
    this.kernel?.statusChanged?.connect(this.onStatus);
    this.kernel?.connectionStatusChanged?.connect(this.onConnection);
    this.onUnload = () => this.unloading = true;
    window.addEventListener("pagehide", this.onUnload);
    window.addEventListener("beforeunload", this.onUnload);
    this.timer = setInterval(() => this.tick(), PING_MS);
  }
  set(state, reason = "") {
    if (state === this.state && reason === this.reason) return;
    this.state = state;
    this.reason = reason;
    this.onChange(state, reason);
  }
  lose(state, reason, final = false) {
    this.final ||= final;
    if (state === "kernel-lost") this.why = reason;
    this.set(state, reason);
  }
  heard(msg) {
    this.lastHeard = performance.now();
    this.unanswered = null;
    if (msg?.type === "sae-pong") this.quietMs = 1e3 * (msg.quiet ?? 0);
    if (this.state !== "live" && !this.final) {
      this.model.send({ type: "hello" });
      this.set("live");
    }
  }
  ping() {
    this.unanswered ??= performance.now();
    this.model.send({ type: "ping", n: ++this.n });
  }
  tick() {
    if (this.unloading) return;
    const now = performance.now();
    if (this.final) {
      if (now >= this.nextProbe) this.probe();
      return;
    }
    this.ping();
    const limit = Math.max(SILENCE_MS, 1.5 * this.quietMs + 300);
    const missed = now - this.unanswered >= Math.min(limit, 600) && now - this.lastHeard >= limit;
    if (missed && now >= this.nextProbe) this.probe();
  }
  async probe() {
    if (this.probing || this.unloading) return;
    this.probing = true;
    try {
      const verdict = await this.askServer();
      const heard = !this.final && performance.now() - this.lastHeard < SILENCE_MS;
      if (verdict && !heard && !this.unloading) this.lose(...verdict);
    } finally {
      this.probing = false;
      this.nextProbe = performance.now() + (this.final ? LOST_RETRY_MS : RETRY_MS);
    }
  }
  // [state, reason] from the server's answer about this page's kernel, or null: no verdict.
  async askServer() {
    if (!this.kernelId) return ["kernel-lost", "stopped"];
    const url = `${this.baseUrl.replace(/\/?$/, "/")}api/kernels/${this.kernelId}?t=${Date.now()}`;
    const headers = {};
    const token = this.kernel?.serverSettings?.token;
    if (token) headers.Authorization = `token ${token}`;
    let response;
    try {
      response = await fetch(url, {
        cache: "no-store",
        credentials: "same-origin",
        headers,
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS)
      });
    } catch {
      return navigator.onLine === false ? ["offline", ""] : ["server-lost", ""];
    }
    if (response.status === 404) {
      const gone = ["server-lost", "reconnecting"].includes(this.state) || this.why === "server-restarted";
      return ["kernel-lost", gone ? "server-restarted" : "stopped", true];
    }
    if (this.final) return ["kernel-lost", this.why, true];
    const model = response.ok ? await response.json().catch(() => ({})) : {};
    if (DEAD.has(model.execution_state)) return ["kernel-lost", "stopped", true];
    if (model.execution_state === "busy") return null;
    return ["kernel-lost", "stopped"];
  }
  destroy() {
    clearInterval(this.timer);
    this.model.off("msg:custom", this.onMessage);
    this.kernel?.statusChanged?.disconnect(this.onStatus);
    this.kernel?.connectionStatusChanged?.disconnect(this.onConnection);
    window.removeEventListener("pagehide", this.onUnload);
    window.removeEventListener("beforeunload", this.onUnload);
  }
};

// src/board/store.js
var DB2 = "sparse-autoencoder-explorer";
var RUNS = "runs";
var TAB = "sae-tab";
var CLAIM_MS = 150;
var KEEP_DAYS = 3;
var KEEP_RECORDS = 8;
function newId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
}
function tabId() {
  window.__saeTabId ??= new Promise((resolve) => {
    let id = sessionStorage.getItem(TAB);
    if (!id) {
      id = newId();
      sessionStorage.setItem(TAB, id);
    }
    if (typeof BroadcastChannel === "undefined") return resolve(id);
    const channel = new BroadcastChannel(TAB);
    channel.onmessage = ({ data }) => {
      if (data.asks === sessionStorage.getItem(TAB)) channel.postMessage({ has: data.asks });
      if (data.has === id && data.has === sessionStorage.getItem(TAB)) {
        sessionStorage.setItem(TAB, newId());
      }
    };
    channel.postMessage({ asks: id });
    setTimeout(() => resolve(sessionStorage.getItem(TAB)), CLAIM_MS);
  });
  return window.__saeTabId;
}
function pageAddress() {
  const query = new URLSearchParams(location.search);
  query.delete("token");
  const rest = query.toString();
  return location.pathname + (rest ? `?${rest}` : "");
}
async function runKey() {
  return `${await tabId()} ${pageAddress()}`;
}
function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB2, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(RUNS);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
async function run(mode, act) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(RUNS, mode);
      const result = act(tx.objectStore(RUNS));
      tx.oncomplete = () => resolve(result?.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}
var load2 = (key) => run("readonly", (s) => s.get(key));
var save = (key, record) => run("readwrite", (s) => s.put({ ...record, savedAt: Date.now() }, key));
async function mark(key, patch) {
  const record = await load2(key);
  if (record) await run("readwrite", (s) => s.put({ ...record, ...patch }, key));
}
async function prune(key) {
  const all = await run("readonly", (s) => s.getAll());
  const keys = await run("readonly", (s) => s.getAllKeys());
  const old = Date.now() - KEEP_DAYS * 864e5;
  const ranked = keys.map((k, i) => [k, all[i].savedAt]).filter(([k]) => k !== key).sort((a, b) => b[1] - a[1]);
  const drop = ranked.filter(([, at], rank) => at < old || rank >= KEEP_RECORDS - 1);
  if (drop.length) await run("readwrite", (s) => drop.forEach(([k]) => s.delete(k)));
}

// src/board/keeper.js
var RESTORE = "sae-restore";
function reloadKind() {
  return performance.getEntriesByType("navigation")[0]?.type ?? "navigate";
}
var Keeper = class {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.keeps = model.get("keeps");
    this.kept = null;
    this.held = null;
    this.waiting = this.keeps;
    this.key = runKey();
    this.onMessage = (msg, buffers) => this.message(msg, buffers);
    model.on("msg:custom", this.onMessage);
    this.connection = new Connection(model, (state, why) => this.connectionChanged(state, why));
    if (this.keeps) this.start();
  }
  // The dashboard the board is in: asked when needed, since a board renders before its
  // dashboard's boxes put it in the page.
  get root() {
    return dashboardOf(this.el);
  }
  async start() {
    const key = await this.key;
    const record = await load2(key).catch(() => void 0);
    prune(key).catch(() => {
    });
    const asked = sessionStorage.getItem(RESTORE) === key;
    sessionStorage.removeItem(RESTORE);
    if (!record || record.step === 0) return this.decided();
    this.kept = { step: record.step };
    if (asked || !record.lost && reloadKind() === "reload") this.restore(record);
    else this.offer(record);
  }
  // ------------------------------------------------------------------ the kernel's copies
  async message(msg, buffers) {
    if (msg.type === "sae-keep") {
      const [view] = buffers;
      const blob = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
      const copy = { blob, step: msg.step, bytes: msg.bytes, lost: false };
      if (this.waiting) this.held = copy;
      else this.store(copy);
    } else if (msg.type === "sae-restored") {
      this.restoring = false;
      hideBanner(this.root);
      this.held = null;
      this.decided();
    } else if (msg.type === "sae-refused") {
      this.restoring = false;
      showBanner(this.root, {
        tone: "info",
        title: `The run kept in this tab (step ${this.kept.step}) could not be restored.`,
        text: `${msg.message[0].toUpperCase()}${msg.message.slice(1)} This dashboard goes on with its own fresh run.`,
        actions: [{ label: "Start afresh", primary: true, onClick: () => this.afresh() }]
      });
    }
  }
  async store(copy) {
    this.kept = { step: copy.step };
    try {
      await save(await this.key, copy);
      this.root.dataset.kept = String(copy.step);
    } catch (error) {
      console.warn("[sae] run not kept:", error);
    }
  }
  // The stored run was restored, refused and given up, or there was none: copies are kept.
  decided() {
    this.waiting = false;
    if (this.held) this.store(this.held);
    this.held = null;
  }
  afresh() {
    hideBanner(this.root);
    this.decided();
  }
  // ------------------------------------------------------------------ bringing it back
  restore(record) {
    this.restoring = true;
    showBanner(this.root, { tone: "working", title: `Restoring your run at step ${record.step}…` });
    this.model.send({ type: "restore", step: record.step }, void 0, [record.blob]);
  }
  offer(record) {
    showBanner(this.root, {
      tone: "info",
      title: `Your run at step ${record.step} can be restored.`,
      text: "Its kernel stopped before this page was reloaded; this is a fresh dashboard at step 0.",
      actions: [
        { label: `Restore step ${record.step}`, primary: true, onClick: () => this.restore(record) },
        { label: "Start afresh", onClick: () => this.afresh() }
      ]
    });
  }
  async reload() {
    sessionStorage.setItem(RESTORE, await this.key);
    location.reload();
  }
  // ------------------------------------------------------------------ when the kernel goes
  connectionChanged(state, reason) {
    const lost = LOST.has(state);
    freeze(this.root, lost);
    if (lost && this.kept && !this.waiting) this.key.then((key) => mark(key, { lost: true })).catch(() => {
    });
    if (state === "live") return this.restoring || this.waiting ? null : hideBanner(this.root);
    showBanner(this.root, this.words(state, reason));
  }
  words(state, reason) {
    if (state === "offline") return { tone: "working", title: "This computer is offline: reconnecting…" };
    if (state === "reconnecting") return { tone: "working", title: "Reconnecting to the server…" };
    const step = this.kept?.step;
    const kept = step ? ` Your run up to step ${step} is kept in this browser tab.` : "";
    const voila = document.body.dataset.voila === "voila";
    const label = step ? `Reload and continue from step ${step}` : "Reload a fresh dashboard";
    const reload = voila ? [{ label, primary: true, onClick: () => this.reload() }] : [];
    if (state === "server-lost")
      return {
        tone: "lost",
        title: "The server is not answering.",
        text: `It may have been stopped or restarted, or the network is down: training has stopped.${kept} This page keeps trying to reach it.`,
        actions: reload.map((action) => ({ ...action, label: "Waiting for the server…", disabled: true }))
      };
    const title = reason === "server-restarted" ? "The server was restarted: this page's Python kernel is gone." : "This page's Python kernel has stopped.";
    const again = voila ? "" : " Restart the kernel and run the notebook again: the new dashboard offers the run back.";
    return { tone: "lost", title, text: `Training has stopped and the controls no longer work.${kept}${again}`, actions: reload };
  }
  destroy() {
    this.model.off("msg:custom", this.onMessage);
    this.connection.destroy();
  }
};
function survive(model, el) {
  const keeper = new Keeper(model, el);
  return () => keeper.destroy();
}

// src/board/index.js
var WAITING_FOR_FRAME = "Waiting for the kernel's first frame…";
var BoardView = class {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.contract = model.get("contract");
    const cannot = missing(this.contract);
    if (cannot.length) {
      el.textContent = `This page cannot draw what the kernel asks for (${cannot.join(", ")}): its board.js is older than the Python package.`;
      throw new Error(el.textContent);
    }
    this.Plotly = window.Plotly ?? null;
    this.theme = null;
    el.classList.add("sae-board");
    el.style.setProperty("--sae-max-columns", model.get("max_columns"));
    this.panels = new Map(model.get("views").map((spec) => [spec.name, this.buildPanel(spec)]));
    this.frames = new FrameLoop(this);
    this.onMessage = (msg, buffers) => msg.type === "sae-frame" && this.frames.receive(msg, buffers);
    this.onRho = () => this.followRho();
    model.on("msg:custom", this.onMessage);
    model.on("change:rho", this.onRho);
    this.resizer = new ResizeObserver(() => this.markAll());
    this.resizer.observe(el);
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
    if (spec.optional) section.style.display = "none";
    const heading = document.createElement("h3");
    heading.textContent = spec.title;
    const caption = document.createElement("p");
    caption.className = "sae-caption";
    const legend = document.createElement("ul");
    legend.className = "sae-legend";
    const waiting = document.createElement("p");
    waiting.className = "sae-waiting";
    waiting.setAttribute("role", "status");
    waiting.textContent = WAITING_FOR_FRAME;
    const painter = PAINTERS[spec.kind];
    const panel = { spec, painter, section, caption, legend, waiting, traces: [], layout: {}, legendKey: "" };
    panel.pick = (a, b) => this.model.send({ type: "click", view: spec.name, a, b });
    section.append(heading, caption, painter.mount(panel, this), legend, waiting);
    this.el.append(section);
    return panel;
  }
  followRho() {
    const following = [...this.panels.values()].filter((p) => p.traces.some((t) => t.style.follow));
    this.frames.mark(following.map((p) => p.spec.name));
  }
  markAll() {
    for (const panel of this.panels.values()) panel.layoutKey = null;
    this.frames.mark(this.panels.keys());
  }
  canPaint(panel) {
    return panel.painter.ready(this);
  }
  // Paints one panel (FrameLoop calls it); false when it waits for a later animation frame.
  paint(panel, start) {
    this.theme ??= readTheme(this.el);
    if (!this.canPaint(panel)) {
      panel.waiting.textContent = panel.painter.waiting;
      return false;
    }
    if (!panel.painter.draw(panel, this, start)) return false;
    panel.caption.textContent = panel.captionText ?? "";
    panel.section.dataset.draws = String(Number(panel.section.dataset.draws) + 1);
    return true;
  }
  // A view that cannot be drawn says so in its panel, in words, and in the console.
  fail(panel, error) {
    console.error(`sae board: view ${panel.spec.name} not drawn:`, error);
    panel.caption.textContent = `This view cannot be drawn: ${error.message}`;
    panel.caption.setAttribute("role", "alert");
    panel.waiting.hidden = true;
  }
  destroy() {
    this.model.off("msg:custom", this.onMessage);
    this.model.off("change:rho", this.onRho);
    this.resizer.disconnect();
    this.themer.disconnect();
    this.frames.stop();
    for (const panel of this.panels.values()) panel.painter.destroy(panel, this);
  }
};
function render({ model, el }) {
  performance.mark("sae-render");
  const board = new BoardView(model, el);
  const kept = survive(model, el);
  return () => {
    kept();
    board.destroy();
  };
}
var index_default = { render };
export {
  index_default as default
};
