"""Orchestration of a wave: ingest + gate, analyses (notebooks), rendering, atomic publishing.

A run is a small dependency graph. Each step has a key, the hash of its inputs:

* ingest: every raw file of the wave and the code of ``pipeline/``;
* a section (one notebook, rendered to HTML and PDF): the notebook's source, the code, the
  run's parameters (language, ``min_cell``), the processed tables the notebook declares it
  reads (``welfare: tables:`` in its jupytext header) and, for notebooks that compare with
  earlier waves (``welfare: previous_wave: true``), the labels and processed tables of every
  processed wave of the ``previous_wave`` chain (:func:`previous_chain`);
* the site index: the keys of all sections.

A step whose key is unchanged since the last successful run is reused; ``force`` redoes
everything. The site is built in a staging folder (reused files copied from the published
one) and swapped into ``reports/<wave>/`` only when every step succeeded: a failed or
killed run leaves the previous report and ``data/processed/<wave>/`` as they were.

Every run leaves a JSON record and a log in ``data/work/runs/<wave>/``; the state of the
last run of each wave, read by ``welfare status``, is ``data/work/state/<wave>.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.atomic import staged_folder, write_text_atomic
from pipeline.config import TEMPLATES_DIR as PACKAGE_TEMPLATES
from pipeline.config import WAVE_PATTERN, Paths, get_paths, min_cell
from pipeline.errors import PipelineError, display_path
from pipeline.fingerprint import code_version, folder_hashes, hash_value, sha256_file
from pipeline.run.progress import Progress
from pipeline.wave import list_waves, read_manifest, read_processed, write_processed

_SECTION = re.compile(r"^(\d\d)_([a-z0-9_]+)\.py$")


# --- sections ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    """One analysis notebook, rendered as one section report of the wave."""

    name: str
    source: Path
    tables: tuple[str, ...]
    previous_wave: bool = False

    @property
    def text_key(self) -> str:
        return self.name.split("_", 1)[1]


def _jupytext_header(path: Path) -> dict[str, Any]:
    """The YAML header of a jupytext percent file (without importing jupytext)."""
    lines = []
    with path.open(encoding="utf-8") as f:
        first = f.readline()
        if first.strip() != "# ---":
            return {}
        for line in f:
            if line.strip() == "# ---":
                break
            lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    return (yaml.safe_load("".join(lines)) or {}).get("jupyter", {})


def discover_sections(paths: Paths) -> list[Section]:
    """The analysis notebooks (``notebooks/NN_name.py``), in their numeric order."""
    found = []
    for p in sorted(paths.notebooks.glob("*.py")):
        if not _SECTION.match(p.name):
            continue
        meta = _jupytext_header(p).get("welfare", {})
        found.append(Section(p.stem, p, tuple(meta.get("tables", ())),
                             bool(meta.get("previous_wave", False))))
    if not found:
        raise PipelineError(f"no analysis notebooks (NN_name.py) in {paths.notebooks}")
    return found


# --- state and records ------------------------------------------------------------------------

def state_path(paths: Paths, wave: str) -> Path:
    return paths.work / "state" / f"{wave}.json"


def load_state(paths: Paths, wave: str) -> dict[str, Any]:
    path = state_path(paths, wave)
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}


def _save_json(path: Path, value: Any) -> None:
    write_text_atomic(path, json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


@dataclass
class RunRecord:
    """What a run did: steps with durations and cache hits, the inputs' hashes."""

    wave: str
    lang: str
    run_id: str = field(default_factory=lambda: dt.datetime.now().strftime("%Y%m%dT%H%M%S")
                        + "-" + uuid.uuid4().hex[:6])
    started: str = field(default_factory=lambda: dt.datetime.now().isoformat(timespec="seconds"))
    steps: list[dict[str, Any]] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    status: str = "running"
    error: str | None = None
    seconds: float = 0.0

    def add(self, step: str, *, cached: bool, seconds: float, key: str | None = None,
            **extra: Any) -> None:
        self.steps.append({"step": step, "cached": cached, "seconds": round(seconds, 3),
                           "key": key, **extra})


# --- ingest + gate -----------------------------------------------------------------------------

def raw_inputs(paths: Paths, wave: str) -> dict[str, str]:
    """Hashes of every file of the raw wave folder."""
    raw = paths.raw_wave(wave)
    if not raw.is_dir():
        from pipeline.errors import InputError

        raise InputError(raw, "no such wave folder (put the wave's files in data/raw/<wave>/)")
    return folder_hashes(raw)


def ingest_key(paths: Paths, wave: str) -> str:
    return hash_value({"raw": raw_inputs(paths, wave), "code": code_version()["source_sha256"]})


def ingest_step(wave: str, paths: Paths | None = None) -> dict[str, Any]:
    """Ingest ``data/raw/<wave>``, pass it through the data-quality gate, then publish it.

    The processed wave (``data/processed/<wave>``) is replaced, all or nothing, only when
    no critical check failed. The data-quality report goes to ``data/work/quality/<wave>/``
    (Italian and English, with the index page's summary) or, when the wave is stopped, to
    ``data/work/failed/<wave>/``, and :class:`~pipeline.validate.DataQualityError` is raised.
    """
    from pipeline.validate import clear_failed, gated_wave, write_result_files
    from pipeline.validate.report import write_quality_report

    paths = paths or get_paths()
    data, result = gated_wave(wave, paths=paths)
    manifest = write_processed(data, paths.processed_wave(wave))
    quality = quality_dir(paths, wave)
    write_result_files(result, quality)
    write_quality_report(result, quality / "data_quality.en.html", lang="en")
    summaries = {lang: result.site_summary(QUALITY_PAGE, lang) for lang in ("it", "en")}
    _save_json(quality / "site_summary.json", summaries)
    clear_failed(wave, paths)
    return manifest


QUALITY_PAGE = "data_quality.html"


def quality_dir(paths: Paths, wave: str) -> Path:
    """Where the data-quality report of the wave's last processed version is kept."""
    return paths.work / "quality" / wave


def _publish_quality(paths: Paths, wave: str, lang: str, stage_root: Path) -> dict | None:
    """Copy the wave's data-quality report into the site; return the index page's summary."""
    folder = quality_dir(paths, wave)
    source = folder / ("data_quality.html" if lang == "it" else f"data_quality.{lang}.html")
    summary_path = folder / "site_summary.json"
    if not (source.exists() and summary_path.exists()):
        return None
    shutil.copy2(source, stage_root / QUALITY_PAGE)
    return json.loads(summary_path.read_text(encoding="utf-8")).get(lang)


# --- the chain of earlier waves -----------------------------------------------------------------

def _previous_link(paths: Paths, label: str, manifest: dict[str, Any] | None) -> str | None:
    """The ``previous_wave`` of ``label``: from its processed manifest (what its processed
    tables were built from), else from its raw ``wave.yaml``; None when there is none."""
    if manifest is not None:
        prev = (manifest.get("meta") or {}).get("previous_wave")
    else:
        path = paths.raw / label / "wave.yaml"
        try:
            meta = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            meta = None
        prev = meta.get("previous_wave") if isinstance(meta, dict) else None
    if prev is None or not WAVE_PATTERN.match(str(prev)):
        return None
    return str(prev)


def previous_chain(paths: Paths, wave: str, manifest: dict[str, Any] | None = None,
                   ) -> list[str]:
    """Every earlier wave of ``wave``'s ``previous_wave`` chain that is processed.

    The chain follows ``previous_wave`` from ``wave`` (its ``manifest`` when given, else its
    processed manifest or raw ``wave.yaml``) back to a wave without one; a wave of the chain
    that is not processed is left out of the list but its own link is still followed (from
    its raw ``wave.yaml``). Oldest first, so the list ends with the immediate previous wave
    when that one is processed; ``[]`` for a baseline.

    Raises
    ------
    PipelineError
        The chain comes back to a wave it already passed: one line naming the ``wave.yaml``
        whose ``previous_wave`` closes the cycle.
    """
    if manifest is None:
        manifest = read_manifest(paths, wave)
    trail = [wave]
    found: list[str] = []
    label = _previous_link(paths, wave, manifest)
    while label is not None:
        if label in trail:
            where = display_path(paths.raw / trail[-1] / "wave.yaml")
            raise PipelineError(
                f"{where}: previous_wave '{label}' makes a cycle of waves "
                f"({' -> '.join([*trail, label])}); every wave must come after its "
                "previous_wave")
        trail.append(label)
        earlier = read_manifest(paths, label)
        if earlier is not None:
            found.append(label)
        label = _previous_link(paths, label, earlier)
    return found[::-1]


# --- section keys -------------------------------------------------------------------------------

#: Parameters that are folders: their content enters the keys through the tables' hashes.
_PATH_PARAMETERS = ("processed_dir", "tables_dir", "previous_processed_dir",
                    "previous_processed_dirs")


def section_key(section: Section, manifest: dict[str, Any], previous: dict[str, Any] | None,
                parameters: dict[str, Any],
                chain: dict[str, dict[str, Any]] | None = None) -> str:
    """The cache key of a section.

    ``previous`` is the manifest of the immediate previous wave and ``chain`` the manifests
    of every processed wave of the ``previous_wave`` chain, oldest first
    (:func:`previous_chain`): for sections with ``previous_wave: true`` their labels and
    tables' hashes enter the key, so a change in any earlier wave reruns the section.
    """
    tables = {t: manifest["tables"][t]["sha256"] for t in section.tables
              if t in manifest["tables"]} if section.tables else {
        t: info["sha256"] for t, info in manifest["tables"].items()}
    prev = None
    if section.previous_wave and previous is not None:
        prev = {t: info["sha256"] for t, info in previous["tables"].items()}
    earlier = None
    if section.previous_wave and chain:
        earlier = [[label, {t: info["sha256"] for t, info in m["tables"].items()}]
                   for label, m in chain.items()]
    return hash_value({
        "source": sha256_file(section.source),
        "code": code_version()["source_sha256"],
        "tables": tables,
        "previous": prev,
        "chain": earlier,
        "parameters": {k: v for k, v in parameters.items() if k not in _PATH_PARAMETERS},
    })


def _site_root(stage: Path, lang: str) -> Path:
    """Italian reports at the wave's root, other languages in a subfolder."""
    return stage if lang == "it" else stage / lang


# --- the run ----------------------------------------------------------------------------------

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
        JSON run record) and ``steps``.
    """
    import sys

    paths = paths or get_paths()
    jobs = max(1, jobs or os.cpu_count() or 1)
    record = RunRecord(wave=wave, lang=lang)
    run_dir = paths.runs() / wave
    run_dir.mkdir(parents=True, exist_ok=True)
    state = load_state(paths, wave)
    stream = sys.stderr if progress_stream == "stderr" else progress_stream
    sections = discover_sections(paths)
    progress = Progress(len(sections) + 2, expected_seconds=state.get("seconds") if not force
                        else None, stream=stream, log=run_dir / f"{record.run_id}.log")
    started = time.perf_counter()
    try:
        result = _run(wave, lang, jobs, force, paths, record, state, sections, progress, run_dir)
        record.status = "reported"
        result["seconds"] = round(time.perf_counter() - started, 3)
        if result["changed"]:
            # The duration of the last run that built something: the next estimate's basis.
            done = load_state(paths, wave)
            done["seconds"] = result["seconds"]
            _save_json(state_path(paths, wave), done)
        return result
    except BaseException as err:
        record.status = "failed"
        record.error = str(err) if isinstance(err, PipelineError) else (
            f"{type(err).__name__}: {err}")
        if not isinstance(err, PipelineError | KeyboardInterrupt):
            progress.info("unexpected error:\n" + traceback.format_exc())
        state.update({"status": "failed", "error": record.error, "last_run": record.run_id,
                      "finished": dt.datetime.now().isoformat(timespec="seconds")})
        _save_json(state_path(paths, wave), state)
        raise
    finally:
        record.seconds = round(time.perf_counter() - started, 3)
        _save_json(run_dir / f"{record.run_id}.json", record.__dict__)
        progress.close()


@dataclass
class Unit:
    """A notebook of this run: a section or a company report, with its key and outputs."""

    step: str
    key: str
    job: Any
    outputs: tuple[str, ...]


def company_ids(paths: Paths, wave: str) -> list[str]:
    """The companies that answered the company survey (one confidential report each)."""
    import pyarrow.parquet as pq

    table = pq.read_table(paths.processed_wave(wave) / "company_survey.parquet",
                          columns=["company_id"])
    return sorted(str(v) for v in table.column("company_id").to_pylist() if v is not None)


def company_key(source: Path, manifest: dict[str, Any], company_id: str,
                parameters: dict[str, Any]) -> str:
    return hash_value({
        "source": sha256_file(source),
        "code": code_version()["source_sha256"],
        "tables": {t: manifest["tables"][t]["sha256"]
                   for t in ("companies", "company_survey", "worker_survey")},
        "company": company_id,
        "parameters": {k: v for k, v in parameters.items() if k != "processed_dir"},
    })


def _plan(wave: str, lang: str, paths: Paths, manifest: dict[str, Any],
          sections: list[Section], executed_dir: Path, text: Any) -> list[Unit]:
    """Every notebook of the run, with the key of its inputs and the files it publishes."""
    from pipeline.run.execute import NotebookJob

    previous_label = manifest["meta"].get("previous_wave")
    previous = read_manifest(paths, previous_label) if previous_label else None
    # Notebooks comparing with earlier waves get the whole chain of processed earlier waves.
    chain: dict[str, dict[str, Any]] = {}
    if any(s.previous_wave for s in sections):
        for label in previous_chain(paths, wave, manifest):
            earlier = read_manifest(paths, label)
            if earlier is not None:
                chain[label] = earlier
    synthetic = bool(manifest["synthetic"])
    # The reference data (municipalities, boundaries) feed the maps and areas: a new
    # version of them must refresh the reports too. Notebooks do not declare this name, so
    # it only enters the keys.
    reference = {p.name: sha256_file(p) for p in (paths.municipalities_csv,
                                                   paths.municipalities_geojson) if p.exists()}
    base = {"wave": wave, "lang": lang, "min_cell": min_cell(), "reference_data": reference}
    # A wave analysed despite data-quality warnings says so on the cover of every report.
    summary_path = quality_dir(paths, wave) / "site_summary.json"
    quality = (json.loads(summary_path.read_text(encoding="utf-8")).get(lang, {})
               if summary_path.exists() else {})
    cover: dict[str, Any] = {}
    if quality.get("warnings"):
        cover["subtitle"] = text("quality.cover_warnings", lang, n=len(quality["warnings"]))
        base["quality_warnings"] = quality["warnings"]
    units = []
    for section in sections:
        parameters = {**base, "previous_wave": previous_label if previous else None,
                      "processed_dir": str(paths.processed_wave(wave)),
                      "previous_processed_dir": str(paths.processed_wave(previous_label))
                      if previous else None}
        if section.previous_wave:
            parameters["previous_waves"] = list(chain)
            parameters["previous_processed_dirs"] = [str(paths.processed_wave(label))
                                                     for label in chain]
        job = NotebookJob(
            source=section.source, executed=executed_dir / f"{section.name}.ipynb",
            parameters=parameters, name=f"section {section.name}",
            render={"html_path": f"{section.name}.html", "pdf_path": f"{section.name}.pdf",
                    "title": text(f"{section.text_key}.title", lang), "wave": wave,
                    "lang": lang, "synthetic": synthetic, **cover})
        units.append(Unit(f"section {section.name}",
                          section_key(section, manifest, previous, parameters, chain), job,
                          (f"{section.name}.html", f"{section.name}.pdf")))
    summary_nb = paths.notebooks / "summary" / "sintesi.py"
    if summary_nb.exists():
        # The summary reads the sections' published tables: it depends on all of them and on
        # its text templates.
        templates = sorted((PACKAGE_TEMPLATES).glob("sintesi/sintesi.*.md.j2"))
        key = hash_value({"source": sha256_file(summary_nb), "code": code_version()[
            "source_sha256"], "templates": [sha256_file(p) for p in templates],
            "sections": [u.key for u in units], "parameters": base})
        job = NotebookJob(
            source=summary_nb, executed=executed_dir / "sintesi.ipynb",
            parameters={**base}, name="summary sintesi",
            render={"html_path": "sintesi.html", "pdf_path": "sintesi.pdf",
                    "title": text("summary.title", lang), "wave": wave, "lang": lang,
                    "synthetic": synthetic, **cover})
        summary_unit = Unit("summary sintesi", key, job, ("sintesi.html", "sintesi.pdf"))
    else:
        summary_unit = None
    company_nb = paths.notebooks / "company" / "company_report.py"
    if company_nb.exists():
        parameters = {**base, "processed_dir": str(paths.processed_wave(wave))}
        title = text("company.title", lang)
        for cid in company_ids(paths, wave):
            out = f"confidential/{cid}"
            job = NotebookJob(
                source=company_nb, executed=executed_dir / "confidential" / f"{cid}.ipynb",
                parameters={**parameters, "company_id": cid}, name=f"company {cid}",
                render={"html_path": f"{out}.html", "pdf_path": f"{out}.pdf",
                        "title": f"{title} — {cid}", "wave": wave, "lang": lang,
                        "synthetic": synthetic})
            units.append(Unit(f"company {cid}",
                              company_key(company_nb, manifest, cid, parameters), job,
                              (f"{out}.html", f"{out}.pdf")))
    if summary_unit is not None:
        units.append(summary_unit)
    return units


def _run(wave: str, lang: str, jobs: int, force: bool, paths: Paths, record: RunRecord,
         state: dict[str, Any], sections: list[Section], progress: Progress,
         run_dir: Path) -> dict[str, Any]:
    from pipeline.i18n.text import text

    # 1. ingest and gate
    t0 = time.perf_counter()
    key = ingest_key(paths, wave)
    record.inputs = {"raw": raw_inputs(paths, wave), "code": code_version()}
    manifest = read_manifest(paths, wave)
    cached = (not force and manifest is not None and state.get("ingest_key") == key)
    if not cached:
        manifest = ingest_step(wave, paths)
        state = {**state, "ingest_key": key, "langs": state.get("langs", {}) if not force else {}}
    record.add("ingest", cached=cached, seconds=time.perf_counter() - t0, key=key)
    progress.step(f"ingest {wave}", cached=cached)
    assert manifest is not None

    # 2. sections and company reports: reuse what did not change
    lang_state = state.get("langs", {}).get(lang, {}) if not force else {}
    done_keys: dict[str, str] = dict(lang_state.get("units", {}))
    published = paths.report_wave(wave)
    site_root = _site_root(published, lang)
    executed_dir = run_dir / lang
    units = _plan(wave, lang, paths, manifest, sections, executed_dir, text)
    progress.total = len(units) + 2
    todo = []
    for unit in units:
        reusable = (done_keys.get(unit.step) == unit.key and unit.job.executed.exists()
                    and all((site_root / o).exists() for o in unit.outputs))
        if reusable:
            record.add(unit.step, cached=True, seconds=0.0, key=unit.key)
            progress.step(unit.step, cached=True)
        else:
            todo.append(unit)
    keys = {u.step: u.key for u in units}
    index_key = hash_value({"units": keys, "manifest": manifest["tables"],
                            "code": code_version()["source_sha256"]})
    if not todo and lang_state.get("index_key") == index_key and (site_root / "index.html").exists():
        record.add("publish", cached=True, seconds=0.0, key=index_key)
        progress.step("site", cached=True)
        _finish_state(paths, wave, state, lang, keys, index_key, record)
        return {"index": site_root / "index.html", "record": run_dir / f"{record.run_id}.json",
                "steps": record.steps, "changed": False}

    with staged_folder(published) as stage:
        if published.exists():
            shutil.copytree(published, stage, dirs_exist_ok=True)
        stage_root = _site_root(stage, lang)
        stage_root.mkdir(parents=True, exist_ok=True)
        _drop_stale_confidential(stage_root, units)
        if todo:
            _build(todo, stage_root, paths, jobs, record, progress)
        # 3. the site's index
        t0 = time.perf_counter()
        from pipeline.render.site import write_site

        rendered = [{"name": s.name, "title": text(f"{s.text_key}.title", lang),
                     "html": f"{s.name}.html", "pdf": f"{s.name}.pdf",
                     "executed": executed_dir / f"{s.name}.ipynb"} for s in sections]
        if any(u.step == "summary sintesi" for u in units):
            rendered.append({"name": "sintesi", "title": text("summary.title", lang),
                             "html": "sintesi.html", "pdf": "sintesi.pdf",
                             "executed": executed_dir / "sintesi.ipynb"})
        run_info = {"run_id": record.run_id, "started": record.started,
                    "parameters": {"wave": wave, "lang": lang, "min_cell": min_cell(),
                                   "jobs": jobs, "force": force},
                    "code_version": code_version(), "inputs": record.inputs["raw"]}
        write_site(stage_root, read_processed(paths.processed_wave(wave)), rendered,
                   lang=lang, run_info=run_info,
                   quality=_publish_quality(paths, wave, lang, stage_root))
        record.add("publish", cached=False, seconds=time.perf_counter() - t0, key=index_key)
        progress.step("site index")
    _finish_state(paths, wave, state, lang, keys, index_key, record)
    return {"index": site_root / "index.html", "record": run_dir / f"{record.run_id}.json",
            "steps": record.steps, "changed": True}


def _drop_stale_confidential(stage_root: Path, units: list[Unit]) -> None:
    """Remove reports of companies that are no longer in the company survey."""
    keep = {o for u in units for o in u.outputs}
    folder = stage_root / "confidential"
    if folder.is_dir():
        for path in folder.iterdir():
            if f"confidential/{path.name}" not in keep:
                path.unlink()


def _build(todo: list[Unit], stage_root: Path, paths: Paths, jobs: int, record: RunRecord,
           progress: Progress) -> None:
    from dataclasses import replace

    from pipeline.run.execute import run_jobs

    batch = []
    for unit in todo:
        render = dict(unit.job.render)
        render["html_path"] = stage_root / render["html_path"]
        render["pdf_path"] = stage_root / render["pdf_path"]
        render["html_path"].parent.mkdir(parents=True, exist_ok=True)
        parameters = dict(unit.job.parameters)
        if unit.step.startswith(("section", "summary")):
            parameters["tables_dir"] = str(stage_root / "tables")
        batch.append(replace(unit.job, render=render, parameters=parameters))
    keys = {u.step: u.key for u in todo}
    # The summary is written from the sections' tables: it runs once they are all done.
    later = [job for job in batch if job.name.startswith("summary")]
    batch = [job for job in batch if not job.name.startswith("summary")]

    def done(result) -> None:
        record.add(result.name, cached=False,
                   seconds=result.execute_seconds + result.render_seconds,
                   key=keys[result.name], execute_seconds=round(result.execute_seconds, 3),
                   render_seconds=round(result.render_seconds, 3))
        progress.step(result.name)

    run_jobs(batch, workers=jobs, cwd=paths.root, on_done=done)
    if later:
        run_jobs(later, workers=1, cwd=paths.root, on_done=done)


def _finish_state(paths: Paths, wave: str, state: dict[str, Any], lang: str,
                  keys: dict[str, str], index_key: str, record: RunRecord) -> None:
    langs = dict(state.get("langs", {}))
    langs[lang] = {"units": keys, "index_key": index_key}
    state.update({"status": "reported", "error": None, "langs": langs,
                  "last_run": record.run_id,
                  "finished": dt.datetime.now().isoformat(timespec="seconds")})
    _save_json(state_path(paths, wave), state)


# --- several waves ----------------------------------------------------------------------------

def wave_status(paths: Paths, wave: str, lang: str = "it") -> tuple[str, str]:
    """``(status, reason)`` of a wave: ``reported``, ``stale``, ``failed`` or ``new``."""
    state = load_state(paths, wave)
    if not state:
        return "new", "never run"
    if state.get("status") == "failed":
        return "failed", state.get("error") or "unknown error"
    if state.get("ingest_key") != ingest_key(paths, wave):
        return "stale", "raw files or pipeline code changed since the last run"
    manifest = read_manifest(paths, wave)
    if manifest is None:
        return "stale", "processed data missing"
    lang_state = state.get("langs", {}).get(lang)
    if lang_state is None:
        return "new", f"no {lang} report yet"
    from pipeline.i18n.text import text

    try:
        units = _plan(wave, lang, paths, manifest, discover_sections(paths),
                      paths.runs() / wave / lang, text)
    except PipelineError as err:  # e.g. a cycle of previous waves: the next run fails too
        return "failed", str(err)
    for unit in units:
        if lang_state.get("units", {}).get(unit.step) != unit.key:
            return "stale", f"{unit.step} changed (notebook, code or its input tables)"
    if not (_site_root(paths.report_wave(wave), lang) / "index.html").exists():
        return "stale", "published report missing"
    return "reported", f"last run {state.get('finished', '?')}"


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
