"""What the network section shows (pipeline.render.sections.network): the demand table,
labelled rows for its figures, the words and lists of its sentences.

Small hand-made results whose display is known: column names and order, formatted values
(whole numbers, percentages, quarters), withheld cells, the order of the lists.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.analysis.network import ALL, DEFAULT_AGREEMENT_RULE, OUTSIDE
from pipeline.i18n.formatting import Formatter
from pipeline.render.sections import network as shown

IT, EN = Formatter("it"), Formatter("en")
DASH = "\u2014"
NURSERY = "Nido aziendale o interaziendale / posti riservati"
DESK = "Sportello pratiche (CAF/patronato) in azienda"


@pytest.fixture
def demand() -> pd.DataFrame:
    """Two services in two areas, companies outside the province, the whole network;
    Garda withheld."""
    rows = []
    for m, values in {"NURSERY_SHARED": [120.4, np.nan, 30.0, 160.2],
                      "ADMIN_DESK": [900.0, np.nan, 40.0, 1402.5]}.items():
        for area, v in zip(["VERONA", "GARDA_BALDO", OUTSIDE, ALL], values, strict=True):
            rows.append({"measure": m, "area": area, "estimate": v, "ci_low": v * 0.8,
                         "ci_high": v * 1.2, "employees": 3000.0,
                         "projected_network": v * 2, "network_employees": 6000.0,
                         "suppressed": bool(np.isnan(v))})
    return pd.DataFrame(rows)


def test_demand_table_most_needed_first_areas_in_order(demand):
    table = shown.demand_table(demand, IT)
    # the service, the province's areas present (in their order), the whole; companies
    # outside the province count in the whole only
    assert table.columns.tolist() == ["Servizio", "Verona città", "Garda e Baldo",
                                      "Tutta la rete"]
    assert table["Servizio"].tolist() == [DESK, NURSERY]  # most needed first
    # Garda withheld: "n.d." (the footnote of the report's table says why)
    assert table.iloc[0].tolist() == [DESK, "900", "n.d.", "1.403"]
    assert table.iloc[1, 1:].tolist() == ["120", "n.d.", "160"]
    # not flagged withheld, a missing estimate is not applicable: the em dash
    assert shown.demand_table(demand.drop(columns="suppressed"), IT).iloc[1, 2] == DASH
    en = shown.demand_table(demand, EN)
    assert en.iloc[0, 2] == "n/a"
    assert en.columns.tolist() == ["Service", "City of Verona", "Lake Garda and Monte Baldo",
                                   "Whole network"]
    assert en.iloc[0, -1] == "1,403"


def test_labelled_rows_and_demand_words(demand):
    province = shown.labelled(demand[demand["area"] == ALL].sort_values(
        "estimate", ascending=False), "it")
    assert province["label"].tolist() == [DESK, NURSERY]
    words = shown.demand_words(province, IT)
    assert words == {"service": "**sportello pratiche (CAF/patronato) in azienda**",
                     "n_top": "1", "employees": "1.403", "low": "1.122",
                     "high": "1.683", "projected": "2.805", "network_employees": "6.000"}


def test_a_tie_at_the_top_names_every_tied_service(demand):
    """Two services needed by as many employees (as the report rounds them), and two that
    interest 16 of 30 companies each: the sentences name both, not the first of the sort."""
    tied = demand[demand["area"] == ALL].assign(estimate=[160.4, 159.8])  # both "160"
    province = shown.labelled(tied.sort_values("estimate", ascending=False), "it")
    words = shown.demand_words(province, IT)
    assert words["n_top"] == "2" and words["employees"] == "160"
    assert words["service"] == ("**nido aziendale o interaziendale / posti riservati** e "
                                "**sportello pratiche (CAF/patronato) in azienda**")
    ranked = shown.labelled(pd.DataFrame({
        "measure": ["SUMMER_CAMP", "ADMIN_DESK", "NURSERY_SHARED"], "area": ALL,
        "n_companies": [30, 30, 30], "share_interested": [16 / 30, 16 / 30, 13 / 30]}), "it")
    interest = shown.interest_words(ranked, IT)
    assert interest["n_top"] == "2" and interest["top_share"] == "53\u00a0%"
    assert interest["top"] == ("**centri estivi/invernali e ludoteche** e "
                               "**sportello pratiche (CAF/patronato) in azienda**")


def test_footprint_interest_and_domain_words():
    footprint = pd.DataFrame([{"n_companies": 150, "n_employees": 12345, "n_areas": 5,
                               "n_all_areas": 6}])
    assert shown.footprint_words(footprint, IT) == {
        "n_network": "150", "n_employees": "12.345", "n_areas": "5", "n_all_areas": "6",
        "where": "in 5 delle 6 aree della provincia"}
    everywhere = shown.footprint_words(footprint.assign(n_areas=6), IT)
    assert everywhere["where"] == "in tutte le 6 aree della provincia"  # not "6 delle 6"
    ranked = shown.labelled(pd.DataFrame({
        "measure": ["ADMIN_DESK", "NURSERY_SHARED"], "area": ALL, "n_companies": [11, 12],
        "share_interested": [0.583, 0.25]}), "en")
    assert shown.interest_words(ranked, EN) == {
        "n_companies": "12", "top": "**paperwork desk (CAF/patronato) at work**",
        "n_top": "1", "top_share": "58%"}
    rules = shown.domain_rules(["NURSERY_SHARED", "SUMMER_CAMP", "ADMIN_DESK",
                                "CAREGIVER_DESK"], "it")
    assert rules == ("per **nido aziendale o interaziendale / posti riservati** e **centri "
                     "estivi/invernali e ludoteche**, tra chi ha figli sotto i 14 anni; per "
                     "**sportello/counseling caregiver**, tra chi si prende cura di un adulto "
                     "non autosufficiente")


def test_places_list_known_and_unknown_places():
    capacity = pd.DataFrame({
        "measure": ["NURSERY_SHARED", "NURSERY_SHARED", "CAREGIVER_DESK", "ADMIN_DESK"],
        "area": ["VERONA", ALL, ALL, ALL], "n_services": [3, 8, 2, np.nan],
        "capacity": [60.0, 1120.0, np.nan, np.nan], "mapped": [True, True, True, False]})
    assert shown.places_list(capacity, IT) == (
        f"- {NURSERY}: 1.120 posti in 8 servizi\n"
        "- Sportello/counseling caregiver: 2 servizi, posti non indicati")
    assert shown.unmapped_words(["ADMIN_DESK"], IT) == {
        "services": "**sportello pratiche (CAF/patronato) in azienda**", "n_unmapped": "1"}


def test_viability_words_and_lists():
    thresholds = {"take_up": 0.2, "min_users": {"NURSERY_SHARED": 20, "CONCIERGE": 60},
                  "min_companies": 3}
    words = shown.viability_words(thresholds, ["NURSERY_SHARED", "ADMIN_DESK"], IT)
    assert words == {"take_up": "il 20\u00a0%", "min_companies": "3",  # only the section's
                     "thresholds": "nido aziendale o interaziendale / posti riservati: 20"}
    by_service = shown.viability_words({**thresholds, "take_up": {"NURSERY_SHARED": 0.3}},
                                       ["NURSERY_SHARED"], EN)
    assert by_service["take_up"] == "a share, different for each service,"
    assert shown.viability_words({"min_users": {}}, [], EN)["min_companies"] == "1"
    verdict = pd.DataFrame({
        "measure": ["NURSERY_SHARED"] * 3 + ["ADMIN_DESK"] * 2,
        "area": ["VERONA", "GARDA_BALDO", ALL, "VERONA", ALL],
        "status": ["viable", "viable", "viable", "too_small", "viable"]})
    assert shown.viable_list(verdict, IT) == (
        f"- {NURSERY}: nel comune di Verona e nella zona del Garda e del Baldo\n"
        f"- {DESK}: solo mettendo insieme tutta la rete")
    assert shown.viable_list(verdict.assign(status="uncertain"), EN) == ""
    assert shown.viability_labels("it")["withheld"] == "Non pubblicato (poche imprese)"
    assert list(shown.viability_labels("en")) == ["viable", "uncertain", "no_interest",
                                                  "too_small", "withheld"]


def test_agreement_words_and_candidates():
    assert shown.agreement_words(DEFAULT_AGREEMENT_RULE, IT) == {
        "need_share": "50\u00a0%", "min_share": "50\u00a0%", "max_active": "33\u00a0%"}
    candidates = pd.DataFrame({"measure": ["SMART_WORKING", "NURSERY_SHARED"],
                               "share_high_need": [0.8, 0.6], "share_active": [0.1, 0.2],
                               "candidate": [True, False]})
    assert shown.candidate_list(candidates, EN) == (
        "- Smart working (Law 81/2017) by agreement: high need in 80% of the companies, "
        "already active in 10%")
    assert shown.candidate_words(candidates, IT)["n_candidates"] == "1"
    assert shown.candidate_words(candidates.assign(candidate=False), IT) == {
        "candidates": "", "n_candidates": "0"}


def test_activity_quarters_and_words():
    events = pd.DataFrame({"quarter": ["2013Q4", "2014Q1"], "activity": ["joined", "training"],
                           "events": [3, 1]})
    assert shown.by_quarter(events, IT)["quarter"].tolist() == ["T4 2013", "T1 2014"]
    assert shown.by_quarter(events, EN)["quarter"].tolist() == ["Q4 2013", "Q1 2014"]
    assert events["quarter"].tolist() == ["2013Q4", "2014Q1"]  # the input is left alone
    assert shown.activity_labels(events, "it") == {"joined": "Adesione alla rete",
                                                   "training": "Formazione"}
    summary = pd.DataFrame([{"members": 1234, "first": "2013Q1", "last": "2014Q2",
                             "n_events": 40, "trainings": 12, "conventions": 3}])
    assert shown.activity_words(summary, IT) == {
        "members": "1.234", "first": "T1 2013", "last": "T2 2014", "n_events": "40",
        "trainings": "12", "conventions": "3"}


def test_area_labels_cover_the_whole_and_outside():
    labels = shown.area_labels("en")
    assert labels[ALL] == "Whole network" and labels[OUTSIDE] == "Outside the province"
    assert list(labels)[:2] == ["VERONA", "CINTURA"]
