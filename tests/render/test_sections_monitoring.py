"""The monitoring section in words (pipeline.render.sections.monitoring).

Small tidy tables written here, with the columns the analysis gives them, check what the
notebook shows: columns named in words, cells formatted in each language, rows in reading
order, withheld cells (rows flagged ``suppressed``) written ``n.d.``, values that do not
exist a dash, and the values of its sentences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.analysis.monitoring import MonitoredWaves, PreparedWave
from pipeline.analyse.stats import unweighted_design
from pipeline.i18n.formatting import NOT_AVAILABLE, Formatter
from pipeline.i18n.text import text
from pipeline.render.sections import monitoring as section

IT, EN = Formatter("it"), Formatter("en")
NBSP = "\u00a0"
NA = np.nan


def _changes() -> pd.DataFrame:
    """Changes since the previous wave in the order wave_changes gives them (scope ``all``
    first), and one row since the first wave."""
    rows = [
        # indicator, scope, comparison, prev, cur, estimate, low, high, p, p_adj, kind,
        # improved, worse
        ("wfc_score", "all", "previous", 3.5, 3.3, -0.2, -0.4, 0.0, 0.06, 0.12, "mean",
         False, False),
        ("wlb_fit_good", "all", "previous", 0.5, 0.534, 0.034, 0.01, 0.058, 0.0004, 0.002,
         "proportion", True, False),
        ("wfc_score", "common", "previous", 3.6, 3.2, -0.4, -0.6, -0.2, 0.001, 0.004, "mean",
         True, False),
        ("wlb_fit_good", "common", "previous", 0.52, 0.49, -0.03, -0.05, -0.01, 0.01, 0.03,
         "proportion", False, True),
        ("sat_wlb", "common", "previous", NA, NA, NA, NA, NA, NA, NA, "mean", False, False),
        ("wfc_score", "all", "first", 3.7, 3.3, -0.4, -0.7, -0.1, 0.02, 0.02, "mean",
         True, False),
    ]
    cols = ["indicator", "scope", "comparison", "estimate_prev", "estimate_cur", "estimate",
            "ci_low", "ci_high", "p_value", "p_adjusted", "kind", "improved", "worse"]
    table = pd.DataFrame(rows, columns=cols)
    return table.assign(suppressed=table["estimate"].isna())  # the sat_wlb row is withheld


def test_labels_come_from_the_catalogue():
    labels = section.indicator_labels("it")
    assert labels["wfc_score"] == "Conflitto lavoro-famiglia (1-7)"
    assert labels["maturity_score"] == "Punteggio di maturità del welfare"
    assert section.scope_labels("en")["common"] == "Companies in both waves"
    assert set(section.scope_labels("it")) == {"all", "common", "new_flex", "no_new_flex"}


def test_trend_table_one_column_per_wave_in_indicator_order():
    trend = pd.DataFrame({
        "wave": ["w1", "w1", "w2", "w2"],
        "indicator": ["wlb_fit_good", "wfc_score", "wlb_fit_good", "wfc_score"],
        "estimate": [0.453, 3.254, 0.5, NA],
        "kind": ["proportion", "mean", "proportion", "mean"],
        "suppressed": [False, False, False, True],
    })
    out = section.trend_table(trend, IT)
    assert list(out.columns) == ["Indicatore", "w1", "w2"]
    # every indicator, in the order of INDICATORS; one not in the table has no values
    assert out["Indicatore"].iloc[0] == "Conflitto lavoro-famiglia (1-7)"
    assert len(out) == 6
    first = out.iloc[0]
    assert (first["w1"], first["w2"]) == ("3,25", "n.d.")  # a withheld level
    fit = out[out["Indicatore"] == "Orario che si concilia bene"].iloc[0]
    assert (fit["w1"], fit["w2"]) == (f"45,3{NBSP}%", f"50,0{NBSP}%")
    assert section.trend_table(trend, EN).iloc[0]["w1"] == "3.25"
    assert section.trend_table(trend, EN).iloc[0]["w2"] == "n/a"
    # a level missing in a row not flagged is not withheld: it does not exist
    unflagged = section.trend_table(trend.drop(columns="suppressed"), IT).iloc[0]
    assert unflagged["w2"] == NOT_AVAILABLE


def test_baseline_levels_table_value_and_interval():
    levels = pd.DataFrame({"indicator": ["wfc_score", "flex_available"],
                           "estimate": [3.254, 0.61], "ci_low": [3.1, 0.55],
                           "ci_high": [3.4, NA], "kind": ["mean", "proportion"]})
    out = section.baseline_levels_table(levels, EN)
    assert list(out.columns) == ["Indicator", "Value", "95% interval"]
    assert out.iloc[0].tolist() == ["Work-to-family conflict (1-7)", "3.25", "3.10 – 3.40"]
    # a bound missing (no interval, nothing withheld): the dash, no "n/a" in the cell
    assert out.iloc[1].tolist() == ["Flexible hours or smart working available", "61.0%",
                                    NOT_AVAILABLE]
    withheld = section.baseline_levels_table(
        levels.assign(estimate=[3.254, NA], ci_low=[3.1, NA], suppressed=[False, True]), EN)
    assert withheld.iloc[1].tolist()[1:] == ["n/a", "n/a"]


def test_changes_table_panel_first_and_formatted_changes():
    out = section.changes_table(_changes(), IT, before="w1", after="w2")
    assert list(out.columns) == ["Indicatore", "Imprese", "w1", "w2", "Variazione (IC 95 %)",
                                 "Valore p", "Valore p corretto"]
    # the panel (companies in both waves) first, indicators in their order; no "first" row
    assert out["Imprese"].tolist() == ["Imprese presenti in entrambe"] * 3 + [
        "Tutti i rispondenti"] * 2
    assert out["Indicatore"].tolist() == [
        "Conflitto lavoro-famiglia (1-7)", "Orario che si concilia bene",
        "Soddisfazione per l'equilibrio vita-lavoro (1-5)",
        "Conflitto lavoro-famiglia (1-7)", "Orario che si concilia bene"]
    wfc = out.iloc[0]
    assert (wfc["w1"], wfc["w2"]) == ("3,60", "3,20")
    assert wfc["Variazione (IC 95 %)"] == "-0,40 (-0,60; -0,20)"
    assert (wfc["Valore p"], wfc["Valore p corretto"]) == ("0,001", "0,004")
    fit = out.iloc[3 + 1]
    assert fit["Variazione (IC 95 %)"] == "3,4 p.p. (1,0; 5,8)"  # percentage points
    assert fit["Valore p"] == "< 0,001"
    # a withheld scope: levels, change and tests all read "n.d."
    withheld = out.iloc[2]
    assert withheld["w1"] == "n.d." and withheld["Variazione (IC 95 %)"] == "n.d."
    assert withheld["Valore p"] == withheld["Valore p corretto"] == "n.d."
    # the same row not flagged: nothing to show, not withheld
    plain = section.changes_table(_changes().drop(columns="suppressed"), IT, before="w1",
                                  after="w2").iloc[2]
    assert plain["w1"] == plain["Variazione (IC 95 %)"] == plain["Valore p"] == NOT_AVAILABLE


def test_first_changes_table_has_no_scope_column():
    out = section.first_changes_table(_changes(), EN, first="w0", wave="w2")
    assert list(out.columns) == ["Indicator", "w0", "w2", "Change (95% CI)", "p-value",
                                 "Adjusted p-value"]
    assert out.iloc[0].tolist() == ["Work-to-family conflict (1-7)", "3.70", "3.30",
                                    "-0.40 (-0.70; -0.10)", "0.020", "0.020"]


def test_workers_text_names_the_clear_changes_of_the_panel():
    values = section.workers_text_values(_changes(), IT)
    # the "all" scope and the change since the first wave do not count
    assert values == {"key": "monitoring.workers_both", "alpha": "0,05",
                      "improved": "«Conflitto lavoro-famiglia (1-7)»",
                      "worse": "«Orario che si concilia bene»", "n_improved": "1",
                      "n_worse": "1"}
    # nothing changed clearly: a sentence of its own, not "none" after a colon
    quiet = _changes().assign(improved=False, worse=False)
    assert section.workers_text_values(quiet, EN) == {
        "key": "monitoring.workers_none", "alpha": "0.05", "improved": "", "worse": "",
        "n_improved": "0", "n_worse": "0"}
    better = section.workers_text_values(_changes().assign(worse=False), IT)
    assert better["key"] == "monitoring.workers_improved"


def test_figure_rows_carry_labels_in_words():
    levels = pd.DataFrame({"indicator": ["wfc_score", "wfc_score", "wlb_fit_good",
                                         "wfc_score"],
                           "scope": ["common", "common", "common", "all"],
                           "kind": ["mean", "mean", "proportion", "mean"],
                           "wave": ["w1", "w2", "w1", "w1"], "estimate": [3.5, 3.2, 0.5, 3.4]})
    rows = section.level_rows(levels, "mean", EN)
    assert rows["wave"].tolist() == ["w1", "w2"]
    assert set(rows["label"]) == {"Work-to-family conflict (1-7)"}
    flex = pd.DataFrame({"indicator": ["wfc_score", "wfc_score", "wfc_score", "sat_wlb"],
                         "comparison": ["within_change", "within_change", "difference",
                                        "within_change"],
                         "scope": ["new_flex", "no_new_flex", "new_flex", "new_flex"]})
    rows = section.flexibility_rows(flex, IT)
    assert rows["label"].tolist() == ["Imprese che hanno introdotto la flessibilità",
                                      "Altre imprese presenti in entrambe"]
    company = pd.DataFrame({"indicator": ["n_measures_active", "maturity_score"]})
    assert section.company_level_rows(company, EN)["label"].tolist() == [
        "Active measures per company", "Welfare-maturity score"]


def test_flexibility_values_tested_and_not():
    flex = pd.DataFrame({"indicator": ["wfc_score", "wfc_score"],
                         "comparison": ["within_change", "difference"],
                         "estimate": [-0.5, -0.476], "ci_low": [NA, -0.641],
                         "ci_high": [NA, -0.318], "p_value": [NA, 0.0002],
                         "p_adjusted": [NA, 0.0031]})
    assert section.flexibility_values(flex, IT) == {
        "did": "0,48", "low": "0,32", "high": "0,64", "p": "< 0,001", "p_adjusted": "0,003"}
    untested = flex.assign(p_value=NA, p_adjusted=NA)
    values = section.flexibility_values(untested, EN)
    assert values["did"] == "0.48" and values["p"] == values["p_adjusted"] == NOT_AVAILABLE
    assert section.flexibility_intro_values(
        {"new_flex": ["A", "B", "C"], "no_new_flex": list("DEFGH")}, EN) == {
        "n_flex": "3", "n_other": "5"}


def _prepared(n_workers: int, n_companies: int) -> PreparedWave:
    workers = pd.DataFrame({"company_id": [f"C{i % n_companies}" for i in range(n_workers)]})
    surveyed = pd.DataFrame({"company_id": [f"C{i}" for i in range(n_companies)]})
    return PreparedWave({}, workers, unweighted_design(workers.index), surveyed)


def test_intro_values_count_workers_and_companies():
    waves = MonitoredWaves({"w1": _prepared(1500, 30), "w2": _prepared(1234, 36)})
    out = section.intro_values(waves, {"all": None, "common": [f"C{i}" for i in range(30)]},
                               IT)
    assert out == {"wave": "w2", "previous": "w1", "n_prev": "1.500", "n_cur": "1.234",
                   "c_prev": "30", "c_cur": "36", "n_common": "30"}


def test_network_and_baseline_company_values():
    net = pd.DataFrame({"wave": ["previous", "current", "paired"],
                        "mapped": [400, 410, 395], "in_network": [60, 71, 70],
                        "share": [0.15, 71 / 410, 70 / 395], "joined": [NA, NA, 10],
                        "left": [NA, NA, 0], "p_value": [NA, NA, 0.00195]})
    assert section.network_values(net, EN) == {
        "n_prev": "60", "n_cur": "71", "share_prev": "15.0%", "share_cur": "17.3%",
        "joined": "10", "left": "0", "p": "0.002"}
    membership = pd.DataFrame({"mapped": [400], "in_network": [60], "share": [0.15]})
    levels = pd.DataFrame({"indicator": ["n_measures_active", "maturity_score"],
                           "estimate": [4.25, NA], "wave": ["w1", "w1"]})
    assert section.baseline_companies_values(membership, levels, IT) == {
        "n_network": "60", "share": f"15,0{NBSP}%", "n_mapped": "400",
        "measures": "4,3", "score": "n.d."}  # a withheld level


def _moves() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": ["n_measures_active", "n_measures_active", "maturity_score",
                      "maturity_score"],
        "comparison": ["all", "paired", "all", "paired"],
        "mean_prev": [3.1, 3.0, 40.0, NA], "mean_cur": [5.25, 5.4, 52.5, NA],
        "estimate": [2.15, 2.4, 12.5, 11.75], "ci_low": [1.75, 1.9, NA, NA],
        "ci_high": [3.25, 2.9, NA, NA], "p_value": [0.0001, 0.00001, 0.2, NA],
        "p_adjusted": [0.0004, 0.00006, 0.2, NA],
        "n_prev": [30, 30, 30, NA], "n_cur": [36, 30, 36, NA], "n": [66, 30, 66, NA],
        "suppressed": [False, False, False, True]})


def test_company_changes_table_words_counts_and_intervals():
    out = section.company_changes_table(_moves(), IT, before="w1", after="w2")
    assert list(out.columns) == ["Indicatore", "Confronto", "Imprese (prima / dopo)", "w1",
                                 "w2", "Variazione (IC 95 %)", "Valore p",
                                 "Valore p corretto"]
    assert out["Confronto"].tolist() == ["Tutte le imprese intervistate", "Stesse imprese"] * 2
    first = out.iloc[0]
    assert first["Imprese (prima / dopo)"] == "30 / 36"
    assert (first["w1"], first["w2"]) == ("3,1", "5,3")  # one decimal, half up
    assert first["Variazione (IC 95 %)"] == "2,2 (1,8; 3,3)"
    assert (first["Valore p"], first["Valore p corretto"]) == ("< 0,001", "< 0,001")
    withheld = out.iloc[3]  # blanked by disclosure control
    assert withheld["Imprese (prima / dopo)"] == "n.d. / n.d."
    assert withheld["w1"] == "n.d." and withheld["Valore p"] == "n.d."
    # an estimate without an interval (nothing withheld): the estimate alone
    assert out.iloc[2]["Variazione (IC 95 %)"] == "12,5"
    assert out.iloc[3]["Variazione (IC 95 %)"] == "11,8"


def test_companies_text_values_read_the_paired_rows():
    assert section.companies_text_values(_moves(), EN) == {
        "n": "30", "before": "3.0", "after": "5.4", "p_adjusted": "< 0.001",
        "score_change": "11.8", "score_before": "n/a", "score_after": "n/a"}


@pytest.mark.parametrize("lang", ["it", "en"])
def test_column_names_follow_the_language(lang):
    fmt = Formatter(lang)
    out = section.changes_table(_changes(), fmt, before="w1", after="w2")
    assert out.columns[0] == text("monitoring.col.indicator", lang)
    assert out.columns[-1] == text("monitoring.col.p_adjusted", lang)
