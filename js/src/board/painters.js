// The painters, keyed by a view's kind (figures/views.py View.kind). A painter
// - mount(panel, board): builds the view's drawing surface, sets panel.plot, returns the
//   element to place under the caption; a click on a unit calls panel.pick(a, b);
// - ready(board): whether it can draw yet (a chart waits for plotly.js), and `waiting`: what
//   the panel says while it has a frame but cannot draw it yet;
// - draw(panel, board, start): paints the panel's traces; false when it must wait for a later
//   animation frame (start: when this one's drawing began);
// - destroy(panel, board): lets go of what it holds.
// A new kind of view is a new row here and its painter in a module of its own.
import { chartPainter } from "./chart.js";
import { imagePainter } from "./image.js";

export const PAINTERS = {
  chart: chartPainter,
  image: imagePainter,
};
