"""The live views' widget: our own anywidget, drawing each view in its own panel.

Why our own: plotly's FigureWidget replots its whole figure on every update and echoes every
trace back to the kernel; one figure of nine views kept the page's main thread busy ~240 ms a
frame, two frames a second (docs/drawing.md). Here

- the module anywidget loads is small (``static/board.js``, bundled from ``js/src/board``:
  ``frontend``): it must initialise within
  anywidget's fixed ~2 s deadline or the widget is silently dead. plotly.js comes apart, once
  per page: a page served with our Voila template has fetched and run it while Voila started
  (the template's static file); elsewhere (JupyterLab) the page asks the kernel for it, one
  binary message, or takes it from the browser's own store when the page has had this very
  bundle before (the ``plotly`` trait names it): nothing is fetched from any host but the
  kernel's server. It is plotly's partial bundle with the cartesian axes (1.2 MB), not the
  full one the plotly package installs (4.8 MB, five times as long to evaluate): the board
  draws only axes with it;
- frames are binary float32 arrays carrying only what changed (``figures.frames``); the page
  draws each on an animation frame of its own (at most one behind) and answers ``drawn``,
  which paces the play loop (``pacing.FramePacer``);
- images go on ``<canvas>``; a chart is a Plotly graph drawing its axes (when they change)
  with its traces painted on a canvas over them (in every frame);
- the ρ-dependent traces (the penalty curve, its minimum, the target lines) follow the page's
  ``rho`` trait, which the dashboards link to their ρ slider in the page (``jslink``): the
  curve moves with the slider with no kernel round trip;
- the page pings the board and says in words when nothing answers (``js/src/board/connection.js``,
  ``keeper.js``); a board that ``keeps`` sends the page copies of its run to keep
  (``app.keeper``) and takes one back.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import ipywidgets as widgets
import traitlets

from ..core.heap import trim
from ..figures import FrameEncoder, Snapshot, View, spec, view_state
from ..figures.contract import page_contract
from . import frontend

#: plotly's official partial bundle holding the cartesian axes, and its version: the plotly.js
#: version of the plotly package (tests check the file's header against both). Shipped with
#: its licence; ``scripts/fetch_plotly.py`` fetches it again from npm after a version change.
PLOTLY_PACKAGE = "plotly.js-basic-dist-min"
PLOTLY_VERSION = "4.1.1"
#: Where it is: a static file of our Voila template, which Voila serves by URL (the template's
#: page runs it while Voila starts); the board sends the same file to a page that asks for it.
#: A file of the package all the same (the wheel holds the template twice: in the package,
#: and as shared data for plain ``voila``).
PLOTLY_DIR = (
    Path(__file__).parents[1] / "serving/share/jupyter/voila/templates/explorer/static/plotly"
)
PLOTLY_JS = PLOTLY_DIR / "plotly-basic.min.js"
PLOTLY_LICENSE = PLOTLY_DIR / "LICENSE"
#: The class of the dashboards' boxes whose controls ``static/board.css`` (loaded with the
#: board) draws focus rings in.
DASHBOARD_CLASS = "sae-dashboard"
#: The class of a whole live dashboard (``live.LiveDashboard``): what the page freezes when its
#: kernel is lost, with the banner above it (``js/src/board/banner.js``).
LIVE_CLASS = "sae-live"


def plotly_js() -> bytes:
    """The plotly.js bundle the page draws axes with, read from the package each time a page
    asks for it: a page asks once, or never when it stored this bundle before, and 1.2 MB held
    in every kernel for that would outweigh the millisecond the reading takes."""
    return PLOTLY_JS.read_bytes()


@functools.cache
def plotly_id() -> str:
    """The bundle's name, version and content hash: a page that stored this very bundle before
    uses its copy instead of asking for it again."""
    digest = hashlib.sha256(plotly_js()).hexdigest()[:16]
    return f"{PLOTLY_PACKAGE}@{PLOTLY_VERSION}+{digest}"


class Board(anywidget.AnyWidget):
    """Every view of one run, each in its own panel, drawn in the page.

    Call ``show(snapshot)`` to draw a state; ``on_drawn`` is called each time the page has
    drawn a frame and ``on_pick(unit)`` when a click in the page selects a unit.
    """

    _esm = frontend.module("board")
    _css = frontend.stylesheet("board")
    #: The views' names, titles and kinds, in reading order (``figures.frames.spec``).
    views = traitlets.List().tag(sync=True)
    #: The ρ the page draws the ρ-dependent traces for (``follow`` links it to a slider).
    rho = traitlets.Float(0.01).tag(sync=True)
    #: Most columns the panels flow into (fewer on a narrow page).
    max_columns = traitlets.Int(3).tag(sync=True)
    #: What the page can draw (``figures.contract``): the page takes the array keys, dashes and
    #: colour maps from it and refuses to start when it lacks anything it names.
    contract = traitlets.Dict().tag(sync=True)
    #: The plotly.js bundle the kernel sends when asked (``plotly_id``).
    plotly = traitlets.Unicode().tag(sync=True)
    #: Does this board send the page copies of its run to keep (``keep``)?
    keeps = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self, views: Iterable[View], prefix: str = "", picks: bool = True, **kwargs: Any
    ) -> None:
        # ``picks``: clicks on the views select a unit (the dashboards with a unit inspector).
        self._views = {v.name: v for v in views}
        self._picks = picks
        super().__init__(
            views=spec(self._views.values(), prefix, picks),
            plotly=plotly_id(),
            contract=page_contract(),
            **kwargs,
        )
        self._encoder = FrameEncoder()
        self._acknowledged = 0  # the newest frame the page said it drew
        self._states: dict[str, dict] = {}
        self._keys: dict[str, Any] = {}  # each view's key when its state was built
        self._snap: Snapshot | None = None
        self._layout_overrides: dict[str, dict[str, Any]] = {}
        self.on_drawn: Callable[[], None] = lambda: None
        self.on_pick: Callable[[int], None] = lambda unit: None
        self.on_error: Callable[[BaseException], None] = lambda exc: None
        #: Called when a page says hello (``page_seen``), and with the bytes of a copy of the
        #: run the page kept (``keep``) when it sends one back.
        self.on_hello: Callable[[], None] = lambda: None
        self.on_restore: Callable[[bytes], None] = lambda blob: None
        self.page_seen = False
        #: Seconds the kernel may be silent (a chunk of training that long blocks it): the page
        #: waits this long and more for an answer before it thinks the kernel lost.
        self.quiet = 0.0
        self.on_msg(self._on_page_message)

    def follow(self, slider: Any) -> Board:
        """Draw the ρ-dependent traces for ``slider``'s ρ, linked in the page itself: the curve
        moves with the slider with no kernel round trip. Returns the board."""
        self.rho = slider.value
        widgets.jslink((slider, "value"), (self, "rho"))
        return self

    # ------------------------------------------------------------------ drawing
    def show(self, snap: Snapshot) -> bool:
        """Draw ``snap``; True if the page was sent anything (only what changed goes)."""
        self._snap = snap
        for name, view in self._views.items():
            overrides = self._layout_overrides.get(name)
            key = (view.key(snap), overrides) if view.key else None
            if key is None or self._keys.get(name) != key:
                self._states[name] = view_state(view, snap, overrides)
                self._keys[name] = key
        return self._send_frame(self._states)

    def relayout(self, name: str, layout: dict[str, Any]) -> None:
        """Override part of view ``name``'s layout (e.g. a log axis) from now on."""
        self._layout_overrides[name] = layout
        if self._snap is not None:
            self.show(self._snap)

    def _send_frame(self, states: dict[str, dict]) -> bool:
        frame = self._encoder.encode(states)
        if frame is None:
            return False
        content, buffers = frame
        self.send({"type": "sae-frame", **content}, buffers)
        return True

    # ------------------------------------------------------------------ what is shown
    def traces(self, name: str) -> list[dict[str, Any]]:
        """View ``name``'s traces as last sent: each its style with its arrays (float32)."""
        return [t["style"] | t["arrays"] for t in self._states[name]["traces"]]

    def caption(self, name: str) -> str:
        return self._states[name]["caption"]

    def hidden(self, name: str) -> bool:
        """Is view ``name`` hidden in the page (``View.shown``: nothing to show)?"""
        return self._states[name]["hidden"]

    def layout(self, name: str) -> dict[str, Any]:
        return self._states[name]["layout"]

    # ------------------------------------------------------------------ the page's messages
    def _on_page_message(self, _: Any, content: dict, buffers: list) -> None:
        handler = self._HANDLERS.get(content.get("type"))
        if handler is not None:
            try:
                handler(self, content, buffers)
            except Exception as exc:  # a callback error must not be lost in the kernel log
                self.on_error(exc)

    def _hello(self, *_: Any) -> None:
        # A page (new, reloaded, or back after its connection dropped) may lack any frame sent
        # so far: send it everything as it is now. Frames sent before will never be answered:
        # whoever waits for their acknowledgement (``on_drawn``) waits no more.
        self._encoder.forget()
        self._acknowledged = self._encoder.seq
        self._send_frame(self._states)
        self.page_seen = True
        self.on_drawn()
        self.on_hello()
        # A page's arrival is one-off work: every widget's state for it, the full frame and a
        # copy of the run to keep freed ~4.5 MB of heap (measured in a served kernel).
        trim()

    def _plotly(self, *_: Any) -> None:
        self.send({"type": "sae-plotly"}, [plotly_js()])

    def _ping(self, content: dict, _: list | None = None) -> None:
        self.send({"type": "sae-pong", "n": content.get("n"), "quiet": self.quiet})

    # ------------------------------------------------------------------ the run the page keeps
    def keep(self, copy: bytes, step: int) -> None:
        """Send the page a copy of the run at ``step`` to keep (``app.keeper``)."""
        self.send({"type": "sae-keep", "step": step, "bytes": len(copy)}, [copy])

    def answer_restore(self, step: int | None = None, refusal: str = "") -> None:
        """Tell the page that the copy it sent back was restored (at ``step``) or refused."""
        if refusal:
            self.send({"type": "sae-refused", "message": refusal})
        else:
            self.send({"type": "sae-restored", "step": step})

    def _restore(self, _: dict, buffers: list) -> None:
        if not buffers:
            self.answer_restore(refusal="The page sent no run to restore.")
            return
        self.on_restore(bytes(buffers[0]))

    @property
    def in_flight(self) -> int:
        """Frames sent that the page has not yet said it drew (it draws them in order, so its
        answer to one frame answers every earlier one too)."""
        return self._encoder.seq - self._acknowledged

    def _drawn(self, content: dict, _: list | None = None) -> None:
        self._acknowledged = max(self._acknowledged, int(content.get("seq", 0)))
        self.on_drawn()

    def _click(self, content: dict, _: list | None = None) -> None:
        view = self._views.get(content.get("view", ""))
        if not self._picks or view is None or view.pick is None or self._snap is None:
            return
        unit = view.pick(self._snap, int(content["a"]), int(content["b"]))
        if unit is not None:
            self.on_pick(unit)

    _HANDLERS: ClassVar[dict[str, Callable[[Board, dict, list], None]]] = {
        "hello": _hello,
        "plotly": _plotly,
        "drawn": _drawn,
        "click": _click,
        "ping": _ping,
        "restore": _restore,
    }
