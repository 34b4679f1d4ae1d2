// An axis range around `values` that changes only now and then as they move, so the axes are
// not redrawn in every frame: whole decades on a log axis (in log10 units, as plotly wants),
// else from 0 (or a nice negative) up to the next of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ.
const NICE = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

function niceCeiling(v) {
  const decade = 10 ** Math.floor(Math.log10(v));
  return NICE.map((m) => m * decade).find((m) => m >= v * (1 - 1e-12));
}

export function niceRange(values, log) {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (!finite.length) return null;
  const lo = Math.min(...finite), hi = Math.max(...finite);
  if (log) {
    const a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
    return [a, b > a ? b : a + 1];
  }
  return [lo < 0 ? -niceCeiling(-lo) : 0, hi > 0 ? niceCeiling(hi) : 1];
}

// The axis range kept from the last frame while the new one fits inside it and spans at least
// 40 % of it: data wobbling across a step of the nice scale does not redraw the axes. A linear
// range outgrown at its top only (a step axis as training goes on) grows to twice the new top:
// such an axis is redrawn about three times a decade, not nine (a redraw costs plotly 26-64 ms
// here, an animation frame or more).
export function steadyRange(panel, key, range, log) {
  const kept = (panel.ranges ??= {})[key];
  const inside = kept && range && range[0] >= kept[0] && range[1] <= kept[1];
  if (inside && range[1] - range[0] >= 0.4 * (kept[1] - kept[0])) return kept;
  const grows = kept && range && !log && range[0] === kept[0] && range[1] > kept[1];
  panel.ranges[key] = grows ? [range[0], niceCeiling(2 * range[1])] : range;
  return panel.ranges[key];
}
