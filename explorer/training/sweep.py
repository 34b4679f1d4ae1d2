"""The sparsity frontier: train one run per value of one setting and measure what each buys.

A sweep varies one setting (β, ρ or the penalty, ``SWEEPABLE``) over a few values. Each value
gets a fresh ``Session`` with the same seed and the same data, so every run starts from the
same weights and only the swept setting differs, trained for ``steps`` steps (fewer if
L-BFGS converges or the divergence guard stops it, as ``SparseAutoencoder.fit`` stops at
convergence). Each run ends as one ``Point`` (``measure``):

- ``l0`` and ``explained_variance`` on the first ``PROBE`` training inputs, the inputs the
  dashboard's views measure on (one constant), so a point and the dashboard's
  histogram caption agree for the same weights;
- ``dead`` and ``mean_log10_rho_hat`` from ρ̂ as the last step measured it (all training
  inputs under L-BFGS, the last mini-batch under Adam and SGD), the ρ̂ the views draw;
- ``max_decoder_cosine`` of the decoder weights W2 (``core.metrics``);
- ``loss``: the objective at the last step, as the status line and ``train``'s metrics.json
  report it;
- on data whose true features are known (``Dataset.true_features``), ``recovery``, the
  mean over them of the best cosine with a decoder column, and ``recovered``, how many
  exceed ``core.recovery.THRESHOLD`` (``core.recovery``).

Beside the points, ``pca_baseline`` gives the explained variance of the top k principal
components of the same probe inputs for k = 1 .. n_hidden: what a dense linear code of k
numbers per input explains, drawn at L0 = k (``core.pca``).

``Sweep(...).runs()`` is a generator that trains step by step and yields a ``Progress`` after
every ``chunk`` steps, so a caller can interleave it with other work (the dashboard's panel
gives the event loop turns in between; the command line draws a progress bar); ``sweep(...)``
runs it to the end and returns the points.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..core import SparseAutoencoder, metrics
from ..core.pca import explained_variance_by_components
from ..core.penalties import PENALTIES
from ..core.recovery import recovery
from ..core.validation import DECIMAL, Interval, check_param
from .session import Session

#: Where L0 and the explained variance are measured, here and in the dashboard's views
#: (``figures.state`` takes it from here): the first PROBE training inputs, enough to find a
#: rare unit's favourite inputs, cheap enough for every frame (one 500-row forward pass;
#: ~10 ms at 784-196).
PROBE = 500


@dataclass(frozen=True)
class Sweepable:
    """A setting a sweep can vary."""

    label: str  # as the page writes it
    kind: type  # what one value is: float (read as a decimal) or str (a name)
    #: Values worth sweeping, as typed; for a setting that names a row of one of the core's
    #: tables, the table (every row, read when asked: a row added to it is offered too).
    values: str | Mapping[str, Any]
    #: Do the values have an order (the frontier joins its points in it)?
    ordered: bool

    @property
    def example(self) -> str:
        """The values worth sweeping, as typed."""
        return self.values if isinstance(self.values, str) else " ".join(self.values)


SWEEPABLE: dict[str, Sweepable] = {
    "beta": Sweepable("β", float, "0 0.3 1 3 10", ordered=True),
    "rho": Sweepable("ρ", float, "0.01 0.03 0.1 0.3", ordered=True),
    "penalty": Sweepable("penalty", str, PENALTIES, ordered=False),
}

#: What separates typed values: spaces and/or a comma.
SEPARATOR = re.compile(r"\s*,\s*|\s+")

#: The fields of a frontier record (``Point.record``), in the order they are written.
RECORD_KEYS = (
    "value",
    "l0",
    "explained_variance",
    "dead",
    "mean_log10_rho_hat",
    "max_decoder_cosine",
    "loss",
)
#: The fields a record has besides, when the data's true features are known.
RECOVERY_KEYS = ("recovery", "recovered")


@dataclass(frozen=True)
class Point:
    """One run of a sweep, measured (see the module's docstring for each field)."""

    value: float | str
    l0: float
    explained_variance: float
    dead: int
    mean_log10_rho_hat: float
    max_decoder_cosine: float
    loss: float
    steps: int  # steps taken
    message: str = ""  # why the run stopped before ``steps`` ("" if it did not)
    #: The divergence guard stopped it (it diverged, or every unit is stuck dead or
    #: saturated); not so when L-BFGS converged.
    failed: bool = False
    recovery: float | None = None  # None where the data has no known true features
    recovered: int | None = None

    def record(self) -> dict[str, Any]:
        """The frontier record: ``RECORD_KEYS``, and ``RECOVERY_KEYS`` where measured."""
        fields = asdict(self)
        keys = RECORD_KEYS + (RECOVERY_KEYS if self.recovery is not None else ())
        return {key: fields[key] for key in keys}


@dataclass(frozen=True)
class Progress:
    """Where a sweep is, after a chunk of steps."""

    index: int  # which value is training (0-based)
    value: float | str
    step: int  # steps its run has taken
    done: int  # steps of the whole sweep done (a run that stopped early counts as whole)
    total: int  # len(values) × steps
    terms: dict[str, float]  # the run's last loss terms
    point: Point | None = None  # set on the chunk that finishes a run


def measure(
    model: SparseAutoencoder,
    X: np.ndarray,
    value: float | str,
    steps: int = 0,
    message: str = "",
    failed: bool = False,
    true_features: np.ndarray | None = None,
) -> Point:
    """The frontier point of ``model`` trained on ``X`` (its training inputs, one per row),
    with its recovery of ``true_features`` where they are known."""
    probe = X[:PROBE]
    H = model.transform(probe)
    # Before the first step no step has measured ρ̂: that of the initial weights (as the views).
    rho_hat = model.rho_hat_ if model.n_steps_ else model.transform(X).mean(axis=0)
    found = (
        None
        if true_features is None
        else recovery(true_features, model.params_["W2"], model.params_["W1"])
    )
    return Point(
        value=value,
        l0=metrics.l0(H),
        explained_variance=metrics.explained_variance(probe, model.decode(H)),
        dead=metrics.dead_units(rho_hat),
        mean_log10_rho_hat=metrics.mean_log10_rho_hat(rho_hat),
        max_decoder_cosine=metrics.max_decoder_cosine(model.params_["W2"]),
        loss=float(model.last_terms_.get("total", np.nan)),
        steps=steps,
        message=message,
        failed=failed,
        recovery=None if found is None else found.mean_cosine,
        recovered=None if found is None else found.recovered,
    )


def measure_session(session: Session, value: float | str | None = None) -> Point:
    """The frontier point of a session as it is now (``value``: its swept setting's value)."""
    message, truth = session.message, session.dataset.true_features
    return measure(session.model, session.X, value, session.n_steps, message, bool(message), truth)


def pca_baseline(X: np.ndarray, n_hidden: int) -> np.ndarray:
    """EV(k) of the top k principal components of the probe inputs ``X[:PROBE]`` (those the
    points' explained variance is measured on), k = 1 .. n_hidden (fewer if the probe's rank
    is lower): the frontier's dense linear yardstick, k numbers per input at L0 = k."""
    return explained_variance_by_components(X[:PROBE], n_hidden)


def check_param_name(param: Any) -> Sweepable:
    """The row of ``SWEEPABLE`` for ``param``, or a ValueError saying what can be swept."""
    if not isinstance(param, str) or param not in SWEEPABLE:
        allowed = ", ".join(repr(name) for name in SWEEPABLE)
        raise ValueError(f"param={param!r} cannot be swept: param must be one of {allowed}.")
    return SWEEPABLE[param]


def parse_values(param: str, text: str | Sequence[str]) -> tuple[float | str, ...]:
    """The values typed for ``param`` (one string, separated by spaces or commas, or a list of
    strings): numbers for β and ρ, names for the penalty. Refuses, by ValueError naming the
    setting and what it takes, anything it cannot read; ``Sweep`` checks the values' ranges."""
    row = check_param_name(param)
    parts = [text] if isinstance(text, str) else list(text)
    tokens = [t for part in parts for t in SEPARATOR.split(part.strip()) if t]
    if not tokens:
        raise ValueError(f"no values of {param} to sweep: give one or more, e.g. {row.example}.")
    if row.kind is str:
        return tuple(tokens)
    for token in tokens:
        if not DECIMAL.fullmatch(token):
            raise ValueError(
                f"{param}={token!r} is not a number: {param} takes numbers, e.g. {row.example}."
            )
    return tuple(float(t) for t in tokens)


class Sweep:
    """Runs of one setting ``param`` over ``values``, ``steps`` steps each.

    The rest of the settings are ``Session``'s: ``dataset`` (a name or a ``Dataset``),
    ``n_samples``, ``random_state``, ``data_options`` and ``SparseAutoencoder`` keywords;
    they must not set ``param`` too. Everything is checked here, before any training: a bad
    value raises a ValueError (or TypeError) that names the setting, the value and what is
    allowed. The data is loaded once and shared by every run.
    """

    def __init__(
        self,
        param: str,
        values: Sequence[float | str],
        steps: int,
        dataset: Any = "natural-patches",
        n_samples: int | None = None,
        random_state: int = 0,
        data_options: dict[str, Any] | None = None,
        **params: Any,
    ) -> None:
        self.row = check_param_name(param)
        values = tuple(values)
        if not values:
            raise ValueError(
                f"no values of {param} to sweep: give one or more, e.g. {self.row.example}."
            )
        check_param("steps", steps, Interval(1, None, integer=True))
        if param in params:
            raise ValueError(
                f"{param}={params[param]!r} is given as a setting and swept too: give its "
                "values only as the values to sweep."
            )
        seen: set = set()
        for value in values:
            # The model's own checks: the message names the setting, the value and the rule.
            SparseAutoencoder(**(params | {param: value})).validate()
            if value in seen:
                raise ValueError(f"{param}={value!r} is given twice: give each value once.")
            seen.add(value)
        self.param, self.values, self.steps = param, values, int(steps)
        self.params = dict(params)
        self.n_samples, self.random_state = n_samples, random_state
        # The data, loaded (and checked) once: every run trains on these very inputs.
        first = Session(
            dataset, n_samples, random_state, data_options, **(params | {param: values[0]})
        )
        self.dataset = first.dataset
        self._settings = first.get_params()
        del self._settings[param]
        self.points: list[Point] = []
        #: The PCA baseline on the points' probe inputs (``pca_baseline``).
        self.pca = pca_baseline(first.X, first.model.n_hidden)

    @property
    def total(self) -> int:
        return len(self.values) * self.steps

    def session(self, value: float | str) -> Session:
        """A fresh session for ``value``: the seed's weights, the sweep's data."""
        return Session(
            self.dataset, self.n_samples, self.random_state, **(self.params | {self.param: value})
        )

    def settings(self) -> dict[str, Any]:
        """Every run's settings but the swept one (``Session.get_params`` without it)."""
        return dict(self._settings)

    def runs(self, chunk: int = 1) -> Iterator[Progress]:
        """Train every run, yielding a ``Progress`` after every ``chunk`` steps (and at the end
        of each run, with its ``point``); ``points`` holds the finished runs."""
        check_param("chunk", chunk, Interval(1, None, integer=True))
        self.points = []
        for index, value in enumerate(self.values):
            session = self.session(value)
            while True:
                report = session.step(min(chunk, self.steps - session.n_steps))
                finished = report.stopped or session.n_steps >= self.steps
                model, steps, point = session.model, session.n_steps, None
                if finished:
                    failed = report.diverged or report.stuck
                    truth = self.dataset.true_features
                    point = measure(model, session.X, value, steps, report.message, failed, truth)
                    self.points.append(point)
                done = index * self.steps + (self.steps if finished else steps)
                terms = dict(model.last_terms_)
                yield Progress(index, value, steps, done, self.total, terms, point)
                if finished:
                    break


def sweep(param: str, values: Sequence[float | str], steps: int, **settings: Any) -> list[Point]:
    """The frontier: one ``Point`` per value of ``param``, each run trained ``steps`` steps
    (the settings as ``Sweep`` takes them)."""
    runs = Sweep(param, values, steps, **settings)
    for _ in runs.runs(chunk=steps):
        pass
    return runs.points
