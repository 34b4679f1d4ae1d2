// What the page computes for a ρ of its own, with no kernel round trip: the traces that say
// "follow" (figures/views.py documents the roles) redrawn for the ρ slider's value.

// The penalty curves (copies of core.penalties' curves, tested against them to 1e-6). ρ̂ is
// kept inside [eps, 1 − eps] as core.penalties._guard does.
const EPS = 2.220446049250313e-16;
const clip = (r) => Math.min(Math.max(r, EPS), 1 - EPS);
export const CURVES = {
  kl: (rho, r) => {
    const q = clip(r);
    return rho * Math.log(rho / q) + (1 - rho) * Math.log((1 - rho) / (1 - q));
  },
  l1: (rho, r) => r,
};

// How a trace that says "follow" depends on ρ. A trace with a rho_hat array drew its points
// elsewhere than at their ρ̂ (at a log axis' edge): its penalty is that of the true ρ̂.
export const FOLLOW = {
  curve: (t, rho, f) => ({ y: Float64Array.from(t.rho_hat ?? t.x, (x) => f(rho, x)) }),
  target: (t, rho, f) => ({ x: [rho], y: [f(rho, rho)] }),
  level: (t, rho) => ({ y: Array.from(t.y, () => rho) }),
  log_level: (t, rho) => ({ x: Array.from(t.x, () => Math.log10(rho)) }),
};

// The arrays of trace `t` (already drawn for the kernel's ρ) as they are for `rho`.
export function followed(t, follow, curve, rho) {
  return FOLLOW[follow](t, rho, CURVES[curve]);
}
