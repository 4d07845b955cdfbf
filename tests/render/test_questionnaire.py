"""`welfare questionnaire`: the LimeSurvey import file, the XLSForm and the paper PDF."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import warnings

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.codebook.survey_codes import SURVEY_TABLES, choice_table, question_table
from pipeline.i18n.text import text
from pipeline.render.questionnaire.limesurvey import COLUMNS, QUESTION_TYPES, limesurvey_rows
from pipeline.render.questionnaire.model import questionnaire
from pipeline.render.questionnaire.xlsform import xlsform_sheets


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("questionnaire")
    assert main(["questionnaire", "--out", str(folder)]) == 0
    return folder


def _read_tsv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.mark.parametrize("table", SURVEY_TABLES)
def test_limesurvey_file_follows_the_documented_structure(out, table):
    rows = _read_tsv(out / f"{table}_limesurvey.txt")
    assert tuple(rows[0]) == COLUMNS
    classes = [r["class"] for r in rows]
    assert set(classes) <= {"S", "SL", "G", "Q", "SQ", "A"}
    # survey settings first, then groups each followed by their questions
    first_group = classes.index("G")
    assert set(classes[:first_group]) <= {"S", "SL"}
    assert {r["name"] for r in rows if r["class"] == "S"} >= {"language"}
    current_q = None
    for r in rows[first_group:]:
        if r["class"] == "Q":
            current_q = r
            assert r["type/scale"] in QUESTION_TYPES
            assert re.match(r"^[A-Za-z][A-Za-z0-9]{0,19}$", r["name"]), r["name"]
            assert r["mandatory"] in {"Y", "N"} and r["text"]
        elif r["class"] in {"SQ", "A"}:
            assert current_q is not None and r["type/scale"] == "0"
            if r["class"] == "A":
                assert current_q["type/scale"] in {"L", "F"}
                assert re.match(r"^[A-Za-z0-9]{1,5}$", r["name"]), r["name"]
            else:
                assert current_q["type/scale"] in {"F", "M"}
                assert re.match(r"^[A-Za-z][A-Za-z0-9]{0,19}$", r["name"])
        assert r["language"] == "it" or r["class"] == "S"


@pytest.mark.parametrize("table", SURVEY_TABLES)
def test_every_question_and_answer_is_in_the_limesurvey_file(out, table):
    rows = _read_tsv(out / f"{table}_limesurvey.txt")
    headers, answers, q = set(), set(), None
    for r in rows:
        if r["class"] == "Q":
            q = r["name"]
            headers.add(q)
        elif r["class"] == "SQ":
            headers.add(f"{q}[{r['name']}]")
        elif r["class"] == "A":
            answers.add((q, r["name"]))
    questions = question_table()
    questions = questions[questions["table"] == table]
    assert set(questions.loc[questions["type"] != "multi", "ls_header"]) <= headers
    ch = choice_table()
    ch = ch[ch["table"] == table]
    multi = ch[ch["ls_header"] != ""]
    assert set(multi["ls_header"]) <= headers
    single = ch[(ch["ls_header"] == "") & (ch["choice_list"] != "yes_no")]
    codes = dict(zip(questions["column"], questions["ls_code"], strict=True))
    assert {(codes[c], a) for c, a in zip(single["column"], single["ls_answer"],
                                          strict=True)} <= answers
    # the skip rule is an expression on the filter question
    skipped = [r for r in rows if r["relevance"] not in {"", "1"}]
    assert all(r["relevance"] == "nChildrenU14.NAOK >= 1" for r in skipped)
    assert bool(skipped) == (table == "worker_survey")


@pytest.mark.parametrize("table", SURVEY_TABLES)
def test_mapping_beside_the_limesurvey_file_covers_every_column(out, table):
    mapping = pd.read_csv(out / f"{table}_codes.csv", dtype=str, keep_default_na=False)
    assert set(mapping["column"]) == set(question_table().query("table == @table")["column"])
    assert not mapping.duplicated(["ls_header", "ls_answer"]).any()


@pytest.mark.parametrize("table", SURVEY_TABLES)
def test_xlsform_converts_with_pyxform(out, table):
    from pyxform.xls2xform import convert

    path = out / f"{table}_xlsform.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = convert(xlsform=str(path))
    assert result.xform.startswith("<?xml") or "<h:html" in result.xform
    assert not result._warnings if hasattr(result, "_warnings") else True
    survey = pd.read_excel(path, sheet_name="survey", dtype=str).fillna("")
    names = set(survey["name"])
    assert set(question_table().query("table == @table")["xls_name"]) <= names
    for column in question_table().query("table == @table")["xls_name"]:
        assert f"/{column}>" in result.xform or f"/{column}\"" in result.xform, column
    choices = pd.read_excel(path, sheet_name="choices", dtype=str).fillna("")
    ch = choice_table().query("table == @table")
    assert set(zip(ch["choice_list"], ch["xls_choice"], strict=True)) == set(
        zip(choices["list_name"], choices["name"], strict=True))


def test_xlsform_skip_rule_and_top_three_constraint():
    survey = xlsform_sheets("worker_survey")["survey"].set_index("name")
    assert survey.loc["need_imp_NURSERY_SHARED", "relevant"] == "${n_children_u14} >= 1"
    assert survey.loc["need_imp_FLEX_HOURS", "relevant"] == ""
    assert survey.loc["top3_needs", "constraint"] == "count-selected(.) <= 3"
    assert survey.loc["municipality_res", "constraint"].startswith("regex(")


@pytest.mark.parametrize("table", SURVEY_TABLES)
def test_paper_pdf_has_every_question(out, table):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler) not installed")
    pdf = out / f"{table}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert 2 <= pages <= 12
    body = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(body.split())
    assert text("questionnaire.privacy_title") in flat
    for section in questionnaire(table):
        assert section.label in flat
        for q in section.questions:
            assert f"{q.number}. {' '.join(q.text.split())[:40]}" in flat, q.number
            if q.is_array:  # header cells wrap: the rows' first words are checked
                for row in q.rows:
                    assert row.label.split()[0] in flat
            else:
                for option in q.options:  # long lists are in two columns: they wrap
                    words = option.label.split()
                    assert " ".join(words if len(q.options) <= 8 else words[:2]) in flat
    if table == "worker_survey":
        assert "salti le righe segnate con ◆" in flat


def test_english_forms_are_in_english():
    rows = limesurvey_rows("worker_survey", "en")
    assert set(rows.loc[rows["class"] != "S", "language"]) == {"en"}
    assert "How old are you?" in set(rows["text"])
    assert "Don't know" in set(rows.loc[rows["class"] == "A", "text"])
    sheets = xlsform_sheets("company_survey", "en")
    assert sheets["settings"].loc[0, "default_language"] == "en"
    assert "7. Which of these measures does your company have today?" in set(
        sheets["survey"]["label"])
