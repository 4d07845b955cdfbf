"""pipeline.render.html.render_html on notebooks whose outputs are built in place."""

from __future__ import annotations

import base64
import copy
import datetime
import re
from html.parser import HTMLParser

import pytest
from helpers.report_nb import (  # noqa: F401 - fixtures
    CODE_MARKER,
    build_notebook,
    notebook_fixture,
    png_fixture,
)
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pipeline.render import render_html
from pipeline.render.html import prepare_notebook
from pipeline.render.labels import DEFAULT_PROMOTERS

DATE = datetime.date(2026, 11, 24)
SYNTHETIC_IT = "Dati sintetici dimostrativi — non sono dati reali"
SYNTHETIC_EN = "Synthetic demo data — not real data"


class _Collector(HTMLParser):
    """Every start tag with its attributes, and the text of <style> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def body(html: str) -> str:
    """The document after ``</head>``: what is shown, without the inlined CSS."""
    return html.split("</head>", 1)[1]


def render(nb, **kwargs) -> str:
    options = {"title": "Welfare aziendale a Verona", "wave": "2026-autunno", "date": DATE}
    options.update(kwargs)
    return render_html(nb, **options)


@pytest.fixture
def html_it(notebook) -> str:
    return render(notebook)


@pytest.fixture
def html_en(notebook) -> str:
    return render(notebook, lang="en")


# ---- self-contained ------------------------------------------------------------------


def test_no_script_no_link_no_remote_reference(html_it):
    doc = parse(html_it)
    names = [tag for tag, _ in doc.tags]
    assert "script" not in names
    assert "link" not in names
    assert "iframe" not in names
    for tag, attrs in doc.tags:
        for attr in ("src", "href", "srcset", "data"):
            value = attrs.get(attr) or ""
            assert not re.match(r"\s*(https?:)?//", value), (tag, attr, value[:60])
        if tag == "img":
            assert (attrs.get("src") or "").startswith("data:image/"), attrs
        if tag == "a":
            assert (attrs.get("href") or "").startswith("#"), attrs
    css = "\n".join(doc.styles)
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", css)
    assert "http://" not in html_it and "https://" not in html_it
    assert "require" not in html_it.lower() or "require.js" not in html_it.lower()
    assert "mathjax" not in html_it.lower()


def test_css_is_inlined(html_it):
    css = "\n".join(parse(html_it).styles)
    assert ".cover-title" in css  # report.css
    assert "@page" in css and "size: A4" in css
    assert 'counter(page) " di " counter(pages)' in css


def test_images_are_embedded_as_data_uris(html_it, png):
    assert f'src="data:image/png;base64,{png}"' in html_it
    svg = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html_it)
    assert svg is not None
    assert base64.b64decode(svg.group(1)).startswith(b"<svg")


def test_markdown_image_from_a_local_file_is_embedded(tmp_path, png):
    (tmp_path / "logo.png").write_bytes(base64.b64decode(png))
    nb = new_notebook(cells=[new_markdown_cell("## Logo\n\n![Logo del progetto](logo.png)")])
    html = render(nb, resources_dir=tmp_path)
    assert 'src="data:image/png;base64,' in html
    assert 'src="logo.png"' not in html


def test_remote_markdown_image_is_left_out_visibly(caplog):
    nb = new_notebook(cells=[
        new_markdown_cell("## Mappa\n\n![Mappa](https://example.org/map.png)\n\n"
                          '<script src="https://example.org/x.js"></script>\n\n'
                          '<link rel="stylesheet" href="https://example.org/s.css">'),
    ])
    html = render(nb)
    assert "example.org" not in html
    assert "<script" not in html and "<link" not in html
    assert "immagine esterna omessa: Mappa" in html


def test_remote_css_in_html_output_is_neutralised():
    nb = new_notebook(cells=[code_with_html(
        "<style>@import url('https://example.org/a.css'); "
        ".x { background: url(https://example.org/b.png); }</style><p class='x'>ok</p>")])
    html = render(nb)
    assert "example.org" not in html
    assert "<p class=\"x\">ok</p>" in html


def code_with_html(markup: str):
    return new_code_cell("show()", outputs=[
        new_output("display_data", data={"text/html": markup, "text/plain": "x"})])


# ---- what a report leaves out ---------------------------------------------------------


def test_no_code_and_no_prompts(html_it):
    assert CODE_MARKER not in html_it
    assert "svg()" not in html_it
    assert "jp-CodeMirrorEditor" not in html_it and "cm-editor" not in html_it
    assert "jp-InputPrompt" not in body(html_it) and "jp-OutputPrompt" not in body(html_it)
    assert "In&nbsp;[" not in html_it and "In [" not in html_it
    assert "Out[" not in html_it
    assert 'class="highlight' not in html_it


def test_stderr_warnings_and_tracebacks_are_removed(html_it):
    for text in ("attenzione-avviso", "UserWarning", "warnings.warn", "messaggio-su-stderr",
                 "Traceback", "ZeroDivisionError", "application/vnd.jupyter.stderr"):
        assert text not in html_it, text
    assert "Numero di imprese: 19" in html_it  # stdout stays


def test_accidental_reprs_are_removed(html_it):
    for text in ("Line2D", "Figure size", "Text(0.5", "0x7f3a"):
        assert text not in html_it, text


def test_tagged_cells_and_outputs_are_removed(html_it):
    assert "cella-rimossa" not in html_it
    assert "output-rimosso" not in html_it


def test_input_notebook_is_not_changed(notebook):
    before = copy.deepcopy(notebook)
    render(notebook)
    assert notebook == before


def test_error_outputs_are_logged(notebook, caplog):
    with caplog.at_level("WARNING", logger="pipeline.render.prepare"):
        prepare_notebook(notebook, "it")
    assert "1 error output(s)" in caplog.text


# ---- cover, table of contents, numbering -----------------------------------------------


def test_cover_italian(html_it):
    assert '<html lang="it">' in html_it
    assert '<h1 class="cover-title">Welfare aziendale a Verona</h1>' in html_it
    assert "24 novembre 2026" in html_it
    assert "Rilevazione" in html_it and "2026-autunno" in html_it
    for name in DEFAULT_PROMOTERS:
        assert name in html_it
    assert "<title>Welfare aziendale a Verona — 2026-autunno</title>" in html_it


def test_cover_english(html_en):
    assert '<html lang="en">' in html_en
    assert "24 November 2026" in html_en
    assert ">Wave<" in html_en and ">Contents<" in html_en and "Promoted by" in html_en
    assert 'counter(page) " of " counter(pages)' in html_en
    assert "Rilevazione" not in html_en and "Indice" not in html_en


def test_cover_subtitle_promoters_and_escaping(notebook):
    html = render(notebook, title="Imprese <&> lavoro", subtitle="Prima rilevazione",
                  promoters=["Ente A", "Ente B"])
    assert "Imprese &lt;&amp;&gt; lavoro" in html
    assert "Imprese <&> lavoro" not in html
    assert '<p class="cover-subtitle">Prima rilevazione</p>' in html
    assert "<li>Ente A</li>" in html and "<li>Ente B</li>" in html
    assert DEFAULT_PROMOTERS[0] not in html
    assert 'class="cover-promoters"' not in render(notebook, promoters=[])


def test_date_defaults_to_today(notebook):
    from pipeline.i18n.formatting import Formatter

    html = render_html(notebook, title="T", wave="w1")
    assert Formatter("it").date(datetime.date.today()) in html


def test_table_of_contents(html_it):
    nav = re.search(r'<nav[^>]*class="toc".*?</nav>', html_it, re.DOTALL)
    assert nav is not None
    assert ">Indice<" in nav.group(0)
    hrefs = re.findall(r'href="#([^"]+)"', nav.group(0))
    texts = re.findall(r'<a href="#[^"]+">([^<]+)</a>', nav.group(0))
    assert texts == ["Contesto", "Territorio", "Risultati", "Risultati"]
    assert len(set(hrefs)) == 4  # the two "Risultati" headings got different ids
    for anchor in hrefs:
        assert re.search(rf'<h[23][^>]* id="{re.escape(anchor)}"', html_it), anchor
    # h3 nested under its h2
    assert re.search(r"Contesto</a>\s*<ol>\s*<li><a [^>]*>Territorio", nav.group(0))
    # the notebook's own h1 is not in the table of contents
    assert "Titolo del quaderno" not in nav.group(0)
    assert "anchor-link" not in body(html_it) and "¶" not in html_it


def test_no_headings_no_table_of_contents():
    nb = new_notebook(cells=[new_markdown_cell("Solo testo.")])
    html = render(nb)
    assert not re.search(r'<nav[^>]*class="toc"', html)


def test_figures_and_tables_numbered_with_captions_italian(html_it):
    assert re.search(r'<figure class="report-figure" id="fig-1">', html_it)
    assert re.search(
        r'Figura 1</span><span class="caption-sep"> – </span>'
        r'<span class="caption-text">Imprese per classe</span>', html_it)
    assert re.search(r'Figura 2</span>.*?Schema dei servizi', html_it, re.DOTALL)
    assert re.search(r'Tabella 1</span>.*?Imprese per settore', html_it, re.DOTALL)
    assert "Figura 3" not in html_it  # the cell tagged "unnumbered"
    assert 'alt="Imprese per classe"' in html_it
    # table captions above the table, figure captions below the image
    table = re.search(r'<figure class="report-table".*?</figure>', html_it, re.DOTALL).group(0)
    assert table.index("<figcaption") < table.index("<table")
    fig = re.search(r'<figure class="report-figure".*?</figure>', html_it, re.DOTALL).group(0)
    assert fig.index("<img") < fig.index("<figcaption")


def test_figures_and_tables_numbered_english(html_en):
    assert "Figure 1</span>" in html_en and "Companies by size" in html_en
    assert "Figure 2</span>" in html_en and "Table 1</span>" in html_en
    assert "Figura" not in html_en and "Tabella" not in html_en


def test_figure_without_caption_gets_label_only(png):
    nb = new_notebook(cells=[new_code_cell("plot()", outputs=[
        new_output("display_data", data={"image/png": png})])])
    html = render(nb)
    assert '<span class="caption-label">Figura 1</span></figcaption>' in html
    assert 'alt="Figura 1"' in html


def test_cell_caption_list_gives_one_caption_per_figure(png):
    outputs = [new_output("display_data", data={"image/png": png}) for _ in range(2)]
    cell = new_code_cell("plot(); plot()", outputs=outputs)
    cell.metadata["fig-cap"] = ["Prima", "Seconda"]
    html = render(new_notebook(cells=[cell]))
    assert re.search(r"Figura 1</span>.*?Prima.*?Figura 2</span>.*?Seconda", html, re.DOTALL)


# ---- synthetic data ----------------------------------------------------------------------


def test_synthetic_banner_when_synthetic(notebook):
    html = render(notebook, synthetic=True)
    assert 'class="synthetic-banner"' in html
    assert html.count(SYNTHETIC_IT) >= 3  # banner, screen strip, printed-page mark (CSS)
    css = "\n".join(parse(html).styles)
    assert "@bottom-left" in css and SYNTHETIC_IT in css
    assert "is-synthetic" in html


def test_no_synthetic_banner_otherwise(html_it):
    assert 'class="synthetic-banner"' not in html_it
    assert 'class="synthetic-strip"' not in html_it
    assert SYNTHETIC_IT not in html_it
    assert "@bottom-left" not in "\n".join(parse(html_it).styles)


def test_synthetic_banner_english(notebook):
    html = render(notebook, synthetic=True, lang="en")
    assert SYNTHETIC_EN in html and SYNTHETIC_IT not in html


def test_demo_wave_is_always_marked_synthetic(notebook):
    html = render(notebook, wave="demo-2014", synthetic=False)
    assert 'class="synthetic-banner"' in html


def test_unknown_language_refused(notebook):
    with pytest.raises(ValueError):
        render(notebook, lang="fr")


def test_builder_matches_fixture(png):
    # The fixture notebook is valid nbformat (so real executed notebooks look the same).
    import nbformat

    nbformat.validate(build_notebook(png))


def test_accented_headings_get_ascii_ids():
    nb = new_notebook(cells=[new_markdown_cell("## Perché il welfare?\n\n### Città e comuni")])
    html = render(nb)
    assert '<h2 id="perche-il-welfare">' in html
    assert '<h3 id="citta-e-comuni">' in html
    assert 'href="#perche-il-welfare"' in html and 'href="#citta-e-comuni"' in html
    assert "%C3" not in html
