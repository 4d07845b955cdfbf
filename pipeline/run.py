"""Orchestration of a wave: ingest, analyses (notebooks), rendering, atomic publishing.

The CLI only parses arguments and calls :func:`run_wave` or :func:`ingest_step`.
Reports are built in a staging folder beside ``reports/<wave>/`` and swapped in only when
every step succeeded, so a failed run leaves the last good report published.
"""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.atomic import staged_folder
from pipeline.config import Paths, get_paths, min_cell
from pipeline.errors import PipelineError
from pipeline.ingest import ingest_wave, read_processed, write_processed

_SECTION = re.compile(r"^(\d\d)_([a-z0-9_]+)\.py$")


class NotebookError(PipelineError):
    """An analysis notebook failed: which cell, which error, where the executed copy is."""


@dataclass(frozen=True)
class Section:
    """One analysis notebook, rendered as one section report of the wave."""

    name: str
    source: Path

    @property
    def text_key(self) -> str:
        return self.name.split("_", 1)[1]


def discover_sections(paths: Paths) -> list[Section]:
    """The analysis notebooks (``notebooks/NN_name.py``), in their numeric order."""
    found = [Section(p.stem, p) for p in sorted(paths.notebooks.glob("*.py"))
             if _SECTION.match(p.name)]
    if not found:
        raise PipelineError(f"no analysis notebooks (NN_name.py) in {paths.notebooks}")
    return found


def ingest_step(wave: str, paths: Paths | None = None) -> dict[str, Any]:
    """Ingest ``data/raw/<wave>`` into ``data/processed/<wave>`` (all or nothing)."""
    paths = paths or get_paths()
    data = ingest_wave(wave, paths.raw_wave(wave))
    return write_processed(data, paths.processed_wave(wave))


def execute_section(section: Section, executed: Path, parameters: dict[str, Any],
                    cwd: Path) -> Path:
    """Run one notebook with papermill (Python API) and write the executed copy."""
    import jupytext
    import papermill as pm

    executed.parent.mkdir(parents=True, exist_ok=True)
    nb = jupytext.read(section.source)
    try:
        pm.execute_notebook(nb, str(executed), parameters=parameters, kernel_name="python3",
                            progress_bar=False, log_output=False, cwd=str(cwd))
    except pm.PapermillExecutionError as err:
        evalue = str(err.evalue).strip().splitlines()
        raise NotebookError(
            f"{section.source.name}, cell {err.exec_count}: {err.ename}: "
            f"{evalue[-1] if evalue else ''} (executed notebook: {executed})"
        ) from None
    return executed


def _execute_all(sections: list[Section], run_dir: Path, parameters: dict[str, Any],
                 cwd: Path, jobs: int) -> dict[str, Path]:
    targets = {s.name: run_dir / f"{s.name}.ipynb" for s in sections}
    if jobs <= 1 or len(sections) == 1:
        return {s.name: execute_section(s, targets[s.name], parameters, cwd) for s in sections}
    with ProcessPoolExecutor(max_workers=min(jobs, len(sections))) as pool:
        futures = {s.name: pool.submit(execute_section, s, targets[s.name], parameters, cwd)
                   for s in sections}
        return {name: f.result() for name, f in futures.items()}


def run_wave(wave: str, *, lang: str = "it", jobs: int | None = None, force: bool = False,
             paths: Paths | None = None) -> dict[str, Any]:
    """Ingest, analyse and report one wave; publish ``reports/<wave>/`` atomically.

    Parameters
    ----------
    wave
        Wave label (a folder of ``data/raw``).
    lang
        Language of the reports, ``it`` or ``en``.
    jobs
        Notebooks executed in parallel (default: the number of cores).
    force
        Redo every step (steps are not cached yet, so every run redoes them).
    """
    from pipeline.report import render_notebook
    from pipeline.site import write_index
    from pipeline.text import text

    paths = paths or get_paths()
    jobs = jobs or os.cpu_count() or 1
    started = time.perf_counter()
    manifest = ingest_step(wave, paths)
    processed = paths.processed_wave(wave)
    sections = discover_sections(paths)
    run_dir = paths.runs() / wave / lang
    with staged_folder(paths.report_wave(wave)) as stage:
        parameters = {"wave": wave, "lang": lang, "processed_dir": str(processed),
                      "tables_dir": str(stage / "tables"), "min_cell": min_cell()}
        executed = _execute_all(sections, run_dir, parameters, paths.root, jobs)
        rendered = []
        for section in sections:
            title = text(f"{section.text_key}.title", lang)
            html, pdf = stage / f"{section.name}.html", stage / f"{section.name}.pdf"
            render_notebook(executed[section.name], html, pdf, title=title, wave=wave,
                            lang=lang, synthetic=manifest["synthetic"])
            rendered.append({"name": section.name, "title": title, "html": html.name,
                             "pdf": pdf.name, "executed": executed[section.name]})
        data = read_processed(processed)
        index = write_index(stage, data, rendered, lang=lang)
    elapsed = time.perf_counter() - started
    return {"index": paths.report_wave(wave) / index.name, "seconds": elapsed,
            "sections": [r["name"] for r in rendered]}
