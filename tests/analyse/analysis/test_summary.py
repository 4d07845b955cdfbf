"""The programmatic summary: facts from the published tables, Italian grammar, the template."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.analyse.analysis.summary import (
    lower_first,
    render_summary,
    summary_facts,
    summary_parts,
    upper_first,
)


@pytest.fixture
def tables(tmp_path):
    rows = []
    for m, e in (("FLEX_HOURS", 0.8), ("NURSERY_SHARED", 0.3)):
        rows.append({"measure": m, "group_var": "all", "group": "all", "estimate": e,
                     "ci_low": e - 0.02, "ci_high": e + 0.02, "n": 900, "suppressed": False})
    for g, e in (("F", 0.45), ("M", 0.20)):
        rows.append({"measure": "NURSERY_SHARED", "group_var": "gender", "group": g,
                     "estimate": e, "ci_low": e - 0.03, "ci_high": e + 0.03, "n": 400,
                     "suppressed": False})
    rows.append({"measure": "CONCIERGE", "group_var": "all", "group": "all", "estimate": None,
                 "ci_low": None, "ci_high": None, "n": None, "suppressed": True})
    pd.DataFrame(rows).to_csv(tmp_path / "needs.csv", index=False)  # CONCIERGE blanked
    pd.DataFrame({"measure": ["CONCIERGE", "FLEX_HOURS"], "group_var": "all", "group": "all",
                  "estimate": [0.9, 0.4], "n": [60, 700], "suppressed": False}).to_csv(
        tmp_path / "unmet_need.csv", index=False)
    pd.DataFrame({"measure": ["FLEX_HOURS", "HOUR_BANK"], "outcome": "wfc_score",
                  "estimate": [-0.45, -0.1], "p_holm": [0.01, 0.4],
                  "significant": [True, False]}).to_csv(tmp_path / "measures_outcomes.csv",
                                                 index=False)
    pd.DataFrame({"measure": ["NURSERY_SHARED", "NURSERY_SHARED", "CONCIERGE"],
                  "area": ["VERONA", "ALL", "ALL"], "users": [40.2, 80.0, 70.0],
                  "status": ["viable", "viable", "viable"]}).to_csv(
        tmp_path / "network_viability.csv", index=False)
    return tmp_path


def test_facts_come_from_the_published_rows_only(tables):
    facts = summary_facts(tables, "it")
    assert [n["measure"] for n in facts["top_needs"]] == [
        "Entrata/uscita flessibile", "Nido aziendale o interaziendale / posti riservati"]
    assert facts["top_needs"][0]["share"] == "80\u00a0%"
    assert facts["group_gaps"] == [{"group": "gender", "measure":
                                    "Nido aziendale o interaziendale / posti riservati",
                                    "high": "45\u00a0%", "low": "20\u00a0%"}]
    assert facts["unmet"][0] == {"measure": "Maggiordomo aziendale / commissioni",
                                 "share": "90\u00a0%"}
    assert facts["better_balance"] == [{"measure": "Entrata/uscita flessibile",
                                        "difference": "0,45"}]
    assert facts["viable_services"] == [{"measure": "Nido aziendale o interaziendale / posti "
                                         "riservati", "areas": ["Verona città"],
                                         "users": "40"}]
    assert facts["viable_network_wide"] == ["Maggiordomo aziendale / commissioni"]
    assert "changes" not in facts and "agreement" not in facts


def test_template_renders_in_both_languages_with_observational_caveat(tables):
    for lang, caveat, baseline in (("it", "osservazionale", "prima rilevazione"),
                                   ("en", "observational", "first wave")):
        text = render_summary(summary_facts(tables, lang), lang, wave="w1")
        assert caveat in text and baseline in text
        assert "**w1**" in text
        parts = summary_parts(text)
        assert [figure for _, figure in parts] == ["needs", "unmet", None]


def test_labels_inside_sentences():
    assert lower_first("Nido aziendale") == "nido aziendale"
    assert lower_first("CAF in azienda") == "CAF in azienda"
    assert upper_first("i Comuni di Verona") == "I Comuni di Verona"


@pytest.mark.parametrize(("share", "start"), [
    ("80\u00a0%", "L'80\u00a0% dei lavoratori"), ("8\u00a0%", "L'8\u00a0% dei lavoratori"),
    ("11\u00a0%", "L'11\u00a0% dei lavoratori"), ("10\u00a0%", "Il 10\u00a0% dei lavoratori"),
    ("100\u00a0%", "Il 100\u00a0% dei lavoratori"), ("1\u00a0%", "L'1\u00a0% dei lavoratori"),
    ("0\u00a0%", "Lo 0\u00a0% dei lavoratori")])
def test_articles_agree_with_the_figure(tables, share, start):
    facts = summary_facts(tables, "it")
    facts["fit_good"] = share
    facts["group_gaps"] = [{"group": "gender", "measure": "Part-time", "high": "8\u00a0%",
                            "low": "11\u00a0%"}]
    text = render_summary(facts, "it", wave="w")
    assert start in text
    assert "nell'8\u00a0% dei casi, gli uomini nell'11\u00a0%" in text
    assert "Il 8" not in text and "Il 80" not in text


def test_each_difference_is_said_with_its_measure(tables):
    facts = summary_facts(tables, "it")
    facts["better_balance"] = [{"measure": "Entrata/uscita flessibile", "difference": "0,46"},
                               {"measure": "Banca ore", "difference": "0,31"}]
    text = render_summary(facts, "it", wave="w")
    assert "**entrata/uscita flessibile**: 0,46 punti in meno" in text
    assert "**banca ore**: 0,31 punti in meno" in text
    assert "0,46, 0,31" not in text
    facts["better_balance"] = facts["better_balance"][:1]
    text = render_summary(facts, "it", wave="w")
    assert "più basso di 0,46 punti (su una scala da 1 a 7)" in text


def test_monitoring_changes_use_the_flags_against_the_previous_wave(tables):
    pd.DataFrame({
        "indicator": ["wfc_score", "sat_wlb", "wlb_fit_good", "wfc_score", "wfc_score"],
        "scope": ["all", "all", "all", "all", "common"],
        "comparison": ["previous", "previous", "previous", "first", "previous"],
        "estimate": [-0.3, -0.2, 0.01, -0.5, -0.4],
        "p_value": [0.001, 0.004, 0.03, 0.001, 0.001],
        "p_adjusted": [0.006, 0.02, 0.09, 0.003, 0.006],
        "improved": [True, False, False, True, True],
        "worse": [False, True, False, False, False],
        "n": [900, 900, 900, 900, 700],
    }).to_csv(tables / "monitoring_changes.csv", index=False)
    facts = summary_facts(tables, "en")
    # the first-wave and the panel rows are left out; raw p < 0.05 alone is not "clear"
    assert [(c["improved"], c["significant"]) for c in facts["changes"]] == [
        (True, True), (False, True), (False, False)]
    text = render_summary(facts, "en", wave="w2")
    assert "a clear worsening, not down to chance" in text
    assert "a change that cannot be told from chance" in text
