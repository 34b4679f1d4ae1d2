// The marker symbols the page draws (figures/contract.py SYMBOLS), each traced on a canvas
// (the charts) and shown as a small SVG (the legends): a new symbol is a new row.

// A legend swatch: 26 × 14 px, the mark centred at (13, 7).
export const svg = (body) => `<svg width="26" height="14" aria-hidden="true">${body}</svg>`;

// A polygon's corners round (x, y) at radius r, the first at `angle` (canvas angles: y grows
// downwards), the odd ones at `inner` × r (a star) when given.
function corners(x, y, r, angle, count, inner = 1) {
  return Array.from({ length: count }, (_, k) => {
    const a = angle + (2 * Math.PI * k) / count, rk = k % 2 ? r * inner : r;
    return [x + rk * Math.cos(a), y + rk * Math.sin(a)];
  });
}

const polygon = (points) => (ctx) => {
  for (const [px, py] of points) ctx.lineTo(px, py);
  ctx.closePath();
};

// A triangle whose tip points at `tip` (radians).
const triangle = (tip) => ({
  trace: (ctx, x, y, r) => polygon(corners(x, y, r, tip, 3))(ctx),
  legend: (color, ink) => {
    const points = corners(13, 7, 6, tip, 3).map((p) => p.join(",")).join(" ");
    return svg(`<polygon fill="${color}" stroke="${ink}" stroke-width="1" points="${points}"/>`);
  },
});

// trace(ctx, x, y, r, angle): the symbol's outline as the current path; open: drawn as a ring
// in the marker's colour, else filled (and outlined in ink when the marker has a line width);
// oriented: turned to `angle` (radians), which the chart takes from the line into the point;
// onLine: the mark a line's legend swatch shows for it (a dot when none is given).
export const SYMBOLS = {
  circle: {
    trace: (ctx, x, y, r) => ctx.arc(x, y, r, 0, 2 * Math.PI),
    legend: (color, ink) =>
      svg(`<circle cx="13" cy="7" r="4" fill="${color}" stroke="${ink}" stroke-width="1"/>`),
  },
  "circle-open": {
    open: true,
    trace: (ctx, x, y, r) => ctx.arc(x, y, r, 0, 2 * Math.PI),
    legend: (color) =>
      svg(`<circle cx="13" cy="7" r="5" fill="none" stroke="${color}" stroke-width="2"/>`),
  },
  star: {
    trace: (ctx, x, y, r) => polygon(corners(x, y, r, -Math.PI / 2, 10, 0.45))(ctx),
    legend: (color) =>
      svg(`<polygon fill="${color}" points="13,1 14.8,5.2 19.5,5.5 15.9,8.5 17,13 13,10.6 9,13 10.1,8.5 6.5,5.5 11.2,5.2"/>`),
  },
  "triangle-up": triangle(-Math.PI / 2),
  "triangle-down": triangle(Math.PI / 2),
  "triangle-left": triangle(Math.PI),
  "triangle-right": triangle(0),
  // An arrowhead with its tip at the point (plotly's "arrow" with angleref "previous").
  arrow: {
    oriented: true,
    trace: (ctx, x, y, r, angle) =>
      polygon([[x, y], ...[2.6, -2.6].map((a) => [x + 2 * r * Math.cos(angle + a),
                                                  y + 2 * r * Math.sin(angle + a)])])(ctx),
    legend: (color) => svg(`<polygon fill="${color}" points="24,7 16,3 16,11"/>`),
    onLine: (color) => `<polygon fill="${color}" points="25,7 18,3 18,11"/>`,
  },
};

// One marker at (x, y) px, turned to `angle` if its symbol is oriented; `ink` outlines filled
// markers that have a line width.
export function paintMarker(ctx, marker, x, y, ink, angle = 0) {
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
