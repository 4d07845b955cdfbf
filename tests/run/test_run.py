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
from helpers.notebooks import COMPANY_NOTEBOOK, link_notebooks, section_notebook
from helpers.waves import minimal_tables, write_csv, write_wave

from pipeline.config import get_paths
from pipeline.errors import PipelineError
from pipeline.publish.companies import company_folder, project_key
from pipeline.run.state import wave_status
from pipeline.run.wave import run_all, run_wave
from pipeline.wave import list_waves

# End-to-end runs are marked slow one by one; the chain of earlier waves and the cache keys
# at the end of the module are fast unit tests.

#: A section that sleeps ``TEST_NOTEBOOK_SLEEP`` seconds once its table is written.
SLEEP = 'import os, time\ntime.sleep(float(os.environ.get("TEST_NOTEBOOK_SLEEP", "0")))\n'


def _notebook(table: str, name: str) -> str:
    return section_notebook(table, name, then=SLEEP)




@pytest.fixture
def tiny_project(project: Path) -> Path:
    nb = project / "notebooks"
    (nb / "company").mkdir(parents=True)
    (nb / "01_context.py").write_text(_notebook("companies", "context"))
    (nb / "02_needs.py").write_text(_notebook("worker_survey", "needs"))
    (nb / "company" / "company_report.py").write_text(COMPANY_NOTEBOOK)
    write_wave(project, "w1")
    return project


def _steps(result) -> dict[str, bool]:
    return {s["step"]: s["cached"] for s in result["steps"]}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.mark.slow
def test_cache_reruns_only_what_changed(tiny_project):
    paths = get_paths()
    first = run_wave("w1", jobs=1, progress_stream=None)
    assert not any(_steps(first).values())
    assert (paths.report_wave("w1") / "index.html").exists()
    assert (paths.report_wave("w1") / "02_needs.pdf").read_bytes()[:4] == b"%PDF"

    site = paths.report_wave("w1")
    private = paths.confidential_wave("w1")
    folders = {cid: company_folder(project_key(paths), "w1", cid) for cid in ("C01", "C02")}
    assert sorted(p.name for p in private.iterdir()) == sorted(["README.md", *folders.values()])
    for folder in folders.values():  # one per surveyed company
        assert sorted(p.name for p in (private / folder).iterdir()) == ["report.html",
                                                                         "report.pdf"]
    assert not (site / "confidential").exists()
    assert "confidential" not in (site / "index.html").read_text(encoding="utf-8")
    assert "report of C02" in (private / folders["C02"] / "report.html").read_text(
        encoding="utf-8")

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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_english_reports_go_to_their_own_folder(tiny_project):
    paths = get_paths()
    run_wave("w1", jobs=1, progress_stream=None)
    italian = _snapshot(paths.report_wave("w1"))
    run_wave("w1", lang="en", jobs=1, progress_stream=None)
    site = paths.report_wave("w1")
    assert (site / "en" / "index.html").exists()
    assert 'lang="en"' in (site / "en" / "01_context.html").read_text(encoding="utf-8")
    assert all(_snapshot(site)[k] == v for k, v in italian.items()), "Italian site kept"


@pytest.mark.slow
def test_a_wave_with_warnings_is_reported_and_says_so(tiny_project):
    paths = get_paths()
    tables = minimal_tables()
    tables["companies"].loc[1, "in_network"] = "0"  # C02 answered the survey: a warning
    write_csv(tables["companies"], paths.raw_wave("w1") / "companies.csv")
    result = run_wave("w1", jobs=1, progress_stream=None)
    site = paths.report_wave("w1")
    assert result["changed"]
    section = (site / "01_context.html").read_text(encoding="utf-8")
    assert "il controllo di qualità dei dati ha segnalato 1 avviso" in section
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "data_quality.html" in index and (site / "data_quality.html").exists()


@pytest.mark.slow
def test_a_notebook_opened_by_hand_runs_on_the_latest_wave(project):
    """As in JupyterLab: no parameters injected, the defaults pick the latest processed wave."""
    from pipeline.run.engine import shutdown_kernels
    from pipeline.run.execute import execute_notebook
    from pipeline.run.steps import ingest_step

    repo_notebooks = link_notebooks(project)
    for wave in ("2013", "2014"):
        raw = write_wave(project, wave)
        if wave == "2014":
            (raw / "wave.yaml").write_text("previous_wave: '2013'\n")
        ingest_step(wave)
    try:
        nb = execute_notebook(repo_notebooks / "01_context.py", project / "by_hand.ipynb",
                              parameters={}, cwd=repo_notebooks)
    finally:
        shutdown_kernels()
    printed = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells
                      for o in c.get("outputs", []))
    assert "**2014**" in printed
    assert (project / "data" / "work" / "notebook-tables" / "2014" /
            "companies_by_sector.csv").exists(), "tables of a hand run stay out of reports/"


# --- the chain of earlier waves (notebooks with ``previous_wave: true``) -------------------------

MONITORING = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   welfare:
#     previous_wave: true
#     tables: [companies]
# ---

# %% tags=["parameters"]
wave = "w"
lang = "it"
processed_dir = None
tables_dir = None
min_cell = 5
previous_wave = None
previous_processed_dir = None
previous_waves = None
previous_processed_dirs = None

# %%
import json
from pathlib import Path
Path(tables_dir).mkdir(parents=True, exist_ok=True)
seen = {"previous_wave": previous_wave, "previous_processed_dir": previous_processed_dir,
        "previous_waves": previous_waves, "previous_processed_dirs": previous_processed_dirs}
Path(tables_dir, "chain.json").write_text(json.dumps(seen))

# %% [markdown]
# ## monitoring
"""


@pytest.fixture
def fixed_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys computed twice must not see other edits of pipeline/ made meanwhile."""
    monkeypatch.setattr("pipeline.run.plan.code_version",
                        lambda: {"package": "test", "source_sha256": "fixed"})


def _processed(project: Path, wave: str, previous: str | None = None,
               companies: str = "aaa") -> dict:
    """A processed wave as far as the chain and the keys care: its manifest."""
    manifest = {"meta": {"label": wave, **({"previous_wave": previous} if previous else {})},
                "synthetic": False,
                "tables": {"companies": {"sha256": companies, "rows": 1},
                           "worker_survey": {"sha256": f"w-{wave}", "rows": 1}}}
    folder = project / "data" / "processed" / wave
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return manifest


def _raw_link(project: Path, wave: str, previous: str) -> Path:
    folder = project / "data" / "raw" / wave
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wave.yaml").write_text(f"previous_wave: '{previous}'\n")
    return folder / "wave.yaml"


def test_previous_chain_lists_processed_earlier_waves_oldest_first(project):
    from pipeline.run.chain import previous_chain

    paths = get_paths()
    _processed(project, "2011")
    _processed(project, "2012", "2011")
    _processed(project, "2013", "2012")
    current = _processed(project, "2014", "2013")
    assert previous_chain(paths, "2011") == []
    assert previous_chain(paths, "2012") == ["2011"]
    assert previous_chain(paths, "2014") == ["2011", "2012", "2013"]
    assert previous_chain(paths, "2014", current) == ["2011", "2012", "2013"]
    # the manifest passed in is what the chain starts from
    assert previous_chain(paths, "2014", {**current, "meta": {"previous_wave": "2012"}}) == [
        "2011", "2012"]
    # a link to a wave that exists nowhere ends the chain
    assert previous_chain(paths, "x", _processed(project, "x", "nowhere")) == []


def test_previous_chain_skips_unprocessed_waves_but_follows_their_links(project):
    from pipeline.run.chain import previous_chain

    paths = get_paths()
    _processed(project, "2011")
    _raw_link(project, "2012", "2011")            # not processed: raw wave.yaml only
    _processed(project, "2013", "2012")
    _processed(project, "2014", "2013")
    assert previous_chain(paths, "2014") == ["2011", "2013"]
    (project / "data" / "raw" / "2012" / "wave.yaml").write_text("label: 2012\n")
    assert previous_chain(paths, "2014") == ["2013"]
    # the immediate previous wave not processed: the list ends with what is
    _processed(project, "2016", "2015")
    _raw_link(project, "2015", "2014")
    assert previous_chain(paths, "2016") == ["2013", "2014"]


def test_a_cycle_of_previous_waves_is_one_clear_error(project):
    from pipeline.run.chain import previous_chain

    paths = get_paths()
    _processed(project, "2012", "2014")
    _processed(project, "2013", "2012")
    _processed(project, "2014", "2013")
    with pytest.raises(PipelineError) as err:
        previous_chain(paths, "2014")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(str(project / "data" / "raw" / "2012" / "wave.yaml"))
    assert ("previous_wave '2014' makes a cycle of waves (2014 -> 2013 -> 2012 -> 2014)"
            in message)
    # a wave that names itself, through its raw wave.yaml
    _raw_link(project, "solo", "solo")
    with pytest.raises(PipelineError, match=r"solo.wave\.yaml: previous_wave 'solo' makes a"):
        previous_chain(paths, "solo")
    # a cycle further back, not through the wave itself: 2014's link closes it
    _processed(project, "2020", "2013")
    with pytest.raises(PipelineError,
                       match=r"2014.wave\.yaml: .*\(2020 -> 2013 -> 2012 -> 2014 -> 2013\)"):
        previous_chain(paths, "2020")


def _sections(project: Path) -> list:
    from pipeline.run.plan import Section

    nb = project / "notebooks"
    nb.mkdir(exist_ok=True)
    (nb / "01_context.py").write_text(_notebook("companies", "context"))
    (nb / "05_monitoring.py").write_text(MONITORING)
    return [Section("01_context", nb / "01_context.py", ("companies",)),
            Section("05_monitoring", nb / "05_monitoring.py", ("companies",), True)]


def _planned(project: Path, wave: str) -> dict[str, object]:
    from pipeline.run.plan import plan_units
    from pipeline.wave import read_manifest

    paths = get_paths()
    units = plan_units(wave, "it", paths, read_manifest(paths, wave), _sections(project),
                  project / "executed", lambda key, lang, **kw: key)
    return {u.step: u for u in units}


def test_monitoring_gets_the_chain_and_the_other_sections_do_not(project, fixed_code):
    processed = project / "data" / "processed"
    _processed(project, "2012")
    _processed(project, "2013", "2012")
    _processed(project, "2014", "2013")
    units = _planned(project, "2014")
    monitoring = units["section 05_monitoring"].job.parameters
    assert monitoring["previous_wave"] == "2013"
    assert monitoring["previous_processed_dir"] == str(processed / "2013")
    assert monitoring["previous_waves"] == ["2012", "2013"]
    assert monitoring["previous_processed_dirs"] == [str(processed / "2012"),
                                                     str(processed / "2013")]
    context = units["section 01_context"].job.parameters
    assert "previous_waves" not in context and "previous_processed_dirs" not in context
    assert context["previous_wave"] == "2013"          # as before: every section gets it
    baseline = _planned(project, "2012")["section 05_monitoring"].job.parameters
    assert baseline["previous_waves"] == [] and baseline["previous_processed_dirs"] == []
    assert baseline["previous_wave"] is None and baseline["previous_processed_dir"] is None


def test_a_change_in_any_earlier_wave_reruns_monitoring_only(project, fixed_code):
    _processed(project, "2012")
    _processed(project, "2013", "2012")
    _processed(project, "2014", "2013")
    before = {step: u.key for step, u in _planned(project, "2014").items()}
    assert before == {step: u.key for step, u in _planned(project, "2014").items()}
    _processed(project, "2012", companies="changed")   # the oldest wave was reprocessed
    after = {step: u.key for step, u in _planned(project, "2014").items()}
    assert after["section 05_monitoring"] != before["section 05_monitoring"]
    assert after["section 01_context"] == before["section 01_context"]
    # an earlier wave appearing in the chain (processed for the first time) reruns it too
    _processed(project, "2011")
    _processed(project, "2012", "2011", companies="changed")
    linked = {step: u.key for step, u in _planned(project, "2014").items()}
    assert linked["section 05_monitoring"] != after["section 05_monitoring"]
    assert linked["section 01_context"] == before["section 01_context"]


def test_section_key_covers_the_chain_but_not_where_it_lies(project, fixed_code):
    from pipeline.run.plan import section_key

    sections = _sections(project)
    manifest = _processed(project, "2014", "2013")
    m12, m13 = _processed(project, "2012"), _processed(project, "2013", "2012")
    chain = {"2012": m12, "2013": m13}
    params = {"wave": "2014", "previous_waves": ["2012", "2013"],
              "previous_processed_dirs": ["/a/2012", "/a/2013"]}
    monitoring, context = sections[1], sections[0]
    key = section_key(monitoring, manifest, m13, params, chain)
    moved = {**params, "previous_processed_dirs": ["/b/2012", "/b/2013"]}
    assert section_key(monitoring, manifest, m13, moved, chain) == key
    changed = {"2012": {**m12, "tables": {"companies": {"sha256": "new"}}}, "2013": m13}
    assert section_key(monitoring, manifest, m13, params, changed) != key
    assert section_key(monitoring, manifest, m13, {**params, "previous_waves": ["2013"]},
                       {"2013": m13}) != key
    # sections that do not compare waves ignore the chain; the old call still works
    assert (section_key(context, manifest, m13, {"wave": "2014"}, chain)
            == section_key(context, manifest, m13, {"wave": "2014"}, changed)
            == section_key(context, manifest, m13, {"wave": "2014"}))


def test_status_reports_a_cycle_as_the_reason_the_wave_fails(project, fixed_code):
    from pipeline.run.plan import ingest_key
    from pipeline.run.state import save_json, state_path

    paths = get_paths()
    _sections(project)
    _processed(project, "2013", "2014")
    _processed(project, "2014", "2013")
    _raw_link(project, "2014", "2013")
    save_json(state_path(paths, "2014"), {"status": "reported",
                                           "ingest_key": ingest_key(paths, "2014"),
                                           "langs": {"it": {"units": {}}}})
    status, reason = wave_status(paths, "2014")
    assert status == "failed" and "makes a cycle of waves" in reason


@pytest.mark.slow
def test_monitoring_notebook_receives_the_chain_and_reruns_when_an_earlier_wave_changes(
        tiny_project):
    paths = get_paths()
    (paths.notebooks / "05_monitoring.py").write_text(MONITORING)
    for wave, prev in (("2012", None), ("2013", "2012"), ("2014", "2013")):
        raw = write_wave(tiny_project, wave)
        if prev:
            (raw / "wave.yaml").write_text(f"previous_wave: '{prev}'\n")
        run_wave(wave, jobs=2, progress_stream=None)
    seen = json.loads((paths.report_wave("2014") / "tables" / "chain.json").read_text())
    processed = paths.processed
    assert seen == {"previous_wave": "2013",
                    "previous_processed_dir": str(processed / "2013"),
                    "previous_waves": ["2012", "2013"],
                    "previous_processed_dirs": [str(processed / "2012"),
                                                str(processed / "2013")]}
    baseline = json.loads((paths.report_wave("2012") / "tables" / "chain.json").read_text())
    assert baseline["previous_waves"] == [] and baseline["previous_wave"] is None

    tables = minimal_tables()
    tables["companies"].loc[0, "n_employees"] = "46"
    write_csv(tables["companies"], paths.raw_wave("2012") / "companies.csv")
    run_wave("2012", jobs=1, progress_stream=None)
    again = run_wave("2014", jobs=1, progress_stream=None)
    assert _steps(again) == {"ingest": True, "section 01_context": True,
                             "section 02_needs": True, "section 05_monitoring": False,
                             "company C01": True, "company C02": True, "publish": False}
