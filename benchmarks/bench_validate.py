"""The data-quality gate on a large wave: import time and validation time.

For each size a synthetic demo wave is written in its real raw formats
(``pipeline.demo.write_demo_wave``) and ingested, so the gate sees exactly the typed tables
it sees in production (``build_demo_tables`` gives categories and plain integers, not the
ingested representation). Then, in a fresh process per size:

* ``import pipeline.validate`` (must not import great_expectations),
* ``import great_expectations`` plus the ephemeral context (once per process),
* the first validation (cold: suites loaded, great-expectations warming up) and the median of
  three more (warm), wall clock and CPU time.

Run: ``.venv/bin/python benchmarks/bench_validate.py [--workers 100000 1000000]``
Target (issue 3): a 100,000-worker wave in a few seconds beyond the library's import; a
million workers in about 10 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, pickle, statistics, sys, time
t = time.perf_counter()
import pipeline.validate as v
out = {"import_gate": time.perf_counter() - t,
       "gx_imported_by_gate": "great_expectations" in sys.modules}
from pipeline.validate.engine import engine
t = time.perf_counter()
eng = engine()
out["import_gx"] = time.perf_counter() - t
with open(sys.argv[1], "rb") as f:
    data = pickle.load(f)
def run():
    w, c = time.perf_counter(), time.process_time()
    result = v.validate_wave(data)
    return time.perf_counter() - w, time.process_time() - c, result
out["cold"], out["cold_cpu"], result = run()
warm = [run() for _ in range(3)]
out["warm"] = statistics.median(r[0] for r in warm)
out["warm_cpu"] = statistics.median(r[1] for r in warm)
out["checks"] = len(result.checks)
out["evaluated"] = len(result.checks) - len(result.skipped)
out["status"] = result.status
out["rows"] = {t: n for t, n in result.tables.items()}
print(json.dumps(out))
"""


def build(folder: Path, workers: int, companies: int) -> tuple[Path, float, float]:
    """Write and ingest a demo wave; pickle the typed tables. Returns (pickle, write, ingest)."""
    import pickle

    from pipeline.demo import write_demo_wave
    from pipeline.ingest.load import ingest_wave

    raw = folder / "demo-2013"
    t = time.perf_counter()
    write_demo_wave("demo-2013", raw, n_companies=companies, n_workers=workers,
                    n_surveyed=max(30, workers // 1000))
    written = time.perf_counter() - t
    t = time.perf_counter()
    data = ingest_wave("demo-2013", raw)
    ingested = time.perf_counter() - t
    path = folder / "wave.pickle"
    with path.open("wb") as f:
        pickle.dump(data, f)
    return path, written, ingested


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[100_000])
    parser.add_argument("--companies", type=int, default=None,
                        help="companies in the mapping (default: workers / 10, at least 400)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {sys.platform}")
    for n in args.workers:
        companies = args.companies or max(400, n // 10)
        with tempfile.TemporaryDirectory() as tmp:
            pickled, written, ingested = build(Path(tmp), n, companies)
            child = subprocess.run([sys.executable, "-c", CHILD, str(pickled)], cwd=REPO,
                                   capture_output=True, text=True, check=True)
        r = json.loads(child.stdout.strip().splitlines()[-1])
        rows = ", ".join(f"{t} {k:,}" for t, k in r["rows"].items())
        print(f"\n{n:,} workers, {companies:,} companies ({rows})")
        print(f"  demo wave written {written:6.2f} s, ingested {ingested:6.2f} s (not counted)")
        print(f"  import pipeline.validate   {r['import_gate']:6.2f} s  (great_expectations "
              f"imported: {r['gx_imported_by_gate']})")
        print(f"  import great_expectations  {r['import_gx']:6.2f} s  (once per process)")
        print(f"  validation, first          {r['cold']:6.2f} s  (CPU {r['cold_cpu']:.2f} s)")
        print(f"  validation, warm (median)  {r['warm']:6.2f} s  (CPU {r['warm_cpu']:.2f} s)")
        print(f"  checks {r['checks']} ({r['evaluated']} evaluated), status {r['status']}")
        print(f"  first validation beyond the import: {r['cold']:.2f} s; "
              f"{r['warm'] / n * 100_000:.2f} s per 100,000 workers warm")


if __name__ == "__main__":
    main()
