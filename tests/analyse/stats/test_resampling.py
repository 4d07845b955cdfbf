"""Randomisation inference over companies and the wild cluster bootstrap.

References: a brute-force loop of statsmodels fits over every reassignment (or every
Rademacher sign vector), and the ``wildboottest`` package (the Python port of
``fwildclusterboot``) on unweighted data.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from pipeline.analyse.stats.resampling import (
    MIN_ASSIGNMENTS,
    permutation_test,
    wild_cluster_bootstrap,
)


def _panel(seed: int = 5, G: int = 9) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(3, 9, G)
    cl = np.repeat(np.arange(G), sizes)
    n = len(cl)
    d = pd.DataFrame({"c": [f"K{c}" for c in cl], "x1": rng.normal(size=n),
                      "w": rng.uniform(1, 4, n), "post": rng.integers(0, 2, n).astype(float)})
    treat = np.zeros(G)
    treat[[1, 4, 6]] = 1
    d["t"] = treat[cl]
    d["y"] = 0.3 * d["x1"] + rng.normal(size=n) + rng.normal(size=G)[cl] + 0.5 * d["t"]
    return d


def _cr0_t(y, X, w, groups, k, scale=1.0):
    f = sm.WLS(y, X, weights=w).fit(cov_type="cluster",
                                    cov_kwds={"groups": groups, "use_correction": False})
    b, se = np.asarray(f.params)[k], np.asarray(f.bse)[k] * np.sqrt(scale)
    return b / se, b


@pytest.fixture(params=["rows", "companies"])
def summed_by(request, monkeypatch):
    """Each of the randomisation test's two ways of summing (over the rows, over company
    totals: :mod:`pipeline.analyse.stats.randomisation`), whatever the data's size picks."""
    from pipeline.analyse.stats import randomisation

    companies = request.param == "companies"
    monkeypatch.setattr(randomisation, "_company_totals_pay", lambda G, p, n: companies)
    return request.param


def test_permutation_matches_brute_force_enumeration(summed_by):
    d = _panel()
    res = permutation_test(d, "y", "t", covariates=["x1"], cluster="c", weights="w").iloc[0]
    codes = pd.factorize(d["c"], sort=True)[0]
    G = codes.max() + 1

    def t_of(tv):
        X = np.column_stack([np.ones(len(d)), tv[codes], d["x1"]])
        return _cr0_t(d["y"].to_numpy(), X, d["w"].to_numpy(), codes, 1)

    observed = pd.Series(d["t"].to_numpy()).groupby(codes).first().to_numpy()
    t0, b0 = t_of(observed)
    ts = []
    for idx in itertools.combinations(range(G), 3):
        tv = np.zeros(G)
        tv[list(idx)] = 1
        ts.append(t_of(tv)[0])
    expected = np.mean(np.abs(ts) >= abs(t0) - 1e-10)
    assert res["exhaustive"] and res["n_resamples"] == 84 and res["assignments"] == 84
    assert res["estimate"] == pytest.approx(b0, rel=1e-10)
    assert res["p_value"] == pytest.approx(expected, abs=1e-12)


def test_difference_in_differences_with_fixed_effects_matches_brute_force(summed_by):
    d = _panel(seed=11, G=8)
    res = permutation_test(d, "y", "t", interact="post", cluster="c", weights="w",
                           fixed_effects="c").iloc[0]
    codes = pd.factorize(d["c"], sort=True)[0]
    G = codes.max() + 1
    fe = (codes[:, None] == np.arange(1, G)[None, :]).astype(float)

    def t_of(tv):
        X = np.column_stack([np.ones(len(d)), d["post"], d["post"] * tv[codes], fe])
        return _cr0_t(d["y"].to_numpy(), X, d["w"].to_numpy(), codes, 2)

    observed = pd.Series(d["t"].to_numpy()).groupby(codes).first().to_numpy()
    t0, b0 = t_of(observed)
    ts = [t_of(np.isin(np.arange(G), idx).astype(float))[0]
          for idx in itertools.combinations(range(G), 3)]
    assert res["term"] == "t:post"
    assert res["estimate"] == pytest.approx(b0, rel=1e-9)
    assert res["p_value"] == pytest.approx(np.mean(np.abs(ts) >= abs(t0) - 1e-10), abs=1e-12)


def test_random_reassignments_are_reproducible_and_bounded():
    d = _panel(G=14)
    a = permutation_test(d, "y", "t", cluster="c", n_resamples=200, seed=3).iloc[0]
    b = permutation_test(d, "y", "t", cluster="c", n_resamples=200, seed=3).iloc[0]
    assert not a["exhaustive"] and a["p_value"] == b["p_value"]
    assert 1 / 201 <= a["p_value"] <= 1
    assert a["assignments"] == 364 >= MIN_ASSIGNMENTS


def test_interval_is_the_inverted_test():
    d = _panel(G=12)
    res = permutation_test(d, "y", "t", covariates=["x1"], cluster="c", weights="w").iloc[0]
    assert res["ci_low"] < res["estimate"] < res["ci_high"]
    eps = 1e-3 * (res["ci_high"] - res["ci_low"])
    for bound, outside in ((res["ci_low"], -eps), (res["ci_high"], eps)):
        shifted = d.assign(y=d["y"] - (bound + outside) * d["t"])
        inside = d.assign(y=d["y"] - (bound - outside) * d["t"])
        p_out = permutation_test(shifted, "y", "t", covariates=["x1"], cluster="c",
                                 weights="w")["p_value"].iloc[0]
        p_in = permutation_test(inside, "y", "t", covariates=["x1"], cluster="c",
                                weights="w")["p_value"].iloc[0]
        assert p_out <= 0.05 < p_in


@pytest.mark.filterwarnings("ignore:2\\^G < the number of boot iterations")
def test_wild_bootstrap_matches_wildboottest_unweighted():
    wildboottest = pytest.importorskip("wildboottest.wildboottest").wildboottest
    d = _panel()
    G = d["c"].nunique()
    X = sm.add_constant(d[["t", "x1"]])
    codes = pd.factorize(d["c"], sort=True)[0]
    ref = wildboottest(sm.OLS(d["y"], X), B=9999, cluster=codes, param="t",
                       weights_type="rademacher", seed=1, show=False)
    mine = wild_cluster_bootstrap(d, "y", "t", covariates=["x1"], cluster="c",
                                  n_resamples=2**G, weight_type="rademacher").iloc[0]
    assert mine["exhaustive"] and mine["n_resamples"] == 2**G
    assert mine["estimate"] / mine["se"] == pytest.approx(
        float(ref["statistic"].iloc[0]), rel=1e-8)
    # wildboottest counts |t*| > |t|; ties (the sign vectors +1 and -1 reproduce the
    # observed |t|) count here against rejection: two more of the 2^G samples
    assert mine["p_value"] == pytest.approx(float(ref["p-value"].iloc[0]) + 2 / 2**G,
                                            abs=1e-12)


def test_weighted_wild_bootstrap_matches_brute_force_refits():
    d = _panel(seed=7, G=7)
    res = wild_cluster_bootstrap(d, "y", "post", covariates=["x1"], cluster="c", weights="w",
                                 n_resamples=2**7, weight_type="rademacher").iloc[0]
    codes = pd.factorize(d["c"], sort=True)[0]
    y, w = d["y"].to_numpy(), d["w"].to_numpy()
    X = np.column_stack([np.ones(len(d)), d["x1"], d["post"]])
    Xr = X[:, :2]
    fr = sm.WLS(y, Xr, weights=w).fit()
    fitted, resid = fr.fittedvalues, fr.resid
    t0 = _cr0_t(y, X, w, codes, 2)[0]
    ts = []
    for signs in itertools.product([1.0, -1.0], repeat=7):
        ystar = fitted + np.asarray(signs)[codes] * resid
        ts.append(_cr0_t(ystar, X, w, codes, 2)[0])
    assert res["p_value"] == pytest.approx(np.mean(np.abs(ts) >= abs(t0) - 1e-9), abs=1e-12)


def test_errors():
    d = _panel()
    with pytest.raises(ValueError, match="constant within"):
        permutation_test(d, "y", "x1", cluster="c")
    with pytest.raises(ValueError, match="same side"):
        permutation_test(d.assign(t=1.0), "y", "t", cluster="c")
    with pytest.raises(ValueError, match="two companies"):
        wild_cluster_bootstrap(d.assign(c="one"), "y", "post", cluster="c")
    with pytest.raises(ValueError, match="collinear"):
        wild_cluster_bootstrap(d, "y", "t", cluster="c", fixed_effects="c")
