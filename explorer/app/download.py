"""A button that downloads bytes made in Python at click time, with nothing written to disk.

The page asks, Python answers: a click sends ``{"event": "download", "request": id}`` to the
kernel; Python calls ``content()`` and replies with the same id, the file name and MIME type,
and the bytes as a binary buffer (no base64). The page turns the buffer into a Blob and clicks
a temporary ``<a download>`` link. The request id matters because every view of the widget
receives the reply: only the view that was clicked saves the file. The page's code is
``js/src/download.js`` (``frontend``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from . import frontend


class DownloadButton(anywidget.AnyWidget):
    """A button that downloads ``content()`` as ``filename``, made when it is clicked.

    Parameters
    ----------
    content : callable () -> bytes
        Makes the file's bytes; called once per click, in the kernel.
    filename : str
        The name the browser saves the file under.
    mime : str
        The file's MIME type.
    filename_for : callable () -> str, optional
        If given, sets ``filename`` at each click (for names that carry changing state).
    on_error : callable (Exception) -> None, optional
        Gets any exception raised while making the file; then nothing is sent. Without it
        the error is logged, since a widget callback must never raise.
    **traits
        ``description``, ``tooltip``, ``disabled``.
    """

    _esm = frontend.module("download")
    _css = frontend.stylesheet("download")
    description = traitlets.Unicode("Download").tag(sync=True)
    filename = traitlets.Unicode("download").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        content: Callable[[], bytes],
        filename: str = "download",
        mime: str = "application/octet-stream",
        filename_for: Callable[[], str] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        **traits: Any,
    ) -> None:
        if not callable(content):
            raise TypeError(f"content={content!r} is not allowed: it must be a callable -> bytes.")
        super().__init__(filename=filename, **traits)
        self.content = content
        self.mime = mime
        self.filename_for = filename_for
        self.on_error = on_error
        self.on_msg(self._on_message)

    def payload(self) -> tuple[dict[str, str], bytes]:
        """The reply to a click: (message without the request id, file bytes)."""
        if self.filename_for is not None:
            self.filename = self.filename_for()
        data = self.content()
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(
                f"{self.description}: content() returned {type(data).__name__}; it must "
                "return bytes."
            )
        return {"event": "download", "filename": self.filename, "mime": self.mime}, bytes(data)

    def _on_message(self, _widget: Any, content: Any, _buffers: list) -> None:
        # Other custom messages (e.g. anywidget's own commands) are not ours.
        if not isinstance(content, dict) or content.get("event") != "download":
            return
        if self.disabled:  # the page disables the button; a stale click must not slip through
            return
        try:
            message, data = self.payload()
        except Exception as exc:  # reported, never raised into ipywidgets
            if self.on_error is None:
                self.log.error("Download %r failed: %s", self.filename, exc)
            else:
                self.on_error(exc)
            return
        self.send(message | {"request": content.get("request")}, buffers=[data])
