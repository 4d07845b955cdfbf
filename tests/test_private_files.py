"""Private by default: microdata, run records and confidential reports are owner-only.

Processed waves, everything under ``data/work`` and the confidential company reports
(``confidential/``) are created 0600 (files) and 0700 (folders); the public site keeps the
umask's default
(0644, 0755 under the usual umask 022). ``WELFARE_PRIVATE_MODE=0`` turns it off.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest

from pipeline.atomic import (
    make_folder,
    open_append,
    staged_folder,
    write_bytes_atomic,
    write_text_atomic,
)
from pipeline.config import get_paths, is_private_path, private_root
from pipeline.wave import WaveData, write_processed


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(tree: Path) -> dict[str, int]:
    """``{relative path: mode}`` of ``tree`` and everything in it."""
    found = {".": mode(tree)}
    for path in tree.rglob("*"):
        found[path.relative_to(tree).as_posix()] = mode(path)
    return found


@pytest.fixture(autouse=True)
def umask_022():
    """The usual umask, whatever the test runner's is."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def root(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WELFARE_PRIVATE_MODE", raising=False)
    return project


def _wave() -> WaveData:
    companies = pd.DataFrame({"company_id": ["C01", "C02"], "n_employees": [12, 80]})
    return WaveData(wave="w1", tables={"companies": companies}, meta={})


# --- which paths are private ------------------------------------------------------------------

def test_private_trees(root):
    paths = get_paths()
    reports = paths.reports
    assert private_root(paths.processed_wave("w1") / "companies.parquet") == paths.processed
    assert private_root(paths.processed) == paths.processed
    assert private_root(paths.state_file("w1")) == paths.work
    assert private_root(paths.runs() / "w1" / "it" / "confidential" / "C1.ipynb") == paths.work
    assert private_root(paths.failed_wave("w1") / "x.html") == paths.work
    assert private_root(paths.confidential_wave("w1") / "0a1b" / "report.pdf") == (
        paths.confidential)
    stage = paths.confidential / ".w1.tmp-123-456-abcd"
    assert private_root(stage / "0a1b" / "report.pdf") == paths.confidential
    for public in (reports / "w1" / "index.html", reports / "w1" / "tables" / "t.csv",
                   reports / "w1" / "en" / "03_measures.pdf", reports / "confidential",
                   reports / "confidential" / "index.html", paths.raw_wave("w1") / "a.csv",
                   root.parent / "elsewhere" / "confidential" / "x.pdf"):
        assert private_root(public) is None, public
    # a relative path, as from the project's folder
    cwd = Path.cwd()
    os.chdir(root)
    try:
        assert is_private_path(Path("data/work/state/w1.json"))
        assert not is_private_path(Path("reports/w1/index.html"))
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("value", ["0", "false", "No", "off "])
def test_private_mode_off(root, monkeypatch, value):
    monkeypatch.setenv("WELFARE_PRIVATE_MODE", value)
    assert not is_private_path(get_paths().state_file("w1"))
    write_text_atomic(get_paths().state_file("w1"), "{}")
    assert mode(get_paths().state_file("w1")) == 0o644
    assert mode(get_paths().work / "state") == 0o755
    write_processed(_wave(), get_paths().processed_wave("w1"))
    assert set(modes(get_paths().processed_wave("w1")).values()) == {0o755, 0o644}


# --- what the pipeline writes ----------------------------------------------------------------

def test_processed_wave_is_owner_only(root):
    dest = get_paths().processed_wave("w1")
    write_processed(_wave(), dest)
    assert modes(dest) == {".": 0o700, "companies.parquet": 0o600, "manifest.json": 0o600}
    assert mode(get_paths().processed) == 0o700
    # microdata wherever it is written
    elsewhere = root / "copy" / "w1"
    write_processed(_wave(), elsewhere)
    assert modes(elsewhere) == {".": 0o700, "companies.parquet": 0o600, "manifest.json": 0o600}
    assert mode(elsewhere.parent) == 0o755


def test_older_world_readable_trees_are_tightened(root):
    """A project processed by an older version: its folders are closed on the next write."""
    processed = get_paths().processed
    processed.chmod(0o755)
    old = processed / "w1"
    old.mkdir(mode=0o755)
    (old / "manifest.json").write_text("{}")
    (old / "manifest.json").chmod(0o644)
    write_processed(_wave(), old)
    assert mode(processed) == 0o700
    assert modes(old) == {".": 0o700, "companies.parquet": 0o600, "manifest.json": 0o600}
    runs = get_paths().runs() / "w1"
    runs.mkdir(parents=True, mode=0o755)
    write_text_atomic(runs / "r1.json", "{}")
    assert [mode(p) for p in (get_paths().work, get_paths().runs(), runs)] == [0o700] * 3


def test_run_records_state_and_logs_are_owner_only(root):
    from pipeline.run.state import RunRecord, save_json

    paths = get_paths()
    record = RunRecord(wave="w1", lang="it")
    record.save(paths)
    save_json(paths.state_file("w1"), {"status": "reported"})
    assert mode(record.path(paths)) == 0o600
    assert mode(paths.state_file("w1")) == 0o600
    for folder in (paths.work, paths.runs(), paths.runs() / "w1", paths.work / "state"):
        assert mode(folder) == 0o700, folder
    log = paths.runs() / "w1" / f"{record.run_id}.log"
    with open_append(log) as f:
        f.write("a line\n")
    with open_append(log) as f:
        f.write("another\n")
    assert mode(log) == 0o600
    assert log.read_text(encoding="utf-8") == "a line\nanother\n"
    public_log = root / "logs" / "x.log"
    with open_append(public_log) as f:
        f.write("x\n")
    assert mode(public_log) == 0o644


def test_failed_and_quality_reports_are_owner_only(root):
    paths = get_paths()
    for folder in (paths.failed_wave("w1"), paths.quality_wave("w1")):
        write_text_atomic(folder / "quality.html", "<p>C01: 1e30 employees</p>")
        assert mode(folder / "quality.html") == 0o600
        assert mode(folder) == 0o700


def test_site_public_and_confidential(root):
    """A staged site: public pages 0644/0755, a private file copied into it made readable
    (the data-quality page); the staged confidential folder beside it 0600/0700."""
    paths = get_paths()
    quality = paths.quality_wave("w1") / "quality.html"
    write_text_atomic(quality, "<p>quality</p>")
    site = paths.report_wave("w1")
    private = paths.confidential_wave("w1")
    with staged_folder(site) as stage, staged_folder(private) as private_stage:
        for lang_root in (stage, stage / "en"):
            write_text_atomic(lang_root / "index.html", "<p>index</p>")
            write_bytes_atomic(lang_root / "03_measures.pdf", b"%PDF-public")
            (lang_root / "tables").mkdir()
            (lang_root / "tables" / "t.csv").write_text("a\n1\n")
            shutil.copy2(quality, lang_root / "quality.html")
        make_folder(private_stage / "0a1b")  # as run/steps.py makes it
        for name in ("report.html", "report-en.pdf"):
            write_bytes_atomic(private_stage / "0a1b" / name, b"C01")
            # owner-only from the moment it is written, not only after the swap
            assert mode(private_stage / "0a1b" / name) == 0o600
        assert mode(private_stage / "0a1b") == mode(private_stage) == 0o700
    got = modes(site)
    for prefix in ("", "en/"):
        for public in ("index.html", "03_measures.pdf", "tables/t.csv", "quality.html"):
            assert got[prefix + public] == 0o644, prefix + public
        assert got[f"{prefix}tables"] == 0o755
    assert got["."] == 0o755 and got["en"] == 0o755
    assert modes(private) == {".": 0o700, "0a1b": 0o700, "0a1b/report.html": 0o600,
                              "0a1b/report-en.pdf": 0o600}
    assert mode(paths.confidential) == 0o700
    # the next run copies the published trees into its stages: modes survive the round trip
    with staged_folder(site) as stage, staged_folder(private) as private_stage:
        shutil.copytree(site, stage, dirs_exist_ok=True)
        shutil.copytree(private, private_stage, dirs_exist_ok=True)
    assert modes(site) == got
    assert set(modes(private).values()) == {0o700, 0o600}


def test_confidential_report_rendered_owner_only(root):
    """The renderer needs no flag: the path says the report is confidential."""
    import nbformat
    from nbformat.v4 import new_markdown_cell, new_notebook

    from pipeline.render import render_notebook

    paths = get_paths()
    executed = paths.runs() / "w1" / "it" / "confidential" / "C01.ipynb"
    nb = new_notebook(cells=[new_markdown_cell("Impresa C01")])
    write_text_atomic(executed, nbformat.writes(nb))
    with staged_folder(paths.confidential_wave("w1")) as stage:
        out = stage / "0a1b"
        render_notebook(executed, out / "report.html", out / "report.pdf", title="C01",
                        wave="w1")
        assert mode(out / "report.html") == mode(out / "report.pdf") == 0o600
    folder = paths.confidential_wave("w1")
    assert modes(folder) == {".": 0o700, "0a1b": 0o700, "0a1b/report.html": 0o600,
                             "0a1b/report.pdf": 0o600}
    assert mode(executed) == 0o600 and mode(executed.parent) == 0o700


def test_explicit_flag_and_other_umask(root):
    os.umask(0o002)
    target = root / "out" / "secret.bin"
    write_bytes_atomic(target, b"x", private=True)
    assert mode(target) == 0o600
    write_bytes_atomic(target, b"y", private=False)
    assert mode(target) == 0o664
    make_folder(root / "out" / "private", private=True)
    assert mode(root / "out" / "private") == 0o700 and mode(root / "out") == 0o775
    with staged_folder(root / "site") as stage:
        (stage / "page.html").write_text("p")
        (stage / "page.html").chmod(0o600)
    assert modes(root / "site") == {".": 0o775, "page.html": 0o664}
