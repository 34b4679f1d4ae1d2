"""explorer.core.activations: the sigmoid against an independent reference, saturating without
warnings, in place and in float32."""

from __future__ import annotations

import decimal
import math
import warnings

import numpy as np
import pytest

from explorer.core import activations


def test_sigmoid_matches_an_independent_reference_to_rounding():
    z = np.linspace(-30.0, 30.0, 20001)
    expected = np.array([1.0 / (1.0 + math.exp(-v)) for v in z])
    np.testing.assert_allclose(activations.sigmoid(z), expected, rtol=1e-15, atol=0)
    positive = z[z >= 0]  # where 0.5·(1 + tanh(z/2)) suffers no cancellation
    np.testing.assert_allclose(
        activations.sigmoid(positive), 0.5 * (1.0 + np.tanh(positive / 2)), rtol=1e-15, atol=0
    )


def test_sigmoid_saturates_exactly_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overflow of exp(1000) must not be reported
        y = activations.sigmoid(np.array([-1000.0, 1000.0]))
        y32 = activations.sigmoid(np.array([-1000.0, 1000.0], dtype=np.float32))
    assert y.tolist() == [0.0, 1.0]
    assert y32.tolist() == [0.0, 1.0]


def test_sigmoid_keeps_relative_precision_for_very_negative_z():
    (y,) = activations.sigmoid(np.array([-50.0]))
    assert y > 0.0
    assert y == pytest.approx(1.0 / (1.0 + math.exp(50.0)), rel=1e-12)
    assert y == pytest.approx(1.9287498479639178e-22, rel=1e-12)


def test_sigmoid_writes_into_out():
    z = np.linspace(-5.0, 5.0, 11)
    z_before = z.copy()
    out = np.full_like(z, np.nan)
    assert activations.sigmoid(z, out=out) is out
    np.testing.assert_allclose(out, [1.0 / (1.0 + math.exp(-v)) for v in z], rtol=1e-15)
    np.testing.assert_array_equal(z, z_before)  # the input is left alone
    same = z.copy()
    assert activations.sigmoid(same, out=same) is same  # in place over the input itself
    np.testing.assert_array_equal(same, out)


def test_sigmoid_keeps_float32():
    z = np.linspace(-30.0, 30.0, 1001, dtype=np.float32)
    y = activations.sigmoid(z)
    assert y.dtype == np.float32
    expected = [1.0 / (1.0 + math.exp(-float(v))) for v in z]
    np.testing.assert_allclose(y, expected, rtol=4 * np.finfo(np.float32).eps, atol=0)
    out = np.empty_like(z)
    assert activations.sigmoid(z, out=out) is out and out.dtype == np.float32
    np.testing.assert_array_equal(out, y)


def _sigmoid_exact(z: float) -> float:
    """g(z) to 50 significant digits (decimal arithmetic), rounded to the nearest float64."""
    with decimal.localcontext() as context:
        context.prec = 50
        context.Emin, context.Emax = decimal.MIN_EMIN, decimal.MAX_EMAX
        context.traps[decimal.Overflow] = False  # exp(1e308) is Infinity, and g there 0 or 1
        return float(1 / (1 + (-decimal.Decimal(z)).exp()))


def test_sigmoid_is_within_two_ulps_over_the_whole_range_for_both_signs():
    # Both tails included: exp(z) overflows beyond 709.78, and below -708 g(z) is subnormal
    # (where 1/(1 + exp(-z)) rounds to 0); scratch given, as the model gives it.
    wide, middle, subnormal = (-800, 800, 1601), (-40, 40, 801), (-746, -700, 93)
    ends = [-1e308, 1e308, -0.0, 709.78, 709.79]
    z = np.concatenate([*(np.linspace(*grid) for grid in (wide, middle, subnormal)), ends])
    expected = np.array([_sigmoid_exact(v) for v in z])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = activations.sigmoid(z.copy(), scratch=np.empty_like(z))
    assert np.isfinite(y).all()
    ulps = np.abs(y - expected) / np.spacing(np.maximum(np.abs(expected), np.finfo(float).tiny))
    assert ulps.max() <= 2, f"worst at z = {z[ulps.argmax()]}: {ulps.max():.1f} ulps"
    assert y[(z > -740) & (z < -708)].min() > 0.0  # subnormal (e^-740 ≈ 4e-322), not 0
