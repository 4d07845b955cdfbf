"""The PDFs as a reader prints them: every page A4, a sensible page count, no blank page.

Each PDF of a built wave is turned into page images with poppler's ``pdftoppm`` (grey PGM,
read without PIL) and its text with ``pdftotext``: every page is A4 portrait, has something
printed between the running header and the footer, carries "pagina X di Y" with the right
numbers and, for a synthetic wave, the synthetic-data mark; every font is embedded so the
PDF prints the same anywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.readers import (
    A4_POINTS,
    POINT_TOLERANCE,
    BuiltSite,
    built_site,
    ink,
    pdf_fonts,
    pdf_info,
    pdf_pages_gray,
    pdf_text_pages,
    variance,
)

pytestmark = pytest.mark.slow

#: Page margins of the theme (report.css ``@page``: 22 mm top, 20 mm bottom) as fractions of
#: the A4 height: the running header and the footer live outside this band.
BODY_BAND = (22 / 297, 1 - 20 / 297)
#: Fewest dark pixels (at 40 dpi) between header and footer for a page not to be "blank".
MIN_INK = 40

#: Page counts a reader can expect: (fewest, most).
PAGE_COUNTS = {"methods.pdf": (2, 8), "provenance.pdf": (1, 4)}  # methods: 6 in DejaVu
SECTION_PAGES = (2, 60)  # a cover, then at least one page of content


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    return built_site(tmp_path_factory)


def _pdfs(site: BuiltSite):
    pdfs = site.pdf_files()
    assert pdfs, "the site has no PDF"
    return pdfs


def test_site_has_the_expected_pdfs(site):
    names = {p.name for p in _pdfs(site)}
    assert {"methods.pdf", "provenance.pdf"} <= names
    for html in site.site.glob("[0-9][0-9]_*.html"):
        assert html.with_suffix(".pdf").name in names, f"{html.name} has no PDF"


def _size_problems(pdf: Path, name: str, counts: tuple[int, int]) -> list[str]:
    problems = []
    info = pdf_info(pdf)
    lo, hi = counts
    if not lo <= info["pages"] <= hi:
        problems.append(f"{name}: {info['pages']} pages, expected {lo}-{hi}")
    if len(info["sizes"]) != info["pages"]:
        problems.append(f"{name}: sizes of {len(info['sizes'])} of {info['pages']} pages")
    for i, (w, h) in enumerate(info["sizes"], start=1):
        if abs(w - A4_POINTS[0]) > POINT_TOLERANCE or abs(h - A4_POINTS[1]) > POINT_TOLERANCE:
            problems.append(f"{name}, page {i}: {w} x {h} pt is not A4 portrait")
    return problems


def _blank_problems(pdf: Path, name: str, out: Path) -> list[str]:
    problems = []
    out.mkdir(parents=True, exist_ok=True)
    pages = pdf_pages_gray(pdf, out)
    expected = pdf_info(pdf)["pages"]
    if len(pages) != expected:
        problems.append(f"{name}: pdftoppm gave {len(pages)} images for {expected} pages")
    for i, page in enumerate(pages, start=1):
        body = page.region(*BODY_BAND)
        if variance(page.pixels) == 0:
            problems.append(f"{name}, page {i}: blank")
        elif ink(body) < MIN_INK:
            problems.append(f"{name}, page {i}: nothing between header and footer "
                            f"({ink(body)} dark pixels)")
    return problems


def _footer_problems(pdf: Path, name: str, lang: str, synthetic: bool) -> list[str]:
    from pipeline.i18n.text import text

    problems = []
    pages = pdf_text_pages(pdf)
    n = pdf_info(pdf)["pages"]
    if len(pages) != n:
        problems.append(f"{name}: text of {len(pages)} of {n} pages")
    mark = " ".join(text("synthetic_mark", lang).split())
    for i, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        footer = f"pagina {i} di {n}" if lang == "it" else f"page {i} of {n}"
        if footer not in flat:
            problems.append(f"{name}, page {i}: no '{footer}'")
        if synthetic and mark not in flat:
            problems.append(f"{name}, page {i}: no synthetic-data mark")
    return problems


def test_pages_are_a4_and_counted(site):
    problems = [p for pdf in _pdfs(site) for p in _size_problems(
        pdf, site.rel(pdf), PAGE_COUNTS.get(pdf.name, SECTION_PAGES))]
    assert not problems, "\n".join(problems)


def test_no_page_is_blank(site, tmp_path):
    problems = [p for pdf in _pdfs(site) for p in _blank_problems(
        pdf, site.rel(pdf), tmp_path / site.rel(pdf).replace("/", "_"))]
    assert not problems, "\n".join(problems)


def test_every_page_is_numbered_and_marked(site):
    problems = [p for pdf in _pdfs(site) for p in _footer_problems(
        pdf, site.rel(pdf), site.lang_of(pdf), site.synthetic)]
    assert not problems, "\n".join(problems)


def test_the_page_checks_catch_what_they_should(tmp_path):
    """A Letter-sized PDF with an empty page and no footer is caught on each count."""
    from weasyprint import HTML

    pdf = tmp_path / "bad.pdf"
    HTML(string="<style>@page { size: letter; @top-left { content: 'header' } }</style>"
                "<p>Una pagina.</p><div style='break-before: page'></div>"
                "<p style='break-before: page'>Un'altra.</p>").write_pdf(pdf)
    found = "\n".join(_size_problems(pdf, "bad", (1, 2)) + _blank_problems(pdf, "bad", tmp_path / "img")
                      + _footer_problems(pdf, "bad", "it", True))
    for expected in ("bad: 3 pages, expected 1-2", "page 1: 612.0 x 792.0 pt is not A4",
                     "bad, page 2: nothing between header and footer",
                     "page 1: no 'pagina 1 di 3'", "page 3: no synthetic-data mark"):
        assert expected in found, f"not caught: {expected}\n{found}"


def test_fonts_are_embedded(site):
    missing = [f"{site.rel(pdf)}: {font['name']}" for pdf in _pdfs(site)
               for font in pdf_fonts(pdf) if font["emb"] != "yes"]
    assert not missing, "fonts not embedded (the PDF would print differently):\n" + \
        "\n".join(missing)
    foreign = [f"{site.rel(pdf)}: {font['name']}" for pdf in _pdfs(site)
               for font in pdf_fonts(pdf)
               if not font["name"].split("+")[-1].startswith(("Welfare-Report-", "DejaVu"))]
    assert not foreign, "fonts other than the reports' DejaVu (machine-dependent):\n" + \
        "\n".join(foreign)
