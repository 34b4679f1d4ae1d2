// A run that survives its kernel, the page's side (the kernel's: app/keeper.py).
//
// The kernel sends copies of the run ("sae-keep": the project's checkpoint format, as bytes)
// while it changes; the page keeps the newest for this tab and address (store.js). When the
// kernel or the server is lost (connection.js), a banner says which and offers one button:
// reload to a live dashboard, which then sends the kept copy to its fresh kernel ("restore").
// A plain reload does the same: of a tab whose kernel had died, it offers the run; of a live
// tab, it brings the run back at once (Voila shuts a page's kernel down when the page goes, so
// a reload always meets a fresh kernel: without this, a reload would throw the run away).

import { hideBanner, freeze, showBanner, dashboardOf } from "./banner.js";
import { Connection, LOST } from "./connection.js";
import { load, mark, prune, runKey, save } from "./store.js";

// Set before the banner's button reloads: the next page of this tab restores without asking.
const RESTORE = "sae-restore";

function reloadKind() {
  return performance.getEntriesByType("navigation")[0]?.type ?? "navigate";
}

class Keeper {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.keeps = model.get("keeps"); // does this board's dashboard send copies of its run?
    this.kept = null; // {step} of the newest copy stored
    this.held = null; // a copy that arrived while a stored one waits for the student's choice
    this.waiting = this.keeps; // until the stored run is restored, offered or found absent
    this.key = runKey();
    this.onMessage = (msg, buffers) => this.message(msg, buffers);
    model.on("msg:custom", this.onMessage);
    this.connection = new Connection(model, (state, why) => this.connectionChanged(state, why));
    if (this.keeps) this.start();
  }

  // The dashboard the board is in: asked when needed, since a board renders before its
  // dashboard's boxes put it in the page.
  get root() {
    return dashboardOf(this.el);
  }

  async start() {
    const key = await this.key;
    const record = await load(key).catch(() => undefined);
    prune(key).catch(() => {});
    const asked = sessionStorage.getItem(RESTORE) === key;
    sessionStorage.removeItem(RESTORE);
    if (!record || record.step === 0) return this.decided();
    this.kept = { step: record.step };
    if (asked || (!record.lost && reloadKind() === "reload")) this.restore(record);
    else this.offer(record);
  }

  // ------------------------------------------------------------------ the kernel's copies
  async message(msg, buffers) {
    if (msg.type === "sae-keep") {
      const [view] = buffers; // a view into the message: the copy kept is its own buffer
      const blob = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
      const copy = { blob, step: msg.step, bytes: msg.bytes, lost: false };
      if (this.waiting) this.held = copy;
      else this.store(copy);
    } else if (msg.type === "sae-restored") {
      this.restoring = false;
      hideBanner(this.root);
      // A copy held meanwhile is of the fresh dashboard the restore replaced: stored, it
      // overwrote the restored run's copy (step 0 in its place until the next copy came).
      this.held = null;
      this.decided();
    } else if (msg.type === "sae-refused") {
      this.restoring = false;
      showBanner(this.root, {
        tone: "info",
        title: `The run kept in this tab (step ${this.kept.step}) could not be restored.`,
        text: `${msg.message[0].toUpperCase()}${msg.message.slice(1)} This dashboard goes on with its own fresh run.`,
        actions: [{ label: "Start afresh", primary: true, onClick: () => this.afresh() }],
      });
    }
  }

  async store(copy) {
    this.kept = { step: copy.step };
    try {
      await save(await this.key, copy);
      this.root.dataset.kept = String(copy.step); // for tests and benchmarks: what is kept
    } catch (error) {
      console.warn("[sae] run not kept:", error);
    }
  }

  // The stored run was restored, refused and given up, or there was none: copies are kept.
  decided() {
    this.waiting = false;
    if (this.held) this.store(this.held);
    this.held = null;
  }

  afresh() {
    hideBanner(this.root);
    this.decided();
  }

  // ------------------------------------------------------------------ bringing it back
  restore(record) {
    this.restoring = true;
    showBanner(this.root, { tone: "working", title: `Restoring your run at step ${record.step}…` });
    this.model.send({ type: "restore", step: record.step }, undefined, [record.blob]);
  }

  offer(record) {
    showBanner(this.root, {
      tone: "info",
      title: `Your run at step ${record.step} can be restored.`,
      text: "Its kernel stopped before this page was reloaded; this is a fresh dashboard at step 0.",
      actions: [
        { label: `Restore step ${record.step}`, primary: true, onClick: () => this.restore(record) },
        { label: "Start afresh", onClick: () => this.afresh() },
      ],
    });
  }

  async reload() {
    sessionStorage.setItem(RESTORE, await this.key);
    location.reload();
  }

  // ------------------------------------------------------------------ when the kernel goes
  connectionChanged(state, reason) {
    const lost = LOST.has(state);
    freeze(this.root, lost);
    // A reload of this tab will offer the run rather than bring it back unasked.
    if (lost && this.kept && !this.waiting) this.key.then((key) => mark(key, { lost: true })).catch(() => {});
    if (state === "live") return this.restoring || this.waiting ? null : hideBanner(this.root);
    showBanner(this.root, this.words(state, reason));
  }

  words(state, reason) {
    if (state === "offline") return { tone: "working", title: "This computer is offline: reconnecting…" };
    if (state === "reconnecting") return { tone: "working", title: "Reconnecting to the server…" };
    const step = this.kept?.step;
    const kept = step ? ` Your run up to step ${step} is kept in this browser tab.` : "";
    // In Voila a reload brings a fresh kernel with the dashboard; in JupyterLab it would not.
    const voila = document.body.dataset.voila === "voila";
    const label = step ? `Reload and continue from step ${step}` : "Reload a fresh dashboard";
    const reload = voila ? [{ label, primary: true, onClick: () => this.reload() }] : [];
    if (state === "server-lost")
      return {
        tone: "lost",
        title: "The server is not answering.",
        text: `It may have been stopped or restarted, or the network is down: training has stopped.${kept} This page keeps trying to reach it.`,
        actions: reload.map((action) => ({ ...action, label: "Waiting for the server…", disabled: true })),
      };
    const title = reason === "server-restarted"
      ? "The server was restarted: this page's Python kernel is gone."
      : "This page's Python kernel has stopped.";
    const again = voila ? "" : " Restart the kernel and run the notebook again: the new dashboard offers the run back.";
    return { tone: "lost", title, text: `Training has stopped and the controls no longer work.${kept}${again}`, actions: reload };
  }

  destroy() {
    this.model.off("msg:custom", this.onMessage);
    this.connection.destroy();
  }
}

export function survive(model, el) {
  const keeper = new Keeper(model, el);
  return () => keeper.destroy();
}
