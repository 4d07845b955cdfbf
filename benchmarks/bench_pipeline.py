"""The whole demo wave, cold, against the plain way with as many processes; and a rerun with
nothing changed.

* pipeline: ``welfare run demo-2013 --jobs N`` on a fresh project (ingest, gate, every
  section and per-company report, HTML and PDF, the site), N = ``--jobs`` (default: cores);
* plain way, in the same run and on the same processed data: for every notebook (sections
  and one per surveyed company) papermill's command line, then ``jupyter nbconvert --to
  html --no-input``, then WeasyPrint's command line, the three one after another, N
  notebooks at a time (what a user with N cores would do by hand); ``--plain-sequential``
  also runs them one notebook after another, as one process;
* rerun: ``welfare run demo-2013`` again with nothing changed (a new process each time, as a
  cron job or a researcher would start it), best of 5, and the heavy libraries such a rerun
  imports (listed by the interpreter as it exits).

Run: ``.venv/bin/python benchmarks/bench_pipeline.py [--jobs N] [--plain-sequential]
[--no-plain]``
Targets (issue 15): the cold run at least 5 times faster than the plain way with the same
number of processes; a rerun with nothing changed imports none of pandas, matplotlib,
great-expectations (issue 6: under 2 s).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WAVE = "demo-2013"

#: Libraries a rerun with nothing to redo should not import (top-level package names).
HEAVY = ("pandas", "numpy", "pyarrow", "matplotlib", "great_expectations", "scipy",
         "papermill", "nbformat", "weasyprint", "jinja2")
#: ``welfare run`` in an interpreter that prints, as it exits, which of HEAVY it imported.
WATCHED_RUN = f"""
import atexit, json, sys
atexit.register(lambda: print("MODULES " + json.dumps(sorted(
    {{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))), file=sys.stderr))
from pipeline.cli import main
sys.exit(main(["run", {WAVE!r}]))
"""


def _run(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    """Seconds ``cmd`` took; a failure stops the benchmark with the end of what it said."""
    t = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n"
                           + "\n".join(done.stderr.splitlines()[-30:]))
    return time.perf_counter() - t


def _plain_jobs(project: Path, out: Path, companies: list[str]) -> list[tuple[Path, dict]]:
    """Every notebook of the wave and its parameters: the sections, one per company."""
    processed = project / "data" / "processed" / WAVE
    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    jobs = [(nb, {"wave": WAVE, "processed_dir": str(processed),
                  "tables_dir": str(out / "tables"),
                  "previous_wave": None, "previous_processed_dir": None}) for nb in notebooks]
    company_nb = REPO / "notebooks" / "company" / "company_report.ipynb"
    jobs += [(company_nb, {"wave": WAVE, "processed_dir": str(processed),
                           "company_id": cid}) for cid in companies]
    return jobs


def _plain_notebook(index: int, nb: Path, params: dict[str, Any], out: Path,
                    env: dict[str, str], project: Path) -> None:
    """One notebook the plain way: papermill, nbconvert, WeasyPrint, one after another."""
    executed = out / f"{index:02d}_{nb.stem}.ipynb"
    cmd = [str(BIN / "papermill"), str(nb), str(executed), "-k", "python3",
           "--no-progress-bar"]
    for k, v in params.items():
        if v is not None:
            cmd += ["-p", k, str(v)]
    _run(cmd, env, cwd=project)
    _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], env)
    _run([str(BIN / "weasyprint"), str(executed.with_suffix(".html")),
          str(executed.with_suffix(".pdf"))], env)


def plain_way(project: Path, env: dict[str, str], companies: list[str], *,
              processes: int, name: str) -> tuple[float, int]:
    """papermill CLI + nbconvert CLI + weasyprint CLI for every notebook, ``processes``
    notebooks at a time (1: one by one). Returns the seconds and the notebooks run."""
    out = project / name
    out.mkdir()
    jobs = _plain_jobs(project, out, companies)
    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=processes) as pool:
        done = [pool.submit(_plain_notebook, i, nb, params, out, env, project)
                for i, (nb, params) in enumerate(jobs)]
        for future in done:
            future.result()
    return time.perf_counter() - t, len(jobs)


def noop_imports(env: dict[str, str]) -> list[str]:
    """The heavy libraries a ``welfare run`` with nothing to redo imports."""
    done = subprocess.run([sys.executable, "-c", WATCHED_RUN], env=env, check=True,
                          capture_output=True, text=True)
    if "up to date" not in done.stdout:
        raise RuntimeError(f"the rerun was not a no-op: {done.stdout}")
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return json.loads(line.removeprefix("MODULES "))


def _say(line: str) -> None:
    print(line, flush=True)  # each figure as soon as it is measured: the plain way is long


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processes of the pipeline and of the plain way (default: cores)")
    parser.add_argument("--no-plain", action="store_true",
                        help="skip the plain way (several minutes): cold run and reruns only")
    parser.add_argument("--plain-sequential", action="store_true",
                        help="also run the plain way one notebook after another")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "notebooks").symlink_to(REPO / "notebooks")
        env = {**os.environ, "WELFARE_ROOT": str(project),
               "WELFARE_REFERENCE_DIR": str(REPO.parent / "shared" / "domain")}
        env.pop("MPLBACKEND", None)
        welfare = str(BIN / "welfare")
        _run([welfare, "demo-data", WAVE], env)
        cold = _run([welfare, "run", WAVE, "--jobs", str(args.jobs)], env)
        import pyarrow.parquet as pq

        ids = pq.read_table(project / f"data/processed/{WAVE}/company_survey.parquet",
                            columns=["company_id"]).column("company_id").to_pylist()
        _say(f"{WAVE}: {len(_plain_jobs(project, project, ids))} notebooks (sections + one "
             "per surveyed company)")
        _say(f"pipeline, cold (welfare run --jobs {args.jobs}, ingest and gate included): "
             f"{cold:6.1f} s")
        reruns = [_run([welfare, "run", WAVE], env) for _ in range(5)]
        _say(f"rerun with nothing changed: {min(reruns):.2f} s best, {max(reruns):.2f} s "
             f"worst of {len(reruns)} (target < 2 s)")
        imported = noop_imports(env)
        _say(f"heavy libraries the rerun imports: {', '.join(imported) or 'none'} "
             "(target: none of pandas, matplotlib, great_expectations)")
        if args.no_plain:
            return
        parallel, _ = plain_way(project, env, ids, processes=args.jobs, name="plain")
        _say(f"plain way (papermill + nbconvert + weasyprint CLIs, {args.jobs} notebooks at "
             f"a time): {parallel:6.1f} s")
        _say(f"speed-up against it: {parallel / cold:.1f} x (target >= 5 x)")
        if args.plain_sequential:
            sequential, _ = plain_way(project, env, ids, processes=1, name="plain-1")
            _say(f"plain way, one notebook after another: {sequential:6.1f} s "
                 f"(speed-up {sequential / cold:.1f} x)")


if __name__ == "__main__":
    main()
