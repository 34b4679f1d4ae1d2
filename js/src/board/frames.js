// The frame protocol (figures/frames.py writes the kernel's side): each frame is merged into
// the views' newest state, the views it changed are drawn on an animation frame of their own,
// and then the kernel hears "drawn" with the frame's number and may send the next one.

// Frames that may wait for a later animation frame, behind the one being drawn. Two frames
// often arrive within one animation frame (the kernel keeps up to three on their way, and the
// page's main thread holds messages while it paints): merged at once, the older was never seen
// (~15 % of the states the kernel sent during play, measured). Drawn one per animation frame,
// each is; a page falling further behind merges the older ones, so what it shows is never
// more than this many animation frames older than what it has.
const MAX_WAITING = 1;

// Merges frame `msg` into the panels' states; returns the names of the views it changed.
// `arrayKeys`: the trace properties a frame carries as binary float32 arrays (the contract's).
function merge(panels, msg, buffers, arrayKeys) {
  const array = (ref) => {
    const view = buffers[ref.buffer];
    // Copied: a DataView's offset into the message need not be float-aligned.
    const data = new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    return { data, shape: ref.shape };
  };
  const changed = [];
  for (const [name, part] of Object.entries(msg.views)) {
    const panel = panels.get(name);
    if (!panel) continue;
    // figures/frames.py: a view with nothing to show (View.shown) is hidden, with no traces.
    if ("hidden" in part) panel.section.style.display = part.hidden ? "none" : "";
    if (part.reset) panel.traces = [];
    if ("caption" in part) panel.captionText = part.caption;
    if ("layout" in part) panel.layout = part.layout;
    (part.traces ?? []).forEach((entry, i) => {
      const trace = (panel.traces[i] ??= { style: {}, arrays: {} });
      if (entry.style) trace.style = entry.style;
      for (const key of arrayKeys) if (entry[key]) trace.arrays[key] = array(entry[key]);
    });
    changed.push(name);
  }
  return changed;
}

// Draws a board's views when they change, at most once per animation frame, and answers the
// kernel. The board paints (`paint(panel, start)`: false when the view must wait for a later
// animation frame) and says whether a view can be painted at all yet (`canPaint`).
export class FrameLoop {
  constructor(board) {
    this.board = board;
    this.dirty = new Set();
    this.queue = []; // [msg, buffers] of frames received and not yet merged
    this.pendingAck = null;
    this.raf = 0;
    this.synced = false;
  }

  receive(msg, buffers) {
    // Frames sent before this view asked for everything ("hello") build on a state it never
    // had (e.g. a cell that steps the dashboard right after displaying it): wait for the whole.
    if (!this.synced && !msg.full) return;
    this.synced = true;
    this.queue.push([msg, buffers]);
    this.board.el.dataset.idle = "false";
    this.schedule();
  }

  // Views changed by a frame and not yet drawn, which can be drawn (charts wait for plotly.js).
  drawing() {
    const { board } = this;
    return [...this.dirty].some((n) => board.canPaint(board.panels.get(n)));
  }

  // Merges the oldest waiting frame, and older ones than MAX_WAITING behind the newest.
  takeNext() {
    const { panels, contract } = this.board;
    while (this.queue.length) {
      const [msg, buffers] = this.queue.shift();
      for (const name of merge(panels, msg, buffers, contract.array_keys)) this.dirty.add(name);
      this.pendingAck = msg.seq;
      if (this.queue.length <= MAX_WAITING) break;
    }
  }

  mark(names) {
    for (const name of names) this.dirty.add(name);
    this.schedule();
  }

  schedule() {
    if (!this.raf) this.raf = requestAnimationFrame(() => this.tick());
  }

  tick() {
    this.raf = 0;
    const { board } = this;
    const start = performance.now();
    if (!this.drawing()) this.takeNext(); // the last frame is drawn whole: the next one
    const drawn = [];
    for (const [name, panel] of board.panels) {
      if (!this.dirty.has(name)) continue;
      // Nothing to draw (before the first frame, or hidden): not waited for either.
      if (panel.traces.length === 0) {
        this.dirty.delete(name);
        continue;
      }
      let painted;
      try {
        painted = board.paint(panel, start);
      } catch (error) {
        board.fail(panel, error); // said in the panel; the other views go on
        this.dirty.delete(name);
        continue;
      }
      if (!painted) continue;
      this.dirty.delete(name);
      drawn.push(name);
    }
    // Left for the next animation frame: views whose drawing did not fit in this one's budget
    // (views that cannot be painted yet, charts before plotly.js, are drawn when they can).
    const waiting = this.drawing();
    // For tests and benchmarks: what was drawn, and whether the newest frame is now complete.
    board.el.dataset.idle = String(!waiting && !this.queue.length);
    if (drawn.length && !performance.getEntriesByName("sae-first-draw").length)
      performance.mark("sae-first-draw");
    if (drawn.length) {
      const detail = { views: drawn, t: performance.now(), seq: this.pendingAck, complete: !waiting };
      board.el.dispatchEvent(new CustomEvent("sae-drawn", { bubbles: true, detail }));
    }
    if (!waiting && this.pendingAck !== null) {
      board.model.send({ type: "drawn", seq: this.pendingAck });
      this.pendingAck = null;
    }
    if (waiting || this.queue.length) this.schedule();
  }

  stop() {
    cancelAnimationFrame(this.raf);
  }
}
