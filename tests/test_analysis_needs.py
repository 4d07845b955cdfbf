"""The needs analysis finds the effects the demo generator built in (docs/demo-data.md).

The demo wave is written in its raw formats and read back through ingestion, so the test
covers the whole typed path; the statistics themselves are checked against R in tests/stats.
"""

from __future__ import annotations

import pandas as pd
import pytest
from waves import demo_copy

from pipeline.analysis.needs import balance_table, needs_table, unmet_need
from pipeline.codebook import load_codebook
from pipeline.stats import survey_design


@pytest.fixture(scope="module")
def demo(demo_waves):
    tables = demo_copy(demo_waves)
    workers = tables["worker_survey"]
    return workers, survey_design(workers, tables["companies"])


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
