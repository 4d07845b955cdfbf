"""Legal references by date (pipeline.codebook.legal): the table is checked when read, a
date gets the rule in force that day, and a wave's labels cite a law only where it was in
force at its fieldwork."""

from __future__ import annotations

import copy
import csv
import datetime as dt

import pytest
import yaml

from pipeline.codebook import (
    CODEBOOK_DIR,
    LegalReferencesError,
    as_date,
    fringe_benefit_threshold,
    load_codebook,
    rules_in_force,
    wave_date,
)
from pipeline.codebook.legal import LEGAL_REFERENCES, parse_legal_references
from pipeline.config import get_paths

RAW = yaml.safe_load(LEGAL_REFERENCES.read_text(encoding="utf-8"))
#: demo-2013's fieldwork (wave.yaml written by pipeline.demo).
FIELDWORK_2013 = {"label": "demo-2013", "fieldwork_start": "2013-10-07",
                  "fieldwork_end": "2013-11-29"}


# --- the table ----------------------------------------------------------------------------------

def test_every_rule_covers_its_days_without_gap_or_overlap_and_names_its_source():
    refs = parse_legal_references(RAW)
    assert {"fringe_benefit_threshold", "smart_working_law", "gender_equality_certification",
            "health_fund_cap", "pension_contribution_cap",
            "social_utility_deduction"} <= set(refs.rules)
    for rule in refs.rules.values():
        for prev, nxt in zip(rule.periods, rule.periods[1:], strict=False):
            assert nxt.valid_from == prev.valid_to + dt.timedelta(days=1), rule.id
        assert rule.periods[-1].valid_to is None, rule.id  # nothing runs out unseen
        assert all(p.source for p in rule.periods)


def _broken(edit) -> dict:
    raw = copy.deepcopy(RAW)
    edit(raw["rules"]["fringe_benefit_threshold"]["periods"])
    return raw


@pytest.mark.parametrize(("edit", "message"), [
    (lambda ps: ps[1].update(valid_from=dt.date(2020, 8, 1)),
     r"periods 2004-01-01\.\.2020-08-14 and 2020-08-01\.\.2020-12-31 overlap"),
    (lambda ps: ps[1].update(valid_from=dt.date(2020, 9, 1)),
     r"no period covers 2020-08-15\.\.2020-08-31"),
    (lambda ps: ps[3].update(valid_to=None), r"only the last period may have no end"),
    (lambda ps: ps[2].update(valid_from=None), r"only the first period may have no start"),
    (lambda ps: ps[0].update(valid_to=dt.date(2003, 1, 1)), r"ends \(2003-01-01\) before"),
    (lambda ps: ps[0].pop("source"), r"period 1 names no source"),
    (lambda ps: ps[0].pop("value"), r"every period needs a value"),
    (lambda ps: ps[0].update(value="258,23"), r"value must be a number"),
    (lambda ps: ps[0].update(cite={"it": "art. 51"}), r"needs non-empty 'it' and 'en'"),
    (lambda ps: ps[0].update(valid_from="1 gennaio 2004"), r"is not a date"),
])
def test_a_malformed_table_is_refused_with_a_clear_message(edit, message):
    with pytest.raises(LegalReferencesError, match=message):
        parse_legal_references(_broken(edit))


def test_a_citation_the_labels_do_not_write_is_refused(tmp_path):
    for name in ("codebook.yaml", "measures.csv", "service_types.csv"):
        (tmp_path / name).write_bytes((CODEBOOK_DIR / name).read_bytes())
    raw = copy.deepcopy(RAW)
    raw["measure_citations"][0]["written"]["it"] = "(L. 81/2017)"  # the label has "L.81"
    (tmp_path / "legal_references.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True),
                                                    encoding="utf-8")
    with pytest.raises(LegalReferencesError, match=r"label of SMART_WORKING .* does not write"):
        load_codebook(tmp_path)


# --- rules by date -------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "general", "children"), [
    ("2013-11-29", 258.23, 258.23),
    ("2020-08-14", 258.23, 258.23),
    ("2020-08-15", 516.46, 516.46),   # D.L. 104/2020 in force
    ("2021-03-01", 258.23, 258.23),   # the 2021 extension is law only from 22 May 2021
    ("2021-06-01", 516.46, 516.46),
    ("2022-03-01", 258.23, 258.23),
    ("2022-09-15", 600.0, 600.0),     # D.L. 115/2022
    ("2022-12-01", 3000.0, 3000.0),   # D.L. 176/2022
    ("2023-03-01", 258.23, 258.23),
    ("2023-06-01", 258.23, 3000.0),   # D.L. 48/2023: workers with children only
    ("2024-06-30", 1000.0, 2000.0),   # L. 213/2023
    ("2025-10-01", 1000.0, 2000.0),   # L. 207/2024, 2025-27
    ("2027-12-31", 1000.0, 2000.0),
    ("2028-01-01", 258.23, 258.23),   # the ordinary text again
])
def test_fringe_benefit_threshold_in_force_on_a_day(day, general, children):
    assert fringe_benefit_threshold(day) == general
    assert fringe_benefit_threshold(day, with_children=True) == children


def test_a_day_before_the_table_is_an_error_not_a_guess():
    with pytest.raises(LegalReferencesError, match=r"no period covering 2003-06-30 .*2004-01-01"):
        fringe_benefit_threshold("2003-06-30")
    assert "fringe_benefit_threshold" not in rules_in_force("2003-06-30")
    assert "smart_working_law" in rules_in_force("2003-06-30")  # open start


def test_rules_in_force_give_what_a_day_cites():
    in_2013 = rules_in_force("2013-11-29")
    assert in_2013["smart_working_law"].cite is None
    assert "telelavoro" in in_2013["smart_working_law"].wording["it"]
    assert "pension_contribution_cap" in in_2013
    assert in_2013["pension_contribution_cap"].value == 5164.57
    assert in_2013["health_fund_cap"].value == 3615.20
    assert in_2013["social_utility_deduction"].value == 0.005
    in_2018 = rules_in_force("2018-01-15")
    assert in_2018["smart_working_law"].cite["it"] == "L.81/2017"
    assert "13 giugno 2017" in in_2018["smart_working_law"].source


def test_a_wave_is_dated_by_its_last_fieldwork_day():
    assert wave_date(FIELDWORK_2013) == dt.date(2013, 11, 29)
    assert wave_date({"fieldwork_start": "2017-05-02"}) == dt.date(2017, 5, 2)
    assert wave_date({"label": "2014"}) is None
    assert wave_date({"fieldwork_end": dt.date(2017, 6, 30)}) == dt.date(2017, 6, 30)
    # a wave across the change gets the rule in force when the fieldwork closed
    across = {"fieldwork_start": "2022-07-01", "fieldwork_end": "2022-09-30"}
    assert fringe_benefit_threshold(across) == 600.0
    assert fringe_benefit_threshold(("2022-07-01", "2022-09-30")) == 600.0
    assert as_date(None) is None
    with pytest.raises(LegalReferencesError, match="wave.yaml: fieldwork_end '2013-13-01'"):
        wave_date({"fieldwork_end": "2013-13-01"})


# --- labels by date -------------------------------------------------------------------------------

def test_a_2013_wave_never_cites_the_2017_law():
    cb = load_codebook(on=FIELDWORK_2013)
    assert cb.on == dt.date(2013, 11, 29)
    assert cb.measure_label("SMART_WORKING", "it") == "Lavoro agile con accordo"
    assert cb.measure_label("SMART_WORKING", "en") == "Smart working by agreement"
    assert cb.measure_label("GENDER_EQUALITY_CERT", "it") == "Certificazione parità di genere"
    # every place a label reaches: taxonomy rows, the code list, the columns built from it
    everywhere = [m[f"measure_label_{lang}"] for m in cb.measures for lang in ("it", "en")]
    everywhere += [v for labels in cb.code_lists["measure"].values() for v in labels.values()]
    everywhere += [c.label(lang) for t in cb.tables.values()
                   for c in t.all_columns().values() for lang in ("it", "en")]
    assert not [x for x in everywhere if "81/2017" in x or "125:2022" in x]
    assert cb.fringe_benefit_threshold() == 258.23


def test_a_2018_wave_cites_it_and_the_day_of_entry_into_force_is_the_boundary():
    cb = load_codebook(on="2018-03-01")
    assert cb.measure_label("SMART_WORKING", "it") == "Lavoro agile (L.81/2017) con accordo"
    assert cb.measure_label("SMART_WORKING", "en") == "Smart working (Law 81/2017) by agreement"
    assert cb.column("worker_survey", "need_imp_SMART_WORKING").label_it.endswith("(L.81/2017) con accordo")
    assert cb.measure_label("GENDER_EQUALITY_CERT", "it") == "Certificazione parità di genere"
    assert "81/2017" not in load_codebook(on="2017-06-13").measure_label("SMART_WORKING")
    assert "81/2017" in load_codebook(on="2017-06-14").measure_label("SMART_WORKING")
    assert "UNI/PdR 125:2022" in load_codebook(on="2022-03-16").measure_label(
        "GENDER_EQUALITY_CERT", "en")


def test_measure_label_on_a_date_and_the_undated_codebook():
    undated = load_codebook()
    assert undated.on is None
    assert undated.measure_label("SMART_WORKING") == "Lavoro agile (L.81/2017) con accordo"
    assert undated.measure_label("SMART_WORKING", on="2013-11-29") == "Lavoro agile con accordo"
    assert undated.measure_label("FLEX_HOURS", on="2013-11-29") == "Entrata/uscita flessibile"
    with pytest.raises(KeyError):
        undated.measure_label("NOT_A_MEASURE", on="2013-11-29")
    assert load_codebook(on="2013-11-29") is load_codebook(on=FIELDWORK_2013)  # one per day


def test_2022_waves_get_both_ceilings_and_2025_both_with_and_without_children():
    assert load_codebook(on="2022-10-01").fringe_benefit_threshold() == 600.0
    assert load_codebook(on="2022-12-20").fringe_benefit_threshold() == 3000.0
    late = load_codebook(on="2025-11-28")
    assert late.fringe_benefit_threshold() == 1000.0
    assert late.fringe_benefit_threshold(with_children=True) == 2000.0
    assert "81/2017" in late.measure_label("SMART_WORKING")


# --- the taxonomy and the shared file -------------------------------------------------------------

def test_measures_csv_stays_joined_to_the_shared_taxonomy():
    """measures.csv repeats the shared taxonomy's columns and adds English labels and flags:
    every shared measure has its row, with the same Italian words, and no row is extra."""
    shared = get_paths().reference_dir / "taxonomy_measures.csv"
    if not shared.exists():
        pytest.skip("no shared reference data here")
    with shared.open(encoding="utf-8") as f:
        design = {r["measure_code"]: r for r in csv.DictReader(f)}
    with (CODEBOOK_DIR / "measures.csv").open(encoding="utf-8") as f:
        ours = {r["measure_code"]: r for r in csv.DictReader(f)}
    assert list(ours) == list(design)
    for code, row in design.items():
        assert {k: ours[code][k] for k in row} == row, code
        assert ours[code]["measure_label_en"] and ours[code]["area_label_en"], code
