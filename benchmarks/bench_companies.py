"""Company reports: one notebook per company against the batch, side by side in one run.

On a demo wave with a previous wave (``demo-2014`` after ``demo-2013``, both ingested in a
temporary project), the confidential report of N surveyed companies (HTML and PDF, the
plan's parameters and render arguments) is built twice, each way in a fresh process of
its own, one process each:

* notebook: one papermill notebook per company in the process's warm kernel
  (:func:`pipeline.run.execute.run_job`, the ``welfare`` engine), as ``welfare run`` built
  company reports before the batch;
* batch: all of them in one pass (:func:`pipeline.run.batch.run_batch`): the notebook's
  cells in-process, the wave loaded and scored once.

Each way first builds one company untimed (the kernel's start, the imports), then the N
companies timed; it prints seconds per company, split into execution and rendering (HTML
and PDF), and the ratio of the two ways.

Run: ``.venv/bin/python benchmarks/bench_companies.py [--companies N] [--surveyed M]``
(``--surveyed``: both waves written with M surveyed companies, 50 worker answers each).
Target (issue 15): the batch at least 5 times cheaper per company. The bench also prints
the seconds WeasyPrint takes to print each PDF (the same work both ways) and the bound they
set on the ratio: the notebook way's seconds over the PDF's alone; and the ratio without
the PDF, both ways: what a PDF engine costing nothing would give.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WAVES = ("demo-2013", "demo-2014")


def _env(root: Path) -> dict[str, str]:
    reference = os.environ.get("WELFARE_REFERENCE_DIR", str(REPO.parent / "shared" / "domain"))
    return {**os.environ, "WELFARE_ROOT": str(root), "WELFARE_REFERENCE_DIR": reference}


def _setup(root: Path, surveyed: int | None) -> None:
    """Link the notebooks, write and ingest both demo waves in ``root``."""
    (root / "notebooks").symlink_to(REPO / "notebooks", target_is_directory=True)
    env = _env(root)
    for wave in WAVES:
        size = ([] if surveyed is None
                else ["--surveyed", str(surveyed), "--workers", str(50 * surveyed)])
        subprocess.run([str(BIN / "welfare"), "demo-data", wave, *size], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    code = ("from pipeline.run.steps import ingest_step\n"
            + "".join(f"ingest_step({w!r})\n" for w in WAVES))
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def _jobs(out: Path, count: int | None) -> list:
    """The plan's company jobs of the last wave, writing under ``out``."""
    from pipeline.config import get_paths
    from pipeline.i18n.text import text
    from pipeline.run.plan import discover_sections, plan_units
    from pipeline.wave import read_manifest

    paths = get_paths()
    wave = WAVES[-1]
    units = plan_units(wave, "it", paths, read_manifest(paths, wave), discover_sections(paths),
                       out / "executed", text)
    jobs = []
    for unit in [u for u in units if u.confidential][:count]:
        render = dict(unit.job.render or {})
        render["html_path"] = out / render["html_path"]
        render["pdf_path"] = out / render["pdf_path"]
        render["html_path"].parent.mkdir(parents=True, exist_ok=True)
        jobs.append(replace(unit.job, render=render))
    return jobs


def measure(way: str, out: Path, count: int | None) -> dict:
    """Build the reports one way in this process; seconds of each part."""
    from pipeline.config import get_paths

    root = get_paths().root
    jobs = _jobs(out, None if count is None else count + 1)
    pdf = [0.0]  # seconds in WeasyPrint (HTML to PDF), the same work both ways
    from pipeline.render import report

    to_pdf = report.html_to_pdf

    def timed_pdf(*args: object, **kwargs: object) -> object:
        t = time.perf_counter()
        try:
            return to_pdf(*args, **kwargs)
        finally:
            pdf[0] += time.perf_counter() - t

    report.html_to_pdf = timed_pdf  # type: ignore[assignment]
    warm, timed = jobs[:1], jobs[1:]
    t0 = time.perf_counter()
    resets = [0.0]
    if way == "notebook":
        from pipeline.run import engine
        from pipeline.run.execute import run_job

        reset = engine.WarmKernel.reset

        def timed_reset(kernel: engine.WarmKernel, *args: object, **kwargs: object) -> None:
            t = time.perf_counter()
            reset(kernel, *args, **kwargs)
            resets[0] += time.perf_counter() - t

        engine.WarmKernel.reset = timed_reset  # type: ignore[method-assign]
        run_job(warm[0], root)
        resets[0] = pdf[0] = 0.0
        t1 = time.perf_counter()
        results = [run_job(job, root) for job in timed]
        engine.shutdown_kernels()
    else:
        from pipeline.run.batch import NotebookBatch, run_batch

        run_batch(NotebookBatch(tuple(warm)), root)
        pdf[0] = 0.0
        t1 = time.perf_counter()
        results = run_batch(NotebookBatch(tuple(timed)), root)
    t2 = time.perf_counter()
    return {"companies": len(timed), "warm_up": t1 - t0, "seconds": t2 - t1,
            "execute": sum(r.execute_seconds for r in results),
            "render": sum(r.render_seconds for r in results), "resets": resets[0],
            "pdf": pdf[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=None,
                        help="companies timed (default: every surveyed company but one)")
    parser.add_argument("--surveyed", type=int, default=None,
                        help="surveyed companies of each demo wave (default: the demo's)")
    parser.add_argument("--way", choices=("notebook", "batch"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:  # one way, in this fresh process
        print(json.dumps(measure(args.way, Path(args.out), args.companies)))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-companies-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        t = time.perf_counter()
        _setup(root, args.surveyed)
        print(f"setup (2 demo waves written and ingested): {time.perf_counter() - t:.1f} s")
        env = _env(root)
        found = {}
        for way in ("notebook", "batch"):
            cmd = [sys.executable, __file__, "--way", way, "--out", str(Path(tmp) / way)]
            if args.companies is not None:
                cmd += ["--companies", str(args.companies)]
            done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
            found[way] = json.loads(done.stdout.strip().splitlines()[-1])
    n = found["batch"]["companies"]
    print(f"{n} company reports (HTML + PDF) of {WAVES[-1]}, one process each way; "
          "seconds per company (execute + render):")
    for way, r in found.items():
        print(f"  {way:9s} {r['seconds'] / n:6.3f}  ({r['execute'] / n:.3f} + "
              f"{r['render'] / n:.3f}; warm-up, one company: {r['warm_up']:.1f} s)")
    resets = found["notebook"].get("resets", 0.0)
    print(f"  (the notebook way's kernel resets between notebooks: {resets / n:.3f} s a "
          "company, part of its execution)")
    ratio = found["notebook"]["seconds"] / found["batch"]["seconds"]
    execute = found["notebook"]["execute"] / found["batch"]["execute"]
    without = (found["notebook"]["seconds"] - resets) / found["batch"]["seconds"]
    print(f"batch cheaper per company: {ratio:.2f} x (target 5 x; {without:.2f} x without "
          f"the kernel resets); execution alone {execute:.1f} x")
    pdf = found["batch"]["pdf"] / n
    bound = found["notebook"]["seconds"] / found["batch"]["pdf"]
    print(f"  WeasyPrint's PDF alone: {found['notebook']['pdf'] / n:.3f} s a company in the "
          f"notebook way, {pdf:.3f} s in the batch: as long as each report is its own PDF, "
          f"no batch can be more than {bound:.2f} x cheaper")
    no_pdf = ((found["notebook"]["seconds"] - found["notebook"]["pdf"])
              / (found["batch"]["seconds"] - found["batch"]["pdf"]))
    print(f"  without the PDF (as if it cost nothing, both ways): {no_pdf:.2f} x: the bound "
          "of any faster PDF engine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
