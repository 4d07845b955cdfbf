"""A killed run leaves nothing running, and its kernels' connection files go with the next run.

``welfare run --jobs 2`` is killed with SIGKILL while both workers execute a notebook: no
process of its tree (workers, kernels) may survive it by more than 5 s. The mechanism itself
(a parent-death signal for workers and kernels) and the clearing of connection files are
also tested on their own, quickly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.waves import write_wave

from pipeline.config import Paths
from pipeline.run.procs import (
    clear_stale_connection_files,
    connection_file,
    kernel_launch_options,
    kernels_dir,
    process_start,
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists()
                                or not sys.platform.startswith("linux"),
                                reason="parent-death signals and /proc are Linux's")

# Every notebook says it started (a file in TEST_MARKERS), then sleeps TEST_NOTEBOOK_SLEEP s.
SLEEP = """
# %%
import os, time
from pathlib import Path
Path(os.environ["TEST_MARKERS"], {name!r} + "-" + str(os.getpid())).touch()
time.sleep(float(os.environ.get("TEST_NOTEBOOK_SLEEP", "0")))
"""

SECTION = """# %% tags=["parameters"]
wave = "w"
lang = "it"
processed_dir = None
tables_dir = None
min_cell = 5
""" + SLEEP + """
# %% [markdown]
# ## {name}
"""

COMPANY = """# %% tags=["parameters"]
wave = "w"
lang = "it"
processed_dir = None
company_id = None
""" + SLEEP


@pytest.fixture
def sleepy_project(project: Path) -> Path:
    notebooks = project / "notebooks"
    (notebooks / "company").mkdir(parents=True)
    (notebooks / "01_context.py").write_text(SECTION.format(name="context"))
    (notebooks / "02_needs.py").write_text(SECTION.format(name="needs"))
    (notebooks / "company" / "company_report.py").write_text(COMPANY.format(name="company"))
    write_wave(project, "w1")
    (project / "markers").mkdir()
    return project


# --- processes as /proc shows them ------------------------------------------------------------

def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, or None when there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), fields[0], int(fields[19])


def _tree(root: int) -> dict[int, int]:
    """``root`` and all its descendants: pid -> start time."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[0], []).append(int(entry.name))
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if (stat := _stat(pid)) is not None:
            found[pid] = stat[2]
            todo.extend(children.get(pid, []))
    return found


def _running(pid: int, start: int) -> bool:
    """Whether that very process still runs (a zombie, dead but not reaped, does not)."""
    stat = _stat(pid)
    return stat is not None and stat[2] == start and stat[1] not in ("Z", "X")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _survivors(tree: dict[int, int], seconds: float) -> dict[int, str]:
    """The processes of ``tree`` still running after ``seconds`` (sooner if none is)."""
    deadline = time.monotonic() + seconds
    while True:
        alive = {pid: _cmdline(pid) for pid, start in tree.items() if _running(pid, start)}
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def _kill_all(tree: dict[int, int]) -> None:
    """Clean up after a failure: the processes of this test's tree that still run."""
    for pid, start in tree.items():
        if _running(pid, start):
            os.kill(pid, signal.SIGKILL)


# --- the run ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_killed_run_leaves_no_process_and_the_next_run_clears_its_files(sleepy_project):
    root = sleepy_project
    welfare = Path(sys.executable).parent / "welfare"
    env = {**os.environ, "TEST_NOTEBOOK_SLEEP": "300", "TEST_MARKERS": str(root / "markers")}
    log = (root / "killed-run.log").open("w")
    run = subprocess.Popen([str(welfare), "run", "w1", "--jobs", "2"], env=env, cwd=root,
                           stdout=log, stderr=log)
    tree: dict[int, int] = {}
    try:
        deadline = time.monotonic() + 240
        while len(list((root / "markers").iterdir())) < 2:  # both workers in a notebook
            assert run.poll() is None, (root / "killed-run.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "no two notebooks executing after 240 s"
            time.sleep(0.2)
        tree = _tree(run.pid)
        # the notebooks run in the two workers themselves: no kernel (pipeline.run.batch)
        kernels = [pid for pid in tree if "ipykernel" in _cmdline(pid)]
        assert kernels == [] and len(tree) >= 3, {p: _cmdline(p) for p in tree}
        # a kernel's connection file, as one a worker's kernel would have left (papermill's
        # engine, pipeline.run.engine): named after a worker, which dies with the run
        worker = max(pid for pid in tree if pid != run.pid)
        folder = kernels_dir(Paths(root))
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        connection_files = [folder / f"kernel-{worker}-{tree[worker]}-0123456789ab.json"]
        connection_files[0].write_text("{}")

        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
        assert _survivors(tree, 5) == {}, "processes of the killed run still running after 5 s"
        assert all(path.exists() for path in connection_files), "nobody was left to remove them"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        log.close()
        _kill_all(tree)

    again = subprocess.run([str(welfare), "run", "w1", "--jobs", "1"], cwd=root,
                           env={**env, "TEST_NOTEBOOK_SLEEP": "0"}, capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert not any(path.exists() for path in connection_files), "stale files removed"
    assert list(kernels_dir(Paths(root)).iterdir()) == [], "its own kernels' files removed too"


# --- the mechanism, quickly -------------------------------------------------------------------

PARENT = """
import os, subprocess, sys, time
from concurrent.futures import ProcessPoolExecutor
from pipeline.run.procs import die_with_parent, kernel_launch_options

child = subprocess.Popen(["sleep", "120"], start_new_session=True, **kernel_launch_options())
with ProcessPoolExecutor(1, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
    worker = pool.submit(os.getpid).result()
    print(child.pid, worker, flush=True)
    time.sleep(120)
"""


def test_workers_and_kernels_started_with_the_options_die_with_their_parent():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE,
                              text=True)
    tree: dict[int, int] = {}
    try:
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2, "the parent did not start its children"
        tree = {pid: process_start(pid) for pid in pids}
        assert _survivors(tree, 0) == {pid: _cmdline(pid) for pid in pids}
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        assert _survivors(tree, 5) == {}
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        parent.stdout.close()
        _kill_all(tree)


def test_no_parent_death_signal_off_the_main_thread():
    """Linux would kill the child when the starting *thread* ends, not the process."""
    import threading

    seen = []
    thread = threading.Thread(target=lambda: seen.append(kernel_launch_options()))
    thread.start()
    thread.join()
    assert seen == [{}]
    assert set(kernel_launch_options()) == {"preexec_fn"}


def test_stale_connection_files_are_cleared_and_live_ones_kept(tmp_path):
    finished = subprocess.Popen(["true"])
    finished.wait()
    mine = connection_file(tmp_path)  # named after this (live) process
    dead = tmp_path / f"kernel-{finished.pid}-0-0a1b2c.json"
    reused = tmp_path / f"kernel-{os.getpid()}-{process_start(os.getpid()) + 1}-0a1b2c.json"
    other = tmp_path / "kernel-notes.json"
    for path in (mine, dead, reused, other):
        path.write_text("{}")
    assert clear_stale_connection_files(tmp_path) == sorted([dead, reused])
    assert sorted(tmp_path.iterdir()) == sorted([mine, other])
    assert clear_stale_connection_files(tmp_path / "missing") == []


def test_connection_files_go_to_a_private_folder(tmp_path):
    path = connection_file(tmp_path / "kernels")
    assert path.parent == tmp_path / "kernels"
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    assert path.name.startswith(f"kernel-{os.getpid()}-{process_start(os.getpid())}-")
