"""The confidential tree of a wave: one folder per company, named so that nobody guesses it.

The company reports of a wave live outside the public sites, in ``confidential/<wave>/``
(:meth:`pipeline.config.Paths.confidential_wave`), a private tree (owner-only files)::

    confidential/<wave>/
        README.md                   who may receive what; which folder is whose company
        <folder>/report.html        the Italian report (report.pdf: to print)
        <folder>/report-en.html     the English one, when built (report-en.pdf)

A company's ``<folder>`` is :func:`company_folder`: the first :data:`FOLDER_LENGTH` hex
digits of an HMAC-SHA256, keyed with the project's secret (:func:`project_key`, kept in
``data/work/confidential.key``), of the wave's label and the company's id. It is

* never a value of the wave (ids and names are data, never paths);
* not guessable, not sequential, and the same company's folders of two waves are unrelated,
  so neither a listing nor a forwarded path tells who is who;
* stable across runs while the key stays, so a company's report is rebuilt only when its
  inputs change. A lost key is remade at the next run: the reports are rebuilt under new
  names and the old folders dropped as stale.

The README (``pipeline/render/templates/confidential/README.md.j2``, its words in
``pipeline/i18n/texts/confidential_texts.yaml``) lies in the private tree: it may name the
companies, and does, so the researcher can find each one's folder. Values from the data go
into it through :func:`md_text`.

The companies of a wave and their names come from its manifest
(:func:`pipeline.wave.surveyed_companies`), so planning a run never opens a table: a rerun
with nothing to redo imports neither pyarrow nor pandas (Jinja is imported only to write
the README).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.atomic import write_once, write_text_atomic
from pipeline.config import DEFAULT_LANG, LANGUAGES, TEMPLATES_DIR, Paths
from pipeline.errors import PipelineError
from pipeline.i18n.text import text
from pipeline.wave import (
    read_company_ids,
    read_company_names,
    read_manifest,
    surveyed_companies,
    wave_title,
)

if TYPE_CHECKING:
    import jinja2

__all__ = ["FOLDER_LENGTH", "README", "CompanyReport", "ConfidentialKeyError", "company_folder", "company_ids",
           "company_names", "company_reports", "md_text", "project_key", "readme_markdown",
           "report_files", "report_name", "template", "titles", "wave_companies",
           "write_readme"]

#: Hex digits of a company folder's name (80 bits).
FOLDER_LENGTH = 20
#: Bytes of the project's secret key.
KEY_BYTES = 32
#: The README of a wave's confidential folder (and of a company's bundle).
README = "README.md"
#: The file name, without extension, of a company's report in the default language.
REPORT = "report"
#: The formats a company report is published in.
FORMATS = ("html", "pdf")


class ConfidentialKeyError(PipelineError):
    """The project's key file exists but does not hold a key."""


# --- names ------------------------------------------------------------------------------------

def project_key(paths: Paths) -> bytes:
    """The project's secret key (:attr:`Paths.confidential_key`), made on first use.

    32 random bytes written as hex, owner-only, created once even by two runs at once
    (:func:`pipeline.atomic.write_once`).

    Raises
    ------
    ConfidentialKeyError
        The file exists and does not hold a key (edited by hand, truncated).
    """
    path = paths.confidential_key
    held = write_once(path, (secrets.token_hex(KEY_BYTES) + "\n").encode("ascii"))
    try:
        key = bytes.fromhex(held.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) < KEY_BYTES:
        raise ConfidentialKeyError(f"{path} does not hold a key ({KEY_BYTES} bytes in hex): delete it "
                        "and run again; the company reports get folders with new names")
    return key


def company_folder(key: bytes, wave: str, company_id: str) -> str:
    """The name of the folder of ``company_id``'s report in ``confidential/<wave>/``.

    Parameters
    ----------
    key
        The project's secret (:func:`project_key`).
    wave, company_id
        The wave's label and the company's id as in the data (any string).

    Returns
    -------
    str
        :data:`FOLDER_LENGTH` lowercase hex digits.
    """
    message = f"{wave}\0{company_id}".encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:FOLDER_LENGTH]


def report_name(lang: str) -> str:
    """A company report's file name without extension: ``report`` in the default language,
    ``report-<lang>`` in the others."""
    return REPORT if lang == DEFAULT_LANG else f"{REPORT}-{lang}"


def report_files(lang: str) -> tuple[str, ...]:
    """The files of a company report in ``lang``, in its company's folder."""
    return tuple(f"{report_name(lang)}.{ext}" for ext in FORMATS)


def company_reports(folder: Path) -> list[str]:
    """The report files present in a company's folder (regular files, not links), in
    language then format order."""
    return [name for lang in LANGUAGES for name in report_files(lang)
            if (folder / name).is_file() and not (folder / name).is_symlink()]


# --- the companies of a wave ------------------------------------------------------------------

def company_ids(paths: Paths, wave: str) -> list[str]:
    """The companies that answered the company survey (one confidential report each),
    sorted: from the processed wave's manifest, from its Parquet file when the manifest
    predates the list."""
    listed = surveyed_companies(read_manifest(paths, wave))
    if listed is None:
        return read_company_ids(paths.processed_wave(wave))
    return [cid for cid, _ in listed]


def company_names(paths: Paths, wave: str) -> dict[str, str]:
    """The surveyed companies' names (``companies.name``, blanks collapsed), for the
    titles of their confidential reports; empty when the wave has no names. From the
    manifest, or, when it predates the list, every mapped company's name from the Parquet
    file. Names are data: the templates escape them."""
    listed = surveyed_companies(read_manifest(paths, wave))
    if listed is None:
        return read_company_names(paths.processed_wave(wave))
    return {cid: name for cid, name in listed if name}


@dataclass(frozen=True)
class CompanyReport:
    """One company of a wave and where its report is."""

    company_id: str
    name: str | None
    folder: str


def wave_companies(paths: Paths, wave: str) -> list[CompanyReport]:
    """Every surveyed company of the processed wave, with its name and folder."""
    key = project_key(paths)
    names = company_names(paths, wave)
    return [CompanyReport(cid, names.get(cid), company_folder(key, wave, cid))
            for cid in company_ids(paths, wave)]


# --- the README -------------------------------------------------------------------------------

#: What :func:`md_text` escapes: what could start markup, a link, an HTML tag, an entity
#: or a code span, or end a table cell. The rest (``. ' - ( )``) stays as written, so the
#: README reads as well in a text editor as rendered.
_MARKUP = re.compile(r"([\\`*_\[\]<>|&~!])")


def md_text(value: object) -> str:
    r"""``value`` (a name, a code, a wave's title: data) as inert Markdown text, on one line.

    Lighter than :func:`pipeline.render.escape.markdown_escape` (which writes the HTML
    reports' Markdown): a README is read as plain text as often as rendered, so only the
    characters that could make markup are escaped, with a backslash.

    >>> print(md_text("Rossi & Figli S.r.l. <img src=x onerror=alert(1)>"))
    Rossi \& Figli S.r.l. \<img src=x onerror=alert(1)\>
    """
    return _MARKUP.sub(r"\\\1", " ".join(str(value).split()))


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    # Markdown, not HTML: values from the data are escaped by markdown_escape beforehand.
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "confidential"),
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=True,
                              autoescape=False)


def template(name: str) -> jinja2.Template:
    """A template of ``pipeline/render/templates/confidential/`` (Markdown)."""
    return _environment().get_template(name)


def titles(paths: Paths, wave: str) -> dict[str, str]:
    """The wave's title in each language, escaped for Markdown (it comes from wave.yaml)."""
    meta = (read_manifest(paths, wave) or {}).get("meta") or {}
    return {lang: md_text(wave_title({"label": wave, **meta}, lang))
            for lang in LANGUAGES}


def readme_markdown(paths: Paths, wave: str, companies: list[CompanyReport],
                    files: dict[str, list[str]]) -> str:
    """The README of ``confidential/<wave>/``: Italian, then English, then the index.

    Parameters
    ----------
    companies
        The wave's companies (:func:`wave_companies`).
    files
        ``{folder: [report files present]}`` (:func:`company_reports`).
    """
    wave_titles = titles(paths, wave)
    key_file = paths.confidential_key.relative_to(paths.root).as_posix()
    texts = {lang: {
        "title": text("confidential.readme_title", lang, wave_title=wave_titles[lang]),
        "holds": text("confidential.readme_holds", lang, wave=wave),
        "who": text("confidential.readme_who", lang),
        "rules": text("confidential.readme_rules", lang, wave=wave),
        "key": text("confidential.readme_key", lang, key_file=key_file),
        **{part: text(f"confidential.{part}", lang)
           for part in ("column_id", "column_name", "column_folder", "column_files")},
        "index": text("confidential.readme_index", lang),
        "none": text("confidential.readme_none", lang),
    } for lang in LANGUAGES}
    nothing = " / ".join(text("confidential.no_files", lang) for lang in LANGUAGES)
    entries = [{"company_id": md_text(c.company_id),
                "name": md_text(c.name) if c.name else "—", "folder": c.folder,
                "files": ", ".join(files.get(c.folder, [])) or nothing}
               for c in companies]
    return template("README.md.j2").render(
        langs=LANGUAGES, texts=texts, entries=entries).strip() + "\n"


def write_readme(tree: Path, paths: Paths, wave: str) -> Path:
    """Write ``README.md`` into ``tree`` (the wave's confidential folder or its stage),
    indexing the companies of the processed wave and the reports ``tree`` holds."""
    companies = wave_companies(paths, wave)
    files = {c.folder: company_reports(tree / c.folder) for c in companies}
    path = tree / README
    write_text_atomic(path, readme_markdown(paths, wave, companies, files))
    return path
