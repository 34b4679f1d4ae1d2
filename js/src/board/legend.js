// A chart's legend: one entry per named trace, its swatch drawn as the trace is (a bar, a line
// with its dash and a dot when it has markers too, or its marker's symbol).
import { SYMBOLS, svg } from "./marks.js";
import { inked } from "./theme.js";

function swatch(style, ink, dashes) {
  const color = inked(style.marker?.color ?? style.line?.color, ink) ?? ink;
  if (style.type === "bar") return svg(`<rect x="6" y="2" width="14" height="10" fill="${color}"/>`);
  if ((style.mode ?? "").includes("lines")) {
    const dash = dashes[style.line?.dash ?? "solid"].join(",");
    const onLine = SYMBOLS[style.marker?.symbol ?? "circle"].onLine
      ?? ((c) => `<circle cx="13" cy="7" r="2.5" fill="${c}"/>`);
    const dot = style.mode.includes("markers") ? onLine(color) : "";
    return svg(`<line x1="1" y1="7" x2="25" y2="7" stroke="${color}" stroke-width="2.5"
                 stroke-dasharray="${dash}"/>${dot}`);
  }
  return SYMBOLS[style.marker?.symbol ?? "circle"].legend(color, ink);
}

// Rewritten only when the traces' styles or the theme changed.
export function drawLegend(panel, ink, dashes) {
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
