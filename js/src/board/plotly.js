// plotly.js: loaded once per page, and the one place that reads its insides.
//
// Not imported by this module: anywidget gives the board's module ~2 s to load and initialise
// or the widget is silently dead, and plotly.js (plotly's partial bundle, board.PLOTLY_JS) is
// 1.2 MB. A page served with our Voila template fetched and ran the same file while Voila
// started, before any widget existed (the template's script promises it as
// `window.__saePlotlyServed`): the board takes that one when its version is the kernel's.
// Elsewhere (JupyterLab, or a template whose copy failed) the kernel names the bundle it would
// send (the board's `plotly` trait: package, version and content hash). A page that stored that
// very bundle before (in the browser's IndexedDB, per server, its name in localStorage)
// evaluates its own copy; else it asks the kernel, which sends it as one binary message, and
// stores it for the next load.

// The browser's store: one bundle, under the name the kernel gives it.
const DB = "sae-explorer";
const STORE = "plotly";
// The name of the bundle stored, where the page reads it at once (localStorage): a page with
// nothing stored asks the kernel straight away, not after the store's answer, which came
// 0.05-0.7 s later on a loaded machine (the page busy building its widgets meanwhile).
const MARK = "sae-explorer-plotly";

function marked() {
  try {
    return localStorage.getItem(MARK);
  } catch {
    return null; // storage disabled: nothing is stored either
  }
}

// The store, or null where the browser keeps none (storage disabled, or refused in a private
// window): the page then asks the kernel on every load.
function openStore() {
  return new Promise((resolve) => {
    try {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = request.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

function stored(db, id) {
  return new Promise((resolve) => {
    try {
      const get = db.transaction(STORE).objectStore(STORE).get(id);
      get.onsuccess = () => resolve(get.result ?? null);
      get.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

function store(db, id, bytes) {
  try {
    const tx = db.transaction(STORE, "readwrite");
    const bundles = tx.objectStore(STORE);
    bundles.clear(); // one bundle kept: another version's is of no more use
    bundles.put(bytes, id);
    tx.oncomplete = () => {
      try {
        localStorage.setItem(MARK, id);
      } catch {
        // Unmarked: the next load asks the kernel.
      }
    };
  } catch {
    // A full or refusing store: the next load asks the kernel again.
  }
}

function ask(model) {
  return new Promise((resolve) => {
    const onMessage = (msg, buffers) => {
      if (msg.type !== "sae-plotly") return;
      performance.mark("sae-plotly-arrived");
      model.off("msg:custom", onMessage);
      const view = buffers[0];
      resolve(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    };
    model.on("msg:custom", onMessage);
    model.send({ type: "plotly" });
    performance.mark("sae-plotly-asked");
  });
}

// Runs the bundle and returns its Plotly, leaving the page's `window.Plotly` as it was: a
// partial bundle must not pass for the page's Plotly (a notebook's own figures may need traces
// it lacks; the template's script does the same). plotly.js is UMD: the wrapper hides any
// CommonJS `module` of the host page.
function evaluate(bytes) {
  return new Promise((resolve, reject) => {
    const had = Object.hasOwn(window, "Plotly");
    const before = window.Plotly;
    const code = new Blob(["(function (module) {\n", bytes, "\n})();"], { type: "text/javascript" });
    const script = document.createElement("script");
    script.src = URL.createObjectURL(code);
    script.onload = () => {
      const Plotly = window.Plotly;
      if (had) window.Plotly = before;
      else delete window.Plotly;
      URL.revokeObjectURL(script.src);
      if (!Plotly) {
        reject(new Error("plotly.js ran but defined no Plotly"));
        return;
      }
      performance.mark("sae-plotly-ready");
      resolve(Plotly);
    };
    script.onerror = () => reject(new Error("plotly.js did not load"));
    document.head.appendChild(script);
  });
}

// The version in a bundle's name ("plotly.js-basic-dist-min@4.1.1+<hash>").
const versionOf = (id) => id.split("@")[1]?.split("+")[0];

async function load(model) {
  const id = model.get("plotly");
  // The template's copy (null where it did not load), taken if it is the kernel's version: an
  // older template installed beside a newer package would serve plotly.js of another release.
  const served = await window.__saePlotlyServed;
  if (served && served.version === versionOf(id)) {
    performance.mark("sae-plotly-served");
    return served;
  }
  if (marked() === id) {
    const db = await openStore();
    const kept = db && (await stored(db, id));
    if (kept) {
      performance.mark("sae-plotly-stored");
      try {
        return await evaluate(kept);
      } catch {
        // A stored copy that does not run (damaged): the kernel's own replaces it.
      }
    }
  }
  const asked = ask(model); // before any wait: the kernel works on it meanwhile
  const db = await openStore();
  const bytes = await asked;
  if (db) store(db, id, bytes);
  return evaluate(bytes);
}

// One plotly.js per page, whichever board asks first. A Plotly the page has of its own (the
// full bundle, loaded by something else) serves as well.
export function loadPlotly(model) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  window.__saePlotly ??= load(model);
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
