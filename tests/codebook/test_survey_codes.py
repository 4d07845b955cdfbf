"""The mapping codebook <-> survey-tool codes: complete, within the tools' limits, unique."""

from __future__ import annotations

import re

import pytest

from pipeline.codebook import load_codebook
from pipeline.codebook.survey_codes import (
    SURVEY_TABLES,
    answer_codes,
    choice_table,
    ls_code,
    question_table,
)

XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
LS_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")


@pytest.fixture(scope="module")
def questions():
    return question_table()


@pytest.fixture(scope="module")
def choices():
    return choice_table()


def test_every_raw_column_of_both_surveys_is_a_question(questions):
    cb = load_codebook()
    for table in SURVEY_TABLES:
        asked = list(questions.loc[questions["table"] == table, "column"])
        assert sorted(asked) == sorted(cb.tables[table].columns)
        assert len(asked) == len(set(asked))


def test_limesurvey_codes_fit_and_export_headers_are_unique(questions, choices):
    assert questions["ls_code"].map(lambda c: bool(LS_CODE.match(c))).all()
    subs = questions.loc[questions["ls_subcode"] != "", "ls_subcode"]
    assert subs.map(lambda c: bool(LS_CODE.match(c))).all()
    multi = choices[choices["ls_header"] != ""]
    assert multi["ls_answer"].map(lambda c: bool(LS_CODE.match(c))).all()
    single = choices[choices["ls_header"] == ""]
    assert single["ls_answer"].map(lambda c: bool(re.match(r"^[A-Za-z0-9]{1,5}$", c))).all()
    for table in SURVEY_TABLES:
        q = questions[questions["table"] == table]
        headers = list(q.loc[q["type"] != "multi", "ls_header"])
        headers += list(multi.loc[multi["table"] == table, "ls_header"])
        assert len(headers) == len(set(headers)), table
        # one question code per question number, and no two questions share a code
        per_number = q.groupby("number")["ls_code"].nunique()
        assert (per_number == 1).all()
        assert q.drop_duplicates("number")["ls_code"].is_unique


def test_answer_and_choice_codes_are_unique_per_question(choices):
    for _, group in choices.groupby(["table", "column"]):
        assert group["ls_answer"].is_unique
        assert group["xls_choice"].is_unique
        assert group["code"].is_unique


def test_xlsform_names_are_xml_names_and_unique(questions, choices):
    assert questions["xls_name"].map(lambda n: bool(XML_NAME.match(n))).all()
    for table in SURVEY_TABLES:
        assert questions.loc[questions["table"] == table, "xls_name"].is_unique
    assert choices["xls_choice"].map(lambda n: " " not in n).all()
    # a choice list name means the same options wherever it is used
    for _, group in choices.groupby("choice_list"):
        per_column = group.groupby(["table", "column"])["xls_choice"].apply(tuple)
        assert per_column.nunique() == 1


def test_every_codebook_code_has_an_answer(choices):
    cb = load_codebook()
    for rec in choices.drop_duplicates(["table", "column"]).itertuples():
        col = cb.column(rec.table, rec.column)
        mapped = set(choices.loc[(choices["table"] == rec.table)
                                 & (choices["column"] == rec.column), "code"])
        expected = {"0", "1"} if col.type == "boolean" else set(col.codes)
        assert expected <= mapped, rec.column


def test_dont_know_is_offered_where_the_codebook_keeps_it_apart():
    cb = load_codebook()
    col = cb.column("worker_survey", "need_imp_FLEX_HOURS")
    assert answer_codes(col)["dont_know"] == "DK"
    assert "dont_know" not in answer_codes(cb.column("worker_survey", "wlb_fit"))


def test_codes_that_do_not_fit_are_numbered_in_codebook_order():
    cb = load_codebook()
    assert answer_codes(cb.column("worker_survey", "age_band")) == {
        "<25": "A1", "25-34": "A2", "35-44": "A3", "45-54": "A4", "55+": "A5"}
    assert answer_codes(cb.column("worker_survey", "gender"))["NR"] == "NR"
    assert answer_codes(cb.column("company_survey", "union_rep")) == {"1": "Y", "0": "N"}


def test_ls_code_rejects_what_limesurvey_would_rename():
    assert ls_code("welfare_budget_per_emp") == "welfareBudgetPerEmp"
    with pytest.raises(ValueError):
        ls_code("a_name_that_is_much_too_long_for_it")
    with pytest.raises(ValueError):
        ls_code("3rd_item")


def test_childcare_rows_are_asked_only_of_parents(questions):
    skipped = questions[questions["relevance_column"] != ""]
    assert set(skipped["relevance_column"]) == {"n_children_u14"}
    cb = load_codebook()
    measures = {cb.column(t, c).measure for t, c in zip(skipped["table"], skipped["column"], strict=True)}
    assert {cb.area_of()[m] for m in measures} == {"CHILDCARE"}
    asked = questions[questions["column"].str.startswith("need_imp_")]
    childcare = {c for c in asked["column"]
                 if cb.area_of()[cb.column("worker_survey", c).measure] == "CHILDCARE"}
    assert childcare and childcare <= set(skipped["column"])
    assert (skipped["table"] == "worker_survey").all()
