"""Pure-NumPy core: activations, losses, penalties, the model, optimisers, gradient check,
metrics."""

from .gradcheck import check_coordinates, check_gradient, float64_copy, gradient_errors
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
from .model import LIVE_PARAMS, SparseAutoencoder
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
    "LIVE_PARAMS",
    "PENALTIES",
    "SATURATED",
    "Penalty",
    "SparseAutoencoder",
    "check_coordinates",
    "check_gradient",
    "dead_units",
    "explained_variance",
    "float64_copy",
    "gradient_errors",
    "kl_divergence",
    "kl_divergence_grad",
    "l0",
    "max_decoder_cosine",
    "mean_log10_rho_hat",
    "saturated_units",
    "topk_count",
    "topk_gap",
    "topk_margin",
]
