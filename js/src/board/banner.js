// The banner over a dashboard that says, in words, what happened to its kernel or its run, and
// the dashboard's controls while they cannot work: disabled, visibly (styles: board.css).

const banners = new WeakMap(); // dashboard element -> its banner (one, however many boards)
const stashed = new WeakMap(); // a Pause button -> how it looked before the page froze it

// The element a board's dashboard fills: the whole of it is frozen, the banner goes above it.
export function dashboardOf(el) {
  return el.closest(".sae-live") ?? el;
}

// Show `title` and `text` with buttons (`actions`: {label, onClick, primary, disabled}) above
// `root`; `tone` "lost" (the run stopped), "info" or "working" (a brief "reconnecting").
export function showBanner(root, { tone, title, text = "", actions = [] }) {
  let banner = banners.get(root);
  if (!banner) {
    banner = document.createElement("div");
    banner.className = "sae-banner";
    banners.set(root, banner);
    // Outside the dashboard, which is inert while frozen: the banner's own buttons must work.
    root.parentElement?.insertBefore(banner, root);
  }
  banner.dataset.tone = tone;
  // An alert interrupts a screen reader: for a stopped run; a passing notice is a status.
  banner.setAttribute("role", tone === "lost" ? "alert" : "status");
  banner.replaceChildren();
  const words = document.createElement("div");
  words.className = "sae-banner-words";
  const heading = document.createElement("strong");
  heading.textContent = title;
  words.append(heading);
  if (text) {
    const body = document.createElement("span");
    body.textContent = ` ${text}`;
    words.append(body);
  }
  banner.append(words);
  for (const { label, onClick, primary, disabled } of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = primary ? "sae-banner-button sae-primary" : "sae-banner-button";
    button.textContent = label;
    button.disabled = Boolean(disabled);
    button.addEventListener("click", onClick);
    banner.append(button);
  }
  return banner;
}

export function hideBanner(root) {
  banners.get(root)?.remove();
  banners.delete(root);
}

// Freeze `root`'s controls (nothing in it can be clicked, typed into or focused) or thaw them.
// A frozen Play/Pause button says Play: nothing is training. Thawed, it is as it was (the
// kernel's own state comes back with it).
export function freeze(root, frozen) {
  root.classList.toggle("sae-frozen", frozen);
  document.body.classList.toggle("sae-lost", frozen);
  root.inert = frozen;
  for (const icon of root.querySelectorAll("button .fa-pause")) {
    const button = icon.closest("button");
    if (frozen && !stashed.has(button)) {
      stashed.set(button, { html: button.innerHTML, active: button.classList.contains("mod-active") });
      icon.classList.replace("fa-pause", "fa-play");
      button.lastChild.textContent = "Play";
      button.classList.remove("mod-active");
      button.setAttribute("aria-pressed", "false");
    }
  }
  if (!frozen) {
    for (const button of root.querySelectorAll("button")) {
      const was = stashed.get(button);
      if (!was) continue;
      button.innerHTML = was.html;
      button.classList.toggle("mod-active", was.active);
      stashed.delete(button);
    }
  }
}
