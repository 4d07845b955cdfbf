"""A whole run that scales: ``welfare run`` end to end on synthetic waves of growing size.

For every size a fresh project (temporary ``WELFARE_ROOT``, the project's notebooks linked
in, the reference data of ``../shared/domain``) gets a raw wave from ``welfare demo-data``,
then ``welfare run <wave> --jobs N`` runs in a subprocess, cold. The bench prints, per stage:

* seconds, from the run's record (``data/work/runs/<wave>/*.json``): ingest and gate (one
  step), each section (execution and rendering apart), the summary, the company reports
  (the wall time from the first one's start to the last one's end, their steps running in
  batches and in parallel; the sum of their steps is kept beside it), the site index;
* peak memory: the memory of the run's whole process tree (``welfare`` and every worker
  and kernel it starts), sampled every ``--interval`` seconds, as the sum of the processes'
  proportional set sizes (PSS: a page shared by k processes counts 1/k in each, so the sum
  is what the tree takes from the machine); the sum of resident sizes (RSS, shared pages
  counted in every process: an upper bound) is kept beside it. A stage's peak is the
  highest total while it ran (a step ends when its progress line arrives on standard error
  and started its recorded seconds before). With ``--jobs 2`` two steps overlap, so a
  stage's peak includes what ran beside it.

Then the growth between consecutive sizes (10 times the rows): each stage's time ratio and
peak-memory ratio, flagged when the time grows more than 10-fold. The company reports grow
with the surveyed companies, not with the rows: their ratio is also given per company.

Run: ``.venv/bin/python benchmarks/bench_scale.py [--sizes small medium large]
[--surveyed N] [--jobs 2] [--json out.json] [--keep DIR]``
Sizes: small = 1,000 companies, 10,000 answers, 30 surveyed; medium = 10,000, 100,000, 300;
large = 100,000, 1,000,000, 300 (on the 2-core machine: a few minutes, about ten, and
half an hour or more).
Targets (issue 15): the large run within 4 GB; no stage more than 10 times slower than at
10 times fewer rows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WAVE = "demo-2013"

#: name -> (companies in the mapping, worker answers, surveyed companies)
SIZES: dict[str, tuple[int, int, int]] = {
    "small": (1_000, 10_000, 30),
    "medium": (10_000, 100_000, 300),
    "large": (100_000, 1_000_000, 300),
}

#: a progress line: "[  12.3s] section 01_context [2/38, about 51s left]"
LINE = re.compile(r"^\[\s*[\d.]+s\]\s+(?P<msg>.+?)(?: \(unchanged, reused\))?\s+\[\d+/\d+")


@dataclass
class Sampler:
    """Memory of a process tree (bytes), sampled on a thread: per sample the time, the sum
    of the processes' PSS and the sum of their RSS."""

    pid: int
    interval: float
    samples: list[tuple[float, int, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def _tree(self) -> tuple[int, int]:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0, 0
        pss = rss = 0
        for p in procs:
            try:
                info = p.memory_full_info()
            except psutil.Error:
                continue
            pss += getattr(info, "pss", info.rss)
            rss += info.rss
        return pss, rss

    def run(self) -> None:
        while not self._stop.is_set():
            pss, rss = self._tree()
            self.samples.append((time.perf_counter(), pss, rss))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()

    def peak(self, start: float | None = None, end: float | None = None, *,
             column: int = 1) -> float:
        """Highest total (MB, PSS; ``column=2`` RSS) among the samples in ``[start, end]``
        (the nearest sample when the window is shorter than the interval)."""
        lo = float("-inf") if start is None else start
        hi = float("inf") if end is None else end
        inside = [s[column] for s in self.samples if lo <= s[0] <= hi]
        if not inside and self.samples:
            mid = (lo + hi) / 2
            inside = [min(self.samples, key=lambda s: abs(s[0] - mid))[column]]
        return max(inside, default=0) / 2**20


def _step_of(message: str) -> str:
    """The record's step name of a progress line's message."""
    if message.startswith("ingest "):
        return "ingest"
    if message in ("site index", "site"):
        return "publish"
    return message


def _run_wave(project: Path, env: dict[str, str], jobs: int,
              interval: float) -> tuple[float, dict[str, float], Sampler, str]:
    """``welfare run`` in a subprocess: wall seconds, the bench-clock time at which each
    step's progress line arrived, the memory sampler, and the standard error."""
    cmd = [str(BIN / "welfare"), "run", WAVE, "--jobs", str(jobs)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=project, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, bufsize=1)
    sampler = Sampler(proc.pid, interval)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    ends: dict[str, float] = {}
    lines = []
    assert proc.stderr is not None
    for line in proc.stderr:
        lines.append(line)
        match = LINE.match(line.strip())
        if match:
            ends[_step_of(match.group("msg"))] = time.perf_counter()
    proc.wait()
    wall = time.perf_counter() - t0
    sampler.stop()
    thread.join()
    if proc.returncode != 0:
        sys.stderr.write("".join(lines[-40:]))
        raise SystemExit(f"welfare run failed with status {proc.returncode}")
    return wall, ends, sampler, "".join(lines)


def _record(project: Path) -> dict[str, Any]:
    runs = sorted((project / "data" / "work" / "runs" / WAVE).glob("*.json"))
    return json.loads(runs[-1].read_text())


def _stages(record: dict[str, Any], ends: dict[str, float],
            sampler: Sampler) -> dict[str, dict[str, float]]:
    """Seconds and peak memory per stage; the company reports as one stage."""
    stages: dict[str, dict[str, float]] = {}
    companies = []
    for step in record["steps"]:
        name, seconds = step["step"], float(step.get("seconds", 0.0))
        end = ends.get(name)
        start = end - seconds if end is not None else None
        row = {"seconds": seconds,
               "peak_mb": sampler.peak(start, end) if end is not None else float("nan")}
        for extra in ("execute_seconds", "render_seconds"):
            if extra in step:
                row[extra] = float(step[extra])
        if name.startswith("company "):
            companies.append((start, end, row))
            continue
        label = {"ingest": "ingest + gate", "publish": "site index"}.get(name, name)
        stages[label] = row
    if companies:
        known = [(s, e) for s, e, _ in companies if e is not None]
        first = min((s for s, _ in known), default=None)
        last = max((e for _, e in known), default=None)
        total = {"seconds": sum(r["seconds"] for *_, r in companies),
                 "count": len(companies),
                 "wall_seconds": (last - first) if known else float("nan"),
                 "peak_mb": sampler.peak(first, last) if known else float("nan")}
        for extra in ("execute_seconds", "render_seconds"):
            total[extra] = sum(r.get(extra, 0.0) for *_, r in companies)
        total["seconds_per_company"] = total["seconds"] / len(companies)
        stages["company reports"] = total
    return stages


def measure(name: str, companies: int, workers: int, surveyed: int, jobs: int,
            interval: float, keep: Path | None) -> dict[str, Any]:
    """One size: a fresh project, its raw wave, one cold ``welfare run``."""
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-scale-{name}-"))
    try:
        (tmp / "notebooks").symlink_to(REPO / "notebooks", target_is_directory=True)
        env = {**os.environ, "WELFARE_ROOT": str(tmp),
               "WELFARE_REFERENCE_DIR": str(REPO.parent / "shared" / "domain")}
        env.pop("MPLBACKEND", None)
        t = time.perf_counter()
        subprocess.run([str(BIN / "welfare"), "demo-data", WAVE, "--companies", str(companies),
                        "--workers", str(workers), "--surveyed", str(surveyed)],
                       env=env, cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        generate = time.perf_counter() - t
        print(f"{name}: wave written in {generate:.1f} s; running welfare run --jobs {jobs}",
              file=sys.stderr, flush=True)
        load_before = os.getloadavg()[0]
        wall, ends, sampler, _ = _run_wave(tmp, env, jobs, interval)
        record = _record(tmp)
        result = {"size": name, "companies": companies, "answers": workers,
                  "surveyed": surveyed, "jobs": jobs, "generate_seconds": round(generate, 2),
                  "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
                  "wall_seconds": round(wall, 2), "run_seconds": record.get("seconds"),
                  "peak_mb": round(sampler.peak(), 1),
                  "peak_rss_mb": round(sampler.peak(column=2), 1), "samples": len(sampler.samples),
                  "stages": _stages(record, ends, sampler)}
        if keep is not None:
            dest = keep / name
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(tmp, dest, symlinks=True)
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _order(results: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for res in results:
        for stage in res["stages"]:
            if stage not in names:
                names.append(stage)
    key = {"ingest + gate": 0, "company reports": 2, "site index": 3}
    return sorted(names, key=lambda n: (key.get(n, 1), n))


def _seconds(stage: str, row: dict[str, float]) -> float:
    """A stage's seconds for the tables: the company reports' wall time from the first to
    the last (their steps overlap, in batches and in parallel), else the recorded time."""
    return row["wall_seconds"] if stage == "company reports" else row["seconds"]


def report(results: list[dict[str, Any]]) -> str:
    """The per-stage table of every size and the growth between consecutive sizes."""
    out = []
    heads = [f"{r['size']} ({r['companies']:,} co, {r['answers']:,} ans, {r['surveyed']} surv)"
             for r in results]
    out.append(f"{'stage':<22}" + "".join(f"{h:>44}" for h in heads))
    out.append(f"{'':<22}" + "".join(f"{'seconds':>32}{'peak MB PSS':>12}" for _ in results))
    for stage in _order(results):
        cells = []
        for res in results:
            row = res["stages"].get(stage)
            if row is None:
                cells.append(f"{'-':>32}{'-':>12}")
                continue
            sec = f"{_seconds(stage, row):.1f}"
            if stage == "company reports":
                sec += " wall"
            elif "execute_seconds" in row:
                sec += f" (exec {row['execute_seconds']:.1f} + pdf {row['render_seconds']:.1f})"
            cells.append(f"{sec:>32}{row['peak_mb']:>12.0f}")
        out.append(f"{stage:<22}" + "".join(cells))
    out.append(f"{'whole run (wall)':<22}" + "".join(
        f"{r['wall_seconds']:>32.1f}{r['peak_mb']:>12.0f}" for r in results))
    for res in results:
        if "load_average" in res:
            before, after = res["load_average"]
            out.append(f"{res['size']}: load average {before} before the run, {after} after "
                       f"(on {os.cpu_count()} cores: above it, other work shared the machine)")
        comp = res["stages"].get("company reports")
        if comp:
            out.append(f"{res['size']}: {comp['count']} company reports in "
                       f"{comp['wall_seconds']:.1f} s of wall time with {res['jobs']} jobs "
                       f"({comp['wall_seconds'] / comp['count']:.2f} s a company; their steps "
                       f"add up to {comp['seconds']:.0f} s: execution "
                       f"{comp['execute_seconds']:.0f}, HTML and PDF {comp['render_seconds']:.0f})")
    out.append("")
    out.append("growth between consecutive sizes (10 x the rows; flagged: time > 10 x)")
    for a, b in itertools.pairwise(results):
        out.append(f"{a['size']} -> {b['size']}:")
        for stage in _order([a, b]):
            ra, rb = a["stages"].get(stage), b["stages"].get(stage)
            if not ra or not rb or _seconds(stage, ra) <= 0:
                continue
            ratio = _seconds(stage, rb) / _seconds(stage, ra)
            mem = rb["peak_mb"] / ra["peak_mb"] if ra["peak_mb"] else float("nan")
            extra = ""
            if stage == "company reports":
                per = (rb["wall_seconds"] / rb["count"]) / (ra["wall_seconds"] / ra["count"])
                extra = f"  per company {per:.2f} x ({ra['count']} -> {rb['count']} companies)"
            flag = "  <-- grows more than 10 x" if ratio > 10 else ""
            out.append(f"  {stage:<22} time {ratio:6.2f} x   peak memory {mem:5.2f} x{extra}{flag}")
        whole = b["wall_seconds"] / a["wall_seconds"]
        out.append(f"  {'whole run':<22} time {whole:6.2f} x   peak memory "
                   f"{b['peak_mb'] / a['peak_mb']:5.2f} x")
    big = max(results, key=lambda r: r["answers"])
    out.append("")
    out.append(f"peak memory of the largest run ({big['size']}): {big['peak_mb']:,.0f} MB PSS, "
               f"{big['peak_rss_mb']:,.0f} MB summed RSS (target < 4,096 MB)")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES),
                        default=list(SIZES), help="sizes to run, in this order")
    parser.add_argument("--surveyed", type=int, default=None,
                        help="surveyed companies at every size (default: 30, 300, 300)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--interval", type=float, default=0.2,
                        help="seconds between memory samples")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--keep", type=Path, default=None,
                        help="copy each size's project here (reports, record, log)")
    parser.add_argument("--report", type=Path, nargs="+", default=None,
                        help="print the tables of earlier --json files (sizes run apart)")
    args = parser.parse_args()
    if args.report:
        runs = [r for f in args.report for r in json.loads(f.read_text())]
        print(report(sorted(runs, key=lambda r: r["answers"])))
        return
    results = []
    for name in args.sizes:
        companies, workers, surveyed = SIZES[name]
        results.append(measure(name, companies, workers, args.surveyed or surveyed,
                               args.jobs, args.interval, args.keep))
        print(report(results), file=sys.stderr, flush=True)
        if args.json is not None:
            args.json.write_text(json.dumps(results, indent=1))
    print(report(results))


if __name__ == "__main__":
    main()
