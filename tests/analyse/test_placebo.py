"""The whole pipeline on a placebo wave (``welfare demo-data <wave> --no-effects``).

A placebo wave has no effect of any company measure on any worker outcome, but workers
clustered in companies (docs/demo-data.md, "Placebo waves"). This end-to-end test writes one
with 24 surveyed companies through the command line into a throw-away project (``data/``,
``reports/`` and a link to the repository's notebooks, as ``readers.built_site`` does) and
runs ``welfare run`` on it with the real notebooks. The measure comparisons come out as one
row per comparison with the calibrated test, and nothing in a wave without effects is called
significant: Holm keeps the chance of even one false finding in the table under 5 %, so with
this fixed seed none may appear (the rejection rate itself is measured over many waves by
``benchmarks/bench_calibration.py`` and ``benchmarks/bench_placebo.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from helpers.notebooks import link_notebooks

from pipeline.analyse.published import read_table

pytestmark = pytest.mark.slow

WAVE = "placebo-2013"
SURVEYED = 24


def _welfare(*args: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    """``welfare ...`` as a user runs it (the console script beside this Python, if any)."""
    script = Path(sys.executable).with_name("welfare")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]
    return subprocess.run([*command, *args], env=env, cwd=env["WELFARE_ROOT"],
                          capture_output=True, text=True, timeout=timeout)


def test_welfare_run_on_a_placebo_wave(project: Path) -> None:
    from pipeline.config import get_paths

    link_notebooks(project)
    env = {**os.environ, "WELFARE_ROOT": str(project),
           "WELFARE_REFERENCE_DIR": str(get_paths().reference_dir), "MPLBACKEND": "Agg"}

    made = _welfare("demo-data", WAVE, "--no-effects", "--surveyed", str(SURVEYED),
                    env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    meta = yaml.safe_load((project / "data" / "raw" / WAVE / "wave.yaml").read_text(
        encoding="utf-8"))
    assert meta["synthetic"] is True and "PLACEBO" in meta["notes"]

    started = time.perf_counter()
    run = _welfare("run", WAVE, "--jobs", str(min(os.cpu_count() or 1, 4)), env=env,
                   timeout=1800)
    seconds = time.perf_counter() - started
    assert run.returncode == 0, f"welfare run failed:\n{run.stdout}\n{run.stderr}"
    print(f"welfare run {WAVE} ({SURVEYED} surveyed companies): {seconds:.1f} s")

    table = project / "reports" / WAVE / "tables" / "measures_outcomes.csv"
    assert table.is_file()
    outcomes = read_table(table)
    assert {"measure", "outcome", "p_value", "method", "significant"} <= set(outcomes.columns)
    assert len(outcomes) > 0
    assert not outcomes.duplicated(["measure", "outcome"]).any()
    tested = outcomes[outcomes["p_value"].notna()]
    assert len(tested) >= 6  # the flexibility measures are common enough to be tested
    assert tested["method"].str.contains("randomisation inference over companies").all()
    assert not outcomes["significant"].astype(bool).any()
