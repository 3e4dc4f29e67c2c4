"""Boundary-aware intervals for proportions, the score test they invert, and Holm's adjustment."""

from __future__ import annotations

import math

import numpy as np
import pytest

import actlab
from actlab.lab.stats import clopper_pearson_ci, holm, proportion_above_p, wilson_ci


def test_wilson_and_clopper_pearson_at_the_boundaries():
    for ci in (wilson_ci, clopper_pearson_ci):
        est, lo, hi = ci(0, 640)
        assert est == 0 and lo == 0 and 0 < hi < 0.01  # never "0 [0, 0]"
        est, lo, hi = ci(640, 640)
        assert est == 1 and hi == 1 and 0.99 < lo < 1
        assert all(math.isnan(v) for v in ci(0, 0))
    # textbook values: Wilson 95% for 3/10 is [0.1078, 0.6032]; Clopper-Pearson [0.0667, 0.6525]
    assert np.allclose(wilson_ci(3, 10)[1:], (0.1078, 0.6032), atol=1e-4)
    assert np.allclose(clopper_pearson_ci(3, 10)[1:], (0.0667, 0.6525), atol=1e-4)
    with pytest.raises(actlab.ParameterError, match="cannot exceed"):
        wilson_ci(5, 4)
    with pytest.raises(actlab.ParameterError, match="non-negative integer"):
        wilson_ci(1.5, 4)


def test_score_test_is_what_the_wilson_bound_inverts():
    # Wilson lower bound at two-sided level 0.90 > p0 exactly when the one-sided p < 0.05
    for k in range(0, 200, 7):
        lo = wilson_ci(k, 1000, level=0.90)[1]
        p = proportion_above_p(k, 1000, 0.05)
        assert (lo > 0.05) == (p < 0.05), k


def test_holm_adjustment():
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    adj = holm([0.2, math.nan, 0.01])
    assert adj[0] == pytest.approx(0.2) and math.isnan(adj[1]) and adj[2] == pytest.approx(0.02)
    assert holm([0.9, 0.8]) == [1.0, 1.0] and holm([0.01, 0.5]) == [0.02, 0.5]  # capped at 1, monotone
    assert holm([]) == []
    with pytest.raises(actlab.ParameterError, match="p-values"):
        holm([1.5])
