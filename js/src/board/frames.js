// The frame protocol (figures/frames.py writes the kernel's side): each frame is merged into
// the views' newest state, the views it changed are drawn on the next animation frame, and
// then the kernel hears "drawn" with the frame's number and may send the next one.

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
    this.pendingAck = null;
    this.raf = 0;
    this.synced = false;
  }

  receive(msg, buffers) {
    // Frames sent before this view asked for everything ("hello") build on a state it never
    // had (e.g. a cell that steps the dashboard right after displaying it): wait for the whole.
    if (!this.synced && !msg.full) return;
    this.synced = true;
    const { panels, contract } = this.board;
    for (const name of merge(panels, msg, buffers, contract.array_keys)) this.dirty.add(name);
    this.pendingAck = msg.seq;
    this.board.el.dataset.idle = "false";
    this.schedule();
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
    const waiting = [...this.dirty].some((n) => board.canPaint(board.panels.get(n)));
    // For tests and benchmarks: what was drawn, and whether the newest frame is now complete.
    board.el.dataset.idle = String(!waiting);
    if (drawn.length && !performance.getEntriesByName("sae-first-draw").length)
      performance.mark("sae-first-draw");
    if (drawn.length) {
      const detail = { views: drawn, t: performance.now(), seq: this.pendingAck, complete: !waiting };
      board.el.dispatchEvent(new CustomEvent("sae-drawn", { bubbles: true, detail }));
    }
    if (waiting) this.schedule();
    else if (this.pendingAck !== null) {
      board.model.send({ type: "drawn", seq: this.pendingAck });
      this.pendingAck = null;
    }
  }

  stop() {
    cancelAnimationFrame(this.raf);
  }
}
