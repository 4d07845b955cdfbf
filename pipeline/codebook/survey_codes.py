"""The one mapping between the codebook and the names survey tools give to questions and answers.

A questionnaire made by ``welfare questionnaire`` and the readers of the tools' exports both
take their names from here, so an export of that questionnaire needs no hand-made mapping.

Rules (deterministic: the same codebook always gives the same codes)
--------------------------------------------------------------------
* **Questions.** Every raw column of ``company_survey`` and ``worker_survey`` is asked. A
  family (``m_{measure}``, ``need_imp_{measure}``, ``wfc_{item}``...) is one LimeSurvey array
  question whose subquestions are its members; any other column is a question of its own.
* **LimeSurvey question codes** (letters and digits, first a letter, at most 20 characters:
  LimeSurvey's documented rule for question codes) are the column name, or the family's
  prefix, in lower camel case: ``welfare_budget_per_emp`` -> ``welfareBudgetPerEmp``,
  ``need_imp_{measure}`` -> ``needImp``.
* **LimeSurvey subquestion codes** (same rule) are the member's measure code or item without
  underscores (``FLEX_HOURS`` -> ``FLEXHOURS``, item 3 -> ``SQ003``); for a multiple-choice
  column, the answer code of the option. Named after the measure, not numbered: a measure
  added to the taxonomy does not shift the others.
* **Multiple choice** (``multi``): one LimeSurvey subquestion per option, coded like a
  member (``lack_info`` -> ``lackinfo``); the export header is ``barriers[lackinfo]``.
* **LimeSurvey answer codes** (letters and digits, at most 5 characters) are the codebook's
  codes when every code of the list fits, else ``A1``..``An`` in codebook order for the whole
  list. "Don't know" where the codebook allows it (``dont_know: true``) is ``DK``. Booleans are
  LimeSurvey Yes/No questions: ``Y`` = 1, ``N`` = 0.
* **XLSForm names** are the codebook's column names (already valid XML names); groups are
  named by section; choice lists by code list or scale (``importance4_dk`` with "don't
  know"); choice names are the codebook's codes when every code of the list is a plain
  token (letters, digits, ``_ . -``), else the LimeSurvey answer codes.
* **Skip rules** (:data:`SKIP_RULES`): the questions on childcare measures are asked only of
  workers with a child under 14 (the codebook's ``has_child_u14``: ``n_children_u14 >= 1``).
  A skipped question arrives empty (LimeSurvey writes ``N/A``) and is read as missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from pipeline.codebook import Codebook, Column, load_codebook

__all__ = [
    "DONT_KNOW_CODE", "LS_ANSWER_MAX", "LS_CODE_MAX", "SKIP_RULES", "SURVEY_TABLES",
    "SkipRule", "answer_codes", "choice_table", "ls_code", "question_table",
    "sections", "skip_rule_for",
]

#: The tables a questionnaire asks, in questionnaire order.
SURVEY_TABLES = ("company_survey", "worker_survey")
#: LimeSurvey: question and subquestion codes, letters and digits, first a letter.
LS_CODE_MAX = 20
#: LimeSurvey: answer option codes.
LS_ANSWER_MAX = 5
#: The answer code of "don't know" where the codebook keeps it apart.
DONT_KNOW_CODE = "DK"

_LS_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")
_LS_ANSWER = re.compile(r"^[A-Za-z0-9]{1,5}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_.\-]+$")

#: Sections of each questionnaire: ``(section, {it, en}, columns or family patterns)``.
_SECTIONS: dict[str, tuple[tuple[str, dict[str, str], tuple[str, ...]], ...]] = {
    "company_survey": (
        ("profile", {"it": "L'impresa e chi risponde", "en": "The company and the respondent"},
         ("company_id", "respondent_role", "union_rep", "second_level_agreement",
          "needs_survey_done", "welfare_budget_per_emp")),
        ("measures", {"it": "Le misure di welfare in azienda", "en": "Welfare measures in the company"},
         ("m_{measure}", "barriers")),
        ("network", {"it": "La rete e i servizi condivisi", "en": "The network and shared services"},
         ("interest_network", "interest_shared_{measure}", "willing_cofund_eur", "proposals")),
    ),
    "worker_survey": (
        ("about_you", {"it": "Lei e il suo lavoro", "en": "You and your job"},
         ("resp_id", "company_id", "gender", "age_band", "n_children_u14",
          "care_dependent_adult", "contract_type", "work_time", "hours_usual_week",
          "commute_min", "commute_mode", "municipality_res")),
        ("balance", {"it": "Lavoro e vita privata", "en": "Work and private life"},
         ("wlb_fit", "wfc_{item}", "fwc_{item}", "sat_wlb")),
        ("needs", {"it": "Bisogni e misure", "en": "Needs and measures"},
         ("need_imp_{measure}", "avail_{measure}", "top3_needs", "sat_measures",
          "intent_leave", "comments")),
    ),
}


@dataclass(frozen=True)
class SkipRule:
    """Ask ``table``'s questions on the measures of ``area`` only where ``column >= minimum``.

    ``condition`` names the codebook's derived flag the rule stands for; ``text`` is the
    filter as the paper form says it.
    """

    table: str
    area: str
    column: str
    minimum: int
    condition: str
    text: dict[str, str]


#: The skip rules the codebook implies.
SKIP_RULES: tuple[SkipRule, ...] = (
    SkipRule("worker_survey", "CHILDCARE", "n_children_u14", 1, "has_child_u14",
             {"it": "solo per chi ha figli sotto i 14 anni",
              "en": "only if you have children under 14"}),
)


def ls_code(name: str) -> str:
    """A LimeSurvey code from a snake_case name: lower camel case, letters and digits only.

    Raises ``ValueError`` when the result breaks LimeSurvey's rule (first a letter, at most
    20 characters).
    """
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    code = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else ""
    if not _LS_CODE.match(code):
        raise ValueError(f"{name!r} gives {code!r}, not a valid LimeSurvey code")
    return code


def _sq_code(col: Column) -> str:
    key = col.measure or col.name.rsplit("_", 1)[-1]
    code = _alnum_code(key)
    if not _LS_CODE.match(code):
        raise ValueError(f"{col.name!r}: no valid subquestion code ({code!r})")
    return code


def _alnum_code(key: str) -> str:
    code = re.sub(r"[^A-Za-z0-9]", "", key)[:LS_CODE_MAX]
    return f"SQ{int(code):03d}" if code.isdigit() else code


def _list_name(col: Column) -> str:
    base = col.scale or col.code_list or col.name
    return f"{base}_dk" if col.dont_know else base


def answer_codes(col: Column) -> dict[str, str]:
    """``{codebook code: LimeSurvey answer code}`` of a column, "don't know" included."""
    codes = list(col.codes)
    if col.type == "boolean":
        return {"1": "Y", "0": "N"}
    if col.type == "multi":  # options are subquestions: named after the code, as measures
        return {c: _alnum_code(c) for c in codes}
    if all(_LS_ANSWER.match(c) for c in codes) and DONT_KNOW_CODE not in codes:
        out = {c: c for c in codes}
    else:
        out = {c: f"A{i}" for i, c in enumerate(codes, start=1)}
    if col.dont_know:
        out["dont_know"] = DONT_KNOW_CODE
    return out


def _choice_names(col: Column) -> dict[str, str]:
    """``{codebook code: XLSForm choice name}``."""
    if col.type == "boolean":
        return {"1": "1", "0": "0"}
    ls = answer_codes(col)
    if all(_TOKEN.match(c) for c in col.codes):
        out = {c: c for c in col.codes}
        if col.dont_know:
            out["dont_know"] = "dont_know"
        return out
    return ls


def _code_label(cb: Codebook, col: Column, code: str, lang: str) -> str:
    if code == "dont_know" and code not in col.code_labels:
        return "Non so" if lang == "it" else "Don't know"
    return col.code_label(code, lang)


def _members(cb: Codebook, table: str) -> list[tuple[str, str, list[Column]]]:
    """``(section, family pattern or column, members)`` in questionnaire order."""
    cols = cb.tables[table].columns
    out: list[tuple[str, str, list[Column]]] = []
    for section, _, entries in _SECTIONS[table]:
        for entry in entries:
            members = [c for c in cols.values() if c.family == entry] if "{" in entry \
                else [cols[entry]]
            out.append((section, entry, members))
    return out


def sections(table: str, lang: str = "it") -> pd.DataFrame:
    """The sections of ``table``'s questionnaire: ``section``, ``label``, in order."""
    return pd.DataFrame([{"section": s, "label": lab[lang]} for s, lab, _ in _SECTIONS[table]])


def skip_rule_for(col: Column, codebook: Codebook | None = None) -> SkipRule | None:
    """The skip rule that applies to ``col``, if any."""
    cb = codebook or load_codebook()
    area = cb.area_of().get(col.measure or "") if col.measure else None
    for rule in SKIP_RULES:
        if rule.table == col.table and area == rule.area:
            return rule
    return None


def question_table(codebook: Codebook | None = None) -> pd.DataFrame:
    """Every question of both questionnaires, one row per codebook column, in order.

    Columns: ``table``, ``section``, ``number`` (question number in its questionnaire),
    ``column`` (codebook), ``family`` (pattern or empty), ``type`` (codebook type),
    ``ls_code`` (LimeSurvey question), ``ls_subcode`` (subquestion, empty when none),
    ``ls_header`` (the export header: ``code`` or ``code[sub]``; for multiple choice, the
    code alone: one header per option is in :func:`choice_table`), ``ls_type`` (LimeSurvey
    question type letter), ``xls_name`` (XLSForm), ``xls_type`` (``select_one list``...),
    ``choice_list`` (list name or empty), ``label_it``, ``label_en``, ``item_it``,
    ``item_en`` (the member's own label within an array: the measure or item), ``required``,
    ``relevance_column``, ``relevance_min`` (skip rule, empty when always asked),
    ``minimum``, ``maximum``, ``max_items``.
    """
    cb = codebook or load_codebook()
    rows: list[dict[str, object]] = []
    for table in SURVEY_TABLES:
        for number, (section, entry, members) in enumerate(_members(cb, table), start=1):
            for col in members:
                rows.append(_question_row(cb, table, section, number, entry, col))
    return pd.DataFrame(rows)


_LS_TYPES = {"id": "S", "text": "T", "category": "L", "multi": "M", "boolean": "Y",
             "integer": "N", "number": "N", "ordinal": "L", "municipality": "S"}
_XLS_TYPES = {"id": "text", "text": "text", "category": "select_one", "multi": "select_multiple",
              "boolean": "select_one", "integer": "integer", "number": "decimal",
              "ordinal": "select_one", "municipality": "text"}


def _item_label(cb: Codebook, col: Column, lang: str) -> str:
    if col.measure:
        return cb.measure_label(col.measure, lang)
    return col.name.rsplit("_", 1)[-1]


def _question_row(cb: Codebook, table: str, section: str, number: int, entry: str,
                  col: Column) -> dict[str, object]:
    family = entry if "{" in entry else ""
    code = ls_code(entry.split("{")[0].rstrip("_")) if family else ls_code(col.name)
    sub = _sq_code(col) if family else ""
    ls_type = "F" if family else _LS_TYPES[col.type]
    has_choices = col.type in ("category", "multi", "boolean", "ordinal")
    choice_list = ("yes_no" if col.type == "boolean" else _list_name(col)) if has_choices else ""
    rule = skip_rule_for(col, cb)
    return {
        "table": table, "section": section, "number": number, "column": col.name,
        "family": family, "type": col.type, "ls_code": code, "ls_subcode": sub,
        "ls_header": f"{code}[{sub}]" if sub else code, "ls_type": ls_type,
        "xls_name": col.name,
        "xls_type": f"{_XLS_TYPES[col.type]} {choice_list}".strip(),
        "choice_list": choice_list,
        "label_it": col.label_it, "label_en": col.label_en,
        "item_it": _item_label(cb, col, "it") if family else "",
        "item_en": _item_label(cb, col, "en") if family else "",
        "required": col.required,
        "relevance_column": rule.column if rule else "",
        "relevance_min": rule.minimum if rule else pd.NA,
        "minimum": col.minimum, "maximum": col.maximum, "max_items": col.max_items,
    }


def choice_table(codebook: Codebook | None = None) -> pd.DataFrame:
    """Every answer option of every question with options, one row per (column, code).

    Columns: ``table``, ``column``, ``choice_list``, ``order`` (1-based), ``code``
    (codebook code; ``dont_know`` for "don't know"), ``ls_answer`` (LimeSurvey answer code,
    or for multiple choice the subquestion code), ``ls_header`` (the export header of a
    multiple-choice option, ``code[sub]``; else empty), ``xls_choice`` (XLSForm choice
    name), ``label_it``, ``label_en``.
    """
    cb = codebook or load_codebook()
    q = question_table(cb)
    rows: list[dict[str, object]] = []
    for rec in q[q["choice_list"] != ""].itertuples(index=False):
        col = cb.column(rec.table, rec.column)
        ls = answer_codes(col)
        xls = _choice_names(col)
        codes = ["1", "0"] if col.type == "boolean" else list(ls)
        for order, code in enumerate(codes, start=1):
            rows.append({
                "table": rec.table, "column": rec.column, "choice_list": rec.choice_list,
                "order": order, "code": code, "ls_answer": ls[code],
                "ls_header": f"{rec.ls_code}[{ls[code]}]" if col.type == "multi" else "",
                "xls_choice": xls[code],
                "label_it": _yes_no(code, "it") if col.type == "boolean"
                else _code_label(cb, col, code, "it"),
                "label_en": _yes_no(code, "en") if col.type == "boolean"
                else _code_label(cb, col, code, "en"),
            })
    return pd.DataFrame(rows)


def _yes_no(code: str, lang: str) -> str:
    return {"1": {"it": "Sì", "en": "Yes"}, "0": {"it": "No", "en": "No"}}[code][lang]
