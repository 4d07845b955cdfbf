"""The findings of a wave, from small hand-made published tables (pipeline/analyse/analysis/findings.py).

Each table is written as the sections publish it (CSV under ``tables/``: small cells blank,
flags as ``True``/``False``) and read back with :func:`read_published`, so the findings see
exactly what the site holds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.analysis.findings import (
    ITEMS,
    KINDS,
    Finding,
    group_needs,
    read_published,
    top_needs,
    viable_services,
    wave_changes,
    wave_findings,
)

MIN_CELL = 5


def _need(measure: str, estimate: float | None, *, group_var: str = "all", group: str = "all",
          n: int | None = 400, half: float = 0.03, suppressed: bool = False) -> dict:
    blank = estimate is None
    return {"measure": measure, "group_var": group_var, "group": group,
            "estimate": None if blank else estimate,
            "ci_low": None if blank else estimate - half,
            "ci_high": None if blank else estimate + half, "n": n, "suppressed": suppressed}


def _published(tmp_path: Path, **tables: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables written as CSV in ``tables/`` and read back as the index reads them."""
    folder = tmp_path / "tables"
    folder.mkdir(exist_ok=True)
    for name, df in tables.items():
        df.to_csv(folder / f"{name}.csv", index=False)
    return read_published(folder)


def _kinds(found: list[Finding]) -> list[str]:
    return [f.kind for f in found]


# --- the needs ------------------------------------------------------------------------------------

def test_the_top_needs_in_order_with_their_intervals(tmp_path):
    needs = pd.DataFrame([_need("FLEX_HOURS", 0.79), _need("HOUR_BANK", 0.69),
                          _need("HEALTH_FUND", 0.74), _need("CONCIERGE", 0.20),
                          _need("SMART_WORKING", 0.53)])
    top = top_needs(_published(tmp_path, needs=needs)["needs"], MIN_CELL)
    assert top["measure"].tolist() == ["FLEX_HOURS", "HEALTH_FUND", "HOUR_BANK"]
    assert top["rank"].tolist() == [1, 2, 3]
    assert top["ci_low"].iloc[0] == pytest.approx(0.76)
    assert list(top.columns) == list(ITEMS["top_needs"])


def test_a_tie_at_the_top_is_two_firsts_not_one_winner(tmp_path):
    # 53,2 % and 52,9 % are both "53 %" on the index: neither may be called the most wanted.
    needs = pd.DataFrame([_need("SMART_WORKING", 0.529), _need("FLEX_HOURS", 0.532),
                          _need("HOUR_BANK", 0.40), _need("CONCIERGE", 0.30),
                          _need("ADMIN_DESK", 0.20)])
    top = top_needs(_published(tmp_path, needs=needs)["needs"], MIN_CELL)
    assert top["rank"].tolist() == [1, 1, 3]
    assert set(top["measure"].iloc[:2]) == {"SMART_WORKING", "FLEX_HOURS"}


def test_a_tie_for_the_last_place_names_every_tied_need(tmp_path):
    needs = pd.DataFrame([_need("A", 0.80), _need("B", 0.70), _need("C", 0.601),
                          _need("D", 0.598), _need("E", 0.10)])
    top = top_needs(needs, MIN_CELL)
    assert top["measure"].tolist() == ["A", "B", "C", "D"] and top["rank"].tolist() == [1, 2, 3, 3]


def test_blank_suppressed_and_small_needs_are_never_named(tmp_path):
    needs = pd.DataFrame([_need("NURSERY_SHARED", 0.95, n=3),            # under min_cell
                          _need("CONCIERGE", None, n=None, suppressed=True),  # blanked
                          _need("ADMIN_DESK", 0.90, suppressed=True),      # flagged
                          _need("FLEX_HOURS", 0.61), _need("SMART_WORKING", 0.99,
                                                           group_var="gender", group="F")])
    top = top_needs(_published(tmp_path, needs=needs)["needs"], MIN_CELL)
    assert top["measure"].tolist() == ["FLEX_HOURS"]


def _groups(overrides: dict | None = None) -> pd.DataFrame:
    """Needs of every worker and of the three compared groups: a clear gap in each."""
    rows = [_need("NURSERY_SHARED", 0.34), _need("CAREGIVER_DESK", 0.23),
            _need("PART_TIME_REVERSIBLE", 0.49)]
    for group_var, (high, low) in {"gender": ("F", "M"), "has_child_u14": ("yes", "no"),
                                   "caregiver": ("yes", "no")}.items():
        for measure, a, b in (("NURSERY_SHARED", 0.44, 0.26), ("CAREGIVER_DESK", 0.30, 0.20),
                              ("PART_TIME_REVERSIBLE", 0.63, 0.40)):
            if group_var == "has_child_u14" and measure == "NURSERY_SHARED":
                a, b = 0.61, 0.18
            if group_var == "caregiver" and measure == "CAREGIVER_DESK":
                a, b = 0.64, 0.17
            rows.append(_need(measure, a, group_var=group_var, group=high, n=170))
            rows.append(_need(measure, b, group_var=group_var, group=low, n=1100))
    df = pd.DataFrame(rows)
    for (group_var, group), changes in (overrides or {}).items():
        keep = (df["group_var"] == group_var) & (df["group"] == group)
        for column, value in changes.items():
            df.loc[keep, column] = value
    return df


def test_who_has_the_needs_the_widest_clear_gap_of_each_group(tmp_path):
    gaps = group_needs(_published(tmp_path, needs=_groups())["needs"], MIN_CELL)
    assert gaps["group_var"].tolist() == ["gender", "has_child_u14", "caregiver"]
    assert gaps["measure"].tolist() == ["PART_TIME_REVERSIBLE", "NURSERY_SHARED",
                                        "CAREGIVER_DESK"]
    row = gaps.set_index("group_var").loc["caregiver"]
    assert (row["group_high"], row["group_low"]) == ("yes", "no")
    assert row["estimate_high"] == pytest.approx(0.64) and row["n_low"] == 1100


def test_a_group_under_min_cell_is_withheld(tmp_path):
    small = _groups({("caregiver", "yes"): {"n": 4}})
    gaps = group_needs(_published(tmp_path, needs=small)["needs"], MIN_CELL)
    assert "caregiver" not in gaps["group_var"].tolist()
    blank = _groups({("gender", "M"): {"estimate": np.nan, "ci_low": np.nan,
                                       "ci_high": np.nan, "suppressed": True}})
    gaps = group_needs(_published(tmp_path, needs=blank)["needs"], MIN_CELL)
    assert gaps["group_var"].tolist() == ["has_child_u14", "caregiver"]


def test_overlapping_intervals_are_no_gap(tmp_path):
    needs = pd.DataFrame([_need("NURSERY_SHARED", 0.30, group_var="gender", group="F", half=0.06),
                          _need("NURSERY_SHARED", 0.22, group_var="gender", group="M", half=0.03)])
    assert group_needs(needs, MIN_CELL).empty


def test_a_group_the_table_does_not_publish_gives_nothing(tmp_path):
    needs = _groups()
    needs = needs[needs["group_var"].isin(["all", "gender"])]
    gaps = group_needs(needs, MIN_CELL)
    assert gaps["group_var"].tolist() == ["gender"]


# --- shared services ----------------------------------------------------------------------------

def _viability() -> pd.DataFrame:
    rows = [("NURSERY_SHARED", "VERONA", 53.5, 45.8, 62.0, 6, "viable"),
            ("NURSERY_SHARED", "CINTURA", 30.3, 24.7, 36.6, 4, "viable"),
            ("NURSERY_SHARED", "PIANURA", 20.5, 16.3, 25.1, 4, "uncertain"),
            ("NURSERY_SHARED", "EST", None, None, None, None, "withheld"),
            ("NURSERY_SHARED", "ALL", 171.7, 157.9, 186.1, 20, "viable"),
            ("ADMIN_DESK", "VERONA", 104.2, 94.4, 114.2, 4, "viable"),
            ("ADMIN_DESK", "ALL", 298.6, 282.1, 315.4, 19, "viable"),
            ("CONCIERGE", "VERONA", 52.2, 44.5, 60.6, 8, "too_small"),
            ("CONCIERGE", "ALL", 144.8, 131.8, 158.5, 20, "viable"),
            ("SUMMER_CAMP", "ALL", 40.0, 25.0, 55.0, 2, "no_interest")]
    return pd.DataFrame(rows, columns=["measure", "area", "users", "users_low", "users_high",
                                       "n_interested", "status"])


def test_viable_services_where_and_for_how_many(tmp_path):
    services = viable_services(_published(tmp_path, network_viability=_viability())[
        "network_viability"])
    assert services["measure"].tolist() == ["NURSERY_SHARED", "ADMIN_DESK", "CONCIERGE"]
    nursery = services.iloc[0]
    assert nursery["areas"] == ("VERONA", "CINTURA") and nursery["n_areas"] == 2
    assert nursery["users"] == pytest.approx(83.8) and nursery["users_low"] == pytest.approx(70.5)
    assert nursery["n_interested"] == 10 and not nursery["network_wide"]
    concierge = services.iloc[2]
    assert concierge["network_wide"] and concierge["areas"] == ()
    assert concierge["users"] == pytest.approx(144.8)


def test_no_viable_service_gives_no_finding(tmp_path):
    none = _viability().assign(status="too_small")
    assert viable_services(none).empty
    assert "viable_services" not in _kinds(wave_findings({"network_viability": none}, MIN_CELL))


# --- changes since the previous wave ------------------------------------------------------------

def _changes() -> pd.DataFrame:
    rows = []
    for scope in ("all", "common"):
        for indicator, kind, better, prev, cur, est, low, high, p_adj, improved in (
                ("wfc_score", "mean", -1, 3.09, 2.98, -0.11, -0.24, 0.01, 0.62, False),
                ("flex_available", "proportion", 1, 0.54, 0.71, 0.17, 0.07, 0.28, 0.001, True),
                ("sat_wlb", "mean", 1, 3.53, 3.58, 0.04, -0.05, 0.13, np.nan, False)):
            rows.append({"indicator": indicator, "scope": scope, "comparison": "previous",
                         "estimate_prev": prev, "estimate_cur": cur, "estimate": est,
                         "ci_low": low, "ci_high": high, "p_value": p_adj / 10,
                         "p_adjusted": p_adj, "kind": kind, "better": better,
                         "improved": improved, "worse": False, "n_companies": 30 if
                         scope == "common" else 36, "reference_wave": "w1",
                         "suppressed": False})
    rows.append({**rows[0], "comparison": "first"})
    return pd.DataFrame(rows)


def test_a_change_that_is_not_significant_is_unclear_never_a_fall(tmp_path):
    changes = wave_changes(_published(tmp_path, monitoring_changes=_changes()))
    assert changes["indicator"].tolist() == ["flex_available", "wfc_score"]
    assert changes["direction"].tolist() == ["improved", "unclear"]
    assert changes["n_companies"].tolist() == [30, 30], "the main comparison: both waves"
    wfc = changes.set_index("indicator").loc["wfc_score"]
    assert wfc["estimate"] < 0 and wfc["direction"] == "unclear"  # lower, yet not "better"
    assert "sat_wlb" not in changes["indicator"].tolist(), "untested: not a finding"


def test_a_clear_worsening_is_said_as_such(tmp_path):
    worse = _changes()
    worse.loc[worse["indicator"] == "wfc_score", ["estimate", "estimate_cur", "ci_low",
                                                   "ci_high", "p_adjusted", "worse"]] = [
        0.3, 3.39, 0.1, 0.5, 0.01, True]
    changes = wave_changes(_published(tmp_path, monitoring_changes=worse))
    assert changes["direction"].tolist() == ["improved", "worse"]


def test_without_the_panel_every_respondent_is_compared(tmp_path):
    only_all = _changes()
    only_all = only_all[only_all["scope"] == "all"]
    changes = wave_changes({"monitoring_changes": only_all})
    assert changes["n_companies"].tolist() == [36, 36]


def test_company_and_flexibility_changes_are_read_when_published(tmp_path):
    moves = pd.DataFrame({
        "indicator": ["n_measures_active", "n_measures_active", "maturity_score"],
        "comparison": ["all", "paired", "paired"], "mean_prev": [13.5, 13.5, 36.0],
        "mean_cur": [18.3, 19.2, 37.0], "estimate": [4.8, 5.7, 1.0], "ci_low": [3.4, 4.5, -2.0],
        "ci_high": [6.2, 7.0, 4.0], "p_adjusted": [0.0003, 1e-9, 0.4], "n": [66, 30, 30],
        "improved": [True, True, False], "worse": False, "suppressed": False})
    flex = pd.DataFrame({
        "indicator": ["wfc_score", "wfc_score", "fwc_score"],
        "comparison": ["within_change", "difference", "difference"],
        "estimate": [-0.46, -0.48, -0.08], "ci_low": [-0.6, -0.64, -0.27],
        "ci_high": [-0.33, -0.32, 0.11], "p_value": [np.nan, 0.0005, 0.35],
        "p_adjusted": [np.nan, 0.003, 0.7], "kind": "mean", "improved": [False, True, False],
        "worse": False, "n_companies_introduced": 11})
    changes = wave_changes(_published(tmp_path, monitoring_companies=moves,
                                      monitoring_flexibility=flex))
    assert list(zip(changes["source"], changes["indicator"], changes["direction"],
                    strict=True)) == [
        ("companies", "n_measures_active", "improved"), ("flexibility", "wfc_score", "improved"),
        ("companies", "maturity_score", "unclear")]
    assert changes["n_companies"].tolist() == [30, 11, 30]


def test_no_previous_wave_no_change_but_a_first_wave(tmp_path):
    levels = pd.DataFrame({"indicator": ["wfc_score"], "scope": ["all"], "estimate": [3.1]})
    found = wave_findings({"monitoring_indicators": levels}, MIN_CELL)
    assert _kinds(found) == ["first_wave"] and found[0].items.empty
    assert wave_findings({}, MIN_CELL) == []


# --- the findings together ----------------------------------------------------------------------

def test_every_finding_in_order_with_its_section_and_anchor(tmp_path):
    balance = pd.DataFrame({"indicator": ["wlb_fit_good", "wlb_fit_good"],
                            "group_var": ["all", "gender"], "group": ["all", "F"],
                            "estimate": [0.83, 0.80], "ci_low": [0.81, 0.77],
                            "ci_high": [0.85, 0.83], "n": [1476, 590], "suppressed": False})
    tables = _published(tmp_path, needs=_groups(), network_viability=_viability(),
                        monitoring_changes=_changes(), work_life_balance=balance,
                        monitoring_indicators=pd.DataFrame({"indicator": ["wfc_score"]}))
    found = wave_findings(tables, MIN_CELL)
    assert _kinds(found) == ["top_needs", "group_needs", "viable_services", "changes",
                             "work_life_fit"]
    assert _kinds(found) == [k for k in KINDS if k in _kinds(found)]
    where = {f.kind: (f.section, f.anchor) for f in found}
    assert where["group_needs"] == ("02_needs", "needs.by_group")
    assert where["viable_services"] == ("04_network", "network.viability")
    assert where["changes"] == ("05_monitoring", "monitoring.workers")
    for f in found:
        assert list(f.items.columns) == list(ITEMS[f.kind]), f.kind
    fit = found[-1].items
    assert fit["estimate"].tolist() == [0.83]


def test_tables_without_the_columns_a_finding_reads_give_no_finding(tmp_path):
    odd = {"needs": pd.DataFrame({"measure": ["A"], "share": [0.5]}),
           "network_viability": pd.DataFrame({"measure": ["A"], "status": ["viable"]}),
           "monitoring_changes": pd.DataFrame({"indicator": ["wfc_score"]})}
    assert wave_findings(odd, MIN_CELL) == []
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "needs.csv").write_text("")  # no columns: pandas cannot read it
    (tmp_path / "tables" / "other.csv").write_text("a\n1\n")  # not a table of the findings
    assert read_published(tmp_path / "tables") == {}
