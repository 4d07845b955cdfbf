"""The files of the data-quality gate: the report in both languages, its JSON, the site's
summary. :func:`write_result_files` writes them all, wherever the report of a wave goes
(``data/work/quality/<wave>/`` for a wave that passed, ``data/work/failed/<wave>/`` for
one that was stopped); :func:`clear_failed` removes a stale failed-run folder.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.config import QUALITY_SUMMARY, Paths
from pipeline.i18n.formatting import normalize_lang
from pipeline.validate.result import ValidationResult

__all__ = ["REPORT_LANGS", "REPORT_NAME", "RESULT_NAME", "SUMMARY_NAME", "clear_failed",
           "report_pages", "write_result_files"]

#: File names of the data-quality report and its machine-readable twin.
REPORT_NAME = "data_quality.html"
RESULT_NAME = "data_quality.json"
#: What the site's index says about the gate, per language.
SUMMARY_NAME = QUALITY_SUMMARY
#: The languages the report is written in.
REPORT_LANGS = ("it", "en")


def report_pages() -> dict[str, str]:
    """The file name of the report in each language.

    The names do not depend on who asks: ``data_quality.html`` is always the Italian page
    (the one the Italian site publishes), ``data_quality.<lang>.html`` the others, so a
    ``welfare validate --lang en`` cannot leave English where the Italian page belongs.

    Returns
    -------
    dict
        ``{"it": "data_quality.html", "en": "data_quality.en.html"}``.
    """
    return {lang: REPORT_NAME if lang == REPORT_LANGS[0] else f"data_quality.{lang}.html"
            for lang in REPORT_LANGS}


def write_result_files(result: ValidationResult, folder: Path, lang: str = "it") -> Path:
    """Write everything a data-quality folder holds; return the page in ``lang``.

    The files, written atomically into ``folder`` (created if needed):

    ``data_quality.html`` and ``data_quality.en.html``
        The report in Italian and in English (:func:`report_pages`).
    ``data_quality.json``
        The result, without personal values (:meth:`ValidationResult.to_dict`).
    ``site_summary.json``
        ``{lang: result.site_summary("data_quality.html", lang)}`` for ``it`` and ``en``:
        what the site's index says about the gate (each language's site publishes its
        page as ``data_quality.html``).

    Parameters
    ----------
    result
        What :func:`validate_wave` (or :func:`input_error_result`) returned.
    folder
        The wave's quality folder (``data/work/quality/<wave>/``) or failed-run folder.
    lang
        The language of the page returned: ``"it"`` (default) or ``"en"``. Both languages
        are always written.

    Returns
    -------
    pathlib.Path
        The report in ``lang``: ``folder / "data_quality.html"`` in Italian,
        ``folder / "data_quality.en.html"`` in English.
    """
    from pipeline.atomic import write_text_atomic
    from pipeline.validate.report import write_quality_report

    folder = Path(folder)
    pages = report_pages()
    for page_lang, name in pages.items():
        write_quality_report(result, folder / name, lang=page_lang)
    write_text_atomic(folder / RESULT_NAME,
                      json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    summaries = {page_lang: result.site_summary(REPORT_NAME, page_lang)
                 for page_lang in REPORT_LANGS}
    write_text_atomic(folder / SUMMARY_NAME, json.dumps(summaries, indent=2, ensure_ascii=False,
                                                        default=str) + "\n")
    return folder / pages[normalize_lang(lang)]


def clear_failed(wave: str, paths: Paths) -> None:
    """Remove a stale failed-run report of ``wave`` once the wave passes.

    Parameters
    ----------
    wave
        The wave's label.
    paths
        The project's paths (:meth:`pipeline.config.Paths.failed_wave`); the folder itself
        goes too when nothing else is left in it.
    """
    failed_dir = paths.failed_wave(wave)
    for name in (*report_pages().values(), RESULT_NAME, SUMMARY_NAME):
        (failed_dir / name).unlink(missing_ok=True)
    if failed_dir.is_dir() and not any(failed_dir.iterdir()):
        failed_dir.rmdir()
