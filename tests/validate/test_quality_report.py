"""The data-quality report: self-contained HTML, both languages, every check listed, failing
values and rows shown, personal data never shown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from helpers.waves import minimal_tables, write_wave

from pipeline.config import Paths, get_paths
from pipeline.ingest.load import ingest_wave
from pipeline.validate import CheckResult, ValidationResult, validate_wave
from pipeline.validate.report import quality_report_html, write_quality_report


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> ValidationResult:
    """A wave with two critical failures and three warnings."""
    root = tmp_path_factory.mktemp("qr")
    tables = minimal_tables()
    w = tables["worker_survey"]
    w.loc[3, "company_id"] = "C99"                      # orphan: critical
    w.loc[[1, 4, 7], "wlb_fit"] = ""                    # 25 % missing: critical + warning
    tables["companies"].loc[1, "in_network"] = "0"      # surveyed, not in network: warning
    tables["companies"].loc[3, "name"] = "Alfa S.r.l."  # same name + municipality: warning
    dup = w.iloc[[2]].copy()
    dup["resp_id"] = "R9999"                            # duplicated questionnaire: warning
    tables["worker_survey"] = pd.concat([w, dup], ignore_index=True)
    raw = write_wave(root, "demo-x", tables)
    paths = Paths(root, reference_dir=get_paths().reference_dir)
    return validate_wave(ingest_wave("demo-x", raw), paths=paths)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "link", "img", "input"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    assert parser.open == [], f"unclosed tags: {parser.open}"
    return parser


def test_self_contained(result):
    html = quality_report_html(result, "it")
    parsed = _parse(html)
    tags = {t for t, _ in parsed.tags}
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert "iframe" not in tags and "object" not in tags
    for _, attrs in parsed.tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), f"external reference {value}"
    assert "@import" not in html and "url(" not in html
    assert not re.search(r"https?://", html)
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html


def test_lists_every_check_with_its_result(result):
    html = quality_report_html(result, "en")
    applicable = [c for c in result.checks if c.success is not None]
    rows = re.findall(r'<tr class="[a-z]*"><td class="num">(\d+)</td>', html)
    assert len(rows) == len(applicable)
    for c in applicable:
        assert f">{c.check}<" in html
    assert html.count("✗ failed") == len(result.critical_failures) + len(result.warnings)
    per_table = [int(n) for n in re.findall(r"<summary>(\d+) checks not applicable", html)]
    assert sum(per_table) == len(result.skipped) > 0


def test_problems_show_lines_values_and_rows(result):
    html = quality_report_html(result, "en")
    orphan = next(c for c in result.checks if c.check == "worker_survey.company_id.references")
    assert orphan.line() in html.replace("&#39;", "'")
    problems = html[html.index("<h2>Problems</h2>"):html.index("<h2>All checks</h2>")]
    order = [problems.index(f"({name})") for name in (
        "worker_survey.wlb_fit.complete", "worker_survey.company_id.references",
        "company_survey.company_id.in_network", "worker_survey.wlb_fit.complete_warn")]
    assert order == sorted(order), "critical failures first, each group in file order"
    assert "Failing values: <code>C99</code>" in problems
    assert "Failing rows: 3, 6, 9" in problems
    assert "Failing rows: 4, 14" in problems  # the duplicated questionnaire and its copy


def test_personal_data_is_never_shown(result):
    html = quality_report_html(result, "it")
    dup = next(c for c in result.checks if c.check == "companies.name.duplicate_company")
    assert dup.failed and "Alfa" in str(dup.failing_values)
    assert "Alfa" not in html and "non mostrati (dati personali)" in html


def test_status_and_synthetic_banner(result):
    it = quality_report_html(result, "it")
    en = quality_report_html(result, "en")
    assert '<html lang="it">' in it and '<html lang="en">' in en
    assert "Non superato: la rilevazione si ferma qui" in it
    assert "Failed: the wave stops here" in en
    assert "Dati sintetici dimostrativi" in it  # a demo-* wave
    assert "2 errori critici" in it and "2 critical failures" in en
    assert "riga 5, colonna &#39;company_id&#39;" in it


def test_passed_and_warnings_status():
    ok = CheckResult(table="t", check="t.rows", kind="rows", expectation_type="x", column=None,
                     severity="critical", success=True)
    warn = CheckResult(table="t", check="t.a.plausible", kind="plausible",
                       expectation_type="expect_column_values_to_be_between", column="a",
                       severity="warning", success=False, kwargs={"max_value": 5},
                       failing_values=[7], failing_rows=[4], unexpected_count=1)
    assert "Passed —" in quality_report_html(ValidationResult("w", [ok]), "en")
    html = quality_report_html(ValidationResult("w", [ok, warn]), "en")
    assert "Passed with warnings" in html
    assert "t, row 4, column &#39;a&#39;: 7 is above 5: implausible (warning; 1 row)" in html


def test_values_are_escaped():
    evil = CheckResult(table="t", check="t.c.codes", kind="codes",
                       expectation_type="expect_column_values_to_be_in_set", column="c",
                       severity="critical", success=False, kwargs={"value_set": ["a"]},
                       failing_values=["<script>alert(1)</script>"], failing_rows=[2],
                       unexpected_count=1)
    html = quality_report_html(ValidationResult("w", [evil]), "en")
    assert "<script>" not in html and "&lt;script&gt;" in html
    _parse(html)


def test_write_quality_report(tmp_path, result):
    path = write_quality_report(result, tmp_path / "sub" / "dq.html", lang="en")
    assert path.read_text(encoding="utf-8") == quality_report_html(result, "en")
    with pytest.raises(ValueError, match="lang must be one of"):
        quality_report_html(result, "de")


def test_respondent_ids_stay_out_of_the_report(tmp_path):
    tables = minimal_tables()
    root = tmp_path
    raw = write_wave(root, "w1", tables)
    data = ingest_wave("w1", raw)
    data.tables["worker_survey"].loc[5, "resp_id"] = "R0001"  # a duplicate past ingestion
    paths = Paths(root, reference_dir=get_paths().reference_dir)
    result = validate_wave(data, paths=paths)
    check = next(c for c in result.checks if c.check == "worker_survey.resp_id.unique")
    assert check.line().endswith("'R0001' is repeated (must be unique) (critical; 2 rows)")
    html = quality_report_html(result, "en")
    assert "R0001" not in html
    assert "a value is repeated (must be unique) (critical; 2 rows)" in html
    assert "Failing rows: 3, 7" in html
    saved = result.to_dict()
    assert "R0001" not in str(saved)
    assert "R0001" in str(result.to_dict(private=True))
