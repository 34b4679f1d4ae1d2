"""Does a long session hold? One served dashboard plays for half an hour in headless Chromium
(against ``python -m explorer serve`` on a free loopback port), and every so often the script
reads the kernel's resident memory (/proc), the page's live JavaScript heap (after a garbage
collection, through the Chrome DevTools Protocol), the training steps/s (the status line) and
the new page states/s (animation frames that drew new filters).

    python bench/soak.py [--minutes 30] [--every 60] [--quick]

The run trains 64-25 with Adam on mini-batches of 256, 20 steps a frame: L-BFGS, the default,
stops by itself once it converges, and Adam never does, so this is also the run that grows
fastest (steps a second). Prints every reading, then the start, middle and end rows and the
issue's goals: the kernel's memory bounded (the recording's 40 MB cap plus a constant), the
page's heap bounded, states/s at the end within 10 % of the start (the mean of the first and
of the last fifth of the readings). ``--quick``: every part, in 2 minutes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from explorer.serving.background import kernel_pid, voila_server
from explorer.serving.page import Dashboard, chromium
from explorer.training.recording import MAX_BYTES

#: The run: 64-25 Adam, mini-batches of 256 (set by the page's address, as a link does).
QUERY = "?optimizer=adam&batch_size=256"
PER_FRAME = 20
#: Growth allowed on top of the recording's cap: the rest of a run's state that grows with it
#: (the loss history: four floats a step, and the model's own loss curve), Python's allocator.
KERNEL_CONSTANT_MB = 30
PAGE_HEAP_MB = 20  # the page keeps nothing that grows with the run
#: States/s at the end may fall this much below the start.
STATES_TOLERANCE = 0.10

#: Installed before the page's scripts: counts the animation frames that drew new filters.
COUNTER_JS = """(() => {
  window.__soakStates = 0;
  document.addEventListener('sae-drawn', (e) => {
    if (e.detail.views.includes('filters')) window.__soakStates += 1;
  }, true);
})();"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"no VmRSS for process {pid}")


class Soak:
    """The page, its kernel and the readings taken of them."""

    def __init__(self, dash: Dashboard) -> None:
        self.dash = dash
        self.pid = kernel_pid(dash.kernel_id())
        self.cdp = dash.page.context.new_cdp_session(dash.page)
        self.cdp.send("Performance.enable")
        self.rows: list[dict[str, Any]] = []
        self._last = self._counts()

    def _counts(self) -> tuple[float, int, int]:
        states = self.dash.page.evaluate("() => window.__soakStates")
        return time.monotonic(), self.dash.step_count(), states

    def heap_mb(self) -> float:
        self.cdp.send("HeapProfiler.collectGarbage")
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize") / 2**20

    def read(self, start: float) -> dict[str, Any]:
        # The test helpers' log of every frame drawn would grow the heap measured: emptied.
        self.dash.page.evaluate("() => { window.__sae.frames.length = 0; }")
        now = self._counts()
        (t0, step0, states0), (t1, step1, states1) = self._last, now
        self._last = now
        kept = self.dash.page.evaluate("() => document.querySelector('.sae-live').dataset.kept")
        row = {
            "minutes": (t1 - start) / 60,
            "step": step1,
            "steps/s": (step1 - step0) / (t1 - t0),
            "states/s": (states1 - states0) / (t1 - t0),
            "kernel MB": rss_mb(self.pid),
            "page heap MB": self.heap_mb(),
            "kept step": int(kept) if kept else -1,
        }
        self.rows.append(row)
        return row


COLUMNS = ("minutes", "step", "steps/s", "states/s", "kernel MB", "page heap MB", "kept step")
FORMATS = ("{:>10.1f}", "{:>10d}", "{:>10.0f}", "{:>10.1f}", "{:>12.0f}", "{:>14.1f}", "{:>11d}")


def line(label: str, row: dict[str, Any]) -> str:
    cells = "".join(f.format(row[c]) for c, f in zip(COLUMNS, FORMATS, strict=True))
    return f"{label:<8}{cells}"


def heading() -> str:
    widths = (10, 10, 10, 10, 12, 14, 11)
    return f"{'':<8}" + "".join(f"{c:>{w}}" for c, w in zip(COLUMNS, widths, strict=True))


def mean_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    row = {c: statistics.fmean(r[c] for r in rows) for c in COLUMNS}
    return row | {"step": rows[-1]["step"], "kept step": rows[-1]["kept step"]}


def goals(rows: list[dict[str, Any]]) -> list[tuple[str, str, str, bool]]:
    """(what, goal, measured, met) for the issue's goals."""
    fifth = max(1, len(rows) // 5)
    first, last = mean_row(rows[:fifth]), mean_row(rows[-fifth:])
    kernel_growth = rows[-1]["kernel MB"] - rows[0]["kernel MB"]
    kernel_bound = MAX_BYTES / 2**20 + KERNEL_CONSTANT_MB
    heap_growth = rows[-1]["page heap MB"] - rows[0]["page heap MB"]
    change = last["states/s"] / first["states/s"] - 1 if first["states/s"] else float("nan")
    return [
        ("kernel memory growth", f"≤ {kernel_bound:.0f} MB", f"{kernel_growth:+.0f} MB",
         kernel_growth <= kernel_bound),
        ("page heap growth", f"≤ {PAGE_HEAP_MB} MB", f"{heap_growth:+.1f} MB",
         heap_growth <= PAGE_HEAP_MB),
        ("states/s, last fifth against first", f"≥ {-STATES_TOLERANCE:.0%}", f"{change:+.1%}",
         change >= -STATES_TOLERANCE),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to play")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between readings")
    parser.add_argument("--quick", action="store_true", help="2 minutes, a reading every 20 s")
    args = parser.parse_args()
    if args.quick:
        args.minutes, args.every = 2.0, 20.0
    with voila_server() as url, chromium() as browser:
        dash = Dashboard(browser.new_page())
        dash.page.add_init_script(COUNTER_JS)
        dash.page.goto(url + QUERY, timeout=120_000)
        dash.wait_until_drawn()
        box = dash.control("speed", "readout").locator("input")
        box.fill(str(PER_FRAME))
        box.press("Enter")
        soak = Soak(dash)
        dash.play()
        start = time.monotonic()
        print(f"64-25 Adam, batches of 256, {PER_FRAME} steps a frame, {args.minutes:g} minutes")
        print(heading(), flush=True)
        while time.monotonic() - start < args.minutes * 60:
            dash.page.wait_for_timeout(args.every * 1000)  # the reading's interval itself
            if dash.button("Pause").count() == 0:
                raise SystemExit(f"play stopped by itself: {dash.status()}")
            print(line("", soak.read(start)), flush=True)
        dash.pause()
        errors = dash.errors
        dash.close()
    rows = soak.rows
    print("\n" + heading())
    for label, row in (("start", rows[0]), ("middle", rows[len(rows) // 2]), ("end", rows[-1])):
        print(line(label, row))
    print("\ngoals (issue 26; states/s: the mean of the first and of the last fifth)")
    for what, goal, measured, ok in goals(rows):
        print(f"  {what:<38}{goal:>12}{measured:>12}  {'met' if ok else 'MISSED'}")
    if errors:
        print(f"page errors: {errors}")
    return 0 if not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
