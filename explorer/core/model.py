"""The classic sparse autoencoder, scikit-learn style, stepping one optimiser iteration at a time.

Encoder h = g(W1ᵀx + b1) with g the logistic sigmoid, decoder x̂ = f(W2ᵀh + b2). Objective::

    L̂(θ) = L(x̂, x) + β·Ω(ρ̂) + (λ/2)(‖W1‖² + ‖W2‖²),   ρ̂_l = (1/m) Σ_i h(x_i)_l

(In the lecture notes' notation W = W1 and W* = W2; rows of X are samples, so the code computes
``X @ W1``.) All parameters live in one flat vector; ``params_`` holds named views into it,
which is what the optimisers (L-BFGS above all) want and what makes a step allocation-light.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import ACTIVATIONS, sigmoid, sigmoid_grad
from .chain_rule import EncoderGradient
from .estimator import (
    Estimator,
    check_feature_names,
    check_input_features,
    feature_names,
    generator,
)
from .losses import LOSSES
from .optimizers import OPTIMIZERS, check_batch_size
from .penalties import PENALTIES
from .scratch import scratch
from .validation import (
    NONE,
    Either,
    InstanceOf,
    Interval,
    Options,
    check_array,
    check_param,
    check_params,
)

#: The parameter arrays, in their order in the flat vector ``theta_``.
PARAM_NAMES = ("W1", "b1", "W2", "b2")

_CONSTRAINTS = {
    "n_hidden": Interval(1, None, integer=True),
    "rho": Interval(0.0, 1.0, closed="neither"),
    "beta": Interval(0.0, None),
    "weight_decay": Interval(0.0, None),
    # The tables' keys as live views: a row added to a table is allowed at once.
    "loss": Options(LOSSES.keys()),
    "decoder": Options(("sigmoid", "linear")),
    "penalty": Options(PENALTIES.keys()),
    "optimizer": Options(OPTIMIZERS.keys()),
    "learning_rate": Either((NONE, Interval(0.0, None, closed="neither"))),
    "momentum": Interval(0.0, 1.0, closed="left"),
    "batch_size": Either((NONE, Interval(1, None, integer=True))),
    "max_iter": Interval(1, None, integer=True),
    "random_state": Either(
        (
            NONE,
            Interval(0, None, integer=True),
            InstanceOf(
                (np.random.Generator, np.random.RandomState),
                "a numpy Generator or RandomState",
            ),
        )
    ),
    "dtype": Options(("float64", "float32")),
}


class SparseAutoencoder(Estimator):
    """Sparse autoencoder with sigmoid hidden units and a KL sparsity penalty.

    Parameters
    ----------
    n_hidden : int, default 25
        Number of hidden units k.
    rho : float in (0, 1), default 0.01
        Target mean activation ρ of every hidden unit.
    beta : float >= 0, default 3.0
        Weight β of the sparsity penalty.
    weight_decay : float >= 0, default 1e-4
        λ in (λ/2)(‖W1‖² + ‖W2‖²); biases are not decayed.
    loss : {"squared", "cross_entropy"}, default "squared"
        Squared error (1/2m)Σ‖x̂−x‖² or cross-entropy (sigmoid decoder only).
    decoder : {"sigmoid", "linear"}, default "sigmoid"
        Output nonlinearity f.
    penalty : str, default "kl"
        Sparsity penalty, a key of ``explorer.core.penalties.PENALTIES``.
    optimizer : {"lbfgs", "adam", "sgd"}, default "lbfgs"
        L-BFGS is full-batch; Adam and SGD (with momentum) may use mini-batches.
    learning_rate : float > 0 or None
        Step size (Adam, SGD) or first trial step of the line search (L-BFGS).
        None takes the optimiser's default (L-BFGS 1.0, Adam 0.01, SGD 0.1).
    momentum : float in [0, 1), default 0.9
        Momentum of SGD.
    batch_size : int or None
        Samples per step in ``fit`` (None = the whole data set). Not allowed with L-BFGS.
    max_iter : int >= 1, default 400
        Optimiser steps ``fit`` takes (fewer when L-BFGS can make no further progress).
    random_state : None, int >= 0, numpy Generator or RandomState
        Seeds weight initialisation and mini-batch sampling (an int: the same run every time).
    dtype : {"float64", "float32"}
        Floating-point type of the parameters and of the computation.

    The constructor only stores its arguments (scikit-learn's contract): they are checked by
    ``fit``, ``partial_fit`` and ``initialize``, and ``validate`` checks them on demand.

    Attributes
    ----------
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of str
        Column names of the data ``fit`` was given, when it was a data frame with string
        column names.
    params_ : dict of ndarray
        ``W1`` (n_features, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_features),
        ``b2`` (n_features,): live views into the flat parameter vector.
    rho_hat_ : ndarray (n_hidden,)
        Mean activations ρ̂ of the last step's forward pass.
    n_steps_ : int
        Optimiser steps taken since initialisation (``n_iter_`` is scikit-learn's name).
    loss_curve_ : list of float
        Total objective at every step.
    last_terms_ : dict
        The loss terms of the last step.
    """

    def __init__(
        self,
        n_hidden: int = 25,
        rho: float = 0.01,
        beta: float = 3.0,
        weight_decay: float = 1e-4,
        loss: str = "squared",
        decoder: str = "sigmoid",
        penalty: str = "kl",
        optimizer: str = "lbfgs",
        learning_rate: float | None = None,
        momentum: float = 0.9,
        batch_size: int | None = None,
        max_iter: int = 400,
        random_state: Any = None,
        dtype: str = "float64",
    ) -> None:
        self.n_hidden = n_hidden
        self.rho = rho
        self.beta = beta
        self.weight_decay = weight_decay
        self.loss = loss
        self.decoder = decoder
        self.penalty = penalty
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.random_state = random_state
        self.dtype = dtype

    # ------------------------------------------------------------------ parameters
    def set_params(self, **params: Any) -> SparseAutoencoder:
        """Set hyper-parameters (scikit-learn's ``set_params``); an unknown name changes nothing.

        Values are checked when used: by the next ``partial_fit``, ``fit`` or ``initialize``
        (``validate`` checks them at once). ``n_hidden``, ``dtype`` and ``random_state`` take
        effect at the next initialisation (``fit`` or ``initialize``). ``optimizer`` and the
        settings an optimiser is built with (its row's ``settings``: SGD's ``momentum``) start
        a fresh optimiser state at the next step. Every other applies at the next step and
        the optimiser's state carries on: a new ``batch_size`` changes only how noisy each
        gradient is, not the objective, so Adam's moments and SGD's velocity still estimate
        what they did (a fresh Adam would restart its bias correction, moving every weight by
        about the learning rate at once: a jolt mid-run).
        """
        unknown = sorted(set(params) - set(self._get_param_names()))
        if unknown:
            raise ValueError(
                f"Invalid parameter(s) {unknown} for estimator {type(self).__name__}. "
                f"Valid parameters are: {self._get_param_names()}."
            )
        super().set_params(**params)
        known = self.optimizer in _CONSTRAINTS["optimizer"]  # else refused at the next step
        built_with = {"optimizer", *(OPTIMIZERS[self.optimizer].settings if known else ())}
        if built_with & set(params) and self.__sklearn_is_fitted__():
            self.restart_optimizer()
        return self

    def validate(self) -> None:
        """Raise a ValueError (TypeError for a wrong kind) naming the first hyper-parameter, or
        combination of them, that is not allowed, the value and what is allowed."""
        params = self.get_params(deep=False)
        check_params(params, _CONSTRAINTS)
        self._check_combination(params)

    @staticmethod
    def _check_combination(p: dict[str, Any]) -> None:
        allowed = LOSSES[p["loss"]].decoders
        if p["decoder"] not in allowed:
            raise ValueError(
                f"decoder={p['decoder']!r} is not allowed with loss={p['loss']!r}: "
                f"it needs decoder in {allowed} (cross-entropy needs outputs in (0, 1))."
            )
        check_batch_size(p["optimizer"], p["batch_size"])

    @property
    def effective_learning_rate(self) -> float:
        """The learning rate in use: ``learning_rate`` or the optimiser's default."""
        if self.learning_rate is not None:
            return float(self.learning_rate)
        return OPTIMIZERS[self.optimizer].default_learning_rate

    # ------------------------------------------------------------------ initialisation
    def initialize(self, n_features: int) -> SparseAutoencoder:
        """Draw fresh weights, uniform in ±√(6/(n_in + n_out + 1)), biases 0; forget history
        (and any feature names: ``fit`` records those of its data)."""
        self.validate()
        check_param("n_features", n_features, Interval(1, None, integer=True))
        k, n = self.n_hidden, n_features
        dt = np.dtype(self.dtype)
        self._rng = generator(self.random_state)
        self._shapes = dict(zip(PARAM_NAMES, [(n, k), (k,), (k, n), (n,)], strict=True))
        self.theta_ = np.zeros(2 * n * k + k + n, dtype=dt)
        self.params_ = self._views(self.theta_)
        r = np.sqrt(6.0 / (n + k + 1))
        for name in ("W1", "W2"):
            self.params_[name][...] = self._rng.uniform(-r, r, size=self._shapes[name])
        self.n_features_in_ = n
        self.__dict__.pop("feature_names_in_", None)
        self.n_steps_ = 0
        self.loss_curve_: list[float] = []
        self.last_terms_: dict[str, float] = {}
        self.rho_hat_ = np.zeros(k)
        self.restart_optimizer()
        return self

    def _views(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        views, start = {}, 0
        for name, shape in self._shapes.items():
            size = int(np.prod(shape))
            views[name] = theta[start : start + size].reshape(shape)
            start += size
        return views

    @property
    def rng_state(self) -> dict[str, Any]:
        """The state of the generator that draws the mini-batches (``next_batch``), as a
        JSON-serialisable dict; assign a saved one to continue that run's draws."""
        self._check_initialized()
        return self._rng.bit_generator.state

    @rng_state.setter
    def rng_state(self, state: dict[str, Any]) -> None:
        self._check_initialized()
        self._rng.bit_generator.state = state

    @property
    def components_(self) -> np.ndarray:
        """Encoder filters, one row per hidden unit: W1ᵀ (n_hidden, n_features)."""
        self._check_initialized()
        return self.params_["W1"].T

    def __sklearn_is_fitted__(self) -> bool:
        """Has the model weights (``fit``, ``partial_fit`` or ``initialize``)?"""
        return "theta_" in vars(self)

    @property
    def n_iter_(self) -> int:
        """Optimiser steps since initialisation: scikit-learn's name for ``n_steps_``."""
        self._check_initialized()
        return self.n_steps_

    # ------------------------------------------------------------------ the math
    def _objective(self, theta: np.ndarray, X: np.ndarray) -> tuple[float, np.ndarray, Any]:
        """Objective, gradient and (terms, ρ̂) at ``theta`` for the batch ``X`` (already valid)."""
        p = self._views(theta)
        W1, W2 = p["W1"], p["W2"]
        m = X.shape[0]
        lam, beta = self.weight_decay, self.beta
        # Batch-sized arrays are reused from step to step (allocating and first-touching
        # megabytes per step costs as much as the arithmetic on them).
        work = self._workspace(m, X.shape[1], theta.dtype)
        H, _, _, _, D, _, ones = work
        rho_hat, reconstruction = self._forward(p, X, work)
        sparsity = beta * PENALTIES[self.penalty].value(H, rho_hat, self.rho) if beta else 0.0
        decay = 0.5 * lam * (float(np.vdot(W1, W1)) + float(np.vdot(W2, W2)))

        # Backward pass. D = m·∂L/∂z_out; the 1/m is applied to the small results instead.
        grad = np.empty_like(theta)  # fresh: optimisers keep earlier gradients
        g = self._views(grad)
        np.matmul(H.T, D, out=g["W2"])
        g["W2"] *= 1.0 / m
        np.matmul(ones, D, out=g["b2"])
        g["b2"] *= 1.0 / m
        d_hidden, d_penalty, g_prime = self._hidden_errors(
            p, rho_hat, work, with_penalty=bool(beta)
        )
        if beta:
            # The sparsity term joins the hidden error *before* the multiplication by g'.
            d_hidden += beta * d_penalty
        d_hidden *= g_prime
        np.matmul(X.T, d_hidden, out=g["W1"])
        np.matmul(ones, d_hidden, out=g["b1"])
        if lam:
            g["W1"] += lam * W1
            g["W2"] += lam * W2

        total = reconstruction + sparsity + decay
        terms = {
            "reconstruction": reconstruction,
            "sparsity": sparsity,
            "weight_decay": decay,
            "total": total,
        }
        return total, grad, (terms, rho_hat)

    def _forward(
        self, p: dict[str, np.ndarray], X: np.ndarray, work: tuple[np.ndarray, ...]
    ) -> tuple[np.ndarray, float]:
        """The forward pass over the whole batch into ``work`` (H, X̂, and the output error
        D = m·∂L/∂z_out); returns ρ̂ and the reconstruction loss L."""
        H, _, Sh, Xhat, D, T, ones = work
        decoder = ACTIVATIONS[self.decoder]
        # ρ̂ needs every sample before any backward step. Column sums are products with a ones
        # vector: BLAS's gemv took 0.06-0.4 ms where sum(axis=0) took 0.3-1.1 ms (10,000 rows
        # of 25 to 196 float64 columns, AVX2).
        np.matmul(X, p["W1"], out=H)
        H += p["b1"]
        sigmoid(H, out=H, scratch=Sh)
        rho_hat = np.matmul(ones, H)
        rho_hat *= 1.0 / X.shape[0]
        np.matmul(H, p["W2"], out=Xhat)
        Xhat += p["b2"]
        decoder.f(Xhat, out=Xhat, scratch=T)
        # The loss and its output error in one call (the squared error's x̂ − x once, in D).
        reconstruction, _ = LOSSES[self.loss].value_and_delta(Xhat, X, decoder, out=D, scratch=T)
        return rho_hat, reconstruction

    def _hidden_errors(
        self,
        p: dict[str, np.ndarray],
        rho_hat: np.ndarray,
        work: tuple[np.ndarray, ...],
        with_penalty: bool,
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """The hidden layer's error term by term, after ``_forward`` filled ``work``: ∂L/∂h =
        (1/m)·D W2ᵀ (m × k, in ``work``), ∂Ω/∂h (the penalty's ``grad``: one row (1/m)·∂Ω/∂ρ̂
        for KL and L1; None unless ``with_penalty``) and g′(a) = h(1 − h) (in ``work``).

        The objective adds β·∂Ω/∂h to ∂L/∂h before multiplying by g′; ``encoder_gradient``
        keeps them apart. Both start here, so the pieces are the objective's own.
        """
        H, d_hidden, Sh, _, D, _, _ = work
        np.matmul(D, p["W2"].T, out=d_hidden)
        d_hidden *= 1.0 / H.shape[0]
        d_penalty = PENALTIES[self.penalty].grad(H, rho_hat, self.rho) if with_penalty else None
        return d_hidden, d_penalty, sigmoid_grad(H, out=Sh)

    def encoder_gradient(self, X: np.ndarray, theta: np.ndarray | None = None) -> EncoderGradient:
        """The gradient of the objective for the encoder weights W1, term by term.

        ∂L̂/∂W_:,l = ∂L/∂W_:,l + β·∂Ω/∂ρ̂_l · ∂ρ̂_l/∂W_:,l + λW_:,l for every unit l, measured
        at ``theta`` (a flat parameter vector; default the current weights) on the batch ``X``
        (as ``check_input`` returns it: the inputs the step's gradient is measured on). The
        pieces come from the objective's own forward pass and hidden errors (``_forward``,
        ``_hidden_errors``), only multiplied by Xᵀ term by term instead of summed first, so
        their sum is the objective's gradient for W1 up to rounding. See ``core.chain_rule``.
        """
        self._check_initialized()
        p = self._views(self.theta_ if theta is None else theta)
        m = X.shape[0]
        # The steps' workspace: scratch within a call, free between steps (nothing reads it
        # after the call that filled it), and measured on a step's inputs it has their shape.
        # Any other batch (the whole data set before the first step, as a dashboard's first
        # frame measures it) gets a workspace of its own for this call: kept, it would hold
        # 10 MB (64-25 on 10,000 patches) that a run of mini-batches never uses.
        work = self._workspace(m, X.shape[1], p["W1"].dtype, keep=False)
        rho_hat, _ = self._forward(p, X, work)
        d_hidden, d_penalty, g_prime = self._hidden_errors(p, rho_hat, work, with_penalty=True)
        rho_hat_grad = X.T @ g_prime
        rho_hat_grad *= 1.0 / m  # ∂ρ̂_l/∂W_:,l = (1/m) Σ_i x_i g′(a_il)
        if d_penalty.ndim == 1:
            # Ω depends on h only through ρ̂ (∂Ω/∂h_il = (1/m)·∂Ω/∂ρ̂_l): the chain rule.
            slope = d_penalty * m
            sparsity = self.beta * slope * rho_hat_grad
        else:  # TopK: every input pays for its own units, and there is no ∂Ω/∂ρ̂
            slope = None
            sparsity = X.T @ (d_penalty * g_prime)
            sparsity *= self.beta
        d_hidden *= g_prime
        return EncoderGradient(
            rho_hat=rho_hat,
            slope=slope,
            rho_hat_grad=rho_hat_grad,
            sparsity=sparsity,
            reconstruction=X.T @ d_hidden,
            weight_decay=self.weight_decay * p["W1"],
            beta=float(self.beta),
            n_samples=m,
        )

    def _workspace(
        self, m: int, n: int, dtype: np.dtype, keep: bool = True
    ) -> tuple[np.ndarray, ...]:
        """Three m×k arrays (H, the hidden error, scratch), three m×n ones (X̂, the output
        error, scratch) and m ones (for column sums): the model's own when it has these shapes;
        otherwise fresh ones (``core.scratch``: their memory goes back to the system when they
        are dropped), which replace the model's own with ``keep``."""
        key = (m, n, self.n_hidden, np.dtype(dtype))
        if getattr(self, "_work_key", None) == key:
            return self._work
        k = self.n_hidden
        *arrays, ones = scratch([(m, k)] * 3 + [(m, n)] * 3 + [(m,)], dtype)
        ones.fill(1.0)
        work = (*arrays, ones)
        if keep:
            self._work, self._work_key = work, key
        return work

    def loss_and_grad(self, X: Any) -> tuple[dict[str, float], dict[str, np.ndarray]]:
        """Loss terms and gradients at the current parameters, without changing them.

        Returns
        -------
        terms : dict
            ``reconstruction``, ``sparsity`` (β·Ω), ``weight_decay`` ((λ/2)(‖W1‖²+‖W2‖²)) and
            ``total`` (their sum).
        grads : dict
            Gradient of ``total`` for each key of ``params_``.
        """
        X = self.check_input(X)
        _, grad, (terms, _) = self._objective(self.theta_, X)
        return terms, {k: v.copy() for k, v in self._views(grad).items()}

    # ------------------------------------------------------------------ estimator API
    def check_input(self, X: Any) -> np.ndarray:
        """``X`` as the model computes on it: validated (shape, finite, in [0, 1] where the
        decoder or loss needs it) and converted to ``dtype``. Initialises the model on the first
        call. Check the data once and ``step`` on it (or on ``next_batch`` of it) many times."""
        fitted = self.__sklearn_is_fitted__()
        return self._check_data(X, reset=not fitted, unit_interval=self._unit_interval)

    def _check_data(self, X: Any, reset: bool, unit_interval: bool) -> np.ndarray:
        """``X`` checked and converted; with ``reset``, the model initialised to its width and
        its column names recorded, otherwise both compared with what the model has."""
        names = feature_names(X)
        if reset:  # one scan of X, then initialise to its width
            self.validate()
            X = check_array(X, unit_interval=unit_interval, dtype=self.dtype)
            self.initialize(X.shape[1])
            if names is not None:
                self.feature_names_in_ = names
            return X
        check_feature_names(self, names)
        return check_array(
            X,
            n_features=self.n_features_in_,
            unit_interval=unit_interval,
            dtype=self.dtype,
            owner=type(self).__name__,
        )

    @property
    def _unit_interval(self) -> bool:
        """Whether X must lie in [0, 1]: a sigmoid decoder or cross-entropy needs it."""
        return self.decoder == "sigmoid" or self.loss == "cross_entropy"

    def partial_fit(self, X: Any, y: Any = None) -> SparseAutoencoder:
        """Exactly one optimiser step on the batch ``X`` (initialising on the first call).
        ``y`` is ignored: it is there for scikit-learn's pipelines."""
        self.validate()
        self.step(self.check_input(X))
        return self

    def step(self, X: np.ndarray) -> dict[str, float]:
        """One optimiser step on the batch ``X`` as returned by ``check_input`` (or a
        ``next_batch`` of it), without checking it again; returns the step's loss terms.

        The loss terms, like ``loss_curve_`` and ``rho_hat_``, are those at the weights the
        step started from.
        """
        if self._opt is None:
            cls = OPTIMIZERS[self.optimizer]
            kw = {name: getattr(self, name) for name in cls.settings}
            self._opt = cls(self.theta_.size, self.theta_.dtype, **kw)
        # The key names the batch by id(X); holding X until the next step keeps Python from
        # recycling that id for another batch, which would reuse a stale cached gradient.
        self._batch = X
        objective = (self.rho, self.beta, self.weight_decay, self.loss, self.decoder, self.penalty)
        key = (id(X), X.shape, *objective)
        terms, rho_hat = self._opt.step(
            lambda th: self._objective(th, X), self.theta_, self.effective_learning_rate, key
        )
        self.rho_hat_ = rho_hat
        self.last_terms_ = terms
        self.loss_curve_.append(terms["total"])
        self.n_steps_ += 1
        return terms

    def restart_optimizer(self) -> None:
        """Forget the optimiser's state (SGD's velocity, Adam's moments, L-BFGS's curvature
        pairs and cached gradient): the next step starts a fresh one. Needed when the weights
        are put back to another point, whose path that memory does not describe."""
        self._opt = None

    def next_batch(self, X: np.ndarray) -> np.ndarray:
        """The batch for the next step: all of X, or ``batch_size`` rows drawn at random."""
        if self.batch_size is None or self.batch_size >= X.shape[0]:
            return X
        idx = self._rng.choice(X.shape[0], size=self.batch_size, replace=False)
        return X[np.sort(idx)]

    @property
    def converged_(self) -> bool:
        """True when L-BFGS can lower the objective no further: its last search found no
        decrease, or the last few steps gained only rounding (a step changes nothing until a
        hyper-parameter or the data change)."""
        return bool(getattr(getattr(self, "_opt", None), "converged", False))

    def fit(self, X: Any, y: Any = None) -> SparseAutoencoder:
        """Initialise afresh and take ``max_iter`` steps (full batch or mini-batches).

        Stops early when L-BFGS can make no further progress. ``y`` is ignored: it is there
        for scikit-learn's pipelines.
        """
        self._fit(X)
        return self

    def _fit(self, X: Any) -> np.ndarray:
        """``fit``, returning ``X`` as checked (for ``fit_transform``)."""
        self.validate()
        X = self._check_data(X, reset=True, unit_interval=self._unit_interval)
        for _ in range(self.max_iter):
            self.step(self.next_batch(X))
            if self.converged_:
                break
        return X

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """``fit(X)``, then the hidden activations of ``X`` (checked once)."""
        return self._encode(self._fit(X))

    def transform(self, X: Any) -> np.ndarray:
        """Hidden activations h(x) = g(W1ᵀx + b1), one row per sample."""
        self._check_initialized()
        return self._encode(self._check_data(X, reset=False, unit_interval=False))

    def _encode(self, X: np.ndarray) -> np.ndarray:
        H = X @ self.params_["W1"]
        H += self.params_["b1"]
        return sigmoid(H, out=H)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of ``transform``'s columns, one per hidden unit: ``sparseautoencoder0``, ...
        ``input_features``, if given, must match the features ``fit`` saw."""
        self._check_initialized()
        check_input_features(self, input_features)
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(self.params_["b1"].size)], dtype=object)

    def inverse_transform(self, X: Any) -> np.ndarray:
        """Reconstructions x̂ = f(W2ᵀh + b2) from hidden activations ``X`` (one row each, as
        ``transform`` gives them): the decoder is the map back to input space. Checked, unlike
        ``decode``."""
        self._check_initialized()
        H = check_array(
            X,
            n_features=self.params_["b1"].size,
            dtype=self.theta_.dtype,
            owner=f"{type(self).__name__}.inverse_transform (one column per hidden unit)",
        )
        return self.decode(H)

    def decode(self, H: np.ndarray) -> np.ndarray:
        """Reconstructions x̂ = f(W2ᵀh + b2) from hidden activations ``H`` (one row each)."""
        self._check_initialized()
        out = np.asarray(H) @ self.params_["W2"]
        out += self.params_["b2"]
        return ACTIVATIONS[self.decoder].f(out, out=out)

    def reconstruct(self, X: Any) -> np.ndarray:
        """Reconstructions x̂ = f(W2ᵀh(x) + b2)."""
        return self.decode(self.transform(X))

    def __getstate__(self) -> dict[str, Any]:
        """What pickling keeps: settings, weights, history and the random generator; not the
        scratch arrays, the last batch (a reference to the training data) or the optimiser's
        memory, whose cached gradient is keyed by that batch's ``id``, which means nothing in
        another process. An unpickled model trains on with a fresh optimiser, as after
        ``restart_optimizer``."""
        state = {k: v for k, v in vars(self).items() if k not in ("_work", "_work_key", "_batch")}
        if "_opt" in state:
            state["_opt"] = None
        return state

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's description of this estimator; only scikit-learn calls it, so it alone
        imports scikit-learn."""
        from sklearn.utils import InputTags, Tags, TargetTags, TransformerTags

        return Tags(
            estimator_type=None,
            target_tags=TargetTags(required=False),
            # transform computes in the model's dtype, whatever the input's.
            transformer_tags=TransformerTags(preserves_dtype=[self.dtype]),
            input_tags=InputTags(),
        )

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"SparseAutoencoder({args})"
