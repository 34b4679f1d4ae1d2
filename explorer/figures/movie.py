"""The filters learning, as an animated GIF: one frame per recorded snapshot of a run.

A frame is the filter mosaic (``filter_mosaic``) of one recorded step, drawn by
``png.mosaic_pixels`` (the gray levels and black NaN gaps of the Export panel's PNG and of
``train``'s ``filters.png``, each mosaic pixel a ``scale`` × ``scale`` block), above a
caption strip, ``step N``. The caption has rows of its own under the mosaic, so a frame's top
``mosaic.shape[0] * scale`` rows are exactly the pixels of ``mosaic_to_png(mosaic, scale)``
at that step (at scale 4, the default for small networks, filters.png's pixels
``[::2, ::2]``). It also makes every frame differ from the one before it; without it Pillow
would merge frames that look the same (a converged run's last steps) and the movie would
have fewer frames than snapshots.

Timing: the frames share ``seconds`` (10 s by default), each shown 20–200 ms (a 500-frame
movie runs 10 s; browsers play delays under 20 ms slowly; a 5-frame one is not a flicker),
then the last frame holds for ``HOLD_MS`` before the loop starts again.

Pillow is imported with the first movie, not with the dashboard (as in ``png``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .mosaic import filter_mosaic
from .png import mosaic_pixels
from .state import replica

if TYPE_CHECKING:
    from PIL import Image

    from ..training import Session

#: The movie's length without the final hold, when each frame gets a delay in the range below.
MOVIE_SECONDS = 10.0
#: Shortest and longest frame delay in ms (GIF counts hundredths of a second; browsers play
#: delays of 10 ms or less as 100 ms).
MIN_FRAME_MS, MAX_FRAME_MS = 20, 200
#: How long the last frame (the filters at the end of the run) stays before the loop restarts.
HOLD_MS = 2000
#: The default scale is the largest up to MAX_SCALE keeping a frame's longer side within
#: MAX_SIDE pixels: 4 for 64-25 (176 px wide, half filters.png's 8), 1 for 784-196 (405 px).
#: GIF's LZW gains little on noisy filters, so the file grows with the pixels: 400 L-BFGS
#: steps of 64-25 (401 frames) take 3.4 MB at scale 4 and 8.2 MB at 8.
MAX_SCALE, MAX_SIDE = 4, 480


def movie_steps(session: Session) -> list[int]:
    """The step of each frame: the recorded steps, then the session's current step if the
    recording does not end there (snapshots are kept every ``stride`` steps, so the last one
    can be earlier than the end of the run; the movie always ends on the final filters)."""
    steps = list(session.recording.steps)
    if not steps or steps[-1] != session.n_steps:
        steps.append(session.n_steps)
    return steps


def movie_mosaics(session: Session) -> Iterator[tuple[int, np.ndarray]]:
    """(step, filter mosaic) per frame, in order: the recorded weights, and the current ones
    for the final step (exactly what the Export panel's PNG draws)."""
    model, shape = session.model, session.dataset.image_shape
    copy = None
    for step, weights in zip(session.recording.steps, session.recording.weights, strict=True):
        if step == session.n_steps:
            break  # the current weights, below
        if copy is None:
            copy = replica(model, weights)
        else:
            copy.theta_[...] = weights
        yield step, filter_mosaic(copy.components_, shape)
    yield session.n_steps, filter_mosaic(model.components_, shape)


def default_scale(mosaic_shape: tuple[int, int]) -> int:
    """Pixels per mosaic pixel: ``MAX_SCALE``, less if the frame would pass ``MAX_SIDE``."""
    return int(min(MAX_SCALE, max(1, MAX_SIDE // max(mosaic_shape))))


def frame_durations(n_frames: int, seconds: float = MOVIE_SECONDS) -> list[int]:
    """Delay of each frame in ms, multiples of 10 (GIF's unit): ``seconds`` shared out within
    [MIN_FRAME_MS, MAX_FRAME_MS], the last frame held ``HOLD_MS``."""
    if n_frames < 1:
        raise ValueError(f"n_frames={n_frames!r} is not allowed: a movie needs a frame.")
    if not seconds > 0:
        raise ValueError(f"seconds={seconds!r} is not allowed: it must be > 0.")
    each = 10 * round(100 * seconds / n_frames)
    each = int(min(MAX_FRAME_MS, max(MIN_FRAME_MS, each)))
    return [each] * (n_frames - 1) + [HOLD_MS]


def _font(size: int) -> Any:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)  # Pillow >= 10.1 (FreeType)
    except TypeError:  # older Pillow: its small bitmap font
        return ImageFont.load_default()


def caption_height(width: int) -> int:
    """Rows of the caption strip under a mosaic ``width`` pixels wide."""
    return _font_size(width) + 8


def _font_size(width: int) -> int:
    return int(min(20, max(12, width // 24)))


def movie_frame(mosaic: np.ndarray, step: int, scale: int) -> Image.Image:
    """One frame: the mosaic as the PNG draws it, over ``step N`` on a black strip."""
    from PIL import Image, ImageDraw

    pixels = mosaic_pixels(mosaic, scale)
    height, width = pixels.shape
    size = _font_size(width)
    frame = Image.new("L", (width, height + caption_height(width)), 0)
    frame.paste(Image.fromarray(pixels, mode="L"), (0, 0))
    ImageDraw.Draw(frame).text((4, height + 4), f"step {step}", fill=255, font=_font(size))
    return frame


def filters_movie(
    session: Session, scale: int | None = None, seconds: float = MOVIE_SECONDS
) -> bytes:
    """An animated GIF of the filters over ``session``'s run, looping forever.

    One frame per snapshot of ``session.recording`` (its first is step 0, or the step a
    loaded file was at), plus one of the current weights when the recording does not end at
    the current step, so the last frame is always the filters at the end of the run. Each
    frame's mosaic region equals the mosaic PNG (``mosaic_to_png(mosaic, scale)``) at its step.

    Parameters
    ----------
    session : training.Session
    scale : int, optional
        Pixels per mosaic pixel; default ``default_scale`` (4, half filters.png's, unless
        the frame would be wider than MAX_SIDE). 8 makes the mosaic exactly filters.png.
    seconds : float
        How long the frames before the final hold take together, if each can get 20–200 ms.
    """
    mosaics = movie_mosaics(session)
    durations = frame_durations(len(movie_steps(session)), seconds)
    first_step, first = next(mosaics)
    if scale is None:
        scale = default_scale(first.shape)
    if not (isinstance(scale, (int, np.integer)) and not isinstance(scale, bool) and scale >= 1):
        raise ValueError(f"scale={scale!r} is not allowed: it must be an integer >= 1.")
    frames = [movie_frame(first, first_step, scale)]
    frames += [movie_frame(mosaic, step, scale) for step, mosaic in mosaics]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=0,
        optimize=True,
    )
    return buffer.getvalue()
