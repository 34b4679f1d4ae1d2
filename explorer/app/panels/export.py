"""Export panel: download the filter mosaic, the filters' movie, the model and the loss history.

Each file is built in memory from the session's current state when its button is clicked, and
sent to the page; nothing is written on the server. File names carry the data set and the step,
e.g. ``sae-natural-patches-step120-filters.png``. The movie (``figures.movie``) has a frame
per recorded step of the run, ending on the current step's filters.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import ipywidgets as widgets

from ...figures import filter_mosaic
from ...figures.movie import filters_movie
from ...figures.png import mosaic_to_png
from ...training import Session
from ..contract import SessionDashboard
from ..download import DownloadButton


def filters_png(session: Session) -> bytes:
    """The learned filters as the dashboard draws them, one tile per hidden unit."""
    mosaic = filter_mosaic(session.model.components_, session.dataset.image_shape)
    return mosaic_to_png(mosaic)


def model_npz(session: Session) -> bytes:
    """The file ``Session.load`` and the command line read (weights, parameters, history)."""
    buffer = io.BytesIO()
    session.save(buffer)
    return buffer.getvalue()


def history_csv(session: Session) -> bytes:
    """Loss terms per step, at full float precision."""
    return session.history.to_csv().encode("utf-8")


#: (button label, file name suffix, MIME type, maker, tooltip): adding an export is adding a row.
EXPORTS: tuple[tuple[str, str, str, Callable[[Session], bytes], str], ...] = (
    (
        "Filters (PNG)",
        "filters.png",
        "image/png",
        filters_png,
        "Download the learned filters as a PNG image",
    ),
    (
        "Filters movie (GIF)",
        "filters.gif",
        "image/gif",
        filters_movie,
        "Download the filters learning as an animated GIF, a frame per recorded step",
    ),
    (
        "Model (.npz)",
        "model.npz",
        "application/octet-stream",
        model_npz,
        "Download weights, settings and history; Session.load and the CLI read it",
    ),
    (
        "Loss history (CSV)",
        "history.csv",
        "text/csv",
        history_csv,
        "Download the loss terms of every step as CSV",
    ),
)


class ExportPanel(widgets.VBox):
    """The export panel, its parts by name: ``buttons`` (label -> its ``DownloadButton``, in
    the order of ``EXPORTS``, in one wrapping row) above the ``note``."""

    def __init__(self, *, buttons: dict[str, DownloadButton], note: widgets.HTML) -> None:
        self.buttons, self.note = buttons, note
        row = widgets.HBox(list(buttons.values()), layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([row, note])


def export_panel(dash: SessionDashboard) -> ExportPanel:
    """A download button per row of ``EXPORTS``, for the live session of ``dash``."""

    def filename(suffix: str) -> str:
        session = dash.session
        return f"sae-{session.dataset.name}-step{session.n_steps}-{suffix}"

    buttons = {
        label: DownloadButton(
            content=lambda make=make: make(dash.session),
            filename=filename(suffix),
            filename_for=lambda suffix=suffix: filename(suffix),
            mime=mime,
            on_error=dash.show_error,
            description=label,
            tooltip=tooltip,
        )
        for label, suffix, mime, make, tooltip in EXPORTS
    }
    note = widgets.HTML(
        "<span style='color:var(--jp-ui-font-color2, #616161)'>Files are made from the "
        "current step when you click, and saved by your browser.</span>"
    )
    return ExportPanel(buttons=buttons, note=note)
