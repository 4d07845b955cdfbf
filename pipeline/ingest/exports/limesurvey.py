"""LimeSurvey response exports (CSV or Excel, "question code" headings) of a questionnaire
made by ``welfare questionnaire``: read with the codes of
:mod:`pipeline.codebook.survey_codes`, no hand-made mapping.

An export is taken as LimeSurvey's when its headers hold one of LimeSurvey's own response
columns (``submitdate``, ``lastpage``, ``startlanguage``, ``startdate``, ``datestamp``,
``ipaddr``, ``refurl``, ``seed``) and at least one question code of the table. Then:

- headers are question codes (``gender``, ``needImp[FLEXHOURS]``): each is read as its
  codebook column; LimeSurvey's own columns (``id``, ``submitdate``, ``ipaddr``, ...) are
  dropped unread;
- answers are the questionnaire's answer codes (``A1`` ... ``An``, ``DK`` for "don't know",
  ``Y``/``N``), or the full answer texts (the codebook's Italian labels, ``Sì``/``No``,
  ``Non so``): both read; ``N/A`` (a question not shown) is missing;
- a multiple-choice question is one column per option (``top3Needs[FLEXHOURS]``) ticked
  ``Y`` (full texts: ``Sì``/``Yes``) or empty; the options come in the codebook's order.
"""

from __future__ import annotations

import pandas as pd

from pipeline.codebook import Codebook
from pipeline.ingest.exports.kobo import KoboLayout
from pipeline.ingest.readers import RawTable, normalise_header

#: Response columns LimeSurvey adds to every export (lower case).
META = frozenset({"id", "submitdate", "lastpage", "startlanguage", "seed", "token",
                  "startdate", "datestamp", "ipaddr", "refurl", "interviewtime"})
#: Of those, the ones only LimeSurvey writes (``id`` or ``token`` alone mark no export).
MARKERS = META - {"id", "token"}
#: How a multiple-choice option cell reads: chosen, not chosen, or (None) not answered.
TICKS = {"y": True, "yes": True, "sì": True, "si": True, "1": True, "n": False, "no": False,
         "0": False, "": None, "n/a": None}
#: The cell of a question a respondent was not shown.
NOT_SHOWN = "n/a"


_CACHE: list[tuple[Codebook, pd.DataFrame, pd.DataFrame]] = []


def _tables(codebook: Codebook) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The question and choice tables of :mod:`pipeline.codebook.survey_codes` (built once
    per codebook)."""
    from pipeline.codebook.survey_codes import choice_table, question_table

    for cached, q, c in _CACHE:
        if cached is codebook:
            return q, c
    q, c = question_table(codebook), choice_table(codebook)
    _CACHE[:] = [(codebook, q, c)]
    return q, c


def headers_of(codebook: Codebook, table: str) -> dict[str, str]:
    """``{export header, lower case: column}`` of a table's questions (not multiple choice)."""
    q, _ = _tables(codebook)
    q = q[(q["table"] == table) & (q["type"] != "multi")]
    return {h.lower(): c for h, c in zip(q["ls_header"], q["column"], strict=True)}


def options_of(codebook: Codebook, table: str) -> dict[str, tuple[str, str]]:
    """``{export header, lower case: (column, code)}`` of the multiple-choice options."""
    _, c = _tables(codebook)
    c = c[(c["table"] == table) & (c["ls_header"] != "")]
    return {h.lower(): (col, code)
            for h, col, code in zip(c["ls_header"], c["column"], c["code"], strict=True)}


def answers_of(codebook: Codebook, table: str) -> dict[str, dict[str, str]]:
    """``{column: {answer code, lower case: codebook answer}}`` (``DK``: ``dont_know``)."""
    _, c = _tables(codebook)
    c = c[(c["table"] == table) & (c["ls_header"] == "")]
    out: dict[str, dict[str, str]] = {}
    for col, code, answer in zip(c["column"], c["code"], c["ls_answer"], strict=True):
        out.setdefault(col, {})[str(answer).lower()] = str(code)
    for col, answers in out.items():
        if "other" in codebook.tables[table].columns[col].codes:
            answers.setdefault("-oth-", "other")
    return out


def is_limesurvey(headers: list[str], codebook: Codebook, table: str) -> bool:
    """LimeSurvey's response columns and at least one question code of ``table``."""
    lowered = {normalise_header(h) for h in headers}
    if table not in ("company_survey", "worker_survey") or not lowered & MARKERS:
        return False
    return bool(lowered & (set(headers_of(codebook, table)) | set(options_of(codebook, table))))


def layout(raw: RawTable, codebook: Codebook, table: str) -> KoboLayout:
    """Headers of a LimeSurvey export: renamed to columns, meta dropped, options grouped."""
    questions, options = headers_of(codebook, table), options_of(codebook, table)
    out = KoboLayout()
    for header in raw.headers:
        key = normalise_header(header)
        if key in questions:
            out.rename[header] = questions[key]
        elif key in options:
            column, code = options[key]
            out.choices.setdefault(column, []).append((header, code))
        elif key in META:
            out.dropped.append(header)
        else:
            out.rename[header] = header
    return out


def not_shown(cells: pd.Series) -> pd.Series:
    """``N/A`` (a question not shown) as an empty cell."""
    return cells.where(cells.str.strip().str.lower() != NOT_SHOWN, "")
