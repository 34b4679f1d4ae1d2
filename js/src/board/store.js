// Where the page keeps the copies of its run that the kernel sends (app/keeper.py): IndexedDB
// (a copy is up to 8 MB; localStorage holds 5 MB of text in all), one record per tab and page.
//
// The key is this tab's id and the page's address: the id lives in sessionStorage, which a
// reload keeps and every other tab has its own of (a duplicated tab copies it: the copy takes a
// new id when the original answers for it), and the address carries the server's path (under
// JupyterHub, /user/<name>/…) and query (the settings a link opens with), without the login
// token. All of it stays in this browser: nothing is sent anywhere but to this page's kernel.

const DB = "sparse-autoencoder-explorer";
const RUNS = "runs";
const TAB = "sae-tab";
// A tab asking whether its id is taken waits this long for an answer from the one that has it.
const CLAIM_MS = 150;
// Records of tabs long closed (their id died with them) are dropped: older than this, or
// beyond the newest few.
const KEEP_DAYS = 3;
const KEEP_RECORDS = 8;

function newId() {
  // crypto.randomUUID needs a secure context, and a classroom server on plain http is not one.
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// This tab's id, once no other tab says it is theirs (a duplicated tab starts with a copy).
// Asked once per page (on `window`: every board of the page, each its own copy of this module,
// shares the answer; two would answer each other).
export function tabId() {
  window.__saeTabId ??= new Promise((resolve) => {
    let id = sessionStorage.getItem(TAB);
    if (!id) {
      id = newId();
      sessionStorage.setItem(TAB, id);
    }
    if (typeof BroadcastChannel === "undefined") return resolve(id);
    const channel = new BroadcastChannel(TAB);
    channel.onmessage = ({ data }) => {
      if (data.asks === sessionStorage.getItem(TAB)) channel.postMessage({ has: data.asks });
      if (data.has === id && data.has === sessionStorage.getItem(TAB)) {
        sessionStorage.setItem(TAB, newId());
      }
    };
    channel.postMessage({ asks: id });
    setTimeout(() => resolve(sessionStorage.getItem(TAB)), CLAIM_MS);
  });
  return window.__saeTabId;
}

// The page's address as a key: its path and query, without a login token.
export function pageAddress() {
  const query = new URLSearchParams(location.search);
  query.delete("token");
  const rest = query.toString();
  return location.pathname + (rest ? `?${rest}` : "");
}

export async function runKey() {
  return `${await tabId()} ${pageAddress()}`;
}

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(RUNS);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, act) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(RUNS, mode);
      const result = act(tx.objectStore(RUNS)); // a request, whose result is the answer
      tx.oncomplete = () => resolve(result?.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

// The record kept under `key`: {blob: ArrayBuffer, step, bytes, savedAt, lost}, or undefined.
export const load = (key) => run("readonly", (s) => s.get(key));
export const save = (key, record) => run("readwrite", (s) => s.put({ ...record, savedAt: Date.now() }, key));
export async function mark(key, patch) {
  const record = await load(key);
  if (record) await run("readwrite", (s) => s.put({ ...record, ...patch }, key));
}

// Drop the records of tabs closed long ago, keeping `key`'s.
export async function prune(key) {
  const all = await run("readonly", (s) => s.getAll());
  const keys = await run("readonly", (s) => s.getAllKeys());
  const old = Date.now() - KEEP_DAYS * 864e5;
  const ranked = keys.map((k, i) => [k, all[i].savedAt]).filter(([k]) => k !== key)
    .sort((a, b) => b[1] - a[1]);
  const drop = ranked.filter(([, at], rank) => at < old || rank >= KEEP_RECORDS - 1);
  if (drop.length) await run("readwrite", (s) => drop.forEach(([k]) => s.delete(k)));
}
