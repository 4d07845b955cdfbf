"""The confidential tree's names: keyed, stable, unguessable; its README: who gets what."""

from __future__ import annotations

import json
import re
import stat
import threading

import pytest
from helpers.published import write_tiny_processed

from pipeline.config import get_paths
from pipeline.publish.companies import (
    FOLDER_LENGTH,
    ConfidentialKeyError,
    company_folder,
    company_reports,
    project_key,
    readme_markdown,
    report_files,
    report_name,
    wave_companies,
    write_readme,
)

XSS = "<img src=x onerror=alert(1)>"


def test_the_key_is_made_once_owner_only_and_kept(project):
    paths = get_paths()
    assert not paths.confidential_key.exists()
    key = project_key(paths)
    assert len(key) == 32
    assert stat.S_IMODE(paths.confidential_key.stat().st_mode) == 0o600
    assert project_key(paths) == key
    assert list(paths.confidential_key.parent.glob(".confidential.key.tmp-*")) == []


def test_two_runs_making_the_key_at_once_agree(project):
    paths = get_paths()
    keys: list[bytes] = []
    threads = [threading.Thread(target=lambda: keys.append(project_key(paths)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1


@pytest.mark.parametrize("content", ["", "not hex\n", "abcd\n"])
def test_a_damaged_key_is_refused_not_replaced(project, content):
    paths = get_paths()
    paths.confidential_key.parent.mkdir(parents=True)
    paths.confidential_key.write_text(content)
    with pytest.raises(ConfidentialKeyError, match=r"does not hold a key .* delete it and run "
                                                   "again"):
        project_key(paths)
    assert paths.confidential_key.read_text() == content


def test_folder_names_are_keyed_hashes_never_the_id():
    key, other_key = b"k" * 32, b"j" * 32
    ids = ["C00001", "C00002", "../pubreport", "VR/123", XSS, ""]
    names = [company_folder(key, "2014", cid) for cid in ids]
    assert all(re.fullmatch(rf"[0-9a-f]{{{FOLDER_LENGTH}}}", n) for n in names)
    assert len(set(names)) == len(ids)
    assert names == [company_folder(key, "2014", cid) for cid in ids]  # stable
    # another wave or another project's key: unrelated names
    assert not set(names) & {company_folder(key, "2015", cid) for cid in ids}
    assert not set(names) & {company_folder(other_key, "2014", cid) for cid in ids}
    # the wave and the id are kept apart: ("a", "b\0c") is not ("a\0b", "c")
    assert company_folder(key, "w", "1") != company_folder(key, "w1", "")


def test_report_files_per_language():
    assert report_name("it") == "report" and report_name("en") == "report-en"
    assert report_files("it") == ("report.html", "report.pdf")
    assert report_files("en") == ("report-en.html", "report-en.pdf")


def test_company_reports_lists_regular_files_in_order(tmp_path):
    for name in ("report-en.pdf", "report.pdf", "report.html", "notes.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path / "report-en.html").symlink_to(tmp_path / "notes.txt")
    assert company_reports(tmp_path) == ["report.html", "report.pdf", "report-en.pdf"]
    assert company_reports(tmp_path / "missing") == []


def test_the_readme_italian_then_english_then_the_index(project):
    paths = get_paths()
    write_tiny_processed(paths, "w1", companies=("C01", "C02", "C03"),
                         names=(f"Rossi | {XSS}", "Beta S.p.A.", " "))
    companies = wave_companies(paths, "w1")
    assert [c.company_id for c in companies] == ["C01", "C02", "C03"]
    assert [c.name for c in companies] == [f"Rossi | {XSS}", "Beta S.p.A.", None]
    files = {companies[0].folder: ["report.html", "report.pdf", "report-en.pdf"]}
    readme = readme_markdown(paths, "w1", companies, files)
    starts = [readme.index(s) for s in ("# Rapporti riservati delle imprese",
                                        "Ogni impresa riceve **soltanto il proprio rapporto**",
                                        "# Confidential company reports",
                                        "Each company receives **its own report only**",
                                        "## Indice delle imprese / Index of the companies")]
    assert starts == sorted(starts)
    assert "`welfare publish w1 --company CODICE DESTINAZIONE`" in readme
    assert "**non ricevono nessun rapporto**, a meno che" in readme
    assert "**never uploaded or shared**" in readme
    rows = [line for line in readme.splitlines() if line.startswith("| C0")]
    assert rows == [
        f"| C01 | Rossi \\| \\<img src=x onerror=alert(1)\\> | `{companies[0].folder}` "
        "| report.html, report.pdf, report-en.pdf |",
        f"| C02 | Beta S.p.A. | `{companies[1].folder}` "
        "| nessun rapporto ancora / no report yet |",
        f"| C03 | — | `{companies[2].folder}` | nessun rapporto ancora / no report yet |"]
    assert XSS not in readme and readme.endswith("|\n")


def test_a_wave_title_is_readable_and_inert(project):
    """The title comes from wave.yaml: an apostrophe stays one, markup is escaped."""
    paths = get_paths()
    write_tiny_processed(paths, "w1")
    manifest = paths.processed_wave("w1") / "manifest.json"
    data = json.loads(manifest.read_text())
    data["meta"] = {"title": {"it": "Rilevazione d'autunno <b>2013</b>", "en": "Autumn *2013*"}}
    manifest.write_text(json.dumps(data))
    readme = readme_markdown(paths, "w1", [], {})
    assert readme.startswith("# Rapporti riservati delle imprese — "
                             "Rilevazione d'autunno \\<b\\>2013\\</b\\>\n")
    assert "# Confidential company reports — Autumn \\*2013\\*\n" in readme
    assert "Nessun rapporto: la rilevazione non ha questionari delle imprese." in readme


def test_write_readme_indexes_what_the_tree_holds(project):
    paths = get_paths()
    write_tiny_processed(paths, "w1")
    tree = paths.confidential_wave("w1")
    first = wave_companies(paths, "w1")[0]
    (tree / first.folder).mkdir(parents=True)
    (tree / first.folder / "report.pdf").write_bytes(b"%PDF")
    readme = write_readme(tree, paths, "w1")
    assert f"| C01 | Alfa S.r.l. | `{first.folder}` | report.pdf |" in readme.read_text()
    assert stat.S_IMODE(readme.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.confidential.stat().st_mode) == 0o700


# --- the companies of a wave: from the manifest, from the tables for older manifests ---------

def test_the_manifest_lists_the_surveyed_companies_with_their_names(project):
    """Planning a run reads the companies from the manifest: the same ids, sorted, and the
    same names as the tables give, without opening them."""
    from pipeline.publish.companies import company_ids, company_names
    from pipeline.wave import SURVEYED, read_company_ids, read_company_names, read_manifest

    paths = get_paths()
    folder = write_tiny_processed(paths, "w1", companies=("C10", "C02", "C03"),
                                  names=(f"  Rossi   {XSS} ", "Beta S.p.A.", " "))
    manifest = read_manifest(paths, "w1")
    assert manifest[SURVEYED] == [["C02", "Beta S.p.A."], ["C03", None],
                                  ["C10", f"Rossi {XSS}"]]
    assert company_ids(paths, "w1") == read_company_ids(folder) == ["C02", "C03", "C10"]
    assert company_names(paths, "w1") == read_company_names(folder) == {
        "C02": "Beta S.p.A.", "C10": f"Rossi {XSS}"}
    # the tables are not read: their names changed by hand are not seen
    (folder / "companies.parquet").unlink()
    (folder / "company_survey.parquet").unlink()
    assert company_ids(paths, "w1") == ["C02", "C03", "C10"]
    assert company_names(paths, "w1") == {"C02": "Beta S.p.A.", "C10": f"Rossi {XSS}"}


def test_a_manifest_without_the_list_falls_back_to_the_tables(project):
    """A wave processed by an earlier version: its companies are read from the tables."""
    from pipeline.publish.companies import company_ids, company_names
    from pipeline.wave import SURVEYED

    paths = get_paths()
    write_tiny_processed(paths, "w1", companies=("C02", "C01"), names=("Beta", "Alfa"))
    manifest = paths.processed_wave("w1") / "manifest.json"
    data = json.loads(manifest.read_text())
    del data[SURVEYED]
    manifest.write_text(json.dumps(data))
    assert company_ids(paths, "w1") == ["C01", "C02"]
    assert company_names(paths, "w1") == {"C01": "Alfa", "C02": "Beta"}
    assert [c.name for c in wave_companies(paths, "w1")] == ["Alfa", "Beta"]
    assert company_names(paths, "w9") == {}  # not processed: no names
