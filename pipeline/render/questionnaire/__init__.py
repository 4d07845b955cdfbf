"""``welfare questionnaire``: the company and worker questionnaires, generated from the codebook.

For each of ``company_survey`` and ``worker_survey``, in one language:

* ``<table>_limesurvey.txt`` LimeSurvey survey structure (tab-separated import format),
* ``<table>_codes.csv`` the mapping codebook <-> LimeSurvey and XLSForm codes,
* ``<table>_xlsform.xlsx`` XLSForm for KoboToolbox / ODK,
* ``<table>.pdf`` the printable A4 questionnaire.

Codes: :mod:`pipeline.codebook.survey_codes`; wording: ``questionnaire_texts.yaml``.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.atomic import make_folder
from pipeline.codebook.survey_codes import SURVEY_TABLES
from pipeline.render.questionnaire.limesurvey import write_limesurvey, write_mapping
from pipeline.render.questionnaire.paper import write_paper
from pipeline.render.questionnaire.xlsform import write_xlsform

__all__ = ["write_questionnaires"]


def write_questionnaires(out: Path, lang: str = "it", *, pdf: bool = True) -> list[Path]:
    """Write every form of both questionnaires into ``out``; return the files written."""
    make_folder(Path(out))
    written: list[Path] = []
    for table in SURVEY_TABLES:
        written.append(write_limesurvey(table, out / f"{table}_limesurvey.txt", lang))
        written.append(write_mapping(table, out / f"{table}_codes.csv"))
        written.append(write_xlsform(table, out / f"{table}_xlsform.xlsx", lang))
        if pdf:
            written.append(write_paper(table, out / f"{table}.pdf", lang))
    return written
