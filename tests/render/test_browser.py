"""The site as a reader opens it: every HTML page of a built wave in real headless Chromium.

A page fails when the browser logs a console error or an exception, when it requests
anything but its own file (a script, a style sheet, a font or an image that is not
embedded: the reader is offline), when an image does not decode, or when a link is broken:
a missing file, a missing ``#anchor``, a link out of the site or to anything on the network,
or, from a public page, into ``confidential/``.

The browser is Debian's ``chromium`` (``apt-get install --no-install-recommends chromium``),
driven through the DevTools protocol over a pipe; without Chromium the test is skipped,
saying so, except on CI, where ``make test`` installs it and a missing browser fails.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from helpers.readers import (
    BuiltSite,
    Chromium,
    PageVisit,
    built_site,
    classify_link,
    open_chromium,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    return built_site(tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    yield from open_chromium()


@pytest.fixture(scope="module")
def visits(browser: Chromium, site: BuiltSite) -> dict[Path, PageVisit]:
    """Every HTML page of the site, loaded once."""
    return {page: browser.visit(page.as_uri()) for page in site.html_files()}


def _problems(site: BuiltSite, page: Path, visit: PageVisit,
              ids: dict[Path, set[str]]) -> list[str]:
    """Everything a reader of ``page`` would stumble on."""
    problems = [f"browser: {e}" for e in visit.errors]
    problems += [f"failed request: {f}" for f in visit.failed]
    for url in visit.requests:
        if url != page.as_uri() and not url.startswith("data:"):
            problems.append(f"loads a resource that is not embedded: {url[:100]}")
    dom = visit.dom
    if dom["scripts"]:
        problems.append(f"{dom['scripts']} <script> element(s)")
    if dom["stylesheets"]:
        problems.append(f"{dom['stylesheets']} linked style sheet(s)")
    for img in dom["images"]:
        if not img["src"].startswith("data:"):
            problems.append(f"image not embedded: {img['src']!r}")
        elif not (img["complete"] and img["width"] > 0 and img["height"] > 0):
            problems.append(f"image does not decode: {img['src']!r}...")
        if not (img["alt"] or "").strip():
            problems.append(f"image without alternative text: {img['src']!r}...")
    public = site.is_public(page)
    for href in dom["links"]:
        kind = classify_link(href)
        if kind == "external":
            problems.append(f"link out of the site: {href}")
            continue
        if kind == "fragment":
            if href[1:] and unquote(href[1:]) not in ids[page]:
                problems.append(f"link to a missing anchor: {href}")
            continue
        parts = urlsplit(href)
        target = (page.parent / unquote(parts.path)).resolve()
        if site.site.resolve() not in target.parents:
            problems.append(f"link out of the site folder: {href}")
        elif not target.is_file():
            problems.append(f"broken link: {href}")
        elif public and "confidential" in target.relative_to(site.site.resolve()).parts:
            problems.append(f"public page links a confidential report: {href}")
        elif target.stat().st_size == 0:
            problems.append(f"link to an empty file: {href}")
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in ids.get(target, set()):
                problems.append(f"link to a missing anchor: {href}")
    return problems


def test_every_page_opens_cleanly(site, visits):
    """No console error, nothing loaded from outside, every image decodes, no broken link."""
    assert (site.site / "index.html") in visits
    ids = {page.resolve(): set(v.dom["ids"]) for page, v in visits.items()}
    ids.update({page: set(v.dom["ids"]) for page, v in visits.items()})
    report = {}
    for page, visit in visits.items():
        problems = _problems(site, page, visit, ids)
        if problems:
            report[site.rel(page)] = problems
    assert not report, "what a reader would see:\n" + "\n".join(
        f"{page}:\n  " + "\n  ".join(items) for page, items in report.items())


def test_pages_are_in_the_reports_language_and_marked_synthetic(site, visits):
    from pipeline.i18n.text import text

    for page, visit in visits.items():
        lang = site.lang_of(page)
        dom = visit.dom
        name = site.rel(page)
        assert dom["lang"] == lang, f"{name}: <html lang={dom['lang']!r}>, expected {lang!r}"
        assert dom["title"].strip(), f"{name}: no <title>"
        assert len(dom["text"].strip()) > 200, f"{name}: almost no text on the page"
        if site.synthetic:
            assert text("synthetic_mark", lang) in dom["text"], (
                f"{name}: the synthetic-data mark is not visible")


def test_index_links_every_part_of_the_site(site, visits):
    """From the index a reader reaches every report, table, the methods and the provenance."""
    visit = visits[site.site / "index.html"]
    links = {h.split("#")[0] for h in visit.dom["links"] if classify_link(h) == "relative"}
    expected = {"methods.html", "methods.pdf", "provenance.html", "provenance.pdf"}
    for report in site.site.glob("[0-9][0-9]_*.html"):
        expected |= {report.name, report.with_suffix(".pdf").name}
    expected |= {f"tables/{p.name}" for p in (site.site / "tables").glob("*.csv")}
    if (site.site / "quality.html").is_file():
        expected.add("quality.html")
    assert expected - links == set(), f"not linked from the index: {sorted(expected - links)}"
    assert not [h for h in links if h.startswith("confidential")]
    # What the wave found comes first, in sentences with their figures (no chart first).
    from pipeline.i18n.text import text

    opening = visit.dom["text"][:2500]
    assert text("site.findings.title", "it") in opening, "the index does not open with findings"
    assert any(c.isdigit() for c in opening)


def test_pages_fit_a_screen(site, visits):
    """The site's own pages do not scroll sideways on a laptop screen (hashes wrap)."""
    width = Chromium.VIEWPORT[0]
    for name in ("index.html", "methods.html", "provenance.html"):
        dom = visits[site.site / name].dom
        assert dom["width"] <= width, f"{name} is {dom['width']} px wide in a {width} px window"


def test_every_page_reaches_every_other_page(site):
    """Each public page (the index, sections, summary, methods, provenance, data quality)
    has the wave's navigation: a link to every page of the site, its own marked current."""
    from bs4 import BeautifulSoup

    folders = [site.site] + [d for d in site.site.iterdir() if d.name == "en"]
    for folder in folders:
        pages = sorted(p.name for p in folder.glob("*.html"))
        assert {"index.html", "sintesi.html", "methods.html", "data_quality.html"} <= set(pages)
        for name in pages:
            soup = BeautifulSoup((folder / name).read_text(encoding="utf-8"), "html.parser")
            navs = soup.select("nav.site-nav")
            where = (folder / name).relative_to(site.site)
            assert len(navs) == 1, f"{where}: {len(navs)} site navigation(s)"
            hrefs = [a["href"] for a in navs[0].select("a")]
            assert hrefs[0] == "index.html", f"{where}: the navigation does not start there"
            assert sorted(hrefs) == pages, f"{where}: navigation {hrefs} != pages {pages}"
            current = [a["href"] for a in navs[0].select("a[aria-current=page]")]
            assert current == [name], f"{where}: current page marked {current}"
            assert navs[0].find_parent("main") is None


BAD_PAGE = """<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>x</title>
<link rel="stylesheet" href="http://127.0.0.1:9/theme.css"></head><body>
<img src="missing.png" alt="a"><img src="data:image/png;base64,AAAA" alt="b">
<a href="nope.html">1</a> <a href="https://example.org/">2</a> <a href="#nowhere">3</a>
<a href="confidential/C01.pdf">4</a> <a href="ok.html#gone">5</a>
<script>console.error("boom")</script>
</body></html>"""


def test_the_reader_checks_catch_what_they_should(tmp_path, browser):
    """The checks above are not vacuous: a page with every fault is caught on each count."""
    site = BuiltSite(root=tmp_path, wave="w", site=tmp_path, min_cell=5, synthetic=False,
                     processed=tmp_path)
    (tmp_path / "confidential").mkdir()
    (tmp_path / "confidential" / "C01.pdf").write_bytes(b"%PDF-1.7 x")
    (tmp_path / "ok.html").write_text("<html lang='it'><body><p id='here'>ok</p></body></html>")
    page = tmp_path / "bad.html"
    page.write_text(BAD_PAGE)
    visit = browser.visit(page.as_uri())
    ids = {tmp_path / "ok.html": {"here"}, page: set(visit.dom["ids"])}
    found = "\n".join(_problems(site, page, visit, ids))
    for expected in ("console.error: boom", "loads a resource that is not embedded: http://",
                     "image not embedded: 'missing.png'", "image does not decode",
                     "broken link: nope.html", "link out of the site: https://example.org/",
                     "link to a missing anchor: #nowhere",
                     "public page links a confidential report", "missing anchor: ok.html#gone",
                     "<script> element"):
        assert expected in found, f"not caught: {expected}\n{found}"
