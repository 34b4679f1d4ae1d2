// A whole-number box (numberbox.py): sends the text exactly as typed, on Enter or on leaving
// the box, and shows the kernel's refusal under it while going back to the value in use.
// Looks like an ipywidgets text box: the same CSS variables, so it follows the theme.

const CSS = `
.sae-numberbox { display: flex; flex-wrap: wrap; align-items: center; margin: 2px 0; }
.sae-numberbox label { width: 120px; flex: none; box-sizing: border-box; padding-right: 8px;
  text-align: right; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  color: var(--jp-widgets-label-color, inherit); font-size: var(--jp-widgets-font-size, 13px);
  line-height: var(--jp-widgets-inline-height, 28px); }
.sae-numberbox input { flex: 1 1 0; min-width: 0; box-sizing: border-box;
  height: var(--jp-widgets-inline-height, 28px); padding: 0 8px;
  font-size: var(--jp-widgets-font-size, 13px);
  color: var(--jp-widgets-input-color, inherit);
  background: var(--jp-widgets-input-background-color, #fff);
  border: var(--jp-widgets-input-border-width, 1px) solid
    var(--jp-widgets-input-border-color, #9e9e9e); }
.sae-numberbox input:focus { outline: 2px solid var(--jp-widgets-input-focus-border-color,
  #0072B2); outline-offset: 1px; }
.sae-numberbox input[aria-invalid="true"] { border-color: #C04400; }
.sae-numberbox .sae-refused { flex-basis: 100%; box-sizing: border-box; padding-left: 120px;
  color: var(--sae-warning, #C04400); font-size: var(--jp-widgets-font-size, 13px); }
.sae-numberbox .sae-refused:empty { display: none; }
`;

function injectCss() {
  if (document.getElementById("sae-numberbox-css")) return;
  const style = document.createElement("style");
  style.id = "sae-numberbox-css";
  style.textContent = CSS;
  document.head.appendChild(style);
}

let boxes = 0; // ids tie each label and message to its input

function render({ model, el }) {
  injectCss();
  const id = `sae-numberbox-${++boxes}`;
  el.classList.add("sae-numberbox");
  el.innerHTML = `<label for="${id}"></label><input id="${id}" type="text"
    inputmode="numeric" autocomplete="off" aria-describedby="${id}-why">
    <div class="sae-refused" id="${id}-why" role="alert"></div>`;
  const [label, input, why] = el.children;
  let sent = null; // the text last sent, so Enter then leaving the box sends it once

  const show = () => {
    label.textContent = model.get("description");
    label.title = model.get("tooltip") || model.get("description");
    input.title = model.get("tooltip");
    input.disabled = model.get("disabled");
    if (document.activeElement !== input) input.value = String(model.get("value"));
  };
  const taken = () => {
    // A new value in use (typed here, or set by the kernel): any refusal is over.
    input.value = String(model.get("value"));
    input.removeAttribute("aria-invalid");
    why.textContent = "";
    sent = null;
  };
  const send = () => {
    if (input.value === String(model.get("value"))) return taken();
    if (input.value === sent) return;
    sent = input.value;
    model.send({ type: "typed", text: input.value });
  };
  const onKey = (event) => {
    if (event.key === "Enter") send();
    if (event.key === "Escape") taken();
  };
  const onMessage = (msg) => {
    if (msg.type === "taken") return taken();
    if (msg.type !== "refused") return;
    why.textContent = msg.message;
    input.setAttribute("aria-invalid", "true");
    input.value = String(msg.value);
    sent = null;
  };

  input.addEventListener("keydown", onKey);
  input.addEventListener("change", send); // leaving the box after an edit
  model.on("change:value", taken);
  model.on("change:description change:tooltip change:disabled", show);
  model.on("msg:custom", onMessage);
  show();
  return () => {
    model.off("change:value", taken);
    model.off("change:description change:tooltip change:disabled", show);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
