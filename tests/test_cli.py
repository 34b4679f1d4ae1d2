"""Tests for the command line: gradcheck, headless training and its outputs, bad input."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explorer import cli

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_gradcheck_command_passes_every_row():
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    }
    result = subprocess.run(
        [sys.executable, "-m", "explorer", "gradcheck"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].split()[:2] == ["loss", "decoder"]
    rows = [line.split() for line in lines[1:]]
    # 2 losses x 2 decoders x 2 betas x 2 lambdas, minus cross-entropy with a linear decoder.
    assert len(rows) == 12
    assert {(r[0], r[1]) for r in rows} == {
        ("squared", "sigmoid"),
        ("squared", "linear"),
        ("cross_entropy", "sigmoid"),
    }
    for row in rows:
        assert row[-1] == "yes", row
        assert float(row[-2]) < 1e-9


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk, checking the layout on the way."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height, bit_depth, color_type = struct.unpack(">IIBB", data[16:26])
    assert bit_depth == 8 and color_type in (0, 2)
    assert data[-8:-4] == b"IEND"
    return width, height


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    argv = ["train", "--dataset", "bars", "--n-samples", "500", "--steps", "20",
            "--n-hidden", "16", "--rho", "0.1", "--out", str(out)]  # fmt: skip
    status = cli.main(argv)
    return status, out


def test_train_exits_cleanly_and_writes_the_files(trained):
    status, out = trained
    assert status == 0
    assert {p.name for p in out.iterdir()} >= {"model.npz", "filters.png", "metrics.json"}


def test_train_writes_the_model(trained):
    _, out = trained
    with np.load(out / "model.npz") as f:
        shapes = {name: f[name].shape for name in ("W1", "b1", "W2", "b2")}
        assert all(np.isfinite(f[name]).all() for name in shapes)
        assert len(f["terms_total"]) == 20
    assert shapes == {"W1": (64, 16), "b1": (16,), "W2": (16, 64), "b2": (64,)}


def test_train_writes_the_filter_mosaic(trained):
    _, out = trained
    data = (out / "filters.png").read_bytes()
    # 16 filters -> a 4 x 4 grid of 8 x 8 tiles with 1-pixel gaps: 4·8 + 3 = 35 pixels a
    # side, drawn at scale 8: 280 x 280.
    tiles, side, pad, scale = 4, 8, 1, 8
    expected = (tiles * side + (tiles - 1) * pad) * scale
    assert png_size(data) == (expected, expected)


def test_train_writes_the_metrics(trained):
    _, out = trained
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["iterations"] == 20
    assert isinstance(metrics["seconds"], float) and metrics["seconds"] >= 0
    final = metrics["final_loss"]
    assert set(final) >= {"reconstruction", "sparsity", "weight_decay", "total"}
    parts = final["reconstruction"] + final["sparsity"] + final["weight_decay"]
    assert final["total"] == pytest.approx(parts, rel=1e-12)
    rho_hat = metrics["rho_hat"]
    assert 0 < rho_hat["min"] <= rho_hat["mean"] <= rho_hat["max"] < 1
    assert metrics["params"]["rho"] == 0.1 and metrics["params"]["n_hidden"] == 16
    assert metrics["params"]["dataset"] == "bars" and metrics["params"]["n_samples"] == 500
    with np.load(out / "model.npz") as f:  # metrics describe the saved run
        assert final["total"] == pytest.approx(float(f["terms_total"][-1]), rel=1e-12)


def test_train_rejects_a_bad_value(tmp_path, capsys):
    argv = ["train", "--dataset", "bars", "--n-samples", "50", "--steps", "2",
            "--rho", "2", "--out", str(tmp_path / "run")]  # fmt: skip
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "rho=2" in err
    assert not (tmp_path / "run" / "model.npz").exists()


def test_train_rejects_an_unparsable_value(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["train", "--rho", "abc", "--out", str(tmp_path)])
    assert info.value.code == 2
    assert "--rho" in capsys.readouterr().err


def test_mnist_preset_without_files_explains(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))  # an empty per-user cache
    status = cli.main(["train", "--preset", "ufldl-mnist", "--out", str(tmp_path / "run")])
    assert status == 2
    err = capsys.readouterr().err
    assert "error:" in err and "MNIST" in err
    assert "train-images-idx3-ubyte" in err  # which file is missing
    assert "--mnist" in err and "--download" in err  # and the flags that fix it
    assert not (tmp_path / "run" / "model.npz").exists()


# ---------------------------------------------------------------------------- sweep
SWEEP = ["sweep", "--param", "beta", "--values", "0", "0.3", "3", "--steps", "6",
         "--dataset", "bars", "--n-samples", "300", "--n-hidden", "16", "--rho", "0.1"]  # fmt: skip


def with_flags(argv: list[str], change: list[str]) -> list[str]:
    """``argv`` with the flags in ``change`` given ``change``'s values instead (or added)."""
    argv = list(argv)
    for flag in change:
        if flag.startswith("--") and flag in argv:
            start = argv.index(flag) + 1
            end = next((i for i in range(start, len(argv)) if argv[i].startswith("--")), None)
            del argv[start - 1 : end]
    return [*argv, *change]


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    out = tmp_path_factory.mktemp("frontier")
    return cli.main([*SWEEP, "--out", str(out)]), out


def test_sweep_writes_one_record_per_value_with_exactly_the_frontier_keys(swept):
    from explorer.training.sweep import sweep

    status, out = swept
    assert status == 0
    frontier = json.loads((out / "frontier.json").read_text())
    assert frontier["param"] == "beta" and frontier["steps"] == 6
    assert frontier["values"] == [0.0, 0.3, 3.0]
    records = frontier["records"]
    keys = ["value", "l0", "explained_variance", "dead", "mean_log10_rho_hat",
            "max_decoder_cosine", "loss", "recovery", "recovered"]  # fmt: skip
    assert [list(r) for r in records] == [keys] * 3
    assert [r["value"] for r in records] == [0.0, 0.3, 3.0]
    # The numbers of a sweep run from Python with the same settings (float64, as train).
    expected = sweep("beta", (0.0, 0.3, 3.0), 6, dataset="bars", n_samples=300, n_hidden=16,
                     rho=0.1, random_state=0)  # fmt: skip
    assert records == [p.record() for p in expected]
    assert frontier["settings"]["dtype"] == "float64" and "beta" not in frontier["settings"]
    assert frontier["stopped_early"] == []
    assert frontier["true_features"] == 16  # the bars
    pca = frontier["pca_baseline"]
    assert pca["components"] == list(range(1, 17)) and len(pca["explained_variance"]) == 16
    assert "pca_baseline" in frontier["measured_on"]


@pytest.mark.parametrize("name", ["frontier.png", "frontier_recovery.png"])
def test_sweep_draws_the_frontier_png(swept, name):
    from PIL import Image

    _, out = swept
    data = (out / name).read_bytes()
    assert png_size(data) == (900, 486 + 64 + 22 * 4 + 16)  # the chart and 3 table rows
    with Image.open(out / name) as image:
        image.verify()
        assert image.format == "PNG"


def test_sweep_on_the_sparse_dictionary_takes_its_settings(tmp_path, capsys):
    argv = with_flags([*SWEEP, "--out", str(tmp_path)], ["--dataset", "sparse-dictionary"])
    assert cli.main([*argv, "--n-atoms", "12", "--n-active", "2", "--noise", "0"]) == 0
    frontier = json.loads((tmp_path / "frontier.json").read_text())
    assert frontier["settings"]["data_options"] == {
        "n_atoms": 12, "input_dim": 64, "n_active": 2, "noise": 0.0}  # fmt: skip
    assert frontier["true_features"] == 12
    assert "recovered" in capsys.readouterr().out
    assert (tmp_path / "frontier_recovery.png").exists()


def test_data_without_true_features_has_no_recovery(tmp_path):
    argv = with_flags([*SWEEP, "--out", str(tmp_path)], ["--dataset", "digits"])
    assert cli.main(argv) == 0
    frontier = json.loads((tmp_path / "frontier.json").read_text())
    assert frontier["true_features"] == 0 and "recovery" not in frontier["records"][0]
    assert not (tmp_path / "frontier_recovery.png").exists()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (["--dataset", "bars", "--n-atoms", "5"], ["n_atoms=5 is not allowed", "'bars'"]),
        (["--dataset", "sparse-dictionary", "--n-active", "30"], ["n_active=30", "at most 20"]),
    ],
)
def test_data_settings_are_checked(tmp_path, capsys, change, words):
    argv = ["train", "--steps", "1", "--n-samples", "50", "--out", str(tmp_path), *change]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert all(word in err for word in words)


def test_sweep_shows_a_progress_bar(tmp_path, capsys):
    assert cli.main(with_flags([*SWEEP, "--out", str(tmp_path)], ["--steps", "3"])) == 0
    captured = capsys.readouterr()
    # 3 values × 3 steps, counted over the whole sweep (tqdm's bar), with the latest loss.
    assert "| 0/9 [" in captured.err and "| 9/9 [" in captured.err
    assert re.search(r"loss=\d+\.\d{5}", captured.err)
    assert "frontier.json" in captured.out


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (["--param", "lr"], ["param='lr' cannot be swept", "'beta', 'rho', 'penalty'"]),
        (["--values", "0", "abc"], ["beta='abc' is not a number"]),
        (["--values", "0", "-1"], ["beta=-1.0 is not allowed", ">= 0"]),
        (["--param", "penalty", "--values", "kl", "l2"], ["penalty='l2' is not allowed"]),
        (["--param", "rho", "--values", "0.1", "2"], ["--rho 0.1 and --param rho both set"]),
        (["--beta", "3"], ["--beta 3.0 and --param beta both set beta"]),
        (["--steps", "0"], ["steps=0 is not allowed"]),
    ],
)
def test_sweep_refuses_bad_input_with_exit_code_2(tmp_path, capsys, change, words):
    argv = with_flags([*SWEEP, "--out", str(tmp_path / "run")], change)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:")
    for word in words:
        assert word in err
    assert not (tmp_path / "run" / "frontier.json").exists()
