"""Save a session as one ``.npz`` file and read one back (no pickle: safe to load from anywhere).

Layout: the weights ``W1``, ``b1``, ``W2``, ``b2`` as plain arrays (what other tools expect),
the loss terms per step, the ρ̂ snapshots, and a JSON string ``meta`` holding the format
version, the hyper-parameters, the step count and the mini-batch generator's state.
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


def save_session(session: Any, path: Any) -> None:
    """Write ``session`` to ``path``."""
    model, history = session.model, session.history
    steps, snapshots = history.rho_hat_matrix()
    meta = {
        "format": FORMAT,
        "params": session.get_params(),
        "n_steps": model.n_steps_,
        "snapshot_stride": history.stride,
        "rng_state": model.rng_state,
    }
    arrays = {name: model.params_[name] for name in WEIGHTS}
    arrays |= {f"terms_{name}": history.array(name) for name in TERMS}
    arrays |= {"snapshot_steps": steps, "snapshots": snapshots, "rho_hat": model.rho_hat_}
    np.savez_compressed(path, meta=np.array(json.dumps(meta)), **arrays)


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
    terms: dict[str, list[float]]  # by history.TERMS, one value per step
    rho_hat: np.ndarray | None
    rng_state: dict[str, Any]
    stride: int  # of the ρ̂ snapshots
    snapshot_steps: list[int]
    snapshots: list[np.ndarray]

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
    lengths = {len(arrays[f"terms_{t}"]) for t in TERMS}
    if lengths != {n_steps}:
        raise _fail(path, f"history lengths {sorted(lengths)} do not match n_steps={n_steps}")
    rho_hat = arrays.get("rho_hat")
    return Checkpoint(
        name=_name(path),
        params=params,
        n_steps=n_steps,
        weights={name: arrays[name] for name in WEIGHTS},
        terms={t: [float(v) for v in arrays[f"terms_{t}"]] for t in TERMS},
        rho_hat=None if rho_hat is None else np.asarray(rho_hat, dtype=np.float64),
        rng_state=meta["rng_state"],
        stride=int(meta.get("snapshot_stride", 1)),
        snapshot_steps=[int(s) for s in arrays.get("snapshot_steps", [])],
        snapshots=list(arrays.get("snapshots", np.zeros((0, 0)))),  # rows; History copies them
    )
