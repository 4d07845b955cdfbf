"""One company against the other companies: its own figures, nothing of any other company."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers.waves import demo_copy

from pipeline.analyse.analysis.company import (
    MIN_COMPANIES_PER_SIDE,
    MIN_OTHER_COMPANIES,
    areas_summary,
    balance_by_company,
    balance_vs_others,
    company_balance_published,
    company_measures,
    company_name,
    company_needs_published,
    company_shares,
    needs_by_company,
    needs_vs_others,
    network_is_large_enough,
    of_company,
    other_companies,
    share_withheld_reason,
)
from pipeline.analyse.analysis.survey import PROPORTION_INTERVAL
from pipeline.analyse.stats import cluster_design, poststrat_weights, survey_design, top_box
from pipeline.codebook import load_codebook


@pytest.fixture(scope="module")
def demo(demo_waves):
    tables = demo_copy(demo_waves)
    return tables, survey_design(tables["worker_survey"], tables["companies"])


def test_company_estimate_is_its_post_stratified_share_and_the_others_exclude_it(demo):
    tables, design = demo
    workers = tables["worker_survey"]
    cid = tables["company_survey"]["company_id"].iloc[3]
    out = needs_vs_others(workers, design, cid, ["FLEX_HOURS"]).set_index("scope")
    # independent: the weighted share among the valid answers, weights = N_cell/n_cell
    weights = poststrat_weights(workers, tables["companies"])["weight"].to_numpy()
    need = workers["need_imp_FLEX_HOURS"].astype("float64").to_numpy()
    valid = ~np.isnan(need)
    mine = (workers["company_id"] == cid).to_numpy()
    for scope, rows in (("company", mine & valid), ("others", ~mine & valid)):
        expected = np.sum(weights[rows] * (need[rows] >= 3)) / np.sum(weights[rows])
        assert out.loc[scope, "estimate"] == pytest.approx(expected, rel=1e-12)
        assert out.loc[scope, "n"] == rows.sum()
    assert set(out.index) == {"company", "others"}  # the network never includes the company


def test_the_others_workers_are_withheld_when_they_come_from_too_few_companies(demo):
    tables, design = demo
    workers = tables["worker_survey"]
    keep = list(workers["company_id"].drop_duplicates()[:MIN_OTHER_COMPANIES])  # 1 + 4 others
    few = workers[workers["company_id"].isin(keep)]
    small = survey_design(few, tables["companies"])
    needs = needs_vs_others(few, small, keep[0], ["FLEX_HOURS", "SMART_WORKING"])
    assert needs.loc[needs["scope"] == "others", "estimate"].isna().all()
    assert needs.loc[needs["scope"] == "others", "n"].gt(0).all()  # how many is not secret
    assert needs.loc[needs["scope"] == "company", "estimate"].notna().all()
    balance = balance_vs_others(few, small, keep[0])
    assert balance.loc[balance["scope"] == "others", "estimate"].isna().all()
    assert not company_balance_published(balance)
    more = workers[workers["company_id"].isin(
        workers["company_id"].drop_duplicates()[:MIN_OTHER_COMPANIES + 1])]
    needs = needs_vs_others(more, survey_design(more, tables["companies"]), keep[0],
                            ["FLEX_HOURS"])
    assert needs["estimate"].notna().all()


def test_measures_and_areas_of_one_company(demo):
    tables, _ = demo
    codebook = load_codebook()
    survey = tables["company_survey"]
    cid = survey["company_id"].iloc[0]
    measures = company_measures(survey, cid, codebook)
    assert len(measures) == 62
    own = survey.set_index("company_id").loc[cid]
    row = measures.set_index("measure").loc["FLEX_HOURS"]
    assert row["status"] == own["m_FLEX_HOURS"]
    assert row["active"] == (own["m_FLEX_HOURS"] in ("active_some", "active_all"))
    areas = areas_summary(measures, codebook)
    assert len(areas) == 14 and areas["measures"].sum() == 62
    assert areas["active"].sum() == own["n_measures_active"]
    with pytest.raises(KeyError, match="did not answer"):
        company_measures(survey, "nobody", codebook)


def test_balance_has_both_scopes_and_the_network_counts_only_the_others(demo):
    tables, design = demo
    survey = tables["company_survey"]
    cid = survey["company_id"].iloc[0]
    table = balance_vs_others(tables["worker_survey"], design, cid)
    assert set(zip(table["indicator"], table["scope"], strict=True)) == {
        ("wfc_score", "company"), ("wfc_score", "others"),
        ("wlb_fit_good", "company"), ("wlb_fit_good", "others")}
    assert company_balance_published(table)
    assert cid not in set(other_companies(survey, cid)["company_id"])
    assert len(other_companies(survey, cid)) == len(survey) - 1
    assert network_is_large_enough(survey, cid)
    # a network of MIN_OTHER_COMPANIES companies has one fewer "others": too small
    assert not network_is_large_enough(survey.head(MIN_OTHER_COMPANIES), cid)
    assert network_is_large_enough(survey.head(MIN_OTHER_COMPANIES + 1), cid)


@pytest.mark.parametrize(("k", "n", "reason"), [
    (0, 10, "none"), (10, 10, "all"), (1, 10, "one"), (9, 10, "all_but_one"),
    (2, 10, None), (8, 10, None), (3, MIN_OTHER_COMPANIES - 1, "too_few"),
    (2, MIN_OTHER_COMPANIES, None), (MIN_OTHER_COMPANIES - MIN_COMPANIES_PER_SIDE,
                                     MIN_OTHER_COMPANIES, None),
])
def test_a_share_of_companies_is_withheld_when_it_reveals_them(k, n, reason):
    assert share_withheld_reason(k, n) == reason


def test_company_shares_count_the_answers_and_withhold_the_revealing_ones():
    others = pd.DataFrame({
        "company_id": list("ABCDEF"),
        "m_X": ["active_all", "active_some", "none", "planned", None, "none"],   # 2 of 5
        "m_Y": ["active_all"] * 6,                                               # all
        "m_Z": ["none"] * 5 + ["active_all"],                                    # one
        "m_W": ["none"] * 6,                                                     # none
    })
    out = company_shares(others, ["X", "Y", "Z", "W", "NOT_ASKED"]).set_index("measure")
    assert list(out.index) == ["X", "Y", "Z", "W"]
    assert (out.loc["X", "n"], out.loc["X", "k"]) == (5, 2)
    assert out.loc["X", "share"] == pytest.approx(0.4) and pd.isna(out.loc["X", "withheld"])
    assert out.loc[["Y", "Z", "W"], "share"].isna().all()
    assert list(out.loc[["Y", "Z", "W"], "withheld"]) == ["all", "one", "none"]


def test_the_company_name_is_its_own_data_or_nothing():
    companies = pd.DataFrame({"company_id": ["A", "B", "C"],
                              "name": ["  Rossi   & Figli <b>S.r.l.</b> ", None, " "]})
    assert company_name(companies, "A") == "Rossi & Figli <b>S.r.l.</b>"  # escaped by callers
    assert company_name(companies, "B") is None and company_name(companies, "C") is None
    assert company_name(companies, "Z") is None
    assert company_name(companies.drop(columns="name"), "A") is None


def test_company_needs_are_charted_when_both_sides_have_a_published_share():
    needs = pd.DataFrame({"measure": ["A", "A", "B", "B"],
                          "scope": ["company", "others", "company", "others"],
                          "estimate": [np.nan, 0.5, 0.3, 0.6]})
    assert company_needs_published(needs)
    assert not company_needs_published(needs.assign(estimate=[np.nan, 0.5, np.nan, 0.6]))
    assert not company_needs_published(needs.assign(estimate=[0.2, np.nan, 0.3, np.nan]))


def test_company_balance_is_told_only_when_every_figure_is_published():
    balance = pd.DataFrame({"indicator": ["wfc_score", "wfc_score", "wlb_fit_good",
                                          "wlb_fit_good"],
                            "scope": ["company", "others", "company", "others"],
                            "estimate": [3.2, 3.0, 0.6, 0.55]})
    assert company_balance_published(balance)
    assert not company_balance_published(balance.assign(estimate=[3.2, 3.0, np.nan, 0.55]))
    assert not company_balance_published(balance.iloc[:3])


# --- every company at once ------------------------------------------------------------------
def _one_domain(workers, design, cid, measures):
    """The reference: one two-domain estimate per company (the report's definition)."""
    from pipeline.analyse.stats import survey_mean, survey_proportion

    scope = np.where(workers["company_id"] == cid, "company", "others")
    needs = top_box(workers.assign(scope=scope), [f"need_imp_{m}" for m in measures],
                    design=design, by="scope", include_overall=False,
                    method=PROPORTION_INTERVAL)
    needs = needs.assign(measure=needs["variable"].str.removeprefix("need_imp_"),
                         scope=needs["group"])
    mine = (workers["company_id"] == cid).to_numpy()
    balance = []
    for name, domain in (("company", mine), ("others", ~mine)):
        if domain.any():
            balance += [
                survey_mean(design, workers["wfc_score"], domain=domain)
                .assign(indicator="wfc_score", scope=name),
                survey_proportion(design, workers["wlb_fit_good"].astype("Float64"),
                                  domain=domain, method=PROPORTION_INTERVAL)
                .assign(indicator="wlb_fit_good", scope=name)]
    return needs, pd.concat(balance, ignore_index=True)


def test_every_company_at_once_is_one_domain_estimate_per_company(demo):
    """One pass for all the companies gives, for each, what a domain estimate of the
    company and one of the others give (to 1e-9; the blanking rule aside)."""
    tables, design = demo
    workers = tables["worker_survey"]
    measures = ["FLEX_HOURS", "SMART_WORKING", "NURSERY_SHARED", "ELDERCARE_SERVICES"]
    ids = list(tables["company_survey"]["company_id"])
    needs = needs_by_company(workers, design, measures, company_ids=ids)
    balance = balance_by_company(workers, design, company_ids=ids)
    assert list(needs["company_id"].drop_duplicates()) == [c for c in ids
                                                           if c in set(needs["company_id"])]
    columns = ["estimate", "se", "ci_low", "ci_high", "n"]
    for cid in ids:
        ref_needs, ref_balance = _one_domain(workers, design, cid, measures)
        for mine, ref, key in ((of_company(needs, cid), ref_needs, "measure"),
                               (of_company(balance, cid), ref_balance, "indicator")):
            assert list(zip(mine[key], mine["scope"], strict=True)) == list(
                zip(ref[key], ref["scope"], strict=True))
            np.testing.assert_allclose(mine[columns].to_numpy(float),
                                       ref[columns].to_numpy(float), rtol=1e-9, atol=1e-14)


def test_a_company_without_workers_is_compared_with_every_worker(demo):
    tables, design = demo
    workers = tables["worker_survey"]
    cid = workers["company_id"].iloc[0]
    rest = workers[workers["company_id"] != cid]
    small = survey_design(rest, tables["companies"])
    needs = needs_by_company(rest, small, ["FLEX_HOURS"], company_ids=[cid])
    assert list(needs["scope"]) == ["others"]
    whole = top_box(rest, ["need_imp_FLEX_HOURS"], design=small,
                    method=PROPORTION_INTERVAL).iloc[0]
    assert needs["estimate"].iloc[0] == pytest.approx(whole["estimate"], rel=1e-12)
    assert needs["n"].iloc[0] == whole["n"]
    balance = balance_by_company(rest, small, company_ids=[cid])
    assert list(balance["scope"]) == ["others", "others"]
    assert of_company(balance, cid)["n"].gt(0).all()


def test_the_design_must_have_the_companies_as_strata(demo):
    tables, _ = demo
    workers = tables["worker_survey"]
    with pytest.raises(ValueError, match="strata must be the workers' companies"):
        needs_by_company(workers, cluster_design(workers, tables["companies"]), ["FLEX_HOURS"])


def test_of_company_refuses_a_company_it_was_not_computed_for(demo):
    tables, design = demo
    workers = tables["worker_survey"]
    cid = workers["company_id"].iloc[0]
    needs = needs_by_company(workers, design, ["FLEX_HOURS"], company_ids=[cid])
    with pytest.raises(KeyError, match="not in the table"):
        of_company(needs, "nobody")
