"""Tagged, accessible PDFs (PDF/UA-1): what a screen reader needs from every PDF we print.

``pipeline.render.pdf.html_to_pdf`` writes WeasyPrint's ``pdf/ua-1`` variant. Each PDF is
read by two checkers that need no JVM (``helpers.pdf_ua.pdf_ua_problems``): the ``pdfua``
package (the machine-checkable subset of PDF/UA-1) and pikepdf (language, title, the PDF/UA
claim, bookmarks, figures' ``/Alt``, tables' header cells, no empty heading). A report
printed from a notebook carries its headings as bookmarks, each figure's caption as the
figure's alternative text and its tables with header cells; every PDF of a built site
passes.
"""

from __future__ import annotations

import datetime

import pytest
from helpers.pdf_ua import pdf_bookmarks, pdf_structure, pdf_ua_problems
from helpers.readers import BuiltSite, built_site
from helpers.report_nb import build_notebook, png_fixture  # noqa: F401 - fixture

from pipeline.render import html_to_pdf, render_html


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory, png):
    html = render_html(build_notebook(png), title="Rapporto di prova", wave="demo-2014",
                       date=datetime.date(2026, 11, 24))
    return html_to_pdf(html, tmp_path_factory.mktemp("ua") / "r.pdf")


def test_a_report_is_a_tagged_pdf_ua_document(report_pdf):
    assert pdf_ua_problems(report_pdf, "it") == []


def test_bookmarks_follow_the_headings(report_pdf):
    """The title (h1) at the top, the h2 sections under it, the h3 under their h2."""
    marks = pdf_bookmarks(report_pdf)
    assert marks[0] == (1, "Rapporto di prova")
    assert (2, "Contesto") in marks and (3, "Territorio") in marks
    assert marks.index((2, "Contesto")) < marks.index((3, "Territorio"))
    assert [t for d, t in marks].count("Risultati") == 2
    assert "Indice" not in [t for _, t in marks]  # the contents' title is not a heading


def test_figures_carry_their_caption_and_tables_their_headers(report_pdf):
    found = pdf_structure(report_pdf)
    assert "Imprese per classe" in found.alts  # the caption of the PNG figure
    assert "Schema dei servizi" in found.alts  # the SVG figure's caption
    assert found.tags["/Figure"] == len(found.alts) >= 3  # the unnumbered logo too
    assert all(found.alts)
    assert found.tags["/Table"] >= 1 and found.tags["/TH"] >= 2
    assert found.tags["/H1"] == 2 and found.tags["/H2"] >= 3  # the cover, the notebook


def test_the_english_report_says_so(tmp_path, png):
    html = render_html(build_notebook(png), title="Test report", wave="demo-2014", lang="en")
    pdf = html_to_pdf(html, tmp_path / "r.pdf")
    assert pdf_ua_problems(pdf, "en") == []
    assert "/Lang is 'en'" in " ".join(pdf_ua_problems(pdf, "it"))


def test_the_checks_catch_what_they_should(tmp_path, png):
    """An untagged PDF, and a tagged one with an image without text, an empty heading and
    a table without header cells, are caught on each count."""
    from weasyprint import HTML

    plain = tmp_path / "plain.pdf"
    HTML(string="<p>Niente titolo, niente lingua.</p>").write_pdf(plain)
    found = "\n".join(pdf_ua_problems(plain, "it"))
    for expected in ("untagged: no /StructTreeRoot", "/Marked is not true",
                     "/Lang is 'missing'", "DisplayDocTitle is not true", "no document title",
                     "do not claim PDF/UA-1", "no bookmarks", "no /H1"):
        assert expected in found, f"not caught: {expected}\n{found}"

    tagged = tmp_path / "tagged.pdf"
    HTML(string=f"<html lang='it'><head><title>T</title></head><body><h1>Titolo</h1>"
                f"<h2></h2><p><img src='data:image/png;base64,{png}'></p>"
                "<table><tr><td>1</td></tr></table></body></html>"
         ).write_pdf(tagged, pdf_variant="pdf/ua-1")
    found = "\n".join(pdf_ua_problems(tagged, "it"))
    for expected in ("1 /Figure without /Alt", "pdfua UA-13-004",
                     "1 /Table without a /TH cell", "pdfua UA-15-003", "empty headings: /H2"):
        assert expected in found, f"not caught: {expected}\n{found}"


# --- the built site -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    return built_site(tmp_path_factory)


@pytest.mark.slow
def test_every_pdf_of_the_site_is_pdf_ua(site):
    """Sections, summary, methods, provenance and the companies' reports: all PDF/UA-1."""
    pdfs = site.pdf_files()
    assert pdfs, "the site has no PDF"
    problems = {site.rel(pdf): found for pdf in pdfs
                if (found := pdf_ua_problems(pdf, site.lang_of(pdf)))}
    assert not problems, "PDFs a screen reader cannot read well:\n" + "\n".join(
        f"{name}:\n  " + "\n  ".join(items[:10]) for name, items in problems.items())


@pytest.mark.slow
def test_section_pdfs_have_a_bookmark_per_heading(site):
    """Every h2 of a section's HTML page is a bookmark of its PDF, in the same order."""
    from bs4 import BeautifulSoup

    sections = sorted(site.site.glob("[0-9][0-9]_*.html"))
    sections += sorted(site.site.glob("en/[0-9][0-9]_*.html"))
    assert sections
    for html in sections:
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        headings = [" ".join(h.get_text(" ", strip=True).split())
                    for h in soup.select("main h2")]
        marks = [t for depth, t in pdf_bookmarks(html.with_suffix(".pdf")) if depth == 2]
        assert marks == headings, f"{html.name}: bookmarks {marks} != headings {headings}"
