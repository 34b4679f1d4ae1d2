"""The page's frame loop (js/src/board/frames.js), run in Node.js with a board of stand-ins:
which state each animation frame draws, and what the kernel hears back."""

from __future__ import annotations

from typing import Any

from jsnode import run, src

#: A FrameLoop over a board of two views; `input.script` is a list of events: ["frame", seq,
#: value] (a frame setting both views' trace style to `value`), ["tick"] (an animation frame),
#: ["unready", name] (the view cannot be painted yet). Answers, per tick, what each view drew
#: and the "drawn" messages sent.
SCRIPT = f"""
import {{ FrameLoop }} from "{src("board/frames.js")}";
let pending = null;
globalThis.requestAnimationFrame = (f) => {{ pending = f; return 1; }};
globalThis.cancelAnimationFrame = () => {{ pending = null; }};
const unready = new Set();
const sent = [];
const panel = () => ({{ traces: [], section: {{ style: {{}} }} }});
const panels = new Map(["filters", "kl"].map((name) => [name, panel()]));
const board = {{
  panels,
  contract: {{ array_keys: [] }},
  el: {{ dataset: {{}}, dispatchEvent() {{}} }},
  model: {{ send: (m) => sent.push(m) }},
  canPaint: (panel) => !unready.has([...panels].find(([, p]) => p === panel)[0]),
  paint(panel) {{
    if (!this.canPaint(panel)) return false;  // as the board's: it waits
    panel.drawn = panel.traces[0].style.value;
    return true;
  }},
}};
const loop = new FrameLoop(board);
const ticks = [];
for (const [kind, a, b] of input) {{
  if (kind === "unready") unready.add(a);
  if (kind === "ready") {{ unready.delete(a); loop.mark([a]); }}
  if (kind === "frame") {{
    const part = {{ traces: [{{ style: {{ value: b }} }}] }};
    loop.receive({{ seq: a, full: a === 1, views: {{ filters: part, kl: part }} }}, []);
  }}
  if (kind === "tick") {{
    for (const p of panels.values()) p.drawn = null;
    sent.length = 0;
    const f = pending; pending = null;
    if (f) f();
    ticks.push({{ filters: panels.get("filters").drawn, kl: panels.get("kl").drawn,
                  acks: sent.map((m) => m.seq), idle: board.el.dataset.idle,
                  scheduled: pending !== null }});
  }}
}}
output(ticks);
"""


def ticks(*events: list) -> list[dict[str, Any]]:
    return run(SCRIPT, list(events))


def test_two_frames_arriving_within_one_animation_frame_are_each_drawn_and_answered() -> None:
    got = ticks(["frame", 1, "a"], ["frame", 2, "b"], ["tick"], ["tick"], ["tick"])
    assert [(t["filters"], t["kl"], t["acks"]) for t in got] == [
        ("a", "a", [1]),
        ("b", "b", [2]),
        (None, None, []),
    ]
    assert [t["idle"] for t in got] == ["false", "true", "true"]
    assert [t["scheduled"] for t in got] == [True, False, False]


def test_a_page_falling_behind_merges_the_older_frames_and_stays_one_frame_behind() -> None:
    got = ticks(*[["frame", n, f"s{n}"] for n in range(1, 5)], ["tick"], ["tick"], ["tick"])
    # Four waiting: the first tick merges 1-3 and draws 3 (4 waits one animation frame).
    assert [(t["filters"], t["acks"]) for t in got] == [("s3", [3]), ("s4", [4]), (None, [])]


def test_a_frame_waits_for_the_last_to_be_drawn_whole_but_not_for_views_that_cannot_draw() -> None:
    got = ticks(
        ["unready", "kl"],  # a chart before plotly.js: never waited for
        ["frame", 1, "a"],
        ["frame", 2, "b"],
        ["tick"],
        ["tick"],
        ["ready", "kl"],
        ["tick"],
    )
    assert [(t["filters"], t["kl"], t["acks"]) for t in got] == [
        ("a", None, [1]),
        ("b", None, [2]),
        (None, "b", []),  # plotly.js arrived: the chart draws the newest state it has
    ]


def test_frames_before_the_whole_state_are_not_drawn() -> None:
    got = ticks(["frame", 2, "x"], ["tick"], ["frame", 1, "a"], ["tick"])
    assert [(t["filters"], t["acks"]) for t in got] == [(None, []), ("a", [1])]
