"""pipeline.render.pdf.html_to_pdf and pipeline.render.report.render_notebook."""

from __future__ import annotations

import datetime
import shutil
import subprocess

import nbformat
import pytest
from helpers.report_nb import (  # noqa: F401 - fixtures
    notebook_fixture,
    pdf_page_count,
    pdf_page_sizes,
    png_fixture,
)

from pipeline.render import html_to_pdf, render_html, render_notebook
from pipeline.render.pdf import html_lang, page_css

A4 = (595.28, 841.89)  # points


def is_a4(size: tuple[float, float]) -> bool:
    return abs(size[0] - A4[0]) < 1 and abs(size[1] - A4[1]) < 1


@pytest.fixture(scope="module")
def report_html(png) -> str:
    from helpers.report_nb import build_notebook

    return render_html(build_notebook(png), title="Rapporto", wave="2026-autunno",
                       date=datetime.date(2026, 11, 24))


def test_pdf_is_a_valid_a4_pdf(tmp_path, report_html, caplog):
    with caplog.at_level("WARNING", logger="weasyprint"):
        out = html_to_pdf(report_html, tmp_path / "r.pdf")
    # no unsupported CSS, no broken table-of-contents anchor, nothing fetched
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")], caplog.text
    assert out == tmp_path / "r.pdf"
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    sizes = pdf_page_sizes(data)
    assert sizes and all(is_a4(s) for s in sizes), sizes
    assert pdf_page_count(data) >= 2  # cover + body


def test_pdf_prints_in_the_bundled_dejavu_whatever_the_machine_has(tmp_path, report_html):
    # the report's font stack names Arial, which fontconfig takes to Liberation Sans where
    # Chromium's fonts are installed: the PDF must print in matplotlib's DejaVu files anyway
    from helpers.readers import pdf_fonts

    from pipeline.render.pdf import PDF_FONT_FAMILY

    names = [font["name"].split("+")[-1] for font in pdf_fonts(
        html_to_pdf(report_html + "<code>x = 1</code>", tmp_path / "r.pdf"))]
    own = PDF_FONT_FAMILY.replace(" ", "-")
    assert own in names, names
    assert all(n.startswith((own, "Welfare-Report-Mono", "DejaVu")) for n in names), names


def test_pdf_is_written_atomically(tmp_path, report_html, monkeypatch):
    target = tmp_path / "out" / "r.pdf"
    html_to_pdf(report_html, target)  # creates the folder
    first = target.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["r.pdf"]

    import weasyprint

    def broken(self, *args, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    with pytest.raises(RuntimeError):
        html_to_pdf(report_html, target)
    assert target.read_bytes() == first  # the previous PDF is intact
    assert [p.name for p in target.parent.iterdir()] == ["r.pdf"]  # no temporary left


def test_pdf_never_fetches_from_the_network(tmp_path, caplog):
    html = ('<html lang="it"><body><p>x</p>'
            '<img src="http://127.0.0.1:9/nothing.png" alt="n"></body></html>')
    with caplog.at_level("WARNING"):
        html_to_pdf(html, tmp_path / "x.pdf")
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF-")
    assert "disallowed protocol" in caplog.text


def test_page_css_language_and_synthetic_mark():
    it = page_css("it")
    assert '"pagina " counter(page) " di " counter(pages)' in it
    # the running header names the wave by its title alone (the run passes the title)
    assert "string-set: report-wave content(text)" in it and '"Rilevazione "' not in it
    assert "@bottom-left" not in it
    en = page_css("en", synthetic=True)
    assert '"page " counter(page) " of " counter(pages)' in en
    assert "Synthetic demo data — not real data" in en
    assert "@page :first" in en  # the mark is on the cover page too


def test_html_lang():
    assert html_lang('<!DOCTYPE html>\n<html lang="en">') == "en"
    assert html_lang("<html lang='it-IT'>") == "it"
    assert html_lang("<html>") is None
    assert html_lang('<html lang="fr">') is None


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
@pytest.mark.parametrize("lang", ["it", "en"])
def test_pdf_footer_header_and_synthetic_mark_text(tmp_path, png, lang):
    from helpers.report_nb import build_notebook

    html = render_html(build_notebook(png), title="Rapporto prova", wave="demo-2014",
                       lang=lang)
    pdf = html_to_pdf(html, tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    n = pdf_page_count(pdf.read_bytes())
    if lang == "it":
        assert f"pagina 1 di {n}" in pages[0]
        assert f"pagina 2 di {n}" in pages[1] and "demo-2014" in pages[1]
        mark = "Dati sintetici dimostrativi — non sono dati reali"
    else:
        assert f"page 2 of {n}" in pages[1] and "demo-2014" in pages[1]
        mark = "Synthetic demo data — not real data"
    assert "Rapporto prova" in pages[1]  # running header
    assert all(mark in page for page in pages if page.strip())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_pdf_language_parameter_overrides_html(tmp_path, report_html):
    pdf = html_to_pdf(report_html, tmp_path / "r.pdf", lang="en")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "page 1 of" in text and "pagina" not in text


def test_render_notebook_writes_both_files(tmp_path, notebook):
    notebook.metadata["papermill"] = {"parameters": {"wave": "2026-autunno"}}
    notebook.metadata["title"] = "Dal quaderno"
    src = tmp_path / "executed.ipynb"
    nbformat.write(notebook, src)
    html_path, pdf_path = tmp_path / "out" / "index.html", tmp_path / "out" / "report.pdf"
    render_notebook(src, html_path, pdf_path, lang="en", date=datetime.date(2026, 11, 24))
    html = html_path.read_text(encoding="utf-8")
    assert "Dal quaderno" in html and "2026-autunno" in html and "24 November 2026" in html
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in html_path.parent.iterdir()) == ["index.html", "report.pdf"]


def test_render_notebook_without_pdf_and_missing_cover(tmp_path, notebook):
    src = tmp_path / "executed.ipynb"
    nbformat.write(notebook, src)
    render_notebook(src, tmp_path / "a.html", None, title="T", wave="w1")
    assert (tmp_path / "a.html").exists()
    assert not list(tmp_path.glob("*.pdf"))
    with pytest.raises(TypeError, match="wave"):
        render_notebook(src, tmp_path / "b.html", None, title="T")


def test_table_of_contents_links_resolve_in_pdf(tmp_path, caplog):
    from nbformat.v4 import new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("## Perché il welfare?\n\ntesto"),
                             new_markdown_cell("### Città e comuni\n\ntesto")])
    html = render_html(nb, title="T", wave="w1")
    with caplog.at_level("WARNING", logger="weasyprint"):
        html_to_pdf(html, tmp_path / "r.pdf")
    assert "No anchor" not in caplog.text


LEAK_SCRIPT = """
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from pipeline.render.pdf import html_to_pdf
def job(i):
    html_to_pdf("<html lang='it'><body><p>Prova</p></body></html>", Path(sys.argv[1]) / f"{i}.pdf")
if __name__ == "__main__":
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(job, range(4)))
    job(9)
"""


def test_printing_leaves_no_font_folder_behind_in_workers_or_main(tmp_path):
    """WeasyPrint copies the @font-face files into a temporary folder per process; a pool's
    worker leaves through ``os._exit`` and would leave its 3 MB in /tmp at every run."""
    import os
    import sys

    script = tmp_path / "leak.py"
    script.write_text(LEAK_SCRIPT, encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    subprocess.run([sys.executable, str(script), str(tmp)], check=True,
                   env={**os.environ, "TMPDIR": str(tmp)})
    assert sorted(p.name for p in tmp.glob("*.pdf")) == ["0.pdf", "1.pdf", "2.pdf", "3.pdf",
                                                          "9.pdf"]
    assert not list(tmp.glob("weasyprint-*")), "font folders left behind"
