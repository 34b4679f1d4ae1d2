"""Sparse Autoencoder Explorer: the classic KL-sparse autoencoder, live in Jupyter.

The core (``SparseAutoencoder`` and friends) needs only NumPy; ``Explorer`` (the dashboard)
is imported on first use so that headless users never load ipywidgets or plotly.
"""

from .core import (
    SparseAutoencoder,
    check_gradient,
    gradient_errors,
    kl_divergence,
    kl_divergence_grad,
)

__all__ = [
    "Explorer",
    "SparseAutoencoder",
    "check_gradient",
    "gradient_errors",
    "kl_divergence",
    "kl_divergence_grad",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "Explorer":
        from .app import Explorer

        return Explorer
    raise AttributeError(f"module 'explorer' has no attribute {name!r}")
