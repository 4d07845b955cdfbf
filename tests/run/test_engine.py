"""The ``welfare`` papermill engine: one warm kernel per process, a clean namespace per notebook.

``welfare run`` and ``papermill --engine welfare`` execute notebooks the same way; the slow
tests start real kernels.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]

PARAMETERS = """# %% tags=["parameters"]
name = "x"
"""

FIRST = PARAMETERS + """
# %%
import os, sys
leftover = 1
sys._welfare_marker = name  # module state: survives the next notebook's reset
print(os.getpid())
"""

SECOND = PARAMETERS + """
# %%
import os, sys
print(os.getpid(), "leftover" in globals(), getattr(sys, "_welfare_marker", None), name)
"""

BROKEN = PARAMETERS + """
# %%
x = 1

# %%
raise ValueError("boom in " + name)
"""


def _printed(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def _gone(pid: int, seconds: float = 20) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("first", ["pipeline.run.engine", "papermill", "pipeline.run.execute"])
def test_papermill_finds_the_engine_whatever_is_imported_first(first):
    code = (f"import {first}\nfrom papermill.engines import papermill_engines\n"
            "print(papermill_engines.get_engine('welfare').__qualname__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "WarmKernelEngine"


def test_the_engine_is_an_installed_papermill_entry_point():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    assert declared["papermill.engine"] == {"welfare": "pipeline.run.engine:WarmKernelEngine"}
    installed = {ep.name: ep.value for ep in
                 importlib.metadata.entry_points(group="papermill.engine")}
    assert installed.get("welfare") == "pipeline.run.engine:WarmKernelEngine", (
        "reinstall: pip install -e . --no-deps")

    from papermill.engines import Engine

    from pipeline.run.engine import WarmKernelEngine

    assert issubclass(WarmKernelEngine, Engine)


@pytest.mark.slow
def test_notebooks_share_a_kernel_but_not_their_variables(tmp_path):
    from pipeline.run.engine import shutdown_kernels
    from pipeline.run.execute import NotebookError, execute_notebook

    for name, source in (("first", FIRST), ("second", SECOND), ("broken", BROKEN)):
        (tmp_path / f"{name}.py").write_text(source)
    try:
        first = execute_notebook(tmp_path / "first.py", tmp_path / "out" / "first.ipynb",
                                 {"name": "a", "undeclared": 1}, cwd=tmp_path)
        pid = int(_printed(first).split()[0])
        with pytest.raises(NotebookError) as err:
            execute_notebook(tmp_path / "broken.py", tmp_path / "out" / "broken.ipynb",
                             {"name": "c"}, cwd=tmp_path)
        second = execute_notebook(tmp_path / "second.py", tmp_path / "out" / "second.ipynb",
                                  {"name": "b"}, cwd=tmp_path)
    finally:
        shutdown_kernels()
    assert _printed(second).split() == [str(pid), "False", "a", "b"]
    # papermill's parameters: only the declared ones, in their own cell
    assert first.metadata.papermill.parameters == {"name": "a"}
    assert "injected-parameters" in first.cells[1].metadata.tags
    # the failure names the notebook and the cell (parameters cell, injected cell, x, raise)
    assert str(err.value) == ("broken.py, cell 4: ValueError: boom in c (executed notebook: "
                              f"{tmp_path / 'out' / 'broken.ipynb'})")
    broken = nbformat.read(tmp_path / "out" / "broken.ipynb", as_version=4)
    assert broken.metadata.papermill.exception is True
    assert _gone(pid), "the kernel is shut down"


@pytest.mark.slow
def test_workers_keep_one_kernel_each_and_shut_them_down(tmp_path):
    from pipeline.run.execute import run_jobs
    from pipeline.run.plan import NotebookJob

    (tmp_path / "first.py").write_text(FIRST)
    jobs = [NotebookJob(tmp_path / "first.py", tmp_path / f"{i}.ipynb", {"name": str(i)},
                        name=f"job {i}") for i in range(5)]
    results = run_jobs(jobs, workers=2, cwd=tmp_path)
    assert sorted(r.name for r in results) == [f"job {i}" for i in range(5)]
    pids = {int(_printed(nbformat.read(job.executed, as_version=4)).split()[0])
            for job in jobs}
    assert 1 <= len(pids) <= 2, "one kernel per worker, reused"
    assert all(_gone(pid) for pid in pids)


@pytest.mark.slow
def test_papermill_command_line_runs_the_welfare_engine(tmp_path):
    nb = new_notebook(
        cells=[new_code_cell('wave = "w"', metadata={"tags": ["parameters"]}),
               new_code_cell("import os\nprint(os.getpid(), wave)")],
        metadata={"kernelspec": {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}})
    nbformat.write(nb, tmp_path / "in.ipynb")
    papermill = Path(sys.executable).parent / "papermill"
    subprocess.run([str(papermill), "--engine", "welfare", "--no-progress-bar", "in.ipynb",
                    "out.ipynb", "-p", "wave", "demo-2013"], cwd=tmp_path, check=True,
                   capture_output=True)
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    pid, wave = _printed(out).split()
    assert wave == "demo-2013"
    assert out.metadata.papermill.parameters == {"wave": "demo-2013"}
    assert _gone(int(pid)), "no kernel left behind when papermill exits"


LEAVES_A_FIGURE = PARAMETERS + """
# %%
import matplotlib
matplotlib.use("Agg")  # as a kernel started with MPLBACKEND=Agg, before set_theme
import matplotlib.pyplot as plt
plt.figure().gca().plot([0, 1], [1, 0])  # never shown: the notebook failed, say
"""

SHOWS_ITS_FIGURE = PARAMETERS + """
# %%
get_ipython().run_line_magic("matplotlib", "inline")  # as set_theme does in a kernel
import matplotlib.pyplot as plt
plt.figure().gca().plot([1, 2], [3, 4])
plt.show()  # shows every open figure
"""


@pytest.mark.slow
def test_the_next_notebook_in_a_warm_kernel_never_shows_the_last_one_s_figure(tmp_path):
    from pipeline.run.engine import shutdown_kernels
    from pipeline.run.execute import execute_notebook

    for name, source in (("leaves", LEAVES_A_FIGURE), ("shows", SHOWS_ITS_FIGURE)):
        (tmp_path / f"{name}.py").write_text(source)
    try:
        execute_notebook(tmp_path / "leaves.py", tmp_path / "out" / "leaves.ipynb",
                         {"name": "a"}, cwd=tmp_path)
        shows = execute_notebook(tmp_path / "shows.py", tmp_path / "out" / "shows.ipynb",
                                 {"name": "b"}, cwd=tmp_path)
    finally:
        shutdown_kernels()
    images = sum(any(k.startswith("image/") for k in o.get("data", {}))
                 for cell in shows.cells for o in cell.get("outputs", []))
    assert images == 1, f"{images} figures shown, the notebook drew 1"
