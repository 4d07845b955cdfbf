"""The company reports of a run go to ``confidential/<wave>/``, never under ``reports/``.

A tiny project (two sections, a company notebook that prints its company) run for real, in
Italian and English: the public site holds no company report, the confidential tree holds
one folder per surveyed company (a keyed hash, not the id) with both languages and a
README, owner-only; a failed run leaves both trees as they were; a company no longer
surveyed loses its folder; a site of an older version loses its ``confidential/``.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from helpers.notebooks import COMPANY_NOTEBOOK, section_notebook
from helpers.waves import minimal_tables, write_csv, write_wave

from pipeline.config import get_paths
from pipeline.errors import PipelineError
from pipeline.publish import publish_company
from pipeline.publish.companies import company_folder, project_key
from pipeline.run.state import wave_status
from pipeline.run.wave import run_wave

pytestmark = pytest.mark.slow

#: What only a company report says (the company notebook prints it).
MARK = "report of C0"


@pytest.fixture
def tiny(project: Path) -> Path:
    nb = project / "notebooks"
    (nb / "company").mkdir(parents=True)
    (nb / "01_context.py").write_text(section_notebook("companies", "context"))
    (nb / "02_needs.py").write_text(section_notebook("worker_survey", "needs"))
    (nb / "company" / "company_report.py").write_text(COMPANY_NOTEBOOK)
    write_wave(project, "w1")
    return project


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def company_reports_under(folder: Path) -> list[str]:
    """Files under ``folder`` that are, or lie in a folder of, company reports."""
    return [rel for rel, data in files(folder).items()
            if MARK.encode() in data or "confidential" in rel or "report" in rel.split("/")[-1]]


def test_no_company_report_under_reports(tiny):
    paths = get_paths()
    for lang in ("it", "en"):
        run_wave("w1", lang=lang, jobs=2, progress_stream=None)

    assert not company_reports_under(paths.reports)
    site = set(files(paths.report_wave("w1")))
    assert {f"{prefix}{name}" for prefix in ("", "en/") for name in (
        "01_context.html", "01_context.pdf", "02_needs.html", "02_needs.pdf", "index.html",
        "tables/context.csv", "tables/needs.csv")} <= site

    private = paths.confidential_wave("w1")
    key = project_key(paths)
    folders = {cid: company_folder(key, "w1", cid) for cid in ("C01", "C02")}
    reports = {f"{folders[cid]}/{name}" for cid in folders
               for name in ("report.html", "report.pdf", "report-en.html", "report-en.pdf")}
    assert set(files(private)) == {"README.md", *reports}
    assert MARK + "1" in (private / folders["C01"] / "report-en.html").read_text()
    readme = (private / "README.md").read_text(encoding="utf-8")
    for cid, name in (("C01", "Alfa S.r.l."), ("C02", "Beta S.p.A.")):
        assert (f"| {cid} | {name} | `{folders[cid]}` | report.html, report.pdf, "
                "report-en.html, report-en.pdf |") in readme
    # owner-only, the whole tree
    modes = {stat.S_IMODE(p.stat().st_mode) for p in [paths.confidential, *
                                                       paths.confidential.rglob("*")]}
    assert modes == {0o700, 0o600}
    assert [p.name for p in paths.confidential.iterdir()] == ["w1"]  # no stage left

    # a rerun with nothing new reuses everything, both trees included
    again = run_wave("w1", jobs=1, progress_stream=None)
    assert not again["changed"] and all(s["cached"] for s in again["steps"])

    # the bundle of one company: its report in both languages, nothing of the other
    bundle = publish_company("w1", "C02", paths.root.parent / "for-C02.zip")
    assert [p.as_posix() for p in bundle] == ["README.md", "report.html", "report.pdf",
                                              "report-en.html", "report-en.pdf"]


def test_a_site_of_an_older_version_loses_its_confidential_folders(tiny):
    paths = get_paths()
    run_wave("w1", jobs=1, progress_stream=None)
    site = paths.report_wave("w1")
    for folder in (site / "confidential", site / "en" / "confidential"):
        folder.mkdir(parents=True)
        (folder / "C01.pdf").write_bytes(b"%PDF " + MARK.encode())
    assert wave_status(paths, "w1")[0] == "reported"  # nothing the plan misses...
    rerun = run_wave("w1", jobs=1, progress_stream=None)  # ...but the site is staged again
    assert rerun["changed"]
    assert all(s["cached"] for s in rerun["steps"] if s["step"] != "publish")
    assert not company_reports_under(paths.reports)


def test_a_failed_run_leaves_both_trees_as_they_were(tiny):
    paths = get_paths()
    run_wave("w1", jobs=1, progress_stream=None)
    site, private = paths.report_wave("w1"), paths.confidential_wave("w1")
    before = files(site), files(private)
    company = paths.company_notebook()
    company.write_text(company.read_text() + "\n# %%\nassert company_id != 'C02', 'no C02'\n")
    with pytest.raises(PipelineError, match="no C02"):
        run_wave("w1", jobs=1, progress_stream=None)
    assert (files(site), files(private)) == before
    assert [p.name for p in paths.confidential.iterdir()] == ["w1"]
    assert [p.name for p in paths.reports.iterdir()] == ["w1"]


def test_a_company_no_longer_surveyed_loses_its_folder(tiny):
    paths = get_paths()
    run_wave("w1", jobs=1, progress_stream=None)
    key = project_key(paths)
    private = paths.confidential_wave("w1")
    c01, c02 = (company_folder(key, "w1", cid) for cid in ("C01", "C02"))
    assert {p.name for p in private.iterdir()} == {"README.md", c01, c02}

    tables = minimal_tables()
    tables["company_survey"] = tables["company_survey"].iloc[:1]  # C01 only
    tables["worker_survey"]["company_id"] = "C01"
    for name in ("company_survey", "worker_survey"):
        write_csv(tables[name], paths.raw_wave("w1") / f"{name}.csv")
    run_wave("w1", jobs=1, progress_stream=None)
    assert {p.name for p in private.iterdir()} == {"README.md", c01}
    readme = (private / "README.md").read_text(encoding="utf-8")
    assert c01 in readme and c02 not in readme and "| C02 |" not in readme
