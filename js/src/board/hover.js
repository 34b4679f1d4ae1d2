// Hover: the point under the mouse on a chart's overlay, and its hover text.
import { formatNumber } from "./format.js";

// A hover template (figures/contract.py HOVER_*) filled in for point i of trace t: "%{k}" as
// is (a whole number), "%{k:.Ng}" and "%{k:.Nf}" as Python formats them; a trailing
// "<extra>hint</extra>" becomes " · hint".
export function hoverText(t, i) {
  const value = { x: t.x[i], y: t.y[i], pointNumber: i, rho_hat: t.rho_hat?.[i] };
  return (t.hovertemplate ?? t.name ?? "")
    .replace(/%\{(\w+)(?::\.(\d{1,2})([a-z]))?\}/g, (_, key, digits, kind) =>
      kind ? formatNumber(value[key], Number(digits), kind) : String(value[key]))
    .replace(/<extra>(.*?)<\/extra>$/, (_, hint) => (hint ? ` · ${hint}` : ""));
}

// The drawn point nearest to (x, y) px, if one is near enough: a bar is hit anywhere over its
// column, a point within a few pixels.
export function nearestPoint(points, x, y) {
  let best = null, distance = 12; // px: what counts as "on" a point
  for (const p of points) {
    const d = p.t.type === "bar" ? Math.abs(p.x - x) * 3 : Math.hypot(p.x - x, p.y - y);
    if (d < distance) [best, distance] = [p, d];
  }
  return best;
}
