// Hover: the point under the mouse on a chart's overlay, and its hover text.

// A plotly hovertemplate filled in for one point of an overlay trace ("%{x:.3g}" and the like;
// "<extra>…</extra>" becomes a trailing hint).
export function hoverText(t, i) {
  const value = { x: t.x[i], y: t.y[i], pointNumber: i, rho_hat: t.rho_hat?.[i] };
  return (t.hovertemplate ?? t.name ?? "")
    .replace(/%\{(\w+)(?::\.(\d)g)?\}/g, (_, key, digits) =>
      digits ? Number(value[key]).toPrecision(Number(digits)).replace(/\.?0+(e|$)/, "$1")
             : String(value[key]))
    .replace(/<extra>(.*?)<\/extra>/, (_, hint) => (hint ? ` · ${hint}` : ""));
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
