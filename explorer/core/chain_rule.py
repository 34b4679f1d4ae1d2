"""The seed's derivation, term by term: the gradient of the objective for the encoder weights.

For hidden unit l, with a_il = W_:,lᵀx_i + b_l and g′ the sigmoid's derivative::

    ∂L̂/∂W_:,l = ∂L/∂W_:,l + β·∂Ω/∂W_:,l + λ·W_:,l
    ∂Ω/∂W_:,l = ∂Ω/∂ρ̂_l · ∂ρ̂_l/∂W_:,l,   ∂ρ̂_l/∂W_:,l = (1/m) Σ_i x_i g′(a_il)

(the lecture's chain rule; ``SparseAutoencoder.encoder_gradient`` computes the pieces by the
objective's own backward pass, so they add up to the gradient the optimiser receives). The
second line holds where Ω depends on the activations only through ρ̂ (KL, L1). TopK does not:
each input pays for the units outside its own K largest, so it has no ∂Ω/∂ρ̂ and its
β·∂Ω/∂W_:,l = (β/m) Σ_i [l ∉ topK(h_i)] x_i g′(a_il) is summed input by input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EncoderGradient:
    """∂L̂/∂W1 split by term; every (n, k) array has one column per hidden unit l.

    Attributes
    ----------
    rho_hat : ndarray (k,)
        ρ̂_l on the inputs the gradient was measured on.
    slope : ndarray (k,) or None
        ∂Ω/∂ρ̂_l: which way and how hard the penalty pushes each unit's mean activation
        (negative: up). None for a penalty that is not a function of ρ̂ (TopK).
    rho_hat_grad : ndarray (n, k)
        ∂ρ̂_l/∂W_:,l = (1/m) Σ_i x_i g′(a_il): what raising unit l's mean activation asks of
        its weights.
    sparsity : ndarray (n, k)
        β·∂Ω/∂W_:,l (β·∂Ω/∂ρ̂_l · ∂ρ̂_l/∂W_:,l where ``slope`` is given).
    reconstruction : ndarray (n, k)
        ∂L/∂W_:,l, the reconstruction error brought back through the decoder W2.
    weight_decay : ndarray (n, k)
        λ·W_:,l.
    beta : float
        The β in ``sparsity``.
    n_samples : int
        m, the number of inputs the gradient was measured on.
    """

    rho_hat: np.ndarray
    slope: np.ndarray | None
    rho_hat_grad: np.ndarray
    sparsity: np.ndarray
    reconstruction: np.ndarray
    weight_decay: np.ndarray
    beta: float
    n_samples: int

    @property
    def total(self) -> np.ndarray:
        """∂L̂/∂W1 = ∂L/∂W1 + β·∂Ω/∂W1 + λW1: the gradient the optimiser receives for W1."""
        return self.reconstruction + self.sparsity + self.weight_decay

    def norms(self, term: str) -> np.ndarray:
        """‖·_:,l‖ of one term (an attribute name above, or "total") for every unit l."""
        return np.linalg.norm(getattr(self, term), axis=0)
