"""Extras of pipeline.analyse.stats.design against R's survey package (reference/design_extras.R).

Reference: R 4.2, survey 4.1-1, on the fixture of reference.R and its design block --
``svymean(..., deff = TRUE)`` on ``subset()`` domains and through ``svyby`` (default
design, the same without fpc, cluster design, both with the minimum-post-stratum rule of
3 recomputed in R), ``svyciprop(method = "beta")``, the weights of the rule, and the ANOVA
intraclass correlation (``anova(aov())`` and n0). R and Python do the same arithmetic
here, so values agree to 1e-9 relative (observed: about 1e-13 at most). The tests never
run R.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.stats import design as sd

REF = Path(__file__).parent / "reference"
REL = 1e-9
GROUPS = ["all", "F", "M", "X", "NR"]
MEAN_ITEMS = ["wfc_score", "wlb_fit"]
PROP_ITEMS = ["flex_ge3", "eldercare_ge3"]
BETA_ITEMS = ["flex_ge3", "nursery_ge3", "eldercare_ge3", "flex_eq4", "eldercare_eq4", "wlb_ge1"]


@pytest.fixture(scope="module")
def designs(workers, companies) -> dict[str, sd.SurveyDesign]:
    return {
        "strat": sd.survey_design(workers, companies),
        "nofpc": sd.survey_design(workers, companies, fpc=False),
        "cluster": sd.cluster_design(workers, companies),
        "strat_min3": sd.survey_design(workers, companies, min_poststratum=3),
        "cluster_min3": sd.cluster_design(workers, companies, min_poststratum=3),
    }


@pytest.fixture(scope="module")
def variables(workers, r_rows) -> dict[str, pd.Series]:
    # the scale score R computed (its own test is in test_likert.py); 0/1 indicators as R's
    wfc = r_rows.set_index("resp_id").loc[workers["resp_id"], "wfc_score"].to_numpy()
    return {
        "wfc_score": pd.Series(wfc, index=workers.index, name="wfc_score"),
        "wlb_fit": workers["wlb_fit"],
        "flex_ge3": workers["need_imp_FLEX_HOURS"] >= 3,
        "nursery_ge3": workers["need_imp_NURSERY_SHARED"] >= 3,
        "eldercare_ge3": workers["need_imp_ELDERCARE_SERVICES"] >= 3,
        "flex_eq4": workers["need_imp_FLEX_HOURS"] == 4,
        "eldercare_eq4": workers["need_imp_ELDERCARE_SERVICES"] == 4,
        "wlb_ge1": workers["wlb_fit"] >= 1,
    }


def _close(actual: float, expected: float, rel: float = REL) -> None:
    assert np.isfinite(expected) and np.isfinite(actual), (actual, expected)
    assert actual == pytest.approx(expected, rel=rel, abs=1e-300)


# --------------------------------------------------------------------------------------
# Design effects
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("item", MEAN_ITEMS + PROP_ITEMS)
@pytest.mark.parametrize("kind", ["strat", "nofpc", "cluster", "strat_min3", "cluster_min3"])
def test_deff_matches_r(workers, designs, variables, rx, kind, item):
    design = designs[kind]
    f = sd.survey_mean if item in MEAN_ITEMS else sd.survey_proportion
    y = variables[item]
    out = pd.concat([f(design, y, deff=True), f(design, y, by=workers["gender"], deff=True)])
    out = out.set_index("group")
    block = f"deff_{kind}"
    for g in GROUPS:
        row = out.loc[g]
        for q in ["estimate", "se", "deff"]:
            _close(row[q], rx(block, item, g, q))
        assert row["df"] == rx(block, item, g, "df")
        assert row["n"] == rx(block, item, g, "n")
        if g != "all":  # svyby(..., svymean, deff = TRUE): the same domain values
            for q in ["estimate", "se", "deff"]:
                _close(row[q], rx(f"{block}_svyby", item, g, q))


def test_deff_column_only_on_request(workers, designs):
    y = workers["need_imp_FLEX_HOURS"] >= 3
    plain = sd.survey_proportion(designs["strat"], y, by=workers["gender"])
    withd = sd.survey_proportion(designs["strat"], y, by=workers["gender"], deff=True)
    assert "deff" not in plain.columns
    assert list(withd.drop(columns="deff").columns) == list(plain.columns)
    pd.testing.assert_frame_equal(withd.drop(columns="deff"), plain)
    assert list(withd.columns).index("deff") == list(withd.columns).index("weighted_n") + 1


def test_deff_edge_cases(workers, designs):
    # constant y in the domain: 0 / 0
    out = sd.survey_proportion(designs["strat"], workers["wlb_fit"] >= 1, deff=True).iloc[0]
    assert out["estimate"] == 1.0 and np.isnan(out["deff"])
    # weights adding up to the sample size (unweighted): the SRS reference is a census (R: Inf)
    u = sd.unweighted_design(workers.index)
    out = sd.survey_mean(u, workers["wlb_fit"], deff=True).iloc[0]
    assert np.isinf(out["deff"])
    # an empty domain
    nobody = pd.Series(False, index=workers.index)
    out = sd.survey_mean(designs["strat"], workers["wlb_fit"], domain=nobody, deff=True).iloc[0]
    assert np.isnan(out["deff"])


# --------------------------------------------------------------------------------------
# Korn-Graubard interval
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("item", BETA_ITEMS)
@pytest.mark.parametrize("kind", ["strat", "nofpc", "cluster"])
def test_beta_interval_matches_r(workers, designs, variables, rx, kind, item):
    design = designs[kind]
    y = variables[item]
    out = pd.concat([
        sd.survey_proportion(design, y, method="beta"),
        sd.survey_proportion(design, y, by=workers["gender"], method="beta"),
    ]).set_index("group")
    block = f"beta_{kind}"
    for g in GROUPS:
        row = out.loc[g]
        _close(row["estimate"], rx(block, item, g, "estimate"), rel=1e-12)
        if row["estimate"] in (0.0, 1.0):
            # R: v = 0 (or rounding noise at p = 1) -> NA or a degenerate [p, p]; the
            # pipeline's convention (n_D as effective n), computed by hand in R
            r_lo, r_hi = rx(block, item, g, "ci_low"), rx(block, item, g, "ci_high")
            assert np.isnan(r_lo) or r_hi - r_lo < 1e-12
            for q in ["ci_low", "ci_high"]:
                expected = rx(block, item, g, f"kg_{q}")
                if expected in (0.0, 1.0):
                    assert row[q] == expected
                else:
                    _close(row[q], expected)
            continue
        for q in ["ci_low", "ci_high"]:
            _close(row[q], rx(block, item, g, q))
            if g != "all":
                _close(row[q], rx(f"{block}_svyby", item, g, q))


def test_beta_uses_r_nrow(designs, rx):
    # R's n.eff factor uses nrow(design): every row of a post-stratified design, the
    # domain's rows for the cluster design; recorded to make the dependence explicit
    assert rx("beta_strat", "flex_ge3", "NR", "nrow") == designs["strat"].n
    assert rx("beta_cluster", "flex_ge3", "NR", "nrow") == rx("beta_cluster", "flex_ge3", "NR", "n")


def test_kg_interval_at_zero_is_zero_to_upper(workers, designs):
    y = workers["need_imp_FLEX_HOURS"] == 4  # no NR respondent answered 4
    dom = workers["gender"] == "NR"
    kg = sd.survey_proportion(designs["strat"], y, domain=dom, method="beta").iloc[0]
    assert kg["estimate"] == 0.0
    assert kg["ci_low"] == 0.0 and 0.0 < kg["ci_high"] < 1.0
    logit = sd.survey_proportion(designs["strat"], y, domain=dom).iloc[0]
    assert np.isnan(logit["ci_low"]) and np.isnan(logit["ci_high"])
    # and [lower, 1] at p = 1
    one = sd.survey_proportion(designs["strat"], workers["wlb_fit"] >= 1, method="beta").iloc[0]
    assert one["ci_high"] == 1.0 and 0.0 < one["ci_low"] < 1.0


def test_beta_interval_contains_estimate_and_labels(workers, designs):
    y = workers["need_imp_FLEX_HOURS"] >= 3
    out = sd.survey_proportion(designs["cluster"], y, by=workers["gender"], method="beta")
    assert (out["ci_low"] <= out["estimate"]).all() and (out["estimate"] <= out["ci_high"]).all()
    assert out["method"].str.contains("Korn-Graubard").all()
    logit = sd.survey_proportion(designs["cluster"], y, by=workers["gender"])
    for col in ["estimate", "se", "df", "n", "weighted_n"]:
        np.testing.assert_array_equal(out[col], logit[col])


def test_beta_degenerate_cases(workers, designs):
    y = workers["need_imp_FLEX_HOURS"] >= 3
    # df <= 0: the single respondent of C12 (one PSU, one stratum)
    one = workers["company_id"] == "C12"
    out = sd.survey_proportion(designs["strat"], y, domain=one, method="beta").iloc[0]
    assert out["df"] == 0 and np.isnan(out["ci_low"]) and np.isnan(out["ci_high"])
    # the census company C06: no sampling variance, 0 < p < 1 -> [p, p]
    census = workers["company_id"] == "C06"
    out = sd.survey_proportion(designs["strat"], y, domain=census, method="beta").iloc[0]
    assert out["se"] == 0 and 0 < out["estimate"] < 1
    assert out["ci_low"] == out["ci_high"] == out["estimate"]


def test_unknown_method_is_refused(workers, designs):
    with pytest.raises(ValueError, match="method"):
        sd.survey_proportion(designs["strat"], workers["wlb_fit"] >= 3, method="wilson")


# --------------------------------------------------------------------------------------
# Without fpc
# --------------------------------------------------------------------------------------
def test_no_fpc_same_estimates_larger_se(workers, designs):
    y = workers["need_imp_FLEX_HOURS"] >= 3
    a = sd.survey_proportion(designs["strat"], y, by=workers["gender"])
    b = sd.survey_proportion(designs["nofpc"], y, by=workers["gender"])
    np.testing.assert_array_equal(a["estimate"], b["estimate"])
    np.testing.assert_array_equal(a["df"], b["df"])
    assert (b["se"] > a["se"]).all()
    assert "no fpc" in designs["nofpc"].label
    assert designs["strat"].label == sd.DEFAULT_DESIGN_LABEL


# --------------------------------------------------------------------------------------
# Minimum respondents per post-stratum
# --------------------------------------------------------------------------------------
def test_min_poststratum_weights_match_r(workers, companies, rx):
    pw = sd.poststrat_weights(workers, companies, min_poststratum=3)
    cells = pw.groupby(["company_id", "cell"], observed=True)
    keys = {(k[1], k[2]) for k in rx.keys("weights_min3")}
    assert {(cid, str(cell)) for cid, cell in cells.groups} == keys
    for (cid, cell), grp in cells:
        _close(grp["weight"].iloc[0], rx("weights_min3", cid, str(cell), "weight"), rel=1e-13)
        assert grp["collapsed"].iloc[0] == bool(rx("weights_min3", cid, str(cell), "collapsed"))
    # C10 (one F, one M respondent) is the one company the rule of 3 adds
    before = sd.poststrat_weights(workers, companies).groupby("company_id")["collapsed"].first()
    after = pw.groupby("company_id")["collapsed"].first()
    assert sorted(after[after & ~before].index) == ["C10"]


def test_default_min_poststratum_is_unchanged(workers, companies, r_rows):
    a = sd.poststrat_weights(workers, companies)
    b = sd.poststrat_weights(workers, companies, min_poststratum=1)
    pd.testing.assert_frame_equal(a, b)
    r = r_rows.set_index("resp_id").loc[workers["resp_id"]]
    np.testing.assert_allclose(a["weight"].to_numpy(), r["w"].to_numpy(), rtol=1e-13)
    y = workers["need_imp_FLEX_HOURS"] >= 3
    for make in [sd.survey_design, sd.cluster_design]:
        d0, d1 = make(workers, companies), make(workers, companies, min_poststratum=1)
        assert d0.label == d1.label
        pd.testing.assert_frame_equal(sd.survey_proportion(d0, y, by=workers["gender"]),
                                      sd.survey_proportion(d1, y, by=workers["gender"]))
    assert sd.MIN_POSTSTRATUM == 3


def test_collapse_at_two_below_three(workers, companies):
    # C06 (6 F, 6 M): keep two of its women
    c06_f = workers.index[(workers["company_id"] == "C06") & (workers["gender"] == "F")]
    w = workers.drop(index=c06_f[2:])
    pw2 = sd.poststrat_weights(w, companies, min_poststratum=2)
    pw3 = sd.poststrat_weights(w, companies, min_poststratum=3)
    c06 = w["company_id"] == "C06"
    assert not pw2.loc[c06, "collapsed"].any()
    assert set(pw2.loc[c06, "cell"].astype(str)) == {"F", "M"}
    assert pw3.loc[c06, "collapsed"].all() and (pw3.loc[c06, "cell"] == "all").all()
    assert pw3.loc[c06, "weight"].sum() == pytest.approx(12)
    # equal weights N / n within the company once collapsed
    np.testing.assert_allclose(pw3.loc[c06, "weight"], 12 / c06.sum())
    des3 = sd.survey_design(w, companies, min_poststratum=3)
    assert "fewer than 3" in des3.label


def test_invalid_min_poststratum(workers, companies):
    with pytest.raises(ValueError, match="min_poststratum"):
        sd.poststrat_weights(workers, companies, min_poststratum=0)
    with pytest.raises(TypeError, match="min_poststratum"):
        sd.survey_design(workers, companies, min_poststratum=2.5)


# --------------------------------------------------------------------------------------
# Intra-company correlation
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("item", ["wfc_score", "wlb_fit", "flex_ge3"])
def test_icc_matches_r(workers, variables, rx, item):
    out = sd.intra_cluster_correlation(variables[item], workers["company_id"])
    assert len(out) == 1
    row = out.iloc[0]
    for q in ["estimate", "msb", "msw", "n0", "mean_cluster_size"]:
        _close(row[q], rx("icc", item, "all", q))
    assert row["n"] == rx("icc", item, "all", "n")
    assert row["n_clusters"] == rx("icc", item, "all", "n_clusters")
    assert row["variable"] == variables[item].name


def test_icc_may_be_negative_and_is_not_truncated(workers):
    row = sd.intra_cluster_correlation(workers["wlb_fit"], workers["company_id"]).iloc[0]
    assert row["estimate"] < 0
    assert "negative" in row["method"]


def test_icc_alignment_and_degenerate_input(workers):
    y, cl = workers["wlb_fit"], workers["company_id"]
    a = sd.intra_cluster_correlation(y, cl).iloc[0]
    b = sd.intra_cluster_correlation(y, cl.sample(frac=1.0, random_state=3)).iloc[0]
    assert a["estimate"] == pytest.approx(b["estimate"], rel=1e-12)
    c = sd.intra_cluster_correlation(y.to_numpy(dtype=float, na_value=np.nan), cl.to_numpy()).iloc[0]
    assert a["estimate"] == pytest.approx(c["estimate"], rel=1e-12)
    one = sd.intra_cluster_correlation(y, pd.Series("C01", index=y.index)).iloc[0]
    assert np.isnan(one["estimate"]) and one["n_clusters"] == 1
    with pytest.raises(ValueError, match="index"):
        sd.intra_cluster_correlation(y, cl.reset_index(drop=True).iloc[:-1])
