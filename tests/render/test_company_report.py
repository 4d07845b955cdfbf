"""The confidential company report, run for real on small networks (issue 11 point 5,
issue 12 point 4).

* In a network of four companies no report may let its reader learn another company's
  answer: each report is run twice, the second time with every other company's
  questionnaire answers turned around, and must not change by one character.
* In a larger network, every share of companies a report publishes counts the other
  similar companies only and has at least two companies on each side.
* A report is titled and opened with the company's name, escaped; it compares the company
  with its own previous wave and says so plainly when the company is new to the network.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from helpers.notebooks import link_notebooks
from helpers.waves import demo_copy

from pipeline.analyse.analysis.company import MIN_COMPANIES_PER_SIDE, MIN_OTHER_COMPANIES
from pipeline.analyse.analysis.company_actions import peer_group
from pipeline.codebook import ACTIVE_STATUSES
from pipeline.i18n.text import text
from pipeline.run.execute import run_jobs
from pipeline.run.plan import NotebookJob
from pipeline.wave import WaveData, write_processed

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "notebooks" / "company" / "company_report.py"
HOSTILE_NAME = "Rossi & <b>Figli</b> *S.r.l.* <img src=x onerror=alert(1)>"


def network(tables: dict[str, pd.DataFrame], ids: list[str]) -> dict[str, pd.DataFrame]:
    """The wave's tables with only ``ids`` surveyed (their workers only)."""
    out = dict(tables)
    out["company_survey"] = tables["company_survey"][
        tables["company_survey"]["company_id"].isin(ids)].reset_index(drop=True)
    out["worker_survey"] = tables["worker_survey"][
        tables["worker_survey"]["company_id"].isin(ids)].reset_index(drop=True)
    return out


def turned_around(survey: pd.DataFrame, keep: str) -> pd.DataFrame:
    """Every company's questionnaire but ``keep``'s, each answer the other way round."""
    out = survey.copy()
    rows = out["company_id"] != keep
    measures = [c for c in out.columns if c.startswith("m_")]
    for col in measures:
        active = out.loc[rows, col].isin(ACTIVE_STATUSES)
        out.loc[rows, col] = active.map({True: "none", False: "active_all"}).to_numpy()
    out["n_measures_active"] = out[measures].isin(ACTIVE_STATUSES).sum(axis=1).astype(
        out["n_measures_active"].dtype)
    for col in ("needs_survey_done", "second_level_agreement"):
        out.loc[rows, col] = ~out.loc[rows, col].fillna(False).astype(bool)
    out.loc[rows, "welfare_budget_per_emp"] = 999.0
    return out


def run_reports(root: Path, wave: str, folder: Path, ids: list[str], *, render: bool = False,
                previous: tuple[str, Path] | None = None) -> dict[str, Path]:
    """Execute (and render to HTML) the company report of each of ``ids``."""
    jobs = []
    for cid in ids:
        parameters = {"wave": wave, "lang": "it", "min_cell": 5, "processed_dir": str(folder),
                      "company_id": cid, "previous_wave": previous[0] if previous else None,
                      "previous_processed_dir": str(previous[1]) if previous else None}
        out = root / "out" / folder.name / cid
        jobs.append(NotebookJob(
            source=SOURCE, executed=out.with_suffix(".ipynb"), parameters=parameters, name=cid,
            render={"html_path": out.with_suffix(".html"), "pdf_path": None,
                    "title": f"{text('company.title')} — {HOSTILE_NAME}", "wave": wave,
                    "lang": "it"} if render else None))
    run_jobs(jobs, workers=1, cwd=root)
    return {j.name: (j.render["html_path"] if render else j.executed) for j in jobs}


def outputs(executed: Path) -> list[str]:
    """Everything the executed report shows: text, tables and figures, in order."""
    nb = nbformat.read(executed, as_version=4)
    shown = [str(out.get("data", out.get("text", ""))) for cell in nb.cells
             if cell.cell_type == "code" for out in cell.get("outputs", [])]
    # a table's random id and its object's address are no content
    return [re.sub(r"T_[0-9a-f]{5}|at 0x[0-9a-f]+", "", s) for s in shown]


def shown_text(executed: Path) -> str:
    return "\n".join(outputs(executed))


@pytest.fixture
def root(project: Path) -> Path:
    link_notebooks(project)
    return project


@pytest.fixture(scope="module")
def tables(demo_waves):
    return demo_copy(demo_waves, "demo-2014")


def test_a_network_of_four_reveals_no_other_company(root, tables):
    ids = list(tables["company_survey"]["company_id"][:4])
    real = network(tables, ids)
    write_processed(WaveData("w4", real, {"label": "w4"}), root / "w4")
    reports = run_reports(root, "w4", root / "w4", ids)
    for reader in ids:
        other = dict(real, company_survey=turned_around(real["company_survey"], reader))
        write_processed(WaveData("w4", other, {"label": "w4"}), root / f"w4-{reader}")
        again = run_reports(root, "w4", root / f"w4-{reader}", [reader])[reader]
        assert outputs(again) == outputs(reports[reader]), (
            f"the report of {reader} changes with the other companies' answers")
        shown = shown_text(reports[reader])
        assert "Confronto con la rete non disponibile" in shown
        assert "Metà delle altre imprese" not in shown and "imprese simili" not in shown


def test_shares_of_companies_count_only_the_other_similar_companies(root, tables):
    survey = tables["company_survey"]
    ids = list(survey["company_id"][:12])
    wave = network(tables, ids)
    write_processed(WaveData("w12", wave, {"label": "w12"}), root / "w12")
    readers = ids[:3]
    reports = run_reports(root, "w12", root / "w12", readers)
    checked = 0
    for reader in readers:
        group = peer_group(wave["company_survey"], wave["companies"], reader)
        assert group.kind != "none" and reader not in group.company_ids
        for k, n in re.findall(r">(\d+) su (\d+)<", shown_text(reports[reader])):
            k, n = int(k), int(n)
            assert n <= len(group) and n >= MIN_OTHER_COMPANIES
            assert MIN_COMPANIES_PER_SIDE <= k <= n - MIN_COMPANIES_PER_SIDE
            checked += 1
        assert "Metà delle altre imprese della rete" in shown_text(reports[reader])
    assert checked  # the suggestions were shown somewhere: the rule was exercised


def test_the_report_names_its_company_and_compares_it_with_itself(root, demo_waves):
    before, now = demo_copy(demo_waves, "demo-2013"), demo_copy(demo_waves, "demo-2014")
    surveyed_before = set(before["company_survey"]["company_id"])
    both = next(c for c in now["company_survey"]["company_id"] if c in surveyed_before)
    members_before = set(before["companies"].loc[before["companies"]["in_network"].fillna(False)
                                                 .astype(bool), "company_id"])
    new = next(c for c in now["company_survey"]["company_id"] if c not in members_before)
    now["companies"] = now["companies"].assign(name=now["companies"]["name"].where(
        now["companies"]["company_id"] != both, HOSTILE_NAME))
    write_processed(WaveData("demo-2013", before, {"label": "demo-2013"}), root / "p13")
    write_processed(WaveData("demo-2014", now, {"label": "demo-2014",
                                                "previous_wave": "demo-2013"}), root / "p14")
    pages = run_reports(root, "demo-2014", root / "p14", [both, new], render=True,
                        previous=("demo-2013", root / "p13"))
    soup = BeautifulSoup(pages[both].read_text(encoding="utf-8"), "html.parser")
    assert HOSTILE_NAME in soup.find("h1", class_="cover-title").get_text()
    intro = next(p for p in soup.find_all("p") if "riservato" in p.get_text())
    assert HOSTILE_NAME in intro.get_text() and intro.find("img") is None
    assert intro.find("b") is None
    assert not soup.find_all(attrs={"onerror": True})
    body = " ".join(soup.get_text(" ").split())
    assert "Nella rilevazione precedente (demo-2013) il punteggio dell'impresa era" in body
    assert "Rispetto alla rilevazione precedente" in body
    fresh = " ".join(BeautifulSoup(pages[new].read_text(encoding="utf-8"), "html.parser")
                     .get_text(" ").split())
    assert "È la prima volta che l'impresa partecipa all'indagine della rete" in fresh
    assert "Nella rilevazione precedente (demo-2013) il punteggio" not in fresh
