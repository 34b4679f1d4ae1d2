"""Files in and out of the served page: download buttons save real bytes, and an uploaded
photo becomes the training data. Only a browser runs the download button's JavaScript and
the file chooser."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("playwright", reason="browser tests need the test extra (playwright)")


def download(page, button: str, folder: Path) -> Path:
    """Click the download button ``button`` and save the file the browser receives."""
    with page.expect_download(timeout=30_000) as started:
        page.get_by_role("button", name=button).click()
    saved = folder / started.value.suggested_filename
    started.value.save_as(saved)
    return saved


def test_download_saves_the_filter_mosaic_and_upload_trains_on_a_photo(dash, tmp_path):
    page = dash.page
    page.get_by_text("Export", exact=True).click()
    saved = download(page, "Filters (PNG)", tmp_path)
    assert saved.name == "sae-natural-patches-step0-filters.png"
    with Image.open(saved) as png:
        assert png.format == "PNG" and png.size == (44 * 8, 44 * 8)  # 5×5 tiles of 8 + gaps
        mosaic = np.asarray(png)
    # The movie at step 0: one frame, the mosaic at half filters.png's scale over its caption.
    movie = download(page, "Filters movie (GIF)", tmp_path)
    assert movie.name == "sae-natural-patches-step0-filters.gif"
    with Image.open(movie) as gif:
        assert gif.format == "GIF" and gif.n_frames == 1 and gif.size[0] == 44 * 4
        np.testing.assert_array_equal(np.asarray(gif.convert("L"))[: 44 * 4], mosaic[::2, ::2])

    # A photo with edges in it, as a user would pick it in the file chooser.
    photo = np.zeros((96, 128), np.uint8)
    photo[:, 40:80] = 200
    photo[30:60] += 50
    path = tmp_path / "photo.png"
    Image.fromarray(photo).save(path)
    page.get_by_text("Your images", exact=True).click()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload images").click()
    chooser.value.set_files(str(path))
    page.get_by_text("1 image, 10,000 patches").wait_for(timeout=60_000)
    select = page.locator(".widget-dropdown", has_text="data set").locator("select")
    assert select.evaluate("s => s.value") == "your-images"
    assert dash.errors == []
