"""Orchestration: caching by input hashes, atomic publishing, kill safety, wave order.

These tests run real notebooks through papermill and real rendering, on a tiny project
whose two notebooks each read one table, so that what reruns after a change is visible.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from waves import minimal_tables, write_csv, write_wave

from pipeline.config import get_paths
from pipeline.errors import PipelineError
from pipeline.run import list_waves, run_all, run_wave, wave_status

pytestmark = pytest.mark.slow

NOTEBOOK = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   welfare:
#     tables: [{table}]
# ---

# %% tags=["parameters"]
wave = "w"
lang = "it"
processed_dir = None
tables_dir = None
min_cell = 5

# %%
import time
from pathlib import Path
import pandas as pd
df = pd.read_parquet(Path(processed_dir) / "{table}.parquet")
Path(tables_dir).mkdir(parents=True, exist_ok=True)
pd.DataFrame({{"rows": [len(df)]}}).to_csv(Path(tables_dir) / "{name}.csv", index=False)
time.sleep(float(__import__("os").environ.get("TEST_NOTEBOOK_SLEEP", "0")))

# %% [markdown]
# ## {name}
"""


COMPANY_NOTEBOOK = """# %% tags=["parameters"]
wave = "w"
lang = "it"
processed_dir = None
company_id = None

# %% [markdown]
# ## Company report

# %%
print("report of", company_id)
"""


@pytest.fixture
def tiny_project(project: Path) -> Path:
    nb = project / "notebooks"
    (nb / "company").mkdir(parents=True)
    (nb / "01_context.py").write_text(NOTEBOOK.format(table="companies", name="context"))
    (nb / "02_needs.py").write_text(NOTEBOOK.format(table="worker_survey", name="needs"))
    (nb / "company" / "company_report.py").write_text(COMPANY_NOTEBOOK)
    write_wave(project, "w1")
    return project


def _steps(result) -> dict[str, bool]:
    return {s["step"]: s["cached"] for s in result["steps"]}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_cache_reruns_only_what_changed(tiny_project):
    paths = get_paths()
    first = run_wave("w1", jobs=1, progress_stream=None)
    assert not any(_steps(first).values())
    assert (paths.report_wave("w1") / "index.html").exists()
    assert (paths.report_wave("w1") / "02_needs.pdf").read_bytes()[:4] == b"%PDF"

    site = paths.report_wave("w1")
    assert sorted(p.name for p in (site / "confidential").iterdir()) == [
        "C01.html", "C01.pdf", "C02.html", "C02.pdf"]  # one per surveyed company
    assert "confidential" not in (site / "index.html").read_text(encoding="utf-8")
    assert "report of C02" in (site / "confidential" / "C02.html").read_text(encoding="utf-8")

    again = run_wave("w1", jobs=1, progress_stream=None)
    assert all(_steps(again).values()) and not again["changed"]

    # a change in the worker table reruns the needs section only
    tables = minimal_tables()
    tables["worker_survey"].loc[0, "wlb_fit"] = "4"
    write_csv(tables["worker_survey"], paths.raw_wave("w1") / "worker_survey.csv")
    changed = run_wave("w1", jobs=1, progress_stream=None)
    assert _steps(changed) == {"ingest": False, "section 01_context": True,
                               "section 02_needs": False, "company C01": False,
                               "company C02": False, "publish": False}

    # a changed notebook reruns that notebook only
    nb = paths.notebooks / "01_context.py"
    nb.write_text(nb.read_text() + "\n# %%\nx = 1\n")
    edited = run_wave("w1", jobs=1, progress_stream=None)
    assert _steps(edited) == {"ingest": True, "section 01_context": False,
                              "section 02_needs": True, "company C01": True,
                              "company C02": True, "publish": False}

    forced = run_wave("w1", jobs=1, force=True, progress_stream=None)
    assert not any(_steps(forced).values())

    record = json.loads(Path(forced["record"]).read_text())
    assert record["status"] == "reported"
    assert set(record["inputs"]["raw"]) == {"companies.csv", "company_survey.csv",
                                           "worker_survey.csv"}
    assert wave_status(paths, "w1") == ("reported", wave_status(paths, "w1")[1])


def test_failed_run_keeps_the_last_good_report(tiny_project):
    paths = get_paths()
    run_wave("w1", jobs=1, progress_stream=None)
    before = _snapshot(paths.report_wave("w1"))
    processed_before = _snapshot(paths.processed_wave("w1"))
    nb = paths.notebooks / "02_needs.py"
    nb.write_text(nb.read_text() + "\n# %%\nraise RuntimeError('broken analysis')\n")
    with pytest.raises(PipelineError, match=r"02_needs.py, cell \d+: RuntimeError: broken "
                                            r"analysis \(executed notebook: .*02_needs.ipynb\)"):
        run_wave("w1", jobs=2, progress_stream=None)
    assert _snapshot(paths.report_wave("w1")) == before
    assert _snapshot(paths.processed_wave("w1")) == processed_before
    status, reason = wave_status(paths, "w1")
    assert status == "failed" and "broken analysis" in reason
    assert [p.name for p in paths.reports.iterdir()] == ["w1"], "no staging folder left"


def test_bad_raw_file_keeps_processed_and_report(tiny_project):
    paths = get_paths()
    run_wave("w1", jobs=1, progress_stream=None)
    before = _snapshot(paths.report_wave("w1")), _snapshot(paths.processed_wave("w1"))
    tables = minimal_tables()
    tables["companies"].loc[1, "ateco_section"] = "ZZ"
    write_csv(tables["companies"], paths.raw_wave("w1") / "companies.csv")
    with pytest.raises(PipelineError, match="companies.csv, row 3, column 'ateco_section'"):
        run_wave("w1", jobs=1, progress_stream=None)
    assert (_snapshot(paths.report_wave("w1")), _snapshot(paths.processed_wave("w1"))) == before


def test_kill_during_rendering_leaves_the_previous_report(tiny_project):
    paths = get_paths()
    run_wave("w1", jobs=1, progress_stream=None)
    before = _snapshot(paths.report_wave("w1"))
    nb = paths.notebooks / "01_context.py"
    nb.write_text(nb.read_text() + "\n# %%\ny = 2\n")
    env = {**os.environ, "TEST_NOTEBOOK_SLEEP": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", "w1", "--jobs", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 120
    killed_in_render = False
    while time.time() < deadline and proc.poll() is None:
        staged = list(paths.reports.glob(".w1.tmp-*/01_context.html"))
        if staged:  # the HTML is written and the PDF is being rendered: kill now
            os.killpg(proc.pid, signal.SIGKILL)
            killed_in_render = True
            break
        time.sleep(0.02)
    proc.wait(timeout=30)
    assert killed_in_render, "the run finished before it could be killed"
    assert _snapshot(paths.report_wave("w1")) == before
    # the next run starts clean: leftovers removed, the report rebuilt
    result = run_wave("w1", jobs=1, progress_stream=None)
    assert result["changed"]
    assert sorted(p.name for p in paths.reports.iterdir()) == ["w1"]


def test_all_runs_waves_in_order_and_status_lists_them(tiny_project):
    paths = get_paths()
    for label, prev in (("2014-autunno", "2013"), ("2013", None), ("2014-primavera", "2013")):
        raw = write_wave(tiny_project, label)
        if prev:
            (raw / "wave.yaml").write_text(f"previous_wave: '{prev}'\n")
    (paths.raw_wave("2014-autunno") / "wave.yaml").write_text("previous_wave: 2014-primavera\n")
    assert list_waves(paths) == ["2013", "2014-primavera", "2014-autunno", "w1"]
    results = run_all(jobs=2, progress_stream=None)
    assert [r["wave"] for r in results] == ["2013", "2014-primavera", "2014-autunno", "w1"]
    assert all(r["ok"] and r["changed"] for r in results)
    again = run_all(jobs=2, progress_stream=None)
    assert not any(r["changed"] for r in again)
    assert {wave_status(paths, w)[0] for w in list_waves(paths)} == {"reported"}


def test_english_reports_go_to_their_own_folder(tiny_project):
    paths = get_paths()
    run_wave("w1", jobs=1, progress_stream=None)
    italian = _snapshot(paths.report_wave("w1"))
    run_wave("w1", lang="en", jobs=1, progress_stream=None)
    site = paths.report_wave("w1")
    assert (site / "en" / "index.html").exists()
    assert 'lang="en"' in (site / "en" / "01_context.html").read_text(encoding="utf-8")
    assert all(_snapshot(site)[k] == v for k, v in italian.items()), "Italian site kept"


def test_a_wave_with_warnings_is_reported_and_says_so(tiny_project):
    paths = get_paths()
    tables = minimal_tables()
    tables["companies"].loc[1, "in_network"] = "0"  # C02 answered the survey: a warning
    write_csv(tables["companies"], paths.raw_wave("w1") / "companies.csv")
    result = run_wave("w1", jobs=1, progress_stream=None)
    site = paths.report_wave("w1")
    assert result["changed"]
    section = (site / "01_context.html").read_text(encoding="utf-8")
    assert "il controllo di qualità dei dati ha segnalato avvisi (1)" in section
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "data_quality.html" in index and (site / "data_quality.html").exists()


def test_a_notebook_opened_by_hand_runs_on_the_latest_wave(project):
    """As in JupyterLab: no parameters injected, the defaults pick the latest processed wave."""
    from pipeline.batch import KernelRunner, NotebookJob
    from pipeline.run import ingest_step

    repo_notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    for wave in ("2013", "2014"):
        raw = write_wave(project, wave)
        if wave == "2014":
            (raw / "wave.yaml").write_text("previous_wave: '2013'\n")
        ingest_step(wave)
    runner = KernelRunner(repo_notebooks)
    try:
        nb = runner.execute(NotebookJob(repo_notebooks / "01_context.py",
                                        project / "by_hand.ipynb", parameters={}))
    finally:
        runner.close()
    printed = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells
                      for o in c.get("outputs", []))
    assert "**2014**" in printed
    assert (project / "data" / "work" / "notebook-tables" / "2014" /
            "companies_by_sector.csv").exists(), "tables of a hand run stay out of reports/"
