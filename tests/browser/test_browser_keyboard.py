"""The dashboard from the keyboard alone, in a real browser: Tab reaches every control and every
feature panel's header in reading order, each with a focus ring one can see, and Enter or
Space opens a panel (whose controls Tab then reaches before the next header)."""

from __future__ import annotations

from itertools import pairwise

import pytest

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")

from wcag import contrast

from explorer import Explorer
from explorer.app.panels import PANELS
from explorer.serving.page import Dashboard

TITLES = [title for title, _ in PANELS]
#: Tab presses after which the walk gives up (the page has about 60 stops with every panel open).
MAX_TABS = 200

#: What has the focus: its label, whether it is a panel header (its title), where it is
#: relative to the dashboard (so that scrolling does not count), its outline, and the colour
#: of the first opaque background behind it.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const css = getComputedStyle(e);
  // The ring is drawn just outside the element: against what is behind the element.
  let node = e.parentElement, background = 'rgb(255, 255, 255)';
  while (node && node.nodeType === 1) {
    const c = getComputedStyle(node).backgroundColor;
    if (!c.startsWith('rgba') || !c.endsWith(', 0)')) { background = c; break; }
    node = node.parentElement;
  }
  const root = (document.querySelector('.sae-board').closest('.jp-OutputArea-output')
                ?? document.body).getBoundingClientRect();
  const box = e.getBoundingClientRect();
  const widget = e.closest('.jupyter-widgets:not(.widget-box), .sae-numberbox');
  return {
    tag: e.tagName,
    header: e.classList.contains('sae-section-header') ? e.textContent.trim() : null,
    label: (widget ?? e).innerText.replace(/\\s+/g, ' ').trim(),
    x: box.left - root.left, y: box.top - root.top,
    outline: [css.outlineStyle, parseFloat(css.outlineWidth), css.outlineColor],
    background,
    inBoard: !!e.closest('.sae-board'), inToolbar: !!e.closest('.modebar'),
  };
}"""

BODY_SHOWN = """(title) => {
  const header = [...document.querySelectorAll('.sae-section-header')]
    .find(h => h.textContent.trim() === title);
  const body = header.closest('.sae-section').querySelector('.sae-section-body');
  return body.offsetHeight > 0 && getComputedStyle(body).display !== 'none';
}"""


def control_labels() -> list[str]:
    """What each enabled control of the dashboard is labelled (a disabled one takes no focus)."""
    app = Explorer(n_samples=300)
    return [c.description for c in app.controls.values() if not c.disabled]


def test_tab_enter_and_space_reach_and_open_everything_in_reading_order(browser, server):
    d = Dashboard.open(browser, server)
    page = d.page
    try:
        assert page.locator(".modebar, .modebar-btn").count() == 0  # no plotly toolbars
        seen, opened = [], []
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None:  # past the last control: back to the page
                break
            seen.append(focused)
            title = focused["header"]
            if title and title not in opened:
                assert not page.evaluate(BODY_SHOWN, title), f"{title} open before a key"
                # Enter opens one panel, Space the next: both press a button.
                page.keyboard.press("Enter" if len(opened) % 2 == 0 else " ")
                page.wait_for_function(BODY_SHOWN, arg=title, timeout=30_000)
                opened.append(title)
        else:
            pytest.fail(f"Tab never left the dashboard after {MAX_TABS} presses")

        # Every panel header got the focus, in the order of the page, each after every control.
        assert opened == TITLES
        first_header = next(i for i, f in enumerate(seen) if f["header"])
        labels = " | ".join(f["label"] for f in seen[:first_header])
        for label in control_labels():
            assert label in labels, f"{label!r} was never focused: {labels}"
        # ... and the panels' own controls: the focus went into each opened panel before the
        # next header (every panel has at least one control).
        headers = [i for i, f in enumerate(seen) if f["header"]]
        assert all(b - a > 1 for a, b in pairwise(headers)), headers
        assert len(seen) > headers[-1] + 1

        for before, after in pairwise(seen):
            # Reading order: each stop is below the one before, or to its right (the next field
            # of a row, or the next column of controls).
            assert after["y"] > before["y"] + 2 or after["x"] > before["x"] + 2, (before, after)
        for f in seen:
            assert not f["inBoard"] and not f["inToolbar"], f
            style, width, color = f["outline"]
            # A focus ring: a solid line of 2 px or more, 3:1 against what is behind it.
            assert style == "solid" and width >= 2, f
            assert contrast(color, f["background"]) >= 3, f

        # Space on a header closes its panel again.
        page.locator(".sae-section-header", has_text=TITLES[0]).focus()
        page.keyboard.press(" ")
        page.wait_for_function(f"(t) => !({BODY_SHOWN})(t)", arg=TITLES[0], timeout=30_000)
        assert d.errors == []
    finally:
        d.close()
