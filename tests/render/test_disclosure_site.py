"""Nothing personal in a built site: no respondent id, no free text, no small cell.

``pipeline.analyse.disclosure.scan_site`` reads every published text file (HTML, CSV, ...) of a
site built from a demo wave; the PDFs are read too, as their text (``pdftotext``), since a
reader forwards those. The respondent ids and the free-text answers are those of the wave
itself, so the check knows exactly what must not appear. Company names (never published)
are looked for as well, outside the confidential per-company reports.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers.readers import BuiltSite, built_site, pdf_text_pages

from pipeline.analyse.disclosure import MIN_TEXT_LENGTH, scan_site

pytestmark = pytest.mark.slow

#: Company names shorter than this are ordinary words ("Delta"), not identifying.
MIN_NAME_LENGTH = 8


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    return built_site(tmp_path_factory)


@pytest.fixture(scope="module")
def secrets(site: BuiltSite) -> dict[str, list[str]]:
    """What the wave holds that must never be published."""
    from pipeline.wave import read_processed

    tables = read_processed(site.processed).tables
    workers, survey = tables["worker_survey"], tables["company_survey"]
    texts = [t for col, df in (("comments", workers), ("proposals", survey))
             if col in df.columns for t in df[col].dropna().astype(str)]
    names = [n for n in tables["companies"].get("name", pd.Series(dtype="str")).dropna()
             .astype(str) if len(n) >= MIN_NAME_LENGTH]
    return {"ids": workers["resp_id"].dropna().astype(str).tolist(), "texts": texts,
            "names": names}


def test_the_wave_has_something_to_hide(secrets):
    """Otherwise the scan below would pass for want of anything to look for."""
    assert len(secrets["ids"]) >= 100
    assert sum(len(t.strip()) >= MIN_TEXT_LENGTH for t in secrets["texts"]) >= 5, (
        "the demo wave has no free-text answers long enough to be scanned for")


def test_site_files_disclose_nothing(site, secrets):
    findings = scan_site(site.site, respondent_ids=secrets["ids"], free_texts=secrets["texts"],
                         min_cell=site.min_cell)
    assert findings == [], "\n".join(map(str, findings))


def test_publish_checks_the_site_the_same_way(site):
    """``welfare publish`` runs the scan, its secrets read from the processed wave."""
    from pipeline.config import Paths
    from pipeline.publish.checks import site_findings, wave_secrets

    paths = Paths(site.root)
    assert len(wave_secrets(site.wave, paths).respondent_ids) >= 100
    assert site_findings(site.wave, paths, cell=site.min_cell) == []


def test_no_company_report_under_reports(site):
    """The company reports are in ``confidential/<wave>/``, none under ``reports/``."""
    reports = site.root / "reports"
    assert site.confidential is not None and list(site.confidential.glob("*/report.html"))
    assert not [p for p in reports.rglob("*") if "confidential" in p.parts
                or p.name.startswith("report")]


def test_pdf_text_discloses_nothing(site, secrets, tmp_path):
    """The PDFs' text, extracted as a reader would copy it, goes through the same scan."""
    pdfs = site.pdf_files()
    assert pdfs
    for pdf in pdfs:
        rel = Path(site.rel(pdf))  # the company reports' too
        out = tmp_path / rel.with_suffix(".pdf.txt")
        out.parent.mkdir(parents=True, exist_ok=True)
        # pdftotext breaks lines where the layout does: scan the text as one line too.
        text = "\n".join(pdf_text_pages(pdf))
        out.write_text(text + "\n" + " ".join(text.split()), encoding="utf-8")
    findings = scan_site(tmp_path, respondent_ids=secrets["ids"], free_texts=secrets["texts"],
                         min_cell=site.min_cell)
    assert findings == [], "\n".join(map(str, findings))


def _public_text(site: BuiltSite, tmp: Path) -> dict[str, str]:
    contents = {}
    for path in sorted(site.site.rglob("*")):
        rel = path.relative_to(site.site)
        # the per-company reports live apart (confidential/<wave>/); a folder of an older
        # version would name its company: not public
        if not path.is_file() or "confidential" in rel.parts[:2]:
            continue
        if path.suffix == ".pdf":
            text = "\n".join(pdf_text_pages(path))
            contents[str(rel)] = text + "\n" + " ".join(text.split())
        elif path.suffix in (".html", ".csv", ".json", ".txt", ".md", ".svg"):
            contents[str(rel)] = path.read_text(encoding="utf-8", errors="replace")
    return contents


def test_public_site_names_no_company(site, secrets, tmp_path):
    contents = _public_text(site, tmp_path)
    leaks = [f"{name}: {name_of}" for name, text in contents.items()
             for name_of in secrets["names"] if name_of in text]
    assert not leaks, "company names in the public site:\n" + "\n".join(leaks[:20])


def test_public_index_never_links_confidential_reports(site):
    for page in site.site.rglob("*.html"):
        if "confidential" in page.relative_to(site.site).parts:
            continue
        assert 'href="confidential' not in page.read_text(encoding="utf-8"), page.name


def test_every_figure_is_one_its_notebook_drew_and_described(site):
    """A figure whose only alternative text is its label ("Figura 2") was not shown by
    ``pipeline.notebook.show_figure``: a figure left open in the process that ran the
    notebook (by an earlier notebook, or by the parent that forked the worker), published
    in a report it does not belong to. Found once in the sections each worker ran first."""
    import re
    from html import unescape

    bare = re.compile(r"^(Figura|Figure) \d+$")
    stray = [f"{site.rel(page)}: {alt}" for page in site.html_files()
             for alt in re.findall(r'<img\b[^>]*\balt="([^"]*)"', page.read_text("utf-8"))
             if bare.match(unescape(alt).strip())]
    assert not stray, "figures without their own description (strays?):\n" + "\n".join(stray)
