// The download button (download.py): asks the kernel for the file at each click and saves
// the bytes it answers with.
function render({ model, el }) {
  // A real <button>: focusable, and Enter/Space click it natively.
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

  // Requests this view made and has not been answered yet.
  const pending = new Set();
  const prefix = Math.random().toString(36).slice(2); // randomUUID needs a secure context
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
    // Revoking at once can cancel the download in some browsers; a minute is ample.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  model.on("msg:custom", onMessage);
  el.append(button);
  // A view removed from the page (a re-render, a closed output) stops listening.
  return () => {
    model.off(changes, sync);
    model.off("msg:custom", onMessage);
  };
}
export default { render };
