"""The served dashboard in a real browser: Voila and JupyterLab, driven by headless Chromium.

What only a browser shows: the page renders, asks nothing of other hosts, reacts to the
keyboard and the mouse, and keeps receiving the kernel's updates (the silent failure to guard
against: a figure that renders once and then never updates). The server is the project's own
``python -m explorer serve`` on a free loopback port (the fixtures are in conftest.py).
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
import wcag

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")

from explorer.app.board import PLOTLY_JS
from explorer.core.penalties import kl_divergence
from explorer.figures.views import VIEWS
from explorer.serving.background import lab_server, plain_voila
from explorer.serving.page import Dashboard

ROOT = Path(__file__).resolve().parents[2]
ALL_VIEWS = [view.name for view in VIEWS]
#: The views the default data set (natural patches: no known true features) shows; the others
#: (``View.shown``) are in the page, hidden.
SHOWN = [view for view in VIEWS if view.shown is None]
#: Fresh page loads (each with its own kernel) in the liveness test, and pages opened at once.
LOADS = 3
AT_ONCE = 3
RHO = "ρ (target)"
#: The star (the curve's minimum marker) as the page draws it.
STAR = "window.__sae.panel('kl')._saeTraces[2].x[0]"


def kl_minimum(dash: Dashboard) -> tuple[float, float, float]:
    """(argmin of the drawn KL curve, the star's x, the star's y)."""
    curve, _units, star = dash.traces("kl")[:3]
    i = min(range(len(curve["y"])), key=curve["y"].__getitem__)
    return curve["x"][i], star["x"][0], star["y"][0]


def wait_for_star(dash: Dashboard, away_from: float, timeout: float = 30.0) -> None:
    dash.page.wait_for_function(f"(x0) => {STAR} !== x0", arg=away_from, timeout=timeout * 1000)


def assert_minimum_at(dash: Dashboard, rho: float) -> None:
    argmin, star_x, star_y = kl_minimum(dash)
    assert star_x == pytest.approx(rho, rel=1e-9)
    assert star_y == 0.0
    # The page computes the curve itself: it must be the core's KL divergence.
    curve = dash.traces("kl")[0]
    np.testing.assert_allclose(curve["y"], kl_divergence(star_x, curve["x"]), rtol=1e-6, atol=1e-12)
    # The curve is sampled on a log grid: its lowest sample is within one grid step of ρ.
    curve = dash.traces("kl")[0]["x"]
    grid_step = math.log(curve[1] / curve[0])
    assert abs(math.log(argmin / rho)) <= grid_step
    # The activation view's target line follows too (in the same animation frame, or the
    # next when the curve's axes took that frame's budget).
    dash.page.wait_for_function(
        "(r) => Math.abs(window.__sae.panel('activations')._saeTraces[1].y[0] / r - 1) < 1e-9",
        arg=rho,
    )
    target = dash.traces("activations")[1]
    assert target["y"] == pytest.approx([rho] * len(target["y"]), rel=1e-9)


def rho_readout(dash: Dashboard) -> float:
    return float(dash.readout(RHO).input_value())


# ---------------------------------------------------------------------------- Voila
def test_page_renders_every_view_and_asks_nothing_of_other_hosts(dash, server):
    assert set(dash.views()) == set(ALL_VIEWS)
    for view in ("kl", "activations", "histogram"):
        # Every trace with a legend entry has points (units off the axis have none here).
        assert all(len(t["x"]) > 0 for t in dash.traces(view) if t["name"]), view
    charts = [v.name for v in SHOWN if v.kind == "chart"]
    # Charts are plotly axes with their traces on a canvas over them; images are canvases.
    assert dash.page.locator(".sae-board .sae-chart .js-plotly-plot").count() == len(charts)
    assert dash.page.locator(".sae-board .sae-chart canvas.sae-overlay").count() == len(charts)
    shown_images = ".sae-board .sae-image:not([style*='display: none']) canvas"
    assert dash.page.locator(shown_images).count() == len(SHOWN) - len(charts)
    # plotly.js ran once, as one script: the template's static file (none from the kernel).
    scripts = """() => [...document.querySelectorAll('script[src]')].map(s => s.src)
                   .filter(src => src.startsWith('blob:') || src.includes('/plotly/'))"""
    (script,) = dash.page.evaluate(scripts)
    assert urlsplit(script).path.endswith(f"/static/plotly/{PLOTLY_JS.name}")
    assert dash.hosts() == {urlsplit(server).netloc}, sorted(dash.hosts())
    assert dash.errors == []


def key_step_rho(dash: Dashboard, steps: int) -> float:
    """Press → on the ρ slider ``steps`` times (0.01 of log10 ρ each, from 0.01) and wait until
    the page drew the KL curve's minimum at the new ρ; returns it."""
    dash.slider_handle(RHO).focus()
    for _ in range(steps):
        dash.page.keyboard.press("ArrowRight")
    rho = 10 ** (-2 + steps * 0.01)
    dash.page.wait_for_function(
        f"(rho) => Math.abs({STAR} / rho - 1) < 1e-6", arg=rho, timeout=30_000
    )
    return rho


def test_key_stepping_rho_moves_the_kl_minimum(dash):
    assert_minimum_at(dash, 0.01)
    rho = key_step_rho(dash, 20)
    assert rho_readout(dash) == pytest.approx(rho, rel=5e-3)  # the readout has 3 digits
    assert_minimum_at(dash, rho)


def test_dragging_rho_moves_the_kl_minimum(dash):
    box = dash.slider_handle(RHO).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    dash.page.mouse.move(x, y)
    dash.page.mouse.down()
    dash.page.mouse.move(x + 60, y, steps=6)
    dash.page.mouse.up()
    wait_for_star(dash, away_from=0.01)
    dash.page.wait_for_function(  # the last drag position is the one drawn
        f"(readout) => Math.abs({STAR} / readout - 1) < 5e-3",
        arg=rho_readout(dash),
        timeout=30_000,
    )
    rho = kl_minimum(dash)[1]
    assert rho > 0.012  # moved right, i.e. up: the slider is log-scaled from 1e-3 to 0.5
    assert_minimum_at(dash, rho)


def test_play_changes_filters_and_bars_and_pause_stops_them(dash):
    before = dash.views()
    dash.play()
    dash.wait_for_views_to_change(before, ["filters", "activations"])
    dash.wait_for_step_above(0)  # the status line is a message after the frame
    dash.pause()
    # The status line may still show a step from before the loop's last chunk (it changes a
    # few times a second while playing): the loop's end is the copy it keeps of the paused run
    # and the status it shows with it. The Step click is handled after that.
    steps = dash.wait_until_kept()
    dash.button("Step").click()
    dash.wait_for_step_above(steps)
    dash.wait_until_idle()
    settled, frames, step = dash.views(), len(dash.frames()), dash.step_count()
    # Absence of change can only be observed over a window: two seconds is 40 frames at the
    # play loop's cap, so a loop still running could not hide in it.
    dash.page.wait_for_timeout(2000)
    assert dash.step_count() == step
    assert len(dash.frames()) == frames
    assert dash.views() == settled


def test_the_curve_follows_rho_while_training(dash):
    """Key-stepping ρ while playing moves the page's curve and its minimum (the page computes
    them) while frames keep arriving from the kernel."""
    dash.play()
    dash.wait_for_step_above(2)
    rho = key_step_rho(dash, 30)
    assert_minimum_at(dash, rho)
    dash.pause()


def assert_live(d: Dashboard, label: str) -> None:
    before = d.views()
    d.play()
    d.wait_for_views_to_change(before, [v.name for v in SHOWN])
    d.pause()
    assert d.errors == [], label


def test_every_view_stays_live_over_repeated_loads(browser, server):
    """Each fresh page (and kernel) must keep receiving updates in every view."""
    for load in range(LOADS):
        d = Dashboard.open(browser, server)
        try:
            assert_live(d, f"load {load}")
        finally:
            d.close()


def test_every_view_is_live_in_pages_opened_at_once(browser, server):
    """Several pages loading together (a class arriving) all come alive: the module anywidget
    loads must initialise within its deadline even while the others load plotly.js."""
    pages = [browser.new_page() for _ in range(AT_ONCE)]
    dashes = [Dashboard(page) for page in pages]
    try:
        for page in pages:
            page.goto(server, wait_until="commit")
        for i, d in enumerate(dashes):
            d.wait_until_drawn()
            assert_live(d, f"page {i}")
    finally:
        for page in pages:
            page.close()


def test_plain_voila_serves_a_live_dashboard(browser):
    """``voila notebooks/explorer.ipynb`` (Voila's own command) gives the same live page."""
    with plain_voila(ROOT / "notebooks" / "explorer.ipynb") as url:
        d = Dashboard.open(browser, url)
        try:
            assert_live(d, "plain voila")
            assert d.hosts() == {urlsplit(url).netloc}
        finally:
            d.close()


# ---------------------------------------------------------------------------- layout
SCREENS = ((900, 900), (1366, 768), (1920, 1080))

#: Layout facts of the page, read in one go: sideways overflow, the smallest text in the
#: board, titles cut, panels overlapping, and each panel's and the filter mosaic's boxes.
LAYOUT = """() => {
  const scroller = [document.scrollingElement, ...document.querySelectorAll('*')]
    .filter(e => e && e.scrollWidth > e.clientWidth + 1
                 && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX));
  const board = document.querySelector('.sae-board');
  const texts = [...board.querySelectorAll('h3, p, li, text')].filter(e => e.textContent.trim());
  const sizes = texts.map(e => [parseFloat(getComputedStyle(e).fontSize), e.textContent]);
  const cut = [...board.querySelectorAll('h3, .sae-caption')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
    .map(e => e.textContent);
  // The panels shown (a view with nothing to show, such as recovery on data with no true
  // features, is hidden: no box, no column).
  const shown = [...board.querySelectorAll('.sae-view')].filter(e => e.offsetParent !== null);
  const boxes = shown.map(e => e.getBoundingClientRect());
  const overlaps = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {
    const apart = a.right - 1 <= b.left || b.right - 1 <= a.left
                  || a.bottom - 1 <= b.top || b.bottom - 1 <= a.top;
    if (!apart) overlaps.push([i, i + 1 + j]);
  }));
  const titles = shown.flatMap(v => {
    const h = v.querySelector('h3').getBoundingClientRect(), p = v.getBoundingClientRect();
    return h.left < p.left || h.right > p.right + 0.5 ? [v.dataset.view] : [];
  });
  const mosaic = board.querySelector('[data-view="filters"] canvas').getBoundingClientRect();
  const columns = new Set(boxes.map(b => Math.round(b.left))).size;
  sizes.sort((a, b) => a[0] - b[0]);
  return {wide: scroller.map(e => e.className || e.tagName), smallest: sizes[0],
          cut, overlaps, titles, columns, mosaic: Math.min(mosaic.width, mosaic.height),
          panels: boxes.map(b => [b.top, b.bottom]), height: innerHeight,
          clientWidth: document.documentElement.clientWidth,
          scrollWidth: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("width,height", SCREENS)
def test_the_layout_fits_the_screen(browser, server, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    d = Dashboard(page)
    try:
        page.goto(server)
        d.wait_until_drawn()
        facts = page.evaluate(LAYOUT)
        assert facts["wide"] == [] and facts["scrollWidth"] <= facts["clientWidth"], facts
        assert facts["smallest"][0] >= 11, facts  # no text in a plot under 11 px
        assert facts["cut"] == [] and facts["titles"] == [], facts
        assert facts["overlaps"] == [], facts
        # Beside the controls from 1366 px: a live view wholly in the first screen.
        if width >= 1366:
            assert any(bottom <= facts["height"] for _, bottom in facts["panels"]), facts
            assert facts["mosaic"] >= 240, facts
        # One column in a notebook-wide page, up to three on a wide screen.
        assert facts["columns"] == {900: 1, 1366: 2, 1920: 3}[width], facts
    finally:
        page.close()


# ---------------------------------------------------------------------------- JupyterLab
@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a copy of the dashboard notebook."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "notebooks" / "explorer.ipynb", root / "explorer.ipynb")
    # In the dark theme: the dashboard must stay readable there (checked below).
    with lab_server(root, theme="JupyterLab Dark") as url:
        yield url


def test_jupyterlab_runs_the_notebook_and_the_widgets_react(browser, lab):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    d = Dashboard(page)
    page.goto(lab + "lab/tree/explorer.ipynb", timeout=120_000)
    page.locator(".jp-Notebook").wait_for(timeout=120_000)
    # Let JupyterLab finish booting (extensions, settings, kernel specs) first: the figure's
    # widget code then loads on a quiet page, well within anywidget's start-up deadline.
    page.wait_for_load_state("networkidle", timeout=120_000)
    # Run the cell only once the page's own connection to the kernel is up and idle (the
    # status bar says so). A Run All issued earlier was lost: the cell stayed "[ ]" (seen in
    # CI on a loaded machine, after the server already reported the kernel idle).
    page.get_by_text(re.compile(r"\| Idle$")).wait_for(timeout=120_000)
    page.locator(".jp-CodeCell .jp-InputArea-editor").first.click()
    page.keyboard.press("Shift+Enter")
    try:
        d.wait_until_drawn(timeout=120)
    except Exception:
        # Say what the page showed instead, for a failure on a machine we cannot look at.
        page.screenshot(path=str(ROOT / "lab-failure.png"))
        outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        raise AssertionError(
            f"no figure drawn; prompt {page.locator('.jp-InputPrompt').last.inner_text()!r}; "
            f"outputs {outputs}; page errors {d.errors}; "
            f"plot divs {page.locator('.js-plotly-plot').count()}"
        ) from None
    # No template here: the board asked the kernel for plotly.js.
    marks = page.evaluate("() => performance.getEntriesByType('mark').map(m => m.name)")
    assert "sae-plotly-asked" in marks and "sae-plotly-served" not in marks
    before = d.views()
    # ρ̂ of a step is measured at the weights it starts from: two steps move every view.
    d.button("Step").click()
    d.wait_for_step_above(0)
    d.button("Step").click()
    # The views may all have changed at the first step already: wait for the second's status.
    d.wait_for_step_above(1)
    d.wait_for_views_to_change(before, ["kl", "activations", "filters", "loss"])
    assert d.step_count() == 2
    d.slider_handle(RHO).focus()
    page.keyboard.press("ArrowRight")
    wait_for_star(d, away_from=0.01)
    assert_minimum_at(d, kl_minimum(d)[1])
    assert kl_minimum(d)[1] == pytest.approx(10**-1.99, rel=1e-6)
    assert_live(d, "JupyterLab")
    # Readable in JupyterLab's dark theme: our text against what is drawn behind it.
    assert page.evaluate("() => document.body.dataset.jpThemeLight") == "false"
    for text in (
        "step ",
        "Training",
        "Presets and failure gallery",
        "hidden units ⟲",
        "Sparsity penalty per unit",
        "KL(ρ‖ρ̂): minimum 0 at ρ̂ = ρ",
        "penalty per unit",
    ):
        assert contrast(page, page.get_by_text(text).first) >= 4.5, text
    # The panels follow the theme: no white block on the dark page.
    panel = page.locator('.sae-view[data-view="kl"]')
    assert panel.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(255, 255, 255)"
    # The board fills the notebook's output instead of a fixed width.
    widths = page.evaluate("""() => [document.querySelector('.sae-board').clientWidth,
                                     document.querySelector('.jp-OutputArea-output').clientWidth]""")
    assert widths[0] > 0.6 * widths[1], widths
    # The keyboard works here too (JupyterLab binds Enter and Space in a notebook): Tab from the
    # last control reaches the first panel's header, with a focus ring; Enter opens the panel,
    # Space closes it.
    seed = page.locator(".widget-text, .sae-numberbox", has_text="seed ⟲").locator("input")
    seed.focus()  # the last control; then the timeline over the views (two steps recorded)
    timeline = page.locator(".widget-slider", has_text="timeline").locator(".noUi-handle")
    active = "e => e === document.activeElement"
    page.keyboard.press("Tab")
    assert timeline.evaluate(active)
    page.keyboard.press("Tab")
    assert d.button("Replay").evaluate(active)  # Continue from here: disabled at the latest
    page.keyboard.press("Tab")
    header = page.locator(".sae-section-header").first
    assert header.evaluate(active)
    ring = header.evaluate(
        "h => [getComputedStyle(h).outlineStyle, getComputedStyle(h).outlineWidth]"
    )
    assert ring == ["solid", "2px"], ring
    body = page.locator(".sae-section-body").first
    assert body.is_hidden()
    page.keyboard.press("Enter")
    body.wait_for(state="visible", timeout=30_000)
    page.keyboard.press(" ")
    body.wait_for(state="hidden", timeout=30_000)
    assert d.errors == []
    page.close()


def contrast(page, locator) -> float:
    """WCAG contrast ratio of ``locator``'s text colour against the first opaque background
    behind it (4.5 is the bar for body text)."""
    fg, bg = locator.evaluate(
        """(el) => {
             let node = el, bg = 'rgba(0, 0, 0, 0)';
             while (node && node.nodeType === 1) {
               const c = getComputedStyle(node).backgroundColor;
               if (!c.startsWith('rgba') || !c.endsWith(', 0)')) { bg = c; break; }
               node = node.parentElement;
             }
             return [getComputedStyle(el).color, bg];
           }"""
    )
    return wcag.contrast(fg, bg)


# ---------------------------------------------------------------------------- security
def test_the_page_shows_no_source_code(dash):
    html = dash.page.content()
    assert "from explorer import Explorer" not in html  # Voila strips the notebook's code
    assert "Explorer()" not in html


def test_the_page_cannot_run_code_in_the_kernel(dash, tmp_path):
    """A visitor's own websocket to the kernel gets answers, but no code runs."""
    marker = tmp_path / "pwned"
    kernel = dash.page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )
    replies = dash.page.evaluate(
        """async ([kernel, code]) => {
          const ws = new WebSocket(`ws://${location.host}/api/kernels/${kernel}/channels`);
          ws.binaryType = 'arraybuffer';
          const seen = [];
          ws.onmessage = (e) => {
            const text = typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data);
            const type = /"msg_type":\\s*"([a-z_]+)"/.exec(text);
            if (type) seen.push(type[1]);
          };
          await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
          const message = (type, content) => JSON.stringify({
            header: {msg_id: type, username: 'visitor', session: 'visitor', msg_type: type,
                     version: '5.3', date: new Date().toISOString()},
            parent_header: {}, metadata: {}, channel: 'shell', content});
          ws.send(message('execute_request', {code, silent: false, store_history: false,
                  user_expressions: {}, allow_stdin: false, stop_on_error: true}));
          ws.send(message('kernel_info_request', {}));
          // The kernel answers in order: once kernel_info is answered, an execute_request
          // it had accepted would have been answered (and run) before it.
          while (!seen.includes('kernel_info_reply')) await new Promise(r => setTimeout(r, 50));
          ws.close();
          return seen;
        }""",
        [kernel, f"open({str(marker)!r}, 'w').write('pwned')"],
    )
    assert "kernel_info_reply" in replies  # the channel works...
    assert "execute_reply" not in replies  # ...but Voila drops execute requests
    assert not marker.exists()


# ---------------------------------------------------------------------------- the page's address
def test_a_bad_address_opens_the_dashboard_saying_what_is_wrong(browser, server):
    """The preheated kernel (the server's pool) refuses ``beta=lots`` in the status line, and
    the page finishes loading: it once waited forever for a second copy of the request."""
    d = Dashboard.open(browser, server + "?beta=lots")
    try:
        assert "beta='lots' in the link is not allowed" in d.page.inner_text("body")
        assert d.views()  # Dashboard.open waited for the board to draw them
    finally:
        d.close()


def test_the_address_sets_the_dashboard_and_instructor_mode(browser, server):
    """``?rho=…&lock=…&hide=…`` opens the dashboard with those settings (needs the served
    notebook to call ``from_query(dashboard)``; under --preheat_kernel Voila hands the query
    to a kernel that built the dashboard before the request came)."""
    d = Dashboard.open(browser, server + "?rho=0.05&beta=3&dataset=digits&lock=beta&hide=seed")
    try:
        # The page snaps ρ to its slider's grid (steps of 0.01 in log10 ρ, 10^-1.30 = 0.0501)
        # and sends that back: within half a grid step (1.2 %) of 0.05 is what it can show.
        assert rho_readout(d) == pytest.approx(0.05, rel=0.012)
        kl = {trace["name"]: trace for trace in d.traces("kl")}
        star, curve = kl["target ρ̂ = ρ"], kl["penalty per unit"]
        assert star["x"][0] == pytest.approx(0.05, rel=0.012) and star["y"][0] == 0.0
        lowest = min(range(len(curve["y"])), key=curve["y"].__getitem__)
        grid_step = math.log(curve["x"][1] / curve["x"][0])
        assert abs(math.log(curve["x"][lowest] / star["x"][0])) <= grid_step
        select = d.page.locator(".widget-dropdown", has_text="data set").locator("select")
        assert select.evaluate("s => s.options[s.selectedIndex].text") == "digits"
        beta = d.page.locator(".widget-slider", has_text="β (weight of Ω)")
        # Locked: marked by the lock of the icon font the page ships (an emoji needs a font
        # many systems lack), which has loaded.
        assert beta.locator("label i.fa-lock").is_visible()
        assert d.page.evaluate(
            "() => [...document.fonts].some(f => f.family.includes('Font Awesome')"
            " && f.status === 'loaded')"
        )
        assert beta.locator(".noUi-target").get_attribute("disabled") is not None
        assert d.page.get_by_text("seed ⟲").count() == 1
        assert d.page.get_by_text("seed ⟲").is_hidden()
        assert d.page.get_by_text("hidden units ⟲").is_visible()  # hiding one hides no other
        assert d.errors == []
    finally:
        d.close()
