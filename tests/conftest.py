"""Shared fixtures. Helpers that write small waves live in ``waves.py``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project root, with the real reference data folder."""
    from pipeline.config import get_paths

    reference = get_paths().reference_dir
    for sub in ("data/raw", "data/processed", "reports"):
        (tmp_path / sub).mkdir(parents=True)
    monkeypatch.setenv("WELFARE_ROOT", str(tmp_path))
    monkeypatch.setenv("WELFARE_REFERENCE_DIR", str(reference))
    return tmp_path


@pytest.fixture(scope="session")
def demo_waves(tmp_path_factory):
    """The two default demo waves, written in their raw formats and ingested once per run.

    Modules take their own copies (``waves.demo_copy``), so no test sees another's changes.
    """
    from pipeline.demo import write_demo_wave
    from pipeline.ingest.load import ingest_wave

    root = tmp_path_factory.mktemp("demo-raw")
    waves = {}
    for wave in ("demo-2013", "demo-2014"):
        write_demo_wave(wave, root / wave)
        waves[wave] = ingest_wave(wave, root / wave).tables
    return waves

