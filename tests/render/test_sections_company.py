"""The company report in words (pipeline.render.sections.company).

Small hand-made analysis outputs check what the confidential report shows: the bullet
points of "In breve" in each history state, the sentences chosen when a share is withheld
or a score ties the previous wave, and the tables with their columns in words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.analysis.company_actions import PeerGroup
from pipeline.analyse.analysis.company_history import MaturityChange
from pipeline.analyse.analysis.company_position import Position
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import text
from pipeline.render.sections import company as section

IT, EN = Formatter("it"), Formatter("en")
NBSP = "\u00a0"
CODEBOOK = load_codebook()
STATUSES = section.status_labels(CODEBOOK, "it")


def _position(*, withheld: str | None = None, quarter: int = 3) -> Position:
    return Position(score=42.25, maturity_class="5W", n_others=8, q1=20.4, median=30.6,
                    q3=40.2, quarter=quarter, n_below=6,
                    share_below=np.nan if withheld else 0.75, withheld=withheld)


def _changes() -> pd.DataFrame:
    return pd.DataFrame({
        "measure": ["A", "B", "C"], "label": ["Mensa", "Asilo", "Banca ore"],
        "change": ["activated", "activated", "dropped"],
        "before": ["none", "planned", "active_all"], "after": ["active_all", "active_some",
                                                                "none"]})


def _listed_labels(n: int) -> pd.DataFrame:
    return pd.DataFrame({"label": [f"Misura {i}" for i in range(n)]})


def test_status_labels_name_every_adoption_status():
    assert set(STATUSES) == set(section.ADOPTION_STATUSES)
    assert STATUSES["none"] == CODEBOOK.code_label("adoption", "none", "it")
    assert section.status_labels(CODEBOOK, "en")["none"] == CODEBOOK.code_label(
        "adoption", "none", "en")


def test_profile_words_and_intro_escape_the_name():
    profile = pd.Series({"ateco_section": "C", "size_class": "10-49"})
    words = section.profile_words(profile, CODEBOOK, "it")
    assert words == {"sector": "attività manifatturiere", "size": "piccola (10-49)"}
    named = section.intro_values("C_1", "Rossi *S.r.l.*", words)
    assert named["key"] == "company.intro"
    assert named["company_name"] == r"Rossi \*S\.r\.l\.\*"
    assert named["company_id"] == r"C\_1"
    coded = section.intro_values("C00001", None, words)
    assert coded["key"] == "company.intro_code" and "company_name" not in coded
    assert coded["sector"] == "attività manifatturiere"


def test_network_and_score_values():
    assert section.network_values(1, 12, "w1", IT) == {"n_workers": "1", "n_other": "12",
                                                      "wave": "w1"}
    assert section.score_values(_position(), IT) == {"score": "42,3", "maturity_class": "5W"}
    assert section.score_values(_position(), EN)["score"] == EN.number(42.25, 1)


def test_brief_of_a_company_surveyed_twice_counts_its_changes():
    change = MaturityChange(30.0, "3W", 42.25, "5W")
    lines = section.brief_lines(_position(), IT, compare=True, history="surveyed",
                                change=change, changes=_changes(), previous_wave="w0",
                                uncovered=_listed_labels(2), suggestions=_listed_labels(0))
    assert len(lines) == 3  # no suggestions: no line on similar companies
    assert lines[0] == text("company.brief_score", "it", score=IT.number(42.25, 1),
                            maturity_class="5W", position=text("company.quarter_3", "it"))
    assert "Rispetto alla rilevazione precedente" in lines[1] and "da 30,0 a" in lines[1]
    assert "2 misure attivate" in lines[1] and "1 sospesa" in lines[1]
    assert lines[2].startswith("**Bisogni scoperti**") and "sono le misure" in lines[2]


def test_brief_of_a_company_whose_class_did_not_change_says_so():
    lines = section.brief_lines(_position(), IT, compare=True, history="surveyed",
                                change=MaturityChange(48.6, "5W", 49.1, "5W"),
                                changes=_changes(), previous_wave="w0")
    same = " ".join(lines[1].split())  # (the text's line breaks are Markdown's)
    assert "classe sempre 5W" in same and "da 5W a 5W" not in same
    moved = section.brief_lines(_position(), IT, compare=True, history="surveyed",
                                change=MaturityChange(30.0, "3W", 42.25, "5W"),
                                changes=_changes(), previous_wave="w0")[1]
    assert "classe da 3W a 5W" in " ".join(moved.split())


@pytest.mark.parametrize(("history", "key"), [("new_to_network", "company.brief_new"),
                                              ("first_survey", "company.brief_first_survey"),
                                              ("baseline", "company.brief_baseline")])
def test_brief_without_a_previous_score_says_why(history, key):
    lines = section.brief_lines(_position(), IT, compare=False, history=history,
                                uncovered=None, suggestions=_listed_labels(1))
    assert lines[0] == text("company.brief_score_alone", "it", score=IT.number(42.25, 1),
                            maturity_class="5W")
    assert lines[1] == text(key, "it")
    assert len(lines) == 3 and "è attiva" in lines[2]  # withheld workers: no needs line


def test_brief_with_no_uncovered_need_says_so():
    lines = section.brief_lines(_position(), EN, compare=True, history="baseline",
                                uncovered=_listed_labels(0))
    assert lines[-1] == text("company.brief_needs_none", "en")


def test_position_withholds_the_share_that_would_reveal_the_others():
    shown = section.position_values(_position(), IT)
    assert shown["key"] == "company.position_share" and shown["share"] == f"75{NBSP}%"
    assert (shown["low"], shown["network_median"], shown["high"]) == ("20", "31", "40")
    withheld = section.position_values(_position(withheld="few_below"), IT)
    assert withheld["key"] == "company.position" and "share" not in withheld
    assert withheld["position"] == text("company.quarter_3", "it")


@pytest.mark.parametrize(("then", "now", "key"), [
    (30.0, 42.25, "company.history_up"),
    (41.0, 42.25, "company.history_up_same_class"),
    (44.0, 42.25, "company.history_down_same_class"),
    (25.0, 22.0, "company.history_down_same_class"),
    (42.25, 42.25, "company.history_same"),  # a tie: no direction, no class change
])
def test_history_sentence_follows_the_score_and_the_class(then, now, key):
    def cls(score):
        return "5W" if score > 40 else "3W" if score > 20 else "2W"
    change = MaturityChange(then, cls(then), now, cls(now))
    values = section.history_values("surveyed", change, "w0", IT)
    assert values["key"] == key
    assert values["score_change"] == IT.number(abs(now - then), 1)
    assert values["class_before"] == cls(then) and values["previous"] == "w0"


def test_history_without_a_change_names_the_state():
    assert section.history_values("new_to_network", None, "w0", IT) == {
        "key": "company.history_new", "previous": "w0"}
    assert section.history_values("first_survey", None, "w0", IT)["key"] == \
        "company.history_first_survey"
    assert section.history_values("baseline", None, None, IT) == {
        "key": "company.history_baseline"}


def test_history_of_the_others_needs_both_medians():
    assert section.history_others_values(30.4, 33.6, IT) == {"before": "30", "after": "34"}
    assert section.history_others_values(np.nan, 33.6, IT) is None
    assert section.history_others_values(30.4, np.nan, IT) is None


def test_change_counts_and_changes_table():
    assert section.change_counts(_changes(), IT) == {"n_activated": "2", "n_dropped": "1",
                                                     "n_extended": "0", "n_narrowed": "0"}
    table = section.measure_changes_table(_changes(), STATUSES, IT, previous="w0", wave="w1")
    assert table.columns.tolist() == ["Misura", "Cambiamento", "w0", "w1"]
    assert table["Cambiamento"].tolist() == ["Attivata", "Attivata", "Sospesa"]
    assert table["w0"].iloc[0] == STATUSES["none"] and table["w1"].iloc[2] == STATUSES["none"]
    assert section.measure_changes_table(_changes(), STATUSES, EN, previous="w0",
                                         wave="w1").columns[1] == "Change"


def test_areas_values_and_table():
    areas = pd.DataFrame({"area": ["a", "b", "c"], "area_label": ["A", "B", "C"],
                          "active": [2, 0, 1], "measures": ["x, y", "", "z"]})
    alone = section.areas_values(areas, 9, IT)
    assert alone == {"key": "company.measures_text", "n_active": "3", "n_areas": "2",
                     "n_areas_all": "9"}
    network = section.areas_values(areas, 9, IT, network_median=4.4)
    assert network["key"] == "company.measures_text_network"
    assert network["network_median"] == "4"
    table = section.areas_table(areas, IT)
    assert table.columns.tolist() == ["Area", "Misure attive", "Misure dell'area"]
    assert table["Misure attive"].tolist() == [2, 0, 1]


def test_workers_values_name_the_reason():
    values = section.workers_values("few", 3, 5, IT)
    assert values == {"key": "company.workers_few", "n_workers": "3", "min_cell": 5}


def test_needs_figure_rows_follow_the_company_share():
    needs = pd.DataFrame({"measure": ["A", "A", "B", "B"],
                          "scope": ["others", "company", "company", "others"],
                          "estimate": [0.9, 0.2, 0.6, 0.1]})
    rows = section.needs_figure_rows(needs)
    assert list(zip(rows["measure"], rows["scope"], strict=True)) == [
        ("B", "company"), ("B", "others"), ("A", "company"), ("A", "others")]
    labels = section.needs_figure_labels(EN)
    assert labels["hue_order"] == ["company", "others"] and labels["label_name"] == "Measure"


def test_uncovered_table_marks_a_withheld_share_and_a_missing_status():
    uncovered = pd.DataFrame({"label": ["Mensa", "Asilo"], "estimate": [0.8, 0.55],
                              "ci_low": [0.6, 0.4], "ci_high": [0.9, 0.7],
                              "others": [0.5, np.nan], "status": ["planned", None]})
    table = section.uncovered_table(uncovered, STATUSES, IT)
    assert table.columns.tolist() == [text(f"company.col_{c}", "it") for c in (
        "measure", "workers_share", "interval", "others_share", "status")]
    cells = table.to_numpy().tolist()
    assert cells[0] == ["Mensa", f"80{NBSP}%", f"60{NBSP}% – 90{NBSP}%", f"50{NBSP}%",
                        STATUSES["planned"]]
    assert cells[1][3] == "n.d." and cells[1][4] == "Non indicata"
    assert section.uncovered_table(uncovered, STATUSES, EN).iloc[1, 3] == "n/a"


def test_suggestions_table_shows_wanted_only_when_some_are():
    suggestions = pd.DataFrame({"label": ["Mensa", "Asilo"], "k": [3, 2], "n": [5, 5],
                                "status": ["none", None], "wanted": [False, False]})
    table = section.suggestions_table(suggestions, STATUSES, IT)
    assert table.columns.tolist() == [text(f"company.col_{c}", "it")
                                      for c in ("measure", "peers", "status")]
    assert table.iloc[:, 1].tolist() == ["3 su 5", "2 su 5"]
    assert table.iloc[1, 2] == "Non indicata"
    wanted = section.suggestions_table(suggestions.assign(wanted=[False, True]), STATUSES, EN)
    assert wanted.columns[-1] == text("company.col_wanted", "en")
    assert wanted.iloc[:, -1].tolist() == ["", "yes"] and wanted.iloc[0, 1] == "3 of 5"


def test_peers_values_pick_the_sentence_and_the_group():
    peers = PeerGroup("size", ("C2", "C3", "C4"), "10-49", "C")
    words = {"sector": "attività manifatturiere", "size": "piccola (10-49)"}
    some = section.peers_values(peers, _listed_labels(2), words, IT)
    assert some == {"key": "company.peers_text", "n": "3",
                    "group": "della vostra classe dimensionale, piccola (10-49)"}
    assert section.peers_values(peers, _listed_labels(0), words, IT)["key"] == \
        "company.peers_none"


def test_balance_values_read_company_and_others():
    balance = pd.DataFrame({"indicator": ["wlb_fit_good", "wlb_fit_good", "wfc_score",
                                          "wfc_score"],
                            "scope": ["company", "others", "company", "others"],
                            "estimate": [0.64, 0.5, 3.456, 2.9]})
    assert section.balance_values(balance, IT) == {
        "fit": f"64{NBSP}%", "fit_network": f"50{NBSP}%", "wfc": "3,46", "wfc_network": "2,90"}
