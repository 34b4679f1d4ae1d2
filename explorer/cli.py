"""Command line: serve the dashboard, train headless, check gradients.

python -m explorer serve [--port 8866]
python -m explorer train --preset ufldl-patches --out runs/patches [--movie]
python -m explorer sweep --param beta --values 0 0.3 1 3 10 --steps 200 --out runs/frontier
python -m explorer gradcheck
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from . import datasets
from .core import SparseAutoencoder, gradient_errors
from .core.recovery import THRESHOLD
from .figures.frontier_png import frontier_png
from .figures.mosaic import filter_mosaic
from .figures.movie import filters_movie
from .figures.png import mosaic_to_png, save_png
from .training import Session
from .training.presets import PRESETS, preset
from .training.sweep import PROBE, SWEEPABLE, Sweep, check_param_name, parse_values

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

#: CLI flag -> a data set's own setting (``datasets.options``: the sparse dictionary's size,
#: sparsity and noise), given to the session as ``data_options``.
DATA_OPTIONS: dict[str, datasets.Setting] = {
    key: setting for name in datasets.NAMES for key, setting in datasets.options(name).items()
}


def _progress_bar(total: int) -> tqdm:
    """A progress bar of training steps on stderr, its postfix the latest loss."""
    return tqdm(total=total, unit="step", file=sys.stderr, dynamic_ncols=True)


def _progress(bar: tqdm, done: int, terms: dict[str, float]) -> None:
    bar.set_postfix(loss=f"{terms.get('total', float('nan')):.5f}", refresh=False)
    bar.update(done - bar.n)


def _settings(args: argparse.Namespace, flags: dict[str, type], drop: str = "") -> dict:
    """Session keywords plus ``steps`` from ``args``: a preset (without ``drop``, a swept
    setting), then the ``flags`` given over it; MNIST loaded; ``seed`` as ``random_state``."""
    settings = preset(args.preset) if args.preset else {"dataset": "natural-patches", "steps": 400}
    settings.pop(drop, None)
    for name in flags:
        value = getattr(args, name)
        if value is not None:
            settings[name] = value
    data_options = {k: getattr(args, k) for k in DATA_OPTIONS if getattr(args, k) is not None}
    if data_options:
        settings["data_options"] = data_options
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
    settings["random_state"] = settings.pop("seed", 0)
    return settings


def train(args: argparse.Namespace) -> int:
    settings = _settings(args, FREE_PARAMS)
    steps = settings.pop("steps")
    session = Session(**settings)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    chunk = max(1, steps // 100)
    done = 0
    with _progress_bar(steps) as bar:
        while done < steps:
            report = session.step(min(chunk, steps - done))
            done = session.n_steps
            _progress(bar, done, session.model.last_terms_)
            if report.diverged or report.stuck:
                bar.write(report.message, file=sys.stderr)
                break
    seconds = time.perf_counter() - start
    model = session.model
    session.save(out / "model.npz")
    mosaic = filter_mosaic(model.components_, session.dataset.image_shape)
    save_png(out / "filters.png", mosaic_to_png(mosaic, scale=8))
    if args.movie:  # a frame per recorded step, the last the filters above
        (out / "filters.gif").write_bytes(filters_movie(session))
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
    movie = f", {out / 'filters.gif'}" if args.movie else ""
    print(f"wrote {out / 'model.npz'}, {out / 'filters.png'}{movie}, {out / 'metrics.json'}")
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
        model = SparseAutoencoder(
            n_hidden=args.hidden,
            rho=0.1,
            beta=beta,
            weight_decay=lam,
            loss=loss,
            decoder=decoder,
            random_state=args.seed,
        )
        model.initialize(args.features)
        rows.append((loss, decoder, beta, lam, gradient_errors(model, X)["all"]))
    print(f"{'loss':<14}{'decoder':<9}{'beta':>6}{'lambda':>8}{'rel. error':>13}  ok (< 1e-9)")
    for loss, decoder, beta, lam, err in rows:
        ok = "yes" if err < 1e-9 else "NO"
        print(f"{loss:<14}{decoder:<9}{beta:>6g}{lam:>8g}{err:>13.2e}  {ok}")
    return 0 if all(r[-1] < 1e-9 for r in rows) else 1


#: ``sweep``'s flags for the settings it does not sweep: ``train``'s, and the penalty (to sweep
#: β or ρ under L1 or TopK).
SWEEP_PARAMS: dict[str, type] = FREE_PARAMS | {"penalty": str}


def _sweep_settings(args: argparse.Namespace) -> dict:
    """``train``'s settings from ``args`` (a preset, then the flags over it), for a sweep of
    ``args.param``: a preset's value of it gives way to the swept values, a flag's is refused."""
    param = args.param
    if getattr(args, param, None) is not None:
        raise ValueError(
            f"--{param} {getattr(args, param)} and --param {param} both set {param}: give its "
            "values with --values only."
        )
    return _settings(args, SWEEP_PARAMS, drop=param)


#: What frontier.json says each record's numbers were measured on (training.sweep's rules).
MEASURED_ON = {
    "l0, explained_variance": f"the first {PROBE} training inputs, at the final weights",
    "dead, mean_log10_rho_hat": "rho_hat as the last step measured it (all training inputs "
    "under L-BFGS, the last mini-batch under Adam and SGD)",
    "max_decoder_cosine": "the decoder weights W2: mean over units of the largest signed "
    "cosine with another unit's decoder (SAEBench's average_max_decoder_cosine_sim)",
    "loss": "the objective at the last step",
    "recovery, recovered": "on data with known true features only: the mean over the true "
    "features of the best cosine with a unit's decoder (a row of W2), and how many exceed "
    f"{THRESHOLD:g}",
    "pca_baseline": f"the same {PROBE} inputs: explained variance of the top k principal "
    "components (k numbers per input), k = 1 .. n_hidden",
}


def _value(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def sweep(args: argparse.Namespace) -> int:
    check_param_name(args.param)
    values = parse_values(args.param, args.values)
    settings = _sweep_settings(args)
    steps = settings.pop("steps")
    runs = Sweep(args.param, values, steps, **settings)  # checks every value before training
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with _progress_bar(runs.total) as bar:
        for progress in runs.runs(chunk=max(1, steps // 100)):
            _progress(bar, progress.done, progress.terms)
    points, fixed = runs.points, runs.settings()
    truth = runs.dataset.true_features
    n_true = 0 if truth is None else len(truth)
    for point in points:
        if point.message:
            sys.stderr.write(f"{args.param} = {_value(point.value)}: {point.message}\n")
    frontier = {
        "param": args.param,
        "values": list(values),
        "steps": steps,
        "settings": fixed,
        "measured_on": MEASURED_ON,
        "records": [point.record() for point in points],
        "stopped_early": [
            {"value": p.value, "steps": p.steps, "message": p.message} for p in points if p.message
        ],
        "true_features": n_true,
        "pca_baseline": {
            "components": list(range(1, len(runs.pca) + 1)),
            "explained_variance": [float(ev) for ev in runs.pca],
        },
    }
    (out / "frontier.json").write_text(json.dumps(frontier, indent=2) + "\n")
    charts = {"frontier.png": "explained_variance"} | (
        {"frontier_recovery.png": "recovery"} if n_true else {}
    )
    for file, y in charts.items():
        png = frontier_png(args.param, points, steps, fixed, runs.pca, y, n_true)
        save_png(out / file, png)
    print(f"wrote {', '.join(str(out / f) for f in ['frontier.json', *charts])}")
    _print_table(points, n_true)
    return 1 if any(p.failed for p in points) else 0


def _print_table(points: list, n_true: int) -> None:
    """The records on the terminal, with the recovered true features where there are some."""
    found = f"{'recovered':>14}" if n_true else ""
    print(
        f"{'value':>10}{'L0':>9}{'expl. var.':>12}{'dead':>6}{'log10 rho_hat':>15}"
        f"{'max cos':>9}{'loss':>10}{found}"
    )
    for p in points:
        found = f"{f'{p.recovered}/{n_true} ({p.recovery:.2f})':>14}" if n_true else ""
        print(
            f"{_value(p.value):>10}{p.l0:>9.3g}{p.explained_variance:>12.3f}{p.dead:>6}"
            f"{p.mean_log10_rho_hat:>15.2f}{p.max_decoder_cosine:>9.3f}{p.loss:>10.4g}{found}"
        )


def _add_data_options(parser: argparse.ArgumentParser) -> None:
    """A flag per data set setting (``DATA_OPTIONS``), its type its default's."""
    for name, setting in DATA_OPTIONS.items():
        datasets_of = [n for n in datasets.NAMES if name in datasets.options(n)]
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=type(setting.default),
            dest=name,
            help=f"{setting.meaning} ({', '.join(datasets_of)}; default {setting.default})",
        )


def _add_sweep_parser(sub: Any) -> None:
    w = sub.add_parser(
        "sweep",
        help="train one run per value of beta, rho or the penalty; write "
        "frontier.json and frontier.png (explained variance against L0, with the PCA "
        "baseline), and frontier_recovery.png on data with known true features",
    )
    w.add_argument("--param", required=True, help=f"the setting swept: {', '.join(SWEEPABLE)}")
    w.add_argument(
        "--values",
        required=True,
        nargs="+",
        metavar="VALUE",
        help="its values: numbers for beta and rho, names for the penalty",
    )
    w.add_argument("--preset", choices=sorted(PRESETS), help="the other settings' start")
    w.add_argument("--out", required=True, help="output directory")
    w.add_argument("--mnist", help="folder with the MNIST IDX files (for dataset mnist)")
    w.add_argument("--download", action="store_true", help="download MNIST to the cache if missing")
    for name, kind in SWEEP_PARAMS.items():
        w.add_argument("--" + name.replace("_", "-"), type=kind, dest=name, help=f"override {name}")
    _add_data_options(w)
    w.set_defaults(func=sweep)


def serve(args: argparse.Namespace) -> int:
    from .serving import voila  # imports nothing heavy until Voila starts

    notebook = args.notebook or voila.DASHBOARD
    return voila.serve(
        notebook,
        host=args.host,
        port=args.port,
        cull_idle=args.cull_idle,
        open_browser=not args.no_browser,
        pool=args.pool,
        token=args.token,
        refill_delay=args.refill_delay,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m explorer", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="serve the dashboard with Voila (loopback by default)")
    s.add_argument("--port", type=int, default=8866, help="TCP port; 0 picks a free one")
    s.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default loopback: only this machine)",
    )
    s.add_argument("--notebook", default=None, help="serve another notebook (default: dashboard)")
    s.add_argument(
        "--cull-idle",
        type=int,
        default=600,
        metavar="SECONDS",
        help="shut down kernels idle this long (closed pages'; 0: never)",
    )
    s.add_argument(
        "--pool",
        type=int,
        default=1,
        metavar="N",
        help="kernels kept ready, dashboard built (0: one per page)",
    )
    s.add_argument(
        "--refill-delay",
        type=int,
        default=None,
        metavar="SECONDS",
        help="start a pool kernel's replacement this long after it is taken (default: 3 "
        "for a pool of one, once its page is drawn; else 30, once a class has opened its pages)",
    )
    s.add_argument(
        "--token",
        default=None,
        help="the login's token (default: $JUPYTER_TOKEN, else generated off loopback; "
        "loopback has no login unless given)",
    )
    s.add_argument("--no-browser", action="store_true", help="do not open a browser")
    s.set_defaults(func=serve)

    t = sub.add_parser(
        "train",
        help="train headless; write model.npz, filters.png, metrics.json "
        "(and filters.gif with --movie)",
    )
    t.add_argument("--preset", choices=sorted(PRESETS), help="a classic configuration")
    t.add_argument("--out", required=True, help="output directory")
    t.add_argument("--mnist", help="folder with the MNIST IDX files (for dataset mnist)")
    t.add_argument("--download", action="store_true", help="download MNIST to the cache if missing")
    t.add_argument(
        "--movie",
        action="store_true",
        help="also write filters.gif: the filters at every recorded step",
    )
    for name, kind in FREE_PARAMS.items():
        flag = "--" + name.replace("_", "-")
        t.add_argument(flag, type=kind, dest=name, help=f"override {name}")
    _add_data_options(t)
    t.set_defaults(func=train)

    g = sub.add_parser("gradcheck", help="print the gradient-check table")
    g.add_argument("--features", type=int, default=16)
    g.add_argument("--hidden", type=int, default=6)
    g.add_argument("--samples", type=int, default=20)
    g.add_argument("--seed", type=int, default=0)
    g.set_defaults(func=gradcheck)
    _add_sweep_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
