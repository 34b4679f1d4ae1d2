"""When may the play loop send the page a new frame, and is anybody still watching?

The page acknowledges every frame it draws: the board (``app.board``) answers "drawn" once
it has drawn all a frame carried. So the play loop can

- send a frame only while fewer than ``MAX_IN_FLIGHT`` are undrawn: frames never queue up
  in the browser, and the frame rate follows what the page can draw (the browser and the
  kernel share two cores here);
- notice that nobody is watching: a tab closed mid-play stops acknowledging, and a kernel
  that keeps sending is never idle, so the server's idle culling would never stop it.

The derivation views (the chain rule, the tug of war) need a gradient pass of their own
(``training.forces.measure``), as costly as a training step: while playing it is repeated
only as often as ``Remeasure`` allows, and the frames between show the last one.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Frames per second at most: the page's animation frames. The page's answers pace the loop
#: below that; a lower cap costs a whole chunk of steps whenever a chunk ends just before it
#: (measured at 30: the loop sent every second chunk, 16 frames/s at 40 steps/s).
MAX_FPS = 60
#: Building frames may take at most 1/FRAME_SHARE of the loop's time, or training starves
#: (measured in Voila: 7 steps/s at 20 frames/s against 23 at 5 frames/s, L-BFGS on 10,000
#: patches). A frame's cost is its wall time, not its CPU time: on a machine shared with other
#: work both the frame and the training take longer by the same factor, so frames keep to a
#: quarter of what the kernel gets. Counted in CPU time (tried), frames took most of a starved
#: kernel's core: at load average 14-19 on 2 cores, Adam's steps/s fell from 727 to 466 for no
#: more states/s drawn (median of 3 runs each, interleaved).
FRAME_SHARE = 4
#: Frames on their way at once. One would leave the page idle while its answer travels back
#: and the kernel finishes its chunk of steps (measured: a round trip of 60-120 ms, ~10
#: frames/s); with more, the next frames are on their way while the page draws (two and three
#: measured alike within noise here; five gained nothing). The page draws them one per
#: animation frame, at most one behind the newest it has, so nothing queues up.
MAX_IN_FLIGHT = 3
#: A frame not acknowledged this long is given up on and the next one sent anyway: a page
#: that was reloaded never acknowledges frames sent to its predecessor.
RESEND_SECONDS = 2.0
#: Nothing acknowledged for this long while playing: no page is showing the dashboard.
UNWATCHED_SECONDS = 30.0


class FramePacer:
    """Decides when the play loop draws. Call ``start`` when play starts, ``sent`` after each
    frame with what it cost (seconds) and how many frames the page has not drawn yet, and
    ``acknowledged`` with that number when the page reports a frame drawn."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.start()

    def start(self) -> None:
        now = self.clock()
        self._interval = 1.0 / MAX_FPS
        self._last_sent = -float("inf")
        self._in_flight = 0  # frames on their way to the page or not yet drawn there
        self._last_ack = now  # a fresh start counts as seen

    def sent(self, cost: float, in_flight: int = 1) -> None:
        self._last_sent = self.clock()
        self._in_flight = in_flight
        self._interval = max(1.0 / MAX_FPS, FRAME_SHARE * cost)

    def acknowledged(self, in_flight: int = 0) -> None:
        self._in_flight = in_flight
        self._last_ack = self.clock()

    def due(self, chunk: float = 0.0) -> bool:
        """Is it time for a frame: the rate allows it and the page is ready for one?

        ``chunk``: the seconds until the loop asks again (its last chunk of training). The
        frame goes at the question nearest to when it is due, not at the first one after it:
        with chunks of 7.5 ms and a frame due every 16.7 ms, the first question after it came
        every third chunk (25 ms, 28 frames/s), the nearest comes every second one."""
        since = self.clock() - self._last_sent
        ready = self._in_flight < MAX_IN_FLIGHT or since >= RESEND_SECONDS
        return since + chunk / 2 >= self._interval and ready

    def unwatched(self) -> bool:
        """Have frames gone unacknowledged for ``UNWATCHED_SECONDS``?"""
        return self._in_flight > 0 and self.clock() - self._last_ack >= UNWATCHED_SECONDS


#: While playing, the derivation views' gradient pass is repeated at most every this many
#: seconds, and takes at most 1/DERIVATION_SHARE of the loop's time: measured every frame, it
#: cost 5 ms a frame against 2 ms for the rest of the frame (64-25, 10,000 patches, L-BFGS),
#: and the frame's cost spaces the frames (``FRAME_SHARE``). Twice a second the numbers can
#: still be read as they change. The views between show the last measurement, whose
#: captions name its step.
DERIVATION_SECONDS = 0.5
DERIVATION_SHARE = 10


class Remeasure:
    """Whether the play loop may measure the derivation views' gradient again: ``due()``;
    ``measured(cost)`` after each measurement, with its CPU seconds."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self._last = -float("inf")
        self._interval = DERIVATION_SECONDS

    def due(self) -> bool:
        return self.clock() - self._last >= self._interval

    def measured(self, cost: float) -> None:
        self._last = self.clock()
        self._interval = max(DERIVATION_SECONDS, DERIVATION_SHARE * cost)
