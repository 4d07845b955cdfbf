"""Company reports in batches (issue 15): the company notebook run company after company in
one process, each company still its own executed notebook, HTML and PDF.

The fast tests run small notebooks in the batch's shell; the slow ones build real company
reports of the demo waves both ways (one papermill notebook per company, and the batch)
and compare them.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from helpers.notebooks import link_notebooks
from helpers.waves import demo_copy

from pipeline.run.batch import NotebookBatch, company_batches, run_batch
from pipeline.run.execute import NotebookError, run_jobs
from pipeline.run.plan import NotebookJob
from pipeline.wave import WaveData, write_processed

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "notebooks" / "company" / "company_report.py"

SMALL = """# %% tags=["parameters"]
wave = "w"
company_id = None

# %%
from IPython.display import Markdown, display
assert "left_over" not in globals(), "the previous company's names are still there"
left_over = company_id
print("report of", company_id)
display(Markdown(f"## {company_id}"))
if company_id == "C02":
    raise ValueError("no answers for C02")
len(company_id)

# %%
import sys
sys.stderr.write("careful\\n")
"""


def _jobs(tmp_path: Path, ids: list[str], source: Path) -> list[NotebookJob]:
    return [NotebookJob(source=source, executed=tmp_path / "executed" / f"{cid}.ipynb",
                        parameters={"wave": "w1", "company_id": cid, "lang": "it"},
                        name=f"company {cid}") for cid in ids]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    source = tmp_path / "company_report.py"
    source.write_text(SMALL, encoding="utf-8")
    return source


def test_a_batch_writes_each_company_as_papermill_would(tmp_path, small):
    results = run_batch(NotebookBatch(tuple(_jobs(tmp_path, ["C01", "C03"], small))), tmp_path)
    assert [r.name for r in results] == ["company C01", "company C03"]
    nb = nbformat.read(tmp_path / "executed" / "C03.ipynb", as_version=4)
    nbformat.validate(nb)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[:2] == [["parameters"], ["injected-parameters"]]
    assert 'company_id = "C03"' in nb.cells[1].source
    assert nb.metadata.papermill.parameters == {"wave": "w1", "company_id": "C03"}
    outputs = nb.cells[2].outputs
    assert [o.output_type for o in outputs] == ["stream", "display_data", "execute_result"]
    assert outputs[0].name == "stdout" and outputs[0].text == "report of C03\n"
    assert outputs[1].data["text/markdown"] == "## C03"
    assert outputs[2].data["text/plain"] == "3" and outputs[2].execution_count == 3
    assert nb.cells[3].outputs[0].name == "stderr"
    assert [c.execution_count for c in nb.cells] == [1, 2, 3, 4]  # each company from 1
    assert all(c.metadata.papermill.status == "completed" for c in nb.cells)


def test_an_error_names_the_company_and_the_cell(tmp_path, small):
    done = []
    with pytest.raises(NotebookError) as err:
        run_batch(NotebookBatch(tuple(_jobs(tmp_path, ["C01", "C02", "C03"], small))),
                  tmp_path, on_done=done.append)
    message = str(err.value)
    assert message.startswith("company C02: company_report.py, cell 3: ValueError: "
                              "no answers for C02")
    assert str(tmp_path / "executed" / "C02.ipynb") in message
    assert [r.name for r in done] == ["company C01"]  # the batch stops at the failure
    failed = nbformat.read(tmp_path / "executed" / "C02.ipynb", as_version=4)
    assert failed.cells[2].outputs[-1].output_type == "error"
    assert failed.cells[3].metadata.papermill.status == "pending"


def test_a_cell_that_runs_too_long_fails_as_in_a_kernel(tmp_path, monkeypatch):
    import pipeline.run.batch as batch

    source = tmp_path / "slow.py"
    source.write_text('# %% tags=["parameters"]\nwave = "w"\n\n# %%\nimport time\n'
                      "time.sleep(30)\n\n# %%\nprint('never')\n", encoding="utf-8")
    monkeypatch.setattr(batch, "CELL_TIMEOUT", 0.5)
    job = NotebookJob(source=source, executed=tmp_path / "slow.ipynb",
                      parameters={"wave": "w1"}, name="section slow")
    with pytest.raises(NotebookError, match=r"^section slow: slow\.py, cell 3: "
                       r"CellTimeoutError: the cell ran longer than 0\.5 s"):
        run_batch(NotebookBatch((job,)), tmp_path)
    executed = nbformat.read(tmp_path / "slow.ipynb", as_version=4)
    assert executed.cells[-1].metadata.papermill.status == "pending"
    import signal

    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no alarm left behind


def test_run_jobs_takes_batches_and_reports_each_company(tmp_path, small):
    jobs = _jobs(tmp_path, ["C01", "C03", "C04"], small)
    done = []
    results = run_jobs(company_batches(jobs, 1), workers=1, cwd=tmp_path,
                       on_done=lambda r: done.append(r.name))
    assert done == ["company C01", "company C03", "company C04"] == [r.name for r in results]


def test_company_batches_give_every_worker_a_share():
    jobs = [NotebookJob(Path("x.py"), Path(f"{i}.ipynb"), {}, name=str(i)) for i in range(30)]
    assert company_batches([], 2) == []
    assert [len(b.jobs) for b in company_batches(jobs[:13], 1)] == [13]
    two = company_batches(jobs, 2)
    # every report once, in order; at most 6 a batch; smaller towards the end, so that the
    # two workers finish together
    assert [j.name for b in two for j in b.jobs] == [j.name for j in jobs]
    assert [len(b.jobs) for b in two] == [6, 6, 5, 4, 3, 2, 1, 1, 1, 1]
    assert [len(b.jobs) for b in company_batches(jobs[:13], 2)] == [4, 3, 2, 1, 1, 1, 1]
    assert [len(b.jobs) for b in company_batches(jobs[:3], 8)] == [1, 1, 1]
    assert max(len(b.jobs) for b in company_batches(jobs, 2, size=3)) == 3


def test_a_worker_sets_the_first_batch_s_long_lived_objects_aside_once():
    import gc

    from pipeline.run.batch import _long_lived_after_first

    before = gc.get_threshold()
    with _long_lived_after_first():  # the worker's own, for the process (keep_company_waves)
        for _ in range(2):  # two batches
            with _long_lived_after_first() as first_done:
                first_done()
                assert gc.get_freeze_count() > 0
            assert gc.get_freeze_count() > 0  # still set aside for the next batch
        assert gc.get_threshold() != before
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before
    with _long_lived_after_first() as first_done:  # a batch alone (``--jobs 1``)
        first_done()
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


# --- real company reports ---------------------------------------------------------------------

def _normalised(html: str) -> str:
    """What may differ between two renderings of the same report: pandas' table ids."""
    return re.sub(r"T_[0-9a-f]{5}", "T_", html)


def _frames_hash(frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    return {name: int(pd.util.hash_pandas_object(df, index=True).sum())
            for name, df in frames.items()}


@pytest.mark.slow
def test_batch_reports_equal_one_notebook_per_company(project, demo_waves):
    """The same HTML, figures (SVG, alt text) and data tables, byte for byte; the notebook
    still runs alone with papermill; the wave shared by the batch is left as it was."""
    from pipeline.analyse.analysis.company_wave import company_wave_batch
    from pipeline.notebook import open_company_wave

    link_notebooks(project)
    for wave, meta in (("demo-2013", {"label": "demo-2013"}),
                       ("demo-2014", {"label": "demo-2014", "previous_wave": "demo-2013"})):
        write_processed(WaveData(wave, demo_copy(demo_waves, wave), meta),
                        project / "data" / "processed" / wave)
    survey = demo_waves["demo-2014"]["company_survey"]
    before = set(demo_waves["demo-2013"]["company_survey"]["company_id"])
    ids = [c for c in survey["company_id"] if c in before][:2] + [
        c for c in survey["company_id"] if c not in before][:1]
    built = {}
    for way in ("notebook", "batch"):
        jobs = []
        for cid in ids:
            out = project / way / cid
            jobs.append(NotebookJob(
                source=SOURCE, executed=out.with_suffix(".ipynb"), name=f"company {cid}",
                parameters={"wave": "demo-2014", "lang": "it", "min_cell": 5,
                            "processed_dir": str(project / "data/processed/demo-2014"),
                            "company_id": cid, "previous_wave": "demo-2013",
                            "previous_processed_dir": str(project / "data/processed/demo-2013")},
                render={"html_path": out.with_suffix(".html"),
                        "pdf_path": out.with_suffix(".pdf") if cid == ids[0] else None,
                        "title": f"Rapporto {cid}", "wave": "demo-2014", "lang": "it"}))
        if way == "notebook":
            run_jobs(jobs, workers=1, cwd=project)
        else:
            with company_wave_batch():
                ctx, shared, _ = open_company_wave("demo-2014", "it", min_cell=5,
                                                   previous_wave="demo-2013")
                frames = {"survey": shared.survey, "workers": shared.workers,
                          "companies": shared.companies, "scores": shared.scores,
                          **{f"then_{k}": v for k, v in (shared.previous or {}).items()}}
                hashes = _frames_hash(frames)
                run_batch(NotebookBatch(tuple(jobs)), project)
                again = open_company_wave("demo-2014", "it", min_cell=5,
                                          previous_wave="demo-2013")
                assert again[1] is shared, "the batch did not share the wave"
                assert _frames_hash(frames) == hashes, "a company report changed the wave"
        built[way] = {cid: (project / way / cid).with_suffix(".html").read_text("utf-8")
                      for cid in ids}
    for cid in ids:
        assert _normalised(built["batch"][cid]) == _normalised(built["notebook"][cid]), cid
        assert built["batch"][cid].count("data:image/svg+xml;base64,") == 2
    assert (project / "batch" / ids[0]).with_suffix(".pdf").read_bytes()[:4] == b"%PDF"
    shown = built["batch"][ids[2]]
    assert "prima volta che l'impresa partecipa" in shown.replace("&#x27;", "'")


@pytest.mark.slow
def test_a_batch_opens_a_changed_wave_anew(project, demo_waves):
    """The wave kept by a batch is the one whose tables' hashes it was opened with."""
    from pipeline.analyse.analysis.company_wave import company_wave_batch
    from pipeline.notebook import open_company_wave

    folder = project / "data" / "processed" / "demo-2013"
    tables = demo_copy(demo_waves, "demo-2013")
    write_processed(WaveData("demo-2013", tables, {"label": "demo-2013"}), folder)
    alone = open_company_wave("demo-2013")[1]
    assert open_company_wave("demo-2013")[1] is not alone  # outside a batch: loaded anew
    with company_wave_batch():
        first = open_company_wave("demo-2013")[1]
        assert open_company_wave("demo-2013")[1] is first
        assert open_company_wave("demo-2013", min_cell=3)[1] is not first
        survey = tables["company_survey"].copy()
        survey.loc[0, "welfare_budget_per_emp"] = 12345.0
        write_processed(WaveData("demo-2013", dict(tables, company_survey=survey),
                                 {"label": "demo-2013"}), folder)
        changed = open_company_wave("demo-2013")[1]
        assert changed is not first
        assert changed.survey.loc[0, "welfare_budget_per_emp"] == 12345.0


def test_a_batch_leaves_the_shell_it_found(tmp_path):
    """A process with a shell already (a JupyterLab kernel running ``welfare run --jobs 1``)
    runs a batch, and its own shell is the current one again afterwards."""
    from IPython.core.interactiveshell import InteractiveShell

    from pipeline.run import batch

    own = InteractiveShell.instance()
    shell = batch.batch_shell()
    assert shell is not own and InteractiveShell.instance() is own
    with batch._the_shell(shell):
        assert InteractiveShell.instance() is shell
    assert InteractiveShell.instance() is own


def test_a_notebook_never_shows_a_figure_it_did_not_draw(tmp_path):
    """A figure left open in the process (by the previous notebook, or by the parent that
    forked the worker) is not published in the next report's first cell: the inline
    backend's ``show`` (and its flush at the end of a cell) shows every open figure."""
    import matplotlib.pyplot as plt

    source = tmp_path / "section.py"
    source.write_text('# %% tags=["parameters"]\nwave = "w"\n\n# %%\n'
                      "import matplotlib.pyplot as plt\n"
                      'plt.switch_backend("module://matplotlib_inline.backend_inline")\n'
                      "plt.figure()\nplt.plot([1, 2], [3, 4])\nplt.show()\n",
                      encoding="utf-8")
    backend = plt.get_backend()
    stray = plt.figure()
    stray.gca().plot([0, 1], [1, 0])
    job = NotebookJob(source=source, executed=tmp_path / "section.ipynb",
                      parameters={"wave": "w1"}, name="section s")
    try:
        run_batch(NotebookBatch((job,)), tmp_path)
    finally:
        plt.close("all")
        plt.switch_backend(backend)
    executed = nbformat.read(tmp_path / "section.ipynb", as_version=4)
    counts = [sum(any(k.startswith("image/") for k in o.get("data", {}))
                  for o in cell.get("outputs", [])) for cell in executed.cells]
    assert counts == [0, 0, 1], counts  # parameters, injected parameters, the figure
