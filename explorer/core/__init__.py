"""Pure-NumPy core: activations, losses, penalties, the model, optimisers, gradient check."""

from .gradcheck import check_gradient, gradient_errors
from .model import LIVE_PARAMS, SparseAutoencoder
from .penalties import PENALTIES, kl_divergence, kl_divergence_grad

__all__ = [
    "LIVE_PARAMS",
    "PENALTIES",
    "SparseAutoencoder",
    "check_gradient",
    "gradient_errors",
    "kl_divergence",
    "kl_divergence_grad",
]
