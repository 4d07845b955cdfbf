"""The guidelines of the summary: the rules that turn a wave's findings into proposals
(pipeline.analyse.analysis.guidelines), on small hand-made tables whose answer is known,
and on the two demo waves, whose guidelines must differ because their data do."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.analysis.guidelines import (
    ALL,
    add_months,
    agreement_proposals,
    company_frame,
    company_profile,
    disclosable_sums,
    guidelines,
    local_bodies,
    local_offer,
    measure_proposals,
    start_month,
    unit_cost,
)
from pipeline.analyse.analysis.summary import guideline_words, render_summary

END_2013 = datetime.date(2013, 11, 29)


# --------------------------------------------------------------------------------------
# A hand-made wave: areas A and B, 14 surveyed companies, one shared service
# --------------------------------------------------------------------------------------
def viability_table(status_a="viable", status_b="viable", status_all="viable",
                    n_companies=(7, 6)) -> pd.DataFrame:
    """NURSERY_SHARED in areas A and B and the whole network (threshold 20 users)."""
    rows = []
    for area, status, n, users in (("A", status_a, n_companies[0], 30.0),
                                   ("B", status_b, n_companies[1], 25.0),
                                   (ALL, status_all, sum(n_companies), 55.0)):
        rows.append({"measure": "NURSERY_SHARED", "area": area, "employees_need": users * 5,
                     "take_up": 0.2, "users": users, "users_low": users - 4,
                     "users_high": users + 4, "min_users": 20, "min_companies": 3,
                     "status": status, "n": 80, "n_companies": n})
    return pd.DataFrame(rows)


def firms_table(payers_a=6, payers_b=3) -> pd.DataFrame:
    """7 companies in A (all interested), 6 in B (5 interested), 1 outside the areas;
    ``payers_*`` interested companies per area stated a co-funding of 1,000 EUR."""
    rows = []
    for area, n, interested, payers in (("A", 7, 7, payers_a), ("B", 6, 5, payers_b)):
        for i in range(n):
            rows.append({"company_id": f"{area}{i}", "area": area,
                         "size_class": "10-49" if i < 5 else "250+", "sector": "C" if i % 2
                         else "G", "cofund_eur": 1000.0 if i < payers else np.nan,
                         "interested_NURSERY_SHARED": i < interested})
    rows.append({"company_id": "Z", "area": "OUTSIDE", "size_class": "1-9", "sector": "F",
                 "cofund_eur": 500.0, "interested_NURSERY_SHARED": True})
    return pd.DataFrame(rows)


def offer_table() -> pd.DataFrame:
    """Two nurseries in A (one public in Alfa, one private in Beta); none in B."""
    return pd.DataFrame({
        "measure": ["NURSERY_SHARED", "NURSERY_SHARED", "SUMMER_CAMP"],
        "area": ["A", "A", "B"], "municipality": ["Alfa", "Beta", "Gamma"],
        "provider": ["public", "private", "third_sector"],
        "capacity": pd.array([40, 20, 60], dtype="Float64"),
        "monthly_fee_eur": [300.0, 400.0, 250.0]})


def service_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["kind"].isin(["start_service", "network_service", "check_service",
                                     "promote_service"])]


def test_a_service_viable_in_two_areas_is_one_proposal_with_its_numbers():
    frame = guidelines(viability_table(), firms_table(), offer_table(),
                       fieldwork_end=END_2013, min_cell=5)
    start = frame[frame["kind"] == "start_service"].iloc[0]
    assert start["areas"] == ("A", "B")
    assert start["workers"] == pytest.approx(55.0)
    assert start["workers_low"] == pytest.approx(47.0)  # the areas' lower bounds added
    assert start["n_companies"] == 12  # interested in A and B; the outside one is not
    # 9 payers (6 in A + 3 in B): their sum is shown, the cover share with it
    assert start["n_cofund"] == 9 and start["cofund_eur"] == 9000.0
    # places at the median fee of the nurseries of A and B (300, 400 -> 350) x 11 months
    assert start["cost_basis"] == "fee" and start["cost_per_user"] == 350.0 * 11
    assert start["cover_share"] == pytest.approx(9000.0 / (350.0 * 11 * 55.0))
    assert start["cofund_withheld"] is None
    # the bodies of A by provider, and B without a nursery
    assert [b["municipality"] for b in start["bodies"]] == ["Alfa", "Beta"]
    assert start["areas_without_services"] == ("B",)
    assert start["start"] == datetime.date(2014, 9, 1)  # the next school year
    # 10 of the 12 are small (10-49): shown only if the other 2 were 0 or >= 5 -> hidden
    assert pd.isna(start["size"])


def test_cofunding_from_fewer_than_min_cell_companies_is_withheld():
    frame = guidelines(viability_table(), firms_table(payers_a=2, payers_b=2), offer_table(),
                       min_cell=5)
    start = frame[frame["kind"] == "start_service"].iloc[0]
    assert pd.isna(start["cofund_eur"]) and pd.isna(start["cover_share"])
    assert start["cofund_withheld"] == "few"
    assert start["cost_eur"] > 0  # the cost is still given


def test_a_sum_that_differs_from_a_published_one_by_few_companies_is_withheld():
    firms = firms_table()
    # the network section published the sum of area A's 6 payers; the proposal's 9 payers
    # differ by 3: subtracting would give B's 3 companies
    interest = pd.DataFrame({"measure": ["NURSERY_SHARED"], "area": ["A"],
                             "cofund_eur": [6000.0]})
    frame = guidelines(viability_table(), firms, offer_table(), interest=interest, min_cell=5)
    start = frame[frame["kind"] == "start_service"].iloc[0]
    assert pd.isna(start["cofund_eur"]) and start["cofund_withheld"] == "overlap"


def test_disclosable_sums_nested_sets():
    a = frozenset("abcdef")
    assert disclosable_sums([a, a | {"g"}, a | set("ghijk"), frozenset("xyz")], 5) == [
        True, False, True, False]
    assert disclosable_sums([frozenset("abcde")], 5, published=[frozenset("abcdefg")]) == [False]
    assert disclosable_sums([frozenset("abcde")], 5, published=[frozenset("vwxyz")]) == [True]


def test_uncertain_and_network_wide_services():
    frame = guidelines(viability_table("viable", "uncertain"), firms_table(), offer_table(),
                       min_cell=5)
    assert list(service_rows(frame)["kind"]) == ["start_service", "check_service"]
    # viable only for the whole network: one network-wide proposal, no per-area ones
    frame = guidelines(viability_table("too_small", "uncertain"), firms_table(), offer_table(),
                       min_cell=5)
    (row,) = service_rows(frame).itertuples()
    assert row.kind == "network_service" and row.areas == (ALL,)
    assert row.n_companies == 13  # every interested company, the outside one too
    # an area with fewer than min_cell surveyed companies is never named
    frame = guidelines(viability_table(n_companies=(7, 4)), firms_table(), offer_table(),
                       min_cell=5)
    assert frame[frame["kind"] == "start_service"].iloc[0]["areas"] == ("A",)


def test_a_wave_with_no_viable_service():
    frame = guidelines(viability_table("too_small", "too_small", "too_small"), firms_table(),
                       offer_table(), min_cell=5)
    assert service_rows(frame).empty and "cost_total" not in set(frame.get("kind", []))
    facts = _facts(frame)
    text = render_summary(facts, "it", wave="w")
    assert "Nessun servizio condiviso raggiunge" in text
    assert "Servizi condivisi da avviare" not in text


def test_cost_total_counts_each_company_once():
    frame = guidelines(viability_table(), firms_table(), offer_table(), min_cell=5)
    total = frame[frame["kind"] == "cost_total"].iloc[0]
    assert total["n_cofund"] == 9 and total["cofund_eur"] == 9000.0


def test_unit_cost_fee_province_and_assumed():
    offer = offer_table()
    assert unit_cost("NURSERY_SHARED", ("B",), offer)[:2] == (350.0 * 11, "fee_province")
    assert unit_cost("SUMMER_CAMP", ("B",), offer)[:2] == (250.0 * 2, "fee")
    per_user, basis, fee, months = unit_cost("CONCIERGE", ("A",), offer)
    assert basis == "assumed" and per_user == 200 and np.isnan(fee)
    assert np.isnan(unit_cost("OTHER", ("A",), offer, costs={})[0])


def test_local_bodies_by_provider_and_names():
    local = pd.DataFrame({"service_id": ["S1", "S2", "S3"],
                          "municipality": ["023091", "023091", "023001"],
                          "service_type": ["NURSERY", "NURSERY", "SUMMER_CAMP"],
                          "provider": ["public", "public", "private"],
                          "capacity": pd.array([30, 20, None], dtype="Int64"),
                          "monthly_fee_eur": [300.0, 0.0, 200.0]})
    areas = pd.DataFrame({"municipality": ["023091", "023001"], "area": ["VERONA", "GARDA"]})
    types = [{"service_type": "NURSERY", "serves_measure": "NURSERY_SHARED"},
             {"service_type": "SUMMER_CAMP", "serves_measure": "SUMMER_CAMP"}]
    offer = local_offer(local, types, areas, {"023091": "Verona"})
    bodies, empty = local_bodies("NURSERY_SHARED", ("VERONA", "GARDA"), offer)
    assert bodies == ({"municipality": "Verona", "provider": "public", "n_services": 2,
                       "places": 50},)
    assert empty == ("GARDA",)
    camp, _ = local_bodies("SUMMER_CAMP", (ALL,), offer)
    assert camp[0]["municipality"] == "023001" and camp[0]["places"] is None  # no name, no places
    assert local_offer(None, types, areas, {}).empty


def test_company_frame_reads_interest_and_cofunding():
    companies = pd.DataFrame({"company_id": ["C1", "C2"], "size_class": ["10-49", "250+"],
                              "ateco_section": ["C", "G"]})
    survey = pd.DataFrame({"company_id": ["C2", "C1"], "willing_cofund_eur": [None, 500],
                           "interest_shared_NURSERY_SHARED": pd.array([3, 2], dtype="Int64")})
    located = pd.DataFrame({"company_id": ["C1", "C2"], "area": ["A", "B"]})
    firms = company_frame(companies, survey, located, ["NURSERY_SHARED", "CONCIERGE"])
    assert list(firms["area"]) == ["B", "A"] and list(firms["sector"]) == ["G", "C"]
    assert list(firms["interested_NURSERY_SHARED"]) == [True, False]
    assert not firms["interested_CONCIERGE"].any()  # not asked: nobody interested
    assert np.isnan(firms["cofund_eur"].iloc[0]) and firms["cofund_eur"].iloc[1] == 500


def test_company_profile_hides_small_groups_and_small_remainders():
    firms = pd.DataFrame({"size_class": ["10-49"] * 6 + ["250+"] * 5,
                          "sector": ["C"] * 9 + ["G"] * 2})
    profile = company_profile(firms, 5)
    assert (profile["size"], profile["n_size"]) == ("10-49", 6)  # the other 5 are >= 5
    assert profile["sector"] is None  # 9 manufacturing would reveal the other 2


def test_timing():
    assert add_months(datetime.date(2013, 11, 29), 3) == datetime.date(2014, 2, 1)
    assert start_month("NURSERY_SHARED", datetime.date(2013, 2, 1)) == datetime.date(2013, 9, 1)
    assert start_month("NURSERY_SHARED", END_2013) == datetime.date(2014, 9, 1)
    assert start_month("SUMMER_CAMP", END_2013) == datetime.date(2014, 6, 1)
    assert start_month("ADMIN_DESK", END_2013) == datetime.date(2014, 5, 1)


def test_agreement_counts_below_min_cell_are_blanked():
    table = pd.DataFrame({"measure": ["SMART_WORKING", "FLEX_HOURS"],
                          "companies_assessed": [30, 30], "companies_high_need": [17, 30],
                          "share_high_need": [17 / 30, 1.0], "companies_answered": [29, 30],
                          "companies_active": [4, 20], "share_active": [4 / 29, 2 / 3],
                          "candidate": [True, False]})
    (row,) = agreement_proposals(table, 5)
    assert row["measure"] == "SMART_WORKING" and row["companies_high_need"] == 17
    assert row["companies_active"] is None and row["share_active"] == pytest.approx(4 / 29)
    assert agreement_proposals(None) == []


def test_what_to_measure_first_wave_and_later():
    indicators = pd.DataFrame({"indicator": ["wfc_score", "wfc_score", "wlb_fit_good"],
                               "scope": ["all", "common", "all"], "estimate": [3.1, 3.0, 0.8],
                               "ci_low": [3.0, 2.9, 0.78], "ci_high": [3.2, 3.1, 0.82],
                               "n": [900, 800, 890], "kind": ["mean", "mean", "proportion"],
                               "wave": "w1"})
    first = measure_proposals(None, indicators, "w1")
    assert [(r["kind"], r["measure"]) for r in first] == [("measure_baseline", "wfc_score"),
                                                          ("measure_baseline", "wlb_fit_good")]
    changes = pd.DataFrame({
        "indicator": ["wfc_score", "sat_wlb", "flex_available", "wlb_fit_good"],
        "scope": "all", "comparison": "previous",
        "estimate": [-0.1, 0.01, 0.16, 0.03], "ci_low": [-0.3, -0.09, 0.05, -0.01],
        "ci_high": [0.1, 0.11, 0.27, 0.07], "estimate_prev": [3.1, 3.5, 0.54, 0.8],
        "estimate_cur": [3.0, 3.51, 0.70, 0.83], "n": 1000, "n_cur": [1000, 990, 800, 1000],
        "kind": ["mean", "mean", "proportion", "proportion"],
        "improved": [False, False, True, False], "worse": False})
    later = {r["measure"]: r for r in measure_proposals(changes, indicators, "w2")}
    assert set(later) == {"wfc_score", "sat_wlb", "wlb_fit_good"}  # the clear one is out
    # half-width 0.2 for a change of 0.1: 4 times the answers
    assert later["wfc_score"]["answers_factor"] == pytest.approx(4.0)
    assert later["wfc_score"]["answers_needed"] == pytest.approx(4000)
    assert np.isnan(later["sat_wlb"]["answers_needed"])  # 100 times: not worth it
    assert later["wlb_fit_good"]["answers_needed"] == pytest.approx((0.04 / 0.03) ** 2 * 1000)


def _facts(frame: pd.DataFrame) -> dict:
    """The template's guideline facts for a frame built by hand (no published tables)."""
    return {**guideline_words(frame, "it"), "has_local_list": True}


# --------------------------------------------------------------------------------------
# The two demo waves: their guidelines differ because their data do
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_sintesi(demo_waves, tmp_path_factory):
    """Each demo wave's network tables as the network section publishes them (small cells
    blanked), then the summary's guideline facts and text, in Italian."""
    from helpers.waves import demo_copy

    from pipeline.analyse.analysis.areas import TERRITORIAL_AREAS, province_areas
    from pipeline.analyse.analysis.network import (
        agreement_candidates,
        company_areas,
        company_interest,
        company_need_shares,
        local_capacity,
        pooled_demand,
        viability,
    )
    from pipeline.analyse.analysis.summary import guideline_facts, read_municipality_names
    from pipeline.analyse.analysis.survey import wave_design
    from pipeline.analyse.disclosure import suppress_small_cells
    from pipeline.codebook import load_codebook
    from pipeline.config import get_paths
    from pipeline.demo import wave_metadata

    paths, codebook = get_paths(), load_codebook()
    areas = province_areas(paths.municipalities_geojson)
    names = read_municipality_names(paths.municipalities_csv)
    services = codebook.measure_codes("shareable")
    out = {}
    for wave in ("demo-2013", "demo-2014"):
        tables = demo_copy(demo_waves, wave)
        workers, companies, survey = (tables["worker_survey"], tables["companies"],
                                      tables["company_survey"])
        folder = tmp_path_factory.mktemp(wave)

        def publish(df, name, folder=folder):
            if "n" in df.columns:
                df = suppress_small_cells(df, min_cell=5)
            df.to_csv(folder / f"{name}.csv", index=False)
            return df

        located = company_areas(companies, areas)
        design = wave_design(workers, companies)
        demand = publish(pooled_demand(workers, design, located, services,
                                       area_order=TERRITORIAL_AREAS), "network_demand")
        interest = publish(company_interest(survey, located, services,
                                            area_order=TERRITORIAL_AREAS), "network_interest")
        places = publish(local_capacity(tables.get("local_services"), codebook.service_types,
                                        areas, services, area_order=TERRITORIAL_AREAS),
                         "network_local_places")
        publish(viability(demand, interest, places), "network_viability")
        shares = company_need_shares(workers, design, codebook.measure_codes("asked_workers"))
        publish(agreement_candidates(shares, survey, min_respondents=5), "network_agreement")
        meta = {k: str(v) for k, v in wave_metadata(wave).items()
                if k in ("fieldwork_start", "fieldwork_end")}
        facts = guideline_facts(folder, "it", tables=tables, areas=areas, names=names,
                                meta=meta, wave=wave, min_cell=5)
        text = render_summary(facts, "it", wave=wave)
        out[wave] = (facts, text[text.index("## Linee guida"):], tables)
    return out


def _proposals(facts):
    return {(kind, p["code"], tuple(p["areas"])) for kind in
            ("start_service", "network_service", "check_service", "promote_service")
            for p in facts[kind]}


def test_the_guidelines_of_the_two_demo_waves_differ(demo_sintesi):
    (f13, g13, _), (f14, g14, _) = demo_sintesi["demo-2013"], demo_sintesi["demo-2014"]
    assert g13 != g14
    # different services proposed in different areas, dated by each wave's fieldwork
    assert _proposals(f13) != _proposals(f14)
    assert f13["convene_by"] != f14["convene_by"]
    assert "2014" in g13 and "2015" in g14
    # each says what follows from its data: the baseline lists starting values, not changes
    assert f13["measure_baseline"] == [] and f13["measure_changes"] == []  # no monitoring here
    for text in (g13, g14):
        assert "Servizi condivisi da avviare" in text and "**Quando.**" in text
        assert "Il 8" not in text and "Il 80" not in text


def test_the_demo_guidelines_disclose_nothing(demo_sintesi):
    for facts, text, tables in demo_sintesi.values():
        # no company is named, by name or code
        for name in tables["companies"]["name"].dropna():
            assert name not in text, name
        for cid in tables["companies"]["company_id"]:
            assert cid not in text
        for kind in ("start_service", "network_service", "check_service", "promote_service"):
            for p in facts[kind]:
                if p["companies"] is not None:
                    assert int(p["companies"].replace(".", "")) >= 5
                for n in (p["n_size"], p["n_sector"]):
                    assert n is None or int(n) >= 5
        # municipalities are named by name, never by ISTAT code alone
        assert not any(tok.isdigit() and len(tok) == 6 and tok.startswith("023")
                       for tok in text.replace("(", " ").split())


def test_without_the_network_tables_the_guidelines_say_so(tmp_path):
    from pipeline.analyse.analysis.summary import guideline_facts

    companies = pd.DataFrame({"company_id": ["C1"], "n_employees": pd.array([20], "Int64"),
                              "in_network": pd.array([True], "boolean"),
                              "municipality": ["023091"], "size_class": ["10-49"],
                              "ateco_section": ["C"]})
    tables = {"companies": companies, "company_survey": pd.DataFrame({"company_id": ["C1"]})}
    areas = pd.DataFrame({"municipality": ["023091"], "area": ["VERONA"]})
    facts = guideline_facts(tmp_path, "it", tables=tables, areas=areas, names={})
    text = render_summary(facts, "it", wave="w")
    assert "L'analisi dei servizi condivisi non è disponibile" in text
    assert "accordo territoriale non è disponibile" in text
    assert "Nessun servizio condiviso raggiunge" not in text
    english = render_summary(guideline_facts(tmp_path, "en", tables=tables, areas=areas,
                                             names={}), "en", wave="w")
    assert "The analysis of shared services is not available" in english
