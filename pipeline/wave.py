"""A processed wave: its typed tables, where they came from, and the order of the waves.

Every stage after ingestion meets a wave through this module: :class:`WaveData` (the typed
tables and their provenance), :func:`write_processed` / :func:`read_processed` (one Parquet
file per table plus ``manifest.json`` in ``data/processed/<wave>/``), :func:`list_waves`
(the waves of ``data/raw`` in wave order, a wave after its ``previous_wave``) and
:func:`wave_title` (the wave's name for its readers, from ``wave.yaml``).

The manifest alone answers what a rerun asks before it decides there is nothing to redo
(the tables' hashes, the wave's metadata, its surveyed companies: :func:`surveyed_companies`),
so this module imports pandas and pyarrow only when tables are read or written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from pipeline.atomic import staged_folder
from pipeline.config import WAVE_PATTERN, Paths, is_demo_wave
from pipeline.fingerprint import code_version, sha256_file
from pipeline.i18n.formatting import MONTHS, normalize_lang
from pipeline.i18n.text import text

if TYPE_CHECKING:
    import pandas as pd

#: The tables whose rows are companies: the mapping (with their names) and the company survey.
COMPANIES, COMPANY_SURVEY = "companies", "company_survey"
#: The manifest's field of the surveyed companies (:func:`surveyed_companies`).
SURVEYED = "surveyed_companies"


@dataclass
class WaveData:
    """The typed tables of one wave and what is known of where they came from."""

    wave: str
    tables: dict[str, pd.DataFrame]
    meta: dict[str, Any]
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic")) or is_demo_wave(self.wave)


def write_processed(data: WaveData, dest: Path) -> dict[str, Any]:
    """Write the wave's Parquet tables and ``manifest.json`` into ``dest``, all or nothing.

    The folder is built beside ``dest`` and swapped in by rename, so an interrupted run
    leaves the previous processed wave untouched. Identical inputs give identical files.
    The wave is microdata: its folder and files are owner-only (0700, 0600) wherever
    ``dest`` is, unless ``WELFARE_PRIVATE_MODE=0`` (:mod:`pipeline.config`).
    """
    manifest: dict[str, Any] = {
        "wave": data.wave,
        "synthetic": data.synthetic,
        "meta": data.meta,
        "code_version": code_version(),
        "inputs": data.inputs,
        "tables": {},
    }
    with staged_folder(dest, private=True) as stage:
        for name, df in data.tables.items():
            path = stage / f"{name}.parquet"
            df.to_parquet(path, index=False, engine="pyarrow", compression="zstd")
            manifest["tables"][name] = {
                "file": path.name,
                "rows": len(df),
                "columns": len(df.columns),
                "sha256": sha256_file(path),
            }
        if "company_id" in getattr(data.tables.get(COMPANY_SURVEY), "columns", ()):
            ids = read_company_ids(stage)
            names = read_company_names(stage)
            manifest[SURVEYED] = [[cid, names.get(cid)] for cid in ids]
        (stage / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
    return manifest


class _Tables(MutableMapping):
    """The tables of a processed wave, each read from its Parquet file when first asked
    for: a section that needs only the mapping of 100,000 companies never holds the
    1,000,000 worker answers."""

    def __init__(self, dest: Path, files: dict[str, str]) -> None:
        self._dest, self._files, self._read = dest, files, {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._read:
            import pandas as pd

            self._read[name] = pd.read_parquet(self._dest / self._files[name])
        return self._read[name]

    def __setitem__(self, name: str, table: pd.DataFrame) -> None:
        self._files.setdefault(name, "")
        self._read[name] = table

    def __delitem__(self, name: str) -> None:
        del self._files[name]
        self._read.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


def read_processed(dest: Path) -> WaveData:
    """Load a processed wave written by :func:`write_processed` (each table is read from
    its file when first used)."""
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    files = {name: info["file"] for name, info in manifest["tables"].items()}
    return WaveData(wave=manifest["wave"], tables=_Tables(dest, files),  # type: ignore[arg-type]
                    meta=manifest["meta"], inputs=manifest["inputs"])


# --- its companies ----------------------------------------------------------------------------

def read_company_ids(folder: Path) -> list[str]:
    """The ids of the companies of ``company_survey.parquet`` in the processed wave
    ``folder``, as strings, sorted (missing ids skipped)."""
    import pyarrow.parquet as pq

    table = pq.read_table(folder / f"{COMPANY_SURVEY}.parquet", columns=["company_id"])
    return sorted(str(v) for v in table.column("company_id").to_pylist() if v is not None)


def read_company_names(folder: Path) -> dict[str, str]:
    """Each mapped company's name (``companies.name``, blanks collapsed) in the processed
    wave ``folder``; empty when the wave has no mapping or no names."""
    file = folder / f"{COMPANIES}.parquet"
    if not file.exists():
        return {}
    import pyarrow.parquet as pq

    if "name" not in pq.read_schema(file).names:
        return {}
    table = pq.read_table(file, columns=["company_id", "name"]).to_pydict()
    return {str(c): " ".join(str(n).split())
            for c, n in zip(table["company_id"], table["name"], strict=True)
            if c is not None and n is not None and str(n).strip()}


def surveyed_companies(manifest: Mapping[str, Any] | None,
                       ) -> list[tuple[str, str | None]] | None:
    """``(company_id, name or None)`` of each surveyed company, sorted by id, as the
    manifest lists them (:func:`read_company_ids`, :func:`read_company_names` when it was
    written); ``None`` for a manifest written before it did: read the Parquet files then.
    """
    listed = None if manifest is None else manifest.get(SURVEYED)
    if not isinstance(listed, list):
        return None
    return [(str(cid), None if name is None else str(name)) for cid, name in listed]


# --- the wave's name ---------------------------------------------------------------------------

def _date(value: Any) -> dt.date | None:
    """An ISO date of ``wave.yaml`` (a string or a date), or ``None`` if it is not one."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def wave_title(meta: Mapping[str, Any], lang: str = "it") -> str:
    """The wave's name for its readers: its ``title``, else its fieldwork months, else its label.

    Parameters
    ----------
    meta
        The wave's ``wave.yaml`` (:attr:`WaveData.meta`). ``title`` (optional, an extension
        of the data contract) is a string, or a mapping ``{it: ..., en: ...}`` (the
        language asked for, else Italian, else the first). Without it the title is derived
        from ``fieldwork_start`` / ``fieldwork_end`` (ISO dates): "Rilevazione
        ottobre–novembre 2014", "October–November 2014 survey"; with neither, from
        ``label``.
    lang
        The language of a derived title and of the title chosen from a mapping.

    Returns
    -------
    str
        The title, stripped (never empty: the label, or ``"?"`` without one).
    """
    lang = normalize_lang(lang)
    title = meta.get("title")
    if isinstance(title, Mapping):
        title = title.get(lang) or title.get("it") or next(iter(title.values()), None)
    if isinstance(title, str) and title.strip():
        return " ".join(title.split())
    start, end = _date(meta.get("fieldwork_start")), _date(meta.get("fieldwork_end"))
    start, end = start or end, end or start
    if start is None or end is None:
        return text("wave.title_label", lang, label=str(meta.get("label") or "?"))
    months = MONTHS[lang]
    if (start.year, start.month) == (end.year, end.month):
        period = f"{months[start.month - 1]} {start.year}"
    elif start.year == end.year:
        period = f"{months[start.month - 1]}–{months[end.month - 1]} {end.year}"
    else:
        period = f"{months[start.month - 1]} {start.year} – {months[end.month - 1]} {end.year}"
    return text("wave.title_period", lang, period=period)


def read_manifest(paths: Paths, wave: str) -> dict[str, Any] | None:
    path = paths.processed_wave(wave) / "manifest.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


# --- the order of the waves -----------------------------------------------------------------

def _natural_key(label: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label)]


def list_waves(paths: Paths) -> list[str]:
    """Waves under ``data/raw`` in wave order: a wave after its ``previous_wave``.

    Waves without ``wave.yaml`` links are ordered by label, numbers compared as numbers.
    """
    if not paths.raw.is_dir():
        return []
    labels = sorted((p.name for p in paths.raw.iterdir()
                     if p.is_dir() and not p.name.startswith(".")), key=_natural_key)
    previous: dict[str, str | None] = {}
    for label in labels:
        prev = None
        # a folder whose name is not a wave label is still listed: its run says why it fails
        meta_path = paths.wave_meta(label) if WAVE_PATTERN.match(label) else None
        if meta_path is not None and meta_path.exists():
            try:
                prev = (yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}).get(
                    "previous_wave")
            except yaml.YAMLError:
                prev = None
        previous[label] = str(prev) if prev in labels else None
    ordered: list[str] = []

    def visit(label: str, trail: tuple[str, ...] = ()) -> None:
        if label in ordered or label in trail:
            return
        prev = previous.get(label)
        if prev:
            visit(prev, (*trail, label))
        ordered.append(label)

    for label in labels:
        visit(label)
    return ordered
