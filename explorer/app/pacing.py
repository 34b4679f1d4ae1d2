"""When may the play loop send the page a new frame, and is anybody still watching?

The page acknowledges every frame it draws: the board (``app.board``) answers "drawn" once
it has drawn all a frame carried. So the play loop can

- send a frame only once the page drew the previous one: frames never queue up in the
  browser, and the frame rate follows what the page can draw (the browser and the kernel
  share two cores here);
- notice that nobody is watching: a tab closed mid-play stops acknowledging, and a kernel
  that keeps sending is never idle, so the server's idle culling would never stop it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Frames per second at most. The page draws a frame in ~10-30 ms (docs/drawing.md): 30 a
#: second leaves the browser, which shares the machine with the kernel, time to breathe.
MAX_FPS = 30
#: Building frames may take at most 1/FRAME_SHARE of the loop's time, or training starves
#: (measured in Voila: 7 steps/s at 20 frames/s against 23 at 5 frames/s, L-BFGS on 10,000
#: patches).
FRAME_SHARE = 4
#: A frame not acknowledged this long is given up on and the next one sent anyway: a page
#: that was reloaded never acknowledges frames sent to its predecessor.
RESEND_SECONDS = 2.0
#: Nothing acknowledged for this long while playing: no page is showing the dashboard.
UNWATCHED_SECONDS = 30.0


class FramePacer:
    """Decides when the play loop draws. Call ``start`` when play starts, ``sent`` after each
    frame with what it cost, and ``acknowledged`` when the page reports a frame drawn."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.start()

    def start(self) -> None:
        now = self.clock()
        self._interval = 1.0 / MAX_FPS
        self._last_sent = -float("inf")
        self._waiting = False  # a frame is on its way to the page
        self._last_ack = now  # a fresh start counts as seen

    def sent(self, cost: float) -> None:
        self._last_sent = self.clock()
        self._waiting = True
        self._interval = max(1.0 / MAX_FPS, FRAME_SHARE * cost)

    def acknowledged(self) -> None:
        self._waiting = False
        self._last_ack = self.clock()

    def due(self) -> bool:
        """Is it time for a frame: the rate allows it and the page is ready for one?"""
        since = self.clock() - self._last_sent
        return since >= self._interval and (not self._waiting or since >= RESEND_SECONDS)

    def unwatched(self) -> bool:
        """Have frames gone unacknowledged for ``UNWATCHED_SECONDS``?"""
        return self._waiting and self.clock() - self._last_ack >= UNWATCHED_SECONDS
