"""The measures analysis (pipeline.analyse.analysis.measures): adoption, maturity score, outcomes.

Unit tests on small hand-made frames check every number against a hand calculation (or an
independent library: scipy, statsmodels); the demo tests show that the analyses find the
effects the demo generator built in (docs/demo-data.md): flexible hours go with lower
work-to-family conflict, larger companies adopt more measures, a follow-up wave has more
active measures.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers.notebooks import link_notebooks
from helpers.waves import demo_copy
from scipy import stats

from pipeline.analyse.analysis.measures import (
    CHART_STATUSES,
    MATURITY_CLASSES,
    N_OTHER_MEASURES,
    TOP_CLASSES,
    adoption_summary,
    adoption_table,
    budget_reference,
    charted_measures,
    maturity_class,
    maturity_components,
    maturity_distribution,
    maturity_scores,
    maturity_summary,
    measures_by_size,
    oriented_effects,
    outcome_comparisons,
    outcome_counts,
    outcome_differences,
    published_maturity_distribution,
    published_size_classes,
    significant_comparisons,
    size_contrast,
    size_gradient,
    surveyed_companies,
    welfare_area_table,
    worker_exposure,
)
from pipeline.analyse.published import read_table
from pipeline.codebook import load_codebook
from pipeline.demo import write_demo_wave
from pipeline.ingest.load import ingest_wave

CODEBOOK = load_codebook()
ROOT = Path(__file__).resolve().parents[3]


def _logit_ci(p: float, se: float, df: int) -> tuple[float, float]:
    q = stats.t.ppf(0.975, df)
    half = q * se / (p * (1 - p))
    lp = np.log(p / (1 - p))
    return 1 / (1 + np.exp(-(lp - half))), 1 / (1 + np.exp(-(lp + half)))


# --------------------------------------------------------------------------------------
# Hand-made frames
# --------------------------------------------------------------------------------------
@pytest.fixture
def small_survey() -> pd.DataFrame:
    return pd.DataFrame({
        "company_id": ["A", "B", "C", "D"],
        "m_FLEX_HOURS": ["active_all", "active_some", "planned", None],
        "m_HOUR_BANK": ["none", "none", "active_all", "active_all"],
        "size_class": ["10-49", "10-49", "50-249", "50-249"],
    })


def test_adoption_shares_and_intervals_by_hand(small_survey):
    table = adoption_table(small_survey, ["FLEX_HOURS", "HOUR_BANK", "NOT_ASKED"],
                           by="size_class", codebook=CODEBOOK)
    assert set(table["measure"]) == {"FLEX_HOURS", "HOUR_BANK"}  # not asked: skipped
    row = table[(table["measure"] == "FLEX_HOURS") & (table["group_var"] == "all")
                & (table["status"] == "active")].iloc[0]
    # 3 companies answered (D did not): A and B active -> 2/3
    assert row["n"] == 3 and row["n_status"] == 2
    assert row["estimate"] == pytest.approx(2 / 3)
    # equal weights, the answering companies as a domain of all 4 (the contract's rule for
    # valid answers): z = (y - p) / 3 inside, 0 for D; var = 4/3 * sum z^2 = 4/3 * 6/81
    se = np.sqrt(4 / 3 * (2 * (1 / 9) ** 2 + (2 / 9) ** 2))
    assert row["se"] == pytest.approx(se)
    lo, hi = _logit_ci(2 / 3, se, df=2)  # df: 3 answers - 1
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi))
    assert row["welfare_area"] == "FLEX_TIME"
    status = table[(table["measure"] == "FLEX_HOURS") & (table["group_var"] == "all")]
    shares = status.set_index("status")["estimate"]
    assert shares["active_all"] + shares["active_some"] == pytest.approx(shares["active"])
    assert shares[["active_all", "active_some", "planned", "none"]].sum() == pytest.approx(1)
    by = table[(table["measure"] == "HOUR_BANK") & (table["group_var"] == "size_class")
               & (table["status"] == "active")].set_index("group")
    assert by.loc["10-49", "estimate"] == 0 and by.loc["50-249", "estimate"] == 1
    assert by.loc["50-249", "n_status"] == 2


def test_welfare_area_any_active_measure(small_survey):
    table = welfare_area_table(small_survey, codebook=CODEBOOK)
    flex = table[table["welfare_area"] == "FLEX_TIME"].iloc[0]
    # FLEX_TIME holds FLEX_HOURS and HOUR_BANK here: A, B, C, D all have one active
    assert flex["estimate"] == 1 and flex["n"] == 4
    assert "LEAVE" not in set(table["welfare_area"])  # no measure of the area asked


def test_measures_by_size_and_gradient_by_hand():
    surveyed = pd.DataFrame({
        "n_employees": [12, 30, 60, 100, 300, 800],
        "size_class": ["10-49", "10-49", "50-249", "50-249", "250+", "250+"],
        "n_measures_active": [2, 4, 5, 9, 12, 20],
    })
    table = measures_by_size(surveyed)
    assert table["group"].tolist() == ["all", "10-49", "50-249", "250+"]
    assert table["estimate"].tolist() == pytest.approx([52 / 6, 3, 7, 16])
    # a size class is a domain of the 6 companies (R: svyby on svydesign(ids = ~1)):
    # z = (y - 16) / 2 in the class, 0 elsewhere; var = 6/5 * sum z^2 = 6/5 * 8
    big = table.iloc[3]
    assert big["se"] == pytest.approx(np.sqrt(6 / 5 * 8))  # t with 2 - 1 df
    assert big["ci_high"] - big["estimate"] == pytest.approx(stats.t.ppf(0.975, 1) * big["se"])
    test = size_gradient(surveyed).set_index("test")
    assert test.loc["spearman", "estimate"] == pytest.approx(1.0)  # perfectly monotone
    assert test.loc["kruskal_wallis", "n"] == 6


def test_maturity_score_of_a_hand_made_company():
    company = {f"m_{m}": "none" for m in CODEBOOK.measure_codes()}
    company.update({"company_id": "X", "m_FLEX_HOURS": "active_all",
                    "m_SMART_WORKING": "active_some", "m_HEALTH_FUND": "active_all",
                    "m_WELFARE_REGULATION": "active_some", "m_SHARED_SERVICES": "active_all",
                    "m_HOUR_BANK": "planned", "welfare_budget_per_emp": 500.0,
                    "needs_survey_done": True, "second_level_agreement": False})
    blank = {"company_id": "Y"}  # nothing answered: every part counts 0
    rich = {f"m_{m}": "active_all" for m in CODEBOOK.measure_codes()}
    rich.update({"company_id": "Z", "welfare_budget_per_emp": 2500.0,
                 "needs_survey_done": True, "second_level_agreement": True})
    # a wave of 2025: the budget item is full from EUR 1,000 (L. 207/2024)
    scores = maturity_scores(pd.DataFrame([company, blank, rich]),
                             codebook=load_codebook(on="2025-11-28"))
    x = scores.iloc[0]
    # areas with an active measure: FLEX_TIME, FLEX_PLACE, HEALTH, GOVERNANCE,
    # COMMUNITY_NETWORK (planned does not count)
    assert x["breadth"] == pytest.approx(5 / 14)
    # coverage-weighted share per area: FLEX_TIME 1/5, FLEX_PLACE 0.5/4, HEALTH 1/4,
    # GOVERNANCE 0.5/5, COMMUNITY_NETWORK 1/5; the other 9 areas 0
    assert x["content"] == pytest.approx((0.2 + 0.125 + 0.25 + 0.1 + 0.2) / 14)
    # budget 500/1000, needs survey yes, agreement no, regulation (some employees) yes
    assert x["governance"] == pytest.approx((0.5 + 1 + 0 + 1) / 4)
    assert x["territory"] == pytest.approx(1 / 5)
    expected = 35 * 5 / 14 + 35 * 0.875 / 14 + 20 * 0.625 + 10 * 0.2
    assert x["score"] == pytest.approx(expected)  # 29.1875
    assert x["maturity_class"] == "3W"
    assert scores.iloc[1]["score"] == 0 and scores.iloc[1]["maturity_class"] == "1W"
    assert scores.iloc[2]["score"] == pytest.approx(100) and scores.iloc[2]["maturity_class"] == "5W"


def test_the_budget_item_is_full_at_the_fringe_benefit_ceiling_in_force_at_the_fieldwork():
    budgets = pd.DataFrame({"company_id": list("ABCDE"),
                            "welfare_budget_per_emp": [0.0, 129.115, 258.23, 500.0, np.nan]})
    # demo-2013: fieldwork closed on 29 November 2013, ceiling EUR 258.23 (TUIR art. 51 c. 3)
    wave_2013 = load_codebook(on={"fieldwork_start": "2013-10-07", "fieldwork_end": "2013-11-29"})
    assert budget_reference(wave_2013) == 258.23
    assert maturity_scores(budgets, codebook=wave_2013)["budget"].tolist() == pytest.approx(
        [0, 0.5, 1, 1, 0])
    # autumn 2022: 600 from 10 August (D.L. 115/2022), 3,000 from 18 November (D.L. 176/2022)
    sept = maturity_scores(budgets, codebook=load_codebook(on="2022-09-30"))["budget"]
    assert sept.iloc[3] == pytest.approx(500 / 600)
    dec = maturity_scores(budgets, codebook=load_codebook(on="2022-12-15"))["budget"]
    assert dec.iloc[3] == pytest.approx(500 / 3000)
    # 2025: 1,000 (the general ceiling, not the 2,000 for workers with children)
    assert maturity_scores(budgets, codebook=load_codebook(on="2025-11-28"))[
        "budget"].iloc[3] == pytest.approx(0.5)
    assert maturity_scores(budgets, codebook=wave_2013, budget_eur=2000)[
        "budget"].iloc[3] == pytest.approx(0.25)
    with pytest.raises(ValueError, match="positive"):
        maturity_scores(budgets, codebook=wave_2013, budget_eur=0)


def test_maturity_classes_boundaries_and_distribution():
    s = pd.Series([0, 10, 10.01, 20, 25, 30, 40, 40.5, 100, np.nan])
    assert maturity_class(s).tolist()[:-1] == ["1W", "1W", "2W", "2W", "3W", "3W", "4W", "5W",
                                               "5W"]
    assert pd.isna(maturity_class(s).iloc[-1])
    dist = maturity_distribution(pd.DataFrame({"maturity_class": maturity_class(s)}))
    assert dist["maturity_class"].tolist() == list(MATURITY_CLASSES)
    assert dist["n_companies"].tolist() == [2, 2, 2, 1, 2]
    assert dist["share"].sum() == pytest.approx(1)
    assert "score" not in dist.columns and "company_id" not in dist.columns


def _workers(n_companies: int, active: set[str], seed: int = 1) -> tuple[pd.DataFrame, ...]:
    """Workers of ``n_companies`` companies of 20 employees, 8 respondents each; conflict
    0.8 lower where FLEX_HOURS is active."""
    rng = np.random.default_rng(seed)
    ids = [f"C{i}" for i in range(n_companies)]
    rows = []
    for c in ids:
        for k in range(8):
            rows.append({"company_id": c, "gender": "F" if k % 2 else "M",
                         "n_children_u14": k % 3, "work_time": "part_time" if k == 0
                         else "full_time",
                         "wfc_score": 4 - 0.8 * (c in active) + rng.normal(0, 0.7),
                         "wlb_fit_good": bool(rng.random() < (0.85 if c in active else 0.7)),
                         "sat_wlb": float(rng.integers(1, 6))})
    workers = pd.DataFrame(rows)
    workers["wlb_fit_good"] = workers["wlb_fit_good"].astype("boolean")
    companies = pd.DataFrame({"company_id": ids, "n_employees": 20, "share_women": 0.5})
    survey = pd.DataFrame({"company_id": ids,
                           "m_FLEX_HOURS": ["active_all" if c in active else "none"
                                            for c in ids],
                           "m_SMART_WORKING": ["active_some" if c == "C0" else "none"
                                               for c in ids]})
    return workers, companies, survey


def test_outcomes_one_row_per_comparison_by_hand():
    workers, companies, survey = _workers(10, {"C0", "C1", "C2", "C3"})
    out = outcome_comparisons(workers, survey, companies, measures=["FLEX_HOURS", "HOUR_BANK"],
                              min_companies=3)
    assert not out.duplicated(["measure", "outcome"]).any()
    flex = out[out["measure"] == "FLEX_HOURS"].set_index("outcome").loc["wfc_score"]
    assert flex["estimate"] < 0 and flex["ci_low"] < flex["estimate"] < flex["ci_high"]
    assert flex["companies_with"] == 4 and flex["companies_without"] == 6
    assert flex["test_valid"] and "randomisation" in flex["method"]
    # the estimate is the weighted least-squares coefficient (svyglm's point estimate),
    # checked against statsmodels: with equal post-strata weights inside each company
    import statsmodels.formula.api as smf

    data = workers.assign(flex=worker_exposure(workers, survey, "FLEX_HOURS").astype(float))
    wls = smf.wls("wfc_score ~ flex + gender + n_children_u14 + work_time", data,
                  weights=np.full(len(data), 20 / 8)).fit()
    assert flex["estimate"] == pytest.approx(wls.params["flex"], rel=1e-9)
    # the p-value is exact: C(10, 4) = 210 reassignments, all enumerated
    assert "every reassignment" in flex["method"]
    assert (flex["p_value"] * 210) == pytest.approx(round(flex["p_value"] * 210))
    # effect size: the difference over the pooled within-group SD, by hand
    y = workers["wfc_score"].to_numpy()
    g = data["flex"].to_numpy(dtype=bool)
    a, b = y[g], y[~g]
    sd = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1))
                 / (len(y) - 2))
    assert flex["effect_size"] == pytest.approx(flex["estimate"] / sd)
    assert flex["effect_ci_low"] < flex["ci_low"] / sd < flex["ci_high"] / sd < flex[
        "effect_ci_high"]
    # design-based means: equal weights within equal companies, the plain group means
    assert flex["mean_with"] == pytest.approx(a.mean())
    assert flex["mean_without"] == pytest.approx(b.mean())
    # HOUR_BANK was not asked: withheld like a too small comparison
    assert out[out["measure"] == "HOUR_BANK"]["too_few_companies"].all()
    # Holm and BH over the valid tests, checked against statsmodels
    from statsmodels.stats.multitest import multipletests

    fam = out[out["p_value"].notna()]
    assert len(fam) == 3
    assert fam["p_holm"].to_numpy() == pytest.approx(
        multipletests(fam["p_value"], method="holm")[1])
    assert fam["p_bh"].to_numpy() == pytest.approx(
        multipletests(fam["p_value"], method="fdr_bh")[1])
    assert (out["significant"] == (out["p_holm"] < 0.05)).all()
    assert out["adjustment"].str.contains("3 valid tests").all()


def test_too_few_ways_to_place_a_measure_give_no_p_value():
    # 3 of 8 companies: 56 ways to choose them, fewer than the 100 a test needs
    workers, companies, survey = _workers(8, {"C0", "C1", "C2"})
    out = outcome_comparisons(workers, survey, companies, measures=["FLEX_HOURS"])
    assert out["estimate"].notna().all() and out["ci_low"].notna().all()
    assert out["p_value"].isna().all() and not out["test_valid"].any()
    assert not out["significant"].any()
    assert out["method"].str.contains("no test").all()


def test_a_comparison_with_too_few_companies_is_withheld():
    workers, companies, survey = _workers(6, {"C0", "C1", "C2"})
    out = outcome_comparisons(workers, survey, companies,
                              measures=["FLEX_HOURS", "SMART_WORKING"], min_companies=3)
    smart = out[out["measure"] == "SMART_WORKING"]  # active in C0 only
    assert smart["too_few_companies"].all() and len(smart) == 3
    values = ["estimate", "se", "ci_low", "ci_high", "p_value", "p_holm", "mean_with",
              "effect_size", "n", "n_with", "n_without"]
    assert smart[values].isna().all().all()  # not even the one company's respondents
    flex = out[out["measure"] == "FLEX_HOURS"]
    assert not flex["too_few_companies"].any() and flex["estimate"].notna().all()
    # with a stricter rule the 3-vs-3 comparison goes too
    out4 = outcome_comparisons(workers, survey, companies, measures=["FLEX_HOURS"],
                               min_companies=4)
    assert out4["too_few_companies"].all()


def test_outcomes_not_asked_are_left_out():
    workers, companies, survey = _workers(6, {"C0", "C1", "C2"})
    workers = workers.drop(columns=["sat_wlb"]).assign(wlb_fit_good=pd.NA)
    out = outcome_comparisons(workers, survey, companies, measures=["FLEX_HOURS"])
    assert set(out["outcome"]) == {"wfc_score"}


def test_oriented_effects_point_to_better():
    comp = pd.DataFrame({
        "measure": ["M", "M"], "outcome": ["wfc_score", "sat_wlb"],
        "too_few_companies": [False, False],
        "effect_size": [-0.4, 0.2], "effect_ci_low": [-0.6, 0.1],
        "effect_ci_high": [-0.2, 0.3], "better": [-1, 1], "p_holm": [0.01, 0.2],
        "p_bh": [0.01, 0.2]})
    out = oriented_effects(comp).set_index("outcome")
    assert out.loc["wfc_score", ["estimate", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [0.4, 0.2, 0.6])
    assert out.loc["sat_wlb", "estimate"] == pytest.approx(0.2)


def test_surveyed_companies_keep_the_questionnaire_answers():
    companies = pd.DataFrame({"company_id": ["A", "B"], "n_employees": [10, 60],
                              "size_class": ["10-49", "50-249"], "municipality": ["1", "2"],
                              "in_network": [True, True],
                              "m_FLEX_HOURS": ["active_all", "active_all"]})  # desk research
    survey = pd.DataFrame({"company_id": ["B", "A"], "m_FLEX_HOURS": ["none", "planned"]})
    out = surveyed_companies(survey, companies)
    assert out["company_id"].tolist() == ["B", "A"]
    assert out["m_FLEX_HOURS"].tolist() == ["none", "planned"]
    assert out["size_class"].tolist() == ["50-249", "10-49"]


# --------------------------------------------------------------------------------------
# The report's rules on the tables
# --------------------------------------------------------------------------------------
def _adoption_rows(active: dict[str, float], n_status: dict[str, dict[str, float]]):
    """Rows of an adoption table about every company: ``active`` shares by measure,
    ``n_status[status][measure]`` counts."""
    rows = []
    for m, share in active.items():
        for st in ("active", "active_all", "active_some", "planned", "none"):
            rows.append({"measure": m, "group_var": "all", "group": "all", "status": st,
                         "estimate": share if st == "active" else 0.1,
                         "n_status": n_status.get(st, {}).get(m, 0)})
        rows.append({"measure": m, "group_var": "size_class", "group": "10-49",
                     "status": "active", "estimate": 1.0, "n_status": 99})
    return pd.DataFrame(rows)


def test_adoption_summary_counts_measure_adoptions(small_survey):
    table = adoption_table(small_survey, ["FLEX_HOURS", "HOUR_BANK"], by="size_class",
                           codebook=CODEBOOK)
    out = adoption_summary(table)
    assert len(out) == 1
    row = out.iloc[0]
    # FLEX_HOURS active in A (all) and B (some); HOUR_BANK in C and D (all): 4 active,
    # 3 of them for everyone; one planned (FLEX_HOURS in C). Size-class rows not counted.
    assert (row["n_active"], row["n_active_all"], row["n_planned"]) == (4, 3, 1)
    assert row["share_all"] == pytest.approx(3 / 4)
    # blanked counts (a small cell) are left out of the sums; nothing active: no share
    blanked = table.assign(n_status=table["n_status"].where(table["measure"] != "HOUR_BANK"))
    assert adoption_summary(blanked).iloc[0]["share_all"] == pytest.approx(1 / 2)
    none = table.assign(n_status=0)
    assert np.isnan(adoption_summary(none).iloc[0]["share_all"])


def test_charted_measures_asked_first_then_the_most_widespread_others():
    active = {"A1": 0.2, "O1": 0.9, "A2": 0.6, "O2": 0.1, "O3": 0.5, "A3": 0.6, "O4": 0.7}
    table = _adoption_rows(active, {})
    out = charted_measures(table, ["A1", "A2", "A3", "NOT_IN_TABLE"], n_other=2)
    assert out.columns.tolist() == ["measure", "chart", "order", "estimate"]
    asked = out[out["chart"] == "asked"].sort_values("order")
    # by active share, ties (A2, A3) in table order; a measure not in the table is not drawn
    assert asked["measure"].tolist() == ["A2", "A3", "A1"]
    other = out[out["chart"] == "other"].sort_values("order")
    assert other["measure"].tolist() == ["O1", "O4"]  # the 2 most widespread of the rest
    assert other["estimate"].tolist() == pytest.approx([0.9, 0.7])
    assert set(CHART_STATUSES) == {"active_all", "active_some", "planned"}
    assert N_OTHER_MEASURES == 15
    few = charted_measures(table, ["A1"])  # fewer others than the default: all of them
    assert (few["chart"] == "other").sum() == 6


def test_size_classes_compared_only_when_two_are_published():
    by_size = pd.DataFrame({
        "group_var": ["all", "size_class", "size_class", "size_class"],
        "group": ["all", "10-49", "50-249", "250+"],
        "estimate": [12.0, 8.0, np.nan, 20.0]})  # 50-249 blanked (a small cell)
    gradient = pd.DataFrame({"test": ["spearman", "kruskal_wallis"],
                             "estimate": [0.6, 0.3], "p_value": [0.01, 0.04]})
    assert published_size_classes(by_size)["group"].tolist() == ["10-49", "250+"]
    row = size_contrast(by_size, gradient).iloc[0]
    assert row["compared"] and row["n_classes"] == 2 and row["mean"] == 12.0
    assert (row["small_class"], row["small"], row["large_class"], row["large"]) == (
        "10-49", 8.0, "250+", 20.0)
    assert (row["rho"], row["p_value"]) == (0.6, 0.01)
    one = size_contrast(by_size.assign(estimate=[12.0, 8.0, np.nan, np.nan]),
                        gradient.set_index("test")).iloc[0]
    assert not one["compared"] and one["small_class"] is None and np.isnan(one["large"])


def test_published_maturity_classes_blank_small_counts_keep_zeros():
    scores = pd.DataFrame({"maturity_class": ["1W"] * 2 + ["3W"] * 6 + ["5W"] * 5})
    out = published_maturity_distribution(scores, min_cell=5).set_index("maturity_class")
    assert out["low"].tolist() == [0, 10, 20, 30, 40]
    assert pd.isna(out.loc["1W", "n_companies"]) and pd.isna(out.loc["1W", "share"])
    assert out.loc["2W", "n_companies"] == 0 and out.loc["2W", "share"] == 0  # empty: kept
    assert out.loc["3W", "n_companies"] == 6
    assert out.loc["5W", "share"] == pytest.approx(5 / 13)


def test_maturity_summary_mean_and_top_classes():
    classes = pd.DataFrame({"maturity_class": list(MATURITY_CLASSES),
                            "share": [np.nan, 0.2, 0.3, 0.25, 0.15]})
    components = pd.DataFrame({"component": ["breadth", "score"], "estimate": [12.0, 33.5]})
    out = maturity_summary(classes, components).iloc[0]
    assert TOP_CLASSES == ("4W", "5W")
    assert out["mean_score"] == 33.5 and out["top_share"] == pytest.approx(0.4)
    assert maturity_summary(classes, components, top=("5W",)).iloc[0]["top_share"] == 0.15


def _comparisons() -> pd.DataFrame:
    return pd.DataFrame({
        "measure": ["M1", "M1", "M2", "M2", "M3"],
        "outcome": ["wfc_score", "sat_wlb", "wfc_score", "sat_wlb", "wfc_score"],
        "estimate": [-0.5, 0.3, np.nan, np.nan, 0.1],
        "p_value": [0.001, 0.04, np.nan, np.nan, np.nan],
        "p_bh": [0.002, 0.04, np.nan, np.nan, np.nan],
        "significant": [True, False, False, False, False],
        "too_few_companies": [False, False, True, True, False]})


def test_outcome_rules_for_the_report():
    comp = _comparisons()
    assert outcome_differences(comp)["measure"].tolist() == ["M1", "M3"]  # M2 withheld
    assert outcome_differences(comp, "sat_wlb")["measure"].tolist() == ["M1"]
    assert significant_comparisons(comp)["outcome"].tolist() == ["wfc_score"]
    counts = outcome_counts(comp).iloc[0]
    # two tests; Holm finds one; BH below 5 %: both; two comparisons withheld
    assert counts.to_dict() == {"n_tests": 2, "n_holm": 1, "n_bh": 2, "n_withheld": 2}
    assert outcome_counts(comp, alpha=0.01).iloc[0]["n_bh"] == 1


# --------------------------------------------------------------------------------------
# Demo waves: the analyses find the built-in effects
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_waves):
    return {wave: demo_copy(demo_waves, wave) for wave in demo_waves}


def test_flexible_hours_go_with_lower_conflict(demo):
    t = demo["demo-2013"]
    workers = t["worker_survey"]
    out = outcome_comparisons(workers, t["company_survey"], t["companies"])
    flex = out[(out["measure"] == "FLEX_HOURS") & (out["outcome"] == "wfc_score")].iloc[0]
    # built in: latent WFC -0.6 where FLEX_HOURS or SMART_WORKING is active (about -0.5
    # on the observed items); found by the calibrated test, after Holm
    assert -0.9 < flex["estimate"] < -0.25
    assert flex["ci_high"] < 0 and flex["significant"] and flex["p_holm"] < 0.05
    assert flex["mean_with"] < flex["mean_without"]
    assert flex["effect_size"] < -0.2
    # the better fit goes the same way
    fit = out[(out["measure"] == "FLEX_HOURS") & (out["outcome"] == "wlb_fit_good")].iloc[0]
    assert fit["estimate"] > 0
    # one company with a nursery at baseline: that comparison is withheld
    nursery = out[out["measure"] == "NURSERY_SHARED"]
    assert nursery["too_few_companies"].all() and nursery["estimate"].isna().all()


def test_larger_companies_adopt_more_measures(demo):
    t = demo["demo-2013"]
    surveyed = surveyed_companies(t["company_survey"], t["companies"])
    by_size = measures_by_size(surveyed)
    classes = by_size[by_size["group_var"] == "size_class"].set_index("group")["estimate"]
    present = [c for c in ("10-49", "50-249", "250+") if c in classes.index]
    assert len(present) >= 2
    assert classes[present].is_monotonic_increasing
    test = size_gradient(surveyed).set_index("test")
    assert test.loc["spearman", "estimate"] > 0.2 and test.loc["spearman", "p_value"] < 0.05
    # the breadth of adoption grows with size too: areas covered, largest vs smallest
    areas = welfare_area_table(surveyed, by="size_class", codebook=CODEBOOK)
    share = areas[areas["group_var"] == "size_class"].groupby("group")["estimate"].mean()
    assert share[present[-1]] > share[present[0]]


def test_maturity_rises_in_the_follow_up(demo):
    means = {}
    for wave, t in demo.items():
        surveyed = surveyed_companies(t["company_survey"], t["companies"])
        scores = maturity_scores(surveyed, codebook=CODEBOOK)
        assert scores["score"].between(0, 100).all()
        dist = maturity_distribution(scores)
        assert dist["n_companies"].sum() == len(surveyed)
        comp = maturity_components(scores).set_index("component")
        assert comp.loc["score", "estimate"] == pytest.approx(scores["score"].mean())
        parts = ["breadth", "content", "governance", "territory"]
        assert comp.loc[parts, "estimate"].sum() == pytest.approx(comp.loc["score", "estimate"])
        means[wave] = comp.loc["score", "estimate"]
    assert means["demo-2014"] > means["demo-2013"]


@pytest.mark.slow
def test_notebook_writes_its_tables(tmp_path, monkeypatch):
    import jupytext
    import papermill as pm

    from pipeline.config import get_paths
    from pipeline.wave import write_processed

    reference = get_paths().reference_dir
    link_notebooks(tmp_path)
    monkeypatch.setenv("WELFARE_ROOT", str(tmp_path))
    monkeypatch.setenv("WELFARE_REFERENCE_DIR", str(reference))
    write_demo_wave("demo-2013", tmp_path / "raw")
    write_processed(ingest_wave("demo-2013", tmp_path / "raw"), tmp_path / "processed")
    tables = tmp_path / "tables"
    notebook = get_paths(ROOT).notebooks / "03_measures.py"
    pm.execute_notebook(jupytext.read(notebook), str(tmp_path / "out.ipynb"),
                        parameters={"wave": "demo-2013", "processed_dir": str(tmp_path / "processed"),
                                    "tables_dir": str(tables)},
                        kernel_name="python3", progress_bar=False, cwd=str(ROOT))
    for name in ("measures_areas", "measures_adoption", "measures_by_size",
                 "measures_size_test", "maturity_classes", "maturity_components",
                 "measures_outcomes"):
        assert (tables / f"{name}.csv").exists(), name
    published = read_table(tables / "maturity_classes.csv")
    assert "score" not in published.columns and "company_id" not in published.columns
    outcomes = read_table(tables / "measures_outcomes.csv")
    flex = outcomes[(outcomes["measure"] == "FLEX_HOURS")
                    & (outcomes["outcome"] == "wfc_score")].iloc[0]
    assert flex["estimate"] < 0 and flex["p_holm"] < 0.05
    # the 2013 wave (fieldwork to 29 November 2013) cites what was in force then: the
    # EUR 258.23 fringe-benefit ceiling, and no law on smart working (L. 81/2017 came later)
    import nbformat

    shown = "\n".join(str(v) for cell in nbformat.read(tmp_path / "out.ipynb", 4).cells
                      for out in cell.get("outputs", [])
                      for k, v in out.get("data", {}).items() if k.startswith("text/"))
    assert "pieno da 258,23 euro l'anno" in shown
    assert "in vigore il 29 novembre 2013, ultimo giorno della rilevazione" in shown
    assert "1.000 euro" not in shown and "81/2017" not in shown
    assert "Lavoro agile con accordo" in shown  # the outcome comparisons name it


def test_all_network_members():
    from pipeline.analyse.analysis.measures import all_network_members

    yes = pd.DataFrame({"m_NETWORK_MEMBERSHIP": ["active_all", "active_some"]})
    assert all_network_members(yes)
    assert not all_network_members(yes.assign(m_NETWORK_MEMBERSHIP=["active_all", "none"]))
    assert not all_network_members(pd.DataFrame({"company_id": ["A"]}))  # not asked


def test_standardised_effect_interval_by_brute_force():
    from pipeline.analyse.analysis.measures import standardised_effect

    workers, _, survey = _workers(10, {"C0", "C1", "C2", "C3"})
    data = workers.assign(x=worker_exposure(workers, survey, "FLEX_HOURS").astype(float))

    def pooled(d):
        a, b = d.loc[d["x"] == 1, "wfc_score"], d.loc[d["x"] == 0, "wfc_score"]
        return np.sqrt(((len(a) - 1) * a.var() + (len(b) - 1) * b.var()) / (len(d) - 2))

    s = pooled(data)
    reps = np.array([pooled(data[data["company_id"] != c])
                     for c in sorted(data["company_id"].unique())])
    J = len(reps)
    se = np.sqrt((J - 1) / J * np.sum((reps - reps.mean()) ** 2))
    q = stats.t.ppf(0.975, J - 1)
    lo, hi = -0.9, -0.3  # any interval of the difference
    out = standardised_effect(data, "wfc_score", "x", estimate=-0.6, ci_low=lo, ci_high=hi)
    assert out["effect_size"] == pytest.approx(-0.6 / s)
    assert out["effect_ci_low"] == pytest.approx(lo / (s - q * se))
    assert out["effect_ci_high"] == pytest.approx(hi / (s + q * se))
