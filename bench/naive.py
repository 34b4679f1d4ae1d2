"""A straightforward NumPy sparse autoencoder: the unoptimised reference for bench/core.py.

The objective written the way the UFLDL exercise's solution reads, with no attention to
memory: 1/(1+exp(-z)), every intermediate a fresh array, the reconstruction error and the
sigmoid derivative computed where they are needed. Everything else (parameters, L-BFGS,
fit) is our model's, so the ratio measures the objective's implementation.
"""

from __future__ import annotations

import numpy as np

from explorer.core import SparseAutoencoder


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class NaiveSparseAutoencoder(SparseAutoencoder):
    def _objective(self, theta, X):
        n, k = X.shape[1], self.n_hidden
        W1 = theta[: n * k].reshape(n, k)
        b1 = theta[n * k : n * k + k]
        W2 = theta[n * k + k : 2 * n * k + k].reshape(k, n)
        b2 = theta[2 * n * k + k :]
        m, rho, beta, lam = X.shape[0], self.rho, self.beta, self.weight_decay

        a2 = sigmoid(X.dot(W1) + b1)
        a3 = sigmoid(a2.dot(W2) + b2)
        rho_hat = np.mean(a2, axis=0)
        reconstruction = np.sum((a3 - X) ** 2) / (2 * m)
        kl = np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
        decay = (lam / 2) * (np.sum(W1**2) + np.sum(W2**2))

        delta3 = -(X - a3) * (a3 * (1 - a3))
        sparsity_delta = -rho / rho_hat + (1 - rho) / (1 - rho_hat)
        delta2 = (delta3.dot(W2.T) + beta * sparsity_delta) * (a2 * (1 - a2))
        W1grad = X.T.dot(delta2) / m + lam * W1
        W2grad = a2.T.dot(delta3) / m + lam * W2
        b1grad = np.sum(delta2, axis=0) / m
        b2grad = np.sum(delta3, axis=0) / m

        grad = np.concatenate([W1grad.ravel(), b1grad, W2grad.ravel(), b2grad])
        total = reconstruction + beta * kl + decay
        terms = {"reconstruction": reconstruction, "sparsity": beta * kl,
                 "weight_decay": decay, "total": total}  # fmt: skip
        return total, grad, (terms, rho_hat)
