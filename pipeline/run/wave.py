"""Orchestration of a wave: ingest + gate, analyses (notebooks), rendering, atomic publishing.

The steps and their keys are planned by :mod:`pipeline.run.plan`; a step whose key is
unchanged since the last successful run is reused, ``force`` redoes everything. The site is
built in a staging folder (reused files copied from the published one) and swapped into
``reports/<wave>/`` only when every step succeeded: a failed or killed run leaves the
previous report and ``data/processed/<wave>/`` as they were. What a run leaves behind (its
record, the wave's state) is :mod:`pipeline.run.state`.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.atomic import staged_folder
from pipeline.config import Paths, get_paths
from pipeline.errors import PipelineError
from pipeline.fingerprint import code_version
from pipeline.i18n.text import text
from pipeline.run.plan import (
    Section,
    Unit,
    discover_sections,
    index_key,
    ingest_key,
    plan_units,
    raw_inputs,
    site_root,
)
from pipeline.run.progress import Progress
from pipeline.run.state import (
    RunRecord,
    load_state,
    run_dir,
    save_duration,
    save_failed,
    save_reported,
)
from pipeline.run.steps import build_notebooks, drop_stale_confidential, ingest_step, write_index
from pipeline.wave import list_waves, read_manifest


@dataclass
class _Run:
    """One run of one wave: its options, record and progress."""

    wave: str
    lang: str
    jobs: int
    force: bool
    paths: Paths
    record: RunRecord
    progress: Progress
    sections: list[Section]

    @property
    def executed_dir(self) -> Path:
        return run_dir(self.paths, self.wave) / self.lang

    def result(self, changed: bool) -> dict[str, Any]:
        return {"index": site_root(self.paths.report_wave(self.wave), self.lang) / "index.html",
                "record": self.record.path(self.paths), "steps": self.record.steps,
                "changed": changed}


def run_wave(wave: str, *, lang: str = "it", jobs: int | None = None, force: bool = False,
             paths: Paths | None = None, progress_stream: Any = "stderr") -> dict[str, Any]:
    """Ingest, check, analyse and report one wave; publish ``reports/<wave>/`` atomically.

    Parameters
    ----------
    wave
        Wave label (a folder of ``data/raw``).
    lang
        Language of the reports, ``it`` (at the site's root) or ``en`` (in ``en/``).
    jobs
        Sections built in parallel (default: the number of cores).
    force
        Redo every step even when its inputs did not change.

    Returns
    -------
    dict
        ``index`` (path of the site's index page), ``seconds``, ``record`` (path of the
        JSON run record), ``steps`` and ``changed`` (whether anything was rebuilt).
    """
    paths = paths or get_paths()
    record = RunRecord(wave=wave, lang=lang)
    run_dir(paths, wave).mkdir(parents=True, exist_ok=True)
    state = load_state(paths, wave)
    sections = discover_sections(paths)
    progress = Progress(len(sections) + 2,
                        expected_seconds=state.get("seconds") if not force else None,
                        stream=sys.stderr if progress_stream == "stderr" else progress_stream,
                        log=run_dir(paths, wave) / f"{record.run_id}.log")
    run = _Run(wave, lang, max(1, jobs or os.cpu_count() or 1), force, paths, record,
               progress, sections)
    started = time.perf_counter()
    try:
        result = _run(run, state)
        record.status = "reported"
        result["seconds"] = round(time.perf_counter() - started, 3)
        if result["changed"]:
            save_duration(paths, wave, result["seconds"])
        return result
    except BaseException as err:
        record.status = "failed"
        record.error = str(err) if isinstance(err, PipelineError) else (
            f"{type(err).__name__}: {err}")
        if not isinstance(err, PipelineError | KeyboardInterrupt):
            progress.info("unexpected error:\n" + traceback.format_exc())
        save_failed(paths, state, record)
        raise
    finally:
        record.seconds = round(time.perf_counter() - started, 3)
        record.save(paths)
        progress.close()


def _ingest(run: _Run, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Step 1, ingest and gate, unless the raw files and the code did not change.

    Returns the wave's manifest and the state the run goes on with.
    """
    t0 = time.perf_counter()
    key = ingest_key(run.paths, run.wave)
    run.record.inputs = {"raw": raw_inputs(run.paths, run.wave), "code": code_version()}
    manifest = read_manifest(run.paths, run.wave)
    cached = not run.force and manifest is not None and state.get("ingest_key") == key
    if not cached:
        manifest = ingest_step(run.wave, run.paths)
        state = {**state, "ingest_key": key,
                 "langs": state.get("langs", {}) if not run.force else {}}
    run.record.add("ingest", cached=cached, seconds=time.perf_counter() - t0, key=key)
    run.progress.step(f"ingest {run.wave}", cached=cached)
    assert manifest is not None
    return manifest, state


def _to_build(run: _Run, units: list[Unit], lang_state: dict[str, Any]) -> list[Unit]:
    """The units whose key changed or whose outputs are missing; the others are reused."""
    done_keys: dict[str, str] = dict(lang_state.get("units", {}))
    published = site_root(run.paths.report_wave(run.wave), run.lang)
    todo = []
    for unit in units:
        reusable = (done_keys.get(unit.step) == unit.key and unit.job.executed.exists()
                    and all((published / o).exists() for o in unit.outputs))
        if reusable:
            run.record.add(unit.step, cached=True, seconds=0.0, key=unit.key)
            run.progress.step(unit.step, cached=True)
        else:
            todo.append(unit)
    return todo


def _publish(run: _Run, todo: list[Unit], units: list[Unit], key: str) -> None:
    """Stage the published site, rebuild ``todo`` and the index in it, swap it in."""
    published = run.paths.report_wave(run.wave)
    with staged_folder(published) as stage:
        if published.exists():
            shutil.copytree(published, stage, dirs_exist_ok=True)
        stage_root = site_root(stage, run.lang)
        stage_root.mkdir(parents=True, exist_ok=True)
        drop_stale_confidential(stage_root, units)
        if todo:
            build_notebooks(todo, stage_root, run.paths, run.jobs, run.record, run.progress)
        t0 = time.perf_counter()
        write_index(stage_root, run.paths, run.record, run.sections, units, run.executed_dir,
                    {"jobs": run.jobs, "force": run.force}, text)
        run.record.add("publish", cached=False, seconds=time.perf_counter() - t0, key=key)
        run.progress.step("site index")


def _run(run: _Run, state: dict[str, Any]) -> dict[str, Any]:
    manifest, state = _ingest(run, state)
    # 2. sections and company reports: reuse what did not change
    lang_state = state.get("langs", {}).get(run.lang, {}) if not run.force else {}
    units = plan_units(run.wave, run.lang, run.paths, manifest, run.sections,
                       run.executed_dir, text)
    run.progress.total = len(units) + 2
    todo = _to_build(run, units, lang_state)
    keys = {u.step: u.key for u in units}
    key = index_key(units, manifest)
    # 3. the site's index
    index = site_root(run.paths.report_wave(run.wave), run.lang) / "index.html"
    unchanged = not todo and lang_state.get("index_key") == key and index.exists()
    if unchanged:
        run.record.add("publish", cached=True, seconds=0.0, key=key)
        run.progress.step("site", cached=True)
    else:
        _publish(run, todo, units, key)
    save_reported(run.paths, state, run.record, keys, key)
    return run.result(changed=not unchanged)


# --- several waves ----------------------------------------------------------------------------

def run_all(*, lang: str = "it", jobs: int | None = None, force: bool = False,
            paths: Paths | None = None, progress_stream: Any = "stderr") -> list[dict[str, Any]]:
    """Run every wave in wave order; unchanged waves cost only the check of their hashes.

    A failing wave is reported and the next waves still run; the caller sees every result.
    """
    paths = paths or get_paths()
    results = []
    for wave in list_waves(paths):
        try:
            out = run_wave(wave, lang=lang, jobs=jobs, force=force, paths=paths,
                           progress_stream=progress_stream)
            results.append({"wave": wave, "ok": True, **out})
        except PipelineError as err:
            results.append({"wave": wave, "ok": False, "error": str(err)})
    return results
