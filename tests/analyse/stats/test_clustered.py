"""CR2 + Bell-McCaffrey regression against R's clubSandwich (reference/clustered.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from pipeline.analyse.stats.clustered import cr2_fit, few_cluster_regression, model_matrix
from tests.analyse.stats.conftest import REF


@pytest.fixture(scope="module")
def data(workers, companies, r_rows) -> pd.DataFrame:
    d = workers.merge(companies, on="company_id", how="left")
    d = d.merge(r_rows[["resp_id", "w", "wfc_score"]], on="resp_id", how="left")
    d["post"] = (d["resp_id"].str[1:].astype(int) % 2 == 0).astype(int)
    d["did"] = d["post"] * d["flex_hours_active"]
    d["fit_good"] = (d["wlb_fit"] >= 3).astype("Float64")
    return d


@pytest.fixture(scope="module")
def ref() -> pd.DataFrame:
    r = pd.read_csv(REF / "r_clustered.csv")
    r["term"] = r["term"].replace({"(Intercept)": "Intercept"})
    return r.pivot_table(index=["model", "term"], columns="quantity", values="value")


def _r_term(term: str) -> str:
    # R names a factor indicator genderM, the project gender[M]
    return term.replace("[", "").replace("]", "")


MODELS = {
    "weighted": ("wfc_score", ["flex_hours_active", "gender", "n_children_u14", "work_time"],
                 "w", None),
    "unweighted": ("wfc_score", ["flex_hours_active", "gender", "n_children_u14", "work_time"],
                   None, None),
    "lpm_weighted": ("fit_good", ["flex_hours_active", "gender"], "w", None),
    "did_fe": ("wfc_score", ["post", "did"], "w", "company_id"),
}


@pytest.mark.parametrize("model", list(MODELS))
def test_matches_clubsandwich(data, ref, model):
    outcome, terms, weights, fe = MODELS[model]
    if model == "unweighted":  # R drops rows with a missing weight in the weighted fit only
        data = data.dropna(subset=["w"])
    res = few_cluster_regression(data, outcome, terms, cluster="company_id", weights=weights,
                                 fixed_effects=fe)
    expected = ref.loc[model]
    expected.index = [_r_term(t) for t in expected.index]
    got = res.assign(term=res["term"].map(_r_term)).set_index("term")
    assert set(expected.index) == set(got.index)
    for term in expected.index:
        e, g = expected.loc[term], got.loc[term]
        assert g["estimate"] == pytest.approx(e["estimate"], abs=1e-10, rel=1e-9)
        assert g["se"] == pytest.approx(e["se"], rel=1e-8)
        assert g["df"] == pytest.approx(e["df"], rel=1e-7)
        assert g["p_value"] == pytest.approx(e["p_value"], rel=1e-6, abs=1e-12)


def test_coefficients_are_statsmodels_wls(data):
    d = data.dropna(subset=["wfc_score", "gender", "w"])
    X = model_matrix(d, ["flex_hours_active", "gender"])
    wls = sm.WLS(d["wfc_score"].to_numpy(float), X.to_numpy(), weights=d["w"].to_numpy()).fit()
    fit = cr2_fit(X.to_numpy(), d["wfc_score"].to_numpy(float), d["company_id"].to_numpy(),
                  d["w"].to_numpy())
    np.testing.assert_allclose(fit["beta"], wls.params, rtol=1e-10)


def test_cr2_is_cr0_times_leverage_correction_for_singletons():
    # With one observation per cluster CR2 is HC2: e_i^2 / (1 - h_ii) in the meat.
    rng = np.random.default_rng(1)
    X = np.column_stack([np.ones(40), rng.normal(size=40)])
    y = X @ [1.0, 0.5] + rng.normal(size=40)
    fit = cr2_fit(X, y, np.arange(40))
    hc2 = sm.OLS(y, X).fit(cov_type="HC2")
    np.testing.assert_allclose(fit["vcov"], hc2.cov_params(), rtol=1e-10)


def test_df_fall_with_few_treated_clusters():
    rng = np.random.default_rng(2)
    cl = np.repeat(np.arange(30), 15)
    y = rng.normal(size=cl.size) + rng.normal(size=30)[cl]
    few = pd.DataFrame({"y": y, "c": cl, "x": (cl < 3).astype(float)})
    half = few.assign(x=(cl < 15).astype(float))
    df_few = few_cluster_regression(few, "y", ["x"], cluster="c", test_terms=["x"])["df"].iloc[0]
    df_half = few_cluster_regression(half, "y", ["x"], cluster="c", test_terms=["x"])["df"].iloc[0]
    assert df_few < 3 < 20 < df_half


def test_errors():
    d = pd.DataFrame({"y": [1.0, 2.0, 3.0], "x": [1.0, 1.0, 1.0], "c": ["a", "a", "a"]})
    with pytest.raises(ValueError, match="two clusters"):
        few_cluster_regression(d, "y", ["x"], cluster="c")
    d["c"] = ["a", "b", "b"]
    with pytest.raises(ValueError, match="singular"):
        few_cluster_regression(d, "y", ["x"], cluster="c")
