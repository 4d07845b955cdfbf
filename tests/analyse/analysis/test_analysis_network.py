"""The network analysis (pipeline.analyse.analysis.network): pooled demand, local places, interest,
viability, territorial agreement, activity over time.

The pooled demand is checked against the design-based total computed by hand from the
contract's formulas (weights N/n, stratified variance with the finite population
correction, the Korn-Graubard interval of the share times the headcount); the rules (viability, agreement) on frames whose answer is known; the demo
wave shows the domain rules and the suppression of small areas at work.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers.notebooks import link_notebooks
from helpers.waves import demo_copy
from scipy import stats

from pipeline.analyse.analysis.network import (
    ALL,
    DEFAULT_VIABILITY,
    NEED_DOMAINS,
    OUTSIDE,
    activity_by_quarter,
    activity_summary,
    agreement_candidates,
    agreement_choice,
    company_areas,
    company_interest,
    company_need_shares,
    local_capacity,
    membership_curve,
    min_interested,
    network_footprint,
    pooled_demand,
    province_demand,
    province_interest,
    province_places,
    shown_areas,
    unmapped_services,
    viability,
    viable_areas,
)
from pipeline.analyse.published import read_table
from pipeline.analyse.stats import survey_design
from pipeline.codebook import load_codebook
from pipeline.demo import write_demo_wave
from pipeline.ingest.load import ingest_wave

CODEBOOK = load_codebook()
ROOT = Path(__file__).resolve().parents[3]
AREAS = pd.DataFrame({"municipality": ["m1", "m2", "m3"], "area": ["NORTH", "NORTH", "SOUTH"]})


# --------------------------------------------------------------------------------------
# Hand-made wave: three companies, gender not reported (one post-stratum per company, so
# every weight is N / n)
# --------------------------------------------------------------------------------------
@pytest.fixture
def small():
    companies = pd.DataFrame({
        "company_id": ["A", "B", "C", "D"],
        "n_employees": pd.array([40, 30, 50, 100], dtype="Int64"),
        "share_women": [0.5, 0.5, 0.5, 0.5],
        "municipality": ["m1", "m2", "m3", "m3"],
        "in_network": pd.array([True, True, True, False], dtype="boolean"),
    })
    need = {  # need_imp_NURSERY_SHARED, has_child_u14 per company
        "A": ([4, 3, 1, 2, None], [True, True, True, False, True]),
        "B": ([3, 3, 2, 4], [False, True, True, True]),
        "C": ([1, 4, 4, 3, 3, 2], [True, True, False, True, True, None]),
    }
    rows = []
    for c, (levels, child) in need.items():
        for k, (lev, ch) in enumerate(zip(levels, child, strict=True)):
            rows.append({"company_id": c, "gender": "NR", "resp": f"{c}{k}",
                         "need_imp_NURSERY_SHARED": lev, "need_imp_ADMIN_DESK": 3 if k % 2
                         else 1, "has_child_u14": ch})
    workers = pd.DataFrame(rows)
    for col in ("need_imp_NURSERY_SHARED", "need_imp_ADMIN_DESK"):
        workers[col] = workers[col].astype("Int8")
    workers["has_child_u14"] = workers["has_child_u14"].astype("boolean")
    return companies, workers


def _hand_total(workers, companies, y):
    """Design-based total and se from the contract's formulas, without pipeline.analyse.stats."""
    N = companies.set_index("company_id")["n_employees"].astype(float)
    total, var = 0.0, 0.0
    for c, part in workers.groupby("company_id"):
        n = len(part)
        w = N[c] / n
        z = w * y[part.index]
        total += z.sum()
        var += (1 - n / N[c]) * n / (n - 1) * ((z - z.mean()) ** 2).sum()
    return total, np.sqrt(var)


def test_pooled_demand_is_the_design_based_total(small):
    companies, workers = small
    located = company_areas(companies, AREAS)
    design = survey_design(workers, companies)
    out = pooled_demand(workers, design, located, ["NURSERY_SHARED", "ADMIN_DESK"],
                        min_companies=1)
    # nursery: need >= 3 among parents of children under 14 (missing answer -> no need)
    need = workers["need_imp_NURSERY_SHARED"].astype("Float64")
    y = ((need >= 3).fillna(False) & workers["has_child_u14"].fillna(False)).astype(float)
    # A: rows 0, 1 (40/5 each) = 16; B: rows 1, 3 (30/4 each) = 15; C: rows 1, 3, 4 = 25
    total, se = _hand_total(workers, companies, y)
    assert total == pytest.approx(16 + 15 + 25)
    row = out[(out["measure"] == "NURSERY_SHARED") & (out["area"] == ALL)].iloc[0]
    assert row["estimate"] == pytest.approx(total)
    assert row["se"] == pytest.approx(se)
    # the interval: headcount x the Korn-Graubard interval of the share (effective n with
    # the df factor of R's svyciprop(method = "beta"); nrow = every respondent)
    p, v = total / 120, (se / 120) ** 2
    ratio = (stats.t.ppf(0.025, len(workers) - 1) / stats.t.ppf(0.025, row["df"])) ** 2
    n_eff = p * (1 - p) / v * ratio
    assert row["df"] == 15 - 3
    assert row["ci_low"] == pytest.approx(120 * stats.beta.ppf(0.025, n_eff * p,
                                                               n_eff * (1 - p) + 1))
    assert row["ci_high"] == pytest.approx(120 * stats.beta.ppf(0.975, n_eff * p + 1,
                                                                n_eff * (1 - p)))
    assert row["domain"] == "has_child_u14" and row["n_companies"] == 3
    assert row["employees"] == pytest.approx(120)  # surveyed headcount
    assert row["n"] == 10  # valid answers among parents (A 3, B 3, C 4)
    assert row["rate"] == pytest.approx(total / 120)
    assert row["network_employees"] == 120  # D is not in the network
    # by area: NORTH = A + B, SOUTH = C; area totals add up to the province
    north = out[(out["measure"] == "NURSERY_SHARED") & (out["area"] == "NORTH")].iloc[0]
    south = out[(out["measure"] == "NURSERY_SHARED") & (out["area"] == "SOUTH")].iloc[0]
    assert north["estimate"] == pytest.approx(31) and south["estimate"] == pytest.approx(25)
    t_n, se_n = _hand_total(workers[workers["company_id"] != "C"], companies, y)
    assert north["se"] == pytest.approx(se_n)
    # ADMIN_DESK: every worker (no domain)
    admin = out[(out["measure"] == "ADMIN_DESK") & (out["area"] == ALL)].iloc[0]
    ya = (workers["need_imp_ADMIN_DESK"] >= 3).astype(float)
    assert admin["estimate"] == pytest.approx(_hand_total(workers, companies, ya)[0])
    assert admin["domain"] == "all" and admin["n"] == len(workers)


def test_an_area_without_need_still_has_an_interval(small):
    companies, workers = small
    workers = workers.assign(need_imp_ADMIN_DESK=workers["need_imp_ADMIN_DESK"].where(
        workers["company_id"] != "C", 1))
    out = pooled_demand(workers, survey_design(workers, companies),
                        company_areas(companies, AREAS), ["ADMIN_DESK"], min_companies=1)
    south = out[out["area"] == "SOUTH"].iloc[0]  # C: nobody rates it important
    assert south["estimate"] == 0 and south["ci_low"] == 0
    assert 0 < south["ci_high"] < south["employees"]  # a t interval would be [0, 0]


def test_small_areas_are_withheld(small):
    companies, workers = small
    out = pooled_demand(workers, survey_design(workers, companies),
                        company_areas(companies, AREAS), ["NURSERY_SHARED"], min_companies=2)
    south = out[out["area"] == "SOUTH"].iloc[0]  # one surveyed company
    assert south["withheld"] and np.isnan(south["estimate"]) and np.isnan(south["se"])
    assert np.isnan(south["network_employees"]) and np.isnan(south["employees"])
    assert not out[out["area"] == "NORTH"].iloc[0]["withheld"]
    assert not out[out["area"] == ALL].iloc[0]["withheld"]


def test_local_capacity_maps_service_types_and_handles_a_missing_table():
    services = pd.DataFrame({
        "municipality": ["m1", "m2", "m3", "m3", "m1"],
        "service_type": ["NURSERY", "NURSERY", "NURSERY", "CAREGIVER_DESK", "SUMMER_CAMP"],
        "capacity": pd.array([20, 15, 30, pd.NA, 40], dtype="Int64"),
    })
    measures = ["NURSERY_SHARED", "CAREGIVER_DESK", "CONCIERGE"]
    out = local_capacity(services, CODEBOOK.service_types, AREAS, measures).set_index(
        ["measure", "area"])
    assert out.loc[("NURSERY_SHARED", "NORTH"), "capacity"] == 35
    assert out.loc[("NURSERY_SHARED", ALL), "capacity"] == 65
    assert out.loc[("NURSERY_SHARED", ALL), "n_services"] == 3
    assert np.isnan(out.loc[("CAREGIVER_DESK", "SOUTH"), "capacity"])  # places not given
    assert out.loc[("CAREGIVER_DESK", "NORTH"), "capacity"] == 0  # no desk there
    assert not out.loc[("CONCIERGE", ALL), "mapped"]  # no public counterpart
    missing = local_capacity(None, CODEBOOK.service_types, AREAS, measures)
    assert missing["capacity"].isna().all() and not missing["mapped"].any()


def test_company_interest_counts_and_cofunding_suppression(small):
    companies, _ = small
    survey = pd.DataFrame({
        "company_id": ["A", "B", "C"],
        "interest_shared_NURSERY_SHARED": pd.array([4, 3, 2], dtype="Int8"),
        "willing_cofund_eur": [1000.0, 500.0, 2000.0],
    })
    located = company_areas(companies, AREAS)
    out = company_interest(survey, located, ["NURSERY_SHARED"], min_companies=2).set_index("area")
    assert out.loc[ALL, "n_companies"] == 3 and out.loc[ALL, "n_interested"] == 2
    assert out.loc[ALL, "share_interested"] == pytest.approx(2 / 3)
    # A + B, the interested ones: two amounts, each company would learn the other's
    # (p % rule), so the sum is withheld though min_companies = 2 allows it
    assert np.isnan(out.loc[ALL, "cofund_eur"]) and np.isnan(out.loc["NORTH", "cofund_eur"])
    south = out.loc["SOUTH"]  # one company: its interest would be its own answer
    assert south["withheld"] and pd.isna(south["n_interested"]) and np.isnan(south["cofund_eur"])
    strict = company_interest(survey, located, ["NURSERY_SHARED"], min_companies=3)
    assert np.isnan(strict.set_index("area").loc[ALL, "cofund_eur"])  # only 2 amounts


def test_cofunding_sums_dominated_by_one_company_are_withheld(small):
    """p % rule: 3 companies, 10,000 + 600 + 300: the second learns the first within 3 %."""
    companies, _ = small
    located = company_areas(companies, AREAS)
    def interest(amounts):
        survey = pd.DataFrame({"company_id": ["A", "B", "C"],
                               "interest_shared_NURSERY_SHARED": pd.array([4, 4, 4],
                                                                          dtype="Int8"),
                               "willing_cofund_eur": amounts})
        return company_interest(survey, located, ["NURSERY_SHARED"],
                                min_companies=3).set_index("area")

    assert np.isnan(interest([10000.0, 600.0, 300.0]).loc[ALL, "cofund_eur"])
    assert interest([1000.0, 900.0, 800.0]).loc[ALL, "cofund_eur"] == 2700


def test_viability_rule():
    demand = pd.DataFrame({
        "measure": ["S"] * 5, "area": ["a", "b", "c", "d", "e"],
        "estimate": [200.0, 120.0, 200.0, 50.0, np.nan],
        "ci_low": [150.0, 80.0, 150.0, 30.0, np.nan],
        "ci_high": [250.0, 160.0, 250.0, 70.0, np.nan],
        "n": [100] * 5, "n_companies": [5, 5, 5, 5, 1],
        "withheld": [False, False, False, False, True]})
    interest = pd.DataFrame({"measure": ["S"] * 5, "area": ["a", "b", "c", "d", "e"],
                             "n_interested": pd.array([3, 4, 1, 5, pd.NA], dtype="Int64"),
                             "cofund_eur": [1.0] * 5})
    out = viability(demand, interest, None,
                    {"take_up": 0.2, "min_users": {"S": 20}, "min_companies": 3})
    # users: a 40 (low 30) viable; b 24 (low 16) uncertain; c viable users but 1 company;
    # d 10 < 20; e withheld
    assert out["status"].tolist() == ["viable", "uncertain", "no_interest", "too_small",
                                      "withheld"]
    assert out["users"].tolist()[:4] == pytest.approx([40, 24, 40, 10])
    assert viable_areas(out) == {"S": ["a"]}
    flat = viability(demand, interest, None, {"take_up": 1.0, "min_users": 100,
                                              "min_companies": 1})
    assert flat["status"].tolist() == ["viable", "uncertain", "viable", "too_small", "withheld"]


def test_agreement_rule_on_known_shares():
    shares = pd.DataFrame({
        "company_id": ["A", "B", "C", "D"] * 2,
        "measure": ["X"] * 4 + ["Y"] * 4,
        "share": [0.6, 0.5, 0.7, 0.2, 0.9, 0.9, 0.1, 0.8],
        "n": [10, 10, 10, 3, 10, 10, 10, 10],  # D not assessed on X (3 answers)
    })
    survey = pd.DataFrame({"company_id": ["A", "B", "C", "D"],
                           "m_X": ["none", "active_some", "none", "none"],
                           "m_Y": ["active_all", "active_all", "none", None]})
    out = agreement_candidates(shares, survey).set_index("measure")
    assert out.loc["X", "companies_assessed"] == 3 and out.loc["X", "companies_high_need"] == 3
    assert out.loc["X", "share_active"] == pytest.approx(1 / 4)
    assert out.loc["X", "candidate"]
    # Y: high need in 3 of 4 but active in 2 of the 3 that answered
    assert out.loc["Y", "share_active"] == pytest.approx(2 / 3)
    assert not out.loc["Y", "candidate"]
    assert out.index[0] == "X"  # candidates first


def test_company_need_shares_are_weighted_within_company(small):
    companies, workers = small
    design = survey_design(workers, companies)
    out = company_need_shares(workers, design, ["NURSERY_SHARED"]).set_index("company_id")
    # one weight per company (gender not reported): the plain share of valid answers
    assert out.loc["A", "share"] == pytest.approx(2 / 4) and out.loc["A", "n"] == 4
    assert out.loc["C", "share"] == pytest.approx(4 / 6)


def test_activity_by_quarter_and_membership():
    activity = pd.DataFrame({
        "company_id": ["A", "B", "A", "C", "B", "C"],
        "date": pd.to_datetime(["2013-01-10", "2013-02-01", "2013-05-03", "2013-08-30",
                                "2013-11-02", "2014-02-14"]),
        "activity": ["joined", "joined", "training", "joined", "left", "training"]})
    q = activity_by_quarter(activity)
    assert q["quarter"].unique().tolist() == ["2013Q1", "2013Q2", "2013Q3", "2013Q4", "2014Q1"]
    wide = q.pivot(index="quarter", columns="activity", values="events")
    assert wide.loc["2013Q1", "joined"] == 2 and wide.loc["2013Q2", "joined"] == 0
    assert q["events"].sum() == len(activity)
    m = membership_curve(activity)
    assert m["members"].tolist() == [2, 2, 3, 2, 2]  # to the last event of any kind
    assert m["left"].sum() == 1
    empty = activity.iloc[:0]
    assert activity_by_quarter(empty).empty and membership_curve(empty).empty


# --------------------------------------------------------------------------------------
# What the report shows
# --------------------------------------------------------------------------------------
def test_network_footprint_counts_members_and_their_areas(small):
    companies, _ = small
    located = company_areas(companies.assign(municipality=["m1", "m2", "elsewhere", "m3"]),
                            AREAS)
    out = network_footprint(located, areas=("NORTH", "SOUTH", "EAST"))
    assert out.columns.tolist() == ["n_companies", "n_employees", "n_areas", "n_all_areas"]
    row = out.iloc[0]
    # A, B, C are members (D is not); C is outside the province: not an area
    assert (row["n_companies"], row["n_employees"]) == (3, 120)
    assert (row["n_areas"], row["n_all_areas"]) == (1, 3)


def test_shown_areas_in_the_province_order_then_the_whole():
    table = pd.DataFrame({"area": ["SOUTH", OUTSIDE, ALL, "NORTH", "SOUTH"]})
    assert shown_areas(table, area_order=("NORTH", "EAST", "SOUTH")) == ["NORTH", "SOUTH", ALL]
    assert shown_areas(table.iloc[:2], area_order=("NORTH", "SOUTH")) == ["SOUTH"]


def test_province_rankings_and_places():
    demand = pd.DataFrame({"measure": ["X", "Y", "Z", "X"], "area": [ALL, ALL, ALL, "NORTH"],
                           "estimate": [50.0, 80.0, np.nan, 500.0]})
    assert province_demand(demand)["measure"].tolist() == ["Y", "X", "Z"]
    interest = pd.DataFrame({"measure": ["X", "Y", "X"], "area": [ALL, ALL, "NORTH"],
                             "share_interested": [0.7, 0.2, 0.9]})
    assert province_interest(interest)["measure"].tolist() == ["X", "Y"]
    capacity = pd.DataFrame({"measure": ["X", "X", "Y", "Y", "Z"],
                             "area": ["NORTH", ALL, "NORTH", ALL, ALL],
                             "mapped": [True, True, False, False, True]})
    assert province_places(capacity)["measure"].tolist() == ["X", "Z"]
    assert unmapped_services(capacity) == ["Y"]


def test_viability_and_agreement_helpers():
    assert min_interested(DEFAULT_VIABILITY) == 3
    assert min_interested({"take_up": 0.1}) == 1  # not said: one company is enough
    candidates = pd.DataFrame({"measure": ["X", "Y", "Z"], "candidate": [True, False, True]})
    assert agreement_choice(candidates)["measure"].tolist() == ["X", "Z"]


def test_activity_summary():
    activity = pd.DataFrame({
        "company_id": ["A", "B", "A", "C", "B", "C"],
        "date": pd.to_datetime(["2013-01-10", "2013-02-01", "2013-05-03", "2013-08-30",
                                "2013-11-02", "2014-02-14"]),
        "activity": ["joined", "joined", "training", "convention_signed", "left",
                     "training"]})
    events, members = activity_by_quarter(activity), membership_curve(activity)
    row = activity_summary(events, members).iloc[0]
    assert (row["first"], row["last"]) == ("2013Q1", "2014Q1")
    assert (row["members"], row["n_events"]) == (1, 6)  # 2 joined, 1 left
    assert (row["trainings"], row["conventions"]) == (2, 1)
    none = activity_summary(events, membership_curve(activity.iloc[:0])).iloc[0]
    assert np.isnan(none["members"]) and none["first"] is None


# --------------------------------------------------------------------------------------
# Demo wave
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_waves):
    from pipeline.analyse.analysis.areas import province_areas
    from pipeline.config import get_paths

    tables = demo_copy(demo_waves)
    areas = province_areas(get_paths().municipalities_geojson)
    return tables, areas


def test_demo_pooled_demand(demo):
    tables, areas = demo
    workers, companies = tables["worker_survey"], tables["companies"]
    located = company_areas(companies, areas)
    design = survey_design(workers, companies)
    services = CODEBOOK.measure_codes("shareable")
    out = pooled_demand(workers, design, located, services, min_companies=1)
    weights = pd.Series(design.weights, index=workers.index)
    for m in services:
        rows = out[out["measure"] == m]
        whole = rows[rows["area"] == ALL].iloc[0]
        # the total is the sum of the weights of the workers in need, in the service's domain
        need = (workers[f"need_imp_{m}"].astype("Float64") >= 3).fillna(False)
        domain = NEED_DOMAINS.get(m)
        if domain:
            need &= workers[domain].fillna(False)
        assert whole["estimate"] == pytest.approx(weights[need.astype(bool)].sum())
        assert whole["ci_low"] < whole["estimate"] < whole["ci_high"]
        # the areas add up to the whole
        assert rows.loc[rows["area"] != ALL, "estimate"].sum() == pytest.approx(
            whole["estimate"])
        assert whole["employees"] == pytest.approx(
            companies.set_index("company_id").loc[tables["company_survey"]["company_id"],
                                                  "n_employees"].sum())
    # parents of young children need a nursery more: counted among them, the nursery need
    # per parent is far above the need per employee of the shuttle (everyone)
    nursery = out[(out["measure"] == "NURSERY_SHARED") & (out["area"] == ALL)].iloc[0]
    assert nursery["n"] < len(workers) / 2  # the domain: parents only
    # with the default rule, areas of a single surveyed company are withheld
    strict = pooled_demand(workers, design, located, ["NURSERY_SHARED"], min_companies=3)
    per_area = workers.groupby(workers["company_id"].map(
        located.set_index("company_id")["area"]))["company_id"].nunique()
    small = set(per_area[per_area < 3].index)
    assert set(strict.loc[strict["withheld"], "area"]) == small
    assert strict.loc[strict["withheld"], "estimate"].isna().all()


def test_demo_agreement_finds_smart_working(demo):
    tables, _ = demo
    workers, companies = tables["worker_survey"], tables["companies"]
    design = survey_design(workers, companies)
    shares = company_need_shares(workers, design, CODEBOOK.measure_codes("asked_workers"))
    out = agreement_candidates(shares, tables["company_survey"]).set_index("measure")
    # flexible hours: needed everywhere but already common -> not a candidate;
    # smart working: needed in most companies (long commutes), active in few (4 % base rate)
    assert out.loc["FLEX_HOURS", "share_high_need"] > 0.9
    assert not out.loc["FLEX_HOURS", "candidate"]
    assert out.loc["SMART_WORKING", "candidate"]
    # childcare: high need only among parents, so not in half the companies
    assert not out.loc["NURSERY_SHARED", "candidate"]


def test_demo_activity(demo):
    tables, _ = demo
    activity = tables["network_activity"]
    members = membership_curve(activity)
    assert members["members"].iloc[-1] == int(tables["companies"]["in_network"].sum())
    q = activity_by_quarter(activity)
    assert q["events"].sum() == len(activity)


@pytest.mark.slow
def test_notebook_runs_with_and_without_the_optional_tables(tmp_path, monkeypatch):
    import jupytext
    import papermill as pm

    from pipeline.config import get_paths
    from pipeline.wave import write_processed

    reference = get_paths().reference_dir
    link_notebooks(tmp_path)
    monkeypatch.setenv("WELFARE_ROOT", str(tmp_path))
    monkeypatch.setenv("WELFARE_REFERENCE_DIR", str(reference))
    write_demo_wave("demo-2013", tmp_path / "raw")
    for f in ("local_services.csv", "network_activity.csv"):  # the optional tables
        (tmp_path / "raw" / f).unlink()
    write_processed(ingest_wave("demo-2013", tmp_path / "raw"), tmp_path / "processed")
    tables = tmp_path / "tables"
    notebook = get_paths(ROOT).notebooks / "04_network.py"
    pm.execute_notebook(jupytext.read(notebook), str(tmp_path / "out.ipynb"),
                        parameters={"wave": "demo-2013", "tables_dir": str(tables),
                                    "processed_dir": str(tmp_path / "processed")},
                        kernel_name="python3", progress_bar=False, cwd=str(ROOT))
    for name in ("network_demand", "network_interest", "network_local_places",
                 "network_viability", "network_agreement"):
        assert (tables / f"{name}.csv").exists(), name
    assert not (tables / "network_activity_quarterly.csv").exists()
    places = read_table(tables / "network_local_places.csv")
    assert places["capacity"].isna().all()


def test_the_top_service_includes_every_tied_one():
    """16 of 30 companies interested in two services: both are "the most interesting";
    demand ties on the estimate as the report rounds it (whole employees)."""
    from pipeline.analyse.analysis.network import most_interesting, most_needed

    interest = pd.DataFrame({
        "measure": ["NURSERY_SHARED", "SUMMER_CAMP", "ADMIN_DESK", "SUMMER_CAMP"],
        "area": ["ALL", "ALL", "ALL", "VERONA"],
        "share_interested": [13 / 30, 16 / 30, 16 / 30, 0.9]})
    assert most_interesting(interest)["measure"].tolist() == ["SUMMER_CAMP", "ADMIN_DESK"]
    demand = pd.DataFrame({"measure": ["A", "B", "C"], "area": "ALL",
                           "estimate": [1402.4, 1401.6, 900.0]})
    assert most_needed(demand)["measure"].tolist() == ["A", "B"]
    assert most_needed(demand.assign(estimate=[1402.6, 1401.4, 9.0]))["measure"].tolist() == ["A"]
    assert most_interesting(interest.iloc[:0]).empty


def test_company_interest_area_sums_never_give_away_a_withheld_one_by_subtraction():
    survey = pd.DataFrame({
        "company_id": list("ABCDEF"),
        "interest_shared_NURSERY_SHARED": pd.array([4, 4, 3, 4, 3, 1], dtype="Int8"),
        "willing_cofund_eur": [1000.0, 500.0, 2000.0, 700.0, 300.0, 900.0],
    })
    located = pd.DataFrame({"company_id": list("ABCDEF"), "area": list("XXXYYY")})
    out = company_interest(survey, located, ["NURSERY_SHARED"], min_companies=3,
                           area_order=["X", "Y"]).set_index("area")
    assert out.loc[ALL, "cofund_eur"] == 4500  # five interested companies
    assert np.isnan(out.loc["Y", "cofund_eur"])  # two amounts: primary suppression
    # X alone would give Y = 4,500 - 3,500 = 1,000 from two companies: withheld too
    assert np.isnan(out.loc["X", "cofund_eur"])
    assert out.loc["X", "n_cofund"] == 3 and out.loc["Y", "n_cofund"] == 2
