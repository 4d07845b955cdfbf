"""What the measures section shows (pipeline.render.sections.measures): labelled rows for
its figures, formatted tables, the words of its sentences.

Small hand-made results whose display is known: column names in both languages,
formatted values (decimal comma, intervals, em dash for withheld cells, "no test"),
row order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.analysis.measures import (
    adoption_table,
    charted_measures,
    maturity_components,
)
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import Formatter
from pipeline.render.sections import measures as shown

CODEBOOK = load_codebook()
IT, EN = Formatter("it"), Formatter("en")
DASH = "\u2014"


# --------------------------------------------------------------------------------------
# Adoption
# --------------------------------------------------------------------------------------
@pytest.fixture
def areas() -> pd.DataFrame:
    """A welfare-area table: overall and by size class."""
    return pd.DataFrame({
        "welfare_area": ["FLEX_TIME", "FLEX_PLACE", "LEAVE"] * 3,
        "group_var": ["all"] * 3 + ["size_class"] * 6,
        "group": ["all"] * 3 + ["50-249"] * 3 + ["10-49"] * 3,
        "estimate": [0.4, 0.9, 0.6, 0.5, 1.0, np.nan, 0.3, 0.8, 0.5],
        "ci_low": [0.2] * 9, "ci_high": [0.95] * 9, "n": [12] * 9})


def test_areas_by_coverage_with_their_names(areas):
    out = shown.area_rows(areas, "it")
    assert out["welfare_area"].tolist() == ["FLEX_PLACE", "LEAVE", "FLEX_TIME"]
    assert out["label"].tolist() == ["Lavoro agile", "Congedi e genitorialità",
                                     "Flessibilità oraria"]
    assert (out["group_var"] == "all").all()
    assert shown.area_rows(areas, "en")["label"].iloc[0] == "Flexible place of work"


def test_areas_by_size_follow_the_overall_order(areas):
    out = shown.area_size_rows(areas, "en")
    assert out["welfare_area"].tolist()[:2] == ["FLEX_PLACE", "FLEX_PLACE"]
    assert list(dict.fromkeys(out["label"])) == ["Flexible place of work",
                                                 "Leave and parenthood",
                                                 "Flexible working time"]
    assert (out["group_var"] == "size_class").all()
    # the legend: size classes present, smallest first (not in table order)
    assert shown.size_labels(out, "it") == {"10-49": "10-49 dipendenti",
                                            "50-249": "50-249 dipendenti"}
    assert list(shown.size_labels(out, "en").values()) == ["10-49 employees",
                                                           "50-249 employees"]


def test_status_rows_of_each_chart_in_order():
    survey = pd.DataFrame({
        "company_id": list("ABCDE"),
        "m_FLEX_HOURS": ["active_all", "active_some", "none", "planned", "none"],
        "m_HOUR_BANK": ["active_all", "active_all", "active_all", "none", "none"],
        "m_CONCIERGE": ["active_some", "none", "none", "none", "none"],
        "m_HEALTH_FUND": ["active_all"] * 4 + ["none"]})
    adoption = adoption_table(survey, CODEBOOK.measure_codes(), codebook=CODEBOOK)
    charted = charted_measures(adoption, ["FLEX_HOURS", "HOUR_BANK", "HEALTH_FUND"])
    asked = shown.status_rows(adoption, charted, "asked", "it")
    # one bar per measure, the most widespread first; only the stacked statuses
    assert list(dict.fromkeys(asked["measure"])) == ["HEALTH_FUND", "HOUR_BANK", "FLEX_HOURS"]
    assert set(asked["status"]) == {"active_all", "active_some", "planned"}
    assert len(asked) == 9
    flex = asked[asked["measure"] == "FLEX_HOURS"].set_index("status")
    assert flex.loc["planned", "estimate"] == pytest.approx(1 / 5)
    assert flex["label"].iloc[0] == "Entrata/uscita flessibile"
    other = shown.status_rows(adoption, charted, "other", "en")
    assert set(other["measure"]) == {"CONCIERGE"}
    assert shown.status_labels("en") == {"active_all": "Active for all",
                                         "active_some": "Active for some",
                                         "planned": "Planned"}


def test_size_rows_and_words():
    by_size = pd.DataFrame({
        "group_var": ["all", "size_class", "size_class", "size_class"],
        "group": ["all", "10-49", "50-249", "250+"],
        "estimate": [12.25, 8.04, np.nan, 20.0], "ci_low": [10.0, 6.0, np.nan, 17.0],
        "ci_high": [14.0, 10.0, np.nan, 23.0]})
    rows = shown.size_rows(by_size, "it")
    assert rows["label"].tolist() == ["10-49 dipendenti", "250+ dipendenti"]  # 50-249 blanked
    contrast = pd.DataFrame([{"mean": 12.25, "compared": True, "small_class": "10-49",
                              "small": 8.04, "large_class": "250+", "large": 20.0,
                              "rho": 0.456, "p_value": 0.0004}])
    words = shown.size_words(contrast, IT, n_measures=62)
    assert words == {"n_measures": "62", "mean": "12,3", "small": "8,0", "small_class": "10-49",
                     "large": "20,0", "large_class": "250+", "rho": "0,46", "p": "< 0,001"}
    few = shown.size_words(contrast.assign(compared=False, small=np.nan), EN, n_measures=62)
    assert few["mean"] == "12.3" and few["small"] == "" and few["small_class"] == ""


# --------------------------------------------------------------------------------------
# Maturity
# --------------------------------------------------------------------------------------
def test_components_table_in_words():
    scores = pd.DataFrame({"points_breadth": [10.0, 20.0, 30.0],
                           "points_content": [5.0, 5.0, 5.0],
                           "points_governance": [0.0, 10.0, 20.0],
                           "points_territory": [2.0, 4.0, 6.0]})
    scores["score"] = scores.sum(axis=1)
    components = maturity_components(scores)
    it = shown.components_table(components, IT)
    assert it.columns.tolist() == ["Componente", "Punti massimi", "Punti medi",
                                   "Intervallo al 95 %"]
    assert it["Componente"].tolist() == ["Ampiezza", "Contenuto e copertura", "Gestione",
                                         "Apertura al territorio", "Punteggio complessivo"]
    assert it["Punti massimi"].tolist() == ["35", "35", "20", "10", "100"]
    assert it["Punti medi"].tolist() == ["20,0", "5,0", "10,0", "4,0", "39,0"]
    lo, hi = components.loc[0, ["ci_low", "ci_high"]]
    assert it["Intervallo al 95 %"].iloc[0] == f"{IT.number(lo)} – {IT.number(hi)}"
    en = shown.components_table(components, EN)
    assert en.columns.tolist() == ["Component", "Maximum points", "Mean points",
                                   "95% interval"]
    assert en["Mean points"].iloc[-1] == "39.0"


def test_maturity_words():
    from pipeline.codebook import load_codebook

    words = shown.maturity_words(IT, codebook=load_codebook(on="2013-11-29"))
    assert words == {"w_breadth": "35", "w_content": "35", "w_governance": "20",
                     "w_territory": "10", "c1": "10", "c2": "20", "c3": "30", "c4": "40",
                     "budget_eur": "258,23", "budget_cite": "art. 51, comma 3, del TUIR",
                     "budget_when": "in vigore il 29 novembre 2013, ultimo giorno della "
                                    "rilevazione"}
    late = shown.maturity_words(EN, codebook=load_codebook(on="2025-11-28"))
    assert (late["budget_eur"], late["budget_cite"]) == ("1,000", "Law 207/2024, art. 1(390)")
    undated = shown.maturity_words(IT)  # no fieldwork dates: the newest period, said so
    assert "la rilevazione non indica le sue date" in undated["budget_when"]


# --------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------
@pytest.fixture
def comparisons() -> pd.DataFrame:
    """FLEX_HOURS tested (significant on conflict), HOUR_BANK without a valid test,
    NURSERY_SHARED withheld."""
    return pd.DataFrame({
        "measure": ["FLEX_HOURS", "FLEX_HOURS", "HOUR_BANK", "NURSERY_SHARED"],
        "outcome": ["wfc_score", "sat_wlb", "wfc_score", "wfc_score"],
        "estimate": [-0.512, 0.25, 0.1, np.nan],
        "ci_low": [-0.8, 0.05, -0.3, np.nan], "ci_high": [-0.2, 0.45, 0.5, np.nan],
        "effect_size": [-0.45, 0.2, 0.08, np.nan],
        "effect_ci_low": [-0.7, 0.04, -0.2, np.nan],
        "effect_ci_high": [-0.15, 0.4, 0.4, np.nan],
        "p_holm": [0.0004, 0.06, np.nan, np.nan], "p_bh": [0.0004, 0.03, np.nan, np.nan],
        "test_valid": [True, True, False, False],
        "significant": [True, False, False, False],
        "companies_with": [6, 6, 3, np.nan], "companies_without": [6, 6, 9, np.nan],
        "too_few_companies": [False, False, False, True], "better": [-1, 1, -1, -1],
        "suppressed": [False, False, False, True]})


def test_outcome_table_in_words(comparisons):
    table = shown.outcome_table(comparisons, "wfc_score", IT)
    assert table.columns.tolist() == [
        "Misura", "Differenza corretta (IC 95 %)", "Effetto standardizzato", "Valore p corretto",
        "Valore p corretto, meno severo", "Imprese con la misura", "Imprese senza"]
    assert table["Misura"].tolist() == ["Entrata/uscita flessibile", "Banca ore / recupero ore",
                                        "Nido aziendale o interaziendale / posti riservati"]
    flex, bank, nursery = (table.iloc[i] for i in range(3))
    assert flex["Differenza corretta (IC 95 %)"] == "-0,51 (-0,80; -0,20)"
    assert flex["Effetto standardizzato"] == "-0,45"
    assert flex["Valore p corretto"] == "< 0,001" and flex["Imprese con la misura"] == "6"
    # an estimate without a valid test: "no test"; a withheld comparison: "n.d." throughout
    assert bank["Valore p corretto"] == "nessun test" and bank["Valore p corretto, meno severo"] == "nessun test"
    assert bank["Differenza corretta (IC 95 %)"] == "0,10 (-0,30; 0,50)"
    assert nursery.tolist()[1:] == ["n.d."] * 6
    # the same row not flagged withheld: a comparison that does not exist, the em dash
    plain = shown.outcome_table(comparisons.drop(columns="suppressed"), "wfc_score", IT)
    assert plain.iloc[2].tolist()[1:] == [DASH] * 6
    assert shown.outcome_table(comparisons, "wfc_score", EN).iloc[2].tolist()[1:] == ["n/a"] * 6
    en = shown.outcome_table(comparisons, "sat_wlb", EN)
    assert en.columns[0] == "Measure" and len(en) == 1
    assert en.iloc[0]["Adjusted p-value"] == "0.060"
    assert en.iloc[0]["Adjusted p-value, less strict"] == "0.030"


def test_effect_and_difference_rows(comparisons):
    effects = shown.effect_rows(comparisons, "en")
    # withheld left out; conflict flipped so that right is better
    assert effects["measure"].tolist() == ["FLEX_HOURS", "FLEX_HOURS", "HOUR_BANK"]
    assert effects["estimate"].tolist() == pytest.approx([0.45, 0.2, -0.08])
    assert effects["label"].iloc[0] == "Flexible start and finish times"
    diffs = shown.difference_rows(comparisons, "it")
    assert diffs["measure"].tolist() == ["FLEX_HOURS", "HOUR_BANK"]  # conflict, not withheld
    assert diffs["estimate"].tolist() == pytest.approx([-0.512, 0.1])
    assert diffs["label"].tolist() == ["Entrata/uscita flessibile", "Banca ore / recupero ore"]
    assert shown.outcome_labels("en") == {
        "wfc_score": "Work-to-family conflict", "wlb_fit_good": "Hours that fit well",
        "sat_wlb": "Satisfaction with work-life balance"}


def test_findings_in_words(comparisons):
    assert shown.findings(comparisons, IT) == (
        "- Entrata/uscita flessibile: conflitto lavoro-famiglia, -0,51 punti rispetto alle "
        "imprese senza la misura")
    # none: "" and the notebook says measures.outcomes_none, not "Significativi: nessuno"
    assert shown.findings(comparisons.assign(significant=False), EN) == ""
    both = comparisons.assign(significant=[True, True, False, False])
    assert shown.findings(both, EN).count("\n- ") == 1
