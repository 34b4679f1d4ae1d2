"""Save a session as one ``.npz`` file and read one back (no pickle: safe to load from anywhere).

Layout: the weights ``W1``, ``b1``, ``W2``, ``b2`` as plain arrays (what other tools expect),
the loss terms at the steps the history kept (``terms_steps``: every step of a run shorter than
``history.MAX_STEPS``; files without it hold every step), the ρ̂ snapshots, and a JSON string
``meta`` holding the format version, the hyper-parameters, the step count, the strides and the
mini-batch generator's state.
Optionally (the copy of a run a dashboard's page keeps, ``app.keeper``): some of the
recording's weights (``recording_steps``, ``recording_weights``, their stride in ``meta``)
and a JSON ``view`` in ``meta`` that only its writer reads (what the dashboard showed).
``read_checkpoint`` reads and checks a file; ``Session.restore`` makes a session of it.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.model import PARAM_NAMES
from .history import TERMS

FORMAT = "sparse-autoencoder-explorer/1"
#: The weights are stored as the model's parameter arrays, under their names.
WEIGHTS = PARAM_NAMES


def save_session(
    session: Any,
    path: Any,
    recorded: tuple[list[int], int] | None = None,
    view: dict[str, Any] | None = None,
    compressed: bool = True,
) -> None:
    """Write ``session`` to ``path``; with ``recorded`` (steps of ``session.recording`` and
    their stride, as ``Recording.thinned`` gives them) the weights at those steps too, with
    ``view`` a JSON-able dict for the writer's own use. ``compressed=False`` writes the
    arrays as they are (zlib gains ~10 % on float weights and costs far more time)."""
    model, history = session.model, session.history
    steps, snapshots = history.rho_hat_matrix()
    meta = {
        "format": FORMAT,
        "params": session.get_params(),
        "n_steps": model.n_steps_,
        "snapshot_stride": history.stride,
        "terms_stride": history.terms_stride,
        "rng_state": model.rng_state,
    }
    arrays = {name: model.params_[name] for name in WEIGHTS}
    terms = history.terms
    arrays |= {f"terms_{name}": np.asarray(terms[name], dtype=np.float64) for name in TERMS}
    arrays["terms_steps"] = np.asarray(history.steps, dtype=np.int64)
    arrays |= {"snapshot_steps": steps, "snapshots": snapshots, "rho_hat": model.rho_hat_}
    if recorded is not None:
        kept, meta["recording_stride"] = recorded
        recording = session.recording
        weights = [recording.weights[recording.steps.index(s)] for s in kept]
        arrays["recording_steps"] = np.asarray(kept, dtype=np.int64)
        arrays["recording_weights"] = (
            np.stack(weights) if weights else np.zeros((0, model.theta_.size), model.theta_.dtype)
        )
    if view is not None:
        meta["view"] = view
    write = np.savez_compressed if compressed else np.savez
    write(path, meta=np.array(json.dumps(meta)), **arrays)


def _name(path: Any) -> str:
    # A file object (an upload, an export held in memory) is named by its name, if it has one.
    return str(path if isinstance(path, str | os.PathLike) else getattr(path, "name", "in memory"))


def _fail(path: Any, why: str) -> ValueError:
    return ValueError(f"cannot load session file {_name(path)!r}: {why}")


def _read(path: Any) -> tuple[dict, dict[str, np.ndarray]]:
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except FileNotFoundError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise _fail(path, f"not a readable .npz file ({exc.__class__.__name__}: {exc})") from exc
    if "meta" not in arrays:
        raise _fail(path, "it has no 'meta' entry, so it was not written by Session.save")
    try:
        meta = json.loads(str(arrays.pop("meta")))
    except json.JSONDecodeError as exc:
        raise _fail(path, f"its 'meta' entry is not valid JSON ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise _fail(path, f"unknown format {meta.get('format')!r}; expected {FORMAT!r}")
    missing = [k for k in (*WEIGHTS, *(f"terms_{t}" for t in TERMS)) if k not in arrays]
    if missing:
        raise _fail(path, f"missing arrays {missing}")
    return meta, arrays


@dataclass(frozen=True)
class Checkpoint:
    """A session file, read and checked against itself: shapes, finite weights, as many loss
    terms as steps (``Session.restore`` checks it against the session it makes)."""

    name: str  # how errors name the file
    params: dict[str, Any]
    n_steps: int
    weights: dict[str, np.ndarray]  # by WEIGHTS
    terms: dict[str, list[float]]  # by history.TERMS, one value per step of term_steps
    term_steps: list[int]  # rising from 0 to the last step, n_steps − 1
    term_stride: int  # between two of term_steps (but the last)
    rho_hat: np.ndarray | None
    rng_state: dict[str, Any]
    stride: int  # of the ρ̂ snapshots
    snapshot_steps: list[int]
    snapshots: list[np.ndarray]
    #: Steps of the run's recording the file holds, their weights (flat, as
    #: ``model.theta_``) and stride; empty when it holds none (a plain ``Session.save``).
    recording_steps: list[int]
    recording: list[np.ndarray]
    recording_stride: int
    #: What its writer said about the dashboard showing it (``app.keeper``); {} if nothing.
    view: dict[str, Any]

    @property
    def n_features(self) -> int:
        return self.weights["W1"].shape[0]

    def refuse(self, why: str) -> ValueError:
        """The error saying this file cannot be loaded, and ``why``."""
        return ValueError(f"cannot load session file {self.name!r}: {why}")


def read_checkpoint(path: Any) -> Checkpoint:
    """Read ``path`` (a file name or a file object); raise ValueError naming it if it is not a
    consistent session file (FileNotFoundError if it does not exist)."""
    meta, arrays = _read(path)
    params = dict(meta["params"])
    n_steps = int(meta["n_steps"])
    n_features = arrays["W1"].shape[0] if arrays["W1"].ndim == 2 else -1
    n_hidden = int(params.get("n_hidden", -1))
    shapes = [(n_features, n_hidden), (n_hidden,), (n_hidden, n_features), (n_features,)]
    for name, shape in zip(WEIGHTS, shapes, strict=True):
        if arrays[name].shape != shape:
            raise _fail(path, f"{name} has shape {arrays[name].shape}, expected {shape}")
        if not np.isfinite(arrays[name]).all():
            raise _fail(path, f"{name} contains NaN or infinite values")
    term_steps = arrays.get("terms_steps", np.arange(n_steps))  # older files: every step
    lengths = {len(arrays[f"terms_{t}"]) for t in TERMS}
    if lengths != {len(term_steps)}:
        steps = len(term_steps)
        raise _fail(path, f"history lengths {sorted(lengths)} do not match its {steps} steps")
    rising = len(term_steps) == 0 or (term_steps[0] == 0 and np.all(np.diff(term_steps) > 0))
    if not rising or (term_steps[-1] if len(term_steps) else -1) != n_steps - 1:
        raise _fail(path, f"history steps must rise from 0 to n_steps - 1 = {n_steps - 1}")
    rho_hat = arrays.get("rho_hat")
    size = sum(int(np.prod(shape)) for shape in shapes)  # of the flat weights
    recording_steps, recording = _recording(path, arrays, n_steps, size)
    view = meta.get("view", {})
    if not isinstance(view, dict):
        raise _fail(path, f"its 'view' is {type(view).__name__}, expected a JSON object")
    return Checkpoint(
        name=_name(path),
        params=params,
        n_steps=n_steps,
        weights={name: arrays[name] for name in WEIGHTS},
        terms={t: [float(v) for v in arrays[f"terms_{t}"]] for t in TERMS},
        term_steps=[int(s) for s in term_steps],
        term_stride=int(meta.get("terms_stride", 1)),
        rho_hat=None if rho_hat is None else np.asarray(rho_hat, dtype=np.float64),
        rng_state=meta["rng_state"],
        stride=int(meta.get("snapshot_stride", 1)),
        snapshot_steps=[int(s) for s in arrays.get("snapshot_steps", [])],
        snapshots=list(arrays.get("snapshots", np.zeros((0, 0)))),  # rows; History copies them
        recording_steps=recording_steps,
        recording=recording,
        recording_stride=int(meta.get("recording_stride", 1)),
        view=view,
    )


def _recording(
    path: Any, arrays: dict[str, np.ndarray], n_steps: int, size: int
) -> tuple[list[int], list[np.ndarray]]:
    """The recorded steps and weights a file holds, checked: steps rising within the run,
    one finite row of ``size`` weights each."""
    if "recording_steps" not in arrays:
        return [], []
    steps, weights = arrays["recording_steps"], arrays.get("recording_weights")
    if weights is None or weights.ndim != 2 or weights.shape != (len(steps), size):
        shape = None if weights is None else weights.shape
        raise _fail(path, f"recording_weights has shape {shape}, expected {(len(steps), size)}")
    if steps.ndim != 1 or not np.issubdtype(steps.dtype, np.integer):
        raise _fail(path, "recording_steps is not a list of step numbers")
    if len(steps) and (steps[0] < 0 or steps[-1] > n_steps or np.any(np.diff(steps) <= 0)):
        raise _fail(path, f"recording_steps must rise from 0 to at most n_steps={n_steps}")
    if not np.isfinite(weights).all():
        raise _fail(path, "recording_weights contains NaN or infinite values")
    return [int(s) for s in steps], list(weights)
