"""The printable A4 questionnaire for paper fieldwork (WeasyPrint).

Template and style: ``render/templates/questionnaire/``; every sentence from the catalogue
(``questionnaire_texts.yaml``), answer options from the codebook. Tick boxes for options, one
row per item in arrays, a ◆ on the rows the skip rule lets a respondent leave out.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from pipeline.config import TEMPLATES_DIR
from pipeline.i18n.text import text
from pipeline.render.pdf import html_to_pdf
from pipeline.render.questionnaire.model import questionnaire

__all__ = ["QUESTIONNAIRE_TEMPLATES", "paper_html", "write_paper"]

QUESTIONNAIRE_TEMPLATES = TEMPLATES_DIR / "questionnaire"


def paper_html(table: str, lang: str = "it") -> str:
    """The HTML of ``table``'s paper questionnaire in ``lang``."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(QUESTIONNAIRE_TEMPLATES),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    keys = ("privacy_title", "privacy", "how_to", "office_use", "thanks")
    return env.get_template("questionnaire.html.j2").render(
        lang=lang, sections=questionnaire(table, lang),
        title=text(f"questionnaire.title.{table}", lang),
        intro=text(f"questionnaire.intro.{table}", lang),
        css=(QUESTIONNAIRE_TEMPLATES / "questionnaire.css").read_text(encoding="utf-8"),
        **{k: text(f"questionnaire.{k}", lang) for k in keys},
    )


def write_paper(table: str, path: Path, lang: str = "it") -> Path:
    """Print ``table``'s questionnaire to an A4 PDF at ``path``."""
    return html_to_pdf(paper_html(table, lang), Path(path), lang=lang)
