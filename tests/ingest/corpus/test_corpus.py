"""Every corpus wave through the gate: exit status, the exact line, nothing published.

The gate is :func:`pipeline.validate.validate_step` (ingest in memory, validate, write the
data-quality report), with the exit status the ``welfare`` command gives a
:class:`~pipeline.errors.PipelineError` (1). Before each case the project holds a
"last good" processed wave and published report of the same label: after the case both must
be byte for byte as they were, and a stopped wave's report must be in
``data/work/failed/<wave>/``.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

import pytest
from corpus_cases import CASES, WAVE, Case

from pipeline.config import Paths, get_paths
from pipeline.validate import DataQualityError, validate_step


def _snapshot(*folders: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def _publish_last_good(paths: Paths) -> None:
    processed = paths.processed_wave(WAVE)
    processed.mkdir(parents=True)
    (processed / "manifest.json").write_text('{"wave": "w1", "last": "good"}\n')
    (processed / "worker_survey.parquet").write_bytes(b"last good parquet")
    report = paths.report_wave(WAVE)
    report.mkdir(parents=True)
    (report / "index.html").write_text("<p>last good report</p>\n")


def gate(wave: str, paths: Paths) -> tuple[int, str | None, Path]:
    """``(exit status, printed line, data-quality report)`` as ``welfare validate`` gives."""
    try:
        result, report = validate_step(wave, paths=paths, lang="en")
    except DataQualityError as err:
        return 1, err.line, err.report
    return 0, result.first_error_line(), report


def test_the_corpus_is_large_enough_and_one_defect_each():
    assert len(CASES) >= 25
    assert len({c.name for c in CASES}) == len(CASES)
    assert sum(c.status == 1 for c in CASES) >= 25
    assert all(c.defect and c.line for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_case(case: Case, project: Path):
    paths = get_paths()
    raw = case.build(project)
    _publish_last_good(paths)
    before = _snapshot(paths.processed, paths.reports, raw)

    status, line, report = gate(WAVE, paths)

    assert status == case.status
    assert line == case.expected(raw)
    assert _snapshot(paths.processed, paths.reports, raw) == before, "nothing is published"
    assert report.exists()
    text = html.unescape(report.read_text(encoding="utf-8"))
    assert line in text
    if status == 1:
        # asked in English: the English page; the Italian one beside it, as always
        assert report == paths.failed_wave(WAVE) / "data_quality.en.html"
        assert (paths.failed_wave(WAVE) / "data_quality.html").exists()
    else:
        assert not paths.failed_wave(WAVE).exists()


def _cli_has_validate() -> bool:
    from pipeline.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return "validate" in sub.choices


@pytest.mark.skipif(not _cli_has_validate(), reason="`welfare validate` is not wired yet")
@pytest.mark.parametrize("name", ["orphan_worker_company", "encoding", "headcount_halved"])
def test_welfare_validate_command(name: str, project: Path, capsys):
    from pipeline.cli import main

    case = next(c for c in CASES if c.name == name)
    raw = case.build(project)
    _publish_last_good(get_paths())
    before = _snapshot(get_paths().processed, get_paths().reports)
    status = main(["validate", WAVE])
    out = capsys.readouterr()
    assert status == case.status
    assert case.expected(raw).replace(f"{project}/", "") in (out.out + out.err).replace(
        f"{project}/", "")
    assert _snapshot(get_paths().processed, get_paths().reports) == before
