"""The NumPy core against PyTorch (CPU, autograd) on the same math, and the classic preset.

    python bench/core.py [--rounds 5] [--before DIR] [--mnist-rounds 1] [--quick]

torch is a benchmark-only dependency (``pip install torch``), never a project one; where it is
not installed, the peer is skipped (and said so) and our side runs alone. ``--quick`` runs
every part on small sizes, once (a check that the benchmark works, not a measurement).

The header names the CPU (/proc/cpuinfo) and NumPy's SIMD: its baseline and the dispatched
extensions this CPU has (float64 exp and tanh are vectorised only with AVX-512).

Table 1, per grid point (network 64-25 or 784-196, batch 256 or 10,000, float64 or
float32): milliseconds per training step for ours, through the internal ``step`` (data
already checked) and through the public ``partial_fit`` (parameter and data validation
included: what a user calls), for the peer, the two ratios, our GFLOP/s, and our fraction
of the GEMM-bound limit. With ``--before DIR`` (a worktree of an earlier commit), that
version's ``explorer.core`` is loaded beside this one and timed in the same rounds: one row
each, against the same PyTorch figure.

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

Table 3: the MNIST-shape exercise (``ufldl-mnist``: 784-196 on 10,000 images, ρ = 0.1,
β = 3, λ = 3e-3, 400 L-BFGS iterations, float64). It reads MNIST from the cache
(``explorer.datasets.mnist.default_cache_dir()``); where the files are absent, it writes an
IDX file of that shape (synthetic strokes, uint8) to a temporary directory and loads it
through the same reader, so the exercise runs everywhere.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Interleaved runs share two cores: PyTorch's OpenMP threads otherwise spin for a while after
# each of its steps and slow down whatever NumPy runs next (and so our measured time).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np

from explorer.core import SparseAutoencoder
from explorer.datasets import load, mnist

try:
    import naive  # bench/naive.py, when run as `python bench/core.py`
except ImportError:  # pragma: no cover - imported as bench.core
    from bench import naive

try:
    import torch
except ImportError:  # the peer is optional: our side runs alone
    torch = None

RHO, BETA, LAM, LR = 0.05, 3.0, 1e-4, 0.1
NETS = ((64, 25), (784, 196))
BATCHES = (256, 10_000)
DTYPES = ("float64", "float32")


@dataclasses.dataclass(frozen=True)
class Scale:
    """How much of each table a run measures."""

    points: tuple[tuple[tuple[int, int], int], ...]  # ((n, k), batch) of the grid
    work: float  # multiply-adds per grid point and round (each side's steps: work / (m·n·k))
    preset_samples: int
    preset_iterations: int
    mnist_images: int
    mnist_iterations: int


FULL = Scale(tuple((net, m) for net in NETS for m in BATCHES), 2e8, 10_000, 400, 10_000, 400)
#: Every grid network and dtype, the preset and the MNIST exercise, each briefly.
QUICK = Scale(tuple((net, 256) for net in NETS), 2e6, 1_000, 10, 500, 5)


def cpu_header() -> str:
    """The CPU model and NumPy's SIMD: baseline, and the dispatched extensions found here."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from numpy._core import _multiarray_umath as umath

        features = umath.__cpu_features__
        found = [f for f in umath.__cpu_dispatch__ if features.get(f)]
        missing = [f for f in umath.__cpu_dispatch__ if not features.get(f)]
        simd = (f"baseline {' '.join(umath.__cpu_baseline__)}; dispatched, found: "
                f"{' '.join(found) or '-'}; not found: {' '.join(missing) or '-'}")  # fmt: skip
    except (ImportError, AttributeError):  # pragma: no cover - NumPy's private module moved
        simd = "unknown (numpy._core._multiarray_umath has no __cpu_features__)"
    has_512 = any(f.startswith("AVX512") and v for f, v in features.items()) if found else False
    return (f"CPU: {model}, {os.cpu_count()} logical CPUs, AVX-512 {'yes' if has_512 else 'no'}"
            f"\nNumPy SIMD: {simd}")  # fmt: skip


def load_core(root: str):
    """``explorer.core`` of another checkout (``--before``), as a module of its own name."""
    name = "core_before"
    init = Path(root) / "explorer" / "core" / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(init.parent)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def ours(n: int, k: int, X: np.ndarray, dtype: str, model_class=SparseAutoencoder):
    """Our step two ways: ``step`` on data already checked, and the public ``partial_fit``
    (each on a model of its own, from the same weights)."""

    def make():
        model = model_class(n_hidden=k, rho=RHO, beta=BETA, weight_decay=LAM,
                            optimizer="sgd", momentum=0.0, learning_rate=LR,
                            random_state=0, dtype=dtype)  # fmt: skip
        model.initialize(n)
        return model

    stepper, fitter = make(), make()
    X = np.ascontiguousarray(X, dtype=dtype)  # the user's data, in the model's dtype
    checked = stepper.check_input(X)
    theta0 = stepper.theta_.copy()
    return (lambda: stepper.step(checked)), (lambda: fitter.partial_fit(X)), theta0


def peer(n: int, k: int, X: np.ndarray, dtype: str, theta0: np.ndarray):
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


def grid(rounds: int, scale: Scale, before=None) -> None:
    print(f"{'version':>8}{'net':>9}{'batch':>7}{'dtype':>9}{'step ms':>9}{'pfit ms':>9}"
          f"{'torch ms':>10}{'step/t':>8}{'pfit/t':>8}{'GFLOP/s':>9}"
          f"{'of GEMM limit':>15}")  # fmt: skip
    versions = [("after", SparseAutoencoder)]
    if before is not None:
        versions.insert(0, ("before", before.SparseAutoencoder))
    rng = np.random.default_rng(0)
    for ((n, k), m), dtype in [(point, d) for point in scale.points for d in DTYPES]:
        X = rng.uniform(0.1, 0.9, size=(m, n))
        timed = {}
        for name, cls in versions:
            step_fn, fit_fn, theta0 = ours(n, k, X, dtype, cls)
            timed[name, "step"], timed[name, "pfit"] = step_fn, fit_fn
        if torch is not None:
            timed["torch"] = peer(n, k, X, dtype, theta0)
        products, flops = gemm_limit(n, k, X, dtype)
        timed["gemm"] = products
        steps = max(2, int(scale.work / (m * n * k)))  # about the same work everywhere
        times: dict = {key: [] for key in timed}
        for _ in range(rounds):
            for key, fn in timed.items():
                times[key].append(per_step(fn, steps))
        med = {key: statistics.median(t) for key, t in times.items()}
        p, g = med.get("torch", np.nan), med["gemm"]  # NaN: no peer, printed as such
        for name, _ in versions:
            o, f = med[name, "step"], med[name, "pfit"]
            print(f"{name:>8}{n:>5}-{k:<4}{m:>6}{dtype:>9}{o * 1e3:>9.3f}{f * 1e3:>9.3f}"
                  f"{p * 1e3:>10.3f}{o / p:>8.2f}{f / p:>8.2f}{flops / o / 1e9:>9.1f}"
                  f"{g / o:>14.0%}")  # fmt: skip


def fit(model, X: np.ndarray, iterations: int) -> None:
    """Fit with ``iterations`` L-BFGS steps: ``max_iter`` is a setting now, and was an argument
    of ``fit`` in earlier versions (``--before``)."""
    if "max_iter" in model.get_params():
        model.set_params(max_iter=iterations)
        model.fit(X)
    else:
        model.fit(X, max_iter=iterations)


def preset_run(model_class, scale: Scale) -> tuple[float, float]:
    data = load("natural-patches", n_samples=scale.preset_samples, random_state=0)
    model = model_class(n_hidden=25, rho=0.01, beta=3.0, weight_decay=1e-4, random_state=0)
    start = time.perf_counter()
    fit(model, data.X, scale.preset_iterations)
    return time.perf_counter() - start, float(model.rho_hat_.mean())


def preset_table(rounds: int, scale: Scale, before=None) -> None:
    print(f"\nufldl-patches preset: {scale.preset_iterations} L-BFGS iterations, "
          f"{scale.preset_samples:,} patches, 64-25, float64 (median of {rounds}, "
          "interleaved)")  # fmt: skip
    classes = {"ours": SparseAutoencoder, "naive": naive.NaiveSparseAutoencoder}
    if before is not None:
        classes = {"before": before.SparseAutoencoder} | classes
    times: dict[str, list[float]] = {name: [] for name in classes}
    rho_hats: dict[str, float] = {}
    for _ in range(rounds):
        for name, cls in classes.items():
            seconds, rho_hats[name] = preset_run(cls, scale)
            times[name].append(seconds)
    med = {name: statistics.median(t) for name, t in times.items()}
    for name in classes:
        runs = ", ".join(f"{t:.2f}" for t in times[name])
        print(f"  {name:<7}{med[name]:6.2f} s   ratio to naive {med[name] / med['naive']:.2f}"
              f"   mean ρ̂ {rho_hats[name]:.4f} (target 0.01)   (runs {runs})")  # fmt: skip


def write_mnist_shape(directory: Path, n_images: int = 10_000, seed: int = 0) -> Path:
    """An IDX image file of MNIST's shape (n × 28 × 28 uint8, gzipped) of synthetic strokes:
    each image a few thick line segments, about as much ink as a digit (MNIST: 19% of the
    pixels non-zero)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:28, 0:28].astype(np.float64)
    images = np.zeros((n_images, 28, 28), np.float64)
    for i in range(n_images):
        for _ in range(3):
            (y0, x0), (y1, x1) = rng.uniform(5, 23, size=(2, 2))
            t = np.clip(((yy - y0) * (y1 - y0) + (xx - x0) * (x1 - x0))
                        / max((y1 - y0) ** 2 + (x1 - x0) ** 2, 1e-9), 0, 1)  # fmt: skip
            dist = np.hypot(yy - (y0 + t * (y1 - y0)), xx - (x0 + t * (x1 - x0)))
            np.maximum(images[i], np.clip(1.5 - dist / 1.2, 0, 1), out=images[i])
    raw = np.round(images * 255).astype(np.uint8)
    file = directory / "train-images-idx3-ubyte.gz"
    header = mnist.HEADER.pack(mnist.IMAGES_MAGIC, n_images, 28, 28)
    file.write_bytes(gzip.compress(header + raw.tobytes()))
    return file


def mnist_table(rounds: int, scale: Scale, before=None) -> None:
    found = mnist.find_images_file(mnist.default_cache_dir())
    images = scale.mnist_images
    with tempfile.TemporaryDirectory() as tmp:
        file = found or write_mnist_shape(Path(tmp), images)
        data = mnist.load_mnist(path=file, n_samples=images)
    source = f"MNIST from {file}" if found else "synthetic IDX of MNIST's shape (no MNIST files)"
    ink = float(np.mean(data.X > 0))
    print(f"\nMNIST-shape exercise: 784-196, {images:,} images, ρ = 0.1, β = 3, λ = 3e-3, "
          f"{scale.mnist_iterations} L-BFGS iterations, float64; {source}, {ink:.0%} of "
          "pixels non-zero")  # fmt: skip
    classes = {"ours": SparseAutoencoder}
    if before is not None:
        classes = {"before": before.SparseAutoencoder} | classes
    for _ in range(rounds):
        for name, cls in classes.items():
            model = cls(n_hidden=196, rho=0.1, beta=3.0, weight_decay=3e-3, random_state=0)
            start = time.perf_counter()
            fit(model, data.X, scale.mnist_iterations)
            seconds = time.perf_counter() - start
            terms = model.last_terms_
            print(f"  {name:<7}{seconds:7.2f} s   {model.n_steps_} steps, "
                  f"{seconds / model.n_steps_ * 1e3:.0f} ms a step; objective "
                  f"{terms['total']:.4f}, mean ρ̂ {float(model.rho_hat_.mean()):.4f}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    quick = "every table on small sizes, once: checks that it runs"
    parser.add_argument("--quick", action="store_true", help=quick)
    parser.add_argument("--before", metavar="DIR",
                        help="an earlier version's checkout, timed beside this one")  # fmt: skip
    parser.add_argument("--mnist-rounds", type=int, default=1,
                        help="runs of the MNIST-shape exercise (0 skips it)")  # fmt: skip
    args = parser.parse_args()
    scale, rounds = (QUICK, 1) if args.quick else (FULL, args.rounds)
    before = load_core(args.before) if args.before else None
    print(cpu_header())
    print(f"numpy {np.__version__}" + (f"; before = {args.before}" if before else ""))
    if torch is None:
        print("peer: skipped, torch not installed (pip install torch); its columns read nan\n")
    else:
        print(f"peer: torch {torch.__version__} ({torch.get_num_threads()} threads)\n")
    grid(rounds, scale, before)
    preset_table(1 if args.quick else max(3, rounds // 2), scale, before)
    if args.mnist_rounds:
        mnist_table(1 if args.quick else args.mnist_rounds, scale, before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
