"""The NumPy core against PyTorch (CPU, autograd) on the same math, and the classic preset.

    python bench/core.py [--rounds 5] [--quick]

torch is a benchmark-only dependency (``pip install torch``), never a project one.

Table 1, per grid point (network 64-25 or 784-196, batch 256 or 10,000, float64 or
float32): milliseconds per training step for ours and for the peer, their ratio, our
GFLOP/s, and our fraction of the GEMM-bound limit.

- A step, for both: objective (squared error, sigmoid decoder, β·Σ KL(ρ‖ρ̂), (λ/2)‖W‖²),
  its gradient by backpropagation, and a plain gradient-descent update of every parameter,
  on the same batch, from the same weights, in the same dtype.
- The two are timed in the same process, interleaved round by round; each figure is the
  median over rounds of the mean step time within a round.
- GEMM-bound limit: the step's five matrix products (X·W1, H·W2 forward; Hᵀ·δ₂, δ₂·W2ᵀ,
  Xᵀ·δ₁ backward) timed alone with NumPy on the same shapes, in the same run. No step can
  be faster than those; the fraction is limit/ours.

Table 2: the ``ufldl-patches`` preset (400 L-BFGS iterations on 10,000 patches, float64)
with our model, and with ``bench/naive.py`` (a straightforward NumPy version of the same
objective, driven by the same L-BFGS) as the unoptimised reference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

# Interleaved runs share two cores: PyTorch's OpenMP threads otherwise spin for a while after
# each of its steps and slow down whatever NumPy runs next (and so our measured time).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np

from explorer.core import SparseAutoencoder
from explorer.datasets import load

try:
    import naive  # bench/naive.py, when run as `python bench/core.py`
except ImportError:  # pragma: no cover - imported as bench.core
    from bench import naive

RHO, BETA, LAM, LR = 0.05, 3.0, 1e-4, 0.1
NETS = ((64, 25), (784, 196))
BATCHES = (256, 10_000)
DTYPES = ("float64", "float32")


def ours(n: int, k: int, X: np.ndarray, dtype: str):
    model = SparseAutoencoder(n_hidden=k, rho=RHO, beta=BETA, weight_decay=LAM,
                              optimizer="sgd", momentum=0.0, learning_rate=LR,
                              random_state=0, dtype=dtype)  # fmt: skip
    model.initialize(n)
    X = np.ascontiguousarray(X, dtype=dtype)
    theta0 = model.theta_.copy()
    return (lambda: model.step(X)), theta0


def peer(n: int, k: int, X: np.ndarray, dtype: str, theta0: np.ndarray):
    import torch

    tdtype = getattr(torch, dtype)
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=dtype))
    sizes = (n * k, k, k * n, n)
    chunks = np.split(theta0, np.cumsum(sizes)[:-1])
    W1, b1, W2, b2 = (torch.tensor(c, dtype=tdtype, requires_grad=True) for c in chunks)
    W1v, W2v = W1.view(n, k), W2.view(k, n)
    params = (W1, b1, W2, b2)
    m = X.shape[0]

    def step() -> None:
        H = torch.sigmoid(Xt @ W1v + b1)
        rho_hat = H.mean(0)
        Xhat = torch.sigmoid(H @ W2v + b2)
        kl = RHO * torch.log(RHO / rho_hat) + (1 - RHO) * torch.log((1 - RHO) / (1 - rho_hat))
        loss = (0.5 * ((Xhat - Xt) ** 2).sum() / m + BETA * kl.sum()
                + 0.5 * LAM * ((W1 * W1).sum() + (W2 * W2).sum()))  # fmt: skip
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad

    return step


def gemm_limit(n: int, k: int, X: np.ndarray, dtype: str):
    """The step's five matrix products, alone, into preallocated outputs."""
    rng = np.random.default_rng(0)
    X = np.ascontiguousarray(X, dtype=dtype)
    m = X.shape[0]
    W1, W2 = rng.standard_normal((n, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
    H, Xhat = np.empty((m, k), dtype), np.empty((m, n), dtype)
    d2, d1 = rng.standard_normal((m, n)).astype(dtype), rng.standard_normal((m, k)).astype(dtype)
    gW1, gW2, dh = np.empty((n, k), dtype), np.empty((k, n), dtype), np.empty((m, k), dtype)

    def products() -> None:
        np.matmul(X, W1, out=H)
        np.matmul(H, W2, out=Xhat)
        np.matmul(H.T, d2, out=gW2)
        np.matmul(d2, W2.T, out=dh)
        np.matmul(X.T, d1, out=gW1)

    return products, 2.0 * 5 * m * n * k


def per_step(fn, steps: int) -> float:
    fn()  # warm-up: first-call allocations, thread pools
    start = time.perf_counter()
    for _ in range(steps):
        fn()
    return (time.perf_counter() - start) / steps


def grid(rounds: int, quick: bool) -> None:
    print(f"{'net':>8}{'batch':>7}{'dtype':>9}{'ours ms':>10}{'torch ms':>10}{'ratio':>7}"
          f"{'GFLOP/s':>9}{'of GEMM limit':>15}")  # fmt: skip
    rng = np.random.default_rng(0)
    for (n, k), m, dtype in [(net, m, d) for net in NETS for m in BATCHES for d in DTYPES]:
        if quick and n * m > 64 * 10_000:
            continue
        X = rng.uniform(0.1, 0.9, size=(m, n))
        step_ours, theta0 = ours(n, k, X, dtype)
        step_peer = peer(n, k, X, dtype, theta0)
        products, flops = gemm_limit(n, k, X, dtype)
        steps = max(2, int(2e8 / (m * n * k)))  # about the same work per round everywhere
        t_ours, t_peer, t_gemm = [], [], []
        for _ in range(rounds):
            t_ours.append(per_step(step_ours, steps))
            t_peer.append(per_step(step_peer, steps))
            t_gemm.append(per_step(products, steps))
        o, p, g = (statistics.median(t) for t in (t_ours, t_peer, t_gemm))
        print(f"{n}-{k:<4}{m:>7}{dtype:>9}{o * 1e3:>10.3f}{p * 1e3:>10.3f}{o / p:>7.2f}"
              f"{flops / o / 1e9:>9.1f}{g / o:>14.0%}")  # fmt: skip


def preset_run(model_class) -> tuple[float, float]:
    data = load("natural-patches", n_samples=10_000, random_state=0)
    model = model_class(n_hidden=25, rho=0.01, beta=3.0, weight_decay=1e-4, random_state=0)
    start = time.perf_counter()
    model.fit(data.X, max_iter=400)
    return time.perf_counter() - start, float(model.rho_hat_.mean())


def preset_table(rounds: int) -> None:
    print("\nufldl-patches preset: 400 L-BFGS iterations, 10,000 patches, 64-25, float64 "
          f"(median of {rounds}, interleaved)")  # fmt: skip
    times: dict[str, list[float]] = {"ours": [], "naive": []}
    for _ in range(rounds):
        for name, cls in (("ours", SparseAutoencoder), ("naive", naive.NaiveSparseAutoencoder)):
            seconds, rho_hat = preset_run(cls)
            times[name].append(seconds)
    t_ours, t_naive = (statistics.median(times[k]) for k in ("ours", "naive"))
    print(f"  ours  {t_ours:6.2f} s   (runs {', '.join(f'{t:.2f}' for t in times['ours'])})")
    print(f"  naive {t_naive:6.2f} s   (runs {', '.join(f'{t:.2f}' for t in times['naive'])})")
    print(f"  ratio ours/naive {t_ours / t_naive:.2f}; mean ρ̂ {rho_hat:.4f} (target ρ = 0.01)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the two largest grid points")
    args = parser.parse_args()
    import torch

    print(f"numpy {np.__version__}, torch {torch.__version__} "
          f"({torch.get_num_threads()} threads)\n")  # fmt: skip
    grid(args.rounds, args.quick)
    preset_table(max(3, args.rounds // 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
