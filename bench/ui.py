"""The served dashboard as a user meets it, measured in headless Chromium against a Voila
server this script starts (``python -m explorer serve`` on a free loopback port, a pool of one
preheated kernel, as users run it).

    python bench/ui.py [--loads 6] [--reloads 3] [--moves 50] [--play-seconds 10] [--quick]

Prints four tables:

- loads: per fresh page (each with a kernel of its own, taken from a warm pool), the page's
  own times from navigation (its ``performance`` clock, milliseconds) to the first widget,
  to the board's first render, to plotly.js asked of the kernel and arrived (blank where the
  template served it, or the browser had stored it), to plotly.js ready (evaluated), to the
  first view drawn (the filters and the penalty curve: what a student reads first) and to
  every view drawn; bytes received over the websocket; the page's kernel's resident memory
  after the load and after Play; whether every view was live (changed after Play). Then the
  same for reloads of a page already open, and the medians;
- slider: ρ key-stepped ``--moves`` times, paused and while playing; latency from the key
  press to the animation frame that drew the KL curve's minimum at the new ρ, both times
  taken in the page (median, p95, max);
- play, in two configurations (the default: 64-25 L-BFGS on 10,000 patches; and 64-25 Adam
  on mini-batches of 256, 20 steps a frame): training steps/s (the status line's count), new
  page states/s (animation frames that drew new filters), how often each view was redrawn
  (the bars, and the slowest of the other views), the lag from a frame arriving at the page
  to its last view drawn (median, p95), and frames drawn after Pause (backlog);
- goals: issue 25's goals beside what this run measured.

There is no peer here: the goals are absolute (issue 25 gives TensorFlow Playground's figures,
measured once from a build of its repository). ``--quick`` runs every part on fewer loads,
moves and seconds (a check that the benchmark works, not a measurement).
"""

from __future__ import annotations

import argparse
import bisect
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from explorer.app.controls import build_controls
from explorer.figures.views import VIEWS
from explorer.serving.background import resident_mb, voila_server, wait_for_warm_kernels
from explorer.serving.page import VIEWPORT, Dashboard, chromium

#: The views the default data set shows (those with ``View.shown`` need known true features).
ALL_VIEWS = [view.name for view in VIEWS if view.shown is None]
#: What a student reads first (issue 25's "first view drawn"): the filters and the penalty curve.
FIRST_VIEWS = ("filters", "kl")

#: Installed before the page's own scripts: when the first widget appeared, and when the first
#: board first drew each view (its "sae-drawn" events, the same the tests read).
LOAD_PROBE_JS = """(() => {
  const load = {widget: null, draws: {}};
  window.__saeLoad = load;
  const observer = new MutationObserver(() => {
    if (document.querySelector('.jupyter-widgets') === null) return;
    load.widget = performance.now();
    observer.disconnect();
  });
  observer.observe(document, {childList: true, subtree: true});
  document.addEventListener('sae-drawn', (e) => {
    if (e.target !== document.querySelector('.sae-board')) return;
    for (const view of e.detail.views) load.draws[view] ??= e.detail.t;
  }, true);
})();"""

#: The load times read from the page: the probe's, and the board's performance marks.
READ_LOAD_JS = """() => {
  const mark = (name) => performance.getEntriesByName(name).at(-1)?.startTime ?? null;
  return {widget: window.__saeLoad.widget, render: mark('sae-render'),
          asked: mark('sae-plotly-asked'), arrived: mark('sae-plotly-arrived'),
          ready: mark('sae-plotly-ready'), draws: window.__saeLoad.draws,
          kernel: JSON.parse(document.getElementById('jupyter-config-data').textContent)
            .kernelId};
}"""

#: The columns of the loads table: (heading, key in a load's row), times in seconds.
LOAD_COLUMNS = (
    ("widget", "widget"),
    ("board", "render"),
    ("plotly asked", "asked"),
    ("arrived", "arrived"),
    ("ready", "ready"),
    ("first view", "first"),
    ("every view", "every"),
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def seconds(ms: float | None) -> float:
    return math.nan if ms is None else ms / 1000


def kernel_mb(kernel_id: str) -> tuple[int, float]:
    """(pid, resident MB) of the kernel ``kernel_id`` (its connection file names it)."""
    found = resident_mb(f"kernel-{kernel_id}.json".encode())
    if len(found) != 1:
        raise RuntimeError(f"kernel {kernel_id}: {len(found)} processes found")
    return next(iter(found.items()))


def load_row(dash: Dashboard) -> dict[str, Any]:
    """The page's times (seconds from navigation), its kernel and what the websocket carried."""
    times = dash.page.evaluate(READ_LOAD_JS)
    draws = times.pop("draws")
    missing = set(ALL_VIEWS) - set(draws)
    if missing:
        raise RuntimeError(f"views never drawn: {sorted(missing)}")
    kernel = times.pop("kernel")
    pid, mb = kernel_mb(kernel)
    row = {key: seconds(ms) for key, ms in times.items()}
    row["first"] = seconds(max(draws[v] for v in FIRST_VIEWS))
    row["every"] = seconds(max(draws.values()))
    return row | {"kernel": kernel, "pid": pid, "kernel_mb": mb, "bytes": dash.websocket_bytes}


def open_page(browser, url: str) -> Dashboard:
    dash = Dashboard(browser.new_page(viewport=VIEWPORT))  # Dashboard.open's, with the probe
    dash.page.add_init_script(LOAD_PROBE_JS)
    dash.page.goto(url, timeout=120_000)
    dash.wait_until_drawn()
    return dash


def check_live(dash: Dashboard, row: dict[str, Any]) -> None:
    """Play until every view changed (the silent-failure trap: a view whose front end missed
    anywidget's start-up deadline draws once and never again), then Pause."""
    before = dash.views()
    dash.play()
    try:
        dash.wait_for_views_to_change(before, ALL_VIEWS, timeout=60)
        row["live"] = True
    except Exception:  # a view that never changes
        row["live"] = False
    dash.pause()
    row["played_mb"] = kernel_mb(row["kernel"])[1]


def measure_loads(browser, url: str, loads: int, used: set[int]) -> list[dict[str, Any]]:
    """Fresh pages, one at a time, each opened once the pool's kernel has built the dashboard
    (``used``: the pids of the kernels pages took, which grows)."""
    rows = []
    for _ in range(loads):
        wait_for_warm_kernels(url, 1, exclude=used)
        dash = open_page(browser, url)
        row = load_row(dash)
        used.add(row["pid"])
        check_live(dash, row)
        rows.append(row)
        dash.close()
    return rows


def measure_reloads(
    dash: Dashboard, url: str, reloads: int, used: set[int]
) -> list[dict[str, Any]]:
    """Reloads of a page already open: its files in the browser's cache, a kernel from the
    warm pool."""
    rows = []
    for _ in range(reloads):
        wait_for_warm_kernels(url, 1, exclude=used)
        dash.websocket_bytes = 0
        dash.page.reload(timeout=120_000)
        dash.wait_until_drawn()
        row = load_row(dash)
        used.add(row["pid"])
        check_live(dash, row)
        rows.append(row)
    return rows


def measure_slider(dash: Dashboard, moves: int) -> list[float]:
    """Latency (ms) of each ρ key step: key press -> first frame drawing the new minimum."""
    dash.control("rho").locator(".noUi-handle").focus()
    latencies = []
    count = "() => window.__sae.frames.length"
    for i in range(moves):
        frames, keys = dash.page.evaluate(count), len(dash.key_times())
        star = dash.page.evaluate("(n) => window.__sae.frames[n - 1]?.star ?? null", frames)
        dash.page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        dash.page.wait_for_function(
            "([star, n]) => window.__sae.frames.slice(n).some(f => f.star !== star)",
            arg=[star, frames],
        )
        pressed = dash.key_times()[keys]
        new = dash.page.evaluate("(n) => window.__sae.frames.slice(n)", frames)
        latencies.append(next(f["t"] for f in new if f["star"] != star) - pressed)
    return latencies


@dataclass(frozen=True)
class PlayConfig:
    name: str
    key: str  # in the goals table
    settings: dict[str, Any]  # control name -> value (the model's, e.g. "adam")
    per_frame: int


PLAY_CONFIGS = (
    PlayConfig("64-25 L-BFGS, full batch of 10,000 (default)", "default", {}, 1),
    PlayConfig("64-25 Adam, batches of 256", "adam", {"optimizer": "adam", "batch_size": 256}, 20),
)


def choose(dash: Dashboard, name: str, value: Any) -> None:
    """Set dropdown ``name`` to ``value`` in the page, by the option the dashboard's own control
    shows for it."""
    option = build_controls({name: value}, names=(name,))[name].label
    dash.control(name).locator("select").select_option(label=option)


def type_into_readout(dash: Dashboard, name: str, value: Any) -> None:
    dash.control(name, "readout").locator("input").click()
    dash.page.keyboard.press("Control+A")
    dash.page.keyboard.type(str(value))
    dash.page.keyboard.press("Enter")


def reset(dash: Dashboard) -> None:
    dash.control("reset").click()
    # The step, not the message "Reset to step 0.": ipywidgets sends a control's changes one
    # at a time, so the last ρ change of measure_slider can reach the kernel after the click
    # and replace the message as soon as it is shown (the bench once waited 30 s for it).
    dash.page.locator("text=/step 0 ·/").first.wait_for()


def measure_play(dash: Dashboard, window_s: float, config: PlayConfig) -> dict[str, Any]:
    for name, value in config.settings.items():
        choose(dash, name, value)
    type_into_readout(dash, "speed", config.per_frame)
    reset(dash)  # from step 0: every configuration is measured training, not converged
    dash.play()
    dash.wait_for_step_above(0)
    step0, frames0 = dash.step_count(), len(dash.frames())
    t0 = dash.page.evaluate("performance.now()")
    dash.page.wait_for_timeout(window_s * 1000)  # the measurement window itself
    t1 = dash.page.evaluate("performance.now()")
    step1, frames = dash.step_count(), dash.frames()[frames0:]
    if dash.button("Pause").count():
        dash.pause()
    elif frames:  # the run stopped itself (converged, or max_iter): the window ends with it
        t1 = frames[-1]["t"]
    dash.wait_until_idle()
    paused = len(dash.frames())
    dash.page.wait_for_timeout(1000)  # frames still arriving after Pause would be a backlog
    backlog = len(dash.frames()) - paused
    window = (t1 - t0) / 1000
    rates = {name: sum(name in f["drawn"] for f in frames) / window for name in ALL_VIEWS}
    arrivals = dash.arrivals()
    lags = [f["t"] - arrivals[bisect.bisect_right(arrivals, f["t"]) - 1]
            for f in frames if f["complete"]]  # fmt: skip
    if not lags:
        raise RuntimeError(f"{config.name}: no complete frame drawn in {window:.1f} s of play")
    others = {n: r for n, r in rates.items() if n not in ("filters", "activations")}
    slowest = min(others, key=others.get)
    return {"steps_per_s": (step1 - step0) / window, "states_per_s": rates["filters"],
            "bars_per_s": rates["activations"], "slowest": f"{slowest} {others[slowest]:.1f}",
            "lag_p50": statistics.median(lags), "lag_p95": percentile(lags, 0.95),
            "backlog": backlog}  # fmt: skip


@dataclass(frozen=True)
class Goal:
    what: str
    unit: str
    measured: Callable[[dict[str, Any]], float]  # from the run's results
    goal: str  # as the issue says it
    met: Callable[[float], bool] | None  # None: a figure to compare with an earlier run's


#: Issue 25's goals (this machine kind, warm pool, median of the fresh loads).
GOALS = (
    Goal("first view drawn (filters, penalty curve)", "s", lambda r: r["loads"]["first"],
         "≤ 1.5", lambda v: v <= 1.5),
    Goal("every view drawn", "s", lambda r: r["loads"]["every"], "≤ 2.5", lambda v: v <= 2.5),
    Goal("reload of a visited page: every view drawn", "s", lambda r: r["reloads"]["every"],
         "≤ 1.5", lambda v: v <= 1.5),
    Goal("default play: new page states/s", "/s", lambda r: r["default"]["states_per_s"],
         "≥ 30", lambda v: v >= 30),
    Goal("default play: training steps/s", "/s", lambda r: r["default"]["steps_per_s"],
         "≥ 80", lambda v: v >= 80),
    Goal("Adam batch 256: new page states/s", "/s", lambda r: r["adam"]["states_per_s"],
         "≥ 30", lambda v: v >= 30),
    Goal("Adam batch 256: training steps/s", "/s", lambda r: r["adam"]["steps_per_s"],
         "≥ 500", lambda v: v >= 500),
    Goal("kernel memory after a load", "MB", lambda r: r["loads"]["kernel_mb"],
         "≈ 100 today", None),
    Goal("ρ slider → redrawn minimum, paused, median", "ms", lambda r: r["slider"]["paused"],
         "keep", None),
    Goal("ρ slider → redrawn minimum, playing, median", "ms", lambda r: r["slider"]["playing"],
         "keep", None),
)  # fmt: skip


def goal_line(goal: Goal, results: dict[str, Any]) -> str:
    value = goal.measured(results)
    verdict = "-" if goal.met is None else "met" if goal.met(value) else "MISSED"
    return f"  {goal.what:<46}{goal.goal:>13}{value:>10.2f} {goal.unit:<4}{verdict:>7}"


def medians(rows: list[dict[str, Any]]) -> dict[str, float]:
    keys = [key for _, key in LOAD_COLUMNS] + ["kernel_mb", "played_mb", "bytes"]
    return {key: statistics.median(row[key] for row in rows) for key in keys}


def print_loads(title: str, rows: list[dict[str, Any]]) -> None:
    print(title)
    heading = "".join(f"{h:>13}" for h, _ in LOAD_COLUMNS)
    print(f"{'':>7}{heading}{'ws MB':>8}{'kernel MB':>11}{'played MB':>11}{'live':>6}")
    for i, row in enumerate(rows, 1):
        cells = "".join(f"{row[key]:>13.2f}" for _, key in LOAD_COLUMNS)
        print(f"{i:>7}{cells}{row['bytes'] / 1e6:>8.2f}{row['kernel_mb']:>11.0f}"
              f"{row['played_mb']:>11.0f}{row['live']!s:>6}")  # fmt: skip
    med = medians(rows)
    cells = "".join(f"{med[key]:>13.2f}" for _, key in LOAD_COLUMNS)
    print(f"{'median':>7}{cells}{med['bytes'] / 1e6:>8.2f}{med['kernel_mb']:>11.0f}"
          f"{med['played_mb']:>11.0f}{sum(r['live'] for r in rows):>4}/{len(rows)}\n")  # fmt: skip


def slider_line(name: str, latencies: list[float]) -> str:
    return (f"  {name:<10} median {statistics.median(latencies):.0f}   p95 "
            f"{percentile(latencies, 0.95):.0f}   max {max(latencies):.0f}")  # fmt: skip


#: (loads, reloads, moves, play seconds) of a --quick run.
QUICK = (2, 1, 3, 2.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=6, help="fresh pages (median of them)")
    parser.add_argument("--reloads", type=int, default=3, help="reloads of a page open")
    parser.add_argument("--moves", type=int, default=50, help="key steps of the ρ slider")
    parser.add_argument("--play-seconds", type=float, default=10.0)
    quick = f"every part, briefly: (loads, reloads, moves, seconds) = {QUICK}"
    parser.add_argument("--quick", action="store_true", help=quick)
    args = parser.parse_args()
    if args.quick:
        args.loads, args.reloads, args.moves, args.play_seconds = QUICK
    used: set[int] = set()  # kernels taken by pages
    with voila_server() as url, chromium() as browser:
        loads = measure_loads(browser, url, args.loads, used)
        wait_for_warm_kernels(url, 1, exclude=used)
        dash = open_page(browser, url)
        used.add(load_row(dash)["pid"])
        reloads = measure_reloads(dash, url, args.reloads, used)
        paused = measure_slider(dash, args.moves)
        reset(dash)  # training from step 0 while ρ moves (a converged L-BFGS pauses itself)
        dash.play()
        playing = measure_slider(dash, args.moves)
        if dash.button("Pause").count() == 0:
            raise SystemExit(f"play stopped by itself while ρ moved: {dash.status()}")
        dash.pause()
        plays = {c.key: measure_play(dash, args.play_seconds, c) for c in PLAY_CONFIGS}
        dash.close()
    print("seconds from navigation (the page's clock), fresh pages, each a kernel of the pool")
    print_loads("loads", loads)
    print_loads("reloads of a page already open", reloads)
    if not all(r["live"] for r in loads + reloads):
        print("NOT LIVE: a view did not change after Play in some load (see 'live')\n")
    print(f"slider -> redrawn KL minimum, {args.moves} key steps of ρ (ms)")
    print(slider_line("paused", paused))
    print(slider_line("playing", playing) + "\n")
    print(f"play ({args.play_seconds:.0f} s each)")
    print(f"{'configuration':<48}{'steps/s':>9}{'states/s':>10}{'bars/s':>8}"
          f"{'slowest view /s':>22}{'lag p50':>9}{'lag p95':>9}{'after pause':>13}")  # fmt: skip
    for config in PLAY_CONFIGS:
        p = plays[config.key]
        print(f"{config.name:<48}{p['steps_per_s']:>9.0f}{p['states_per_s']:>10.1f}"
              f"{p['bars_per_s']:>8.1f}{p['slowest']:>22}{p['lag_p50']:>7.0f}ms"
              f"{p['lag_p95']:>7.0f}ms{p['backlog']:>8} frames")  # fmt: skip
    results = {"loads": medians(loads), "reloads": medians(reloads),
               "slider": {"paused": statistics.median(paused),
                          "playing": statistics.median(playing)}} | plays  # fmt: skip
    print(f"\ngoals (issue 25), medians of {len(loads)} fresh loads and {len(reloads)} reloads")
    print(f"  {'':<46}{'goal':>13}{'measured':>15}")
    for goal in GOALS:
        print(goal_line(goal, results))
    return 0 if all(r["live"] for r in loads + reloads) else 1


if __name__ == "__main__":
    raise SystemExit(main())
