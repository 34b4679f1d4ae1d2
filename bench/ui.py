"""The served dashboard as a user meets it, measured in headless Chromium against a Voila
server this script starts (``python -m explorer serve`` on a free loopback port).

    python bench/ui.py [--loads 10] [--moves 50] [--play-seconds 10]

Prints three tables:

- loads: per fresh page (and kernel), seconds from navigation to the first view drawn (the
  images, which need no plotly.js) and to every view drawn, bytes
  received over the websocket, the new kernel's resident memory after the load, and
  whether every view was live (changed after Play);
- slider: ρ key-stepped ``--moves`` times, paused and while playing; latency from the key
  press to the animation frame that drew the KL curve's minimum at the new ρ, both times
  taken in the page (median, p95, max);
- play, in two configurations (the default: 64-25 L-BFGS on 10,000 patches; and 64-25 Adam
  on mini-batches of 256, 20 steps a frame): training steps/s (the status line's count), new
  page states/s (animation frames that drew new filters), how often each view was redrawn
  (the bars, and the slowest of the other views), the lag from a frame arriving at the page
  to its last view drawn (median, p95), and frames drawn after Pause (backlog).
"""

from __future__ import annotations

import argparse
import bisect
import statistics

from explorer.figures.views import VIEWS
from explorer.serving.background import voila_kernels_mb, voila_server
from explorer.serving.page import Dashboard, chromium

ALL_VIEWS = [view.name for view in VIEWS]
RHO = "ρ (target)"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_loads(browser, url: str, loads: int) -> list[dict]:
    rows = []
    for _ in range(loads):
        known = set(voila_kernels_mb())
        dash = Dashboard.open(browser, url)
        before = dash.views()
        dash.play()
        try:
            dash.wait_for_views_to_change(before, ALL_VIEWS, timeout=60)
            live = True
        except Exception:  # a view that never changes: the silent-failure trap
            live = False
        dash.pause()
        new = [mb for pid, mb in voila_kernels_mb().items() if pid not in known]
        first = (
            dash.page.evaluate(
                "() => performance.getEntriesByName('sae-first-draw')[0]?.startTime ?? NaN"
            )
            / 1000
        )
        rows.append({"seconds": dash.load_seconds, "bytes": dash.websocket_bytes, "live": live,
                     "kernel_mb": max(new, default=float("nan")), "first": first})  # fmt: skip
        dash.close()
    return rows


def measure_slider(dash: Dashboard, moves: int) -> list[float]:
    """Latency (ms) of each ρ key step: key press -> first frame drawing the new minimum."""
    dash.slider_handle(RHO).focus()
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


#: (name, dropdown choices, steps per frame) of the configurations played.
PLAY_CONFIGS = (
    ("64-25 L-BFGS, full batch of 10,000 (default)", {}, 1),
    ("64-25 Adam, batches of 256", {"optimiser": "Adam", "batch size": "256"}, 20),
)


def reset(dash: Dashboard) -> None:
    dash.button("Reset").click()
    dash.page.get_by_text("Reset to step 0.").wait_for()


def measure_play(dash: Dashboard, seconds: float, choices: dict, per_frame: int) -> dict:
    for label, option in choices.items():
        dash.choose(label, option)
    dash.type_into_slider("steps / frame", per_frame)
    reset(dash)  # from step 0: every configuration is measured training, not converged
    dash.play()
    dash.wait_for_step_above(0)
    step0, frames0 = dash.step_count(), len(dash.frames())
    t0 = dash.page.evaluate("performance.now()")
    dash.page.wait_for_timeout(seconds * 1000)  # the measurement window itself
    t1 = dash.page.evaluate("performance.now()")
    step1, frames = dash.step_count(), dash.frames()[frames0:]
    dash.pause()
    dash.wait_until_idle()
    paused = len(dash.frames())
    dash.page.wait_for_timeout(1000)  # frames still arriving after Pause would be a backlog
    backlog = len(dash.frames()) - paused
    window = (t1 - t0) / 1000
    rates = {name: sum(name in f["drawn"] for f in frames) / window for name in ALL_VIEWS}
    arrivals = dash.arrivals()
    lags = [f["t"] - arrivals[bisect.bisect_right(arrivals, f["t"]) - 1]
            for f in frames if f["complete"]]  # fmt: skip
    others = {n: r for n, r in rates.items() if n not in ("filters", "activations")}
    slowest = min(others, key=others.get)
    return {"steps_per_s": (step1 - step0) / window, "states_per_s": rates["filters"],
            "bars_per_s": rates["activations"], "slowest": f"{slowest} {others[slowest]:.1f}",
            "lag_p50": statistics.median(lags), "lag_p95": percentile(lags, 0.95),
            "backlog": backlog}  # fmt: skip


def slider_line(name: str, latencies: list[float]) -> str:
    return (f"  {name:<10} median {statistics.median(latencies):.0f}   p95 "
            f"{percentile(latencies, 0.95):.0f}   max {max(latencies):.0f}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("--play-seconds", type=float, default=10.0)
    args = parser.parse_args()
    with voila_server() as url, chromium() as browser:
        loads = measure_loads(browser, url, args.loads)
        dash = Dashboard.open(browser, url)
        paused = measure_slider(dash, args.moves)
        reset(dash)  # training from step 0 while ρ moves (a converged L-BFGS pauses itself)
        dash.play()
        playing = measure_slider(dash, args.moves)
        if dash.button("Pause").count() == 0:
            raise SystemExit(f"play stopped by itself while ρ moved: {dash.status()}")
        dash.pause()
        plays = [(name, measure_play(dash, args.play_seconds, choices, per_frame))
                 for name, choices, per_frame in PLAY_CONFIGS]  # fmt: skip
    print("loads (fresh page and kernel each)")
    print(f"{'load':>5}{'first view drawn (s)':>22}{'every view drawn (s)':>22}"
          f"{'websocket (MB)':>16}{'kernel (MB)':>13}{'all views live':>16}")  # fmt: skip
    for i, row in enumerate(loads, 1):
        print(f"{i:>5}{row['first']:>22.2f}{row['seconds']:>22.2f}{row['bytes'] / 1e6:>16.2f}"
              f"{row['kernel_mb']:>13.0f}{row['live']!s:>16}")  # fmt: skip
    seconds = [r["seconds"] for r in loads]
    print(f"live in {sum(r['live'] for r in loads)}/{len(loads)} loads; drawn in median "
          f"{statistics.median(seconds):.2f} s, max {max(seconds):.2f} s\n")  # fmt: skip
    print(f"slider -> redrawn KL minimum, {args.moves} key steps of ρ (ms)")
    print(slider_line("paused", paused))
    print(slider_line("playing", playing) + "\n")
    print(f"play ({args.play_seconds:.0f} s each)")
    print(f"{'configuration':<48}{'steps/s':>9}{'states/s':>10}{'bars/s':>8}"
          f"{'slowest view /s':>22}{'lag p50':>9}{'lag p95':>9}{'after pause':>13}")  # fmt: skip
    for name, p in plays:
        print(f"{name:<48}{p['steps_per_s']:>9.0f}{p['states_per_s']:>10.1f}"
              f"{p['bars_per_s']:>8.1f}{p['slowest']:>22}{p['lag_p50']:>7.0f}ms"
              f"{p['lag_p95']:>7.0f}ms{p['backlog']:>8} frames")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
