// plotly.js: loaded once per page from the kernel, and the one place that reads its insides.
//
// Not imported by this module: anywidget gives the board's module ~2 s to load and initialise
// or the widget is silently dead, and plotly.js (the partial bundle in explorer/app/static/plotly)
// is 1.2 MB. It is asked of the kernel after the first render, once per page, and arrives as one
// binary message.

export function loadPlotly(model) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__saePlotly) {
    window.__saePlotly = new Promise((resolve, reject) => {
      const onMessage = (msg, buffers) => {
        if (msg.type !== "sae-plotly") return;
        performance.mark("sae-plotly-arrived");
        model.off("msg:custom", onMessage);
        // plotly.min.js is UMD: hide any CommonJS `module` of the host page so that it
        // defines window.Plotly.
        const code = new Blob(["(function (module) {\n", buffers[0], "\n})();"], {
          type: "text/javascript",
        });
        const script = document.createElement("script");
        script.src = URL.createObjectURL(code);
        script.onload = () => {
          performance.mark("sae-plotly-ready");
          URL.revokeObjectURL(script.src);
          resolve(window.Plotly);
        };
        script.onerror = () => reject(new Error("plotly.js did not load"));
        document.head.appendChild(script);
      };
      model.on("msg:custom", onMessage);
      model.send({ type: "plotly" });
      performance.mark("sae-plotly-asked");
    });
  }
  return window.__saePlotly;
}

// The plotly.js major version whose private state plotArea reads (checked on 4.1.1, the bundle
// board.py ships: tests/app/test_plotly_bundle.py keeps it at the plotly package's version).
export const PLOTLY_MAJOR = 4;

// Where a drawn graph's plot area is (px from the graph's corner), its size, and its axes'
// data → pixel maps. plotly.js has no public API for these: this is the one place that reads
// its private state (_fullLayout, the axes' _offset, _length and c2p), so it checks the
// version it was written for and that each field is there, and throws otherwise: traces
// painted on guessed axes would lie without a word.
export function plotArea(Plotly, gd) {
  const major = Number(String(Plotly.version).split(".")[0]);
  if (major !== PLOTLY_MAJOR)
    throw new Error(`the charts are drawn over plotly.js ${PLOTLY_MAJOR}.x, ` +
                    `and this page loaded plotly.js ${Plotly.version}`);
  const axes = [gd._fullLayout?.xaxis, gd._fullLayout?.yaxis];
  for (const axis of axes)
    if (!Number.isFinite(axis?._offset) || !Number.isFinite(axis?._length) || typeof axis?.c2p !== "function")
      throw new Error(`plotly.js ${Plotly.version} has no _offset, _length or c2p on its axes`);
  const [xa, ya] = axes;
  return {
    left: xa._offset, top: ya._offset, width: xa._length, height: ya._length,
    x: (v) => xa.c2p(v), y: (v) => ya.c2p(v), ylog: ya.type === "log",
  };
}
