"""pipeline.analyse.stats.regression against R's survey package (reference/regression.R).

Reference: R 4.2.2, survey 4.1-1 -- ``svyglm(y ~ flex_hours_active + gender +
n_children_u14 + work_time, design)`` (gaussian) and ``family = quasibinomial()``, on the
post-stratified default design, the cluster design and ``svydesign(ids = ~1)``, overall
and for women (``subset(design, gender == "F")``); ``summary()`` for SE, t, p and df,
``confint()`` for the intervals. Tolerances: estimates and interval bounds 1e-6 absolute,
SEs 1e-5 relative, t 1e-6 relative, p-values 1e-8 absolute, df / n / n_clusters exact
(the values agree to about 1e-12).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.stats import design as sd
from pipeline.analyse.stats.linearisation import _grouped_variance, _influence_vcov
from pipeline.analyse.stats.regression import survey_regression

REF = Path(__file__).parent / "reference"
TERMS = ["flex_hours_active", "gender", "n_children_u14", "work_time"]
TERMS_F = ["flex_hours_active", "n_children_u14", "work_time"]
OUTCOME = {"gaussian": "wfc_score", "quasibinomial": "wlb_fit_good"}
R_NAMES = {
    "(Intercept)": "Intercept",
    "genderM": "gender[M]",
    "genderNR": "gender[NR]",
    "genderX": "gender[X]",
    "work_timepart_time": "work_time[part_time]",
}
MODELS = [
    (family, kind, dom)
    for family in ("gaussian", "quasibinomial")
    for kind in ("strat", "cluster", "unweighted")
    for dom in ("all", "F")
]


@pytest.fixture(scope="module")
def data(workers, companies, r_rows) -> pd.DataFrame:
    d = workers.copy()
    # the scale score R computed (its own test is in test_likert.py)
    d["wfc_score"] = r_rows.set_index("resp_id").loc[workers["resp_id"], "wfc_score"].to_numpy()
    d["wlb_fit_good"] = d["wlb_fit"] >= 3  # nullable boolean, NA stays NA
    flex = companies.set_index("company_id")["flex_hours_active"]
    d["flex_hours_active"] = d["company_id"].map(flex).astype(bool)  # company-level binary
    return d


@pytest.fixture(scope="module")
def designs(workers, companies) -> dict[str, sd.SurveyDesign]:
    return {
        "strat": sd.survey_design(workers, companies),
        "cluster": sd.cluster_design(workers, companies),
        "unweighted": sd.unweighted_design(workers.index),
    }


@pytest.fixture(scope="module")
def r_reg() -> pd.DataFrame:
    t = pd.read_csv(REF / "r_regression.csv", keep_default_na=False, na_values=[""])
    t["term"] = t["term"].map(lambda s: R_NAMES.get(s, s))
    return t


def _fit(data, designs, family, kind, dom):
    return survey_regression(
        designs[kind],
        data,
        OUTCOME[family],
        TERMS if dom == "all" else TERMS_F,
        family=family,
        domain=None if dom == "all" else data["gender"].eq("F"),
    )


@pytest.mark.parametrize(("family", "kind", "dom"), MODELS)
def test_matches_svyglm(data, designs, r_reg, family, kind, dom):
    out = _fit(data, designs, family, kind, dom).set_index("term")
    ref = r_reg[r_reg["model"] == f"{family}_{kind}_{dom}"].pivot(
        index="term", columns="quantity", values="value"
    )
    assert list(out.index) == list(ref.index)  # same terms, same order
    ref = ref.loc[out.index]
    np.testing.assert_allclose(out["estimate"], ref["estimate"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(out["se"], ref["se"], rtol=1e-5, atol=0)
    np.testing.assert_allclose(out["statistic"], ref["statistic"], rtol=1e-6, atol=0)
    np.testing.assert_allclose(out["p_value"], ref["p_value"], rtol=0, atol=1e-8)
    # confint.svyglm (survey 4.1-1): t with df.residual, as summary()
    np.testing.assert_allclose(out["ci_low"], ref["ci_low"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(out["ci_high"], ref["ci_high"], rtol=0, atol=1e-6)
    assert (out["df"] == ref["df"]).all()  # degf(domain) + 1 - p
    assert (out["n"] == ref["n"]).all()
    assert (out["n_clusters"] == ref["n_clusters"]).all()
    assert (out["family"] == family).all()
    assert (out["design"] == designs[kind].label).all()
    if family == "quasibinomial":
        np.testing.assert_allclose(out["odds_ratio"], np.exp(out["estimate"]), rtol=1e-14)
        np.testing.assert_allclose(out["or_ci_low"], np.exp(ref["ci_low"]), rtol=1e-6)
        np.testing.assert_allclose(out["or_ci_high"], np.exp(ref["ci_high"]), rtol=1e-6)
    else:
        assert "odds_ratio" not in out.columns


def test_columns(data, designs):
    out = _fit(data, designs, "quasibinomial", "strat", "all")
    assert list(out.columns) == [
        "term", "estimate", "se", "statistic", "df", "p_value", "ci_low", "ci_high",
        "odds_ratio", "or_ci_low", "or_ci_high", "n", "n_clusters", "family", "method",
        "design",
    ]


def test_unweighted_gaussian_equals_ols(data, designs):
    import statsmodels.api as sm

    out = _fit(data, designs, "gaussian", "unweighted", "all")
    cc = data.dropna(subset=["wfc_score", *TERMS])
    X = pd.DataFrame(
        {
            "Intercept": 1.0,
            "flex_hours_active": cc["flex_hours_active"].astype(float),
            "gender[M]": cc["gender"].eq("M").astype(float),
            "gender[NR]": cc["gender"].eq("NR").astype(float),
            "gender[X]": cc["gender"].eq("X").astype(float),
            "n_children_u14": cc["n_children_u14"].astype(float),
            "work_time[part_time]": cc["work_time"].eq("part_time").astype(float),
        }
    )
    fit = sm.OLS(cc["wfc_score"].to_numpy(float), X).fit(cov_type="HC0")
    assert list(out["term"]) == list(X.columns)
    np.testing.assert_allclose(out["estimate"], fit.params, rtol=1e-10)
    # on complete data the design variance is HC0 x n/(n - 1)
    n = len(cc)
    sub = survey_regression(sd.unweighted_design(cc.index), cc, "wfc_score", TERMS)
    np.testing.assert_allclose(sub["se"], np.sqrt(np.diag(fit.cov_params()) * n / (n - 1)),
                               rtol=1e-10)


def test_input_types_and_order(data, designs):
    base = _fit(data, designs, "gaussian", "strat", "all")
    d = data.copy()
    d["flex_hours_active"] = d["flex_hours_active"].astype(int)  # 0/1 numeric
    d["gender"] = pd.Categorical(d["gender"], categories=["X", "NR", "M", "F"])
    d = d.sample(frac=1, random_state=3)  # rows in another order: aligned by index
    out = survey_regression(designs["strat"], d, "wfc_score", TERMS)
    pd.testing.assert_frame_equal(out, base, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("kind", ["strat", "cluster", "unweighted"])
def test_influence_kernel_matches_design_kernel(designs, kind):
    """_influence_vcov's diagonal is linearisation.py's _grouped_variance, column by column."""
    des = designs[kind]
    rng = np.random.default_rng(7)
    rows = np.flatnonzero(rng.random(des.n) < 0.7)
    Z = rng.normal(size=(len(rows), 3))
    V = _influence_vcov(des, Z, rows)
    g = np.zeros(len(rows), dtype=np.int64)
    for j in range(3):
        v = _grouped_variance(des, rows, g, Z[:, j], 1)[0]
        assert V[j, j] == pytest.approx(v, rel=1e-12)
    # the covariance of a sum is the sum of the covariances
    v_sum = _grouped_variance(des, rows, g, Z.sum(axis=1), 1)[0]
    assert V.sum() == pytest.approx(v_sum, rel=1e-12)
    full = np.zeros((des.n, 3))
    full[rows] = Z
    np.testing.assert_allclose(_influence_vcov(des, full), V, rtol=1e-12)


def test_errors(data, designs):
    des = designs["strat"]
    with pytest.raises(ValueError, match="0/1"):
        survey_regression(des, data, "wlb_fit", TERMS, family="quasibinomial")
    with pytest.raises(ValueError, match="no row"):
        survey_regression(des, data, "wfc_score", TERMS, domain=data["gender"].eq("?"))
    d = data.assign(flex2=data["flex_hours_active"].astype(float) * 2)
    with pytest.raises(ValueError, match="singular design matrix.*flex2"):
        survey_regression(des, d, "wfc_score", [*TERMS, "flex2"])
    with pytest.raises(ValueError, match="singular design matrix"):
        survey_regression(des, data.assign(zero=0.0), "wfc_score", ["zero"])
    with pytest.raises(ValueError, match="single level"):
        survey_regression(des, data, "wfc_score", TERMS, domain=data["gender"].eq("F"))
    with pytest.raises(ValueError, match="always 0"):
        survey_regression(des, data.assign(y=False), "y", TERMS, family="quasibinomial")
    with pytest.raises(ValueError, match="family"):
        survey_regression(des, data, "wfc_score", TERMS, family="poisson")
    with pytest.raises(ValueError, match="not in data"):
        survey_regression(des, data, "wfc_score", ["nope"])
    with pytest.raises(ValueError, match="index"):
        survey_regression(des, data.reset_index(drop=True).iloc[1:], "wfc_score", TERMS)
