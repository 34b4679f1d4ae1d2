"""Your-images panel: upload PNG/JPEG photos and train on whitened 8×8 patches of them."""

from __future__ import annotations

import ipywidgets as widgets

from ... import datasets
from ...datasets.natural import DEFAULT_N_SAMPLES
from ..contract import SessionDashboard
from ..live import warning_html
from ..upload import MAX_FILE_BYTES, MAX_FILES, MAX_SIDE, decode_uploads

ACCEPT = ".png,.jpg,.jpeg,image/png,image/jpeg"

#: Jupyter Server (tornado) drops a websocket message over 10 MiB without a word, and all files
#: chosen at once travel in one message. ``explorer serve`` raises that limit
#: (serving.voila.TORNADO_SETTINGS); JupyterLab and Binder keep it, so the page says so.
MESSAGE_LIMIT_MB = 10

INTRO = (
    "Train on your own photos: random 8×8 patches of them are whitened like the natural "
    "images, and training restarts on them from step 0. PNG or JPEG, up to "
    f"{MAX_FILES} files of {MAX_FILE_BYTES / 1e6:g} MB each; photos larger than {MAX_SIDE} "
    f"pixels are shrunk first. In JupyterLab and on Binder, send about {MESSAGE_LIMIT_MB} MB "
    "at a time at most: their server drops larger uploads."
)


class UploadPanel(widgets.VBox):
    """The your-images panel, its parts by name, in this order: ``intro``, the ``upload``
    button and the ``report`` line (what was loaded, or what went wrong)."""

    def __init__(
        self, *, intro: widgets.HTML, upload: widgets.FileUpload, report: widgets.HTML
    ) -> None:
        self.intro, self.upload, self.report = intro, upload, report
        super().__init__([intro, upload, report])


def upload_panel(dash: SessionDashboard) -> UploadPanel:
    """An upload button for ``dash`` and a line saying what was loaded, or what went wrong."""
    upload = widgets.FileUpload(
        accept=ACCEPT, multiple=True, description="Upload images", tooltip="PNG or JPEG files"
    )
    report = widgets.HTML()

    def on_upload(change: dict) -> None:
        if not change["new"]:  # cleared below, after handling
            return
        try:
            images = decode_uploads(change["new"])
            data = datasets.from_images(
                images,
                n_samples=dash.session.n_samples or DEFAULT_N_SAMPLES,
                rng=dash.session.get_params()["random_state"],
            )
            dash.use_dataset(data)
        except Exception as exc:  # shown in the page; the session stays as it was
            report.value = warning_html(exc)
            dash.show_error(exc)
        else:
            count = f"{len(images)} image{'s' if len(images) != 1 else ''}"
            report.value = f"{count}, {data.X.shape[0]:,} patches"
        finally:
            # Drop the uploaded bytes (up to 80 MB) and let the same files be chosen again.
            upload.value = ()

    upload.observe(on_upload, names="value")
    return UploadPanel(intro=widgets.HTML(f"<p>{INTRO}</p>"), upload=upload, report=report)
