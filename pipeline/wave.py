"""A processed wave: its typed tables, where they came from, and the order of the waves.

Every stage after ingestion meets a wave through this module: :class:`WaveData` (the typed
tables and their provenance), :func:`write_processed` / :func:`read_processed` (one Parquet
file per table plus ``manifest.json`` in ``data/processed/<wave>/``) and :func:`list_waves`
(the waves of ``data/raw`` in wave order, a wave after its ``previous_wave``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.atomic import staged_folder
from pipeline.config import WAVE_PATTERN, Paths, is_demo_wave
from pipeline.fingerprint import code_version, sha256_file


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
        (stage / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
    return manifest


def read_processed(dest: Path) -> WaveData:
    """Load a processed wave written by :func:`write_processed`."""
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    tables = {name: pd.read_parquet(dest / info["file"])
              for name, info in manifest["tables"].items()}
    return WaveData(wave=manifest["wave"], tables=tables, meta=manifest["meta"],
                    inputs=manifest["inputs"])


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
