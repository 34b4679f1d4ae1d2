// The theme: JupyterLab's colours and font as the page shows them now, and the "ink" a trace
// names (figures/views.py INK) turned into the theme's text colour.

export function readTheme(el) {
  const css = getComputedStyle(el);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    ink: v("--jp-ui-font-color1", "rgba(0, 0, 0, 0.87)"),
    muted: v("--jp-ui-font-color2", "rgba(0, 0, 0, 0.54)"),
    grid: v("--jp-border-color2", "#e0e0e0"),
    font: v("--jp-ui-font-family", "system-ui, sans-serif"),
  };
}

export function inked(value, ink) {
  if (value === "ink") return ink;
  if (Array.isArray(value) || value === null || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = inked(v, ink);
  return out;
}
