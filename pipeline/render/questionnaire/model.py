"""The questionnaires as the writers see them: numbered questions with their rows and options.

Built from :mod:`pipeline.codebook.survey_codes` (codes, order, skip rules) and the text
catalogue (``questionnaire_texts.yaml``: the wording of each question); answer options are
the codebook's labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.codebook import Codebook, load_codebook
from pipeline.codebook.survey_codes import (
    SKIP_RULES,
    choice_table,
    question_table,
    sections,
)
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import has_text, text

__all__ = ["Option", "Question", "Row", "Section", "questionnaire"]


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    ls_answer: str
    xls_choice: str


@dataclass(frozen=True)
class Row:
    """One member of an array question (or the question itself when it has no members)."""

    column: str
    label: str
    ls_subcode: str
    skipped_unless: str  # codebook column of the filter, empty when always asked


@dataclass(frozen=True)
class Question:
    number: int
    key: str  # column or family prefix: the catalogue key and the LimeSurvey code's source
    text: str
    type: str  # codebook type
    ls_code: str
    ls_type: str
    xls_type: str
    choice_list: str
    required: bool
    rows: tuple[Row, ...]
    options: tuple[Option, ...]
    minimum: float | None
    maximum: float | None
    max_items: int | None
    note: str  # a line under the question: how to answer, skip instructions

    @property
    def is_array(self) -> bool:
        return self.ls_type == "F"


@dataclass(frozen=True)
class Section:
    name: str
    label: str
    questions: tuple[Question, ...]


def _key(rec: pd.Series) -> str:
    return rec["family"].split("{")[0].rstrip("_") if rec["family"] else rec["column"]


def _number_or_none(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _row_label(rec: pd.Series, lang: str) -> str:
    key = f"questionnaire.item.{rec['column']}"
    if has_text(key):
        return text(key, lang)
    return str(rec[f"item_{lang}"] or rec[f"label_{lang}"])


def _note(group: pd.DataFrame, table: str, numbers: dict[str, int], lang: str) -> str:
    first = group.iloc[0]
    notes = []
    if first["ls_type"] == "F":
        notes.append(text("questionnaire.one_per_row", lang))
    if first["type"] == "multi":
        notes.append(text("questionnaire.choose_up_to", lang,
                          n=Formatter(lang).count(int(first["max_items"])))
                     if pd.notna(first["max_items"]) else text("questionnaire.choose_many", lang))
    for rule in SKIP_RULES:
        if rule.table == table and first["column"] == rule.column:
            targets = sorted({numbers[c] for c, r in _skipped(table).items() if r == rule.column})
            notes.append(text("questionnaire.skip_rows", lang,
                              questions=Formatter(lang).listing(str(t) for t in targets)))
    return " ".join(notes)


def _skipped(table: str) -> dict[str, str]:
    q = question_table()
    q = q[(q["table"] == table) & (q["relevance_column"] != "")]
    return dict(zip(q["column"], q["relevance_column"], strict=True))


def questionnaire(table: str, lang: str = "it",
                  codebook: Codebook | None = None) -> tuple[Section, ...]:
    """The questionnaire of ``table`` (``company_survey`` or ``worker_survey``) in ``lang``."""
    cb = codebook or load_codebook()
    q = question_table(cb)
    q = q[q["table"] == table]
    ch = choice_table(cb)
    ch = ch[ch["table"] == table]
    numbers = dict(zip(q["column"], q["number"], strict=True))
    out = []
    for sec in sections(table, lang).itertuples(index=False):
        questions = []
        for number, group in q[q["section"] == sec.section].groupby("number", sort=True):
            first = group.iloc[0]
            opts = ch[ch["column"] == first["column"]].sort_values("order")
            questions.append(Question(
                number=int(number), key=_key(first),
                text=text(f"questionnaire.q.{_key(first)}", lang),
                type=str(first["type"]), ls_code=str(first["ls_code"]),
                ls_type=str(first["ls_type"]), xls_type=str(first["xls_type"]),
                choice_list=str(first["choice_list"]), required=bool(first["required"]),
                rows=tuple(Row(str(r["column"]), _row_label(r, lang), str(r["ls_subcode"]),
                               str(r["relevance_column"])) for _, r in group.iterrows()),
                options=tuple(Option(str(o.code), str(getattr(o, f"label_{lang}")),
                                     str(o.ls_answer), str(o.xls_choice))
                              for o in opts.itertuples(index=False)),
                minimum=_number_or_none(first["minimum"]),
                maximum=_number_or_none(first["maximum"]),
                max_items=None if pd.isna(first["max_items"]) else int(first["max_items"]),
                note=_note(group, table, numbers, lang),
            ))
        out.append(Section(sec.section, sec.label, tuple(questions)))
    return tuple(out)
