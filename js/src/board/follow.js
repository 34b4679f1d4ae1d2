// What the page computes for a ρ of its own, with no kernel round trip: the traces that say
// "follow" (figures/contract.py FOLLOW documents the roles) redrawn for the ρ slider's value.

// The penalty curves and their slopes ∂Ω/∂ρ̂ (copies of core.penalties', tested against them
// to 1e-6: tests/figures/test_contract.py). ρ̂ is kept inside [eps, 1 − eps] as
// core.penalties._guard does.
const EPS = 2.220446049250313e-16;
const clip = (r) => Math.min(Math.max(r, EPS), 1 - EPS);
export const CURVES = {
  kl: {
    curve: (rho, r) => {
      const q = clip(r);
      return rho * Math.log(rho / q) + (1 - rho) * Math.log((1 - rho) / (1 - q));
    },
    slope: (rho, r) => {
      const q = clip(r);
      return -rho / q + (1 - rho) / (1 - q);
    },
  },
  l1: { curve: (rho, r) => r, slope: () => 1 },
};

// The push segments (figures/views.py tangent_segments): per unit, its dot (ρ̂, Ω(ρ̂)), the tip
// downhill along the tangent, and a gap; none where the kernel drew none (a unit off the axis).
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

// How a trace that says "follow" depends on ρ: (trace, ρ, its penalty curve, the contract) →
// the arrays it has for that ρ. A trace with a rho_hat array drew its points elsewhere than at
// their ρ̂ (at a log axis' edge): its penalty is that of the true ρ̂.
export const FOLLOW = {
  curve: (t, rho, p) => ({ y: Float64Array.from(t.rho_hat ?? t.x, (x) => p.curve(rho, x)) }),
  target: (t, rho, p) => ({ x: [rho], y: [p.curve(rho, rho)] }),
  level: (t, rho) => ({ y: Array.from(t.y, () => rho) }),
  log_level: (t, rho) => ({ x: Array.from(t.x, () => Math.log10(rho)) }),
  tangent: (t, rho, p, contract) => tangent(t, rho, p, contract.tangent),
};

// The arrays of trace `t` (already drawn for the kernel's ρ) as they are for `rho`.
export function followed(t, follow, curve, rho, contract) {
  return FOLLOW[follow](t, rho, CURVES[curve], contract);
}
