"""Save and restore a session as one ``.npz`` file (no pickle: safe to load from anywhere).

Layout: the weights ``W1``, ``b1``, ``W2``, ``b2`` as plain arrays (what other tools expect),
the loss terms per step, the ρ̂ snapshots, and a JSON string ``meta`` holding the format
version, the hyper-parameters, the step count and the mini-batch generator's state.
"""

from __future__ import annotations

import json
import os
import zipfile
from typing import Any

import numpy as np

from .. import datasets
from .history import TERMS, History
from .recording import Recording

FORMAT = "sparse-autoencoder-explorer/1"
WEIGHTS = ("W1", "b1", "W2", "b2")


def save_session(session: Any, path: Any) -> None:
    """Write ``session`` to ``path``."""
    model, history = session.model, session.history
    steps, snapshots = history.rho_hat_matrix()
    meta = {
        "format": FORMAT,
        "params": session.get_params(),
        "n_steps": model.n_steps_,
        "snapshot_stride": history.stride,
        "rng_state": model._rng.bit_generator.state,
    }
    arrays = {name: model.params_[name] for name in WEIGHTS}
    arrays |= {f"terms_{name}": history.array(name) for name in TERMS}
    arrays |= {"snapshot_steps": steps, "snapshots": snapshots, "rho_hat": model.rho_hat_}
    np.savez_compressed(path, meta=np.array(json.dumps(meta)), **arrays)


def _fail(path: Any, why: str) -> ValueError:
    # A file object (an upload, an export held in memory) is named by its name, if it has one.
    name = path if isinstance(path, str | os.PathLike) else getattr(path, "name", "in memory")
    return ValueError(f"cannot load session file {str(name)!r}: {why}")


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


def load_session(session: Any, path: Any) -> None:
    """Restore ``session`` from ``path``; on any error raise and leave ``session`` unchanged."""
    meta, arrays = _read(path)
    params = dict(meta["params"])
    n_steps = int(meta["n_steps"])
    n_features = arrays["W1"].shape[0] if arrays["W1"].ndim == 2 else -1
    n_hidden = int(params.get("n_hidden", -1))
    shapes = {"W1": (n_features, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_features),
              "b2": (n_features,)}  # fmt: skip
    for name, shape in shapes.items():
        if arrays[name].shape != shape:
            raise _fail(path, f"{name} has shape {arrays[name].shape}, expected {shape}")
        if not np.isfinite(arrays[name]).all():
            raise _fail(path, f"{name} contains NaN or infinite values")
    lengths = {len(arrays[f"terms_{t}"]) for t in TERMS}
    if lengths != {n_steps}:
        raise _fail(path, f"history lengths {sorted(lengths)} do not match n_steps={n_steps}")

    # Build the new state on a scratch session so a failure below changes nothing.
    scratch = object.__new__(type(session))
    scratch.__dict__ = dict(session.__dict__)
    scratch.model = type(session.model)(**session.model.get_params())
    scratch.history = History(session.history.max_snapshots)
    scratch.recording = Recording(session.recording.max_snapshots, session.recording.max_bytes)
    dataset = params.get("dataset")
    if dataset not in datasets.NAMES and dataset != session.dataset.name:
        # Own data (uploaded images) is not in the file: only a session training on it can
        # take these weights.
        raise _fail(
            path,
            f"it was trained on the data set {dataset!r}, which the file does not contain; "
            f"load it into a session that trains on {dataset!r} (this one trains on "
            f"{session.dataset.name!r}), or train on one of {list(datasets.NAMES)}",
        )
    try:
        scratch.set_params(**params)
    except (TypeError, ValueError) as exc:
        raise _fail(path, f"its hyper-parameters are invalid here ({exc})") from exc
    if scratch.dataset.X.shape[1] != n_features:
        raise _fail(
            path,
            f"weights expect {n_features} features but data set "
            f"{scratch.dataset.name!r} has {scratch.dataset.X.shape[1]}",
        )
    scratch.reset()
    model = scratch.model
    for name in WEIGHTS:
        model.params_[name][...] = arrays[name]
    model.n_steps_ = n_steps
    model.loss_curve_ = [float(v) for v in arrays["terms_total"]]
    model.rho_hat_ = np.asarray(arrays.get("rho_hat", model.rho_hat_), dtype=np.float64)
    model._rng.bit_generator.state = meta["rng_state"]
    history = scratch.history
    history.terms = {t: [float(v) for v in arrays[f"terms_{t}"]] for t in TERMS}
    history.stride = int(meta.get("snapshot_stride", 1))
    history.snapshot_steps = [int(s) for s in arrays.get("snapshot_steps", [])]
    history.snapshots = [np.array(r) for r in arrays.get("snapshots", np.zeros((0, 0)))]
    scratch._good[...] = model.theta_
    scratch._start[...] = model.theta_
    scratch._first_loss = history.terms["total"][0] if n_steps else None
    scratch.recording.clear()  # the file holds no earlier weights: the recording starts here
    scratch.recording.record(n_steps, model.theta_)
    session.__dict__.update(scratch.__dict__)
