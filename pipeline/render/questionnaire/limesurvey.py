"""The LimeSurvey survey structure in LimeSurvey's tab-separated import format (``.txt``).

One row per object, in order: ``S`` survey settings, ``SL`` language settings, then per
question group ``G``, each question ``Q`` followed by its subquestions ``SQ`` and answer
options ``A``. The columns are those of LimeSurvey's own TSV export (``class``,
``type/scale``, ``name``, ``relevance``, ``text``, ``help``, ``language``, ``validation``,
``mandatory``, ``other``, ``default``, ``same_default``, then question attributes). A ``Q``
row's ``type/scale`` is the question type letter (``L`` list, ``F`` array, ``M`` multiple
choice, ``Y`` yes/no, ``N`` numerical, ``S`` short text, ``T`` long text); an ``SQ`` or
``A`` row's is the scale (0). Codes come from :mod:`pipeline.codebook.survey_codes`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from pipeline.atomic import write_text_atomic
from pipeline.codebook.survey_codes import choice_table, question_table
from pipeline.i18n.text import text
from pipeline.render.questionnaire.model import Question, questionnaire

__all__ = ["COLUMNS", "QUESTION_TYPES", "limesurvey_rows", "write_limesurvey",
           "write_mapping"]

#: The columns written, in LimeSurvey's order.
COLUMNS = ("class", "type/scale", "name", "relevance", "text", "help", "language",
           "validation", "mandatory", "other", "default", "same_default",
           "min_num_value_n", "max_num_value_n", "num_value_int_only", "max_answers")
#: The question types used.
QUESTION_TYPES = ("L", "F", "M", "Y", "N", "S", "T")
_MUNICIPALITY = "/^[0-9]{6}$/"


def _relevance(column: str) -> str:
    """The expression that asks a question only where the filter ``column`` is >= 1."""
    q = question_table()
    code = q.loc[q["column"] == column, "ls_code"].iloc[0]
    return f"{code}.NAOK >= 1"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _question_rows(q: Question, lang: str) -> list[dict[str, str]]:
    row = {"class": "Q", "type/scale": q.ls_type, "name": q.ls_code, "relevance": "1",
           "text": q.text, "help": q.note, "language": lang,
           "mandatory": "Y" if q.required and q.type != "id" else "N", "other": "N"}
    if q.ls_type == "N":
        row |= {"min_num_value_n": _number(q.minimum), "max_num_value_n": _number(q.maximum),
                "num_value_int_only": "1" if q.type == "integer" else "0"}
    if q.type == "municipality":
        row["validation"] = _MUNICIPALITY
    if q.max_items:
        row["max_answers"] = str(q.max_items)
    rows = [row]
    if q.is_array:
        rows += [{"class": "SQ", "type/scale": "0", "name": r.ls_subcode,
                  "relevance": _relevance(r.skipped_unless) if r.skipped_unless else "1",
                  "text": r.label, "language": lang} for r in q.rows]
    if q.type == "multi":
        rows += [{"class": "SQ", "type/scale": "0", "name": o.ls_answer, "relevance": "1",
                  "text": o.label, "language": lang} for o in q.options]
    elif q.options and q.type != "boolean":
        rows += [{"class": "A", "type/scale": "0", "name": o.ls_answer, "text": o.label,
                  "language": lang} for o in q.options]
    return rows


def limesurvey_rows(table: str, lang: str = "it") -> pd.DataFrame:
    """The survey structure of ``table`` as a DataFrame with :data:`COLUMNS`."""
    rows: list[dict[str, str]] = [
        {"class": "S", "name": "language", "text": lang},
        {"class": "S", "name": "format", "text": "G"},
        {"class": "SL", "name": "surveyls_title",
         "text": text(f"questionnaire.title.{table}", lang), "language": lang},
        {"class": "SL", "name": "surveyls_description",
         "text": text(f"questionnaire.intro.{table}", lang), "language": lang},
        {"class": "SL", "name": "surveyls_welcometext",
         "text": text("questionnaire.privacy", lang), "language": lang},
        {"class": "SL", "name": "surveyls_endtext",
         "text": text("questionnaire.thanks", lang), "language": lang},
    ]
    for order, section in enumerate(questionnaire(table, lang), start=1):
        rows.append({"class": "G", "type/scale": str(order), "name": section.label,
                     "relevance": "1", "language": lang})
        for q in section.questions:
            rows += _question_rows(q, lang)
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(object).fillna("")


def write_limesurvey(table: str, path: Path, lang: str = "it") -> Path:
    """Write ``table``'s survey structure to ``path`` (tab-separated, UTF-8)."""
    buffer = io.StringIO()
    limesurvey_rows(table, lang).to_csv(buffer, sep="\t", index=False,
                                        quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    write_text_atomic(Path(path), buffer.getvalue())
    return Path(path)


def write_mapping(table: str, path: Path) -> Path:
    """Write the mapping codebook <-> LimeSurvey and XLSForm codes of ``table`` (CSV).

    One row per (column, option): ``column``, ``ls_header`` (the export header),
    ``xls_name``, ``code`` (codebook; empty for questions without options), ``ls_answer``,
    ``xls_choice``.
    """
    q = question_table()
    q = q[q["table"] == table][["column", "ls_header", "xls_name", "relevance_column"]]
    ch = choice_table()
    ch = ch[ch["table"] == table][["column", "code", "ls_answer", "ls_header", "xls_choice"]]
    merged = q.merge(ch.rename(columns={"ls_header": "option_header"}), on="column",
                     how="left")
    merged["ls_header"] = merged["option_header"].where(
        merged["option_header"].fillna("") != "", merged["ls_header"])
    out = merged.drop(columns="option_header").fillna("")
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    write_text_atomic(Path(path), buffer.getvalue())
    return Path(path)
