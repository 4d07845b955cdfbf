"""Planning a run: the notebooks of a wave, what each one publishes and its cache key.

A run is a small dependency graph. Each step has a key, the hash of its inputs:

* ingest: every raw file of the wave and the code of ``pipeline/`` (:func:`ingest_key`);
* a notebook (a section, the summary or a company report, rendered to HTML and PDF):
  :func:`notebook_key` of its source, the code, the run's parameters (language,
  ``min_cell``, the reference data, the data-quality warnings) and its other inputs. For
  a section these are the processed tables the notebook declares it reads (``welfare:
  tables:`` in its jupytext header) and, for notebooks that compare with earlier waves
  (``welfare: previous_wave: true``), the labels and processed tables of every processed
  wave of the ``previous_wave`` chain (:mod:`pipeline.run.chain`); for a company report
  the company tables of the wave and of its previous wave; for the summary the sections'
  keys and its text templates;
* the site index: the keys of all notebooks (:func:`index_key`).

A step whose key is unchanged since the last successful run is reused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import QUALITY_SUMMARY, TEMPLATES_DIR, Paths, min_cell
from pipeline.errors import InputError, PipelineError
from pipeline.fingerprint import code_version, folder_hashes, hash_value, sha256_file
from pipeline.names import safe_file_name
from pipeline.publish.companies import (
    company_folder,
    company_ids,
    company_names,
    project_key,
    report_name,
)
from pipeline.run.chain import chain_manifests
from pipeline.wave import read_manifest, wave_title

_SECTION = re.compile(r"^(\d\d)_([a-z0-9_]+)\.py$")

#: Parameters that are folders: their content enters the keys through the tables' hashes.
_PATH_PARAMETERS = ("processed_dir", "tables_dir", "previous_processed_dir",
                    "previous_processed_dirs")

#: The tables a company report reads.
COMPANY_TABLES = ("companies", "company_survey", "worker_survey")


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


# --- units of work ----------------------------------------------------------------------------

@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute (and optionally render).

    Attributes
    ----------
    source
        The notebook: a jupytext ``.py`` file or an ``.ipynb``.
    executed
        Where the executed notebook (with outputs) is written.
    parameters
        Values for the names of the ``parameters`` cell (others are ignored).
    render
        Keyword arguments of :func:`pipeline.render.render_notebook` (``html_path``,
        ``pdf_path`` and the cover), or ``None`` to only execute.
    name
        A label for progress messages.
    """

    source: Path
    executed: Path
    parameters: dict[str, Any]
    render: dict[str, Any] | None = None
    name: str = ""


@dataclass
class Unit:
    """A notebook of this run: a section or a company report, with its key and outputs.

    ``outputs`` are relative to the language's public site (:func:`site_root`), or, for a
    ``confidential`` unit (a company report), to the wave's confidential folder
    (:meth:`pipeline.config.Paths.confidential_wave`), never inside the public site.
    """

    step: str
    key: str
    job: NotebookJob
    outputs: tuple[str, ...]
    confidential: bool = False


# --- keys ---------------------------------------------------------------------------------------

def raw_inputs(paths: Paths, wave: str) -> dict[str, str]:
    """Hashes of every file of the raw wave folder."""
    raw = paths.raw_wave(wave)
    if not raw.is_dir():
        raise InputError(raw, "no such wave folder (put the wave's files in data/raw/<wave>/)")
    return folder_hashes(raw)


def ingest_key(paths: Paths, wave: str) -> str:
    return hash_value({"raw": raw_inputs(paths, wave), "code": code_version()["source_sha256"]})


def notebook_key(source: Path, parameters: dict[str, Any], **inputs: Any) -> str:
    """The cache key of a notebook: every notebook's key is built here.

    The notebook's source, the code of ``pipeline/``, its ``parameters`` except the folders
    (where the tables lie does not matter, their content does) and its other ``inputs``
    (hashes of the tables it reads, keys of the notebooks it reads from, ...).
    """
    return hash_value({
        "source": sha256_file(source),
        "code": code_version()["source_sha256"],
        "parameters": {k: v for k, v in parameters.items() if k not in _PATH_PARAMETERS},
        **inputs,
    })


def _table_hashes(manifest: dict[str, Any], tables: tuple[str, ...] | None = None,
                  ) -> dict[str, str]:
    """``{table: sha256}`` of ``manifest`` (every table when ``tables`` is None)."""
    return {t: info["sha256"] for t, info in manifest["tables"].items()
            if tables is None or t in tables}


def section_key(section: Section, manifest: dict[str, Any], previous: dict[str, Any] | None,
                parameters: dict[str, Any],
                chain: dict[str, dict[str, Any]] | None = None) -> str:
    """The :func:`notebook_key` of a section.

    ``previous`` is the manifest of the immediate previous wave and ``chain`` the manifests
    of every processed wave of the ``previous_wave`` chain, oldest first: for sections with
    ``previous_wave: true`` their labels and tables' hashes enter the key, so a change in
    any earlier wave reruns the section.
    """
    compares = section.previous_wave
    return notebook_key(
        section.source, parameters,
        tables=_table_hashes(manifest, section.tables or None),
        previous=_table_hashes(previous) if compares and previous is not None else None,
        chain=[[label, _table_hashes(m)] for label, m in chain.items()]
        if compares and chain else None)


def index_key(units: list[Unit], manifest: dict[str, Any]) -> str:
    """The key of the site's index page: every notebook's key and the processed tables."""
    return hash_value({"units": {u.step: u.key for u in units}, "manifest": manifest["tables"],
                       "code": code_version()["source_sha256"]})


# --- where things are -------------------------------------------------------------------------

def site_root(site: Path, lang: str) -> Path:
    """Italian reports at the wave's root, other languages in a subfolder."""
    return site if lang == "it" else site / lang


def quality_dir(paths: Paths, wave: str) -> Path:
    """Where the data-quality report of the wave's last processed version is kept."""
    return paths.quality_wave(wave)


def quality_summary(paths: Paths, wave: str, lang: str) -> dict[str, Any] | None:
    """The index page's summary of the wave's data-quality report, None when there is none."""
    path = quality_dir(paths, wave) / QUALITY_SUMMARY
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get(lang)


# --- the plan ---------------------------------------------------------------------------------

@dataclass
class _Context:
    """What every notebook of a run shares: the wave, its neighbours, the base parameters."""

    wave: str
    lang: str
    paths: Paths
    manifest: dict[str, Any]
    executed_dir: Path
    text: Any
    base: dict[str, Any] = field(default_factory=dict)
    cover: dict[str, Any] = field(default_factory=dict)
    previous_label: str | None = None
    previous: dict[str, Any] | None = None
    chain: dict[str, dict[str, Any]] = field(default_factory=dict)

    def render(self, name: str, title: str, *, cover: bool = True) -> dict[str, Any]:
        """The render arguments of a notebook published as ``<name>.html`` and ``.pdf``."""
        # the cover and the running header name the wave by its title, as its readers do
        wave_name = wave_title({"label": self.wave, **(self.manifest.get("meta") or {})},
                               self.lang)
        return {"html_path": f"{name}.html", "pdf_path": f"{name}.pdf", "title": title,
                "wave": wave_name, "lang": self.lang,
                "synthetic": bool(self.manifest["synthetic"]), **(self.cover if cover else {})}


def _context(wave: str, lang: str, paths: Paths, manifest: dict[str, Any],
             sections: list[Section], executed_dir: Path, text: Any) -> _Context:
    ctx = _Context(wave, lang, paths, manifest, executed_dir, text)
    ctx.previous_label = manifest["meta"].get("previous_wave")
    ctx.previous = read_manifest(paths, ctx.previous_label) if ctx.previous_label else None
    # Notebooks comparing with earlier waves get the whole chain of processed earlier waves.
    if any(s.previous_wave for s in sections):
        ctx.chain = chain_manifests(paths, wave, manifest)
    # The reference data (municipalities, boundaries) feed the maps and areas: a new
    # version of them must refresh the reports too. Notebooks do not declare this name, so
    # it only enters the keys.
    reference = {p.name: sha256_file(p) for p in (paths.municipalities_csv,
                                                   paths.municipalities_geojson) if p.exists()}
    ctx.base = {"wave": wave, "lang": lang, "min_cell": min_cell(), "reference_data": reference}
    # A wave analysed despite data-quality warnings says so on the cover of every report.
    quality = quality_summary(paths, wave, lang) or {}
    if quality.get("warnings"):
        ctx.cover["subtitle"] = text("quality.cover_warnings", lang, n=len(quality["warnings"]))
        ctx.base["quality_warnings"] = quality["warnings"]
    return ctx


def _section_unit(ctx: _Context, section: Section) -> Unit:
    paths, wave, previous = ctx.paths, ctx.wave, ctx.previous
    parameters = {**ctx.base, "previous_wave": ctx.previous_label if previous else None,
                  "processed_dir": str(paths.processed_wave(wave)),
                  "previous_processed_dir": str(paths.processed_wave(ctx.previous_label))
                  if previous else None}
    if section.previous_wave:
        parameters["previous_waves"] = list(ctx.chain)
        parameters["previous_processed_dirs"] = [str(paths.processed_wave(label))
                                                 for label in ctx.chain]
    job = NotebookJob(source=section.source,
                      executed=ctx.executed_dir / f"{section.name}.ipynb",
                      parameters=parameters, name=f"section {section.name}",
                      render=ctx.render(section.name,
                                        ctx.text(f"{section.text_key}.title", ctx.lang)))
    return Unit(job.name, section_key(section, ctx.manifest, previous, parameters, ctx.chain),
                job, (f"{section.name}.html", f"{section.name}.pdf"))


def _summary_unit(ctx: _Context, source: Path, sections: list[Unit]) -> Unit:
    """The summary reads the sections' published tables: it depends on all of them and on
    its text templates."""
    templates = sorted(TEMPLATES_DIR.glob("sintesi/sintesi.*.md.j2"))
    job = NotebookJob(source=source, executed=ctx.executed_dir / "sintesi.ipynb",
                      parameters={**ctx.base}, name="summary sintesi",
                      render=ctx.render("sintesi", ctx.text("summary.title", ctx.lang)))
    key = notebook_key(source, job.parameters,
                       templates=[sha256_file(p) for p in templates],
                       sections=[u.key for u in sections])
    return Unit(job.name, key, job, ("sintesi.html", "sintesi.pdf"))


def _company_units(ctx: _Context, source: Path) -> list[Unit]:
    """One confidential report per surveyed company, titled with the company's name: in
    ``confidential/<wave>/<folder>/`` (:func:`pipeline.publish.companies.company_folder`,
    a keyed hash: never the id itself), ``report.html`` and ``.pdf`` in Italian,
    ``report-en.*`` in English. Each compares the company with itself at the previous wave.
    """
    title = ctx.text("company.title", ctx.lang)
    tables = _table_hashes(ctx.manifest, COMPANY_TABLES)
    names = company_names(ctx.paths, ctx.wave)
    before = ctx.previous is not None
    previous = {"previous_wave": ctx.previous_label if before else None,
                "previous_processed_dir": str(ctx.paths.processed_wave(ctx.previous_label))
                if before else None}
    previous_tables = _table_hashes(ctx.previous, COMPANY_TABLES) if before else None
    ids = company_ids(ctx.paths, ctx.wave)
    secret = project_key(ctx.paths) if ids else b""
    units = []
    for cid in ids:
        # The id is data: the step's name (shown in the progress, kept in the state) and the
        # executed notebook (in data/work) use its safe name, the report a keyed hash.
        name = safe_file_name(cid)
        out = f"{company_folder(secret, ctx.wave, cid)}/{report_name(ctx.lang)}"
        parameters = {**ctx.base, "processed_dir": str(ctx.paths.processed_wave(ctx.wave)),
                      "company_id": cid, **previous}
        job = NotebookJob(source=source,
                          executed=ctx.executed_dir / "confidential" / f"{name}.ipynb",
                          parameters=parameters, name=f"company {name}",
                          render=ctx.render(out, f"{title} — {names.get(cid, cid)}",
                                            cover=False))
        key = notebook_key(source, parameters, tables=tables, previous=previous_tables)
        units.append(Unit(job.name, key, job, (f"{out}.html", f"{out}.pdf"),
                          confidential=True))
    if len({u.outputs[0] for u in units}) < len(units):  # 80-bit names: never seen
        raise PipelineError(f"two companies of {ctx.wave} got the same report folder: delete "
                            f"{ctx.paths.confidential_key} and run again")
    return units


def plan_units(wave: str, lang: str, paths: Paths, manifest: dict[str, Any],
               sections: list[Section], executed_dir: Path, text: Any) -> list[Unit]:
    """Every notebook of the run, with the key of its inputs and the files it publishes.

    Sections first, then one confidential report per surveyed company (outside the public
    site: :class:`Unit`), the summary last
    (it is written from the sections' tables). ``text`` is :func:`pipeline.i18n.text.text`.
    """
    ctx = _context(wave, lang, paths, manifest, sections, executed_dir, text)
    units = [_section_unit(ctx, section) for section in sections]
    summary_nb = paths.summary_notebook()
    summary = _summary_unit(ctx, summary_nb, units) if summary_nb.exists() else None
    company_nb = paths.company_notebook()
    if company_nb.exists():
        units += _company_units(ctx, company_nb)
    if summary is not None:
        units.append(summary)
    return units
