"""What runs leave behind, and what ``welfare status`` reads from it.

Every run leaves a JSON record and a log in ``data/work/runs/<wave>/``; the state of the
last run of each wave (status, the keys of what was built, the files of the public site it
published, the duration of the last run that built something) is
``data/work/state/<wave>.json``. The company reports, in ``confidential/<wave>/``, are
found through the plan's units.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.atomic import write_text_atomic
from pipeline.config import CONFIDENTIAL_DIR, LANGUAGES, Paths, check_wave_label
from pipeline.errors import PipelineError
from pipeline.i18n.text import text
from pipeline.run.plan import discover_sections, ingest_key, plan_units, site_root
from pipeline.wave import read_manifest


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def save_json(path: Path, value: Any) -> None:
    write_text_atomic(path, json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def run_dir(paths: Paths, wave: str) -> Path:
    """The records, logs and executed notebooks of the wave's runs."""
    return paths.runs() / check_wave_label(wave)


def state_path(paths: Paths, wave: str) -> Path:
    return paths.state_file(wave)


def load_state(paths: Paths, wave: str) -> dict[str, Any]:
    path = state_path(paths, wave)
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}


@dataclass
class RunRecord:
    """What a run did: steps with durations and cache hits, the inputs' hashes."""

    wave: str
    lang: str
    run_id: str = field(default_factory=lambda: dt.datetime.now().strftime("%Y%m%dT%H%M%S")
                        + "-" + uuid.uuid4().hex[:6])
    started: str = field(default_factory=_now)
    steps: list[dict[str, Any]] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    status: str = "running"
    error: str | None = None
    seconds: float = 0.0

    def add(self, step: str, *, cached: bool, seconds: float, key: str | None = None,
            **extra: Any) -> None:
        self.steps.append({"step": step, "cached": cached, "seconds": round(seconds, 3),
                           "key": key, **extra})

    def path(self, paths: Paths) -> Path:
        return run_dir(paths, self.wave) / f"{self.run_id}.json"

    def save(self, paths: Paths) -> None:
        save_json(self.path(paths), asdict(self))


def site_files(root: Path, lang: str) -> list[str]:
    """Every file of the site of ``lang`` under ``root`` (its :func:`site_root`), as sorted
    relative POSIX paths; the other languages' subfolders of the Italian site left out."""
    if not root.is_dir():
        return []
    others = {f"{other}/" for other in LANGUAGES if other != lang} if lang == "it" else set()
    found = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return sorted(f for f in found if not any(f.startswith(o) for o in others))


def save_reported(paths: Paths, state: dict[str, Any], record: RunRecord,
                  keys: dict[str, str], index_key: str, *, files: list[str] | None = None,
                  tables: dict[str, list[str]] | None = None) -> None:
    """The run published (or found current) the report of ``record.lang``.

    ``files`` are the files of the published site (what ``welfare status`` checks) and
    ``tables`` the tables each section wrote; both kept from the last run when ``None``.
    """
    langs = dict(state.get("langs", {}))
    before = langs.get(record.lang, {})
    langs[record.lang] = {"units": keys, "index_key": index_key,
                          "files": before.get("files", []) if files is None else files,
                          "tables": before.get("tables", {}) if tables is None else tables}
    state.update({"status": "reported", "error": None, "langs": langs,
                  "last_run": record.run_id, "finished": _now()})
    save_json(state_path(paths, record.wave), state)


def save_failed(paths: Paths, state: dict[str, Any], record: RunRecord) -> None:
    """The run failed: the wave's status says so until a run succeeds."""
    state.update({"status": "failed", "error": record.error, "last_run": record.run_id,
                  "finished": _now()})
    save_json(state_path(paths, record.wave), state)


def save_duration(paths: Paths, wave: str, seconds: float) -> None:
    """The duration of the last run that built something: the next estimate's basis."""
    done = load_state(paths, wave)
    done["seconds"] = seconds
    save_json(state_path(paths, wave), done)


def missing_files(paths: Paths, wave: str, lang: str, lang_state: dict[str, Any],
                  units: list[Any]) -> list[str]:
    """The files of the published site of ``lang`` that should be there and are not.

    Expected: what the last run published (``files`` of its state), the index page and the
    outputs of every unit of the plan that run built (a unit it did not build yet, a new
    section, makes the wave stale, not broken); a company report in the wave's
    confidential folder. Paths relative to the project root, sorted.
    """
    root = site_root(paths.report_wave(wave), lang)
    private = paths.confidential_wave(wave)
    built = lang_state.get("units", {})
    expected = {root / rel for rel in ("index.html", *lang_state.get("files", ()))}
    expected |= {(private if unit.confidential else root) / out
                 for unit in units if built.get(unit.step) == unit.key
                 for out in unit.outputs}
    return sorted(path.relative_to(paths.root).as_posix() for path in expected
                  if not path.is_file())


def has_legacy_confidential(site: Path) -> bool:
    """Whether a wave's site still holds a ``confidential/`` folder of an older version."""
    return any(os.path.lexists(site_root(site, lang) / CONFIDENTIAL_DIR) for lang in LANGUAGES)


def wave_status(paths: Paths, wave: str, lang: str = "it") -> tuple[str, str]:
    """``(status, reason)`` of a wave: ``reported``, ``stale``, ``broken``, ``failed`` or
    ``new``.

    ``broken``: a file of the published site is missing (the first one is named); the
    next run rebuilds what is missing.
    """
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
    try:
        units = plan_units(wave, lang, paths, manifest, discover_sections(paths),
                           run_dir(paths, wave) / lang, text)
    except PipelineError as err:  # e.g. a cycle of previous waves: the next run fails too
        return "failed", str(err)
    missing = missing_files(paths, wave, lang, lang_state, units)
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        return "broken", (f"{missing[0]} is missing{more}; `welfare run {wave}"
                          f"{'' if lang == 'it' else ' --lang ' + lang}` rebuilds it")
    for unit in units:
        if lang_state.get("units", {}).get(unit.step) != unit.key:
            return "stale", f"{unit.step} changed (notebook, code or its input tables)"
    return "reported", f"last run {state.get('finished', '?')}"
