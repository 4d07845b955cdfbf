"""Growth: ingest, validation and the needs estimates for 10k, 100k and 1M worker answers.

Each size runs in a fresh subprocess so that its peak memory (ru_maxrss) is its own; the
wave is written by another one, so that this process stays small (a child's ru_maxrss
counts its parent's size at the fork).
The raw wave is written first in the demo's real formats (Windows-1252 CSV with ';' and
decimal comma for the workers, XLSX for the company survey), then timed from the files.

The peer: pyarrow's CSV reader parsing the same worker file (the encoding and separator
ingestion found, pyarrow's own type inference), in another fresh process, so that neither
process's memory counts the other's. Ingest is timed for the whole wave (every table: the
worker file is nearly all of it), the peer for the worker file alone.

Run: ``.venv/bin/python benchmarks/bench_growth.py [--sizes 10000 100000 1000000] [--repeat 2]``
Targets: issue 6, 1,000,000 answers through ingest, validation and estimates within 60 s
and 4 GB on the 2-core machine, cost growing no faster than linearly; issue 15, ingest
within 3 times pyarrow's parse of the same file and a peak under 2 GB at 1,000,000 answers.
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
read_as = data.inputs["worker_survey"]
timings["worker_file"] = str(raw / read_as["file"])
timings["encoding"], timings["separator"] = read_as["encoding"], read_as["separator"]
print(json.dumps(timings))
"""

PEER = r"""
import json, resource, sys, time
import pyarrow as pa
import pyarrow.csv as pacsv
path, encoding, separator = sys.argv[1:4]
t = time.perf_counter()
table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding=encoding),
                       parse_options=pacsv.ParseOptions(delimiter=separator))
seconds = time.perf_counter() - t
print(json.dumps({"parse": seconds, "rows": table.num_rows, "columns": table.num_columns,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


WRITER = r"""
import sys
from pathlib import Path
from pipeline.demo import write_demo_wave
folder, n_workers, n_companies = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
write_demo_wave("demo-2013", folder, n_companies=n_companies, n_workers=n_workers,
                n_surveyed=max(30, n_workers // 1000))
"""


def write_wave(folder: Path, n_workers: int, n_companies: int) -> float:
    """Write the raw wave in a process of its own: a child process's peak (``ru_maxrss``)
    starts from its parent's size when it was forked, and writing a million answers takes
    2.4 GB, which every later measurement would otherwise count."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", WRITER, str(folder), str(n_workers),
                    str(n_companies)], check=True)
    return time.perf_counter() - t


def _child(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(raw: Path, repeat: int) -> dict:
    """The pipeline's figures and the peer's, each the fastest of ``repeat`` fresh runs
    (peak memory: the largest). The pipeline and its peer take turns, so that a busy
    moment of the machine falls on both."""
    runs, peers = [], []
    for _ in range(repeat):
        runs.append(_child(CHILD, str(raw)))
        read_as = runs[-1]
        encoding = "utf8" if read_as["encoding"].startswith("utf-8") else read_as["encoding"]
        peers.append(_child(PEER, read_as["worker_file"], encoding, read_as["separator"]))
    figures = min(runs, key=lambda r: r["ingest"])
    figures["peak_mb"] = max(r["peak_mb"] for r in runs)
    figures["pyarrow_parse"] = min(p["parse"] for p in peers)
    figures["pyarrow_peak_mb"] = max(p["peak_mb"] for p in peers)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--companies", type=int, default=None,
                        help="companies in the mapping (default: 100,000 for the largest size)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="fresh runs of each process per size; the fastest is kept")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            companies = args.companies or (100_000 if n >= 1_000_000 else max(400, n // 10))
            raw = Path(tmp) / f"w{n}" / "demo-2013"
            gen = write_wave(raw, n, companies)
            figures = measure(raw, max(1, args.repeat))
            figures.update({"workers": n, "companies": companies, "write_raw": gen})
            rows.append(figures)
            print(f"{n:>9,} workers, {companies:>7,} companies: "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in figures.items()
                              if k in ("imports", "ingest", "gx_import", "validate", "estimates"))
                  + f", peak {figures['peak_mb']:.0f} MB; pyarrow parse of the worker file "
                  f"{figures['pyarrow_parse']:.2f} s (peak {figures['pyarrow_peak_mb']:.0f} MB)",
                  flush=True)
    print()
    base = rows[0]
    for r in rows:
        work = r["ingest"] + r.get("validate", 0) + r["estimates"]
        base_work = base["ingest"] + base.get("validate", 0) + base["estimates"]
        scale = r["workers"] / base["workers"]
        ratio = r["ingest"] / r["pyarrow_parse"]
        print(f"{r['workers']:>9,}: ingest {r['ingest']:6.2f} s = {ratio:4.1f} x pyarrow's parse "
              f"({r['pyarrow_parse']:.2f} s); ingest+validate+estimates "
              f"{work:6.2f} s (x{work / base_work:6.1f} for x{scale:.0f} rows; per 1,000 rows "
              f"{1000 * work / r['workers']:.3f} s), peak memory {r['peak_mb']:.0f} MB")
    largest = rows[-1]
    total = largest["ingest"] + largest.get("validate", 0) + largest["estimates"] + \
        largest.get("gx_import", 0) + largest["imports"]
    print(f"\nlargest size, everything included (imports too): {total:.1f} s "
          f"(target 60 s), peak {largest['peak_mb']:.0f} MB (target 2048 MB); ingest "
          f"{largest['ingest'] / largest['pyarrow_parse']:.1f} x pyarrow's parse (target 3 x)")


if __name__ == "__main__":
    main()
