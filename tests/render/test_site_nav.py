"""Navigation between the pages of a wave: every page reaches the index and the others.

The site's own pages (index, methods, provenance) are rendered with the list of the wave's
pages; the section reports, the summary and the data-quality page are rendered on their
own (nbconvert, the gate) and get the same list from the site afterwards
(``pipeline.render.site.common.link_pages``), from the one list the index is made of.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers.report_nb import build_notebook, png_fixture  # noqa: F401 - fixture

from pipeline.render import html_to_pdf, render_html
from pipeline.render.site.common import WAVE_NAV_MARK, link_pages, nav_html, wave_nav

SECTIONS = [{"title": "Il contesto", "html": "01_context.html"},
            {"title": "I bisogni <dei> lavoratori", "html": "02_needs.html"},
            {"title": "Sintesi e linee guida", "html": "sintesi.html"}]


def _hrefs(html: str) -> list[str]:
    nav = BeautifulSoup(html, "html.parser").select_one("nav.site-nav")
    return [a["href"] for a in nav.select("a")]


def test_the_wave_nav_lists_the_index_sections_and_site_pages(tmp_path):
    nav = wave_nav(SECTIONS, {"report": "data_quality.html"}, tmp_path, "it")
    assert [h for h, _ in nav] == ["index.html", "01_context.html", "02_needs.html",
                                   "sintesi.html", "methods.html", "provenance.html"]
    (tmp_path / "data_quality.html").write_text("<html></html>")
    nav = wave_nav(SECTIONS, {"report": "data_quality.html"}, tmp_path, "en")
    assert nav[-1] == ("data_quality.html", "Data-quality check")
    assert nav[0] == ("index.html", "Summary and reports")
    assert wave_nav([], None, tmp_path, "it")[1:] == [
        ("methods.html", "Nota metodologica"), ("provenance.html", "Provenienza dei risultati")]


def test_nav_html_is_a_labelled_landmark_with_the_current_page():
    nav = wave_nav(SECTIONS, None, Path("."), "it")
    html = nav_html(nav, "02_needs.html", "Pagine del sito")
    soup = BeautifulSoup(html, "html.parser")
    landmark = soup.select_one("nav.site-nav")
    assert landmark["aria-label"] == "Pagine del sito"
    assert [a.get("aria-current") for a in landmark.select("li > a")] == [
        None, None, "page", None, None, None]
    assert "I bisogni &lt;dei&gt; lavoratori" in html  # titles are escaped


@pytest.fixture
def report(png) -> str:
    return render_html(build_notebook(png), title="I bisogni dei lavoratori", wave="demo-2014",
                       date=datetime.date(2026, 11, 24))


def test_a_report_gets_the_nav_after_its_cover_outside_main(tmp_path, report):
    assert report.count(WAVE_NAV_MARK) == 1
    page = tmp_path / "02_needs.html"
    page.write_text(report, encoding="utf-8")
    (tmp_path / "01_context.html").write_text("<html><body>no mark</body></html>")
    nav = wave_nav(SECTIONS, None, tmp_path, "it")
    assert link_pages(tmp_path, nav, "Pagine del sito") == [page]
    linked = page.read_text(encoding="utf-8")
    soup = BeautifulSoup(linked, "html.parser")
    landmark = soup.select_one("nav.site-nav")
    assert landmark.find_parent("main") is None and landmark.find_parent("header") is None
    assert landmark.find_previous_sibling("header") is not None
    assert landmark.find_next_sibling("nav")["class"] == ["toc"]
    assert _hrefs(linked)[0] == "index.html"
    assert landmark.select_one("[aria-current]")["href"] == "02_needs.html"
    assert (tmp_path / "01_context.html").read_text() == "<html><body>no mark</body></html>"


def test_linking_again_replaces_the_nav(tmp_path, report):
    """A report reused from the last run is linked to this run's pages, once."""
    page = tmp_path / "02_needs.html"
    page.write_text(report, encoding="utf-8")
    link_pages(tmp_path, wave_nav(SECTIONS, None, tmp_path, "it"), "Pagine del sito")
    fewer = wave_nav(SECTIONS[1:2], None, tmp_path, "it")
    link_pages(tmp_path, fewer, "Pagine del sito")
    linked = page.read_text(encoding="utf-8")
    assert linked.count('class="site-nav"') == 1
    assert _hrefs(linked) == ["index.html", "02_needs.html", "methods.html", "provenance.html"]
    assert link_pages(tmp_path, fewer, "Pagine del sito") == []  # nothing changes


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_the_nav_is_not_printed(tmp_path, report):
    page = tmp_path / "02_needs.html"
    page.write_text(report, encoding="utf-8")
    link_pages(tmp_path, wave_nav(SECTIONS, None, tmp_path, "it"), "Pagine del sito")
    pdf = html_to_pdf(page.read_text(encoding="utf-8"), tmp_path / "r.pdf")
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                             check=True).stdout
    assert "Provenienza dei risultati" not in printed and "Il contesto" not in printed


def test_the_quality_page_has_landmarks_and_the_mark():
    from pipeline.validate.report import quality_report_html
    from pipeline.validate.result import ValidationResult

    page = quality_report_html(ValidationResult(wave="demo-2014", checks=[]), "it")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("body > header") and soup.select_one("body > main")
    assert soup.select_one("body > footer")
    assert page.index("</header>") < page.index(WAVE_NAV_MARK) < page.index("<main>")
