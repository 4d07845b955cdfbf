"""Publishing copies the public site only."""

from __future__ import annotations

import zipfile

import pytest

from pipeline.cli import main
from pipeline.config import get_paths
from pipeline.errors import PipelineError
from pipeline.publish import publish_site


@pytest.fixture
def site(project):
    site = get_paths().report_wave("w1")
    (site / "tables").mkdir(parents=True)
    (site / "confidential").mkdir()
    (site / "index.html").write_text("<html></html>")
    (site / "01_context.pdf").write_bytes(b"%PDF-1.7")
    (site / "tables" / "needs.csv").write_text("a,b\n")
    (site / "confidential" / "C01.pdf").write_bytes(b"%PDF-1.7")
    (site / ".build.json").write_text("{}")
    return site


def test_publish_to_folder_skips_confidential(site, tmp_path, capsys):
    dest = tmp_path / "out"
    assert main(["publish", "w1", str(dest)]) == 0
    files = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert files == ["01_context.pdf", "index.html", "tables/needs.csv"]
    assert "published 3 files of w1" in capsys.readouterr().out


def test_publish_to_zip(site, tmp_path):
    publish_site("w1", tmp_path / "w1.zip")
    names = sorted(zipfile.ZipFile(tmp_path / "w1.zip").namelist())
    assert names == ["w1/01_context.pdf", "w1/index.html", "w1/tables/needs.csv"]


def test_publish_without_report(project, tmp_path):
    with pytest.raises(PipelineError, match="has no report: run `welfare run w2` first"):
        publish_site("w2", tmp_path / "x")
