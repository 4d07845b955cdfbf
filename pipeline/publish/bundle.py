"""One company's bundle: its confidential report, ready to send to that company only.

``welfare publish <wave> --company ID DEST`` finds the company's folder in
``confidential/<wave>/`` (:mod:`pipeline.publish.companies`) and writes to ``DEST`` (a
folder or a ``.zip``, under the same rules as the site's publish: new, empty or an earlier
publish, never inside the project) the company's report, HTML and PDF, in each language
built (``report.*``, ``report-en.*``), and a ``README.md`` saying whom it is for. The
bundle's files are owner-only, as in the confidential tree.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.config import LANGUAGES, Paths, get_paths
from pipeline.i18n.text import text
from pipeline.publish.companies import (
    README,
    CompanyReport,
    company_reports,
    md_text,
    report_files,
    template,
    titles,
    wave_companies,
)
from pipeline.publish.destination import PublishError, check_destination
from pipeline.publish.write import Entry, write_publish

__all__ = ["bundle_readme", "find_company", "publish_company"]


def find_company(wave: str, company_id: str, paths: Paths) -> CompanyReport:
    """The surveyed company ``company_id`` of ``wave``, with its report's folder.

    Raises
    ------
    PublishError
        The wave is not processed, or has no such company in its company survey.
    """
    if not (paths.processed_wave(wave) / "company_survey.parquet").is_file():
        raise PublishError(f"{wave} has no processed company survey: run `welfare run {wave}` "
                           "first")
    for company in wave_companies(paths, wave):
        if company.company_id == company_id:
            return company
    readme = (paths.confidential_wave(wave) / README).relative_to(paths.root).as_posix()
    raise PublishError(f"no company {company_id!r} in the company survey of {wave} "
                       f"({readme} lists the companies and their codes)")


def _file_label(name: str, lang: str) -> str:
    """What one report file is, in ``lang``: "in italiano, PDF"..."""
    for file_lang in LANGUAGES:
        for file in report_files(file_lang):
            if file == name:
                ext = Path(name).suffix.lstrip(".")
                language = text(f"confidential.language_{file_lang}", lang)
                return text(f"confidential.file_{ext}", lang, language=language)
    raise ValueError(f"not a company report file: {name}")


def bundle_readme(paths: Paths, wave: str, company: CompanyReport, files: list[str]) -> str:
    """The bundle's README: whom it is for and what it holds, Italian then English."""
    wave_titles = titles(paths, wave)
    name = md_text(company.name or company.company_id)
    company_id = md_text(company.company_id)
    texts = {lang: {
        "title": text("confidential.bundle_title", lang, company=name,
                      wave_title=wave_titles[lang]),
        "for": text("confidential.bundle_for", lang, company=name, company_id=company_id),
        "files": text("confidential.bundle_files", lang),
        "keep": text("confidential.bundle_keep", lang),
    } for lang in LANGUAGES}
    listed = [{"name": f, "labels": {lang: _file_label(f, lang) for lang in LANGUAGES}}
              for f in files]
    return template("bundle_README.md.j2").render(
        langs=LANGUAGES, texts=texts, files=listed).strip() + "\n"


def publish_company(wave: str, company_id: str, destination: Path,
                    paths: Paths | None = None) -> list[Path]:
    """Write the bundle of ``company_id``'s report of ``wave`` to ``destination``.

    The destination is checked first, as for the site (:func:`check_destination`).
    Returns the files written, relative to the bundle (the marker not included).

    Raises
    ------
    PublishError
        An unknown company, a report not built yet, or a destination refused: nothing
        was written.
    """
    paths = paths or get_paths()
    company = find_company(wave, company_id, paths)
    folder = paths.confidential_wave(wave) / company.folder
    files = company_reports(folder)
    if not files:
        raise PublishError(f"the report of company {company_id!r} of {wave} is not built: "
                           f"run `welfare run {wave}` first")
    dest = check_destination(Path(destination), paths)
    entries = [Entry(Path(README), text=bundle_readme(paths, wave, company, files)),
               *(Entry(Path(name), source=folder / name) for name in files)]
    write_publish(entries, wave, dest, private=True)
    return [e.rel for e in entries]
