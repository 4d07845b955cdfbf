"""``welfare publish`` refuses a site that shows what it must not, and writes nothing.

Each test builds a tiny throw-away site beside a tiny processed wave
(``helpers.published``), plants one problem in it and publishes through the command line:
exit status 1, one line saying nothing was written, then one line per finding
(``file: kind: detail``), and the destination never created. A recoverable cell (the
attacker's audit) is tested with the audit itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.published import COMMENT, PROPOSAL, RESP_IDS, write_tiny_processed

from pipeline.cli import main
from pipeline.config import get_paths
from pipeline.publish import DisclosureError, PublishError, publish_site
from pipeline.publish.checks import site_findings, table_folders, wave_secrets

INDEX = "<html><body><h1>Rilevazione w1</h1><p>1.500 lavoratori</p></body></html>"


@pytest.fixture
def clean_site(project: Path) -> Path:
    """A public site with nothing to hide, and the processed wave it comes from."""
    paths = get_paths()
    write_tiny_processed(paths, "w1")
    site = paths.report_wave("w1")
    (site / "tables").mkdir(parents=True)
    (site / "index.html").write_text(INDEX, encoding="utf-8")
    (site / "02_needs.html").write_text("<p>Il 40 % dei lavoratori</p>", encoding="utf-8")
    (site / "tables" / "context.csv").write_text("group,n\nall,12\nF,7\nM,5\n",
                                                 encoding="utf-8")
    return site


def refused(dest: Path, capsys) -> list[str]:
    """``welfare publish w1 dest``: exit status 1, nothing printed on stdout, the
    destination not made; the lines on stderr."""
    capsys.readouterr()
    assert main(["publish", "w1", str(dest)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert not dest.exists() and not list(dest.parent.glob(f".{dest.name}*"))
    return err.splitlines()


def head(n: int, dest: Path) -> str:
    problems = f"{n} problem{'s' if n != 1 else ''}"
    return (f"error: cannot publish w1 to {dest}: the disclosure check found {problems} in "
            "the site; nothing was written")


def test_a_clean_site_is_published(clean_site, tmp_path, capsys):
    dest = tmp_path / "out" / "w1.zip"
    assert main(["publish", "w1", str(dest)]) == 0
    assert dest.is_file()
    assert "published 3 files of w1" in capsys.readouterr().out


def test_refuses_a_respondent_id(clean_site, tmp_path, capsys):
    (clean_site / "02_needs.html").write_text(f"<p>Risposta di {RESP_IDS[1]}</p>",
                                              encoding="utf-8")
    dest = tmp_path / "out"
    assert refused(dest, capsys) == [
        head(1, dest), f"reports/w1/02_needs.html: respondent id: {RESP_IDS[1]}"]


def test_refuses_a_free_text_answer(clean_site, tmp_path, capsys):
    (clean_site / "tables" / "comments.csv").write_text(f'theme,text\nnido,"{COMMENT}"\n',
                                                        encoding="utf-8")
    dest = tmp_path / "out.zip"
    assert refused(dest, capsys) == [
        head(1, dest), f"reports/w1/tables/comments.csv: free text: {COMMENT[:40]}"]


def test_refuses_an_unsuppressed_small_cell(clean_site, tmp_path, capsys):
    (clean_site / "tables" / "context.csv").write_text("group,n\nall,12\nF,9\nX,3\n",
                                                       encoding="utf-8")
    dest = tmp_path / "out"
    assert refused(dest, capsys) == [
        head(1, dest), "reports/w1/tables/context.csv: small cell: column n = 3 < 5 (row 4)"]


def test_refuses_a_cell_recoverable_by_subtraction(clean_site, tmp_path, capsys):
    """(d) all 40 = women 20 + men 18: the 2 of another gender (or not saying) follow."""
    (clean_site / "tables" / "needs.csv").write_text(
        "measure,group_var,group,estimate,n,suppressed\n"
        "FLEX_HOURS,all,all,0.5,40,false\nFLEX_HOURS,gender,F,0.6,20,false\n"
        "FLEX_HOURS,gender,M,0.4,18,false\n", encoding="utf-8")
    dest = tmp_path / "out"
    assert refused(dest, capsys) == [
        head(1, dest),
        "reports/w1/tables/needs.csv: recoverable cell: rows the table does not show "
        "(FLEX_HOURS|gender): column n lies in 2-2, narrower than the protection range of 5"]


def test_every_finding_has_its_line_in_both_languages(clean_site, tmp_path, capsys):
    english = clean_site / "en"
    (english / "tables").mkdir(parents=True)
    (english / "index.html").write_text(f"<p>{PROPOSAL}</p>", encoding="utf-8")
    (english / "tables" / "context.csv").write_text("group,n\nall,2\n", encoding="utf-8")
    (clean_site / "index.html").write_text(f"<p>{RESP_IDS[0]}</p>", encoding="utf-8")
    dest = tmp_path / "out"
    assert refused(dest, capsys) == [
        head(3, dest),
        f"reports/w1/en/index.html: free text: {PROPOSAL[:40]}",
        "reports/w1/en/tables/context.csv: small cell: column n = 2 < 5 (row 2)",
        f"reports/w1/index.html: respondent id: {RESP_IDS[0]}"]


def test_an_earlier_publish_stays_when_the_site_is_refused(clean_site, tmp_path, capsys):
    dest = tmp_path / "out"
    publish_site("w1", dest)
    before = sorted(p.relative_to(dest) for p in dest.rglob("*"))
    (clean_site / "index.html").write_text(f"<p>{RESP_IDS[2]}</p>", encoding="utf-8")
    with pytest.raises(DisclosureError) as err:
        publish_site("w1", dest)
    assert [(Path(f.file).name, f.kind) for f in err.value.findings] == [
        ("index.html", "respondent id")]
    assert sorted(p.relative_to(dest) for p in dest.rglob("*")) == before
    assert RESP_IDS[2] not in (dest / "index.html").read_text(encoding="utf-8")


def test_what_is_not_published_is_not_checked(clean_site, tmp_path):
    """A confidential folder an older version left in the site names respondents: it is
    never copied, so it does not stop the publish; hidden files neither."""
    old = clean_site / "confidential"
    old.mkdir()
    (old / "C01.html").write_text(f"<p>{RESP_IDS[0]}: {COMMENT}</p>", encoding="utf-8")
    (clean_site / ".build.json").write_text(f'{{"who": "{RESP_IDS[0]}"}}', encoding="utf-8")
    assert site_findings("w1", get_paths()) == []
    files = publish_site("w1", tmp_path / "out")
    assert "confidential" not in {p.parts[0] for p in files}


def test_a_site_without_processed_data_is_not_published(project, tmp_path):
    site = get_paths().report_wave("w1")
    site.mkdir(parents=True)
    (site / "index.html").write_text(INDEX, encoding="utf-8")
    with pytest.raises(PublishError, match=r"cannot check the site of w1: .* has no "
                                           r"processed data .* run `welfare run w1` first"):
        publish_site("w1", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_secrets_are_the_codebooks_unpublished_ids_and_texts(project):
    paths = get_paths()
    write_tiny_processed(paths, "w1")
    secrets = wave_secrets("w1", paths)
    assert sorted(secrets.respondent_ids) == sorted(RESP_IDS)  # company codes are published
    assert sorted(secrets.free_texts) == sorted(
        [COMMENT, "no", PROPOSAL, "Alfa S.r.l.", "Beta S.p.A."])


def test_the_audit_reads_every_languages_tables(tmp_path):
    site = tmp_path / "w1"
    for folder in (site / "tables", site / "en" / "tables", site / "confidential" / "tables"):
        folder.mkdir(parents=True)
    assert table_folders(site) == [site / "tables", site / "en" / "tables"]
