// Built by js/build.mjs from js/src/numberbox.js and what it imports: do not edit, rebuild.
// sources sha256 c874846fe0e64ca3a530f99185ad5c429ac99c655cb9a221f4a21ba73195289d
// bundle sha256 90a4abf44db57ff142b5a9932179dbcfc12a50686fd38335f9a65c7fc4bc5785
// src/numberbox.js
function format(value, fmt) {
  const spec = /^\.(\d+)([gfe])$/.exec(fmt);
  if (spec === null) return String(Math.round(value));
  const digits = Number(spec[1]);
  const write = { g: "toPrecision", f: "toFixed", e: "toExponential" }[spec[2]];
  return Number(value)[write](digits);
}
var boxes = 0;
function render({ model, el }) {
  const id = `sae-numberbox-${++boxes}`;
  el.classList.add("sae-numberbox");
  el.innerHTML = `<label for="${id}"></label><input id="${id}" type="text"
    autocomplete="off" aria-describedby="${id}-why">
    <div class="sae-refused" id="${id}-why" role="alert"></div>`;
  const [label, input, why] = el.children;
  let sent = null;
  let held = null;
  const near = (a, b) => Math.abs(a - b) <= 1e-9 * Math.abs(b);
  const text = () => {
    const value = model.get("value");
    const holding = held !== null && (near(value, held.value) || near(value, held.snapped));
    return format(holding ? held.value : value, model.get("fmt"));
  };
  const show = () => {
    label.textContent = model.get("description");
    el.classList.toggle("sae-readout", !model.get("description"));
    input.setAttribute("aria-label", model.get("description") || model.get("tooltip"));
    label.title = model.get("tooltip") || model.get("description");
    input.title = model.get("tooltip");
    input.disabled = model.get("disabled");
    input.inputMode = model.get("fmt") === "d" ? "numeric" : "decimal";
    if (document.activeElement !== input) input.value = text();
  };
  const taken = () => {
    input.value = text();
    input.removeAttribute("aria-invalid");
    why.textContent = "";
    sent = null;
  };
  const onValue = () => {
    const value = model.get("value");
    if (held !== null && !near(value, held.value) && !near(value, held.snapped)) held = null;
    taken();
  };
  const send = () => {
    if (input.value === text()) return taken();
    if (input.value === sent) return;
    sent = input.value;
    model.send({ type: "typed", text: input.value });
  };
  const onKey = (event) => {
    if (event.key === "Enter") send();
    if (event.key === "Escape") taken();
  };
  const onMessage = (msg) => {
    if (msg.type === "taken") {
      held = { value: msg.value, snapped: msg.snapped ?? msg.value };
      taken();
      input.value = format(held.value, model.get("fmt"));
      return;
    }
    if (msg.type !== "refused") return;
    why.textContent = msg.message;
    input.setAttribute("aria-invalid", "true");
    input.value = format(msg.value, model.get("fmt"));
    sent = null;
  };
  input.addEventListener("keydown", onKey);
  input.addEventListener("change", send);
  model.on("change:value", onValue);
  model.on("change:description change:tooltip change:disabled change:fmt", show);
  model.on("msg:custom", onMessage);
  show();
  return () => {
    model.off("change:value", onValue);
    model.off("change:description change:tooltip change:disabled change:fmt", show);
    model.off("msg:custom", onMessage);
  };
}
var numberbox_default = { render };
export {
  numberbox_default as default
};
