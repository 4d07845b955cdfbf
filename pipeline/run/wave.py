"""Orchestration of a wave: ingest + gate, analyses (notebooks), rendering, atomic publishing.

The steps and their keys are planned by :mod:`pipeline.run.plan`; a step whose key is
unchanged since the last successful run is reused, ``force`` redoes everything. The public
site and the confidential company reports are two trees, each built in its own staging
folder (reused files copied from the published one): the site goes to ``reports/<wave>/``,
the company reports and their README to ``confidential/<wave>/`` (never inside the site).
Both are swapped in only when every step succeeded and the stages hold every file the
plan expects, the confidential tree first: a failed or killed run leaves the previous
reports, both trees, and ``data/processed/<wave>/`` as they were (a kill between the two
renames leaves the new company reports beside the previous site; the wave's state is not
updated, so the next run redoes the site). What a run leaves behind (its record, the
wave's state) is :mod:`pipeline.run.state`.

One run per wave at a time: a run holds the wave's lock (:mod:`pipeline.run.lock`) from
before it writes anything until it is done, and ``run_all`` holds the lock of
``--all`` too, so a second ``run_all`` is refused (or waits, with ``wait``) as a whole.

A run with nothing to redo reads only hashes, the wave's manifest and its state: the steps
that write (:mod:`pipeline.run.steps`, with the gate, papermill and the renderers) are
imported when there is something to build, so such a run imports none of pandas, pyarrow,
matplotlib or great-expectations (``tests/run/test_noop_imports.py``).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import traceback
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.atomic import make_folder, staged_folder
from pipeline.config import Paths, check_wave_label, get_paths
from pipeline.errors import PipelineError
from pipeline.fingerprint import code_version
from pipeline.i18n.text import text
from pipeline.publish.companies import README, write_readme
from pipeline.run.lock import BusyError, all_lock, wave_lock
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
from pipeline.run.procs import release_memory
from pipeline.run.progress import Progress
from pipeline.run.state import (
    RunRecord,
    has_legacy_confidential,
    load_state,
    run_dir,
    save_duration,
    save_failed,
    save_reported,
    site_files,
)
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

    @property
    def published(self) -> Path:
        """The published site of the run's language."""
        return site_root(self.paths.report_wave(self.wave), self.lang)

    @property
    def private(self) -> Path:
        """The wave's confidential company reports (every language)."""
        return self.paths.confidential_wave(self.wave)

    def output(self, unit: Unit, rel: str) -> Path:
        """Where an output of ``unit`` is published."""
        return (self.private if unit.confidential else self.published) / rel

    def result(self, changed: bool) -> dict[str, Any]:
        return {"index": self.published / "index.html", "record": self.record.path(self.paths),
                "steps": self.record.steps, "changed": changed}


def _notify(progress_stream: Any) -> Any:
    """Where a run says it waits for a lock: the progress stream."""
    if progress_stream is None:
        return None
    stream = sys.stderr if progress_stream == "stderr" else progress_stream
    return lambda line: print(line, file=stream, flush=True)


def run_wave(wave: str, *, lang: str = "it", jobs: int | None = None, force: bool = False,
             paths: Paths | None = None, progress_stream: Any = "stderr",
             wait: float | None = None) -> dict[str, Any]:
    """Ingest, check, analyse and report one wave; publish ``reports/<wave>/`` (the public
    site) and ``confidential/<wave>/`` (the company reports) atomically.

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
    wait
        Seconds to wait when another run holds the wave's lock (default: refuse at once).

    Returns
    -------
    dict
        ``index`` (path of the site's index page), ``seconds``, ``record`` (path of the
        JSON run record), ``steps`` and ``changed`` (whether anything was rebuilt).

    Raises
    ------
    WaveLabelError
        ``wave`` is not a wave label; nothing was written.
    BusyError
        Another run holds the wave (after ``wait`` seconds when given); nothing was written.
    """
    check_wave_label(wave)  # before anything is written, the lock file included
    paths = paths or get_paths()
    with wave_lock(paths, wave, wait=wait, notify=_notify(progress_stream)):
        return _locked_run(wave, lang, jobs, force, paths, progress_stream)


def _locked_run(wave: str, lang: str, jobs: int | None, force: bool, paths: Paths,
                progress_stream: Any) -> dict[str, Any]:
    """:func:`run_wave` once the wave's lock is held."""
    record = RunRecord(wave=wave, lang=lang)
    make_folder(run_dir(paths, wave))
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
        from pipeline.run.steps import ingest_step  # the gate: pandas, great-expectations

        manifest = ingest_step(run.wave, run.paths)
        release_memory()  # before the workers are forked (pipeline.run.procs)
        state = {**state, "ingest_key": key,
                 "langs": state.get("langs", {}) if not run.force else {}}
    run.record.add("ingest", cached=cached, seconds=time.perf_counter() - t0, key=key)
    run.progress.step(f"ingest {run.wave}", cached=cached)
    assert manifest is not None
    return manifest, state


def _to_build(run: _Run, units: list[Unit], lang_state: dict[str, Any]) -> list[Unit]:
    """The units whose key changed or whose outputs (tables included) are missing from the
    published site; the others are reused."""
    done_keys: dict[str, str] = dict(lang_state.get("units", {}))
    tables: dict[str, list[str]] = lang_state.get("tables", {})
    todo = []
    for unit in units:
        tables_of = [run.published / "tables" / t for t in tables.get(unit.step, ())]
        outputs = [*(run.output(unit, o) for o in unit.outputs), *tables_of]
        reusable = (done_keys.get(unit.step) == unit.key and unit.job.executed.exists()
                    and all(o.is_file() for o in outputs))
        if reusable:
            run.record.add(unit.step, cached=True, seconds=0.0, key=unit.key)
            run.progress.step(unit.step, cached=True)
        else:
            todo.append(unit)
    return todo


def _private_stage(run: _Run, units: list[Unit]) -> AbstractContextManager[Path | None]:
    """The staged confidential folder of the wave, when the plan has company reports or an
    earlier run left some (to be dropped as stale); else nothing to stage."""
    if any(u.confidential for u in units) or os.path.lexists(run.private):
        return staged_folder(run.private)
    return nullcontext(None)


def _publish(run: _Run, todo: list[Unit], units: list[Unit], key: str,
             tables: dict[str, list[str]]) -> tuple[list[str], dict[str, list[str]]]:
    """Stage the published site and the confidential folder, rebuild ``todo`` and the
    index in them, check them against the plan, swap them in (the confidential folder
    first). Returns the files of the language's site and each section's tables."""
    from pipeline.run.steps import (
        build_notebooks,
        check_stage,
        drop_legacy_confidential,
        drop_stale_confidential,
        drop_stale_tables,
        write_index,
    )

    published = run.paths.report_wave(run.wave)
    with staged_folder(published) as stage, _private_stage(run, units) as private:
        if published.exists():
            shutil.copytree(published, stage, dirs_exist_ok=True)
        drop_legacy_confidential(stage)
        if private is not None and run.private.is_dir():
            shutil.copytree(run.private, private, dirs_exist_ok=True)
        stage_root = site_root(stage, run.lang)
        stage_root.mkdir(parents=True, exist_ok=True)
        if private is not None:
            drop_stale_confidential(private, units)
        tables = drop_stale_tables(stage_root, tables, units)
        if todo:
            tables = build_notebooks(todo, stage_root, run.paths, run.jobs, run.record,
                                     run.progress, tables, private_stage=private)
        t0 = time.perf_counter()
        _protect(run, stage_root)
        pages = write_index(stage_root, run.paths, run.record, run.sections, units,
                            run.executed_dir, {"jobs": run.jobs, "force": run.force}, text)
        expected = {*pages, *(o for u in units if not u.confidential for o in u.outputs),
                    *(f"tables/{t}" for names in tables.values() for t in names)}
        checked = None
        if private is not None:
            write_readme(private, run.paths, run.wave)
            checked = (private, {README, *(o for u in units if u.confidential
                                           for o in u.outputs)}, run.private)
        check_stage(stage_root, expected, run.wave, published, private=checked)
        files = site_files(stage_root, run.lang)
        run.record.add("publish", cached=False, seconds=time.perf_counter() - t0, key=key)
        run.progress.step("site index")
    return files, tables


class DisclosureAuditError(PipelineError):
    """The wave's tables would let a withheld cell be recovered: the site is not swapped in."""


def _protect(run: _Run, stage_root: Path) -> None:
    """Describe the staged tables as a data package, then play the attacker on them
    (:func:`pipeline.publish.checks.table_findings`): a finding fails the run, so the
    last good site stays published."""
    from pipeline.config import min_cell
    from pipeline.publish.checks import table_findings
    from pipeline.render.opendata import PACKAGE_FILE, UndescribedTablesError, write_datapackage

    tables = stage_root / "tables"
    if not tables.is_dir() or not any(tables.glob("*.csv")):
        return
    manifest = read_manifest(run.paths, run.wave) or {}
    try:
        write_datapackage(tables, lang=run.lang, wave_meta=manifest.get("meta", {}),
                          min_cell=min_cell())
    except UndescribedTablesError as err:
        # a notebook of the researcher's own wrote a table the registry does not describe:
        # the site is still published, without a package that would describe it wrongly
        (tables / PACKAGE_FILE).unlink(missing_ok=True)
        print(f"warning: no data package for {run.wave}: {err}", file=sys.stderr)
    findings = table_findings(run.wave, run.paths, site=stage_root)
    if findings:
        lines = "\n".join(f"  {f.file.relative_to(stage_root)}: {f.kind}: {f.detail}"
                          for f in findings)
        raise DisclosureAuditError(
            f"{run.wave}: {len(findings)} withheld cell(s) of the published tables could be "
            f"recovered from the others; the site was not published:\n{lines}")


def _current(run: _Run, units: list[Unit], recorded: list[str]) -> bool:
    """Whether every file the last run published is still there: the site's (``recorded``),
    the confidential README when there are company reports, and no confidential folder of
    an older version is left inside the site."""
    site = all((run.published / f).is_file() for f in recorded)
    readme = not any(u.confidential for u in units) or (run.private / README).is_file()
    return site and readme and not has_legacy_confidential(run.paths.report_wave(run.wave))


def _run(run: _Run, state: dict[str, Any]) -> dict[str, Any]:
    # the tables each section published, even when forced: those they no longer write go
    tables = dict(state.get("langs", {}).get(run.lang, {}).get("tables", {}))
    manifest, state = _ingest(run, state)
    # 2. sections and company reports: reuse what did not change
    lang_state = state.get("langs", {}).get(run.lang, {}) if not run.force else {}
    units = plan_units(run.wave, run.lang, run.paths, manifest, run.sections,
                       run.executed_dir, text)
    run.progress.total = len(units) + 2
    todo = _to_build(run, units, lang_state)
    keys = {u.step: u.key for u in units}
    key = index_key(units, manifest)
    # 3. the site's index, unless nothing changed and every file it had is still there
    recorded = ["index.html", *lang_state.get("files", ())]
    unchanged = (not todo and lang_state.get("index_key") == key
                 and _current(run, units, recorded))
    if unchanged:
        run.record.add("publish", cached=True, seconds=0.0, key=key)
        run.progress.step("site", cached=True)
        save_reported(run.paths, state, run.record, keys, key)
    else:
        files, tables = _publish(run, todo, units, key, tables)
        save_reported(run.paths, state, run.record, keys, key, files=files, tables=tables)
    return run.result(changed=not unchanged)


# --- several waves ----------------------------------------------------------------------------

def run_all(*, lang: str = "it", jobs: int | None = None, force: bool = False,
            paths: Paths | None = None, progress_stream: Any = "stderr",
            wait: float | None = None) -> list[dict[str, Any]]:
    """Run every wave in wave order; unchanged waves cost only the check of their hashes.

    A failing wave is reported and the next waves still run; the caller sees every result.
    The lock of ``--all`` is held throughout, each wave's lock while that wave runs: a
    second ``run_all`` raises :class:`BusyError` at once (or waits up to ``wait`` seconds,
    then finds the waves current); a wave another run (``welfare run <wave>``) holds is
    reported busy (``"busy": True``) and skipped, or waited for up to ``wait`` seconds.
    """
    paths = paths or get_paths()
    results = []
    with all_lock(paths, wait=wait, notify=_notify(progress_stream)):
        for wave in list_waves(paths):
            try:
                out = run_wave(wave, lang=lang, jobs=jobs, force=force, paths=paths,
                               progress_stream=progress_stream, wait=wait)
                results.append({"wave": wave, "ok": True, **out})
            except BusyError as err:
                results.append({"wave": wave, "ok": False, "busy": True, "error": str(err)})
            except PipelineError as err:
                results.append({"wave": wave, "ok": False, "error": str(err)})
    return results
