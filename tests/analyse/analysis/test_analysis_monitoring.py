"""Monitoring (pipeline.analyse.analysis.monitoring): the wave against the previous ones.

Small synthetic panels built here check the regressions between waves independently: the
change over all workers is the difference of the weighted means; the within-company change
and the difference in differences are the coefficients of a weighted least-squares fit
with company dummies (statsmodels); Holm's correction by hand; the flags read the adjusted
p-values; withheld scopes and comparisons carried by too few companies have no p-value.
McNemar's test is checked against statsmodels, the paired company comparison by hand.
The section's rules are checked one by one: what counts as a clear improvement or
worsening, how many tests a caption states, which rows the section reports, which waves
it compares (read from processed folders) and the changes it publishes.
On the demo waves (docs/demo-data.md, effect 6) the monitoring detects what the follow-up
built in: more network companies, more active measures, and less work-to-family conflict
where flexible hours arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers.notebooks import link_notebooks
from helpers.waves import demo_copy
from scipy import stats

from pipeline.analyse.analysis.measures import maturity_scores, surveyed_companies
from pipeline.analyse.analysis.monitoring import (
    ALPHA,
    FOCUS_INDICATOR,
    MAIN_SCOPE,
    MonitoredWaves,
    PreparedWave,
    activated,
    changes_since,
    clear_changes,
    company_change,
    company_levels,
    company_levels_by_wave,
    count_tests,
    flag_changes,
    flex_available,
    flexibility_change,
    flexibility_groups,
    flexibility_headline,
    flexibility_tested,
    indicator_levels,
    indicator_trend,
    load_waves,
    network_change,
    network_membership,
    paired_company_changes,
    panel_levels,
    panel_scopes,
    pool_waves,
    pooled_workers,
    wave_chain,
    wave_changes,
    worker_changes,
    worker_indicators,
    worker_outcomes,
)
from pipeline.analyse.published import read_table
from pipeline.analyse.stats import poststrat_weights, survey_design, survey_mean, unweighted_design
from pipeline.demo import write_demo_wave
from pipeline.ingest.load import ingest_wave
from pipeline.wave import WaveData, write_processed

ROOT = Path(__file__).resolve().parents[3]
INDS = ["wfc_score", "wlb_fit_good"]


# --------------------------------------------------------------------------------------
# A synthetic panel: companies C00-C19, C00-C15 surveyed before, C04-C19 after (C04-C15 in
# both); company effects; the "treated" companies C04-C09 lose `effect` points of conflict.
# --------------------------------------------------------------------------------------
COMMON = [f"C{i:02d}" for i in range(4, 16)]
TREATED = [f"C{i:02d}" for i in range(4, 10)]


def _panel(seed: int = 11, *, effect: float = -0.6, drift: float = 0.0,
           treated: Sequence[str] = tuple(TREATED),
           before: range = range(0, 16), after: range = range(4, 20)):
    rng = np.random.default_rng(seed)
    ids = [f"C{i:02d}" for i in range(20)]
    companies = pd.DataFrame({"company_id": ids,
                              "n_employees": rng.integers(80, 400, len(ids)),
                              "share_women": rng.uniform(0.2, 0.8, len(ids))})
    level = dict(zip(ids, rng.normal(3.5, 0.4, len(ids)), strict=True))

    def wave(post: int, which: range) -> pd.DataFrame:
        parts = []
        for i in which:
            c = ids[i]
            k = int(rng.integers(15, 40))
            shift = post * (drift + (effect if c in treated else 0.0))
            wfc = level[c] + shift + rng.normal(0, 1, k)
            parts.append(pd.DataFrame({
                "company_id": c, "gender": rng.choice(["F", "M"], k),
                "wfc_score": np.round(wfc, 1),
                "wlb_fit_good": pd.array(rng.random(k) < 0.6 - shift / 5, dtype="boolean"),
            }))
        return pd.concat(parts, ignore_index=True)

    prev, cur = wave(0, before), wave(1, after)
    return companies, prev, cur


def _pooled(companies, prev, cur, indicators=INDS):
    dp, dc = survey_design(prev, companies), survey_design(cur, companies)
    return pool_waves(worker_outcomes(prev, dp, indicators=indicators),
                      worker_outcomes(cur, dc, indicators=indicators)), dp, dc


def _wls_with_dummies(d: pd.DataFrame, outcome: str, terms: list[str]) -> pd.Series:
    """statsmodels WLS of ``outcome`` on ``terms`` and one dummy per company."""
    import statsmodels.api as sm

    d = d.dropna(subset=[outcome])
    X = pd.concat([d[terms].astype(float),
                   pd.get_dummies(d["company_id"], prefix="c", drop_first=True, dtype=float)],
                  axis=1)
    return sm.WLS(d[outcome].astype(float), sm.add_constant(X), weights=d["weight"]).fit().params


def test_worker_outcomes_carry_each_waves_own_poststratification_weights():
    companies, prev, cur = _panel()
    design = survey_design(prev, companies)
    out = worker_outcomes(prev, design, indicators=INDS)
    assert out["weight"].to_numpy() == pytest.approx(
        poststrat_weights(prev, companies)["weight"].to_numpy())
    assert out["wlb_fit_good"].isin([0.0, 1.0]).all()
    pooled = pool_waves(out, worker_outcomes(cur, survey_design(cur, companies),
                                             indicators=INDS))
    assert pooled["post"].tolist() == [0] * len(prev) + [1] * len(cur)
    with pytest.raises(ValueError, match="design"):
        worker_outcomes(cur, design)


def test_change_over_all_workers_is_the_difference_of_weighted_means():
    companies, prev, cur = _panel()
    pooled, dp, dc = _pooled(companies, prev, cur)
    out = worker_changes(pooled, indicators=INDS).set_index("indicator")
    for ind in INDS:
        p, c = pooled[pooled["post"] == 0], pooled[pooled["post"] == 1]
        wp = np.average(p[ind], weights=p["weight"])
        wc = np.average(c[ind], weights=c["weight"])
        row = out.loc[ind]
        assert row["estimate"] == pytest.approx(wc - wp)
        assert row["estimate_prev"] == pytest.approx(wp)
        # the levels are the design-based point estimates of each wave
        assert row["estimate_prev"] == pytest.approx(
            survey_mean(dp, prev[ind].astype("Float64")).iloc[0]["estimate"])
        assert row["estimate_cur"] == pytest.approx(
            survey_mean(dc, cur[ind].astype("Float64")).iloc[0]["estimate"])
        # a company in both waves is one cluster: 20 companies, not 32
        assert row["n_companies"] == 20
        assert (row["n_companies_prev"], row["n_companies_cur"]) == (16, 16)
        assert row["n_obs"] == len(prev) + len(cur) and row["n"] == min(len(prev), len(cur))
        assert row["ci_low"] < row["estimate"] < row["ci_high"]
        assert 0 < row["p_value"] <= 1 and np.isnan(row["df"])
        assert row["statistic"] == pytest.approx(row["estimate"] / row["se"])
    assert "wild cluster restricted bootstrap" in out.loc["wfc_score", "method"]
    assert "linear probability" in out.loc["wlb_fit_good", "method"]
    assert "linear probability" not in out.loc["wfc_score", "method"]


def test_within_company_change_is_the_wls_coefficient_with_company_dummies():
    companies, prev, cur = _panel()
    pooled, _, _ = _pooled(companies, prev, cur)
    common = COMMON
    out = worker_changes(pooled, {"common": common}, indicators=INDS).set_index("indicator")
    panel = pooled[pooled["company_id"].isin(common)]
    for ind in INDS:
        assert out.loc[ind, "estimate"] == pytest.approx(
            _wls_with_dummies(panel, ind, ["post"])["post"], abs=1e-10)
        assert out.loc[ind, "n_companies"] == 12
        assert "within-company" in out.loc[ind, "method"]
    # each company weighs its headcount in both waves: the change of the panel's weighted
    # means; with new headcounts in the second wave the two differ
    row = out.loc["wfc_score"]
    assert row["estimate"] == pytest.approx(row["estimate_cur"] - row["estimate_prev"])
    grown = companies.assign(n_employees=companies["n_employees"] * np.linspace(1, 3, 20))
    dp, dc = survey_design(prev, companies), survey_design(cur, grown)
    pooled = pool_waves(worker_outcomes(prev, dp, indicators=INDS),
                        worker_outcomes(cur, dc, indicators=INDS))
    row = worker_changes(pooled, {"common": common}, indicators=INDS).iloc[0]
    assert row["estimate"] == pytest.approx(_wls_with_dummies(
        pooled[pooled["company_id"].isin(common)], "wfc_score", ["post"])["post"], abs=1e-10)
    assert abs(row["estimate"] - (row["estimate_cur"] - row["estimate_prev"])) > 1e-3


def test_difference_in_differences_is_the_interaction_with_company_dummies():
    companies, prev, cur = _panel(effect=-0.8)
    pooled, _, _ = _pooled(companies, prev, cur)
    common, treated = COMMON, TREATED
    out = flexibility_change(pooled, common, treated, indicators=INDS)
    panel = pooled[pooled["company_id"].isin(common)].copy()
    panel["post_introduced"] = panel["post"] * panel["company_id"].isin(treated)
    for ind in INDS:
        part = out[out["indicator"] == ind].set_index(["comparison", "scope"])
        did = part.loc[("difference", "new_flex")]
        assert did["estimate"] == pytest.approx(
            _wls_with_dummies(panel, ind, ["post", "post_introduced"])["post_introduced"],
            abs=1e-10)
        # the interaction is the difference between the groups' within-company changes
        assert did["estimate"] == pytest.approx(
            part.loc[("within_change", "new_flex"), "estimate"]
            - part.loc[("within_change", "no_new_flex"), "estimate"], abs=1e-10)
        assert did["reference"] == "no_new_flex"
        assert (did["n_companies_introduced"], did["n_companies_other"]) == (6, 6)
        assert "observational" in did["method"]
        assert part.loc["within_change", "p_value"].isna().all()  # descriptive rows
    wfc = out[(out["indicator"] == "wfc_score") & (out["comparison"] == "difference")].iloc[0]
    assert wfc["estimate"] < 0 and wfc["ci_high"] < 0
    assert wfc["adjustment"] == "Holm, 2 tests (2 indicators)"


def test_holm_columns_and_flags_on_adjusted_p_values():
    companies, prev, cur = _panel(drift=0.6, effect=0.0)  # conflict rises everywhere
    pooled, _, _ = _pooled(companies, prev, cur)
    common = COMMON
    out = worker_changes(pooled, {"all": None, "common": common}, indicators=INDS)
    p = out["p_value"].to_numpy()
    m = len(p)
    order = np.argsort(p)
    holm = np.empty(m)
    holm[order] = np.minimum(np.maximum.accumulate((m - np.arange(m)) * p[order]), 1)
    assert out["p_adjusted"].to_numpy() == pytest.approx(holm)
    assert (out["adjustment"] == "Holm, 4 tests (2 indicators x 2 scopes)").all()
    for _, r in out.iterrows():
        clear = r["p_adjusted"] < ALPHA
        assert r["improved"] == (clear and np.sign(r["estimate"]) == r["better"])
        assert r["worse"] == (clear and np.sign(r["estimate"]) == -r["better"])
    wfc = out[out["indicator"] == "wfc_score"]
    assert wfc["worse"].all() and not wfc["improved"].any()  # more conflict: worse
    # a level between the raw and the adjusted p-value: the flag follows the adjusted one
    row = out.loc[out["p_value"] < out["p_adjusted"]].iloc[0]
    alpha = (row["p_value"] + row["p_adjusted"]) / 2
    again = worker_changes(pooled, {"all": None, "common": common}, indicators=INDS,
                           alpha=alpha)
    same = again[(again["indicator"] == row["indicator"]) & (again["scope"] == row["scope"])]
    assert not same["improved"].iloc[0] and not same["worse"].iloc[0]


def test_withheld_scopes_and_too_few_companies_have_no_p_value():
    companies, prev, cur = _panel()
    pooled, _, _ = _pooled(companies, prev, cur)
    scopes = {"all": None, "two": ["C04", "C05"], "four": ["C04", "C05", "C06", "C07"]}
    out = worker_changes(pooled, scopes, indicators=INDS, min_companies=3,
                         min_test_companies=5).set_index(["scope", "indicator"])
    two = out.loc["two"]  # fewer than min_companies: withheld
    assert two[["estimate", "estimate_prev", "se", "ci_low", "p_value",
                "p_adjusted"]].isna().all().all()
    assert two["n"].isna().all() and (two["n_companies"] == 2).all()
    assert two["method"].str.startswith("withheld").all()
    four = out.loc["four"]  # shown, but no valid test with 4 companies
    assert four["estimate"].notna().all() and four["ci_low"].notna().all()
    assert four[["statistic", "df", "p_value", "p_adjusted"]].isna().all().all()
    assert four["method"].str.contains("no valid test with fewer than 5 companies").all()
    assert out.loc["all", "n_companies"].eq(20).all()
    assert not (four["improved"] | four["worse"]).any()
    assert out.loc["all", "p_value"].notna().all()
    # only the valid tests form the family
    assert (out["adjustment"] == "Holm, 2 tests (2 indicators x 3 scopes; 4 without a valid "
                                 "test)").all()
    # difference in differences: 3 of the 6 panel companies can be chosen in only 20 ways
    panel6 = ["C04", "C05", "C06", "C07", "C08", "C09"]
    did = flexibility_change(pooled, panel6, ["C04", "C05", "C06"], indicators=INDS)
    diff = did[did["comparison"] == "difference"]
    assert diff["p_value"].isna().all() and diff["estimate"].notna().all()
    assert diff["method"].str.contains("in only 20 ways").all()
    assert (diff["adjustment"] == "no valid test (2 indicators)").all()
    # fewer than min_companies on a side: withheld
    gone = flexibility_change(pooled, COMMON, ["C04", "C05"], indicators=INDS,
                              min_companies=3)
    assert gone.loc[gone["comparison"] == "difference", "estimate"].isna().all()
    assert gone.loc[gone["scope"] == "new_flex", "estimate"].isna().all()


def test_an_indicator_not_asked_in_a_wave_is_empty_not_an_error():
    workers = pd.DataFrame({"company_id": list("AABBCC"), "wfc_score": [3.0, 4, 2, 5, 3, 4]})
    out = worker_indicators(workers, unweighted_design(workers.index),
                            indicators=["wfc_score", "sat_wlb", "flex_available"])
    out = out.set_index("indicator")
    assert out.loc["wfc_score", "estimate"] == pytest.approx(3.5)
    assert np.isnan(out.loc["sat_wlb", "estimate"]) and out.loc["sat_wlb", "n"] == 0
    assert np.isnan(out.loc["flex_available", "estimate"])
    companies, prev, cur = _panel()
    pooled, _, _ = _pooled(companies, prev, cur, indicators=["wfc_score", "sat_wlb"])
    ch = worker_changes(pooled, indicators=["wfc_score", "sat_wlb"]).set_index("indicator")
    assert np.isnan(ch.loc["sat_wlb", "estimate"]) and np.isnan(ch.loc["sat_wlb", "p_value"])
    assert ch.loc["sat_wlb", "n"] == 0
    assert ch.loc["wfc_score", "adjustment"] == "Holm, 1 test (2 indicators x 1 scope; 1 " \
                                                "without a valid test)"


def test_indicator_trend_gives_each_wave_on_its_own_design():
    companies, prev, cur = _panel()
    dp, dc = survey_design(prev, companies), survey_design(cur, companies)
    trend = indicator_trend({"w1": (prev, dp), "w2": (cur, dc), "w3": (prev, dp)},
                            indicators=INDS)
    assert trend["wave"].tolist() == ["w1", "w1", "w2", "w2", "w3", "w3"]
    assert trend["wave_order"].tolist() == [0, 0, 1, 1, 2, 2]
    assert (trend["scope"] == "all").all()
    alone = worker_indicators(cur, dc, indicators=INDS)
    assert trend.loc[trend["wave"] == "w2", "estimate"].to_numpy() == pytest.approx(
        alone["estimate"].to_numpy())
    assert indicator_trend({}).empty


def test_wave_chain_and_its_fallback_to_the_previous_wave():
    assert wave_chain() == []
    assert wave_chain([], None, None, None) == []
    assert wave_chain(None, None, "w2", "/p/w2") == [("w2", "/p/w2")]
    assert wave_chain(None, None, "w2") == [("w2", None)]
    assert wave_chain([], None, "w2", "/p/w2") == [("w2", "/p/w2")]
    assert wave_chain(["w1", "w2"], ["/p/w1", "/p/w2"], "w2", "/p/w2") == [
        ("w1", "/p/w1"), ("w2", "/p/w2")]
    assert wave_chain(["w1", "w2"], None, "w2", "/p/w2") == [("w1", None), ("w2", "/p/w2")]
    with pytest.raises(ValueError, match="last"):
        wave_chain(["w1", "w2"], None, "w1")
    with pytest.raises(ValueError, match="previous_processed_dirs"):
        wave_chain(["w1", "w2"], ["/p/w1"])
    with pytest.raises(ValueError, match="twice"):
        wave_chain(["w1", "w1"])


def test_network_change_mcnemar_against_statsmodels():
    from statsmodels.stats.contingency_tables import mcnemar

    prev = pd.DataFrame({"company_id": list("ABCDEFGHIJ"),
                         "in_network": pd.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
                                                dtype="boolean")})
    cur = pd.DataFrame({"company_id": list("ABCDEFGHIJK"),
                        "in_network": pd.array([1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1],
                                               dtype="boolean")})
    out = network_change(prev, cur).set_index("wave")
    assert out.loc["previous", "in_network"] == 3 and out.loc["current", "in_network"] == 8
    assert out.loc["current", "share"] == pytest.approx(8 / 11)
    paired = out.loc["paired"]
    assert paired["mapped"] == 10 and paired["joined"] == 5 and paired["left"] == 1
    table = [[2, 1], [5, 2]]  # rows: before in/out; columns: after in/out
    assert paired["p_value"] == pytest.approx(mcnemar(table, exact=True).pvalue)
    assert paired["estimate"] == pytest.approx((5 - 1) / 10)


def test_company_change_paired_by_hand_and_all_as_a_clustered_regression():
    prev = pd.DataFrame({"company_id": ["A", "B", "C", "D"], "n": [10.0, 12, 8, 15]})
    cur = pd.DataFrame({"company_id": ["A", "B", "C", "E", "F"], "n": [14.0, 13, 12, 20, 9]})
    out = company_change(prev, cur, indicators=["n"], min_test_companies=3)
    out = out.set_index("comparison")
    paired = out.loc["paired"]
    d = np.array([4.0, 1, 4])
    assert paired["n"] == 3 and paired["estimate"] == pytest.approx(3)
    t = d.mean() / (d.std(ddof=1) / np.sqrt(3))
    assert paired["statistic"] == pytest.approx(t)
    assert paired["p_value"] == pytest.approx(2 * stats.t.sf(t, 2))
    assert paired["effect_size"] == pytest.approx(d.mean() / d.std(ddof=1))
    every = out.loc["all"]
    assert every["estimate"] == pytest.approx(np.mean([14, 13, 12, 20, 9]) - np.mean(
        [10, 12, 8, 15]))
    assert every["n_prev"] == 4 and every["n_cur"] == 5
    assert every["n"] == 9 and every["n_companies"] == 6  # A, B, C are one cluster each
    assert "wild cluster restricted bootstrap" in every["method"]
    # Holm over the two tests
    p = out["p_value"].to_numpy()
    assert out["p_adjusted"].to_numpy() == pytest.approx(
        np.minimum(np.maximum.accumulate(np.array([2, 1]) * np.sort(p))[np.argsort(
            np.argsort(p))], 1))
    assert (out["adjustment"] == "Holm, 2 tests (1 indicator x 2 comparisons)").all()
    # too few companies for a test (default: the calibration's smallest network, 10)
    few = company_change(prev, cur, indicators=["n"]).set_index("comparison")
    assert few["p_value"].isna().all() and few["estimate"].notna().all()
    assert few["method"].str.contains("no valid test with fewer than 10").all()


def test_company_change_without_overlap_is_studentised_like_welch():
    rng = np.random.default_rng(2)
    a = pd.DataFrame({"company_id": [f"A{i}" for i in range(12)], "x": rng.normal(10, 2, 12)})
    b = pd.DataFrame({"company_id": [f"B{i}" for i in range(11)], "x": rng.normal(12, 4, 11)})
    every = company_change(a, b, indicators=["x"]).set_index("comparison").loc["all"]
    # one company per cluster: the CR1 se for two means is Welch's, times the
    # small-sample factor sqrt(G/(G-1) (n-1)/(n-2)) with G = n = 23 companies
    welch_se = np.sqrt(a["x"].var(ddof=0) / 12 + b["x"].var(ddof=0) / 11)
    assert every["se"] == pytest.approx(welch_se * np.sqrt(23 / 22 * 22 / 21))
    assert every["estimate"] == pytest.approx(b["x"].mean() - a["x"].mean())
    assert 0 < every["p_value"] < 1


def test_activated_scopes_and_flex_available():
    prev = pd.DataFrame({"company_id": ["A", "B", "C"],
                         "m_FLEX_HOURS": ["none", "active_all", "planned"],
                         "m_SMART_WORKING": ["none", "none", None]})
    cur = pd.DataFrame({"company_id": ["A", "B", "C", "D"],
                        "m_FLEX_HOURS": ["none", "active_all", "none", "active_all"],
                        "m_SMART_WORKING": ["active_some", "none", "active_all", "none"]})
    assert activated(prev, cur) == ["A", "C"]  # B already had it, D is new
    assert panel_scopes(prev, cur, min_companies=1) == {
        "all": None, "common": ["A", "B", "C"], "new_flex": ["A", "C"], "no_new_flex": ["B"]}
    assert panel_scopes(prev, cur, min_companies=2) == {"all": None,
                                                        "common": ["A", "B", "C"]}
    w = pd.DataFrame({"avail_FLEX_HOURS": ["available_used", "not_available", "dont_know",
                                           "not_available", None],
                      "avail_SMART_WORKING": ["not_available", "not_available",
                                              "available_used", "available_not_used",
                                              "not_available"]})
    assert flex_available(w).tolist()[:2] == [1.0, 0.0]
    assert np.isnan(flex_available(w).iloc[2]) and np.isnan(flex_available(w).iloc[4])
    assert flex_available(w).iloc[3] == 1.0


# --------------------------------------------------------------------------------------
# The section's rules: clear changes, tests counted, rows reported
# --------------------------------------------------------------------------------------
def test_flag_changes_clear_means_adjusted_p_below_alpha_the_better_or_worse_way():
    out = flag_changes(pd.DataFrame({
        "estimate": [-0.3, 0.3, -0.3, 0.2, 0.0, 0.5, -0.1],
        "better": [-1, -1, 1, 1, 1, 1, -1],
        "p_adjusted": [0.01, 0.01, 0.049, ALPHA, 0.001, np.nan, 0.2]}))
    # down is better and it went down; up; down when up is better; exactly ALPHA is not
    # below it; no change; no valid test; not clear
    assert out["improved"].tolist() == [True, False, False, False, False, False, False]
    assert out["worse"].tolist() == [False, True, True, False, False, False, False]
    assert out["improved"].dtype == bool and out["worse"].dtype == bool
    stricter = flag_changes(out.copy(), alpha=0.005)
    assert not stricter["improved"].any() and not stricter["worse"].any()


def test_count_tests_counts_rows_with_a_p_value():
    table = pd.DataFrame({"comparison": ["previous", "previous", "previous", "first"],
                          "p_value": [0.01, np.nan, 0.5, 0.2]})
    assert count_tests(table) == 3
    assert count_tests(table, "previous") == 2 and count_tests(table, "first") == 1
    assert count_tests(table, "difference") == 0


def _changes_table() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": ["wfc_score", "sat_wlb", "wfc_score", "sat_wlb", "fwc_score",
                      "wfc_score"],
        "scope": ["all", "all", "common", "common", "common", "all"],
        "comparison": ["previous"] * 5 + ["first"],
        "improved": [True, False, True, False, True, True],
        "worse": [False, True, False, True, False, False],
        "p_value": [0.01, 0.02, 0.01, 0.02, 0.03, 0.01],
    })


def test_clear_changes_of_the_panel_against_the_previous_wave():
    assert MAIN_SCOPE == "common"
    clear = clear_changes(_changes_table())
    assert list(clear.columns) == ["indicator", "direction"]
    assert clear.values.tolist() == [["wfc_score", "improved"], ["fwc_score", "improved"],
                                     ["sat_wlb", "worse"]]
    quiet = _changes_table().assign(improved=False, worse=False)
    assert clear_changes(quiet).empty
    assert changes_since(_changes_table(), "first")["scope"].tolist() == ["all"]
    assert len(changes_since(_changes_table())) == 5


def test_panel_levels_and_the_flexibility_focus():
    levels = pd.DataFrame({"indicator": ["wfc_score", "wlb_fit_good", "wfc_score"],
                           "scope": ["common", "common", "all"],
                           "kind": ["mean", "proportion", "mean"]})
    assert panel_levels(levels)["indicator"].tolist() == ["wfc_score", "wlb_fit_good"]
    assert panel_levels(levels, "proportion")["indicator"].tolist() == ["wlb_fit_good"]
    assert FOCUS_INDICATOR == "wfc_score"
    flex = pd.DataFrame({
        "indicator": ["wfc_score"] * 3 + ["sat_wlb"] * 3,
        "comparison": ["within_change", "within_change", "difference"] * 2,
        "scope": ["new_flex", "no_new_flex", "new_flex"] * 2,
        "estimate": [-0.5, 0.0, -0.5, 0.1, 0.1, 0.0],
        "p_value": [np.nan, np.nan, 0.01, np.nan, np.nan, 0.5]})
    assert flexibility_groups(flex)["scope"].tolist() == ["new_flex", "no_new_flex"]
    assert (flexibility_groups(flex)["indicator"] == "wfc_score").all()
    head = flexibility_headline(flex)
    assert len(head) == 1 and head.iloc[0]["estimate"] == -0.5 and head.iloc[0]["tested"]
    assert flexibility_tested(flex)
    assert not flexibility_tested(flex.assign(p_value=np.nan))  # too few ways: descriptive


def test_paired_company_changes_by_indicator():
    moves = pd.DataFrame({"indicator": ["n_measures_active", "n_measures_active"],
                          "comparison": ["all", "paired"], "estimate": [2.0, 2.5]})
    out = paired_company_changes(moves)
    assert out.index.tolist() == ["n_measures_active"]
    assert out.loc["n_measures_active", "estimate"] == 2.5


def test_network_membership_is_the_first_rows_of_network_change():
    companies = pd.DataFrame({"company_id": list("ABCD"),
                              "in_network": pd.array([True, None, False, True],
                                                     dtype="boolean")})
    out = network_membership(companies).iloc[0]
    assert (out["mapped"], out["in_network"]) == (4, 2) and out["share"] == 0.5
    both = network_change(companies, companies).set_index("wave")
    assert both.loc["previous", ["mapped", "in_network", "share"]].tolist() == [4, 2, 0.5]
    assert np.isnan(network_membership(companies.iloc[:0])["share"].iloc[0])


def test_levels_of_several_waves_carry_their_wave():
    companies, prev, cur = _panel()
    dp, dc = survey_design(prev, companies), survey_design(cur, companies)
    scopes = {"all": None, "common": COMMON}
    levels = indicator_levels({"w1": (prev, dp), "w2": (cur, dc)}, scopes=scopes,
                              indicators=INDS)
    assert levels.columns[-1] == "wave" and len(levels) == 2 * 2 * 2
    alone = worker_indicators(cur, dc, scopes=scopes, indicators=INDS)
    assert levels.loc[levels["wave"] == "w2", "estimate"].to_numpy() == pytest.approx(
        alone["estimate"].to_numpy())
    assert indicator_levels({}).empty
    with pytest.raises(TypeError, match="scope"):
        indicator_trend({"w1": (prev, dp)}, scopes=scopes)
    surveyed = pd.DataFrame({"n_measures_active": [1.0, 3.0], "n_areas_active": [1.0, 2.0],
                             "maturity_score": [20.0, 40.0]})
    by = company_levels_by_wave({"w1": surveyed, "w2": surveyed * 2})
    assert by["wave"].tolist() == ["w1"] * 3 + ["w2"] * 3
    assert by.set_index(["wave", "indicator"]).loc[("w2", "maturity_score"),
                                                    "estimate"] == pytest.approx(60)
    assert by.drop(columns="wave").iloc[:3].equals(company_levels(surveyed))


def _prepared(workers: pd.DataFrame, companies: pd.DataFrame) -> PreparedWave:
    return PreparedWave({}, workers, survey_design(workers, companies), pd.DataFrame())


def test_wave_changes_against_the_previous_and_the_first_wave():
    companies, prev, cur = _panel()
    one = MonitoredWaves({"w1": _prepared(prev, companies)})
    two = MonitoredWaves({"w1": _prepared(prev, companies), "w2": _prepared(cur, companies)})
    three = MonitoredWaves({"w0": _prepared(prev, companies), "w1": _prepared(prev, companies),
                            "w2": _prepared(cur, companies)})
    assert one.baseline and one.previous_wave is None and list(one.compared()) == ["w1"]
    assert (two.previous_wave, two.first_wave, two.has_trend) == ("w1", "w1", False)
    assert three.has_trend and three.first_wave == "w0" and list(three.compared()) == [
        "w1", "w2"]
    assert list(three.designs()) == ["w0", "w1", "w2"]
    assert list(three.designs(compared=True)) == ["w1", "w2"]
    scopes = {"all": None, "common": COMMON, "new_flex": TREATED}
    out = wave_changes(three, scopes)
    previous = out[out["comparison"] == "previous"]
    assert previous["scope"].unique().tolist() == ["all", "common"]  # not the groups
    assert set(previous["reference_wave"]) == {"w1"} and set(out["wave"]) == {"w2"}
    first = out[out["comparison"] == "first"]
    assert set(first["scope"]) == {"all"} and set(first["reference_wave"]) == {"w0"}
    # the change since the previous wave is worker_changes on the two waves pooled
    again = worker_changes(pooled_workers(two.previous, two.current),
                           {"all": None, "common": COMMON})
    assert previous["estimate"].to_numpy() == pytest.approx(again["estimate"].to_numpy(),
                                                            nan_ok=True)
    with pytest.raises(ValueError, match="baseline"):
        wave_changes(one, scopes)


# --------------------------------------------------------------------------------------
# Demo waves: baseline and follow-up of the same territory
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def waves(demo_waves):
    return {wave: demo_copy(demo_waves, wave) for wave in demo_waves}


def _surveyed(t):
    s = surveyed_companies(t["company_survey"], t["companies"])
    s["maturity_score"] = maturity_scores(s)["score"]
    return s


def test_follow_up_has_more_network_companies(waves):
    out = network_change(waves["demo-2013"]["companies"], waves["demo-2014"]["companies"])
    by = out.set_index("wave")
    assert by.loc["current", "in_network"] > by.loc["previous", "in_network"]
    assert by.loc["paired", "joined"] >= 8 and by.loc["paired", "left"] == 0  # +8 to +12
    assert by.loc["paired", "p_value"] < 0.05


def test_follow_up_has_more_active_measures(waves):
    prev, cur = _surveyed(waves["demo-2013"]), _surveyed(waves["demo-2014"])
    out = company_change(prev, cur).set_index(["indicator", "comparison"])
    paired = out.loc[("n_measures_active", "paired")]
    assert paired["n"] == len(prev)  # every baseline company answered again
    assert paired["estimate"] > 2 and paired["p_adjusted"] < 0.001 and paired["improved"]
    every = out.loc[("n_measures_active", "all")]
    assert every["estimate"] > 0 and every["p_adjusted"] < 0.05
    assert every["n_companies"] == len(set(prev["company_id"]) | set(cur["company_id"]))
    assert out.loc[("maturity_score", "paired"), "estimate"] > 0
    levels = company_levels(cur).set_index("indicator")
    assert levels.loc["n_measures_active", "estimate"] == pytest.approx(
        cur["n_measures_active"].mean())


def test_conflict_falls_where_flexibility_arrived(waves):
    p, c = waves["demo-2013"], waves["demo-2014"]
    scopes = panel_scopes(p["company_survey"], c["company_survey"])
    assert len(scopes["new_flex"]) >= 5 and len(scopes["no_new_flex"]) >= 5
    dp = survey_design(p["worker_survey"], p["companies"])
    dc = survey_design(c["worker_survey"], c["companies"])
    pooled = pool_waves(worker_outcomes(p["worker_survey"], dp),
                        worker_outcomes(c["worker_survey"], dc))
    flex = flexibility_change(pooled, scopes["common"], scopes["new_flex"]).set_index(
        ["indicator", "comparison", "scope"])
    did = flex.loc[("wfc_score", "difference", "new_flex")]
    assert did["estimate"] < -0.2 and did["ci_high"] < 0
    assert did["p_adjusted"] < 0.05 and did["improved"]
    assert flex.loc[("wfc_score", "within_change", "new_flex"), "estimate"] < -0.2
    assert abs(flex.loc[("wfc_score", "within_change", "no_new_flex"), "estimate"]) < 0.15
    # availability of flexibility rises in the common companies
    changes = worker_changes(pooled, {"all": None, "common": scopes["common"]}).set_index(
        ["indicator", "scope"])
    assert changes.loc[("flex_available", "common"), "estimate"] > 0
    assert changes.loc[("flex_available", "common"), "p_value"] < 0.05
    assert (changes["adjustment"] == "Holm, 12 tests (6 indicators x 2 scopes)").all()


def test_load_waves_reads_the_chain_and_prepares_every_wave_alike(waves, project):
    from pipeline.config import get_paths

    write_processed(WaveData("demo-2013", waves["demo-2013"], {}),
                    get_paths().processed_wave("demo-2013"))
    chain = wave_chain(None, None, "demo-2013")  # folder None: the project's
    loaded = load_waves(waves["demo-2014"], "demo-2014", chain)
    assert loaded.labels == ["demo-2013", "demo-2014"] and not loaded.baseline
    assert loaded.current.tables is waves["demo-2014"]
    prev = loaded.previous
    assert len(prev.workers) == len(waves["demo-2013"]["worker_survey"])
    assert prev.design.index.equals(prev.workers.index)
    assert prev.surveyed["maturity_score"].notna().all()
    assert prev.surveyed["maturity_score"].to_numpy() == pytest.approx(
        _surveyed(waves["demo-2013"])["maturity_score"].to_numpy())
    alone = load_waves(waves["demo-2014"], "demo-2014", [])
    assert alone.baseline and alone.labels == ["demo-2014"]


@pytest.mark.slow
def test_notebook_baseline_follow_up_and_chain(tmp_path, monkeypatch):
    import jupytext
    import papermill as pm

    from pipeline.config import get_paths
    from pipeline.wave import write_processed

    reference = get_paths().reference_dir
    monkeypatch.setenv("WELFARE_ROOT", str(tmp_path))
    monkeypatch.setenv("WELFARE_REFERENCE_DIR", str(reference))
    link_notebooks(tmp_path)
    for wave in ("demo-2013", "demo-2014", "demo-2015"):
        write_demo_wave(wave, tmp_path / "raw" / wave)
        write_processed(ingest_wave(wave, tmp_path / "raw" / wave), tmp_path / "proc" / wave)
    notebook = jupytext.read(get_paths(ROOT).notebooks / "05_monitoring.py")

    def run(wave, **extra):
        tables = tmp_path / "tables" / wave
        pm.execute_notebook(notebook, str(tmp_path / f"{wave}.ipynb"),
                            parameters={"wave": wave, "tables_dir": str(tables),
                                        "processed_dir": str(tmp_path / "proc" / wave), **extra},
                            kernel_name="python3", progress_bar=False, cwd=str(ROOT))
        return tables

    base = run("demo-2013")
    assert (base / "monitoring_indicators.csv").exists()
    assert read_table(base / "monitoring_trend.csv")["wave"].unique().tolist() == [
        "demo-2013"]
    assert not (base / "monitoring_changes.csv").exists()
    # follow-up with the single-wave parameters (the fallback)
    follow = run("demo-2014", previous_wave="demo-2013",
                 previous_processed_dir=str(tmp_path / "proc" / "demo-2013"))
    network = read_table(follow / "monitoring_network.csv").set_index("wave")
    assert network.loc["paired", "joined"] > 0 and network.loc["paired", "p_value"] < 0.05
    companies = read_table(follow / "monitoring_companies.csv")
    paired = companies[(companies["indicator"] == "n_measures_active")
                       & (companies["comparison"] == "paired")].iloc[0]
    assert paired["estimate"] > 0 and paired["p_adjusted"] < 0.05
    changes = read_table(follow / "monitoring_changes.csv")
    assert set(changes["comparison"]) == {"previous"}
    assert set(changes["scope"]) == {"all", "common"}
    assert {"p_value", "p_adjusted", "adjustment", "improved", "worse", "reference_wave"} <= set(
        changes.columns)
    flex = read_table(follow / "monitoring_flexibility.csv")
    assert set(flex["comparison"]) == {"difference", "within_change"}
    # the follow-up's tables, as published, make a valid open-data package
    import frictionless

    from pipeline.render.opendata import write_datapackage

    package = write_datapackage(follow, lang="it", wave_meta={"label": "demo-2014"})
    report = frictionless.validate(str(package))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    # a chain of three waves: trend over all of them, one change row per indicator since
    # the first
    chain = run("demo-2015", lang="en", previous_waves=["demo-2013", "demo-2014"],
                previous_processed_dirs=[str(tmp_path / "proc" / w)
                                         for w in ("demo-2013", "demo-2014")])
    trend = read_table(chain / "monitoring_trend.csv")
    assert trend["wave"].unique().tolist() == ["demo-2013", "demo-2014", "demo-2015"]
    assert len(trend) == 3 * 6
    changes = read_table(chain / "monitoring_changes.csv")
    first = changes[changes["comparison"] == "first"]
    assert len(first) == 6 and set(first["scope"]) == {"all"}
    assert set(first["reference_wave"]) == {"demo-2013"}
    assert set(changes.loc[changes["comparison"] == "previous", "reference_wave"]) == {
        "demo-2014"}
