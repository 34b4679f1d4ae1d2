"""Frames for the page: what each view draws, as JSON plus binary float32 buffers, carrying
only what changed since the last frame the page was sent.

A frame is ``{"seq": n, "full": bool, "views": {name: part}}`` (``full``: it carries every
view whole, the first frame and the one after ``forget``) with, per view that changed, a
``part`` of

- ``"hidden"``: whether the page hides the view (``View.shown`` says it has nothing to show:
  the recovery views on data without known true features); a hidden view has no traces,
- ``"caption"``: the live text under the view's title,
- ``"layout"``: the view's Plotly layout (its static axes merged with the live ones),
- ``"traces"``: one entry per trace, ``{}`` where nothing changed, else the changed arrays
  (``contract.ARRAY_KEYS``) as ``{"buffer": i, "shape": [...]}`` into the frame's buffer list,
  and ``"style"`` (every other property) when it changed; ``"reset": true`` when the view's
  traces are new (the page's first frame), so the page starts that view afresh.

The page keeps every view's last state and merges a part into it, so a frame of one changed
array costs that array alone. Pure: no widgets here (``app.board`` sends the frames).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import numpy as np

from .contract import ARRAY_KEYS
from .state import Snapshot
from .views import View


def _layout(view: View, snap: Snapshot, overrides: dict[str, Any]) -> dict[str, Any]:
    out = {axis: dict(settings) for axis, settings in view.layout.items()}
    live = view.layout_live(snap) if view.layout_live else {}
    for extra in (live, overrides):
        for axis, settings in extra.items():
            out[axis] = out.get(axis, {}) | settings
    return out


def view_state(view: View, snap: Snapshot, overrides: dict[str, Any] | None = None) -> dict:
    """What ``view`` shows for ``snap``: ``{"traces": [...], "caption": str, "layout": {...},
    "hidden": bool}``, each trace split into its ``style`` and its float32 arrays."""
    if view.shown is not None and not view.shown(snap):
        return {"traces": [], "caption": "", "layout": {}, "hidden": True}
    traces = []
    for props in view.data(snap):
        arrays = {k: np.asarray(props[k], dtype=np.float32) for k in ARRAY_KEYS if k in props}
        # Through JSON once: the page gets plain numbers, and styles compare as text below.
        style = json.loads(_json({k: v for k, v in props.items() if k not in ARRAY_KEYS}))
        traces.append({"style": style, "arrays": arrays})
    return {
        "traces": traces,
        "caption": view.caption(snap) if view.caption else "",
        "layout": _layout(view, snap, overrides or {}),
        "hidden": False,
    }


def _same_array(a: np.ndarray | None, b: np.ndarray) -> bool:
    # NaN marks blank pixels, so NaN == NaN here.
    return a is not None and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


class FrameEncoder:
    """Turns view states into frames, remembering what the page was sent."""

    def __init__(self) -> None:
        self.seq = 0
        self._sent: dict[str, dict] = {}

    def forget(self) -> None:
        """The page lost its state (a new page, a reload): the next frame carries everything."""
        self._sent = {}

    def encode(self, states: dict[str, dict]) -> tuple[dict[str, Any], list[bytes]] | None:
        """The frame taking the page from what it was sent to ``states`` (view name -> state
        from ``view_state``), or None when nothing changed."""
        buffers: list[bytes] = []
        parts: dict[str, dict] = {}
        full = not self._sent  # a frame the page can start from, whatever it had
        for name, state in states.items():
            if state is self._sent.get(name):
                continue  # the very state sent before (a view the board kept): nothing new
            part = self._diff(self._sent.get(name), state, buffers)
            if part:
                parts[name] = part
            self._sent[name] = state
        if not parts:
            return None
        self.seq += 1
        return {"seq": self.seq, "full": full, "views": parts}, buffers

    @staticmethod
    def _diff(old: dict | None, new: dict, buffers: list[bytes]) -> dict[str, Any]:
        part: dict[str, Any] = {}
        for key in ("hidden", "caption", "layout"):
            if old is None or old[key] != new[key]:
                part[key] = new[key]
        old_traces = old["traces"] if old and len(old["traces"]) == len(new["traces"]) else None
        entries, changed = [], False
        for i, trace in enumerate(new["traces"]):
            before = old_traces[i] if old_traces else None
            entry: dict[str, Any] = {}
            if before is None or before["style"] != trace["style"]:
                entry["style"] = trace["style"]
            for key, array in trace["arrays"].items():
                if before is None or not _same_array(before["arrays"].get(key), array):
                    entry[key] = {"buffer": len(buffers), "shape": list(array.shape)}
                    buffers.append(np.ascontiguousarray(array).tobytes())
            changed |= bool(entry)
            entries.append(entry)
        if old_traces is None:
            part["reset"] = True  # a new set of traces: the page starts the view afresh
        if changed or old_traces is None:
            part["traces"] = entries
        return part


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=float)


def spec(views: Iterable[View], prefix: str = "", picks: bool = True) -> list[dict[str, Any]]:
    """The page's static description of the views, in reading order: name, title, kind,
    whether a click on it selects a unit, and whether it is shown only at times (``View.shown``:
    the page hides it until a frame shows it)."""
    return [
        {
            "name": v.name,
            "title": f"{prefix}{v.title}",
            "kind": v.kind,
            "clickable": picks and v.pick is not None,
            "optional": v.shown is not None,
        }
        for v in views
    ]
