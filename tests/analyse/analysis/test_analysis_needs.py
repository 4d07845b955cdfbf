"""The needs analysis finds the effects the demo generator built in (docs/demo-data.md).

The demo wave is written in its raw formats and read back through ingestion, so the test
covers the whole typed path; the statistics themselves are checked against R in tests/stats.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers.waves import demo_copy

from pipeline.analyse.analysis.needs import (
    BALANCE_COLUMNS,
    COMPARED_GROUPS,
    GROUPINGS,
    WFC_ITEMS,
    balance_table,
    needs_distribution,
    needs_table,
    unmet_need,
    wfc_reliability,
)
from pipeline.analyse.analysis.survey import wave_design
from pipeline.analyse.stats import cronbach_alpha, survey_proportion
from pipeline.codebook import load_codebook


@pytest.fixture(scope="module")
def demo(demo_waves):
    tables = demo_copy(demo_waves)
    workers = tables["worker_survey"]
    return workers, wave_design(workers, tables["companies"])


def _row(table: pd.DataFrame, measure: str, group_var: str, group: str) -> pd.Series:
    hit = table[(table["measure"] == measure) & (table["group_var"] == group_var)
                & (table["group"] == group)]
    assert len(hit) == 1
    return hit.iloc[0]


def _clearly_higher(high: pd.Series, low: pd.Series) -> bool:
    """The intervals do not overlap: a difference no reader could dismiss."""
    return high["ci_low"] > low["ci_high"]


def test_needs_table_has_the_published_shape(demo):
    workers, design = demo
    measures = load_codebook().measure_codes("asked_workers")
    table = needs_table(workers, design, measures)
    assert list(table.columns[:8]) == ["measure", "group_var", "group", "estimate", "se",
                                       "ci_low", "ci_high", "n"]
    all_rows = table[table["group_var"] == "all"]
    assert len(all_rows) == 16 and set(all_rows["group"]) == {"all"}
    assert set(table.loc[table["group_var"] == "gender", "group"]) == {"F", "M"}
    assert table["estimate"].between(0, 1).all()
    assert (table["ci_low"] <= table["estimate"]).all()
    # n counts the valid 1-4 answers only: missing and "don't know" are outside the domain
    valid = workers["need_imp_FLEX_HOURS"].notna().sum()
    assert _row(table, "FLEX_HOURS", "all", "all")["n"] == valid < len(workers)


def test_women_and_parents_need_childcare_more(demo):
    workers, design = demo
    table = needs_table(workers, design, ["NURSERY_SHARED", "CHILDCARE_VOUCHER", "SUMMER_CAMP"])
    for m in ("NURSERY_SHARED", "CHILDCARE_VOUCHER", "SUMMER_CAMP"):
        assert _clearly_higher(_row(table, m, "gender", "F"), _row(table, m, "gender", "M"))
        assert _clearly_higher(_row(table, m, "has_child_u14", "yes"),
                               _row(table, m, "has_child_u14", "no"))


def test_caregivers_need_eldercare_more(demo):
    workers, design = demo
    table = needs_table(workers, design, ["ELDERCARE_SERVICES", "CAREGIVER_DESK"],
                        groupings=("caregiver",))
    for m in ("ELDERCARE_SERVICES", "CAREGIVER_DESK"):
        assert _clearly_higher(_row(table, m, "caregiver", "yes"),
                               _row(table, m, "caregiver", "no"))


def test_part_time_workers_report_less_conflict(demo):
    workers, design = demo
    balance = balance_table(workers.assign(part_time=workers["work_time"] == "part_time"),
                            design, groupings=("part_time",))
    wfc = balance[balance["indicator"] == "wfc_score"].set_index("group")
    assert wfc.loc["yes", "ci_high"] < wfc.loc["no", "ci_low"]


def test_unmet_need_follows_availability(demo):
    workers, design = demo
    table = unmet_need(workers, design, ["NURSERY_SHARED", "FLEX_HOURS"]).set_index("measure")
    # flexible hours are common in the network, a company nursery is rare
    assert table.loc["NURSERY_SHARED", "estimate"] > table.loc["FLEX_HOURS", "estimate"]
    assert table["n"].max() <= len(workers)


def test_balance_table_shows_design_effect_and_icc_on_the_overall_rows(demo):
    workers, design = demo
    balance = balance_table(workers, design)
    assert list(balance.columns) == BALANCE_COLUMNS
    overall = balance[balance["group_var"] == "all"].set_index("indicator")
    assert set(overall.index) == {"wfc_score", "fwc_score", "wlb_fit_good"}
    assert overall["deff"].between(0.5, 3).all() and overall["icc"].between(-0.1, 0.5).all()
    # the demo builds company effects into conflict (docs/demo-data.md): colleagues resemble
    assert overall.loc["wfc_score", "icc"] > 0.02
    groups = balance[balance["group_var"] != "all"]
    assert len(groups) and groups["deff"].isna().all() and groups["icc"].isna().all()
    # the same estimates as without the extra columns
    fit = survey_proportion(design, workers["wlb_fit_good"].astype("Float64"), method="beta",
                            deff=True).iloc[0]
    for q in ("estimate", "se", "ci_low", "ci_high", "deff"):
        assert overall.loc["wlb_fit_good", q] == fit[q]


def test_published_shares_have_intervals_at_zero(demo):
    workers, design = demo
    men = workers["gender"] == "M"
    none = workers.assign(need_imp_SUMMER_CAMP=workers["need_imp_SUMMER_CAMP"].mask(
        men & workers["need_imp_SUMMER_CAMP"].notna(), 1))
    table = needs_table(none, design, ["SUMMER_CAMP"], groupings=("gender",))
    row = table[table["group"] == "M"].iloc[0]
    assert row["estimate"] == 0 and row["ci_low"] == 0 and 0 < row["ci_high"] < 0.05
    assert "Korn-Graubard" in row["method"]


def test_needs_distribution_adds_up_and_counts(demo):
    workers, design = demo
    dist = needs_distribution(workers, design, ["FLEX_HOURS", "NURSERY_SHARED"])
    assert list(dist.columns) == ["measure", "category", "estimate", "se", "ci_low",
                                  "ci_high", "n", "count"]
    sums = dist.groupby("measure")["estimate"].sum()
    np.testing.assert_allclose(sums, 1.0, rtol=1e-12)
    flex = dist[dist["measure"] == "FLEX_HOURS"]
    assert flex["count"].sum() == flex["n"].iloc[0] == workers["need_imp_FLEX_HOURS"].notna().sum()


def test_compared_groups_are_published_groups_of_the_needs_table(demo):
    workers, design = demo
    assert list(COMPARED_GROUPS) == ["gender", "has_child_u14", "caregiver"]
    assert set(COMPARED_GROUPS) <= set(GROUPINGS)
    table = needs_table(workers, design, ["FLEX_HOURS"], groupings=tuple(COMPARED_GROUPS))
    for grouping, (high, low) in COMPARED_GROUPS.items():
        groups = set(table.loc[table["group_var"] == grouping, "group"])
        assert {high, low} == groups


def test_wfc_reliability_is_the_alpha_of_the_items_of_wfc_score(demo):
    workers, _ = demo
    assert WFC_ITEMS == ("wfc_1", "wfc_2", "wfc_3", "wfc_4", "wfc_5")
    # the items are those whose mean is wfc_score (respondents with every item)
    items = workers[list(WFC_ITEMS)].astype("float64")
    complete = items.notna().all(axis=1)
    np.testing.assert_allclose(workers.loc[complete, "wfc_score"].astype("float64"),
                               items[complete].mean(axis=1), rtol=1e-12)
    alpha = wfc_reliability(workers)
    expected = cronbach_alpha(workers[["wfc_1", "wfc_2", "wfc_3", "wfc_4", "wfc_5"]]).iloc[0]
    assert alpha["estimate"] == expected["estimate"]
    assert alpha["k"] == 5 and alpha["n"] == complete.sum()
    assert 0.7 < alpha["estimate"] < 1  # the demo's scale is reliable, as the report says
