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
const IN_VOILA = () => document.body.dataset.voila === "voila";

function reloadKind() {
  return performance.getEntriesByType("navigation")[0]?.type ?? "navigate";
}

class Keeper {
  constructor(model, el) {
    this.model = model;
    this.root = dashboardOf(el);
    this.keeps = model.get("keeps"); // does this board's dashboard send copies of its run?
    this.kept = null; // {step} of the newest copy stored
    this.held = null; // a copy that arrived while a stored one waits for the student's choice
    this.waiting = this.keeps; // until the stored run is restored, offered or found absent
    this.key = runKey();
    this.onMessage = (msg, buffers) => this.message(msg, buffers);
    model.on("msg:custom", this.onMessage);
    this.connection = new Connection(model, (state, reason) => this.connectionChanged(state, reason));
    if (this.keeps) this.start();
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
      const copy = { blob: buffers[0].buffer.slice(buffers[0].byteOffset, buffers[0].byteOffset + buffers[0].byteLength),
                     step: msg.step, bytes: msg.bytes, lost: false };
      if (this.waiting) this.held = copy;
      else this.store(copy);
    } else if (msg.type === "sae-restored") {
      this.restoring = false;
      hideBanner(this.root);
      this.decided();
    } else if (msg.type === "sae-refused") {
      this.restoring = false;
      showBanner(this.root, {
        tone: "info",
        title: `The run kept in this tab (step ${this.kept.step}) could not be restored.`,
        text: `${msg.message} This dashboard goes on with its own fresh run.`,
        actions: [{ label: "Start afresh", primary: true, onClick: () => this.afresh() }],
      });
    }
  }

  async store(copy) {
    this.kept = { step: copy.step };
    await save(await this.key, copy).catch((error) => console.warn("[sae] run not kept:", error));
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
    if (lost && this.kept && !this.waiting) this.key.then((key) => mark(key, { lost: true })).catch(() => {});
    if (state === "live") return this.restoring || this.waiting ? null : hideBanner(this.root);
    showBanner(this.root, this.words(state, reason));
  }

  words(state, reason) {
    const step = this.kept?.step;
    const kept = step ? `Your run up to step ${step} is kept in this browser tab.` : "";
    if (state === "reconnecting" || state === "offline")
      return { tone: "working", title: state === "offline" ? "This computer is offline: reconnecting…" : "Reconnecting to the server…" };
    const back = step ? `Reload and continue from step ${step}` : "Reload a fresh dashboard";
    const reload = IN_VOILA() ? [{ label: back, primary: true, onClick: () => this.reload() }] : [];
    const again = IN_VOILA() ? "" : " Restart the kernel and run the notebook again: the new dashboard offers the run back.";
    if (state === "server-lost")
      return {
        tone: "lost",
        title: "The server is not answering.",
        text: `It may have been stopped or restarted, or the network is down; training has stopped. ${kept} This page tries again every second.`,
        actions: reload.map((a) => ({ ...a, label: "Waiting for the server…", disabled: true })),
      };
    const what = reason === "server-restarted"
      ? "The server was restarted: this page's Python kernel is gone."
      : "This page's Python kernel has stopped.";
    return {
      tone: "lost",
      title: what,
      text: `Training has stopped and the controls no longer work. ${kept}${again}`,
      actions: reload,
    };
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
