"""Publishing copies the public site only, and never destroys what it did not write.

The disclosure checks that run first are in ``test_checks.py``; one company's bundle in
``test_company.py``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest
from helpers.published import write_tiny_processed

from pipeline.cli import main
from pipeline.config import get_paths
from pipeline.errors import PipelineError
from pipeline.publish import MARKER, PublishError, public_files, publish_site

PUBLIC = ["01_context.pdf", "index.html", "tables/needs.csv"]
NEVER_WRITES = "(publish never writes there)"
NOT_OURS_FOLDER = (f"the folder is not empty and was not written by welfare publish "
                   f"(no valid {MARKER}); give a new or empty folder")
NOT_OURS_ZIP = ("the file exists and is not a zip written by welfare publish; "
                "give a new file name or move the file away")


@pytest.fixture
def site(project):
    """A clean public site of w1 (and its processed data, which the publish checks it
    against), with a ``confidential/`` folder as versions before ``confidential/<wave>/``
    left inside sites: never published."""
    write_tiny_processed(get_paths(), "w1")
    site = get_paths().report_wave("w1")
    (site / "tables").mkdir(parents=True)
    (site / "confidential").mkdir()
    (site / "index.html").write_text("<html></html>")
    (site / "01_context.pdf").write_bytes(b"%PDF-1.7")
    (site / "tables" / "needs.csv").write_text("a,b\n")
    (site / "confidential" / "C01.pdf").write_bytes(b"%PDF-1.7 CONFIDENTIAL C01")
    (site / ".build.json").write_text("{}")
    return site


@pytest.fixture
def outside(tmp_path_factory):
    """A folder outside the project (``tmp_path`` is the project's root)."""
    return tmp_path_factory.mktemp("outside")


@pytest.fixture
def project_trees(project, site):
    """Raw and processed data, another wave's site with its confidential reports, notebooks."""
    (project / "data" / "raw" / "w1").mkdir()
    (project / "data" / "raw" / "w1" / "companies.csv").write_text("company_id\nC01\n")
    (project / "data" / "processed" / "w1").mkdir(exist_ok=True)  # the site fixture wrote it
    (project / "data" / "processed" / "w1" / "companies.parquet").write_bytes(b"PAR1")
    other = project / "reports" / "w0"
    (other / "confidential").mkdir(parents=True)
    (other / "index.html").write_text("<html>w0</html>")
    (other / "confidential" / "C07.pdf").write_bytes(b"%PDF-1.7 CONFIDENTIAL C07")
    (project / "notebooks").mkdir()
    (project / "notebooks" / "01_context.py").write_text("# %%\n")
    (project / "confidential" / "w1" / "0a1b2c").mkdir(parents=True)
    (project / "confidential" / "w1" / "0a1b2c" / "report.pdf").write_bytes(
        b"%PDF-1.7 CONFIDENTIAL C01")
    return project


def snapshot(root: Path) -> dict[str, tuple]:
    """Everything below ``root``: kind, content hash or link target, mode and mtime."""
    found = {}
    for top, dirs, files in os.walk(root, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(top) / name
            st = path.lstat()
            if path.is_symlink():
                what = ("link", os.readlink(path))
            elif path.is_dir():
                what = ("dir",)
            elif path.is_file():
                what = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:  # a FIFO or socket another test left in the temporary folder: never opened
                what = ("special",)
            found[str(path.relative_to(root))] = (*what, st.st_mode, st.st_mtime_ns)
    return found


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def refused(dest: Path | str, capsys) -> str:
    """Run ``welfare publish w1 dest``: exit status 1, and the one line it printed."""
    capsys.readouterr()
    assert main(["publish", "w1", str(dest)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    return err[len("error: "):].rstrip("\n")


# -- what is published ------------------------------------------------------------------

def test_publish_to_folder_skips_confidential(site, tmp_path, capsys):
    dest = tmp_path / "out"
    assert main(["publish", "w1", str(dest)]) == 0
    assert tree(dest) == [MARKER, *PUBLIC]
    assert "published 3 files of w1" in capsys.readouterr().out
    marker = json.loads((dest / MARKER).read_text())
    assert marker["tool"] == "welfare publish" and marker["wave"] == "w1"
    assert marker["files"] == PUBLIC
    assert marker["published_at"].endswith("+00:00")
    assert set(marker) == {"tool", "format", "wave", "published_at", "files"}  # no paths


def test_publish_to_zip(site, tmp_path):
    assert publish_site("w1", tmp_path / "w1.zip") == [Path(p) for p in PUBLIC]
    names = sorted(zipfile.ZipFile(tmp_path / "w1.zip").namelist())
    assert names == [f"w1/{MARKER}", *(f"w1/{p}" for p in PUBLIC)]
    assert not list(tmp_path.glob(".w1.zip.tmp-*"))


def test_publish_without_report(project, tmp_path):
    with pytest.raises(PipelineError, match="has no report: run `welfare run w2` first"):
        publish_site("w2", tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_confidential_reports_never_published(site, tmp_path):
    """Not from confidential/, nor through a link to it or to any file outside the site."""
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"CONFIDENTIAL outside")
    (site / "leak.pdf").symlink_to(site / "confidential" / "C01.pdf")
    (site / "leakdir").symlink_to(site / "confidential")
    (site / "tables" / "outside.csv").symlink_to(secret)
    (site / "Confidential").mkdir()
    (site / "Confidential" / "C02.pdf").write_bytes(b"%PDF-1.7 CONFIDENTIAL C02")
    assert public_files(site) == [Path(p) for p in PUBLIC]

    publish_site("w1", tmp_path / "out")
    publish_site("w1", tmp_path / "out.zip")
    assert tree(tmp_path / "out") == [MARKER, *PUBLIC]
    assert not any(p.is_symlink() for p in (tmp_path / "out").rglob("*"))
    published = [p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()]
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        assert sorted(zf.namelist()) == [f"w1/{MARKER}", *(f"w1/{p}" for p in PUBLIC)]
        published += [zf.read(name) for name in zf.namelist()]
    assert not any(b"CONFIDENTIAL" in data for data in published)


# -- what may be written: new, empty, or an earlier publish -------------------------------

def test_publish_into_new_nested_and_empty_folders(site, tmp_path):
    publish_site("w1", tmp_path / "a" / "b" / "out")
    assert tree(tmp_path / "a" / "b" / "out") == [MARKER, *PUBLIC]
    (tmp_path / "empty").mkdir()
    publish_site("w1", tmp_path / "empty")
    assert tree(tmp_path / "empty") == [MARKER, *PUBLIC]


def test_publishing_twice_to_a_folder_replaces_it(site, outside, capsys):
    dest = outside / "out"
    assert main(["publish", "w1", str(dest)]) == 0
    first = json.loads((dest / MARKER).read_text())
    (site / "01_context.pdf").unlink()
    (site / "02_needs.pdf").write_bytes(b"%PDF-1.7 needs")
    (site / "index.html").write_text("<html>v2</html>")

    assert main(["publish", "w1", str(dest)]) == 0
    assert tree(dest) == [MARKER, "02_needs.pdf", "index.html", "tables/needs.csv"]
    assert (dest / "index.html").read_text() == "<html>v2</html>"
    second = json.loads((dest / MARKER).read_text())
    assert second["files"] == ["02_needs.pdf", "index.html", "tables/needs.csv"]
    assert second["published_at"] >= first["published_at"]
    assert sorted(p.name for p in outside.iterdir()) == ["out"]  # no staging left behind
    assert "published 3 files of w1" in capsys.readouterr().out


def test_publishing_twice_to_a_zip_replaces_it(site, outside):
    dest = outside / "w1.zip"
    publish_site("w1", dest)
    (site / "tables" / "needs.csv").unlink()
    publish_site("w1", dest)
    names = sorted(zipfile.ZipFile(dest).namelist())
    assert names == [f"w1/{MARKER}", "w1/01_context.pdf", "w1/index.html"]
    assert sorted(p.name for p in outside.iterdir()) == ["w1.zip"]


def test_an_unpacked_publish_zip_can_be_published_into(site, tmp_path):
    publish_site("w1", tmp_path / "w1.zip")
    zipfile.ZipFile(tmp_path / "w1.zip").extractall(tmp_path / "unpacked")
    publish_site("w1", tmp_path / "unpacked" / "w1")
    assert tree(tmp_path / "unpacked" / "w1") == [MARKER, *PUBLIC]


def test_a_link_to_an_earlier_publish_replaces_its_target(site, tmp_path):
    publish_site("w1", tmp_path / "real")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (site / "index.html").write_text("<html>v2</html>")
    publish_site("w1", tmp_path / "link")
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "real" / "index.html").read_text() == "<html>v2</html>"


def test_a_failed_replacement_leaves_the_earlier_publish_whole(site, tmp_path, monkeypatch):
    dest = tmp_path / "out"
    publish_site("w1", dest)
    before = snapshot(tmp_path)
    calls = []

    def full_disk(src, dst, *args, **kwargs):
        calls.append(src)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return original(src, dst, *args, **kwargs)

    import pipeline.publish.write as publish

    original = publish.shutil.copy2
    monkeypatch.setattr(publish.shutil, "copy2", full_disk)
    with pytest.raises(PublishError) as err:
        publish_site("w1", dest)
    assert str(err.value).startswith(f"cannot publish to {dest}: No space left on device (")
    assert snapshot(tmp_path) == before


def test_a_failed_zip_replacement_leaves_the_earlier_zip(site, tmp_path, monkeypatch):
    dest = tmp_path / "w1.zip"
    publish_site("w1", dest)
    before = snapshot(tmp_path)

    def full_disk(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full_disk)
    with pytest.raises(PublishError, match="No space left on device$"):
        publish_site("w1", dest)
    assert snapshot(tmp_path) == before


def test_a_destination_filled_during_the_publish_is_not_replaced(site, outside, monkeypatch):
    """The destination is checked again right before the swap."""
    dest = outside / "empty"
    dest.mkdir()
    import pipeline.publish.write as publish

    original = publish.shutil.copy2

    def meanwhile(src, dst, *args, **kwargs):
        (dest / "notes.txt").write_text("written by someone else meanwhile")
        return original(src, dst, *args, **kwargs)

    monkeypatch.setattr(publish.shutil, "copy2", meanwhile)
    with pytest.raises(PublishError, match=f"^cannot publish to {dest}: the folder is not empty"):
        publish_site("w1", dest)
    assert sorted(p.name for p in outside.iterdir()) == ["empty"]
    assert tree(dest) == ["notes.txt"]


# -- refusals: one line naming the destination, exit status 1, nothing changed on disk ------

def _inside(where: str) -> str:
    return f"it is within the project's {where} folder {NEVER_WRITES}"


@pytest.mark.parametrize(("dest", "why"), [
    ("data/raw/w1", _inside("data/")),
    ("data/raw/new-wave", _inside("data/")),
    ("data/processed/w1", _inside("data/")),
    ("data/processed", _inside("data/")),
    ("data", _inside("data/")),
    ("data/work/published", _inside("data/")),
    ("reports/w0", _inside("reports/")),
    ("reports/w1", _inside("reports/")),
    ("reports/w1/public", _inside("reports/")),
    ("reports/w0.zip", _inside("reports/")),
    ("notebooks", _inside("notebooks/")),
    ("notebooks/out", _inside("notebooks/")),
    ("confidential", _inside("confidential/")),
    ("confidential/w1", _inside("confidential/")),
    ("confidential/w1/0a1b2c", _inside("confidential/")),
    ("confidential/new.zip", _inside("confidential/")),
    ("data/raw/w1.zip", _inside("data/")),
], ids=lambda v: v.replace("/", "_") if "/" in v or "." in v else None)
def test_refuses_the_project_trees(project_trees, capsys, dest, why):
    before = snapshot(project_trees.parent)
    target = project_trees / dest
    assert refused(target, capsys) == f"cannot publish to {target}: {why}"
    assert snapshot(project_trees.parent) == before


def test_refuses_another_waves_site_and_keeps_its_confidential_reports(project_trees, capsys):
    other = project_trees / "reports" / "w0"
    before = snapshot(project_trees)
    assert refused(other, capsys) == f"cannot publish to {other}: {_inside('reports/')}"
    assert snapshot(project_trees) == before
    assert (other / "confidential" / "C07.pdf").read_bytes() == b"%PDF-1.7 CONFIDENTIAL C07"


def test_refuses_a_relative_destination_in_the_project(project_trees, capsys, monkeypatch):
    monkeypatch.chdir(project_trees / "data")
    before = snapshot(project_trees)
    assert refused("raw/w1", capsys) == f"cannot publish to raw/w1: {_inside('data/')}"
    assert refused("../notebooks", capsys) == (
        f"cannot publish to ../notebooks: {_inside('notebooks/')}")
    assert refused("..", capsys) == "cannot publish to ..: it is the project folder itself"
    assert snapshot(project_trees) == before


def test_refuses_the_project_folder_itself(project_trees, capsys):
    before = snapshot(project_trees.parent)
    assert refused(project_trees, capsys) == (
        f"cannot publish to {project_trees}: it is the project folder itself")
    assert snapshot(project_trees.parent) == before


def test_refuses_a_folder_containing_the_project(project_trees, capsys):
    root = project_trees.resolve()
    before = snapshot(project_trees)
    for holder in (project_trees.parent, Path("/")):
        assert refused(holder, capsys) == (
            f"cannot publish to {holder}: it contains the project folder ({root})")
    assert snapshot(project_trees) == before


def test_refuses_the_home_folder(project_trees, tmp_path_factory, monkeypatch, capsys):
    home = tmp_path_factory.mktemp("home")
    (home / "thesis.docx").write_bytes(b"years of work")
    monkeypatch.setenv("HOME", str(home))
    before = snapshot(home)
    assert refused(home, capsys) == f"cannot publish to {home}: it is your home folder"
    (home / "thesis.docx").unlink()  # even empty: never the home folder itself
    before = snapshot(home)
    assert refused(home, capsys) == f"cannot publish to {home}: it is your home folder"
    assert snapshot(home) == before


def test_refuses_a_non_empty_folder_without_marker(site, tmp_path, capsys):
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "index.html").write_text("my own page")
    before = snapshot(tmp_path)
    assert refused(dest, capsys) == f"cannot publish to {dest}: {NOT_OURS_FOLDER}"
    assert snapshot(tmp_path) == before
    (dest / "index.html").unlink()
    (dest / ".hidden").write_text("a hidden file counts too")
    before = snapshot(tmp_path)
    assert refused(dest, capsys) == f"cannot publish to {dest}: {NOT_OURS_FOLDER}"
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("marker", [
    "not json", "[]", '{"tool": "something else", "files": []}',
    '{"tool": "welfare publish", "files": "index.html"}',
])
def test_refuses_a_folder_whose_marker_is_not_ours(site, tmp_path, capsys, marker):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / MARKER).write_text(marker)
    (dest / "notes.txt").write_text("mine")
    before = snapshot(tmp_path)
    assert refused(dest, capsys) == f"cannot publish to {dest}: {NOT_OURS_FOLDER}"
    assert snapshot(tmp_path) == before


def test_refuses_a_marker_that_is_a_link(site, tmp_path, capsys):
    publish_site("w1", tmp_path / "real")
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    (dest / MARKER).symlink_to(tmp_path / "real" / MARKER)
    before = snapshot(tmp_path)
    assert refused(dest, capsys) == f"cannot publish to {dest}: {NOT_OURS_FOLDER}"
    assert snapshot(tmp_path) == before


def test_refuses_an_earlier_publish_holding_other_files(site, tmp_path, capsys):
    dest = tmp_path / "out"
    publish_site("w1", dest)
    for name in ("notes.txt", "a.txt", "b.txt", "c.txt"):
        (dest / name).write_text("added by hand")
    (dest / "tables" / "mine.csv").write_text("x\n")
    before = snapshot(tmp_path)
    assert refused(dest, capsys) == (
        f"cannot publish to {dest}: it holds files an earlier publish did not write "
        "(a.txt, b.txt, c.txt and 2 more); move them away or give another destination")
    assert snapshot(tmp_path) == before


def test_refuses_a_file_as_folder_destination(site, tmp_path, capsys):
    dest = tmp_path / "notes.txt"
    dest.write_text("mine")
    before = snapshot(tmp_path)
    assert refused(dest, capsys) == (
        f"cannot publish to {dest}: it exists and is not a folder "
        "(a zip destination must end in .zip)")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("kind", ["text", "other zip", "folder of zips", "zip of a folder"])
def test_refuses_an_existing_file_as_zip_target_unless_published(site, tmp_path, capsys, kind):
    dest = tmp_path / "archive.zip"
    if kind == "text":
        dest.write_text("not a zip at all")
    elif kind == "other zip":
        with zipfile.ZipFile(dest, "w") as zf:
            zf.writestr("thesis/chapter1.docx", "years of work")
    elif kind == "folder of zips":
        dest.mkdir()
        (dest / "x.txt").write_text("mine")
    else:  # a zip with a marker-like entry, but not under one top folder
        with zipfile.ZipFile(dest, "w") as zf:
            zf.writestr(MARKER, '{"tool": "welfare publish", "files": []}')
            zf.writestr("thesis.docx", "years of work")
    before = snapshot(tmp_path)
    why = "it is a folder, not a .zip file" if kind == "folder of zips" else NOT_OURS_ZIP
    assert refused(dest, capsys) == f"cannot publish to {dest}: {why}"
    assert snapshot(tmp_path) == before


def test_refuses_a_published_zip_holding_other_files(site, tmp_path, capsys):
    dest = tmp_path / "w1.zip"
    publish_site("w1", dest)
    with zipfile.ZipFile(dest, "a") as zf:
        zf.writestr("w1/added.txt", "by hand")
    before = snapshot(tmp_path)
    assert refused(dest, capsys) == (
        f"cannot publish to {dest}: it holds files an earlier publish did not write "
        "(w1/added.txt); move them away or give another destination")
    assert snapshot(tmp_path) == before


def test_refuses_a_link_pointing_into_data(project_trees, capsys):
    outside = project_trees.parent / f"{project_trees.name}-outside"
    outside.mkdir()
    raw = project_trees / "data" / "raw" / "w1"
    links = {
        outside / "publish-here": raw,  # a link to the raw wave folder
        outside / "empty-there": project_trees / "data" / "processed" / "new",  # dangling
        outside / "data-link": project_trees / "data",  # a link to a folder above
        outside / "raw.zip": raw / "w1.zip",  # a zip through a link
    }
    for link, target in links.items():
        link.symlink_to(target)
    nested = outside / "data-link" / "raw" / "w1"
    before = snapshot(project_trees.parent)
    for dest, real in [*links.items(), (nested, raw)]:
        assert refused(dest, capsys) == (
            f"cannot publish to {dest} (resolves to {real.resolve()}): {_inside('data/')}")
    assert snapshot(project_trees.parent) == before


def test_refuses_a_data_folder_moved_away_behind_a_link(project, site, outside, capsys):
    """``data/raw`` a link to a disk elsewhere: that disk's folder is protected too."""
    elsewhere = outside / "welfare-raw"
    (elsewhere / "w1").mkdir(parents=True)
    (elsewhere / "w1" / "companies.csv").write_text("company_id\nC01\n")
    (project / "data" / "raw").rmdir()
    (project / "data" / "raw").symlink_to(elsewhere)
    before = snapshot(outside)
    assert refused(elsewhere / "w1", capsys) == (
        f"cannot publish to {elsewhere / 'w1'}: {_inside('data/raw/')}")
    assert refused(elsewhere / "new", capsys) == (
        f"cannot publish to {elsewhere / 'new'}: {_inside('data/raw/')}")
    assert refused(outside, capsys) == (
        f"cannot publish to {outside}: it contains the project's data/raw/ folder "
        f"({elsewhere.resolve()})")
    assert snapshot(outside) == before


def test_refuses_a_link_loop(site, tmp_path, capsys):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    before = snapshot(tmp_path)
    message = refused(tmp_path / "a" / "out", capsys)
    assert message.startswith(f"cannot publish to {tmp_path / 'a' / 'out'}: ")
    assert snapshot(tmp_path) == before
