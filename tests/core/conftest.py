"""The data the core tests run on: ``X`` (random, in (0, 1), ``N_SAMPLES`` × ``N_FEATURES``, for
``oracles.make_model``) and ``bars`` (the bars data set, 100 samples)."""

from __future__ import annotations

import numpy as np
import pytest
from oracles import N_FEATURES, N_SAMPLES


@pytest.fixture
def X():
    return np.random.default_rng(1).uniform(0.05, 0.95, size=(N_SAMPLES, N_FEATURES))


@pytest.fixture
def bars():
    from explorer.datasets import load

    return load("bars", n_samples=100, random_state=0).X
