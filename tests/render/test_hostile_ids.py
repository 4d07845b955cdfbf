"""Ids are data, never paths or markup (issue 14, item 3).

Company ids valid under the contract ("text, unique") but hostile: ``../pubreport`` (a path
out of its folder), ``VR/123`` (a folder), ``<img src=x onerror=alert(1)>`` (markup).
Their reports are in folders named by a keyed hash
(:func:`pipeline.publish.companies.company_folder`), their steps and executed notebooks by
:func:`pipeline.names.safe_file_name`; the id is escaped
where it enters the report's Markdown; the report's content goes through the allow-list
sanitiser, which keeps no ``on*`` attribute, no script and no ``javascript:`` URL.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from helpers.notebooks import section_notebook
from helpers.waves import minimal_tables, write_wave
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pipeline.config import get_paths
from pipeline.names import safe_file_name
from pipeline.publish.companies import company_folder, project_key
from pipeline.render import render_html
from pipeline.render.escape import markdown_escape
from pipeline.render.html import sanitize_fragment

REPO = Path(__file__).resolve().parents[2]
XSS = "<img src=x onerror=alert(1)>"
HOSTILE_IDS = ["../pubreport", "VR/123", XSS, "VR_123"]  # VR_123: the look-alike of VR/123


def active_markup(html: str) -> list[str]:
    """Every live attribute handler, script, embedded document or script URL in ``html``."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(True):
        if tag.name in ("script", "iframe", "object", "embed", "base", "svg", "math", "form",
                        "frame", "applet", "meta") and not (
                tag.name == "meta" and set(tag.attrs) <= {"charset", "name", "content"}):
            found.append(f"<{tag.name}>")
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"<{tag.name} {name}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcdoc"):
                squashed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if squashed.startswith(("javascript:", "vbscript:")) or (
                        squashed.startswith("data:")
                        and not (tag.name == "img" and squashed.startswith("data:image/"))):
                    found.append(f"<{tag.name} {name}={value[:40]}>")
    if re.search(r"<script", html, re.IGNORECASE):
        found.append("<script text")
    return found


# --- markdown_escape --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    XSS, "../pubreport", "VR/123", "**bold** _it_ `code`", "[link](javascript:alert(1))",
    "# heading", "line\n# heading\n<script>x</script>", "A & B <b>", "$x$ \\(y\\)",
    "http://example.org www.example.org", "&lt;already&gt;", "1. item", "| a | b |",
])
def test_an_escaped_value_shows_exactly_its_characters(value):
    html = markdown2html_mistune(f"Impresa **{markdown_escape(value)}**: fine.")
    soup = BeautifulSoup(html, "html.parser")
    assert [t.name for t in soup.find_all(True)] == ["p", "strong"], html
    assert soup.find("strong").get_text() == " ".join(value.split())
    assert not active_markup(html)


# --- the allow-list sanitiser ---------------------------------------------------------------

ATTACKS = [
    XSS,
    '<img src="data:image/png;base64,AAAA" onload="alert(1)" alt="x">',
    '<svg onload="alert(1)"><circle r="2"/></svg>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" &#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:text/html,<script>alert(1)</script>">',
    '<div onclick="alert(1)" onmouseover="alert(2)">d</div>',
    '<details open ontoggle="alert(1)"><summary>s</summary></details>',
    '<table><tr><td onmouseover="alert(1)" style="background:url(javascript:x)">1</td></tr></table>',
    "<script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</script>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="javascript:alert(1)"><button formaction="javascript:1">b</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<style>@import "javascript:alert(1)"; body{background:red}</style>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="#fig-1" onclick="x">ok</a><p style="position:fixed;top:0">cover</p>',
    '<video><source onerror="alert(1)"></video><audio src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("markup", ATTACKS)
def test_the_sanitiser_keeps_nothing_active(markup):
    clean = sanitize_fragment(markup)
    assert not active_markup(clean), clean
    assert "onerror" not in clean.replace("onerror=alert(1)&gt;", "")  # as text at most
    assert "position" not in clean and "@import" not in clean


def test_the_sanitiser_keeps_what_a_report_needs():
    markup = ('<figure class="report-figure" id="fig-1"><div class="jp-RenderedImage '
              'jp-OutputArea-output"><img src="data:image/png;base64,iVBORw0KGgo=" alt="Fig" '
              'width="400" height="250"></div><figcaption><span class="caption-label">Figura 1'
              '</span></figcaption></figure>'
              '<h2 id="contesto">Contesto</h2><p><a href="#fig-1">Figura 1</a> <em>e</em> '
              '<strong>s</strong> <code>c</code></p><ul><li>u</li></ul><ol start="2"><li>o</li>'
              '</ol><table class="dataframe"><thead><tr style="text-align: right;"><th>a</th>'
              '</tr></thead><tbody><tr><td class="data row0 col0" id="T_1_row0_col0" '
              'colspan="2">1</td></tr></tbody></table><pre>Numero di imprese: 19</pre>'
              '<div class="jp-RenderedText" data-mime-type="text/plain">t</div>')
    clean = sanitize_fragment(markup)

    def shape(html):
        return [(t.name, {k: v for k, v in t.attrs.items() if k != "style"})
                for t in BeautifulSoup(html, "html.parser").find_all(True)]

    assert shape(clean) == shape(markup)
    assert 'style="text-align:right"' in clean


# --- a report whose notebook holds hostile markup ------------------------------------------


def test_a_rendered_report_holds_no_live_markup():
    cells = [new_markdown_cell("## Dati\n\n" + "\n\n".join(ATTACKS)),
             new_code_cell("show()", outputs=[
                 new_output("display_data", data={"text/html": attack, "text/plain": "x"})
                 for attack in ATTACKS]),
             new_code_cell("say()", outputs=[
                 new_output("display_data", data={"text/markdown": f"Impresa **{XSS}**",
                                                  "text/plain": "x"}),
                 new_output("display_data", data={
                     "text/markdown": f"Impresa **{markdown_escape(XSS)}** (escaped)",
                     "text/plain": "x"})])]
    html = render_html(new_notebook(cells=cells), title=f"Rapporto — {XSS}", wave="w1")
    assert not active_markup(html)
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert f"Impresa {XSS} (escaped)" in text  # the escaped id reads as itself
    assert text.count(XSS) >= 3  # and in the cover title and the <title>


def test_markup_left_open_in_one_output_does_not_swallow_the_next():
    outputs = [new_output("display_data", data={"text/html": markup, "text/plain": "x"})
               for markup in ("<style>p { color: red }", "<table><tr><td>open",
                              "<noscript><p>", "<p>after-the-open-ones</p>")]
    cells = [new_code_cell("show()", outputs=outputs), new_markdown_cell("<textarea><p>"),
             new_markdown_cell("## Still here")]
    html = render_html(new_notebook(cells=cells), title="T", wave="w1")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("p", string="after-the-open-ones") is not None
    assert soup.find("h2", string="Still here") is not None
    assert "color: red" not in html


# --- the plan: one flat, distinct file per company ---------------------------------------------


def test_company_reports_are_named_by_their_safe_name(project, monkeypatch):
    from pipeline.run import plan

    monkeypatch.setattr(plan, "company_ids", lambda paths, wave: sorted(HOSTILE_IDS))
    ctx = plan._Context("w1", "it", get_paths(), {"synthetic": False, "tables": {}},
                        project / "data" / "work" / "runs" / "w1" / "it",
                        lambda key, lang, **values: "Rapporto")
    units = plan._company_units(ctx, REPO / "notebooks" / "company" / "company_report.py")
    confidential = ctx.executed_dir / "confidential"
    outputs = [o for u in units for o in u.outputs]
    assert len(set(outputs)) == len(outputs) == 2 * len(HOSTILE_IDS)
    key = project_key(get_paths())
    for unit, cid in zip(units, sorted(HOSTILE_IDS), strict=True):
        name = safe_file_name(cid)
        folder = company_folder(key, "w1", cid)  # in confidential/w1/, a keyed hash
        assert unit.outputs == (f"{folder}/report.html", f"{folder}/report.pdf")
        assert unit.confidential
        assert unit.job.executed == confidential / f"{name}.ipynb"
        assert unit.job.parameters["company_id"] == cid  # the notebook gets the id itself
        assert unit.step == f"company {name}" and "<" not in unit.step
        assert unit.job.render["title"] == f"Rapporto — {cid}"  # escaped by the template
    assert {safe_file_name("VR/123"), safe_file_name("VR_123")} == {"VR_123-d058172b9410",
                                                                     "VR_123"}


def test_company_reports_are_titled_by_name_and_keyed_on_the_previous_wave(project,
                                                                           monkeypatch):
    """The title carries the company's name (data: the template escapes it); the report
    gets the previous wave and reruns when the previous wave's tables change."""
    from pipeline.run import plan

    paths = get_paths()
    folder = paths.processed_wave("w1")
    folder.mkdir(parents=True)
    pd.DataFrame({"company_id": [XSS, "VR/123", "C3"],
                  "name": [f"Rossi & {XSS}", "  Beta   S.p.A. ", None]}).to_parquet(
        folder / "companies.parquet")
    monkeypatch.setattr(plan, "company_ids", lambda paths, wave: [XSS, "VR/123", "C3"])
    assert plan.company_names(paths, "w1") == {XSS: f"Rossi & {XSS}", "VR/123": "Beta S.p.A."}
    assert plan.company_names(paths, "w9") == {}  # not processed: titles by id

    def units(previous_hash: str | None):
        ctx = plan._Context("w1", "it", paths, {"synthetic": False, "tables": {}},
                            project / "data" / "work" / "runs" / "w1" / "it",
                            lambda key, lang, **values: "Rapporto")
        if previous_hash is not None:
            ctx.previous_label = "w0"
            ctx.previous = {"tables": {t: {"sha256": previous_hash}
                                       for t in ("companies", "company_survey", "worker_survey")}}
        return plan._company_units(ctx, REPO / "notebooks" / "company" / "company_report.py")

    titles = [u.job.render["title"] for u in units("a")]
    assert titles == [f"Rapporto — Rossi & {XSS}", "Rapporto — Beta S.p.A.", "Rapporto — C3"]
    first = units("a")[0]
    assert first.job.parameters["previous_wave"] == "w0"
    assert first.job.parameters["previous_processed_dir"] == str(paths.processed_wave("w0"))
    assert units("b")[0].key != first.key  # the previous wave changed: the report reruns
    baseline = units(None)[0]
    assert baseline.job.parameters["previous_wave"] is None and baseline.key != first.key


# --- end to end: run, rerun, publish ----------------------------------------------------------


def hostile_tables():
    """:func:`minimal_tables` with the companies renamed to hostile ids, all surveyed."""
    tables = minimal_tables(n_workers=24)
    rename = dict(zip(["C01", "C02", "C03", "C04"], HOSTILE_IDS, strict=True))
    for df in tables.values():
        df["company_id"] = df["company_id"].map(rename)
    survey = tables["company_survey"]
    tables["company_survey"] = pd.concat([survey, survey.assign(company_id=[XSS, "VR_123"])],
                                         ignore_index=True)
    companies = tables["companies"]
    companies["in_network"] = "1"
    companies["name"] = companies["company_id"] + " & Figli S.r.l."  # names are data too
    workers = tables["worker_survey"]
    # six workers each, shuffled so that the network's intervals are not degenerate
    order = np.random.default_rng(3).permutation(np.repeat(np.arange(4), len(workers) // 4))
    workers["company_id"] = [HOSTILE_IDS[k] for k in order]
    return tables


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_a_wave_of_hostile_ids_runs_reruns_and_publishes_inside_its_trees(
        project, tmp_path_factory):
    from pipeline.publish import publish_site
    from pipeline.run.wave import run_wave

    notebooks = project / "notebooks"
    (notebooks / "company").mkdir(parents=True)
    (notebooks / "01_context.py").write_text(section_notebook(heading="Contesto"), encoding="utf-8")
    shutil.copy(REPO / "notebooks" / "company" / "company_report.py", notebooks / "company")
    write_wave(project, "w1", hostile_tables())
    before = files_under(project)
    paths = get_paths()
    site = paths.report_wave("w1")
    private = paths.confidential_wave("w1")
    names = sorted(safe_file_name(cid) for cid in HOSTILE_IDS)
    assert len(set(names)) == len(HOSTILE_IDS)

    first = run_wave("w1", jobs=1, progress_stream=None)
    assert first["changed"]
    key = project_key(paths)
    reports = {f"{company_folder(key, 'w1', cid)}/report.{ext}" for cid in HOSTILE_IDS
               for ext in ("html", "pdf")}
    assert files_under(private) == {"README.md", *reports}
    again = run_wave("w1", jobs=1, progress_stream=None)  # the rerun that used to die
    assert not again["changed"] and all(s["cached"] for s in again["steps"])
    # a rerun that stages the site again (a section changed: the company reports are reused)
    section = notebooks / "01_context.py"
    section.write_text(section.read_text(encoding="utf-8") + "\n# %%\nx = 1\n", encoding="utf-8")
    edited = run_wave("w1", jobs=1, progress_stream=None)
    assert edited["changed"]
    assert {s["step"]: s["cached"] for s in edited["steps"]} == {
        "ingest": True, "section 01_context": False, "publish": False,
        **{f"company {n}": True for n in names}}

    out = tmp_path_factory.mktemp("published")
    published = publish_site("w1", out / "site")
    publish_site("w1", out / "site.zip")

    # every new file lies in the wave's trees: processed data, work files, its reports
    trees = ("data/processed/w1/", "data/work/", "reports/w1/", "confidential/w1/")
    new = files_under(project) - before - {"notebooks/01_context.py"}
    assert new and not [f for f in new if not f.startswith(trees)]
    assert files_under(private) == {"README.md", *reports}
    assert not (site / "confidential").exists()
    executed = paths.work / "runs" / "w1" / "it" / "confidential"
    assert {p.name for p in executed.iterdir()} == {f"{n}.ipynb" for n in names}
    site_files = files_under(site)
    assert not [f for f in site_files if "pubreport" in f or "confidential" in f]
    assert "pubreport.html" not in site_files and not (site / "VR").exists()

    # the published copies hold no confidential report
    copied = files_under(out / "site")
    assert {p.as_posix() for p in published} <= copied
    assert not [f for f in copied if "confidential" in f or "pubreport" in f or "VR" in f]
    with zipfile.ZipFile(out / "site.zip") as zf:
        assert not [n for n in zf.namelist() if "confidential" in n or "pubreport" in n
                    or ".." in n or "VR" in n]

    # no live markup in any HTML written, the escaped id readable in its report
    pages = [p for root in (project, out) for p in root.rglob("*.html")]
    assert len(pages) > len(names)
    for page in pages:
        assert not active_markup(page.read_text(encoding="utf-8")), page
    report = BeautifulSoup((private / company_folder(key, "w1", XSS) / "report.html")
                           .read_text(encoding="utf-8"), "html.parser")
    intro = next(p for p in report.find_all("p") if "riservato" in p.get_text())
    assert XSS in intro.get_text() and intro.find("img") is None
    assert f"{XSS} & Figli S.r.l." in report.find("h1", class_="cover-title").get_text()
