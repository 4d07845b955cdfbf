"""The ``welfare`` command line: help texts, exit codes, one-line errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.waves import minimal_tables, write_wave

from pipeline.cli import build_parser, main
from pipeline.config import WAVE_PATTERN, WaveLabelError, check_wave_label, get_paths
from pipeline.run.lock import hold


def test_help_explains_every_subcommand(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        assert name in out
        assert len(sub.description or "") > 60, f"{name} needs a real description"
        with pytest.raises(SystemExit):
            main([name, "--help"])
        assert "usage: welfare " + name in capsys.readouterr().out


def test_ingest_ok(project, capsys):
    write_wave(project, "w1")
    assert main(["ingest", "w1"]) == 0
    assert "ingested w1: companies 4, company_survey 2, worker_survey 12 rows" in (
        capsys.readouterr().out)
    assert (project / "data" / "processed" / "w1" / "manifest.json").exists()


def test_ingest_bad_input_exits_1_with_one_line(project, capsys):
    tables = minimal_tables()
    tables["worker_survey"].loc[0, "gender"] = "Q"
    write_wave(project, "w1", tables)
    assert main(["ingest", "w1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: ") and "worker_survey.csv, row 2, column 'gender'" in err
    assert not (project / "data" / "processed" / "w1").exists()


def test_bad_wave_label_and_missing_wave(project, capsys):
    assert main(["ingest", "../etc"]) == 1
    assert "invalid wave label '../etc'" in capsys.readouterr().err
    assert main(["ingest", "nowhere"]) == 1
    assert "no such wave folder" in capsys.readouterr().err


def _tree(root: Path) -> list[str]:
    """Every file and folder under ``root`` (what 'nothing was written' compares)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# --- wave labels, checked before anything is written ---------------------------------------------

@pytest.mark.parametrize("label", ["../../x", "../../../../../x", "w1\n", "a/b", "", "w1 "])
@pytest.mark.parametrize("command", [["run"], ["ingest"], ["validate"], ["demo-data"],
                                     ["publish", "{label}", "out"], ["run", "--wait", "5"]])
def test_a_bad_label_is_refused_before_anything_is_written(project, capsys, label, command):
    write_wave(project, "w1")
    work = project / "data" / "work"
    (work / "state").mkdir(parents=True)
    (work / "state" / "w1.json").write_text("{}")  # a data/work tree to keep as it is
    around = [project.parent, project.parent.parent]
    before = _tree(project), [sorted(os.listdir(p)) for p in around]
    argv = [a.replace("{label}", label) for a in command]
    if "{label}" not in command:
        argv.insert(1, label)
    assert main(argv) == 1
    assert capsys.readouterr().err == (
        f"error: invalid wave label {label!r}: use letters, digits, '-' and '_' "
        "(e.g. 2014-autunno)\n")
    after = _tree(project), [sorted(os.listdir(p)) for p in around]
    assert after == before, "nothing written, inside or outside the project"


def test_a_label_must_match_as_a_whole(project):
    assert check_wave_label("2014-autunno_2") == "2014-autunno_2"
    for label in ("w1\n", "w1\r", "\nw1", "w1\n\n", "w1\x00"):
        assert WAVE_PATTERN.match(label) is None
        with pytest.raises(WaveLabelError, match="invalid wave label"):
            check_wave_label(label)
    from pipeline.run.wave import run_all, run_wave

    write_wave(project, "w1")
    before = _tree(project)
    with pytest.raises(WaveLabelError, match=r"invalid wave label '\.\./\.\./x'"):
        run_wave("../../x", progress_stream=None)
    with pytest.raises(WaveLabelError, match=r"invalid wave label 'w1\\n'"):
        run_wave("w1\n", progress_stream=None)
    assert _tree(project) == before
    # a folder of data/raw that is no wave label fails alone in --all, writing nothing of it
    (project / "data" / "raw" / "bad label").mkdir()
    held = get_paths().wave_lock("w1")
    with hold(held, "wave w1"):  # w1 busy: only the bad folder is tried
        results = run_all(progress_stream=None)
    assert [(r["wave"], r["ok"], r.get("busy", False)) for r in results] == [
        ("bad label", False, False), ("w1", False, True)]
    assert results[0]["error"].startswith("invalid wave label 'bad label'")
    assert not (project / "data" / "work" / "runs").exists()
