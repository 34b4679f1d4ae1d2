"""A copy of the run for the page to keep, and the run brought back from one.

A kernel can die under an open page (out of memory, a server restart, a laptop asleep past the
idle cull), and everything it held with it. So while the run changes, the kernel sends its page
a copy of the run every few seconds (``Board.keep``): the project's checkpoint format
(``training.checkpoint``), as bytes, with what the dashboard showed. The page keeps the newest
in the browser (IndexedDB, per tab and page address: ``js/src/board/store.js``) and, from a fresh
kernel, sends it back (``restore``): the same settings, weights, step, loss history, timeline
position, unit shown, speed and loss scale.

Bounded: a copy is at most ``MAX_BYTES``, 8 MiB, under Tornado's default 10 MiB cap on a
websocket message (plain Voila and JupyterLab keep it; a restore travels as one message). It
holds the run itself (weights in the model's dtype; the loss terms, of every step up to 65,536
and then evenly thinned, ``history.MAX_STEPS``: at most 2.6 MB; the ρ̂ history) and as many of
the timeline's recorded weights as fit in ``RECORDING_BYTES``, 1 MiB, thinned evenly as the
recording thins itself, always with the step the timeline shows. 64-25-64 (13 KB a recorded
step): the run at most ~2.8 MB, and up to 79 recorded steps of the ≤ 500. 784-196-784 (1.2 MB
a recorded step): the run at most ~5.4 MB (weights 1.2 MB, ρ̂ history up to 1.6 MB) and no
recorded step but the one shown, when the timeline shows an earlier step: the other ≤ 33 are
dropped. Should a copy not fit all the same (a network far larger), it is not sent, the
page keeps the last one that fitted, and the status line says so.

Written uncompressed: zlib shrank a copy by ~9 % and took 20 times as long (measured: 480 ms
against 22 ms for 5.9 MB). A copy goes at most every ``KEEP_SECONDS``, and less often when it
is large or slow to build: on average at most ``KEEP_RATE`` bytes a second over the websocket,
and at most 1/``KEEP_SHARE`` of the kernel's time.
"""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from collections.abc import Callable
from typing import Any, Protocol

from ..training import Session
from ..training.checkpoint import Checkpoint, read_checkpoint, save_session
from ..training.history import TERMS
from .board import Board

MAX_BYTES = 8 * 2**20
RECORDING_BYTES = 2**20
KEEP_SECONDS = 3.0
KEEP_RATE = 512 * 2**10
KEEP_SHARE = 20
#: How a copy sent back is named in what the status line says about it.
NAME = "the run kept in this tab"


class Kept(Protocol):
    """A dashboard whose run the page keeps (``Explorer``)."""

    session: Session

    def view(self) -> dict[str, Any]:
        """What the dashboard shows besides the session (JSON): ``shown``, the step the
        timeline shows (None: the latest), and the view controls' values."""
        ...

    def resume(self, saved: Checkpoint) -> None:
        """Go on from ``saved`` as it was shown; a ValueError or TypeError changes nothing."""
        ...

    def show_message(self, text: str) -> None: ...


def run_bytes(session: Session) -> int:
    """What a copy of ``session`` holds besides the recording, in bytes (within a few KB)."""
    model, history = session.model, session.history
    snapshots = sum(s.nbytes for s in history.snapshots)
    terms = 8 * (len(TERMS) + 1) * len(history.steps)
    return model.theta_.nbytes + terms + snapshots + 8 * model.n_hidden


def page_copy(session: Session, view: dict[str, Any]) -> bytes | None:
    """A copy of ``session`` within ``MAX_BYTES`` with ``view``, or None if the run alone
    does not fit."""
    room = MAX_BYTES - run_bytes(session) - 2**16  # 64 KB for the JSON and the zip's own
    if room < 0:
        return None
    recorded = session.recording.thinned(min(RECORDING_BYTES, room), keep=view.get("shown"))
    buffer = io.BytesIO()
    save_session(session, buffer, recorded=recorded, view=view, compressed=False)
    copy = buffer.getvalue()
    return copy if len(copy) <= MAX_BYTES else None


def read_copy(copy: bytes) -> Checkpoint:
    """The checkpoint in a copy the page sent back, checked. Raises ValueError saying what is
    wrong with it (too large, not a checkpoint, inconsistent: ``read_checkpoint``)."""
    limit = f"the {MAX_BYTES // 2**20} MB a copy may take"
    if len(copy) > MAX_BYTES:
        raise ValueError(f"{NAME} is {len(copy) / 2**20:.1f} MB, over {limit}.")
    try:
        with zipfile.ZipFile(io.BytesIO(copy)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ValueError(f"{NAME} is not a saved run ({exc}).") from exc
    if unpacked > MAX_BYTES:  # a compressed entry could unpack to anything
        raise ValueError(f"{NAME} would unpack to {unpacked / 2**20:.0f} MB, over {limit}.")
    file = io.BytesIO(copy)
    file.name = NAME
    return read_checkpoint(file)


class Keeper:
    """Sends ``board``'s page copies of ``dash``'s run while it changes (``changed``: after
    every redraw; ``flush``: at once, as at pause or a step), and restores one sent back."""

    def __init__(
        self,
        dash: Kept,
        board: Board,
        clock: Callable[[], float] = time.perf_counter,
        cpu: Callable[[], float] = time.thread_time,
    ) -> None:
        # What a copy costs is measured on ``cpu``, the kernel's own time: on a shared machine
        # the clock also counts other processes' turns (one copy "took" 30 times its CPU time).
        self.dash, self.board, self.clock, self.cpu = dash, board, clock, cpu
        self._dirty = False
        self._sent_at = -float("inf")
        self._interval = KEEP_SECONDS
        self._timer: asyncio.TimerHandle | None = None
        self._too_long_said = False
        self._rate_gap = 0.0  # seconds the last copy's bytes take at KEEP_RATE
        board.keeps = True
        board.on_restore = self.restore
        board.on_hello = self.changed  # a page to keep copies: send it one

    def changed(self) -> None:
        """The run or its view changed: a copy goes when the interval allows."""
        self._dirty = True
        self._send_when(self._sent_at + self._interval)

    def flush(self) -> None:
        """Send a copy now if anything changed (the bandwidth bound still holds)."""
        if self._dirty:
            self._send_when(self._sent_at + self._rate_gap)

    def _send_when(self, when: float) -> None:
        wait = when - self.clock()
        if wait <= 0:
            self.send()
        elif self._timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (a script): the next change sends it
                return
            self._timer = loop.call_later(wait, self._due)

    def _due(self) -> None:
        self._timer = None
        if self._dirty:
            self._send_when(self._sent_at + self._interval)

    def send(self) -> None:
        """Send the page a copy of the run now (once there is a page: a preheated kernel
        builds none before its page says hello)."""
        if not self.board.page_seen:
            return
        start = self.cpu()
        session = self.dash.session
        copy = page_copy(session, self.dash.view())
        self._dirty = False
        self._sent_at = self.clock()
        if copy is None:
            self._say_too_long()
            return
        self.board.keep(copy, session.n_steps)
        self._rate_gap = len(copy) / KEEP_RATE
        self._interval = max(KEEP_SECONDS, self._rate_gap, KEEP_SHARE * (self.cpu() - start))
        self._too_long_said = False

    def _say_too_long(self) -> None:
        if not self._too_long_said:
            self._too_long_said = True
            self.dash.show_message(
                f"This run is now too long for the page to keep a copy of it (over "
                f"{MAX_BYTES // 2**20} MB): should the kernel stop, the page brings the run back "
                "as it was when it last fitted."
            )

    def restore(self, copy: bytes) -> None:
        """Go on from ``copy``, sent back by the page; tell the page whether it worked. A copy
        refused changes nothing, here or in the page (it keeps its copy)."""
        try:
            saved = read_copy(copy)
            self.dash.resume(saved)
        except (TypeError, ValueError) as exc:
            self.board.answer_restore(refusal=str(exc))
            self.dash.show_message(f"The run kept in this tab could not be restored: {exc}")
            return
        self.board.answer_restore(step=saved.n_steps)
