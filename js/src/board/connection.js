// Is this page's kernel still there? (The kernel side: app/board.py answers "ping".)
//
// Three witnesses, each for what it can tell:
// - a heartbeat over the board's own comm: the page pings every PING_MS and the kernel answers
//   at once (its play loop yields to the event loop between chunks); any message from the
//   kernel counts. Silence longer than the kernel said it may be quiet means trouble;
// - the kernel connection's status, where the widget manager exposes it (its `kernel`: public
//   in Voila 0.5's and JupyterLab 4's managers): "restarting", "autorestarting" or "dead" is a
//   kernel that lost everything it held (the server noticed the process gone), "connecting"
//   a websocket trying to come back;
// - the server itself, asked when the heartbeat is missed: GET api/kernels/<id>, a cheap JSON
//   answer. No answer: the server is gone (or this computer is offline: navigator.onLine);
//   404: the server no longer knows this page's kernel (restarted, or the kernel shut down);
//   "busy": the kernel is working on a message, wait; otherwise an idle kernel that does not
//   answer has stopped (killed, out of memory: the server notices only at its next poll, up
//   to 3 s later, too late to say it within 2 s).
// Everything but a dead status is reversible: a kernel that answers again is live again, and
// the page says "hello" so that the kernel sends everything afresh and stops waiting for
// acknowledgements of frames lost meanwhile.

export const PING_MS = 250;
// Silence that counts as missed when the kernel said nothing about being slow: four pings.
export const SILENCE_MS = 1000;
const PROBE_TIMEOUT_MS = 1500;
const RETRY_MS = 1000;
// A page whose kernel is gone keeps asking the server, less often: it says when the server
// goes too, and when it is back (then the banner's button can reload).
const LOST_RETRY_MS = 2000;
const DEAD = new Set(["restarting", "autorestarting", "dead"]);

// The states, and whether the run has stopped in them (the banner's words: keeper.js).
export const LOST = new Set(["kernel-lost", "server-lost"]);

function pageConfig() {
  const node = document.getElementById("jupyter-config-data");
  try {
    return node ? JSON.parse(node.textContent) : {};
  } catch {
    return {};
  }
}

export class Connection {
  // `onChange(state, reason)` hears every change of state: "live", "reconnecting", "offline",
  // "kernel-lost" (reason "stopped" or "server-restarted") or "server-lost".
  constructor(model, onChange) {
    this.model = model;
    this.onChange = onChange;
    this.state = "live";
    this.final = false; // the kernel lost what it held: nothing brings this page back
    this.lastHeard = performance.now();
    this.unanswered = null; // when the oldest ping not yet answered went
    this.quietMs = 0; // how long the kernel said it may be silent (a slow chunk of training)
    this.probing = false;
    this.nextProbe = 0;
    this.n = 0;
    this.unloading = false;
    const config = pageConfig();
    this.kernel = model.widget_manager?.kernel ?? null;
    this.baseUrl = this.kernel?.serverSettings?.baseUrl ?? config.baseUrl ?? "/";
    this.kernelId = this.kernel?.id ?? config.kernelId ?? null;

    this.onMessage = (msg) => this.heard(msg);
    model.on("msg:custom", this.onMessage);
    // Heard after the event that caused them has run its course: leaving the page, Voila's
    // own "beforeunload" handler (registered before ours) disposes of the kernel connection,
    // which reports "disconnected" before this page knows that it is leaving.
    const later = (handle) => (_, status) => setTimeout(() => this.unloading || handle(status));
    this.onStatus = later((status) => {
      if (DEAD.has(status) && this.state !== "server-lost") this.lose("kernel-lost", "stopped", true);
    });
    this.onConnection = later((status) => {
      if (this.final) return;
      if (status === "connecting" && this.state === "live") this.set("reconnecting");
      // Back: the heartbeat's answer says whether it is the same live kernel.
      if (status === "connected") this.ping();
      if (status === "disconnected") this.probe();
    });
    this.kernel?.statusChanged?.connect(this.onStatus);
    this.kernel?.connectionStatusChanged?.connect(this.onConnection);
    this.onUnload = () => (this.unloading = true);
    window.addEventListener("pagehide", this.onUnload);
    window.addEventListener("beforeunload", this.onUnload);
    this.timer = setInterval(() => this.tick(), PING_MS);
  }

  set(state, reason = "") {
    if (state === this.state && reason === this.reason) return;
    this.state = state;
    this.reason = reason;
    this.onChange(state, reason);
  }

  lose(state, reason, final = false) {
    this.final ||= final;
    if (state === "kernel-lost") this.why = reason; // kept while the server is away
    this.set(state, reason);
  }

  heard(msg) {
    this.lastHeard = performance.now();
    this.unanswered = null;
    if (msg?.type === "sae-pong") this.quietMs = 1000 * (msg.quiet ?? 0);
    if (this.state !== "live" && !this.final) {
      // The same kernel, alive: it may have sent frames that never arrived, and waits for
      // their acknowledgements. A page that says hello is sent everything afresh.
      this.model.send({ type: "hello" });
      this.set("live");
    }
  }

  ping() {
    this.unanswered ??= performance.now();
    this.model.send({ type: "ping", n: ++this.n });
  }

  tick() {
    if (this.unloading) return;
    const now = performance.now();
    if (this.final) {
      if (now >= this.nextProbe) this.probe();
      return;
    }
    this.ping();
    // Judged only on pings that went (a hidden tab's timers are throttled) and were not
    // answered within what the kernel said it may take.
    const limit = Math.max(SILENCE_MS, 1.5 * this.quietMs + 300);
    const missed = now - this.unanswered >= Math.min(limit, 600) && now - this.lastHeard >= limit;
    if (missed && now >= this.nextProbe) this.probe();
  }

  async probe() {
    if (this.probing || this.unloading) return;
    this.probing = true;
    try {
      const verdict = await this.askServer();
      // An answer from the kernel meanwhile outranks the server's view of it.
      const heard = !this.final && performance.now() - this.lastHeard < SILENCE_MS;
      if (verdict && !heard && !this.unloading) this.lose(...verdict);
    } finally {
      this.probing = false;
      this.nextProbe = performance.now() + (this.final ? LOST_RETRY_MS : RETRY_MS);
    }
  }

  // [state, reason] from the server's answer about this page's kernel, or null: no verdict.
  async askServer() {
    if (!this.kernelId) return ["kernel-lost", "stopped"]; // nothing to ask about: the heartbeat
    const url = `${this.baseUrl.replace(/\/?$/, "/")}api/kernels/${this.kernelId}?t=${Date.now()}`;
    const headers = {};
    const token = this.kernel?.serverSettings?.token;
    if (token) headers.Authorization = `token ${token}`;
    let response;
    try {
      response = await fetch(url, {
        cache: "no-store", credentials: "same-origin", headers,
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
    } catch {
      return navigator.onLine === false ? ["offline", ""] : ["server-lost", ""];
    }
    if (response.status === 404) {
      // The server does not know this page's kernel: shut down, or the server restarted (it
      // went away, or the websocket dropped, before it said so).
      const gone = ["server-lost", "reconnecting"].includes(this.state) || this.why === "server-restarted";
      return ["kernel-lost", gone ? "server-restarted" : "stopped", true];
    }
    if (this.final) return ["kernel-lost", this.why, true]; // the server is back, the kernel not
    const model = response.ok ? await response.json().catch(() => ({})) : {};
    if (DEAD.has(model.execution_state)) return ["kernel-lost", "stopped", true];
    if (model.execution_state === "busy") return null; // working on a message: wait for it
    return ["kernel-lost", "stopped"];
  }

  destroy() {
    clearInterval(this.timer);
    this.model.off("msg:custom", this.onMessage);
    this.kernel?.statusChanged?.disconnect(this.onStatus);
    this.kernel?.connectionStatusChanged?.disconnect(this.onConnection);
    window.removeEventListener("pagehide", this.onUnload);
    window.removeEventListener("beforeunload", this.onUnload);
  }
}
