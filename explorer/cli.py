"""Command line: serve the dashboard, train headless, check gradients.

python -m explorer serve [--port 8866]
python -m explorer train --preset ufldl-patches --out runs/patches
python -m explorer gradcheck
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

from . import datasets
from .core import SparseAutoencoder, gradient_errors
from .figures.mosaic import filter_mosaic
from .figures.png import mosaic_to_png, save_png
from .training import Session
from .training.presets import PRESETS, preset

#: CLI flag -> session keyword, type; None defaults mean "take the preset's value".
FREE_PARAMS: dict[str, type] = {
    "dataset": str,
    "n_samples": int,
    "n_hidden": int,
    "rho": float,
    "beta": float,
    "weight_decay": float,
    "learning_rate": float,
    "batch_size": int,
    "optimizer": str,
    "loss": str,
    "decoder": str,
    "steps": int,
    "seed": int,
}


def _progress(done: int, total: int, terms: dict[str, float], start: float) -> None:
    width = 30
    filled = width * done // total
    rate = done / max(time.perf_counter() - start, 1e-9)
    sys.stderr.write(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
        f"loss {terms.get('total', float('nan')):.5f}  {rate:.0f} it/s"
    )
    sys.stderr.flush()


def train(args: argparse.Namespace) -> int:
    settings = preset(args.preset) if args.preset else {"dataset": "natural-patches", "steps": 400}
    for name in FREE_PARAMS:
        value = getattr(args, name)
        if value is not None:
            settings[name] = value
    steps = settings.pop("steps")
    seed = settings.pop("seed", 0)
    if settings["dataset"] == "mnist":
        try:
            settings["dataset"] = datasets.load_mnist(
                args.mnist, n_samples=settings.get("n_samples"), download=args.download
            )
        except FileNotFoundError as exc:
            # The loader's advice names its Python arguments; say what they are called here.
            raise FileNotFoundError(
                f"{exc} On the command line: --mnist DIR (the folder or the file) or --download."
            ) from exc
    session = Session(random_state=seed, **settings)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    chunk = max(1, steps // 100)
    done = 0
    while done < steps:
        report = session.step(min(chunk, steps - done))
        done = session.n_steps
        _progress(done, steps, session.model.last_terms_, start)
        if report.diverged or report.stuck:
            sys.stderr.write(f"\n{report.message}\n")
            break
    seconds = time.perf_counter() - start
    sys.stderr.write("\n")
    model = session.model
    session.save(out / "model.npz")
    mosaic = filter_mosaic(model.components_, session.dataset.image_shape)
    save_png(out / "filters.png", mosaic_to_png(mosaic, scale=8))
    rho_hat = model.rho_hat_
    metrics = {
        "preset": args.preset,
        "params": session.get_params(),
        "seconds": round(seconds, 3),
        "iterations": session.n_steps,
        "final_loss": model.last_terms_,
        "rho_hat": {
            "mean": float(rho_hat.mean()),
            "min": float(rho_hat.min()),
            "max": float(rho_hat.max()),
        },
        "diverged": session.message,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(f"wrote {out / 'model.npz'}, {out / 'filters.png'}, {out / 'metrics.json'}")
    print(f"{session.n_steps} iterations in {seconds:.1f} s; loss {model.last_terms_['total']:.5f}")
    return 1 if session.message else 0


def gradcheck(args: argparse.Namespace) -> int:
    rng = np.random.default_rng(args.seed)
    X = rng.uniform(0.05, 0.95, size=(args.samples, args.features))
    rows = []
    for loss, decoder, beta, lam in itertools.product(
        ("squared", "cross_entropy"), ("sigmoid", "linear"), (0.0, 3.0), (0.0, 1e-3)
    ):
        if loss == "cross_entropy" and decoder == "linear":
            continue  # undefined: cross-entropy needs outputs in (0, 1)
        model = SparseAutoencoder(n_hidden=args.hidden, rho=0.1, beta=beta, weight_decay=lam,
                                  loss=loss, decoder=decoder, random_state=args.seed)  # fmt: skip
        model.initialize(args.features)
        rows.append((loss, decoder, beta, lam, gradient_errors(model, X)["all"]))
    print(f"{'loss':<14}{'decoder':<9}{'beta':>6}{'lambda':>8}{'rel. error':>13}  ok (< 1e-9)")
    for loss, decoder, beta, lam, err in rows:
        ok = "yes" if err < 1e-9 else "NO"
        print(f"{loss:<14}{decoder:<9}{beta:>6g}{lam:>8g}{err:>13.2e}  {ok}")
    return 0 if all(r[-1] < 1e-9 for r in rows) else 1


def serve(args: argparse.Namespace) -> int:
    from .serving import voila  # imports nothing heavy until Voila starts

    notebook = args.notebook or voila.DASHBOARD
    return voila.serve(notebook, host=args.host, port=args.port, cull_idle=args.cull_idle,
                       open_browser=not args.no_browser, pool=args.pool)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m explorer", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="serve the dashboard with Voila (loopback by default)")
    s.add_argument("--port", type=int, default=8866, help="TCP port; 0 picks a free one")
    s.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default loopback: only this machine)")  # fmt: skip
    s.add_argument("--notebook", default=None, help="serve another notebook (default: dashboard)")
    s.add_argument("--cull-idle", type=int, default=600, metavar="SECONDS",
                   help="shut down kernels idle this long (closed pages'; 0: never)")  # fmt: skip
    s.add_argument("--pool", type=int, default=1, metavar="N",
                   help="kernels kept ready, dashboard built (0: one per page)")  # fmt: skip
    s.add_argument("--no-browser", action="store_true", help="do not open a browser")
    s.set_defaults(func=serve)

    t = sub.add_parser("train", help="train headless; write model.npz, filters.png, metrics.json")
    t.add_argument("--preset", choices=sorted(PRESETS), help="a classic configuration")
    t.add_argument("--out", required=True, help="output directory")
    t.add_argument("--mnist", help="folder with the MNIST IDX files (for dataset mnist)")
    t.add_argument("--download", action="store_true", help="download MNIST to the cache if missing")
    for name, kind in FREE_PARAMS.items():
        flag = "--" + name.replace("_", "-")
        t.add_argument(flag, type=kind, dest=name, help=f"override {name}")
    t.set_defaults(func=train)

    g = sub.add_parser("gradcheck", help="print the gradient-check table")
    g.add_argument("--features", type=int, default=16)
    g.add_argument("--hidden", type=int, default=6)
    g.add_argument("--samples", type=int, default=20)
    g.add_argument("--seed", type=int, default=0)
    g.set_defaults(func=gradcheck)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
