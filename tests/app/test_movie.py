"""The filters movie (figures.movie): its frames are the filter mosaic PNG at each recorded
step, decoded with Pillow and compared exactly; its timing; and ``train --movie``."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image, ImageSequence

from explorer import cli
from explorer.app.panels.export import filters_png
from explorer.figures import filter_mosaic
from explorer.figures.movie import (
    HOLD_MS,
    caption_height,
    default_scale,
    filters_movie,
    frame_durations,
    movie_steps,
)
from explorer.figures.png import mosaic_to_png
from explorer.figures.state import replica
from explorer.training import Session
from explorer.training.recording import Recording


def decode(gif: bytes) -> tuple[list[np.ndarray], list[int], dict]:
    """Every frame as a uint8 gray array (as a viewer shows it), each frame's delay in ms, and
    the first frame's info (``loop``)."""
    with Image.open(io.BytesIO(gif)) as image:
        assert image.format == "GIF"
        info = dict(image.info)
        frames, durations = [], []
        for frame in ImageSequence.Iterator(image):
            frames.append(np.array(frame.convert("L")))
            durations.append(frame.info["duration"])
    return frames, durations, info


def png_pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.mode == "L"
        return np.array(image)


def mosaic_png_at(session: Session, weights: np.ndarray, scale: int) -> np.ndarray:
    """The mosaic PNG's pixels of ``weights``, made as the Export panel makes its PNG."""
    model = replica(session.model, weights)
    mosaic = filter_mosaic(model.components_, session.dataset.image_shape)
    return png_pixels(mosaic_to_png(mosaic, scale=scale))


@pytest.fixture(scope="module")
def strided() -> Session:
    """13 steps recorded with room for 6 snapshots: the stride doubles to 4, so the recording
    holds steps 0, 4, 8, 12 and the current step, 13, is not among them."""
    session = Session("natural-patches", n_samples=500, random_state=0)
    session.recording = Recording(max_snapshots=6)
    session.reset()
    session.step(13)
    assert session.recording.steps == [0, 4, 8, 12] and session.n_steps == 13
    return session


@pytest.fixture(scope="module")
def movie(strided: Session) -> tuple[list[np.ndarray], list[int], dict]:
    return decode(filters_movie(strided, scale=8))


def test_a_frame_per_snapshot_and_one_for_the_unrecorded_current_step(strided, movie) -> None:
    frames, _, _ = movie
    assert movie_steps(strided) == [0, 4, 8, 12, 13]
    assert len(frames) == len(strided.recording) + 1 == 5


def test_no_extra_frame_when_the_current_step_is_recorded() -> None:
    session = Session("natural-patches", n_samples=500, random_state=0)
    session.step(5)
    assert session.recording.steps == [0, 1, 2, 3, 4, 5]
    frames, durations, _ = decode(filters_movie(session))
    assert len(frames) == len(durations) == 6


def test_first_frame_is_the_mosaic_png_at_step_0(strided, movie) -> None:
    frames, _, _ = movie
    expected = mosaic_png_at(strided, strided.recording.weights[0], scale=8)
    # The seed's weights: ``replica`` of step 0 is the fresh session's model.
    fresh = Session("natural-patches", n_samples=500, random_state=0)
    np.testing.assert_array_equal(expected, png_pixels(filters_png(fresh)))
    height = expected.shape[0]
    assert frames[0].shape == (height + caption_height(expected.shape[1]), expected.shape[1])
    np.testing.assert_array_equal(frames[0][:height], expected)


def test_last_frame_is_the_export_png_at_the_final_step(strided, movie) -> None:
    frames, _, _ = movie
    expected = png_pixels(filters_png(strided))  # the Export panel's PNG: step 13
    np.testing.assert_array_equal(frames[-1][: expected.shape[0]], expected)
    # ...not the last snapshot's (step 12), which differs.
    earlier = mosaic_png_at(strided, strided.recording.weights[-1], scale=8)
    assert (frames[-1][: expected.shape[0]] != earlier).any()


def test_every_frame_is_its_snapshots_mosaic_and_the_captions_differ(strided, movie) -> None:
    frames, _, _ = movie
    for frame, weights in zip(frames, strided.recording.weights, strict=False):
        expected = mosaic_png_at(strided, weights, scale=8)
        np.testing.assert_array_equal(frame[: expected.shape[0]], expected)
    height = expected.shape[0]
    captions = [frame[height:] for frame in frames]
    assert all(caption.max() > 128 for caption in captions)  # "step N" is drawn
    assert all((a != b).any() for a, b in itertools.pairwise(captions))


def test_identical_snapshots_stay_separate_frames() -> None:
    # A converged run's snapshots can draw the same mosaic; the step caption keeps Pillow
    # from merging them, so the frame count is still the number of snapshots.
    session = Session("natural-patches", n_samples=500, random_state=0)
    session.step(3)
    for i in (1, 2):
        session.recording.weights[i] = session.recording.weights[0].copy()
    frames, durations, _ = decode(filters_movie(session))
    assert len(frames) == 4 and durations[:3] == [200, 200, 200]
    height = frames[0].shape[0] - caption_height(frames[0].shape[1])
    assert (frames[0][:height] == frames[2][:height]).all()


def test_timing_and_loop(movie) -> None:
    _, durations, info = movie
    assert info["loop"] == 0  # forever
    assert durations == [200, 200, 200, 200, HOLD_MS]  # a short movie is not a flicker


def test_frame_durations() -> None:
    long = frame_durations(500)
    assert long[:-1] == [20] * 499 and long[-1] == HOLD_MS
    assert sum(long[:-1]) == pytest.approx(10_000, rel=0.01)  # a 500-frame movie: 10 s
    assert frame_durations(85)[:-1] == [120] * 84  # 10.2 s
    assert frame_durations(34)[:-1] == [200] * 33  # 784-196's float32 recording: 6.6 s
    assert frame_durations(5) == [200, 200, 200, 200, HOLD_MS]
    assert frame_durations(1) == [HOLD_MS]
    assert frame_durations(50, seconds=2) == [40] * 49 + [HOLD_MS]
    for ms in frame_durations(37):
        assert ms % 10 == 0  # GIF counts hundredths: what is written reads back
    with pytest.raises(ValueError, match="n_frames=0"):
        frame_durations(0)
    with pytest.raises(ValueError, match="seconds=0"):
        frame_durations(3, seconds=0)


def test_default_scale_is_half_filters_png_for_small_networks(strided) -> None:
    assert default_scale((44, 44)) == 4  # 64-25: 5 × 5 tiles of 8 × 8
    assert default_scale((405, 405)) == 1  # 784-196: 14 × 14 tiles of 28 × 28
    frames, _, _ = decode(filters_movie(strided))
    png = png_pixels(filters_png(strided))  # scale 8
    half = png[::2, ::2]
    np.testing.assert_array_equal(frames[-1][: half.shape[0]], half)
    assert frames[-1].shape[1] == half.shape[1]


def test_bad_scale_is_refused(strided) -> None:
    for scale in (0, 2.5, True):
        with pytest.raises(ValueError, match="scale="):
            filters_movie(strided, scale=scale)


def test_a_loaded_session_films_from_its_loaded_step(strided) -> None:
    buffer = io.BytesIO()
    strided.save(buffer)
    loaded = Session("natural-patches", n_samples=500, random_state=0)
    loaded.load(io.BytesIO(buffer.getvalue()))
    assert movie_steps(loaded) == [13]
    frames, _, _ = decode(filters_movie(loaded, scale=8))
    expected = png_pixels(filters_png(strided))
    assert len(frames) == 1
    np.testing.assert_array_equal(frames[0][: expected.shape[0]], expected)


# ---------------------------------------------------------------------------- train --movie
TRAIN = ["train", "--dataset", "bars", "--n-samples", "300", "--steps", "12",
         "--n-hidden", "16", "--rho", "0.1"]  # fmt: skip


def test_train_movie_writes_filters_gif(tmp_path, capsys) -> None:
    assert cli.main([*TRAIN, "--out", str(tmp_path), "--movie"]) == 0
    assert "filters.gif" in capsys.readouterr().out
    frames, durations, info = decode((tmp_path / "filters.gif").read_bytes())
    assert len(frames) == 13  # steps 0..12, all recorded
    assert durations == [200] * 12 + [HOLD_MS] and info["loop"] == 0
    # The last frame is filters.png (scale 8) at half its scale; the first, step 0's mosaic.
    final = png_pixels((tmp_path / "filters.png").read_bytes())[::2, ::2]
    np.testing.assert_array_equal(frames[-1][: final.shape[0]], final)
    start = Session("bars", n_samples=300, random_state=0, n_hidden=16, rho=0.1)
    first = png_pixels(filters_png(start))[::2, ::2]
    np.testing.assert_array_equal(frames[0][: first.shape[0]], first)
    assert (first != final).any()


def test_train_without_movie_writes_no_gif(tmp_path) -> None:
    assert cli.main([*TRAIN, "--steps", "2", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "filters.png").exists() and not (tmp_path / "filters.gif").exists()
