"""The two ways of summing a randomisation test (over rows, over company totals) agree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.stats import randomisation
from pipeline.analyse.stats.resampling import permutation_test


def _workers(seed: int = 11, G: int = 24) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cl = np.repeat(np.arange(G), rng.integers(20, 60, G))
    n = len(cl)
    treat = (rng.random(G) < 0.4).astype(float)
    d = pd.DataFrame({"c": [f"K{c:02d}" for c in cl], "x1": rng.normal(size=n),
                      "sex": rng.choice(["F", "M", "X"], n), "w": rng.uniform(0.5, 3, n),
                      "post": rng.integers(0, 2, n).astype(float), "t": treat[cl]})
    d["y"] = (0.4 * d["x1"] + rng.normal(size=n) + rng.normal(size=G)[cl]
              + 0.3 * d["t"] * d["post"])
    return d


@pytest.mark.parametrize("interact", [None, "post"])
def test_company_totals_give_the_row_sums(monkeypatch, interact):
    d = _workers()
    kwargs = dict(interact=interact, covariates=["x1", "sex"], cluster="c", weights="w",
                  n_resamples=300, seed=4)
    assert randomisation._company_totals_pay(d["c"].nunique(), 5, len(d))  # chosen path
    fast = permutation_test(d, "y", "t", **kwargs).iloc[0]
    monkeypatch.setattr(randomisation, "_company_totals_pay", lambda G, p, n: False)
    slow = permutation_test(d, "y", "t", **kwargs).iloc[0]
    for col in ("estimate", "se", "ci_low", "ci_high"):
        assert fast[col] == pytest.approx(slow[col], rel=1e-7, abs=1e-9), col
    assert fast["p_value"] == slow["p_value"]
    assert fast["n_resamples"] == slow["n_resamples"] == 300


def test_company_grams_are_each_company_weighted_cross_products():
    from pipeline.analyse.stats.resampling_base import _company_grams

    rng = np.random.default_rng(3)
    codes = rng.permutation(np.repeat(np.arange(4), [1, 5, 2, 9]))
    A, w = rng.normal(size=(17, 3)), rng.uniform(0.5, 2.0, 17)
    out = _company_grams(codes, 4)(A, w)
    for g in range(4):
        rows = codes == g
        np.testing.assert_allclose(out[g], (A[rows] * w[rows, None]).T @ A[rows], rtol=1e-13)
