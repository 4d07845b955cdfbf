"""Growth: ingest, validation and the needs estimates for 10k, 100k and 1M worker answers.

Each size runs in a fresh subprocess so that its peak memory (ru_maxrss) is its own.
The raw wave is written first in the demo's real formats (Windows-1252 CSV with ';' and
decimal comma for the workers, XLSX for the company survey), then timed from the files.

Run: ``.venv/bin/python benchmarks/bench_growth.py [--sizes 10000 100000 1000000]``
Targets (issue 6): 1,000,000 answers through ingest, validation and estimates within 60 s
and 4 GB on the 2-core machine, cost growing no faster than linearly.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
import pandas  # noqa: F401  (counted in 'imports')
from pipeline.analyse.analysis.needs import needs_table
from pipeline.codebook import load_codebook
from pipeline.ingest.load import ingest_wave
from pipeline.analyse.stats import survey_design
timings = {"imports": time.perf_counter() - t0}
raw = Path(sys.argv[1])
t = time.perf_counter()
data = ingest_wave(raw.name, raw)
timings["ingest"] = time.perf_counter() - t
try:
    from pipeline.validate import validate_wave
except ImportError:
    validate_wave = None
if validate_wave is not None:
    t = time.perf_counter()
    import great_expectations  # noqa: F401
    timings["gx_import"] = time.perf_counter() - t
    t = time.perf_counter()
    result = validate_wave(data)
    timings["validate"] = time.perf_counter() - t
t = time.perf_counter()
workers = data.tables["worker_survey"]
design = survey_design(workers, data.tables["companies"])
table = needs_table(workers, design, load_codebook().measure_codes("asked_workers"))
timings["estimates"] = time.perf_counter() - t
timings["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
timings["rows"] = len(workers)
print(json.dumps(timings))
"""


def write_wave(folder: Path, n_workers: int, n_companies: int) -> float:
    from pipeline.demo import write_demo_wave

    t = time.perf_counter()
    write_demo_wave("demo-2013", folder, n_companies=n_companies, n_workers=n_workers,
                    n_surveyed=max(30, n_workers // 1000))
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--companies", type=int, default=None,
                        help="companies in the mapping (default: 100,000 for the largest size)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            companies = args.companies or (100_000 if n >= 1_000_000 else max(400, n // 10))
            raw = Path(tmp) / f"w{n}" / "demo-2013"
            gen = write_wave(raw, n, companies)
            out = subprocess.run([sys.executable, "-c", CHILD, str(raw)], capture_output=True,
                                 text=True, check=True)
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            figures.update({"workers": n, "companies": companies, "write_raw": gen})
            rows.append(figures)
            print(f"{n:>9,} workers, {companies:>7,} companies: "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in figures.items()
                              if k in ("imports", "ingest", "gx_import", "validate", "estimates"))
                  + f", peak {figures['peak_mb']:.0f} MB", flush=True)
    print()
    base = rows[0]
    for r in rows:
        work = r["ingest"] + r.get("validate", 0) + r["estimates"]
        base_work = base["ingest"] + base.get("validate", 0) + base["estimates"]
        scale = r["workers"] / base["workers"]
        print(f"{r['workers']:>9,}: ingest+validate+estimates {work:6.2f} s "
              f"(x{work / base_work:6.1f} for x{scale:.0f} rows; per 1,000 rows "
              f"{1000 * work / r['workers']:.3f} s), peak memory {r['peak_mb']:.0f} MB")
    largest = rows[-1]
    total = largest["ingest"] + largest.get("validate", 0) + largest["estimates"] + \
        largest.get("gx_import", 0) + largest["imports"]
    print(f"\nlargest size, everything included (imports too): {total:.1f} s "
          f"(target 60 s), peak {largest['peak_mb']:.0f} MB (target 4096 MB)")


if __name__ == "__main__":
    main()
