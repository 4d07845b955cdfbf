"""One company against the network: its own figures, nothing of any other company."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers.waves import demo_copy

from pipeline.analyse.analysis.company import (
    areas_summary,
    balance_vs_network,
    company_balance_published,
    company_measures,
    company_needs_published,
    needs_vs_network,
    network_is_large_enough,
)
from pipeline.analyse.stats import poststrat_weights, survey_design
from pipeline.codebook import load_codebook


@pytest.fixture(scope="module")
def demo(demo_waves):
    tables = demo_copy(demo_waves)
    return tables, survey_design(tables["worker_survey"], tables["companies"])


def test_company_estimate_is_its_post_stratified_share(demo):
    tables, design = demo
    workers = tables["worker_survey"]
    cid = tables["company_survey"]["company_id"].iloc[3]
    out = needs_vs_network(workers, design, cid, ["FLEX_HOURS"]).set_index("scope")
    # independent: the weighted share among the company's valid answers, weights = N_cell/n_cell
    weights = poststrat_weights(workers, tables["companies"])["weight"].to_numpy()
    need = workers["need_imp_FLEX_HOURS"].astype("float64").to_numpy()
    mine = (workers["company_id"] == cid).to_numpy() & ~np.isnan(need)
    expected = np.sum(weights[mine] * (need[mine] >= 3)) / np.sum(weights[mine])
    assert out.loc["company", "estimate"] == pytest.approx(expected, rel=1e-12)
    assert out.loc["company", "n"] == mine.sum()
    valid = ~np.isnan(need)
    network = np.sum(weights[valid] * (need[valid] >= 3)) / np.sum(weights[valid])
    assert out.loc["network", "estimate"] == pytest.approx(network, rel=1e-12)


def test_measures_and_areas_of_one_company(demo):
    tables, _ = demo
    codebook = load_codebook()
    survey = tables["company_survey"]
    cid = survey["company_id"].iloc[0]
    measures = company_measures(survey, cid, codebook)
    assert len(measures) == 62
    own = survey.set_index("company_id").loc[cid]
    assert measures.set_index("measure").loc["FLEX_HOURS", "status"] == own["m_FLEX_HOURS"]
    answered = survey["m_FLEX_HOURS"].dropna()  # share among companies that answered
    share = answered.isin(["active_some", "active_all"]).mean()
    assert measures.set_index("measure").loc["FLEX_HOURS", "network_share_active"] == share
    areas = areas_summary(measures, codebook)
    assert len(areas) == 14 and areas["measures"].sum() == 62
    assert areas["active"].sum() == own["n_measures_active"]
    with pytest.raises(KeyError, match="did not answer"):
        company_measures(survey, "nobody", codebook)


def test_balance_and_the_network_size_guard(demo):
    tables, design = demo
    cid = tables["company_survey"]["company_id"].iloc[0]
    table = balance_vs_network(tables["worker_survey"], design, cid)
    assert set(zip(table["indicator"], table["scope"], strict=True)) == {
        ("wfc_score", "company"), ("wfc_score", "network"),
        ("wlb_fit_good", "company"), ("wlb_fit_good", "network")}
    assert network_is_large_enough(tables["company_survey"])
    assert not network_is_large_enough(tables["company_survey"].head(2))


def test_network_gaps_are_measures_most_of_the_network_has():
    from pipeline.analyse.analysis.company import network_gaps

    measures = pd.DataFrame({
        "measure": ["A", "B", "C", "D"],
        "status": ["none", "active_all", "planned", None],
        "network_share_active": [0.5, 0.9, 0.49, 0.8]})
    assert network_gaps(measures)["measure"].tolist() == ["A", "D"]
    assert network_gaps(measures, share=0.8)["measure"].tolist() == ["D"]


def test_company_needs_are_charted_when_one_company_share_is_published():
    needs = pd.DataFrame({"measure": ["A", "A", "B", "B"],
                          "scope": ["company", "network", "company", "network"],
                          "estimate": [np.nan, 0.5, 0.3, 0.6]})
    assert company_needs_published(needs)
    withheld = needs.assign(estimate=[np.nan, 0.5, np.nan, 0.6])
    assert not company_needs_published(withheld)  # the network's alone says nothing


def test_company_balance_is_told_only_when_every_company_figure_is_published():
    balance = pd.DataFrame({"indicator": ["wfc_score", "wfc_score", "wlb_fit_good",
                                          "wlb_fit_good"],
                            "scope": ["company", "network", "company", "network"],
                            "estimate": [3.2, 3.0, 0.6, 0.55]})
    assert company_balance_published(balance)
    assert not company_balance_published(balance.assign(estimate=[3.2, 3.0, np.nan, 0.55]))
