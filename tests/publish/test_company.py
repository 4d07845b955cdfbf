"""``welfare publish <wave> --company ID DEST``: one company's report, for that company only.

A tiny processed wave of two companies, their reports written by hand into
``confidential/w1/<folder>/`` as ``welfare run`` lays them out.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest
from helpers.published import write_tiny_processed

from pipeline.cli import main
from pipeline.config import get_paths
from pipeline.publish import MARKER, PublishError, publish_company
from pipeline.publish.companies import company_folder, project_key

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def reports(project: Path) -> dict[str, Path]:
    """C01 with both languages, C02 in Italian only: ``{company id: its folder}``."""
    paths = get_paths()
    write_tiny_processed(paths, "w1", companies=("C01", "C02"),
                         names=(f"Rossi & {XSS}", "Beta S.p.A."))
    key = project_key(paths)
    folders = {}
    for cid, langs in (("C01", ("report", "report-en")), ("C02", ("report",))):
        folder = paths.confidential_wave("w1") / company_folder(key, "w1", cid)
        folder.mkdir(parents=True)
        for name in langs:
            (folder / f"{name}.html").write_text(f"<p>{cid} {name}</p>", encoding="utf-8")
            (folder / f"{name}.pdf").write_bytes(f"%PDF-1.7 {cid} {name}".encode())
        folders[cid] = folder
    return folders


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_company_gets_its_own_report_only(reports, tmp_path, capsys):
    dest = tmp_path / "for-C01"
    assert main(["publish", "w1", "--company", "C01", str(dest)]) == 0
    assert tree(dest) == [MARKER, "README.md", "report-en.html", "report-en.pdf",
                          "report.html", "report.pdf"]
    assert (dest / "report.pdf").read_bytes() == b"%PDF-1.7 C01 report"
    assert not [p for p in dest.rglob("*") if b"C02" in p.read_bytes()]
    out = capsys.readouterr().out
    assert out.endswith(f"published the report of company 'C01' of w1 to {dest}\n")
    # owner-only, as in the confidential tree
    assert {stat.S_IMODE(p.stat().st_mode) for p in dest.rglob("*")} == {0o600}
    assert stat.S_IMODE(dest.stat().st_mode) == 0o700


def test_the_readme_says_whom_the_bundle_is_for(reports, tmp_path):
    publish_company("w1", "C01", tmp_path / "out")
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    italian, english = readme.index("destinata soltanto a"), readme.index("is for")
    assert italian < english  # Italian first
    assert "**Rossi \\& \\<img src=x onerror=alert(1)\\>**" in readme  # inert
    assert XSS not in readme
    for line in ("- `report.pdf`: in italiano, PDF", "- `report-en.html`: in inglese, HTML",
                 "- `report-en.pdf`: in English, PDF"):
        assert line in readme


def test_a_company_with_one_language_gets_that_one(reports, tmp_path):
    files = publish_company("w1", "C02", tmp_path / "c02.zip")
    assert [f.as_posix() for f in files] == ["README.md", "report.html", "report.pdf"]
    with zipfile.ZipFile(tmp_path / "c02.zip") as zf:
        assert sorted(zf.namelist()) == ["w1/" + n for n in
                                         (MARKER, "README.md", "report.html", "report.pdf")]
        assert zf.read("w1/report.html") == b"<p>C02 report</p>"
    assert stat.S_IMODE((tmp_path / "c02.zip").stat().st_mode) == 0o600


def test_an_earlier_bundle_is_replaced(reports, tmp_path):
    publish_company("w1", "C01", tmp_path / "out")
    publish_company("w1", "C02", tmp_path / "out")
    assert tree(tmp_path / "out") == [MARKER, "README.md", "report.html", "report.pdf"]
    assert (tmp_path / "out" / "report.html").read_text() == "<p>C02 report</p>"


@pytest.mark.parametrize("company", ["C09", "c01", "", "../C01", XSS])
def test_an_unknown_company_is_one_clear_line(reports, tmp_path, capsys, company):
    dest = tmp_path / "out"
    assert main(["publish", "w1", "--company", company, str(dest)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err == (f"error: no company {company!r} in the company survey of w1 "
                   "(confidential/w1/README.md lists the companies and their codes)\n")
    assert not dest.exists()


def test_a_report_not_built_yet(reports, tmp_path):
    for path in reports["C02"].iterdir():
        path.unlink()
    with pytest.raises(PublishError, match=r"^the report of company 'C02' of w1 is not built: "
                                           r"run `welfare run w1` first$"):
        publish_company("w1", "C02", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_wave_not_processed(project, tmp_path):
    with pytest.raises(PublishError, match=r"^w2 has no processed company survey: run "
                                           r"`welfare run w2` first$"):
        publish_company("w2", "C01", tmp_path / "out")


@pytest.mark.parametrize("where", ["confidential/w1/bundle", "reports/w1", "data/out.zip"])
def test_the_destination_rules_are_the_sites(reports, project, capsys, where):
    dest = project / where
    assert main(["publish", "w1", "--company", "C01", str(dest)]) == 1
    top = where.split("/")[0]
    assert capsys.readouterr().err == (
        f"error: cannot publish to {dest}: it is within the project's {top}/ folder "
        "(publish never writes there)\n")
    assert not dest.exists()


def test_links_in_the_company_folder_are_not_followed(reports, tmp_path):
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF another company")
    folder = reports["C02"]
    (folder / "report-en.pdf").symlink_to(secret)
    files = publish_company("w1", "C02", tmp_path / "out")
    assert "report-en.pdf" not in {f.as_posix() for f in files}
    assert not (tmp_path / "out" / "report-en.pdf").exists()
