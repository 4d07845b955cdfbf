"""The ``welfare`` command line: help texts, exit codes, one-line errors."""

from __future__ import annotations

import pytest
from helpers.waves import minimal_tables, write_wave

from pipeline.cli import build_parser, main


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
