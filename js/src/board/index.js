// The live views of the sparse autoencoder explorer, drawn in the page (see board.py and
// docs/drawing.md): one panel per view, painted by the painter of its kind, as frames arrive.
//
// Kept small on purpose: anywidget gives this module ~2 s to load and initialise or the widget
// is silently dead, so plotly.js (1.2 MB) is not imported here but loaded after the first
// render, once per page (plotly.js). Images are drawn as soon as the first frame is here;
// until a view is drawn, its panel says what it waits for.
import { missing } from "./contract.js";
import { FrameLoop } from "./frames.js";
import { PAINTERS } from "./painters.js";
import { loadPlotly } from "./plotly.js";
import { survive } from "./keeper.js";
import { readTheme } from "./theme.js";

// What a view waits for before the kernel's first frame (the kernel sends it when the page says
// hello; a busy kernel answers after its current work).
const WAITING_FOR_FRAME = "Waiting for the kernel's first frame…";

class BoardView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.contract = model.get("contract");
    const cannot = missing(this.contract);
    if (cannot.length) {
      // Said in the page, not only in the console: a view drawn without what it asks for lies.
      el.textContent = `This page cannot draw what the kernel asks for (${cannot.join(", ")}): ` +
                       "its board.js is older than the Python package.";
      throw new Error(el.textContent);
    }
    this.Plotly = window.Plotly ?? null;
    this.theme = null; // read at the first draw: a page not yet attached has no theme variables
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
    // A view shown only at times (the recovery views: data with known true features) stays
    // hidden until a frame shows it (frames.js).
    if (spec.optional) section.style.display = "none";
    const heading = document.createElement("h3");
    heading.textContent = spec.title;
    const caption = document.createElement("p");
    caption.className = "sae-caption";
    const legend = document.createElement("ul");
    legend.className = "sae-legend";
    // Until the view is first drawn, what it waits for, in words (board.css hides it after).
    const waiting = document.createElement("p");
    waiting.className = "sae-waiting";
    waiting.setAttribute("role", "status");
    waiting.textContent = WAITING_FOR_FRAME;
    const painter = PAINTERS[spec.kind];
    const panel = { spec, painter, section, caption, legend, waiting, traces: [], layout: {}, legendKey: "" };
    // A click on a unit: (trace, point) on a chart, (row, col) of the pixel on an image.
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
    for (const panel of this.panels.values()) panel.layoutKey = null; // redraw the axes too
    this.frames.mark(this.panels.keys()); // (new size, new theme, plotly.js arrived)
  }

  canPaint(panel) {
    return panel.painter.ready(this);
  }

  // Paints one panel (FrameLoop calls it); false when it waits for a later animation frame.
  paint(panel, start) {
    this.theme ??= readTheme(this.el);
    if (!this.canPaint(panel)) {
      panel.waiting.textContent = panel.painter.waiting; // its first frame is here: say what else
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
}

function render({ model, el }) {
  performance.mark("sae-render"); // for benchmarks: when the page first ran this module
  const board = new BoardView(model, el);
  const kept = survive(model, el); // the page says when its kernel is lost, and keeps the run
  return () => {
    kept();
    board.destroy();
  };
}

export default { render };
