"""The wave's site pages (pipeline/render/site/): index, methods appendix, provenance page.

Fast checks on a tiny ingested wave with a fake section (no notebook is run); the real
site, built end to end, is read in a browser in ``test_browser.py``.
"""

from __future__ import annotations

import base64
import importlib.metadata
import re
import struct
import zlib
from html import unescape
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from helpers.waves import write_wave

from pipeline.i18n.text import text
from pipeline.ingest.load import ingest_wave
from pipeline.render.site import LIBRARIES, prose, site_text, write_site


def _png(width: int = 4, height: int = 3) -> bytes:
    """A valid grey PNG, built by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes([128] * width) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG_B64 = base64.b64encode(_png()).decode("ascii")


def _wave(tmp_path: Path, wave: str):
    raw = write_wave(tmp_path / "project", wave)
    return ingest_wave(wave, raw)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A language folder holding one rendered section and its tables."""
    site = tmp_path / "reports" / "demo-x"
    (site / "tables").mkdir(parents=True)
    (site / "01_context.html").write_text("<html></html>")
    (site / "01_context.pdf").write_bytes(b"%PDF-1.7 " + b"x" * 2000)
    (site / "tables" / "companies_by_sector.csv").write_text("ateco_section,n\nC,10\nG,12\n")
    (site / "confidential").mkdir()
    (site / "confidential" / "C01.pdf").write_bytes(b"%PDF-1.7")
    return site


@pytest.fixture
def sections(tmp_path: Path) -> list[dict]:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("fig")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG_B64},
                                           metadata={"caption": "Imprese per settore"})]
    nb.cells = [cell]
    executed = tmp_path / "01_context.ipynb"
    nbformat.write(nb, executed)
    return [{"name": "01_context", "title": "Il contesto", "html": "01_context.html",
             "pdf": "01_context.pdf", "executed": executed}]


RUN_INFO = {
    "run_id": "20261124T101010-abc123",
    "started": "2026-11-24T10:10:10",
    "parameters": {"wave": "demo-x", "lang": "it", "min_cell": 7, "jobs": 2},
    "code_version": {"package": "0.1.0", "source_sha256": "f" * 64, "git_commit": "a1b2c3d"},
    "inputs": {"companies.csv": "1" * 64, "worker_survey.csv": "2" * 64},
}


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def _build(site, data, sections, **kwargs):
    kwargs.setdefault("run_info", RUN_INFO)
    kwargs.setdefault("pdf", False)
    return write_site(site, data, sections, **kwargs)


def test_pages_are_written_self_contained_and_marked(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    written = _build(site, data, sections)
    assert set(written) == {"index", "methods", "provenance"}
    mark = text("synthetic_mark", "it")
    for path in written.values():
        html = _read(path)
        assert html.startswith("<!DOCTYPE html>") and '<html lang="it">' in html
        assert mark in html, f"{path.name}: no synthetic mark"
        assert "<script" not in html and "<link" not in html
        assert not re.search(r'(?:href|src)="(?:https?:)?//', html), f"{path.name}: external"
        for src in re.findall(r'<img[^>]*src="([^"]*)"', html):
            assert src.startswith("data:image/png;base64,")
            assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG")
        for href in _hrefs(html):
            target = href.split("#")[0]
            assert not target or (site / target).is_file(), f"{path.name}: broken {href}"
            assert not href.startswith("confidential")


def test_real_data_is_not_marked_synthetic(tmp_path, site, sections):
    data = _wave(tmp_path, "2013")
    for path in _build(site, data, sections).values():
        html = _read(path)
        assert text("synthetic_mark", "it") not in html
        assert 'class="synthetic-banner"' not in html


def test_index_shows_the_wave_and_links_everything(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    (site / "quality.html").write_text("<html></html>")
    written = _build(site, data, sections, pdf=True,
                     quality={"passed": True, "n_checks": 57, "warnings": [],
                              "report": "quality.html"})
    html = _read(written["index"])
    for href in ("01_context.html", "01_context.pdf", "tables/companies_by_sector.csv",
                 "quality.html", "methods.html", "methods.pdf", "provenance.html",
                 "provenance.pdf"):
        assert href in _hrefs(html), f"index does not link {href}"
    assert not [h for h in _hrefs(html) if "confidential" in h]
    # tiles: 4 companies, 2 surveyed, 12 workers (tests/helpers/waves.py)
    tiles = dict((label, value) for value, label in re.findall(
        r'<span class="tile-value">([^<]*)</span><span class="tile-label">([^<]*)</span>',
        html))
    assert tiles[site_text("site.tile.n_companies", "it")] == "4"
    assert tiles[site_text("site.tile.n_surveyed", "it")] == "2"
    assert tiles[site_text("site.tile.n_workers", "it")] == "12"
    assert "Superato: 57 controlli, nessun avviso." in html
    assert 'id="quality-notice"' not in html
    for name in ("methods.pdf", "provenance.pdf"):
        assert (site / name).read_bytes()[:5] == b"%PDF-"


def test_fieldwork_dates_in_words(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    data.meta.update(fieldwork_start="2013-10-07", fieldwork_end="2013-11-29")
    html = _read(_build(site, data, sections)["index"])
    assert "dal 7 ottobre 2013 al 29 novembre 2013" in html
    english = _read(_build(site, data, sections, lang="en")["methods"])
    assert "7 October 2013 to 29 November 2013" in english


def test_quality_warnings_show_on_the_first_screen(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    (site / "quality.html").write_text("<html></html>")
    warnings = [f"worker_survey.commute_min: {i} valori oltre 180" for i in range(12)]
    warnings.append("<script>alert(1)</script>")
    html = _read(_build(site, data, sections, quality={
        "passed": True, "n_checks": 40, "warnings": warnings, "report": "quality.html"})["index"])
    assert "Superato con 13 avvisi (40 controlli)." in html
    notice = html.index('id="quality-notice"')
    assert notice < html.index('class="tiles"'), "the notice comes before the figures"
    assert "ha segnalato 13 avvisi" in html
    assert "<script>alert" not in html and "&lt;script&gt;" not in html  # beyond the 10 shown
    assert "… e ancora 3 avvisi, elencati" in html
    one = _read(_build(site, data, sections, quality={
        "passed": True, "n_checks": 40, "warnings": ["<b>x</b>"], "report": "quality.html"}
    )["index"])
    assert "Superato con 1 avviso (40 controlli)." in one and "&lt;b&gt;x&lt;/b&gt;" in one


def test_quality_report_missing_or_not_run(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    html = _read(_build(site, data, sections, quality={
        "passed": True, "n_checks": 3, "warnings": [], "report": "quality.html"})["index"])
    assert "quality.html" not in _hrefs(html), "a missing report is not linked"
    html = _read(_build(site, data, sections, quality=None)["index"])
    assert site_text("site.quality_none", "it") in html
    failed = _read(_build(site, data, sections, quality={
        "passed": False, "n_checks": 3, "warnings": []})["index"])
    assert 'class="notice failed"' in failed and "Non superato" in failed


def test_methods_states_the_design_and_the_rule(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    html = _read(_build(site, data, sections)["methods"])
    for phrase in ("strato", "correzione per popolazione finita", "post-stratificat",
                   "Regola di accorpamento", "linearizzazione di Taylor", "Korn e Graubard",
                   "0 % o 100 %", "gradi di libertà", "intero disegno",
                   "analisi di sensibilità", "10-49", "50-249", "almeno 4 dei 5 item",
                   "3 («importante») o 4", "Bisogno non soddisfatto", "meno di 7 rispondenti",
                   "N × s × (1 − o/n)", "<code>svyciprop(method = \"beta\")</code>",
                   "Almeno 3 rispondenti per cella", "sono meno di 3",
                   "non aggiungerebbe nulla alla varianza"):
        assert phrase in html, f"methods page lacks {phrase!r}"
    assert "svyciprop(method = \"logit\")" not in html
    # the wave's own design: 2 companies with respondents, 12 respondents, 10 df; each has
    # only 2 men among its 6 respondents, so both are one cell under the minimum of 3
    facts = {unescape(k): v for k, v in re.findall(
        r'<th scope="row">([^<]*)</th><td class="num">([^<]*)</td>', html)}
    assert facts[site_text("site.facts.strata", "it")] == "2"
    assert facts[site_text("site.facts.respondents", "it")] == "12"
    assert facts[site_text("site.facts.df", "it")] == "10"
    assert facts[site_text("site.facts.min_poststratum", "it")] == "3"
    assert facts[site_text("site.facts.collapsed", "it")] == "2"
    assert facts[site_text("site.facts.half", "it")] == "0"  # 6 of 45, 6 of 300
    assert facts[site_text("site.facts.min_cell", "it")] == "7"


def test_provenance_lists_run_code_inputs_parameters_libraries(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    html = _read(_build(site, data, sections)["provenance"])
    assert RUN_INFO["run_id"] in html
    assert "24 novembre 2026, 10:10" in html
    assert "f" * 64 in html and "a1b2c3d" in html
    for name, sha in RUN_INFO["inputs"].items():
        assert name in html and sha in html
    assert "<code>jobs</code>" in html and "<code>min_cell</code>" in html
    for lib in LIBRARIES:
        version = importlib.metadata.version(lib)
        assert re.search(rf"<td>{lib}</td><td>{re.escape(version)}</td>", html), lib


def test_provenance_without_run_info_uses_the_processed_wave(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    index = write_site(site, data, sections)["index"]
    assert index == site / "index.html"
    html = _read(site / "provenance.html")
    assert data.inputs["companies"]["sha256"] in html
    assert "—" in html  # no run id


def test_english_site(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    written = _build(site, data, sections, lang="en",
                     quality={"passed": True, "n_checks": 5, "warnings": ["a", "b"]})
    for path in written.values():
        html = _read(path)
        assert '<html lang="en">' in html
        assert text("synthetic_mark", "en") in html
        assert "Rilevazione" not in html
    index = _read(written["index"])
    assert "Passed with 2 warnings (5 checks)." in index
    assert "companies mapped" in index
    methods = _read(written["methods"])
    assert "Taylor linearisation" in methods and "fewer than 7 respondents" in methods
    for phrase in ("Korn and Graubard", "At least 3 respondents per cell",
                   "How comparisons are tested", "the unit of replication is",
                   "Standard errors with and without the finite population correction"):
        assert phrase in methods, phrase


def test_other_language_is_linked_when_present(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    _build(site / "en", data, [], lang="en")
    italian = _read(_build(site, data, sections)["index"])
    assert 'href="en/index.html"' in italian
    english = _read(_build(site / "en", data, [], lang="en")["index"])
    assert 'href="../index.html"' in english


def test_result_tiles_from_the_analyses_tables(tmp_path, site, sections):
    data = _wave(tmp_path, "demo-x")
    (site / "tables" / "needs.csv").write_text(
        "measure,group_var,group,estimate,n\n"
        "FLEX_HOURS,all,all,0.61,300\n"
        "NURSERY_SHARED,all,all,0.95,3\n"          # too few respondents: not a headline
        "SMART_WORKING,gender,F,0.99,200\n"        # a group, not the whole population
        "HOUR_BANK,all,all,,300\n")
    (site / "tables" / "work_life_balance.csv").write_text(
        "indicator,group_var,group,estimate,n\n"
        "wfc_score,all,all,3.2,390\nwlb_fit_good,all,all,0.746,390\n")
    html = _read(_build(site, data, sections)["index"])
    assert "61\u00a0%" in html and "Entrata/uscita flessibile" in html
    assert "75\u00a0%" in html


def test_prose_markup_is_escaped():
    html = str(prose("Uno **due** `tre` <b>\n\n- a\n  b\n- c & d\n\nfine"))
    assert html == ("<p>Uno <strong>due</strong> <code>tre</code> &lt;b&gt;</p>\n"
                    "<ul><li>a b</li><li>c &amp; d</li></ul>\n<p>fine</p>")


def test_every_site_text_has_both_languages():
    import yaml

    from pipeline.render.site import SITE_TEXTS_PATH

    catalogue = yaml.safe_load(SITE_TEXTS_PATH.read_text(encoding="utf-8"))
    for key, entry in catalogue.items():
        assert set(entry) == {"it", "en"}, key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key


CALIBRATION = """family,companies,on_one_side,icc,effect_sd,draws,rejection_rate,mc_se,seconds
measure_score,20,3,0.05,0,2000,0.046,0.0047,10
measure_score,40,15,0.3,0,2000,0.054,0.0051,10
measure_score,30,5,0.15,0,2000,0.05,0.0049,10
measure_yesno,20,3,0.05,0,2000,0.041,0.0044,10
did,20,3,0.05,0,2000,0.049,0.0048,10
change_common,20,,0.05,0,2000,0.052,0.0050,10
change_all,40,,0.3,0,2000,0.048,0.0048,10
company_change,20,,0.05,0,2000,0.051,0.0049,10
company_paired,20,,0.05,0,2000,0.05,0.0049,10
old_cr1,20,3,0.05,0,500,0.082,0.0123,10
old_cr1,40,15,0.3,0,500,0.113,0.0142,10
cr2_bm,20,3,0.05,0,500,0.061,0.0107,10
measure_score power,20,3,0.15,0.3,1000,0.31,0.0146,10
"""


@pytest.fixture
def calibration(tmp_path, monkeypatch):
    """A calibration table of the study (pipeline/analyse/stats/calibration.csv) with known ranges."""
    from pipeline.analyse.stats import calibration as cal

    path = tmp_path / "calibration.csv"
    path.write_text(CALIBRATION)
    monkeypatch.setattr(cal, "CALIBRATION_PATH", path)
    return path


def _blocks(html: str) -> list[str]:
    return re.findall(r'<h2 id="([^"]+)"', html)


def test_methods_explains_the_comparisons_and_their_measured_size(tmp_path, site, sections,
                                                                 calibration):
    data = _wave(tmp_path, "demo-x")
    it = _read(_build(site, data, sections)["methods"])
    en = _read(_build(site / "en", data, [], lang="en")["methods"])
    for html in (it, en):
        blocks = _blocks(html)
        assert blocks.index("comparisons") == blocks.index("estimation") + 1
    for phrase in ("Come sono verificati i confronti", "l'unità di replicazione è",
                   "inferenza per", "randomizzazione sulle imprese", "1.999 modi",
                   "wild cluster", "pesi di Webb e 9.999 campioni", "test t per dati appaiati",
                   "meno di 100", "<strong>Holm</strong>", "Benjamini e Hochberg",
                   "osservazionali",
                   # the measured size, from the table: ranges, draws, grid, old method
                   "punteggio (conflitto lavoro-famiglia): tra il 4,6\u00a0% e il 5,4\u00a0%",
                   "risposta sì/no (orario che si concilia bene): il 4,1\u00a0%",
                   "2.000 rilevazioni simulate", "numero di imprese (da 20 a 40)",
                   "da un lato del confronto (da 3 a 15)", "stessa impresa (da 0,05 a 0,3)",
                   "tra l'8,2\u00a0% e l'11,3\u00a0%", "500 rilevazioni simulate",
                   "al più 0,5 punti percentuali"):
        assert phrase in it, f"Italian methods page lacks {phrase!r}"
    for phrase in ("How comparisons are tested", "randomisation inference over companies",
                   "1,999 ways", "9,999 samples", "paired t test", "Benjamini-Hochberg",
                   "score (work-to-family conflict): between 4.6% and 5.4%",
                   "2,000 simulated waves", "(20 to 40)", "(3 to 15)", "(0.05 to 0.3)",
                   "between 8.2% and 11.3%"):
        assert phrase in en, f"English methods page lacks {phrase!r}"
    size = it.split('id="comparisons"')[1].split('id="sensitivity"')[0]
    assert "31,0" not in size and "1.000" not in size, "the power row is not a size row"


def test_methods_without_the_calibration_table_says_so(tmp_path, site, sections,
                                                        monkeypatch):
    from pipeline.analyse.stats import calibration as cal

    monkeypatch.setattr(cal, "CALIBRATION_PATH", tmp_path / "missing.csv")
    data = _wave(tmp_path, "demo-x")
    html = _read(_build(site, data, sections)["methods"])
    assert "comparisons" in _blocks(html) and "1.999 modi" in html
    assert "non è ancora disponibile per questa versione della pipeline" in html
    assert "Quota di simulazioni" not in html


def test_methods_compares_standard_errors_with_and_without_fpc(tmp_path, site, sections,
                                                                calibration):
    from pipeline.analyse.analysis.survey import fpc_comparison

    data = _wave(tmp_path, "demo-x")
    for lang in ("it", "en"):
        html = _read(_build(site / lang, data, [], lang=lang)["methods"])
        table = html.split('<h3 id="fpc">')[1].split("</table>")[0]
        assert table.index("<table") > 0  # the explanation comes first
        head = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)
        assert head == [site_text(f"site.fpc.col.{c}", lang) for c in
                        ("indicator", "estimate", "se", "se_nofpc", "deff", "icc", "n")]
        rows = {label: cells for label, cells in re.findall(
            r'<tr><th scope="row">([^<]*)</th>((?:<td class="num">[^<]*</td>)+)</tr>', table)}
        # wfc_score and the share of good fit (12 respondents >= min_cell 7); no sat_wlb
        assert set(rows) == {site_text("site.fpc.indicator.wfc_score", lang),
                             site_text("site.fpc.indicator.wlb_fit_good", lang)}
        wfc = re.findall(r">([^<]*)</td>", rows[site_text("site.fpc.indicator.wfc_score",
                                                          lang)])
        expected = fpc_comparison(data.tables["worker_survey"], data.tables["companies"],
                                  min_cell=7).set_index("indicator").loc["wfc_score"]
        from pipeline.i18n.formatting import Formatter

        fmt = Formatter(lang)
        assert wfc == [fmt.number(expected["estimate"], 2), fmt.number(expected["se"], 3),
                       fmt.number(expected["se_nofpc"], 3), fmt.number(expected["deff"], 2),
                       fmt.number(expected["icc"], 2), "12"]
    it = _read(site / "it" / "methods.html")
    assert "in 0 imprese su 2" in it and "senza correzione</strong> è quindi quello prudente" in it
    # above the publication threshold only
    html = _read(_build(site, data, sections, run_info={**RUN_INFO, "parameters": {
        **RUN_INFO["parameters"], "min_cell": 13}})["methods"])
    assert 'id="fpc"' not in html


def test_methods_marks_a_withheld_indicator_nd_with_the_footnote(tmp_path, site, sections,
                                                                  calibration):
    """An indicator with fewer answers than min_cell keeps its row, "n.d." in every cell,
    and the table gets the footnote saying why; none when nothing is withheld."""
    data = _wave(tmp_path, "demo-x")
    workers = data.tables["worker_survey"]
    few = pd.Series(np.nan, index=workers.index, dtype="float64")
    few.iloc[:3] = [3.0, 4.0, 2.0]  # 3 answers < min_cell 7
    data.tables["worker_survey"] = workers.assign(sat_wlb=few)
    for lang, mark in (("it", "n.d."), ("en", "n/a")):
        html = _read(_build(site / lang, data, [], lang=lang)["methods"])
        table = html.split('<h3 id="fpc">')[1].split("</table>")[0]
        rows = {unescape(label): cells for label, cells in re.findall(
            r'<tr><th scope="row">([^<]*)</th>((?:<td class="num">[^<]*</td>)+)</tr>', table)}
        cells = re.findall(r">([^<]*)</td>", rows[site_text("site.fpc.indicator.sat_wlb", lang)])
        assert cells == [mark] * 6
        after = html.split('<h3 id="fpc">')[1].split("</table>", 1)[1]
        assert after.lstrip().startswith(f'<p class="table-note">{mark}: ')
    plain = _wave(tmp_path / "plain", "demo-x")
    assert 'class="table-note"' not in _read(_build(site / "plain", plain, [])["methods"])
