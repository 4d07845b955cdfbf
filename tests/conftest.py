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
