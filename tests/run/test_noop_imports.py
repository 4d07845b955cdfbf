"""A rerun with nothing to redo imports nothing heavy (issue 15).

Deciding that a wave is up to date reads hashes, the wave's manifest and the run's state:
no table is opened, so neither pandas nor pyarrow, matplotlib, great-expectations or the
notebook machinery is imported. Each check runs in a fresh interpreter, as a cron job or a
researcher starts ``welfare run``, and lists the heavy modules left in ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.notebooks import COMPANY_NOTEBOOK, section_notebook
from helpers.waves import write_wave

from pipeline.config import get_paths
from pipeline.ingest.load import ingest_wave
from pipeline.wave import write_processed

#: Libraries a rerun with nothing to redo must not import (top-level package names).
HEAVY = ("pandas", "numpy", "pyarrow", "matplotlib", "great_expectations", "scipy",
         "papermill", "nbformat", "weasyprint")

#: Prints, as the interpreter exits, which of ``HEAVY`` were imported; then runs its code.
_WATCH = f"""
import atexit, json, sys
HEAVY = {HEAVY!r}
atexit.register(lambda: print("MODULES " + json.dumps(sorted(
    {{m.split(".")[0] for m in sys.modules}} & set(HEAVY))), file=sys.stderr, flush=True))
"""


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``code`` after :data:`_WATCH` in a fresh interpreter."""
    return subprocess.run([sys.executable, "-c", _WATCH + code], capture_output=True,
                          text=True, env=env or dict(os.environ), timeout=300)


def _imported(stderr: str) -> list[str]:
    lines = [line for line in stderr.splitlines() if line.startswith("MODULES ")]
    assert lines, stderr
    return json.loads(lines[-1].removeprefix("MODULES "))


@pytest.fixture
def small_project(project: Path) -> Path:
    (project / "notebooks" / "company").mkdir(parents=True)
    (project / "notebooks" / "01_context.py").write_text(section_notebook())
    (project / "notebooks" / "company" / "company_report.py").write_text(COMPANY_NOTEBOOK)
    write_wave(project, "w1")
    return project


def test_planning_a_processed_wave_imports_nothing_heavy(small_project):
    """The freshness check of a run (the keys of ingest, sections, company reports and the
    index) on a processed wave, in a fresh interpreter that imported what ``welfare run``
    imports."""
    paths = get_paths()
    data = ingest_wave("w1", paths.raw_wave("w1"))
    write_processed(data, paths.processed_wave("w1"))
    done = _python("""
import pipeline.cli, pipeline.run.wave
from pipeline.config import get_paths
from pipeline.i18n.text import text
from pipeline.run.plan import discover_sections, index_key, ingest_key, plan_units
from pipeline.run.state import load_state
from pipeline.wave import read_manifest
paths = get_paths()
load_state(paths, "w1")
ingest_key(paths, "w1")
manifest = read_manifest(paths, "w1")
units = plan_units("w1", "it", paths, manifest, discover_sections(paths),
                   paths.root / "data" / "work" / "runs" / "w1" / "it", text)
index_key(units, manifest)
print(json.dumps([u.step for u in units]))
""")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["section 01_context", "company C01", "company C02"]
    assert _imported(done.stderr) == []


@pytest.mark.slow
def test_a_rerun_with_nothing_to_redo_imports_nothing_heavy(small_project):
    """``welfare run`` twice: the second finds the wave up to date and imports none of
    pandas, numpy, pyarrow, matplotlib, great-expectations or the notebook machinery; so
    does ``welfare status``."""
    first = _python("from pipeline.cli import main\nsys.exit(main(['run', 'w1', '--jobs', '1']))")
    assert first.returncode == 0, first.stderr
    assert "published" in first.stdout and "pandas" in _imported(first.stderr)

    again = _python("from pipeline.cli import main\nsys.exit(main(['run', 'w1']))")
    assert again.returncode == 0, again.stderr
    assert "up to date, nothing to redo" in again.stdout
    assert _imported(again.stderr) == []

    status = _python("from pipeline.cli import main\nsys.exit(main(['status']))")
    assert status.returncode == 0, status.stderr
    assert "w1" in status.stdout and "reported" in status.stdout
    assert _imported(status.stderr) == []
