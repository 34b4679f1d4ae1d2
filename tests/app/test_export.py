"""Export panel and DownloadButton without a browser: drive the kernel side of a click."""

from __future__ import annotations

import csv
import io
import struct

import numpy as np
import pytest
from PIL import Image

from explorer import Explorer
from explorer.app.download import DownloadButton
from explorer.figures import filter_mosaic
from explorer.figures.movie import filters_movie
from explorer.training import TERMS, History, Session


@pytest.fixture
def app(make_explorer) -> Explorer:
    return make_explorer(n_samples=500, steps=4)


def buttons(app: Explorer) -> dict[str, DownloadButton]:
    return {b.description: b for b in app.panels["Export"].buttons.values()}


def click(button: DownloadButton, message: object = None) -> list[tuple[dict, list]]:
    """Deliver the page's click message as ipywidgets does; return the custom messages the
    kernel sent back (state updates, such as the new file name, are not replies)."""
    if message is None:
        message = {"event": "download", "request": "r1"}
    sent = []
    button.comm.send = lambda data=None, metadata=None, buffers=None: sent.append((data, buffers))
    button._handle_msg(
        {"content": {"data": {"method": "custom", "content": message}}, "buffers": []}
    )
    return [(data, buffers) for data, buffers in sent if data["method"] == "custom"]


def download(button: DownloadButton) -> tuple[dict, bytes]:
    sent = click(button)
    assert len(sent) == 1
    data, buffers = sent[0]
    assert data["method"] == "custom" and data["content"]["request"] == "r1"
    assert len(buffers) == 1
    return data["content"], bytes(buffers[0])


def test_panel_offers_the_downloads(app: Explorer) -> None:
    assert list(buttons(app)) == [
        "Filters (PNG)",
        "Filters movie (GIF)",
        "Model (.npz)",
        "Loss history (CSV)",
    ]


def test_filters_movie_is_filters_movie_of_the_session(app: Explorer) -> None:
    message, gif = download(buttons(app)["Filters movie (GIF)"])
    assert message["filename"] == "sae-natural-patches-step4-filters.gif"
    assert message["mime"] == "image/gif"
    assert gif == filters_movie(app.session)
    with Image.open(io.BytesIO(gif)) as image:
        assert image.format == "GIF" and image.n_frames == 5  # steps 0..4


def test_filters_png_is_the_mosaic_at_the_current_step(app: Explorer) -> None:
    message, png = download(buttons(app)["Filters (PNG)"])
    assert message["filename"] == "sae-natural-patches-step4-filters.png"
    assert message["mime"] == "image/png"
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    mosaic = filter_mosaic(app.session.model.components_, app.session.dataset.image_shape)
    assert (height, width) == (mosaic.shape[0] * 8, mosaic.shape[1] * 8)
    with Image.open(io.BytesIO(png)) as image:
        pixels = np.asarray(image)
    # Weight 0 draws as mid-gray, the tile's largest |weight| as black or white.
    tile = pixels[:64:8, :64:8].astype(float) / 127.5 - 1
    np.testing.assert_allclose(tile, mosaic[:8, :8], atol=1 / 127.5)


def test_model_npz_restores_a_fresh_session(app: Explorer) -> None:
    message, data = download(buttons(app)["Model (.npz)"])
    assert message["filename"] == "sae-natural-patches-step4-model.npz"
    fresh = Session("bars", n_samples=300, random_state=3, n_hidden=9)
    fresh.load(io.BytesIO(data))
    assert fresh.n_steps == 4 and fresh.dataset.name == "natural-patches"
    for name, weights in app.session.model.params_.items():
        np.testing.assert_array_equal(fresh.model.params_[name], weights)
    # The same next step: the mini-batch generator and optimiser restart identically.
    assert fresh.get_params() == app.session.get_params()


def test_history_csv_reads_back_exactly(app: Explorer) -> None:
    message, data = download(buttons(app)["Loss history (CSV)"])
    assert message["filename"] == "sae-natural-patches-step4-history.csv"
    assert message["mime"] == "text/csv"
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows[0] == ["step", *TERMS]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2, 3]
    for i, name in enumerate(TERMS, start=1):
        assert [float(r[i]) for r in rows[1:]] == app.session.history.terms[name]


def test_history_csv_keeps_full_precision() -> None:
    history = History()
    terms = dict(reconstruction=0.1 + 0.2, sparsity=1 / 3, weight_decay=1e-300, total=np.pi)
    history.record(terms, np.zeros(2))
    values = history.to_csv().splitlines()[1].split(",")
    assert [float(v) for v in values[1:]] == [terms[name] for name in TERMS]


def test_file_names_follow_training(app: Explorer) -> None:
    button = buttons(app)["Loss history (CSV)"]
    app.step(2)
    assert download(button)[0]["filename"] == "sae-natural-patches-step6-history.csv"
    assert button.filename == "sae-natural-patches-step6-history.csv"


def test_a_failing_file_reaches_on_error_and_sends_nothing() -> None:
    errors = []

    def broken() -> bytes:
        raise RuntimeError("disk on fire")

    button = DownloadButton(broken, filename="x.bin", on_error=errors.append)
    assert click(button) == []
    assert [str(e) for e in errors] == ["disk on fire"]
    not_bytes = DownloadButton(lambda: "text", filename="x.txt", on_error=errors.append)
    assert click(not_bytes) == []
    assert "must return bytes" in str(errors[-1])


def test_export_error_shows_in_the_status_line(app: Explorer, monkeypatch) -> None:
    button = buttons(app)["Model (.npz)"]

    def broken(path: object) -> None:
        raise OSError("no space left")

    monkeypatch.setattr(app.session, "save", broken)
    assert click(button) == []
    assert "no space left" in app.status.value and app.session.n_steps == 4


def test_other_messages_and_disabled_buttons_send_nothing() -> None:
    calls = []
    button = DownloadButton(lambda: calls.append(1) or b"data", filename="x.bin")
    assert click(button, {"kind": "anywidget-command", "name": "x", "id": "1"}) == []
    assert click(button, "download") == []
    button.disabled = True
    assert click(button) == [] and calls == []
    button.disabled = False
    sent = click(button, {"event": "download", "request": "a"})
    assert [data["content"]["request"] for data, _ in sent] == ["a"] and calls == [1]


def test_button_front_end_uses_a_real_button_and_custom_messages() -> None:
    esm = str(DownloadButton._esm)  # what anywidget sends the page
    for needle in (
        'createElement("button")',
        'model.on("msg:custom"',
        "model.send(",
        "URL.revokeObjectURL",
        "link.download",
    ):
        assert needle in esm
    css = str(DownloadButton._css)
    assert ":focus-visible" in css and "var(--jp-" in css


def test_content_must_be_callable() -> None:
    with pytest.raises(TypeError, match="content=b'x' is not allowed"):
        DownloadButton(b"x")
