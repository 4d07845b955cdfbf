"""The index opens with the wave's findings, worded by the catalogue, linked to their sections.

Fast checks on hand-made findings and tables (pipeline/render/site/findings.py and
index.py), then, marked slow, the two demo waves run end to end: the index of demo-2014
states the headline findings and what changed since demo-2013.
"""

from __future__ import annotations

import os
import re
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers.notebooks import COMPANY_NOTEBOOK, REPO_NOTEBOOKS
from helpers.waves import write_wave

from pipeline.analyse.analysis.findings import ITEMS, Finding, read_published, wave_findings
from pipeline.ingest.load import ingest_wave
from pipeline.render.site import site_text, write_site
from pipeline.render.site.findings import finding_cards, heading_text, section_href


def _finding(kind: str, rows: list[dict], section: str = "02_needs",
             anchor: str | None = None) -> Finding:
    return Finding(kind, section, anchor, pd.DataFrame(rows, columns=list(ITEMS[kind])))


def _need(rank: int, measure: str, share: float) -> dict:
    return {"rank": rank, "measure": measure, "estimate": share, "ci_low": share - 0.02,
            "ci_high": share + 0.02, "n": 900}


def _card(finding: Finding, lang: str = "it", **kw) -> dict:
    cards = finding_cards([finding], [], Path("."), lang, **kw)
    assert len(cards) == 1
    return cards[0]


def _all_text(card: dict) -> str:
    return " ".join([card["lead"] or "", *card["parts"], *card["more"], card["note"] or ""])


# --- the words ----------------------------------------------------------------------------------

def test_the_most_wanted_need_with_its_article_and_interval():
    card = _card(_finding("top_needs", [_need(1, "FLEX_HOURS", 0.80), _need(2, "HEALTH_FUND", 0.74),
                                        _need(3, "HOUR_BANK", 0.08)]))
    assert card["lead"] == ("L'80\u00a0% dei lavoratori ritiene importante «Entrata/uscita "
                            "flessibile» (78–82\u00a0%): è la misura più richiesta.")
    assert card["more"] == ["Seguono «Fondo/cassa sanitaria integrativa» (74\u00a0%) e "
                            "«Banca ore / recupero ore» (8\u00a0%)."]
    english = _card(_finding("top_needs", [_need(1, "FLEX_HOURS", 0.80)]), "en")
    assert english["lead"].startswith("80% of workers rate “")
    assert english["lead"].endswith("(78–82%) as important: the most wanted measure.")
    assert english["more"] == []


def test_a_tie_at_the_top_names_both_and_crowns_neither():
    card = _card(_finding("top_needs", [_need(1, "SMART_WORKING", 0.532),
                                        _need(1, "FLEX_HOURS", 0.529), _need(3, "HOUR_BANK", 0.4)]))
    lead = card["lead"]
    assert lead.startswith("Il 53\u00a0% dei lavoratori ritiene importanti «")
    assert "sono le misure più richieste, a pari merito" in lead
    assert "«Lavoro agile" in lead and "«Entrata/uscita flessibile»" in lead
    assert "è la misura più richiesta" not in lead
    english = _card(_finding("top_needs", [_need(1, "SMART_WORKING", 0.532),
                                           _need(1, "FLEX_HOURS", 0.529)]), "en")
    assert "the most wanted measures, tied" in english["lead"]


def _gap(group_var: str, measure: str, high: float, low: float) -> dict:
    return {"group_var": group_var, "measure": measure, "group_high": "x",
            "estimate_high": high, "ci_low_high": high - 0.03, "ci_high_high": high + 0.03,
            "n_high": 170, "group_low": "y", "estimate_low": low, "ci_low_low": low - 0.02,
            "ci_high_low": low + 0.02, "n_low": 1100}


def test_who_needs_what_one_line_per_group():
    card = _card(_finding("group_needs", [_gap("gender", "PART_TIME_REVERSIBLE", 0.63, 0.40),
                                          _gap("caregiver", "CAREGIVER_DESK", 0.64, 0.08),
                                          _gap("age_band", "FLEX_HOURS", 0.9, 0.5)]))
    assert card["lead"] is None and len(card["parts"]) == 2  # no sentence for age bands
    women, carers = card["parts"]
    assert women.startswith("Le donne chiedono «Part-time su richiesta e reversibile")
    assert women.endswith("più degli uomini: il 63\u00a0% (60–66\u00a0%) contro il 40\u00a0% "
                          "(38–42\u00a0%).")
    assert carers.endswith("contro l'8\u00a0% (6–10\u00a0%).")
    assert card["note"] == site_text("site.finding.group_note", "it")


def _service(measure: str, areas: tuple[str, ...], users: float, low: float, n: int,
             wide: bool = False) -> dict:
    return {"measure": measure, "network_wide": wide, "areas": areas, "n_areas": len(areas),
            "users": users, "users_low": low, "users_high": users + 20, "n_interested": n}


def test_viable_services_where_and_for_how_many_workers():
    card = _card(_finding("viable_services", [
        _service("NURSERY_SHARED", ("VERONA", "CINTURA", "VALPOLICELLA"), 129.96, 109.04, 14),
        _service("ADMIN_DESK", ("VERONA",), 104.2, 94.4, 1),
        _service("CONCIERGE", (), 144.8, 131.8, 20, wide=True)], section="04_network"))
    assert card["lead"].startswith("«Nido aziendale")
    assert "abbastanza utenti per un servizio condiviso in 3 aree" in card["lead"]
    assert "Lo userebbero circa 130 lavoratori, almeno 109 secondo le stime più prudenti; " \
           "14 imprese si sono dette interessate." in card["lead"]
    assert card["more"][0].startswith("Abbastanza utenti anche per «")
    assert "circa 104 lavoratori" in card["more"][0]
    assert card["more"][1].startswith("Solo mettendo insieme le imprese di tutta la rete: «")
    one = _card(_finding("viable_services", [_service("ADMIN_DESK", ("VERONA",), 61, 60.2, 1)]))
    assert "in 1 area (" in one["lead"] and "1 impresa si è detta interessata" in one["lead"]
    assert "almeno 60 secondo" in one["lead"]
    none = _card(_finding("viable_services", [_service("CONCIERGE", (), 144.8, 131.8, 20,
                                                       wide=True)]))
    assert none["lead"] == site_text("site.finding.viable_none", "it")


def _change(indicator: str, direction: str, est: float, low: float, high: float, *,
            kind: str = "mean", source: str = "workers", before: float = np.nan,
            after: float = np.nan, n: int = 30) -> dict:
    return {"source": source, "indicator": indicator, "kind": kind, "before": before,
            "after": after, "estimate": est, "ci_low": low, "ci_high": high,
            "p_adjusted": 0.001 if direction != "unclear" else 0.6, "tested": True,
            "direction": direction, "n_companies": n, "reference_wave": "w1"}


CHANGES = [
    _change("flex_available", "improved", 0.17, 0.068, 0.28, kind="proportion",
            before=0.5419, after=0.7099),
    _change("n_measures_active", "improved", 5.733, 4.513, 6.954, source="companies",
            before=13.5, after=19.233),
    _change("wfc_score", "improved", -0.475, -0.641, -0.316, source="flexibility", n=11),
    _change("wfc_score", "unclear", -0.106, -0.234, 0.021, before=3.09, after=2.98),
    _change("sat_wlb", "unclear", 0.04, -0.05, 0.13, before=3.53, after=3.58),
]


def test_clear_changes_with_their_size_and_the_rest_not_distinguishable_from_chance():
    card = _card(_finding("changes", CHANGES, section="05_monitoring"),
                 previous="Rilevazione d'autunno 2013")
    assert card["lead"] == (
        "La quota di lavoratori con orario flessibile o lavoro agile a disposizione sale dal "
        "54\u00a0% al 71\u00a0%: 17 punti percentuali in più (tra 7 e 28). Un miglioramento "
        "chiaro.")
    measures, flex = card["parts"]
    assert measures == ("Il numero medio di misure attive per impresa sale da 13,5 a 19,2: 5,7 "
                        "in più (tra 4,5 e 7,0). Un miglioramento chiaro.")
    assert "il conflitto lavoro-famiglia è sceso di 0,48 punti più che nelle altre" in flex
    assert "(11)" in flex and "non la prova di un effetto" in flex
    unclear = card["more"]
    assert unclear == ["Per il conflitto lavoro-famiglia e la soddisfazione per l'equilibrio tra "
                       "vita e lavoro, la variazione non è distinguibile dal caso."]
    # a change that is not significant is never a rise or a fall
    assert "scende da 3,09" not in _all_text(card) and "2,98" not in _all_text(card)
    assert card["note"].startswith("Rilevazione precedente: Rilevazione d'autunno 2013. I "
                                   "confronti riguardano le imprese presenti in entrambe le "
                                   "rilevazioni (30).")


def test_nothing_clear_is_said_as_such_in_both_languages():
    rows = [c for c in CHANGES if c["direction"] == "unclear"]
    card = _card(_finding("changes", rows, section="05_monitoring"), previous="w1")
    assert card["lead"] == site_text("site.finding.change.none_clear", "it")
    assert card["parts"] == [] and "non è distinguibile dal caso" in card["more"][0]
    english = _card(_finding("changes", rows, section="05_monitoring"), "en", previous="w1")
    assert english["more"] == ["For work-to-family conflict and satisfaction with the balance "
                               "of work and life, the change is not distinguishable from chance."]
    assert "falls" not in _all_text(english) and "rises" not in _all_text(english)


def test_a_clear_worsening_says_it_worsened():
    worse = _change("wfc_score", "worse", 0.3, 0.1, 0.5, before=3.09, after=3.39)
    card = _card(_finding("changes", [worse], section="05_monitoring"))
    assert card["lead"].startswith("Il conflitto lavoro-famiglia (scala da 1 a 7) sale da 3,09 "
                                   "a 3,39: 0,30 in più (tra 0,10 e 0,50).")
    assert card["lead"].endswith(site_text("site.finding.change.worse", "it"))


def test_work_life_fit_and_first_wave():
    fit = _card(_finding("work_life_fit", [{"estimate": 0.83, "ci_low": 0.81, "ci_high": 0.85,
                                            "n": 1476}]))
    assert fit["lead"].startswith("L'83\u00a0% dei lavoratori (81–85\u00a0%) dice che")
    first = _card(_finding("first_wave", [], section="05_monitoring"), "en")
    assert first["lead"] == site_text("site.finding.first_wave", "en")


# --- the links ----------------------------------------------------------------------------------

def test_each_finding_links_the_heading_of_its_section(tmp_path):
    heading = heading_text("needs.by_group", "it")
    assert heading and not heading.startswith("#")
    assert heading_text("network.viability", "it"), "a heading whose text needs values"
    assert heading_text("site.findings.intro", "it") is None  # no heading
    (tmp_path / "02_needs.html").write_text(
        f'<main><h2 id="intro">Altro</h2><h2 id="Bisogni-x">{heading}</h2></main>')
    sections = [{"name": "02_needs", "title": "I bisogni", "html": "02_needs.html"},
                {"name": "04_network", "title": "La rete", "html": "04_network.html"}]
    needs = _finding("group_needs", [], anchor="needs.by_group")
    assert section_href(needs, sections, tmp_path, "it") == ("02_needs.html#Bisogni-x",
                                                             "I bisogni")
    unknown = _finding("group_needs", [], anchor="needs.importance")  # heading not in page
    assert section_href(unknown, sections, tmp_path, "it") == ("02_needs.html", "I bisogni")
    network = _finding("viable_services", [], section="04_network")  # no such file
    assert section_href(network, sections, tmp_path, "it") is None


# --- the index ----------------------------------------------------------------------------------

def _needs_table() -> pd.DataFrame:
    rows = []
    for measure, share in (("FLEX_HOURS", 0.80), ("HEALTH_FUND", 0.74), ("HOUR_BANK", 0.69),
                           ("CONCIERGE", 0.20)):
        rows.append({"measure": measure, "group_var": "all", "group": "all",
                     "estimate": share, "ci_low": share - 0.02, "ci_high": share + 0.02,
                     "n": 900, "suppressed": False})
    for group, share, n in (("F", 0.63, 500), ("M", 0.40, 400)):
        rows.append({"measure": "PART_TIME_REVERSIBLE", "group_var": "gender", "group": group,
                     "estimate": share, "ci_low": share - 0.03, "ci_high": share + 0.03, "n": n,
                     "suppressed": False})
    for group, share, n in (("yes", 0.9, 3), ("no", 0.2, 800)):  # 3 carers: withheld
        rows.append({"measure": "CAREGIVER_DESK", "group_var": "caregiver", "group": group,
                     "estimate": share, "ci_low": share - 0.1, "ci_high": share + 0.1, "n": n,
                     "suppressed": False})
    return pd.DataFrame(rows)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "reports" / "demo-x"
    (site / "tables").mkdir(parents=True)
    heading = heading_text("needs.importance", "it")
    (site / "02_needs.html").write_text(f'<h2 id="quali-misure">{heading}</h2>')
    _needs_table().to_csv(site / "tables" / "needs.csv", index=False)
    return site


SECTIONS = [{"name": "02_needs", "title": "I bisogni dei lavoratori", "html": "02_needs.html",
             "pdf": None, "executed": None}]


def _index(site: Path, tmp_path: Path, lang: str = "it", **meta) -> str:
    data = ingest_wave("demo-x", write_wave(tmp_path / "project", "demo-x"))
    data.meta.update(meta)
    written = write_site(site, data, SECTIONS, lang=lang, pdf=False,
                         run_info={"run_id": "r1", "started": "2026-12-03T10:00:00"})
    return written["index"].read_text(encoding="utf-8")


def _visible(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_the_index_opens_with_the_findings(site, tmp_path):
    html = _index(site, tmp_path)
    findings = html.index('id="findings"')
    assert findings < html.index('id="reports"') < html.index('class="tiles"')
    assert "Imprese per settore" not in html and "<img" not in html  # no chart first
    text = _visible(html)
    assert "L'80\u00a0% dei lavoratori ritiene importante «Entrata/uscita flessibile»" in text
    assert "Le donne chiedono «Part-time su richiesta e reversibile" in text
    assert "Chi assiste un familiare" not in text, "3 carers: under min_cell, never stated"
    assert 'href="02_needs.html#quali-misure"' in html
    assert site_text("site.findings.intro", "it") in text


def test_the_header_names_the_wave_by_its_title_and_fieldwork(site, tmp_path):
    html = _index(site, tmp_path, title={"it": "Rilevazione d'autunno 2014",
                                         "en": "Autumn 2014 survey"},
                  fieldwork_start="2014-10-06", fieldwork_end="2014-11-28")
    header = _visible(html[html.index("<header"):html.index("</header>")])
    assert "Rilevazione d'autunno 2014 · dal 6 ottobre 2014 al 28 novembre 2014" in \
        " ".join(header.split())
    assert "demo-x" not in header and "2026" not in header, "no code, no build date"
    footer = _visible(html[html.index("<footer"):])
    assert "3 dicembre 2026" in footer
    english = _index(site / "en", tmp_path / "en", "en", title={"it": "x", "en": "Autumn 2014"})
    assert "<title>" in english and "Autumn 2014</title>" in english
    derived = _index(site, tmp_path / "d", fieldwork_start="2014-10-06",
                     fieldwork_end="2014-11-28")
    assert "Rilevazione ottobre–novembre 2014" in derived


def test_an_index_without_tables_has_no_findings(tmp_path):
    site = tmp_path / "reports" / "demo-x"
    site.mkdir(parents=True)
    html = _index(site, tmp_path)
    assert 'id="findings"' not in html and 'class="tiles"' in html


# --- the two demo waves, end to end -------------------------------------------------------------

def _project(root: Path) -> None:
    """A project whose notebooks are the repository's sections and summary, with a company
    notebook that only prints its company (the company reports are not under test)."""
    notebooks = root / "notebooks"
    (notebooks / "company").mkdir(parents=True)
    for path in REPO_NOTEBOOKS.glob("*.py"):
        (notebooks / path.name).symlink_to(path)
    (notebooks / "summary").symlink_to(REPO_NOTEBOOKS / "summary", target_is_directory=True)
    (notebooks / "company" / "company_report.py").write_text(COMPANY_NOTEBOOK)
    for sub in ("data/raw", "data/processed", "reports"):
        (root / sub).mkdir(parents=True)


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory) -> Path:
    """The two default demo waves, demo-2013 then demo-2014, run end to end (Italian)."""
    from pipeline.config import get_paths
    from pipeline.demo import write_demo_wave
    from pipeline.run.wave import run_wave

    reference = get_paths().reference_dir
    root = tmp_path_factory.mktemp("demo-pair")
    _project(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WELFARE_ROOT", str(root))
        mp.setenv("WELFARE_REFERENCE_DIR", str(reference))
        mp.setenv("MPLBACKEND", "Agg")
        for wave in ("demo-2013", "demo-2014"):
            write_demo_wave(wave, root / "data" / "raw" / wave)
            run_wave(wave, jobs=min(os.cpu_count() or 1, 4), progress_stream=None)
    return root / "reports"


def _cards(html: str) -> dict[str, str]:
    """The findings of an index, ``{kind: visible text}``."""
    return {kind.replace("-", "_"): " ".join(_visible(body).split())
            for kind, body in re.findall(r'<li class="finding finding-([a-z-]+)">(.*?)</li>\n'
                                         r'(?=<li class="finding|</ol>)', html, re.S)}


@pytest.mark.slow
def test_the_index_of_demo_2014_states_the_findings_and_the_change(demo_pair):
    site = demo_pair / "demo-2014"
    html = (site / "index.html").read_text(encoding="utf-8")
    cards = _cards(html)
    # at least the three headline findings and the change since demo-2013, in that order
    assert list(cards)[:4] == ["top_needs", "group_needs", "viable_services", "changes"]
    found = {f.kind: f for f in wave_findings(read_published(site / "tables"), 5)}
    top = found["top_needs"].items.iloc[0]
    assert f"{round(100 * top['estimate'])} % dei lavoratori" in cards["top_needs"]
    assert "più richiest" in cards["top_needs"]
    assert len(found["group_needs"].items) >= 2
    assert "Le donne chiedono" in cards["group_needs"]
    assert "abbastanza utenti per un servizio condiviso" in cards["viable_services"]
    changes = found["changes"].items
    assert (changes["direction"] == "improved").any(), "the demo's flexibility rises"
    assert "Rilevazione precedente: Rilevazione d'autunno 2013" in cards["changes"]
    if (changes["direction"] == "unclear").any():
        assert "non è distinguibile dal caso" in cards["changes"]
    # every finding links the heading of its section, and the heading is there
    for href in re.findall(r'<p class="finding-link">[^<]*<a href="([^"]+)"', html):
        page, _, anchor = href.partition("#")
        assert anchor and f'id="{anchor}"' in (site / page).read_text(encoding="utf-8"), href
    header = _visible(html[html.index("<header"):html.index("</header>")])
    assert "Rilevazione d'autunno 2014" in header and "demo-2014" not in header


@pytest.mark.slow
def test_the_index_of_demo_2013_is_a_first_wave(demo_pair):
    html = (demo_pair / "demo-2013" / "index.html").read_text(encoding="utf-8")
    cards = _cards(html)
    assert "changes" not in cards and "first_wave" in cards
    assert {"top_needs", "group_needs", "viable_services"} <= set(cards)
