"""The whole demo wave, cold, against the plain way; and a rerun with nothing changed.

* pipeline: ``welfare run demo-2013`` on a fresh project (ingest, gate, every section and
  per-company report, HTML and PDF, the site), ``--jobs`` = cores;
* plain way, in the same run and on the same processed data: for every notebook (sections
  and one per surveyed company) papermill's command line, then ``jupyter nbconvert --to
  html --no-input``, then WeasyPrint's command line, one after another;
* rerun: ``welfare run demo-2013`` again with nothing changed (a new process, as a cron job
  or a researcher would start it).

Run: ``.venv/bin/python benchmarks/bench_pipeline.py [--companies-plain N]``
Targets (issue 6): at least 3 times faster than the plain way; a rerun in under 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def plain_way(project: Path, env: dict[str, str], companies: list[str]) -> tuple[float, int]:
    """papermill CLI + nbconvert CLI + weasyprint CLI for every notebook, one by one."""
    out = project / "plain"
    out.mkdir()
    processed = project / "data" / "processed" / "demo-2013"
    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    jobs = [(nb, {"wave": "demo-2013", "processed_dir": str(processed),
                  "tables_dir": str(out / "tables"),
                  "previous_wave": None, "previous_processed_dir": None}) for nb in notebooks]
    company_nb = REPO / "notebooks" / "company" / "company_report.ipynb"
    jobs += [(company_nb, {"wave": "demo-2013", "processed_dir": str(processed),
                           "company_id": cid}) for cid in companies]
    t = time.perf_counter()
    for i, (nb, params) in enumerate(jobs):
        executed = out / f"{i:02d}_{nb.stem}.ipynb"
        cmd = [str(BIN / "papermill"), str(nb), str(executed), "-k", "python3",
               "--no-progress-bar"]
        for k, v in params.items():
            if v is not None:
                cmd += ["-p", k, str(v)]
        _run(cmd, env, cwd=project)
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
             env)
        _run([str(BIN / "weasyprint"), str(executed.with_suffix(".html")),
              str(executed.with_suffix(".pdf"))], env)
    return time.perf_counter() - t, len(jobs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--no-plain", action="store_true",
                        help="skip the plain way (several minutes): cold run and reruns only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "notebooks").symlink_to(REPO / "notebooks")
        env = {**os.environ, "WELFARE_ROOT": str(project),
               "WELFARE_REFERENCE_DIR": str(REPO.parent / "shared" / "domain")}
        env.pop("MPLBACKEND", None)
        welfare = str(BIN / "welfare")
        _run([welfare, "demo-data", "demo-2013"], env)
        cold = _run([welfare, "run", "demo-2013", "--jobs", str(args.jobs)], env)
        reruns = [_run([welfare, "run", "demo-2013"], env) for _ in range(3)]
        import pyarrow.parquet as pq

        ids = pq.read_table(project / "data/processed/demo-2013/company_survey.parquet",
                            columns=["company_id"]).column("company_id").to_pylist()
        plain, n_notebooks = (None, len(ids) + 5) if args.no_plain else plain_way(
            project, env, ids)
        shutil.rmtree(project / "plain", ignore_errors=True)
    print(f"demo-2013: {n_notebooks} notebooks (sections + one per surveyed company)")
    print(f"pipeline, cold (welfare run --jobs {args.jobs}, ingest and gate included): "
          f"{cold:6.1f} s")
    if plain is not None:
        print(f"plain way (papermill + nbconvert + weasyprint CLIs, one by one): "
              f"{plain:6.1f} s")
        print(f"speed-up: {plain / cold:.1f} x (target >= 3 x)")
    print(f"rerun with nothing changed: {min(reruns):.2f} s best, {max(reruns):.2f} s worst "
          f"of {len(reruns)} (target < 2 s)")


if __name__ == "__main__":
    main()
