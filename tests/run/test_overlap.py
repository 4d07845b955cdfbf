"""Safe under overlap: one run per wave at a time, staging folders owned by their run, the
stage checked against the plan before the swap, ``status`` checking the published files.
(Wave labels refused before anything is written: ``tests/test_cli.py``.)

The end-to-end runs (marked slow) use a tiny project: two section notebooks that each write
one table, and a company notebook.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.notebooks import COMPANY_NOTEBOOK
from helpers.published import write_tiny_processed
from helpers.waves import write_wave

from pipeline.atomic import recover, staged_folder
from pipeline.cli import main
from pipeline.config import get_paths
from pipeline.publish.companies import company_folder, project_key
from pipeline.run.lock import BUSY_STATUS, BusyError, wave_lock
from pipeline.run.state import wave_status
from pipeline.run.steps import IncompleteStageError, check_stage

SECTION = """# ---
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

# %%
from pathlib import Path
import pandas as pd
df = pd.read_parquet(Path(processed_dir) / "{table}.parquet")
Path(tables_dir).mkdir(parents=True, exist_ok=True)
pd.DataFrame({{"rows": [len(df)]}}).to_csv(Path(tables_dir) / "{name}.csv", index=False)

# %% [markdown]
# ## {name}
"""


#: A process holding a lock until it is killed, named as the run it stands for:
#: ``python -c HOLDER <lock file> <what> <seconds>``.
HOLDER = """
import sys, time
from pathlib import Path
from pipeline.run.lock import hold
path, what, seconds = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
sys.argv = ["welfare", "run", "--all", "--jobs", "1"]
with hold(path, what):
    print("held", flush=True)
    time.sleep(seconds)
"""

BUSY = (r"error: wave w1 is busy: welfare run --all --jobs 1 \(pid {pid}, started "
        r"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\) holds it; try again when it has finished, or "
        r"use --wait SECONDS \(lock file .*data/work/locks/wave-w1\.lock\)\n")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def holder(project: Path):
    """``start(lock file, what, seconds=600)``: a process holding that lock; every process
    started is killed at the end."""
    started: list[subprocess.Popen] = []

    def start(path: Path, what: str, seconds: float = 600) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), what, str(seconds)],
                                stdout=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


# --- locks ------------------------------------------------------------------------------------

def test_a_busy_wave_is_refused_naming_who_holds_it(project, holder, capsys):
    write_wave(project, "w1")
    paths = get_paths()
    proc = holder(paths.wave_lock("w1"), "wave w1")
    before = _files(project)
    for argv in (["run", "w1"], ["ingest", "w1"], ["validate", "w1"],
                 ["publish", "w1", str(project.parent / "out")]):
        assert main(argv) == BUSY_STATUS
        assert re.fullmatch(BUSY.format(pid=proc.pid), capsys.readouterr().err), argv
    assert _files(project) == before, "a refused command writes nothing"
    assert not (project.parent / "out").exists()

    t0 = time.perf_counter()
    assert main(["run", "w1", "--wait", "0.5"]) == BUSY_STATUS
    assert time.perf_counter() - t0 >= 0.5
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("wave w1 is busy: welfare run --all --jobs 1 (pid ")
    assert err[0].endswith(" holds it; waiting up to 0.5 s")
    assert re.fullmatch(
        rf"error: wave w1 is still busy after 0.5 s: welfare run --all --jobs 1 \(pid "
        rf"{proc.pid}, started [0-9T:-]+\) holds it \(lock file .*wave-w1\.lock\)", err[1])

    # a run killed with SIGKILL leaves no lock behind: the OS released it
    proc.kill()
    proc.wait()
    with wave_lock(paths, "w1") as me:
        assert me["pid"] == os.getpid()


def test_wait_takes_the_lock_when_the_other_run_ends(project, holder, capsys):
    write_tiny_processed(get_paths(), "w1")  # what the publish checks the site against
    site = get_paths().report_wave("w1")
    site.mkdir(parents=True)
    (site / "index.html").write_text("<html></html>")
    out = project.parent / "out"
    proc = holder(get_paths().wave_lock("w1"), "wave w1", 1.0)
    assert main(["publish", "w1", str(out), "--wait", "60"]) == 0
    assert proc.wait(timeout=5) == 0
    printed, err = capsys.readouterr()
    assert printed.endswith(f"published 1 files of w1 to {out}\n")
    assert re.fullmatch(rf"wave w1 is busy: welfare run --all --jobs 1 \(pid {proc.pid}, "
                        r"started [0-9T:-]+\) holds it; waiting up to 60 s\n", err)
    assert (out / "index.html").exists()


def test_a_second_run_all_is_refused_and_a_busy_wave_is_left_to_its_run(project, holder,
                                                                        capsys):
    paths = get_paths()
    write_wave(project, "w1")
    proc = holder(paths.all_lock(), "welfare run --all")
    assert main(["run", "--all"]) == BUSY_STATUS
    assert re.fullmatch(
        rf"error: welfare run --all is busy: welfare run --all --jobs 1 \(pid {proc.pid}, "
        r"started [0-9T:-]+\) holds it; try again when it has finished, or use --wait "
        r"SECONDS \(lock file .*data/work/locks/all\.lock\)\n", capsys.readouterr().err)
    proc.kill()
    proc.wait()
    # --all runs; a wave held by `welfare run w1` is reported BUSY and left to that run
    proc = holder(paths.wave_lock("w1"), "wave w1")
    assert main(["run", "--all"]) == BUSY_STATUS
    out = capsys.readouterr().out
    assert re.fullmatch(BUSY.format(pid=proc.pid).replace("error: ", "w1: BUSY: "), out)
    assert not (project / "data" / "work" / "runs").exists()
    assert not (project / "data" / "work" / "state").exists()


def test_a_lock_is_not_inherited_by_a_forked_child(project):
    """A worker forked while a run holds the lock must not keep it after the run died."""
    paths = get_paths()
    with wave_lock(paths, "w1"):
        pid = os.fork()
        if pid == 0:  # the child: its copy of the descriptor was closed
            try:
                with wave_lock(paths, "w2"):
                    pass
                os._exit(0 if not [fd for fd in os.listdir("/proc/self/fd")
                                   if os.path.realpath(f"/proc/self/fd/{fd}").endswith(
                                       "wave-w1.lock")] else 3)
            finally:
                os._exit(4)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        with pytest.raises(BusyError):
            with wave_lock(paths, "w1"):
                pass


# --- staging folders --------------------------------------------------------------------------

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_only_stale_staging_folders_are_cleared(tmp_path):
    dest = tmp_path / "w1"
    dest.mkdir()
    (dest / "index.html").write_text("old")
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        start = Path(f"/proc/{alive.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
        theirs = tmp_path / f".w1.tmp-{alive.pid}-{start}-aaaaaaaa"
        their_backup = tmp_path / f".w1.old-{alive.pid}-{start}-aaaaaaaa"
        reused = tmp_path / f".w1.tmp-{alive.pid}-1-bbbbbbbb"    # its pid, another process
        dead = tmp_path / f".w1.tmp-{_dead_pid()}-0-cccccccc"
        legacy = tmp_path / ".w1.tmp-dddddddd"                   # no owner: older versions
        for folder in (theirs, their_backup, reused, dead, legacy):
            folder.mkdir()
            (folder / "part.html").write_text("x")
        with staged_folder(dest) as stage:
            assert re.fullmatch(rf"\.w1\.tmp-{os.getpid()}-\d+-[0-9a-f]{{8}}", stage.name)
            recover(dest)  # another staged_folder of this process: ours is in use
            assert stage.is_dir()
            (stage / "index.html").write_text("new")
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            ["w1", theirs.name, their_backup.name])
        assert (dest / "index.html").read_text() == "new"
    finally:
        alive.kill()
        alive.wait()
    recover(dest)  # its owner is dead now: both go, the backup is not put back over w1
    assert [p.name for p in tmp_path.iterdir()] == ["w1"]
    assert (dest / "index.html").read_text() == "new"


def test_a_stale_backup_is_put_back_when_the_folder_is_missing(tmp_path):
    dest = tmp_path / "w1"
    backup = tmp_path / f".w1.old-{_dead_pid()}-0-aaaaaaaa"
    backup.mkdir()
    (backup / "index.html").write_text("last good")
    recover(dest)
    assert (dest / "index.html").read_text() == "last good"
    assert [p.name for p in tmp_path.iterdir()] == ["w1"]


def test_the_stage_is_checked_against_the_plan(tmp_path):
    stage = tmp_path / ".w1.tmp-1-0-aaaaaaaa"
    (stage / "tables").mkdir(parents=True)
    for name in ("index.html", "01_context.html", "tables/context.csv"):
        (stage / name).write_text("x")
    check_stage(stage, {"index.html", "01_context.html", "tables/context.csv"}, "w1",
                tmp_path / "w1")
    expected = {"index.html", "01_context.html", "01_context.pdf", "tables/context.csv",
                "tables/needs.csv", "methods.pdf"}
    with pytest.raises(IncompleteStageError) as err:
        check_stage(stage, expected, "w1", tmp_path / "w1")
    assert str(err.value) == (
        "the report of w1 built in the staging folder is incomplete, missing 01_context.pdf, "
        f"methods.pdf, tables/needs.csv: {tmp_path / 'w1'} was left as it was")
    # the staged confidential folder is checked with it
    private = tmp_path / "confidential" / ".w1.tmp-1-0-aaaaaaaa"
    (private / "ab12").mkdir(parents=True)
    (private / "ab12" / "report.html").write_text("x")
    with pytest.raises(IncompleteStageError) as err:
        check_stage(stage, {"index.html"}, "w1", tmp_path / "w1",
                    private=(private, {"ab12/report.html", "ab12/report.pdf", "README.md"},
                             tmp_path / "confidential" / "w1"))
    assert str(err.value) == (
        "the report of w1 built in the staging folder is incomplete, missing README.md "
        "(confidential), ab12/report.pdf (confidential): "
        f"{tmp_path / 'w1'} and {tmp_path / 'confidential' / 'w1'} were left as they were")


# --- end to end -------------------------------------------------------------------------------

@pytest.fixture
def tiny(project: Path) -> Path:
    nb = project / "notebooks"
    (nb / "company").mkdir(parents=True)
    (nb / "01_context.py").write_text(SECTION.format(table="companies", name="context"))
    (nb / "02_needs.py").write_text(SECTION.format(table="worker_survey", name="needs"))
    (nb / "company" / "company_report.py").write_text(COMPANY_NOTEBOOK)
    write_wave(project, "w1")
    return project


def _welfare(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _same_site(site: Path, clean: dict[str, bytes]) -> None:
    """Same files as the clean run, and the same tables byte for byte."""
    files = _files(site)
    assert sorted(files) == sorted(clean)
    tables = [name for name in clean if name.startswith("tables/")]
    assert tables == ["tables/context.csv", "tables/needs.csv"]
    assert {t: files[t] for t in tables} == {t: clean[t] for t in tables}


@pytest.mark.slow
def test_two_run_all_at_once_publish_the_complete_site(tiny):
    """After an edit of the company notebook (a partial rebuild), two ``welfare run --all``
    at once: one refused (exit 75), then, with ``--wait``, one waiting for the other."""
    from pipeline.run.wave import run_wave

    paths = get_paths()
    site = paths.report_wave("w1")
    run_wave("w1", jobs=1, progress_stream=None)
    clean = _files(site)  # a clean run: the edits below change no file name and no table
    company = paths.company_notebook()

    company.write_text(company.read_text() + "\n# %%\nx = 1\n")
    runs = [_welfare("run", "--all", "--jobs", "1") for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    codes = [run.returncode for run in runs]
    assert sorted(codes) == [0, BUSY_STATUS], outputs
    done, refused = (0, 1) if codes[0] == 0 else (1, 0)
    assert outputs[done][0] == f"w1: published: {site / 'index.html'}\n"
    assert outputs[refused][0] == ""
    assert re.fullmatch(
        rf"error: welfare run --all is busy: welfare run --all --jobs 1 \(pid "
        rf"{runs[done].pid}, started [0-9T:-]+\) holds it; try again when it has finished, "
        r"or use --wait SECONDS \(lock file .*data/work/locks/all\.lock\)\n",
        outputs[refused][1])
    assert [p.name for p in paths.reports.iterdir()] == ["w1"], "no staging folder left"
    assert wave_status(paths, "w1")[0] == "reported"
    _same_site(site, clean)

    company.write_text(company.read_text() + "\n# %%\ny = 2\n")
    runs = [_welfare("run", "--all", "--jobs", "1", "--wait", "300") for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    waited = [i for i, (_, err) in enumerate(outputs) if "waiting up to 300 s" in err]
    assert len(waited) == 1, outputs
    first = 1 - waited[0]
    assert re.search(rf"^welfare run --all is busy: welfare run --all --jobs 1 --wait 300 "
                     rf"\(pid {runs[first].pid}, started [0-9T:-]+\) holds it; waiting up "
                     r"to 300 s$", outputs[waited[0]][1], re.M)
    assert outputs[first][0] == f"w1: published: {site / 'index.html'}\n"
    assert outputs[waited[0]][0] == f"w1: up to date: {site / 'index.html'}\n"
    assert [p.name for p in paths.reports.iterdir()] == ["w1"]
    assert wave_status(paths, "w1")[0] == "reported"
    _same_site(site, clean)


@pytest.mark.slow
def test_status_reports_a_missing_file_and_the_next_run_rebuilds_it(tiny, capsys,
                                                                     monkeypatch):
    from pipeline.run import steps as run_module  # the run imports its steps as it builds
    from pipeline.run.wave import run_wave

    paths = get_paths()
    run_wave("w1", jobs=1, progress_stream=None)
    site = paths.report_wave("w1")
    built = _files(site)
    assert wave_status(paths, "w1")[0] == "reported"
    (site / "tables" / "needs.csv").unlink()
    (site / "methods.pdf").unlink()
    broken = ("broken", "reports/w1/methods.pdf is missing (and 1 more); `welfare run w1` "
                        "rebuilds it")
    assert wave_status(paths, "w1") == broken
    assert main(["status"]) == 0
    assert capsys.readouterr().out == f"w1  {broken[0]:<8}  {broken[1]}\n"

    # a stage losing files before the swap (as another run's cleanup once did): no swap
    real = run_module.write_index

    def losing(stage_root: Path, *args, **kwargs):
        pages = real(stage_root, *args, **kwargs)
        (stage_root / "tables" / "needs.csv").unlink()
        private_stage = next(paths.confidential.glob(".w1.tmp-*"))
        (private_stage / c02 / "report.pdf").unlink()
        return pages

    c02 = company_folder(project_key(paths), "w1", "C02")
    private = paths.confidential_wave("w1")
    monkeypatch.setattr(run_module, "write_index", losing)
    before = _files(site), _files(private)
    with pytest.raises(IncompleteStageError) as err:
        run_wave("w1", jobs=1, progress_stream=None)
    assert str(err.value) == (
        "the report of w1 built in the staging folder is incomplete, missing "
        f"tables/needs.csv, {c02}/report.pdf (confidential): {site} and {private} were left "
        "as they were")
    assert (_files(site), _files(private)) == before
    assert [p.name for p in paths.reports.iterdir()] == ["w1"]
    assert [p.name for p in paths.confidential.iterdir()] == ["w1"]
    assert wave_status(paths, "w1") == ("failed", str(err.value))

    monkeypatch.setattr(run_module, "write_index", real)
    again = run_wave("w1", jobs=1, progress_stream=None)
    assert {s["step"] for s in again["steps"] if not s["cached"]} == {"section 02_needs",
                                                                      "publish"}
    assert sorted(_files(site)) == sorted(built)
    assert _files(site)["tables/needs.csv"] == built["tables/needs.csv"]
    assert wave_status(paths, "w1")[0] == "reported"


def test_reports_of_companies_no_longer_planned_go_even_as_folders(tmp_path):
    """Only the folders of the plan's companies stay in the staged confidential folder:
    a company no longer surveyed, a folder of an older key, stray files and the README
    (written again) go."""
    from pipeline.run.plan import Unit
    from pipeline.run.steps import drop_stale_confidential

    for folder in ("aaaa", "bbbb", "cccc/deeper"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "report.pdf").write_bytes(b"%PDF")
    (tmp_path / "aaaa" / "report-en.pdf").write_bytes(b"%PDF")
    (tmp_path / "README.md").write_text("old index")
    (tmp_path / "C01.pdf").write_bytes(b"%PDF")  # a file where a folder belongs
    (tmp_path / "link").symlink_to(tmp_path / "aaaa")
    keep = Unit(step="company C01", key="k", job=None,  # type: ignore[arg-type]
                outputs=("aaaa/report.html", "aaaa/report.pdf"), confidential=True)
    section = Unit(step="section 01_context", key="k", job=None,  # type: ignore[arg-type]
                   outputs=("bbbb/report.pdf",))  # not confidential: keeps nothing
    drop_stale_confidential(tmp_path, [keep, section])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aaaa"]
    assert sorted(p.name for p in (tmp_path / "aaaa").iterdir()) == ["report-en.pdf",
                                                                    "report.pdf"]


def test_confidential_folders_of_an_older_version_leave_the_site(tmp_path):
    """``reports/<wave>/confidential/`` and ``en/confidential/`` (before the confidential
    tree) are removed from the staged site; nothing else is."""
    from pipeline.run.state import has_legacy_confidential
    from pipeline.run.steps import drop_legacy_confidential

    site = tmp_path / "w1"
    for folder in (site / "confidential", site / "en" / "confidential", site / "tables"):
        folder.mkdir(parents=True)
        (folder / "C01.pdf").write_bytes(b"%PDF")
    (site / "index.html").write_text("x")
    assert has_legacy_confidential(site)
    drop_legacy_confidential(site)
    assert not has_legacy_confidential(site)
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        "en", "index.html", "tables", "tables/C01.pdf"]
