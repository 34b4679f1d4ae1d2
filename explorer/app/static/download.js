// Built by js/build.mjs from js/src/download.js and what it imports: do not edit, rebuild.
// sources sha256 c874846fe0e64ca3a530f99185ad5c429ac99c655cb9a221f4a21ba73195289d
// bundle sha256 903f29d37c4dd67f777ce0f566ec8b1a857b38d1b0bfc2aacd8d2d53840c7517
// src/download.js
function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "sae-download";
  const sync = () => {
    button.textContent = model.get("description");
    button.title = model.get("tooltip");
    button.disabled = model.get("disabled");
  };
  sync();
  const changes = "change:description change:tooltip change:disabled";
  model.on(changes, sync);
  const pending = /* @__PURE__ */ new Set();
  const prefix = Math.random().toString(36).slice(2);
  let count = 0;
  button.addEventListener("click", () => {
    const request = `${prefix}-${++count}`;
    pending.add(request);
    model.send({ event: "download", request });
  });
  const onMessage = (msg, buffers) => {
    if (msg.event !== "download" || !pending.delete(msg.request)) return;
    const url = URL.createObjectURL(new Blob(buffers, { type: msg.mime }));
    const link = document.createElement("a");
    link.href = url;
    link.download = msg.filename;
    link.style.display = "none";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 6e4);
  };
  model.on("msg:custom", onMessage);
  el.append(button);
  return () => {
    model.off(changes, sync);
    model.off("msg:custom", onMessage);
  };
}
var download_default = { render };
export {
  download_default as default
};
