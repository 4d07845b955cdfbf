"""The steps of a run that write something: ingest and gate, notebooks, the site's index.

The heavy libraries of the notebooks and of the site (papermill, nbformat and the site's
renderer, about 2 s) are imported when those steps run, not with this module: a rerun with
nothing to redo must stay well under two seconds (the gate imports great_expectations on
its first validation by itself).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline.atomic import make_folder
from pipeline.config import CONFIDENTIAL_DIR, LANGUAGES, Paths, get_paths, min_cell
from pipeline.errors import PipelineError, display_path
from pipeline.fingerprint import code_version
from pipeline.run.plan import (
    NotebookJob,
    Section,
    Unit,
    quality_dir,
    quality_summary,
    site_root,
)
from pipeline.run.progress import Progress
from pipeline.run.state import RunRecord
from pipeline.validate import (
    REPORT_NAME,
    SUMMARY_NAME,
    clear_failed,
    gated_wave,
    report_pages,
    write_result_files,
)
from pipeline.wave import read_processed, write_processed

# --- ingest + gate -----------------------------------------------------------------------------

def ingest_step(wave: str, paths: Paths | None = None) -> dict[str, Any]:
    """Ingest ``data/raw/<wave>``, pass it through the data-quality gate, then publish it.

    The processed wave (``data/processed/<wave>``) is replaced, all or nothing, only when
    no critical check failed. The data-quality report goes to ``data/work/quality/<wave>/``
    (Italian and English, with the index page's summary) or, when the wave is stopped, to
    ``data/work/failed/<wave>/``, and :class:`~pipeline.validate.DataQualityError` is raised.
    """
    paths = paths or get_paths()
    data, result = gated_wave(wave, paths=paths)
    manifest = write_processed(data, paths.processed_wave(wave))
    write_result_files(result, quality_dir(paths, wave))
    clear_failed(wave, paths)
    return manifest


# --- notebooks ----------------------------------------------------------------------------------

def drop_stale_confidential(tree: Path, units: list[Unit]) -> None:
    """Keep, in a wave's confidential folder (or its stage), only the folders of the
    companies of the plan: the others (companies no longer in the company survey, folders
    named with an older key) go, the README too (each run writes it anew)."""
    keep = {out.split("/", 1)[0] for u in units if u.confidential for out in u.outputs}
    if not tree.is_dir():
        return
    for path in tree.iterdir():
        if path.name in keep and path.is_dir() and not path.is_symlink():
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def drop_legacy_confidential(site: Path) -> None:
    """Remove the ``confidential/`` folders that versions before ``confidential/<wave>/``
    kept inside a wave's site (at its root and in each language's folder): nothing
    confidential stays under ``reports/``. The next run builds those reports again in the
    confidential tree."""
    for lang in LANGUAGES:
        folder = site_root(site, lang) / CONFIDENTIAL_DIR
        if folder.is_symlink() or folder.is_file():
            folder.unlink()
        elif folder.is_dir():
            shutil.rmtree(folder)


#: Where each section of a run writes its tables (inside the stage, removed before the
#: swap); they are moved into ``tables/`` when the section is done, so the run knows which
#: tables each section publishes.
PARTS = ".tables-parts"


def _part_dir(stage_root: Path, step: str) -> Path:
    return stage_root / PARTS / step.split(" ", 1)[-1]


def _staged_job(unit: Unit, stage_root: Path, private_stage: Path | None) -> NotebookJob:
    """The unit's job writing into the staged site (its tables too, for sections), or, for
    a company report, into the staged confidential folder."""
    if unit.confidential and private_stage is None:
        raise PipelineError(f"{unit.step}: a confidential report needs the confidential stage")
    base = private_stage if unit.confidential else stage_root
    assert base is not None
    render = dict(unit.job.render or {})
    render["html_path"] = base / render["html_path"]
    render["pdf_path"] = base / render["pdf_path"]
    make_folder(render["html_path"].parent)  # in confidential/: owner-only from the start
    parameters = dict(unit.job.parameters)
    if unit.step.startswith("section"):
        parameters["tables_dir"] = str(_part_dir(stage_root, unit.step))
    elif unit.step.startswith("summary"):  # reads the sections' tables
        parameters["tables_dir"] = str(stage_root / "tables")
    return replace(unit.job, render=render, parameters=parameters)


def _publish_tables(stage_root: Path, step: str, tables: dict[str, list[str]]) -> list[str]:
    """Replace the tables ``step`` published last time (``tables[step]``) by those it just
    wrote; a table another section also publishes stays."""
    others = {name for other, names in tables.items() if other != step for name in names}
    folder = stage_root / "tables"
    for name in set(tables.get(step, ())) - others:
        (folder / name).unlink(missing_ok=True)
    part = _part_dir(stage_root, step)
    written = sorted(p.relative_to(part).as_posix() for p in part.rglob("*") if p.is_file())
    for name in written:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(part / name, folder / name)
    return written


def drop_stale_tables(stage_root: Path, tables: dict[str, list[str]],
                      units: list[Unit]) -> dict[str, list[str]]:
    """Remove the tables of sections that are no longer in the plan; the others' tables."""
    steps = {u.step for u in units}
    kept = {step: names for step, names in tables.items() if step in steps}
    keep = {name for names in kept.values() for name in names}
    for step, names in tables.items():
        if step not in steps:
            for name in set(names) - keep:
                (stage_root / "tables" / name).unlink(missing_ok=True)
    return kept


def build_notebooks(todo: list[Unit], stage_root: Path, paths: Paths, jobs: int,
                    record: RunRecord, progress: Progress,
                    tables: dict[str, list[str]] | None = None, *,
                    private_stage: Path | None = None) -> dict[str, list[str]]:
    """Execute and render ``todo`` into the staged site, ``jobs`` processes at a time.

    Every notebook runs in a worker process itself (:mod:`pipeline.run.batch`), no kernel
    started: each section and the summary as a batch of one, the company reports in batches
    (one pass per worker over its companies, each still recorded, and cached, on its own).

    ``tables`` are the tables each section published last time (``{step: [file, ...]}``,
    relative to ``tables/``): those of a section that runs again are replaced by what it
    writes now. Company reports go into ``private_stage``, the staged confidential folder
    of the wave. Returns ``tables`` updated.
    """
    from pipeline.run.batch import NotebookBatch, company_batches
    from pipeline.run.execute import JobResult, run_jobs

    tables = dict(tables or {})
    keys = {u.step: u.key for u in todo}
    staged = [(unit, _staged_job(unit, stage_root, private_stage)) for unit in todo]
    # The summary is written from the sections' tables: it runs once they are done.
    later = [NotebookBatch((job,)) for _, job in staged if job.name.startswith("summary")]
    sections = [job for unit, job in staged
                if not unit.confidential and not job.name.startswith("summary")]
    # The company reports run in batches, each in one worker (pipeline.run.batch).
    companies = [job for unit, job in staged if unit.confidential]
    batch: list[Any] = [*(NotebookBatch((job,)) for job in sections),
                        *company_batches(companies, jobs)]

    def done(result: JobResult) -> None:
        if result.name.startswith("section"):
            tables[result.name] = _publish_tables(stage_root, result.name, tables)
        record.add(result.name, cached=False,
                   seconds=result.execute_seconds + result.render_seconds,
                   key=keys[result.name], execute_seconds=round(result.execute_seconds, 3),
                   render_seconds=round(result.render_seconds, 3))
        progress.step(result.name)

    # the summary starts as soon as the sections that run now are done (their tables
    # published by ``done``), beside the company reports still running
    run_jobs(batch, workers=jobs, cwd=paths.root, on_done=done, then=later,
             after=[job.name for job in sections])
    shutil.rmtree(stage_root / PARTS, ignore_errors=True)
    return tables


# --- before the swap --------------------------------------------------------------------------

class IncompleteStageError(PipelineError):
    """The staged site lacks files the plan expects: it is not swapped in."""


def check_stage(stage_root: Path, expected: set[str], wave: str, published: Path, *,
                private: tuple[Path, set[str], Path] | None = None) -> None:
    """Raise :class:`IncompleteStageError` unless every ``expected`` file (relative to
    ``stage_root``) is in the stage; ``published`` is the folder the stage would replace.

    ``private`` is the same for the staged confidential folder: ``(stage, expected,
    published)``; its missing files are named ``<file> (confidential)``.
    """
    missing = sorted(rel for rel in expected if not (stage_root / rel).is_file())
    if (stage_root / PARTS).exists():
        missing.append(PARTS + " (left in the stage)")
    left = display_path(published) + " was"
    if private is not None:
        private_stage, private_expected, private_published = private
        missing += sorted(f"{rel} (confidential)" for rel in private_expected
                          if not (private_stage / rel).is_file())
        left = f"{display_path(published)} and {display_path(private_published)} were"
    if missing:
        shown = ", ".join(missing[:3])
        more = f" (and {len(missing) - 3} more)" if len(missing) > 3 else ""
        raise IncompleteStageError(
            f"the report of {wave} built in the staging folder is incomplete, missing "
            f"{shown}{more}: {left} left as {'they were' if private else 'it was'}")


# --- the site's index -------------------------------------------------------------------------

def publish_quality(paths: Paths, wave: str, lang: str, stage_root: Path) -> dict | None:
    """Copy the wave's data-quality report into the site; return the index page's summary."""
    folder = quality_dir(paths, wave)
    source = folder / report_pages()[lang]
    if not (source.exists() and (folder / SUMMARY_NAME).exists()):
        return None
    shutil.copy2(source, stage_root / REPORT_NAME)
    return quality_summary(paths, wave, lang)


def write_index(stage_root: Path, paths: Paths, record: RunRecord, sections: list[Section],
                units: list[Unit], executed_dir: Path, run_parameters: dict[str, Any],
                text: Any) -> set[str]:
    """Write the site's pages (index, methods, provenance, data quality) into the stage.

    ``run_parameters`` are the run's options (``jobs``, ``force``) for the provenance page.
    Returns the pages written, relative to ``stage_root``.
    """
    from pipeline.render.site import write_site

    wave, lang = record.wave, record.lang
    rendered = [{"name": s.name, "title": text(f"{s.text_key}.title", lang),
                 "html": f"{s.name}.html", "pdf": f"{s.name}.pdf",
                 "executed": executed_dir / f"{s.name}.ipynb"} for s in sections]
    if any(u.step == "summary sintesi" for u in units):
        rendered.append({"name": "sintesi", "title": text("summary.title", lang),
                         "html": "sintesi.html", "pdf": "sintesi.pdf",
                         "executed": executed_dir / "sintesi.ipynb"})
    run_info = {"run_id": record.run_id, "started": record.started,
                "parameters": {"wave": wave, "lang": lang, "min_cell": min_cell(),
                               **run_parameters},
                "code_version": code_version(), "inputs": record.inputs["raw"]}
    quality = publish_quality(paths, wave, lang, stage_root)
    written = write_site(stage_root, read_processed(paths.processed_wave(wave)), rendered,
                         lang=lang, run_info=run_info, quality=quality)
    pages = {Path(p).relative_to(stage_root).as_posix() for p in written.values()}
    return pages | ({REPORT_NAME} if quality is not None else set())

