"""Pure-NumPy core: activations, losses, penalties, the model, optimisers, gradient check,
metrics."""

from .estimator import NotFittedError
from .gradcheck import (
    check_coordinates,
    check_gradient,
    float64_copy,
    gradient_errors,
    spot_check,
)
from .metrics import (
    ACTIVE,
    DEAD,
    SATURATED,
    dead_units,
    explained_variance,
    l0,
    max_decoder_cosine,
    mean_log10_rho_hat,
    saturated_units,
)
from .model import PARAM_NAMES, SparseAutoencoder
from .optimizers import OPTIMIZERS, check_batch_size, is_full_batch
from .penalties import (
    PENALTIES,
    Penalty,
    kl_divergence,
    kl_divergence_grad,
    topk_count,
    topk_gap,
    topk_margin,
)

__all__ = [
    "ACTIVE",
    "DEAD",
    "OPTIMIZERS",
    "PARAM_NAMES",
    "PENALTIES",
    "SATURATED",
    "NotFittedError",
    "Penalty",
    "SparseAutoencoder",
    "check_batch_size",
    "check_coordinates",
    "check_gradient",
    "dead_units",
    "explained_variance",
    "float64_copy",
    "gradient_errors",
    "is_full_batch",
    "kl_divergence",
    "kl_divergence_grad",
    "l0",
    "max_decoder_cosine",
    "mean_log10_rho_hat",
    "saturated_units",
    "spot_check",
    "topk_count",
    "topk_gap",
    "topk_margin",
]
