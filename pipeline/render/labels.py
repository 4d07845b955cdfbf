"""The fixed words of a report, in each language the reports are written in."""

from __future__ import annotations

from pipeline.i18n.formatting import normalize_lang
from pipeline.i18n.text import text

__all__ = ["DEFAULT_PROMOTERS", "LABELS", "label", "labels"]

#: Who promotes the project, as printed on the cover when no other list is given.
DEFAULT_PROMOTERS: tuple[str, ...] = (
    "Verona Innovazione — Azienda speciale della CCIAA di Verona",
    "Consigliera di Parità della Provincia di Verona",
    "Variazioni",
)

LABELS: dict[str, dict[str, str]] = {
    "it": {
        "wave": "Rilevazione",
        "date": "Data",
        "promoters": "Promotori",
        "contents": "Indice",
        "figure": "Figura",
        "table": "Tabella",
        "page_of": '"pagina " counter(page) " di " counter(pages)',
        "image_omitted": "immagine esterna omessa",
    },
    "en": {
        "wave": "Wave",
        "date": "Date",
        "promoters": "Promoted by",
        "contents": "Contents",
        "figure": "Figure",
        "table": "Table",
        "page_of": '"page " counter(page) " of " counter(pages)',
        "image_omitted": "external image omitted",
    },
}


def labels(lang: str) -> dict[str, str]:
    """Every fixed word in ``lang``, with the synthetic-data mark from the text catalogue
    (one wording for reports, site pages and the data-quality report)."""
    lang = normalize_lang(lang)
    return {**LABELS[lang], "synthetic": text("synthetic_mark", lang)}


def label(key: str, lang: str) -> str:
    """The word ``key`` (e.g. ``"figure"``) in ``lang``."""
    return labels(lang)[key]
