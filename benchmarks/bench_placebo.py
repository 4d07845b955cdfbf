"""Placebo waves through ``welfare run``: how often the published measure comparisons reject.

The calibration study (``bench_calibration.py``) measures the tests in-process; this script
checks the same thing the way a sceptical reviewer would, end to end: it writes placebo
waves (``welfare demo-data <wave> --no-effects``: workers share a company effect, no
measure affects any outcome; contract formats) into a throw-away project, runs the whole
pipeline on each (``welfare run``) and pools ``reports/<wave>/tables/measures_outcomes.csv``:
the share of published comparisons with p < 0.05 (nominal 5 %), and how many were called
significant after Holm (the chance of any in a wave is at most 5 %).

Run: ``.venv/bin/python benchmarks/bench_placebo.py [--waves 12] [--surveyed 24]``
(about 2 minutes a wave on the project's 2-core machine).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def _welfare(args: list[str], env: dict[str, str]) -> None:
    script = Path(sys.executable).with_name("welfare")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]
    done = subprocess.run([*command, *args], env=env, cwd=env["WELFARE_ROOT"],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"welfare {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--waves", type=int, default=12)
    ap.add_argument("--surveyed", type=int, default=24)
    ap.add_argument("--icc", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=7100)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from pipeline.config import get_paths

    tables = []
    with tempfile.TemporaryDirectory(prefix="welfare-placebo-") as tmp:
        project = Path(tmp)
        (project / "notebooks").symlink_to(REPO / "notebooks", target_is_directory=True)
        env = {**os.environ, "WELFARE_ROOT": str(project),
               "WELFARE_REFERENCE_DIR": str(get_paths().reference_dir), "MPLBACKEND": "Agg"}
        for i in range(args.waves):
            wave = f"placebo-{2013 + i}"
            t0 = time.perf_counter()
            # each wave its own seed and no previous wave: independent placebo waves
            _welfare(["demo-data", wave, "--no-effects", "--icc", str(args.icc),
                      "--surveyed", str(args.surveyed), "--seed", str(args.seed + i)], env)
            meta = project / "data" / "raw" / wave / "wave.yaml"
            text = meta.read_text(encoding="utf-8")
            meta.write_text("".join(line + "\n" for line in text.splitlines()
                                    if not line.startswith("previous_wave")),
                            encoding="utf-8")
            _welfare(["run", wave], env)
            t = pd.read_csv(project / "reports" / wave / "tables" / "measures_outcomes.csv")
            tables.append(t.assign(wave=wave))
            tested = t["p_value"].notna()
            print(f"{wave}: {tested.sum()} tests, {(t.loc[tested, 'p_value'] < 0.05).sum()} "
                  f"with p < 0.05, {t['significant'].sum()} significant after Holm "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
    allt = pd.concat(tables, ignore_index=True)
    p = allt["p_value"].dropna()
    rate = float((p < 0.05).mean())
    se = float(np.sqrt(rate * (1 - rate) / len(p)))
    print(f"\n{args.waves} placebo waves, {args.surveyed} surveyed companies, intra-company "
          f"correlation {args.icc}: {int((p < 0.05).sum())} of {len(p)} published "
          f"comparisons with p < 0.05 = {rate * 100:.1f} % (binomial SE {se * 100:.1f}); "
          f"called significant after Holm: {int(allt['significant'].sum())}; waves with any: "
          f"{int(allt.groupby('wave')['significant'].any().sum())} of {args.waves}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
