"""The XLSForm of a questionnaire (KoboToolbox, ODK): ``survey``, ``choices``, ``settings``.

Names are the codebook's column names, choice names the codebook's codes (or the answer
codes of :mod:`pipeline.codebook.survey_codes` where a code is not a plain token), so a
KoboToolbox export carries the contract's own names. Each section is a group (an array
question is a ``table-list`` group of its own); the skip rule is a ``relevant`` column.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from pipeline.atomic import write_bytes_atomic
from pipeline.i18n.text import text
from pipeline.render.questionnaire.model import Question, questionnaire

__all__ = ["xlsform_sheets", "write_xlsform"]

_SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "constraint",
                   "constraint_message", "appearance")


def _constraint(q: Question) -> tuple[str, str]:
    if q.type == "municipality":
        return "regex(., '^[0-9]{6}$')", "6 cifre / 6 digits"
    if q.max_items:
        return f"count-selected(.) <= {q.max_items}", f"max {q.max_items}"
    parts = []
    if q.minimum is not None:
        parts.append(f". >= {q.minimum:g}")
    if q.maximum is not None:
        parts.append(f". <= {q.maximum:g}")
    return " and ".join(parts), (f"{q.minimum:g} - {q.maximum:g}" if len(parts) == 2 else
                                 (f">= {q.minimum:g}" if q.minimum is not None else ""))


def _relevant(column: str) -> str:
    return f"${{{column}}} >= 1" if column else ""


def _survey_rows(q: Question) -> list[dict[str, str]]:
    required = "yes" if q.required and q.type != "id" else ""
    if q.is_array:
        rows = [{"type": "begin_group", "name": f"q{q.number}_{q.key}",
                 "label": f"{q.number}. {q.text}", "hint": q.note, "appearance": "table-list"}]
        rows += [{"type": q.xls_type, "name": r.column, "label": r.label,
                  "required": required, "relevant": _relevant(r.skipped_unless)}
                 for r in q.rows]
        return [*rows, {"type": "end_group", "name": f"q{q.number}_{q.key}"}]
    constraint, message = _constraint(q)
    return [{"type": q.xls_type, "name": q.rows[0].column, "label": f"{q.number}. {q.text}",
             "hint": q.note, "required": required, "constraint": constraint,
             "constraint_message": message if constraint else "",
             "appearance": "multiline" if q.type == "text" else ""}]


def xlsform_sheets(table: str, lang: str = "it") -> dict[str, pd.DataFrame]:
    """``{"survey", "choices", "settings"}`` of ``table``'s XLSForm in ``lang``."""
    survey: list[dict[str, str]] = [
        {"type": "note", "name": "privacy",
         "label": f"**{text('questionnaire.privacy_title', lang)}** "
                  f"{text('questionnaire.privacy', lang)}"}]
    choices: dict[tuple[str, str], dict[str, str]] = {}
    for section in questionnaire(table, lang):
        survey.append({"type": "begin_group", "name": section.name, "label": section.label})
        for q in section.questions:
            survey += _survey_rows(q)
            for o in q.options:
                choices.setdefault((q.choice_list, o.xls_choice), {
                    "list_name": q.choice_list, "name": o.xls_choice, "label": o.label})
        survey.append({"type": "end_group", "name": section.name})
    settings = pd.DataFrame([{
        "form_title": text(f"questionnaire.title.{table}", lang),
        "form_id": f"welfare_{table}", "default_language": lang, "style": "pages",
    }])
    return {"survey": pd.DataFrame(survey, columns=list(_SURVEY_COLUMNS)).astype(object).fillna(""),
            "choices": pd.DataFrame(list(choices.values())),
            "settings": settings}


def write_xlsform(table: str, path: Path, lang: str = "it") -> Path:
    """Write ``table``'s XLSForm to ``path`` (.xlsx, openpyxl)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in xlsform_sheets(table, lang).items():
            frame.to_excel(writer, sheet_name=name, index=False)
    write_bytes_atomic(Path(path), buffer.getvalue())
    return Path(path)
