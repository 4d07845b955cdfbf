"""The programmatic summary: facts from the published tables, Italian grammar, the template."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.analyse.analysis.summary import (
    article_il,
    article_nel,
    lower_first,
    render_summary,
    summary_facts,
    summary_parts,
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
    for lang, caveat, baseline in (("it", "osservazionale", "onda di riferimento"),
                                   ("en", "observational", "baseline wave")):
        text = render_summary(summary_facts(tables, lang), lang, wave="w1")
        assert caveat in text and baseline in text
        assert "**w1**" in text
        parts = summary_parts(text)
        assert [figure for _, figure in parts] == ["needs", "unmet", None]


def test_italian_articles_and_labels():
    assert article_il("83\u00a0%") == "l'83\u00a0%"
    assert article_il("79\u00a0%") == "il 79\u00a0%"
    assert article_il("11\u00a0%") == "l'11\u00a0%"
    assert article_il("18\u00a0%") == "il 18\u00a0%"
    assert article_nel("8,5\u00a0%") == "nell'8,5\u00a0%"
    assert article_nel("63\u00a0%") == "nel 63\u00a0%"
    assert lower_first("Nido aziendale") == "nido aziendale"
    assert lower_first("CAF in azienda") == "CAF in azienda"


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
    assert "a statistically clear worsening" in text
    assert "a change that cannot be told from chance" in text
