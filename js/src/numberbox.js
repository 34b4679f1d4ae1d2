// A number box (numberbox.py): sends the text exactly as typed, on Enter or on leaving the
// box, and shows the kernel's refusal under it while going back to the value in use. Without
// a label it is a slider's readout, and its refusal spans the slider's row.
// Looks like an ipywidgets text box (numberbox.css).

// The value as the page writes it, for the Python format specs the controls use.
function format(value, fmt) {
  const spec = /^\.(\d+)([gfe])$/.exec(fmt);
  if (spec === null) return String(Math.round(value)); // "d"
  const digits = Number(spec[1]);
  const write = { g: "toPrecision", f: "toFixed", e: "toExponential" }[spec[2]];
  return Number(value)[write](digits);
}

let boxes = 0; // ids tie each label and message to its input

function render({ model, el }) {
  const id = `sae-numberbox-${++boxes}`;
  el.classList.add("sae-numberbox");
  el.innerHTML = `<label for="${id}"></label><input id="${id}" type="text"
    autocomplete="off" aria-describedby="${id}-why">
    <div class="sae-refused" id="${id}-why" role="alert"></div>`;
  const [label, input, why] = el.children;
  let sent = null; // the text last sent, so Enter then leaving the box sends it once
  // A typed value the kernel took, and the point of the slider's step grid the page moves it
  // to (0.05 and 0.0501): while the slider sits there, the box shows what the run uses.
  let held = null;

  const near = (a, b) => Math.abs(a - b) <= 1e-9 * Math.abs(b);
  const text = () => {
    const value = model.get("value");
    // The value taken may still be on its way here, or already moved onto the grid.
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
    // A phone's keypad: digits alone for a whole number ("d", as numberbox.py reads it), with a
    // decimal point for any other number ("numeric" has none).
    input.inputMode = model.get("fmt") === "d" ? "numeric" : "decimal";
    if (document.activeElement !== input) input.value = text();
  };
  const taken = () => {
    // The value in use is shown again (taken, or Escape): any refusal is over.
    input.value = text();
    input.removeAttribute("aria-invalid");
    why.textContent = "";
    sent = null;
  };
  const onValue = () => {
    // A new value (dragged, or set by the kernel); one that is not the value typed nor its
    // grid point ends the holding.
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
      input.value = format(held.value, model.get("fmt")); // even before the value arrives
      return;
    }
    if (msg.type !== "refused") return;
    why.textContent = msg.message;
    input.setAttribute("aria-invalid", "true");
    input.value = format(msg.value, model.get("fmt"));
    sent = null;
  };

  input.addEventListener("keydown", onKey);
  input.addEventListener("change", send); // leaving the box after an edit
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

export default { render };
